"""FAISS inner-product search over normalised vectors, with chunk-row ids, chosen by size.

Exact search up to ``hnsw_threshold`` vectors, an HNSW graph up to ``ivf_threshold``, and
IVF-PQ above it, re-ranked exactly from a memory-mapped copy of the vectors (PQ codes alone lose
too much of e5's closely spaced similarities). Files are read memory-mapped where FAISS allows,
so a million-chunk index starts without reading its vectors into RAM.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

FLAT = "flat"
HNSW = "hnsw"
IVFPQ = "ivfpq"
KINDS = (FLAT, HNSW, IVFPQ)
HNSW_EF_SEARCH = 256  # e5 similarities are close together, so the graph search needs a wide beam
EXACT_VECTORS = "vectors.npy"


def choose_params(size: int, dim: int, hnsw_threshold: int, ivf_threshold: int, hnsw_m: int = 32) -> dict[str, Any]:
    """The index kind and its parameters for ``size`` vectors (written to the manifest)."""
    if size > ivf_threshold:
        nlist = 2 ** max(6, min(16, round(math.log2(2 * math.sqrt(size)))))
        m = next(m for m in (48, 32, 24, 16, 12, 8, 4, 2, 1) if dim % m == 0 and dim // m >= 8)  # 8-d parts
        return {"kind": IVFPQ, "nlist": nlist, "m": m, "nbits": 8, "nprobe": 48, "refine": 200, "train": 40 * nlist}
    if size > hnsw_threshold:
        return {"kind": HNSW, "M": hnsw_m, "efConstruction": 120, "efSearch": HNSW_EF_SEARCH}
    return {"kind": FLAT}


class DenseIndex:
    """``IndexIDMap2`` over exact ``IndexFlatIP`` or ``IndexHNSWFlat``; bare IVF-PQ (ids are rows)."""

    def __init__(self, index, kind: str, params: dict[str, Any] | None = None, exact: np.ndarray | None = None) -> None:
        self.index = index  # faiss.Index
        self.kind = kind
        self.params = params or {"kind": kind}
        self.exact = exact

    @classmethod
    def build(
        cls,
        vectors: np.ndarray,
        ids: np.ndarray,
        hnsw_threshold: int = 50_000,
        hnsw_m: int = 32,
        ivf_threshold: int = 300_000,
    ) -> DenseIndex:
        """Exact search up to ``hnsw_threshold`` vectors, HNSW up to ``ivf_threshold``, IVF-PQ above."""
        import faiss

        dim = vectors.shape[1]
        params = choose_params(len(vectors), dim, hnsw_threshold, ivf_threshold, hnsw_m)
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if params["kind"] == IVFPQ:
            if not np.array_equal(ids, np.arange(len(vectors))):
                raise ValueError("IVF-PQ indexes store chunk rows 0..n-1 as ids")
            quantizer = faiss.IndexFlatIP(dim)
            index = faiss.IndexIVFPQ(quantizer, dim, params["nlist"], params["m"], params["nbits"])
            index.metric_type = faiss.METRIC_INNER_PRODUCT
            sample = np.random.default_rng(0).choice(len(vectors), min(len(vectors), params["train"]), replace=False)
            index.train(vectors[np.sort(sample)])
            index.add(vectors)
            index.nprobe = params["nprobe"]
            return cls(index, IVFPQ, params, exact=vectors)
        if params["kind"] == HNSW:
            base = faiss.IndexHNSWFlat(dim, params["M"], faiss.METRIC_INNER_PRODUCT)
            base.hnsw.efConstruction = params["efConstruction"]
            base.hnsw.efSearch = params["efSearch"]
            index = faiss.IndexIDMap2(base)
        else:
            index = faiss.IndexIDMap2(faiss.IndexFlatIP(dim))
        if len(vectors):
            index.add_with_ids(vectors, ids.astype(np.int64))
        return cls(index, params["kind"], params)

    @property
    def size(self) -> int:
        """Number of vectors."""
        return int(self.index.ntotal)

    def remove(self, ids: np.ndarray) -> int:
        """Delete vectors by id (exact index only; graph and IVF-PQ indexes are rebuilt instead)."""
        import faiss

        if self.kind != FLAT:
            raise NotImplementedError("HNSW and IVF-PQ indexes do not support deletion here; rebuild the index")
        return int(self.index.remove_ids(faiss.IDSelectorBatch(ids.astype(np.int64))))

    def _selector(self, allowed: np.ndarray):  # -> faiss.IDSelector
        """A bitmap over rows for large allowed sets (a batch selector hashes every id per query)."""
        import faiss

        if len(allowed) <= 4096:
            return faiss.IDSelectorBatch(allowed.astype(np.int64))
        bits = np.zeros(self.size, dtype=bool)
        bits[allowed] = True
        packed = np.packbits(bits, bitorder="little")
        selector = faiss.IDSelectorBitmap(len(packed), faiss.swig_ptr(packed))
        selector.referenced = packed  # keep the bitmap alive as long as the selector
        return selector

    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Top-k (scores, ids); ``allowed`` restricts the search to those ids."""
        import faiss

        k = min(k, self.size)
        if k <= 0:
            return np.zeros(0, np.float32), np.zeros(0, np.int64)
        q = query.reshape(1, -1).astype(np.float32)
        selector = self._selector(allowed) if allowed is not None else None
        if self.kind == IVFPQ:
            wide = max(k, int(self.params.get("refine", 0)))
            params = faiss.SearchParametersIVF(sel=selector, nprobe=int(self.params["nprobe"]))
            _, ids = self.index.search(q, wide, params=params)
            ids = ids[0][ids[0] >= 0]
            if self.exact is None or not len(ids):
                return np.zeros(0, np.float32), ids
            order = np.sort(ids)  # memory-mapped rows read in file order
            scores = self.exact[order] @ q[0]
            top = np.argsort(-scores, kind="stable")[:k]
            return scores[top].astype(np.float32), order[top]
        params = None
        if selector is not None:
            params = (
                faiss.SearchParametersHNSW(sel=selector, efSearch=max(HNSW_EF_SEARCH, k))
                if self.kind == HNSW
                else faiss.SearchParameters(sel=selector)
            )
        scores, ids = self.index.search(q, k, params=params)
        keep = ids[0] >= 0
        return scores[0][keep], ids[0][keep]

    def vectors(self, ids: np.ndarray) -> np.ndarray:
        """The stored vectors of these ids (the learned ranker scores candidates other retrievers found)."""
        if not len(ids):
            return np.zeros((0, self.index.d), np.float32)
        if self.exact is not None:  # IVF-PQ keeps no id map; its exact vectors are memory-mapped beside it
            return np.asarray(self.exact[np.asarray(ids, dtype=np.int64)], dtype=np.float32)
        return self.index.reconstruct_batch(np.asarray(ids, dtype=np.int64))

    def save(self, path: Path) -> None:
        """Write the FAISS file (and, for IVF-PQ, the exact vectors beside it for re-ranking)."""
        import faiss

        faiss.write_index(self.index, str(path))
        if self.kind == IVFPQ and self.exact is not None:
            np.save(path.parent / EXACT_VECTORS, np.ascontiguousarray(self.exact, dtype=np.float32))

    @classmethod
    def load(cls, path: Path, kind: str, params: dict[str, Any] | None = None, mmap: bool = True) -> DenseIndex:
        """Read a FAISS file, memory-mapped where FAISS allows (flat codes, HNSW storage)."""
        import faiss

        flags = (faiss.IO_FLAG_MMAP_IFC | faiss.IO_FLAG_READ_ONLY) if mmap and kind in (FLAT, HNSW) else 0
        index = faiss.read_index(str(path), flags)
        exact = None
        if kind == IVFPQ:
            exact = np.load(path.parent / EXACT_VECTORS, mmap_mode="r" if mmap else None)
            if exact.shape[0] != index.ntotal:
                raise ValueError(f"{EXACT_VECTORS} holds {exact.shape[0]} vectors, the FAISS file {index.ntotal}")
        return cls(index, kind, params or {"kind": kind}, exact)
