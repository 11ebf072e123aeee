"""Index benchmark: embedding speed, build throughput and memory, search latency, synthetic large indexes.

    python -m eval.bench_index embed --compare fp32,int8 [--corpus ../shared/realdocs/documents] [--limit 1500]
    python -m eval.bench_index build --corpus corpus/documents [--precision int8] [--ray 2]
    python -m eval.bench_index build --real [--precision fp32] [--ray 2]      # all of ../shared/realdocs/
    python -m eval.bench_index search --data-dir data --questions eval/dev.jsonl
    python -m eval.bench_index synthetic --from-data-dir data/eval/laws-xxxx --size 100000

Numbers are printed, not asserted: speed targets are checked by reading them. Build runs end with a
projection: chunks/s and the hours 1M chunks would take on this machine and on N Ray workers.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


REALDOCS = Path(__file__).resolve().parents[1].parent / "shared" / "realdocs" / "documents"
MILLION = 1_000_000


def bench_embed(corpus: Path, limit: int, labels: list[str], rounds: int = 3) -> dict:
    """Embedding speed of each precision on the same real chunks, in one run.

    The sample is cut into rounds and every precision embeds each round in turn, so a change in
    the machine's load during the run falls on all of them alike.
    """
    from corpus.loader import load_corpus
    from index.builder import passage_text
    from index.onnx_embed import OnnxEmbedder, ensure_onnx_model
    from tracuu.settings import Settings

    chunks = load_corpus(corpus).chunks
    sample = chunks[:: max(1, len(chunks) // limit)][:limit]
    texts = [passage_text(c) for c in sample]
    embedders, load_s = {}, {}
    for label in labels:
        started = time.perf_counter()
        if label == "onnx-fp32":
            settings = Settings()
            embedders[label] = OnnxEmbedder(ensure_onnx_model(settings.model_cache_dir), "fp32", name=label)
        else:
            embedders[label] = Settings(embedding_precision=label).embedder()
        load_s[label] = round(time.perf_counter() - started, 2)
        embedders[label].embed_passages(texts[:4])
    seconds = dict.fromkeys(labels, 0.0)
    vectors = {label: np.zeros((len(texts), embedders[label].dimension), np.float32) for label in labels}
    for part in np.array_split(np.arange(len(texts)), rounds):
        for label in labels:
            started = time.perf_counter()
            vectors[label][part] = embedders[label].embed_passages([texts[i] for i in part], 32)
            seconds[label] += time.perf_counter() - started
    mean_chars = round(float(np.mean([len(t) for t in texts])))
    out: dict = {"corpus": str(corpus), "chunks": len(texts), "mean_chars": mean_chars}
    for label in labels:
        out[label] = {"chunks_per_s": round(len(texts) / seconds[label], 2), "seconds": round(seconds[label], 1),
                      "load_s": load_s[label]}  # fmt: skip
    if "fp32" in labels:
        for label in labels:
            if label != "fp32":
                cos = (vectors[label] * vectors["fp32"]).sum(axis=1)
                out[label]["speedup_vs_fp32"] = round(seconds["fp32"] / seconds[label], 2)
                out[label]["cosine_to_fp32_mean"] = round(float(cos.mean()), 4)
                out[label]["cosine_to_fp32_min"] = round(float(cos.min()), 4)
    return out


def projection(chunks: int, embedded: int, embed_s: float, other_s: float, workers: list[int]) -> dict:
    """Hours 1M chunks would take: embedding scales with workers, parsing and assembly do not."""
    rate = embedded / embed_s if embed_s and embedded else 0.0
    rest_per_chunk = other_s / chunks if chunks else 0.0
    hours = {}
    for n in workers:
        embed_h = MILLION / (rate * n) / 3600 if rate else float("nan")
        hours[f"{n}_workers" if n > 1 else "this_machine"] = round(embed_h + MILLION * rest_per_chunk / 3600, 2)
    return {"embed_chunks_per_s": round(rate, 2), "hours_for_1M_chunks": hours}


def bench_build(
    corpus: Path, data_dir: Path | None, precision: str | None = None, ray_workers: int | None = None
) -> dict:
    """A fresh `tracuu index --force` in a child process, then an unchanged re-index, and the projection.

    Ray workers count as machines like this one for the projection; with ``--ray N`` the build
    itself runs on a local N-worker Ray cluster.
    """
    target = data_dir or Path(tempfile.mkdtemp(prefix="bench-index-"))
    env = {**os.environ, **({"TRACUU_EMBEDDING_PRECISION": precision} if precision else {})}
    cli = [sys.executable, "-m", "tracuu.cli", "--corpus", str(corpus), "--data-dir", str(target), "index"]
    ray = ["--ray", "--ray-workers", str(ray_workers)] if ray_workers else []
    started = time.perf_counter()
    proc = subprocess.run([*cli, "--force", *ray], capture_output=True, text=True, check=True, env=env)
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    # Read before the re-index: should it rebuild (a parser changed meanwhile), `current` moves.
    manifest = json.loads((target / "current" / "manifest.json").read_text())
    timing = json.loads((target / "current" / "build.json").read_text())
    started = time.perf_counter()
    again = subprocess.run(cli, capture_output=True, text=True, check=True, env=env)
    unchanged_s = time.perf_counter() - started
    out = {
        "corpus": str(corpus),
        "model": manifest["model"],
        "ray_workers": ray_workers or 0,
        "chunks": manifest["chunks"],
        "embedded": timing["embedded"],
        "seconds": round(seconds, 1),
        "chunks_per_s": round(manifest["chunks"] / seconds, 2),
        "embed_s": round(timing["embed_s"], 1),
        "parse_and_assembly_s": round(seconds - timing["embed_s"], 1),
        "peak_rss_mb": round(peak_mb),
        "unchanged_reindex_s": round(unchanged_s, 2),
        "summary": proc.stdout.strip(),
        "unchanged_summary": again.stdout.strip(),
    }
    embed_s = timing["embed_s"] * (ray_workers or 1)  # one worker's time for the same chunks
    out["projection"] = projection(
        manifest["chunks"], timing["embedded"], embed_s, seconds - timing["embed_s"], [1, 2, 4, 8, 16, 32]
    )
    return out


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


class _Remembered:
    """The real query embedder, each question embedded once: later searches time everything but the model."""

    def __init__(self, embedder) -> None:
        self.embedder = embedder
        self.name, self.dimension = embedder.name, embedder.dimension
        self.vectors: dict[str, np.ndarray] = {}

    def embed_query(self, text: str) -> np.ndarray:
        """The question's vector, computed on first sight."""
        if text not in self.vectors:
            self.vectors[text] = self.embedder.embed_query(text)
        return self.vectors[text]

    def embed_passages(self, texts: list[str], batch_size: int = 32, progress: bool = False) -> np.ndarray:
        """Not used when serving."""
        return self.embedder.embed_passages(texts, batch_size, progress)


