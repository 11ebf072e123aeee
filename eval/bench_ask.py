"""Answer latency: the `tracuu ask` path per question after warm-up, on the configured index.

python -m eval.bench_ask [--data-dir data] [--corpus DIR] [--questions eval/dev.jsonl] [--repeat 3] [--no-refresh]

``ready_s`` counts from this process's start to the first answer (imports, index, query model), as
the bot does before its first poll. ``--no-refresh`` opens the index as it is, without checking it
against a corpus (for a synthetic index, which has none).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

STARTED = time.perf_counter()


def _rss_mb() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        return next(round(int(line.split()[1]) / 1024) for line in status if line.startswith("VmRSS:"))


def main(argv: list[str] | None = None) -> int:
    """Print p50/p95 answer time, with and without diacritics."""
    parser = argparse.ArgumentParser(prog="python -m eval.bench_ask")
    parser.add_argument("--data-dir", default="data")
    parser.add_argument("--corpus", help="the corpus the index was built from (default: the bundled one)")
    parser.add_argument("--questions", default=str(Path(__file__).parent / "dev.jsonl"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-refresh", action="store_true", help="open the index as it is (synthetic indexes)")
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from index.light_imports import register_light_underthesea

    register_light_underthesea()  # as `tracuu` does
    from bot.answerer import Answerer
    from eval.judge import load_questions, strip_diacritics
    from index.builder import read_manifest
    from index.searcher import Searcher
    from tracuu.cli import open_searcher
    from tracuu.settings import Settings

    settings = Settings(data_dir=Path(args.data_dir), **({"corpus_dir": Path(args.corpus)} if args.corpus else {}))
    if args.no_refresh:
        current = settings.data_dir / "current"
        searcher = Searcher(current, settings.embedder, read_manifest(current).model)
    else:
        searcher = open_searcher(settings)
    answerer = Answerer(searcher)
    answerer.answer("Ai chủ trì kế hoạch cải cách hành chính?")
    ready = time.perf_counter() - STARTED
    questions = [q.question for q in load_questions(Path(args.questions))]
    out: dict = {"chunks": len(searcher.chunks), "ready_s": round(ready, 2), "questions": len(questions)}
    out["repeat"] = args.repeat
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
    out["rss_mb"] = _rss_mb()
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
