"""FAISS inner-product search over normalised vectors, with chunk-row ids and deletion."""

from __future__ import annotations

from pathlib import Path

import numpy as np

FLAT = "flat"
HNSW = "hnsw"
HNSW_EF_SEARCH = 256  # e5 similarities are close together, so the graph search needs a wide beam


class DenseIndex:
    """``IndexIDMap`` over exact ``IndexFlatIP`` (default) or ``IndexHNSWFlat`` above a size."""

    def __init__(self, index, kind: str) -> None:  # index: faiss.Index
        self.index = index
        self.kind = kind

    @classmethod
    def build(cls, vectors: np.ndarray, ids: np.ndarray, hnsw_threshold: int = 50_000, hnsw_m: int = 32) -> DenseIndex:
        """Exact search up to ``hnsw_threshold`` vectors, HNSW (inner product) above it."""
        import faiss

        dim = vectors.shape[1]
        if len(vectors) > hnsw_threshold:
            base = faiss.IndexHNSWFlat(dim, hnsw_m, faiss.METRIC_INNER_PRODUCT)
            base.hnsw.efConstruction = 120
            base.hnsw.efSearch = HNSW_EF_SEARCH
            index, kind = faiss.IndexIDMap2(base), HNSW
        else:
            index, kind = faiss.IndexIDMap2(faiss.IndexFlatIP(dim)), FLAT
        if len(vectors):
            index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), ids.astype(np.int64))
        return cls(index, kind)

    @property
    def size(self) -> int:
        """Number of vectors."""
        return int(self.index.ntotal)

    def remove(self, ids: np.ndarray) -> int:
        """Delete vectors by id (exact index only; HNSW indexes are rebuilt instead)."""
        import faiss

        if self.kind != FLAT:
            raise NotImplementedError("HNSW graphs do not support deletion; rebuild the index")
        return int(self.index.remove_ids(faiss.IDSelectorBatch(ids.astype(np.int64))))

    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Top-k (scores, ids); ``allowed`` restricts the search to those ids."""
        import faiss

        k = min(k, self.size)
        if k <= 0:
            return np.zeros(0, np.float32), np.zeros(0, np.int64)
        params = None
        if allowed is not None:
            selector = faiss.IDSelectorBatch(allowed.astype(np.int64))
            params = (
                faiss.SearchParametersHNSW(sel=selector, efSearch=max(HNSW_EF_SEARCH, k))
                if self.kind == HNSW
                else faiss.SearchParameters(sel=selector)
            )
        scores, ids = self.index.search(query.reshape(1, -1).astype(np.float32), k, params=params)
        keep = ids[0] >= 0
        return scores[0][keep], ids[0][keep]

    def vectors(self, ids: np.ndarray) -> np.ndarray:
        """The stored vectors of these ids (the learned ranker scores candidates other retrievers found)."""
        if not len(ids):
            return np.zeros((0, self.index.d), np.float32)
        return self.index.reconstruct_batch(np.asarray(ids, dtype=np.int64))

    def save(self, path: Path) -> None:
        """Write the FAISS file."""
        import faiss

        faiss.write_index(self.index, str(path))

    @classmethod
    def load(cls, path: Path, kind: str) -> DenseIndex:
        """Read a FAISS file."""
        import faiss

        return cls(faiss.read_index(str(path)), kind)