def _rss() -> dict:
    fields = {}
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(("VmRSS:", "RssAnon:", "RssFile:")):
                fields[line.split(":")[0]] = round(int(line.split()[1]) / 1024)
    return fields


def bench_serve(data_dir: Path) -> dict:
    """Open a synthetic index as the bot does and time hybrid search without the query embedding."""
    started = time.perf_counter()
    from index.builder import read_manifest
    from index.searcher import Searcher
    from tracuu.settings import Settings

    manifest = read_manifest(data_dir / "current")
    embedder = _Remembered(Settings(data_dir=data_dir).embedder())
    searcher = Searcher(data_dir / "current", lambda: embedder, manifest.model)
    out: dict = {"chunks": len(searcher.chunks), "index_type": manifest.index_type, "dense": manifest.dense}
    out["open_s_with_imports_and_model"] = round(time.perf_counter() - started, 2)
    out["rss_open_mb"] = _rss()
    gold = json.loads((data_dir / "current" / "synthetic.json").read_text())
    questions = gold["questions"]
    for q in questions:  # warm-up: embeds every question once
        searcher.search(q)
    hybrid = []
    for q in questions:
        t0 = time.perf_counter()
        searcher.search(q)
        hybrid.append((time.perf_counter() - t0) * 1000)
    dense, recalls = [], []
    for q, exact in zip(questions, gold["exact_top10"], strict=True):
        vector = embedder.embed_query(q)
        t0 = time.perf_counter()
        _, ids = searcher.dense.search(vector, 10)
        dense.append((time.perf_counter() - t0) * 1000)
        recalls.append(len({int(i) for i in ids} & set(exact)) / len(exact))
    out.update(
        {
            "questions": len(questions),
            "hybrid_without_embedding_p50_ms": round(statistics.median(hybrid), 1),
            "hybrid_without_embedding_p95_ms": round(_pct(hybrid, 0.95), 1),
            "dense_p50_ms": round(statistics.median(dense), 2),
            "dense_p95_ms": round(_pct(dense, 0.95), 2),
            "recall@10_vs_flat": round(statistics.mean(recalls), 3),
            "rss_serving_mb": _rss(),
        }
    )
    return out


