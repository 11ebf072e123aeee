"""Load benchmark: simulated users ask the real `tracuu bot` through the local Bot API stand-in.

    python -m eval.bench_bot [--users 50] [--questions 10] [--data-dir data]

Traffic goes only to 127.0.0.1, and every loop is bounded in count and time. It reports
whether every update was answered exactly once, and p50/p95 time from update to reply.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import time
from pathlib import Path

TOKEN = "555000:LOAD-benchmark-token"


def _replies(standin, chat_id: int, since: float, until: float = float("inf")) -> list:
    """Messages sent to a user's private chat in a time window (each user asks one thing at a time)."""
    with standin.lock:
        return [
            c
            for c in standin.calls
            if c.method == "sendMessage" and int(c.params["chat_id"]) == chat_id and since <= c.at < until
        ]


def main(argv: list[str] | None = None) -> int:
    """Run the load and print the figures as JSON."""
    parser = argparse.ArgumentParser(prog="python -m eval.bench_bot")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--questions", type=int, default=10)
    parser.add_argument("--data-dir", default="data")
    parser.add_argument("--timeout", type=float, default=900.0, help="stop waiting after this many seconds")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from eval.judge import DEFAULT_QUESTIONS, load_questions
    from tests.bot.bot_api_standin import BotApiStandIn, running_bot

    questions = [q.question for q in load_questions(DEFAULT_QUESTIONS)]
    standin = BotApiStandIn(TOKEN).start()
    log_path = Path(args.data_dir) / "bench_bot.log"
    results: list[tuple[int, float, float]] = []  # chat id, pushed at, first reply at
    lock = threading.Lock()
    deadline = time.monotonic() + args.timeout
    try:
        with running_bot(standin, args.data_dir, log_path, {"TRACUU_RATE_LIMIT": str(args.questions + 5)}):

            def user(uid: int) -> None:
                for i in range(args.questions):
                    if time.monotonic() > deadline:
                        return
                    text = questions[(uid * args.questions + i) % len(questions)]
                    chat_id = 100_000 + uid
                    pushed = time.monotonic()
                    standin.message(text, user_id=chat_id)
                    while time.monotonic() < deadline:
                        replies = _replies(standin, chat_id, pushed)
                        if replies and (replies[-1].params.get("reply_markup") or len(replies) == 1):
                            time.sleep(0.3)  # let a duplicate show up before the next question
                            with lock:
                                results.append((chat_id, pushed, replies[0].at))
                            break
                        time.sleep(0.02)

            started = time.monotonic()
            threads = [threading.Thread(target=user, args=(u,)) for u in range(args.users)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(max(1.0, deadline - time.monotonic()))
            wall = time.monotonic() - started
    finally:
        standin.stop()
    expected = args.users * args.questions
    exactly_once = 0
    by_chat: dict[int, list[float]] = {}
    for chat_id, pushed, _ in results:
        by_chat.setdefault(chat_id, []).append(pushed)
    for chat_id, pushes in by_chat.items():
        for start, end in zip(pushes, [*pushes[1:], float("inf")], strict=True):
            replies = _replies(standin, chat_id, start, end)
            with_keyboard = [r for r in replies if r.params.get("reply_markup")]
            if len(with_keyboard) == 1 or (not with_keyboard and len(replies) == 1):
                exactly_once += 1
    latencies = sorted((first - pushed) * 1000 for _, pushed, first in results)
    out = {
        "updates": expected,
        "answered": len(results),
        "answered_exactly_once": exactly_once,
        "wall_s": round(wall, 1),
        "throughput_per_s": round(len(results) / wall, 1) if wall else 0.0,
        "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "p95_ms": round(latencies[min(len(latencies) - 1, round(0.95 * (len(latencies) - 1)))], 1)
        if latencies
        else None,
        "max_ms": round(latencies[-1], 1) if latencies else None,
    }
    print(json.dumps(out, indent=1))
    return 0 if exactly_once == expected else 1


if __name__ == "__main__":
    raise SystemExit(main())
