"""Answer latency: the `tracuu ask` path per question after warm-up, on the configured index.

python -m eval.bench_ask [--data-dir data] [--questions eval/dev.jsonl] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    """Print p50/p95 answer time, with and without diacritics."""
    parser = argparse.ArgumentParser(prog="python -m eval.bench_ask")
    parser.add_argument("--data-dir", default="data")
    parser.add_argument("--questions", default=str(Path(__file__).parent / "dev.jsonl"))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from bot.answerer import Answerer
    from eval.judge import load_questions, strip_diacritics
    from tracuu.cli import open_searcher
    from tracuu.settings import Settings

    started = time.perf_counter()
    answerer = Answerer(open_searcher(Settings(data_dir=Path(args.data_dir))))
    ready = time.perf_counter() - started
    questions = [q.question for q in load_questions(Path(args.questions))]
    answerer.answer("Ai chủ trì kế hoạch cải cách hành chính?")
    out: dict = {"ready_s": round(ready, 2), "questions": len(questions), "repeat": args.repeat}
    for label, texts in (("accented", questions), ("without_diacritics", [strip_diacritics(q) for q in questions])):
        times = []
        for _ in range(args.repeat):
            for q in texts:
                t0 = time.perf_counter()
                answerer.answer(q)
                times.append((time.perf_counter() - t0) * 1000)
        times.sort()
        out[label] = {
            "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[min(len(times) - 1, round(0.95 * (len(times) - 1)))], 1),
            "max_ms": round(times[-1], 1),
        }
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