def bench_synthetic(source: Path, size: int, queries: int, target: Path | None, hnsw: int, ivf: int) -> dict:
    """Write a synthetic index of ``size`` chunks from a real index, then serve it in a child process."""
    from eval.judge import load_questions
    from eval.synthetic_index import make_synthetic
    from tracuu.settings import Settings

    texts = [q.question for q in load_questions(Path(__file__).parent / "realdocs.jsonl")][:queries]
    embedder = Settings().embedder()
    target = target or Path(tempfile.mkdtemp(prefix=f"synthetic-{size}-"))
    started = time.perf_counter()
    timings = make_synthetic(source / "current", target, size, texts, embedder.embed_query, hnsw, ivf)
    out: dict = {"size": size, "data_dir": str(target), "build_s": round(time.perf_counter() - started, 1)}
    out["build"] = timings
    out["build_peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    proc = subprocess.run(
        [sys.executable, "-m", "eval.bench_index", "serve", "--data-dir", str(target)],
        capture_output=True,
        text=True,
        check=True,
    )
    out["serve"] = json.loads(proc.stdout)
    return out


def main(argv: list[str] | None = None) -> int:
    """Run one benchmark and print its numbers as JSON."""
    parser = argparse.ArgumentParser(prog="python -m eval.bench_index")
    sub = parser.add_subparsers(dest="what", required=True)
    p = sub.add_parser("embed")
    p.add_argument("--corpus", default=str(REALDOCS))
    p.add_argument("--limit", type=int, default=1500)
    p.add_argument("--compare", default="fp32,int8", help="precisions: fp32, int8, onnx-fp32")
    p = sub.add_parser("build")
    p.add_argument("--corpus")
    p.add_argument("--real", action="store_true", help="all of ../shared/realdocs/documents")
    p.add_argument("--data-dir")
    p.add_argument("--precision", choices=["int8", "fp32"])
    p.add_argument("--ray", type=int, metavar="N", help="embed on a local Ray cluster of N workers")
    p = sub.add_parser("search")
    p.add_argument("--data-dir", required=True)
    p.add_argument("--questions", default=str(Path(__file__).parent / "dev.jsonl"))
    p.add_argument("--modes", default="bm25,dense,hybrid")
    p.add_argument("--limit", type=int, default=300)
    p = sub.add_parser("synthetic", help="a synthetic index of --size chunks from a real index, then served")
    p.add_argument("--from-data-dir", required=True)
    p.add_argument("--size", type=int, default=100_000)
    p.add_argument("--queries", type=int, default=95)
    p.add_argument("--data-dir", help="where to write it (default: a temporary folder, kept)")
    p.add_argument("--hnsw-threshold", type=int, default=50_000)
    p.add_argument("--ivf-threshold", type=int, default=300_000)
    p = sub.add_parser("serve", help="open a synthetic index and time search (run by `synthetic`)")
    p.add_argument("--data-dir", required=True)
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from index.light_imports import register_light_underthesea

    register_light_underthesea()  # as `tracuu` does: memory and start-up as the product has them
    if args.what == "embed":
        result = bench_embed(Path(args.corpus), args.limit, args.compare.split(","))
    elif args.what == "build":
        if not (args.corpus or args.real):
            parser.error("build needs --corpus DIR or --real")
        corpus = REALDOCS if args.real else Path(args.corpus)
        result = bench_build(corpus, Path(args.data_dir) if args.data_dir else None, args.precision, args.ray)
    elif args.what == "search":
        result = bench_search(Path(args.data_dir), Path(args.questions), args.modes.split(","), args.limit)
    elif args.what == "serve":
        result = bench_serve(Path(args.data_dir))
    else:
        target = Path(args.data_dir) if args.data_dir else None
        result = bench_synthetic(
            Path(args.from_data_dir), args.size, args.queries, target, args.hnsw_threshold, args.ivf_threshold
        )
    print(json.dumps(result, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
