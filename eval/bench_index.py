"""Index benchmark: build throughput and peak memory, search latency, and a synthetic 100k index.

    python -m eval.bench_index build --corpus corpus/documents
    python -m eval.bench_index search --data-dir data --questions eval/dev.jsonl
    python -m eval.bench_index synthetic --from-data-dir data/eval/laws-xxxx --size 100000

Numbers are printed, not asserted: speed targets are checked by reading them.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def bench_build(corpus: Path, data_dir: Path | None) -> dict:
    """A fresh `tracuu index` in a child process: wall time, chunks/s, peak RSS."""
    target = data_dir or Path(tempfile.mkdtemp(prefix="bench-index-"))
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "tracuu.cli", "--corpus", str(corpus), "--data-dir", str(target), "index", "--force"],
        capture_output=True,
        text=True,
        check=True,
    )
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    manifest = json.loads((target / "current" / "manifest.json").read_text())
    return {
        "corpus": str(corpus),
        "chunks": manifest["chunks"],
        "seconds": round(seconds, 1),
        "chunks_per_s": round(manifest["chunks"] / seconds, 1),
        "peak_rss_mb": round(peak_mb),
        "summary": proc.stdout.strip(),
    }


def bench_search(data_dir: Path, questions: Path, modes: list[str], limit: int) -> dict:
    """Latency of `Searcher.search` per mode over real questions, after one warm-up query."""
    from eval.judge import load_questions
    from index.searcher import Searcher
    from tracuu.settings import Settings

    settings = Settings(data_dir=data_dir)
    manifest = json.loads((data_dir / "current" / "manifest.json").read_text())
    searcher = Searcher(data_dir / "current", settings.embedder, manifest["model"])
    qs = [q.question for q in load_questions(questions)][:limit]
    out = {"chunks": len(searcher.chunks), "questions": len(qs)}
    for mode in modes:
        searcher.search("khởi động", mode=mode)
        times = []
        for q in qs:
            started = time.perf_counter()
            searcher.search(q, mode=mode)
            times.append((time.perf_counter() - started) * 1000)
        out[mode] = {"p50_ms": round(statistics.median(times), 1), "p95_ms": round(_pct(times, 0.95), 1)}
    return out


def bench_synthetic(source: Path, size: int, queries: int, hnsw_m: int) -> dict:
    """A synthetic index of ``size`` chunks made from a real index's vectors and tokens.

    Vectors are real chunk vectors plus small noise; token lists are resampled from real
    chunks. Flat and HNSW are built and searched with the same real query vectors, and the
    whole hybrid path (BM25 fields + FAISS + fusion) is timed as a search would run.
    """
    import sqlite3

    import faiss

    from eval.judge import load_questions
    from index.dense import DenseIndex
    from index.fusion import fuse_rrf
    from index.lexical import LexicalIndex
    from index.query import analyse_query
    from tracuu.settings import Settings

    rng = np.random.default_rng(7)
    base = faiss.read_index(str(source / "current" / "vectors.faiss"))
    real = base.index.reconstruct_n(0, base.ntotal) if hasattr(base, "index") else base.reconstruct_n(0, base.ntotal)
    picks = rng.integers(0, len(real), size)
    vectors = real[picks] + rng.normal(0, 0.02, (size, real.shape[1])).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    db = sqlite3.connect(str(source / "current" / "chunks.sqlite"))
    rows = [(json.loads(w), json.loads(f)) for w, f in db.execute("SELECT words, folded FROM chunks")]
    random.seed(7)
    words, folded = [], []
    for i in picks:
        w, f = rows[int(i)]
        words.append(random.sample(w, k=max(1, int(len(w) * 0.9))))
        folded.append(random.sample(f, k=max(1, int(len(f) * 0.9))))
    settings = Settings()
    embedder = settings.embedder()
    texts = [q.question for q in load_questions(Path(__file__).parent / "dev.jsonl")][:queries]
    qvecs = [embedder.embed_query(t) for t in texts]
    analyses = [analyse_query(t) for t in texts]
    out: dict = {"size": size, "queries": len(texts)}
    rss0 = _rss_mb()
    started = time.perf_counter()
    lexical = LexicalIndex.build(words, folded)
    out["bm25_build_s"] = round(time.perf_counter() - started, 1)
    out["bm25_rss_mb"] = round(_rss_mb() - rss0)
    flat_ids: list[set[int]] = []
    for kind, threshold in (("flat", size + 1), ("hnsw", 1)):
        rss0 = _rss_mb()
        started = time.perf_counter()
        dense = DenseIndex.build(vectors, np.arange(size), hnsw_threshold=threshold, hnsw_m=hnsw_m)
        build_s = time.perf_counter() - started
        mem = _rss_mb() - rss0
        dense_times, hybrid_times, recalls = [], [], []
        for qv, analysis in zip(qvecs, analyses, strict=True):
            started = time.perf_counter()
            _, ids = dense.search(qv, 100)
            dense_times.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            rankings = {}
            for field in ("words", "folded"):
                scores = lexical.scores(field, getattr(analysis, field))
                top = np.argpartition(-scores, 99)[:100]
                rankings[field] = [int(i) for i in top[np.argsort(-scores[top])]]
            _, ids2 = dense.search(qv, 100)
            rankings["dense"] = [int(i) for i in ids2]
            fuse_rrf(rankings)
            hybrid_times.append((time.perf_counter() - started) * 1000)
            # Synthetic rows are noisy copies of real chunks: compare which real chunks are found.
            found = {int(picks[i]) for i in ids[:10]}
            if kind == "flat":
                flat_ids.append(found)
            else:
                recalls.append(len(found & flat_ids[len(recalls)]) / max(len(flat_ids[len(recalls)]), 1))
        out[kind] = {
            "build_s": round(build_s, 1),
            "index_rss_mb": round(mem),
            "dense_p50_ms": round(statistics.median(dense_times), 2),
            "dense_p95_ms": round(_pct(dense_times, 0.95), 2),
            "hybrid_without_embedding_p50_ms": round(statistics.median(hybrid_times), 1),
            "hybrid_without_embedding_p95_ms": round(_pct(hybrid_times, 0.95), 1),
        }
        if recalls:
            out[kind]["source_recall@10_vs_flat"] = round(statistics.mean(recalls), 3)
        del dense
    started = time.perf_counter()
    for t in texts:
        embedder.embed_query(t)
    out["query_embedding_mean_ms"] = round((time.perf_counter() - started) * 1000 / len(texts), 1)
    return out


def main(argv: list[str] | None = None) -> int:
    """Run one benchmark and print its numbers as JSON."""
    parser = argparse.ArgumentParser(prog="python -m eval.bench_index")
    sub = parser.add_subparsers(dest="what", required=True)
    p = sub.add_parser("build")
    p.add_argument("--corpus", required=True)
    p.add_argument("--data-dir")
    p = sub.add_parser("search")
    p.add_argument("--data-dir", required=True)
    p.add_argument("--questions", default=str(Path(__file__).parent / "dev.jsonl"))
    p.add_argument("--modes", default="bm25,dense,hybrid")
    p.add_argument("--limit", type=int, default=300)
    p = sub.add_parser("synthetic")
    p.add_argument("--from-data-dir", required=True)
    p.add_argument("--size", type=int, default=100_000)
    p.add_argument("--queries", type=int, default=50)
    p.add_argument("--hnsw-m", type=int, default=32)
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if args.what == "build":
        result = bench_build(Path(args.corpus), Path(args.data_dir) if args.data_dir else None)
    elif args.what == "search":
        result = bench_search(Path(args.data_dir), Path(args.questions), args.modes.split(","), args.limit)
    else:
        result = bench_synthetic(Path(args.from_data_dir), args.size, args.queries, args.hnsw_m)
    print(json.dumps(result, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
