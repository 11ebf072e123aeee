"""Are two index directories the same index? Chunks, manifests and every vector's cosine.

    python -m eval.compare_indexes <data dir A> <data dir B>

Used to show that `tracuu index --ray` builds the index one process builds.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
from pathlib import Path

import numpy as np

from index.builder import read_manifest

SAME_FIELDS = ("format_version", "model", "dimension", "normalization_version", "parser_version", "corpus_dir",
               "documents", "files", "chunks", "index_type", "dense")  # fmt: skip


def _vectors(index_dir: Path, n: int) -> np.ndarray:
    import faiss

    if (index_dir / "vectors.npy").exists():
        return np.load(index_dir / "vectors.npy", mmap_mode="r")
    index = faiss.read_index(str(index_dir / "vectors.faiss"))
    base = faiss.downcast_index(index.index) if hasattr(index, "index") else index
    if hasattr(base, "storage"):  # HNSW keeps its vectors in a flat storage index
        base = faiss.downcast_index(base.storage)
    return base.reconstruct_n(0, n)


def _chunk_ids(index_dir: Path) -> list[str]:
    db = sqlite3.connect(f"file:{index_dir / 'chunks.sqlite'}?mode=ro", uri=True)
    try:
        return [cid for (cid,) in db.execute("SELECT chunk_id FROM chunks ORDER BY row")]
    finally:
        db.close()


def compare(a: Path, b: Path) -> dict:
    """Differences between the manifests, the chunk order, and per-vector cosines."""
    ma, mb = read_manifest(a), read_manifest(b)
    out: dict = {"chunks": ma.chunks, "model": ma.model}
    out["manifest_differs_in"] = [f for f in SAME_FIELDS if getattr(ma, f) != getattr(mb, f)]
    out["same_chunk_order"] = _chunk_ids(a) == _chunk_ids(b)
    va, vb = _vectors(a, ma.chunks), _vectors(b, mb.chunks)
    cos = np.einsum("ij,ij->i", np.asarray(va, np.float64), np.asarray(vb, np.float64))
    out["cosine_min"] = round(float(cos.min()), 6)
    out["cosine_mean"] = round(float(cos.mean()), 6)
    out["vectors_below_0.9999"] = int((cos < 0.9999).sum())
    out["identical_vectors"] = int((cos >= 1 - 1e-7).sum())
    return out


def main(argv: list[str] | None = None) -> int:
    """Print the comparison as JSON."""
    parser = argparse.ArgumentParser(prog="python -m eval.compare_indexes")
    parser.add_argument("a", help="data dir (with current/) or index dir")
    parser.add_argument("b")
    args = parser.parse_args(argv)
    dirs = [Path(p) / "current" if (Path(p) / "current").exists() else Path(p) for p in (args.a, args.b)]
    print(json.dumps(compare(*dirs), indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
