"""BM25 over two fields: underthesea word tokens, and accent-folded syllables with bigrams."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

FIELDS = ("words", "folded")


class LexicalIndex:
    """Two bm25s indexes over the same rows; row i is the chunk stored at position i."""

    def __init__(self, fields: dict[str, object]) -> None:
        self.fields = fields

    @classmethod
    def build(cls, words: list[list[str]], folded: list[list[str]]) -> LexicalIndex:
        """Index token lists (one per chunk) for both fields."""
        import bm25s

        logging.getLogger("bm25s").setLevel(logging.WARNING)
        fields: dict[str, object] = {}
        for name, corpus in (("words", words), ("folded", folded)):
            retriever = bm25s.BM25(k1=1.2, b=0.75)
            retriever.index([toks or ["∅"] for toks in corpus], show_progress=False)
            fields[name] = retriever
        return cls(fields)

    @classmethod
    def build_single(cls, name: str, corpus: list[list[str]]) -> LexicalIndex:
        """One extra field (the headings), built with the index and saved beside the others."""
        import bm25s

        logging.getLogger("bm25s").setLevel(logging.WARNING)
        retriever = bm25s.BM25(k1=1.2, b=0.75)
        retriever.index([toks or ["∅"] for toks in corpus], show_progress=False)
        return cls({name: retriever})

    def save(self, directory: Path) -> None:
        """Write each field as a bm25s directory (JSON vocabulary + numpy arrays)."""
        for name, retriever in self.fields.items():
            retriever.save(str(directory / f"bm25_{name}"), show_progress=False)  # type: ignore[attr-defined]

    @classmethod
    def load(cls, directory: Path) -> LexicalIndex:
        """Load both fields, memory-mapped."""
        import bm25s

        logging.getLogger("bm25s").setLevel(logging.ERROR)
        fields = {
            name: bm25s.BM25.load(str(directory / f"bm25_{name}"), mmap=True, show_progress=False) for name in FIELDS
        }
        return cls(fields)

    @classmethod
    def load_field(cls, directory: Path, name: str) -> LexicalIndex:
        """One extra field written at build time (the headings), memory-mapped."""
        import bm25s

        logging.getLogger("bm25s").setLevel(logging.ERROR)
        return cls({name: bm25s.BM25.load(str(directory / f"bm25_{name}"), mmap=True, show_progress=False)})

    def scores(self, field: str, tokens: list[str]) -> np.ndarray:
        """BM25 score of every row for the query tokens (unknown tokens are ignored)."""
        retriever = self.fields[field]
        vocab = retriever.vocab_dict  # type: ignore[attr-defined]
        known = [t for t in tokens if t in vocab]
        n = retriever.scores["num_docs"]  # type: ignore[attr-defined]
        if not known:
            return np.zeros(n, dtype=np.float32)
        return np.asarray(retriever.get_scores(known), dtype=np.float32)  # type: ignore[attr-defined]

    def vocabulary(self, field: str) -> dict[str, int]:
        """Token → column of a field."""
        return self.fields[field].vocab_dict  # type: ignore[attr-defined]

    def idf(self, field: str, tokens: list[str]) -> np.ndarray:
        """BM25 idf of each token (unknown tokens get the highest idf: they are the rarest)."""
        retriever = self.fields[field]
        vocab = retriever.vocab_dict  # type: ignore[attr-defined]
        indptr = retriever.scores["indptr"]  # type: ignore[attr-defined]
        n = retriever.scores["num_docs"]  # type: ignore[attr-defined]
        df = np.array([indptr[vocab[t] + 1] - indptr[vocab[t]] if t in vocab else 0 for t in tokens], dtype=np.float64)
        return np.log((n - df + 0.5) / (df + 0.5) + 1.0)

    def weighted_scores_at(self, field: str, weights: dict[str, float], rows: np.ndarray) -> np.ndarray:
        """BM25 of these rows for weighted query terms (pseudo-relevance feedback weighs its terms).

        Only the rows asked about are scored, by binary search in each term's posting list.
        """
        retriever = self.fields[field]
        vocab = retriever.vocab_dict  # type: ignore[attr-defined]
        matrix = retriever.scores  # type: ignore[attr-defined]
        data, indices, indptr = matrix["data"], matrix["indices"], matrix["indptr"]
        out = np.zeros(len(rows), dtype=np.float32)
        for token, weight in weights.items():
            column = vocab.get(token)
            if column is None or not weight:
                continue
            start, end = int(indptr[column]), int(indptr[column + 1])
            if start == end:
                continue
            at, found = _positions(indices[start:end], rows)
            out[found] += weight * np.asarray(data[start:end][at[found]])
        return out

    def holds(self, field: str, token: str, rows: np.ndarray) -> np.ndarray:
        """Which of these rows contain a token: binary search in the sorted posting list.

        A common term's postings run to hundreds of thousands of rows at a million chunks; a set
        membership test over them cost most of a search there, a search over them costs nothing.
        """
        postings = self.postings(field, token)
        if not len(postings) or not len(rows):
            return np.zeros(len(rows), dtype=bool)
        return _positions(postings, rows)[1]

    def postings(self, field: str, token: str) -> np.ndarray:
        """Rows that contain a token (empty when the field has never seen it)."""
        retriever = self.fields[field]
        column = retriever.vocab_dict.get(token)  # type: ignore[attr-defined]
        if column is None:
            return np.zeros(0, dtype=np.int64)
        indptr = retriever.scores["indptr"]  # type: ignore[attr-defined]
        return np.asarray(retriever.scores["indices"][int(indptr[column]) : int(indptr[column + 1])])  # type: ignore[attr-defined]


def _positions(postings: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each row falls in a sorted, non-empty posting list, and whether it is there."""
    at = np.minimum(np.searchsorted(postings, rows), len(postings) - 1)
    return at, np.asarray(postings[at]) == rows
