"""Candidates for the learned ranker and what it knows about each: one row of named features per passage.

Every retriever proposes passages (BM25 on words and on folded syllables, BM25 on headings, dense on
the passage and on the heading view); every proposed passage then gets every signal, including those
of retrievers that did not propose it, so the ranker compares like with like. Scores are normalised
per question (a share of the best score, a reciprocal rank, a gap to the best cosine), so that one
model serves a 114-passage corpus and a 13,000-passage one.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from corpus.models import Chunk
from index.analysis import FUNCTION_WORDS, folded_tokens
from index.dense import DenseIndex
from index.lexical import LexicalIndex
from index.query import QueryAnalysis
from index.views import DenseViews

ROW_FEATURES = "row_features.npz"
HEADING = "heading"

FEATURES: tuple[str, ...] = (
    "q_unaccented",
    "q_terms",
    "bm25_words",
    "rr_words",
    "bm25_folded",
    "rr_folded",
    "cover_passage",
    "bm25_heading",
    "cover_heading",
    "bm25_expansion",
    "dense",
    "dense_gap",
    "rr_dense",
    "dense_title",
    "dense_part",
    "dense_prf",
    "bm25_prf",
    "doc_dense",
    "doc_bm25",
    "doc_share",
    "art_dense",
    "art_bm25",
    "length",
    "rrf",
    "retelling",
)
# Signals as the ablation removes them; "sources" names the retrievers whose proposals go with them.
GROUPS: dict[str, tuple[str, ...]] = {
    "bm25 words": ("bm25_words", "rr_words"),
    "bm25 folded": ("bm25_folded", "rr_folded", "cover_passage"),
    "dense": ("dense", "dense_gap", "rr_dense"),
    "heading field": ("bm25_heading", "cover_heading"),
    "dense views": ("dense_title", "dense_part"),
    "synonym expansion": ("bm25_expansion",),
    "pseudo-relevance feedback": ("dense_prf", "bm25_prf"),
    "document/article aggregates": ("doc_dense", "doc_bm25", "doc_share", "art_dense", "art_bm25"),
    "rrf prior": ("rrf",),
}
SOURCES = {"words": 1, "folded": 2, "dense": 4, "heading": 8, "titles": 16}
GROUP_SOURCES = {"bm25 words": "words", "bm25 folded": "folded", "heading field": "heading", "dense views": "titles"}
RRF_K = 20
PRF_DOCS = 5
PRF_TERMS = 15
ROCCHIO_BETA = 0.5

log = logging.getLogger(__name__)


@dataclass
class Candidates:
    """Rows of the proposed passages, their feature matrix (columns = ``FEATURES``) and who proposed them."""

    rows: np.ndarray
    features: np.ndarray
    sources: np.ndarray
    rankings: dict[str, list[int]]
    raw: dict[str, dict[int, float]]


def _top(scores: np.ndarray, n: int) -> list[int]:
    n = min(n, len(scores))
    if n <= 0:
        return []
    top = np.argpartition(-scores, n - 1)[:n]
    top = top[np.argsort(-scores[top], kind="stable")]
    return [int(i) for i in top if scores[i] > 0]


def _share(scores: np.ndarray) -> np.ndarray:
    best = float(scores.max()) if len(scores) else 0.0
    return scores / best if best > 0 else np.zeros_like(scores)


def _group_max(values: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """For each row, the largest value among the rows of its group."""
    _, inverse = np.unique(groups, return_inverse=True)
    best = np.full(inverse.max() + 1 if len(inverse) else 0, -np.inf)
    np.maximum.at(best, inverse, values)
    return best[inverse]


def save_row_features(chunks: list[Chunk], directory: Path) -> None:
    """The ranker's per-row inputs, written at build time: document, article, length, heading field.

    Computing them when a searcher first ranks would read every chunk: seconds at 10k chunks,
    minutes at a million, before the first answer.
    """
    docs: dict[str, int] = {}
    articles: dict[tuple[str, str], int] = {}
    np.savez(
        directory / ROW_FEATURES,
        doc_of=np.array([docs.setdefault(c.doc_id, len(docs)) for c in chunks], dtype=np.int64),
        article_of=np.array(
            [articles.setdefault((c.doc_id, c.heading or c.path_display), len(articles)) for c in chunks],
            dtype=np.int64,
        ),
        length=np.log1p([len(c.text.split()) for c in chunks]).astype(np.float32),
    )
    LexicalIndex.build_single(HEADING, [folded_tokens(c.heading or c.path[-1]) for c in chunks]).save(directory)


class FeatureExtractor:
    """Per-index state the features need, read from the index directory; chunk texts are read on demand."""

    def __init__(
        self,
        index_dir: Path,
        chunks: Sequence[Chunk],
        lexical: LexicalIndex,
        dense: DenseIndex,
        views: DenseViews | None,
        retelling: np.ndarray,
        candidates: int = 100,
    ) -> None:
        self.lexical = lexical
        self.dense = dense
        self.views = views
        self.retelling = retelling.astype(np.float32)
        self.candidates = candidates
        self.chunks = chunks
        with np.load(index_dir / ROW_FEATURES) as rows:
            self.doc_of = rows["doc_of"]
            self.article_of = rows["article_of"]
            self.length = rows["length"]
        self.heading = LexicalIndex.load_field(index_dir, HEADING)

    def _content_terms(self, tokens: list[str]) -> list[str]:
        vocab = self.lexical.vocabulary("folded")
        return [
            t
            for t in dict.fromkeys(tokens)
            if not any(part in FUNCTION_WORDS for part in t.split("_")) and ("_" not in t or t in vocab)
        ]

    def _coverage(self, index: LexicalIndex, field: str, terms: list[str], weights: np.ndarray, rows: np.ndarray):
        total = float(weights.sum())
        covered = np.zeros(len(rows), dtype=np.float32)
        if not terms or total <= 0:
            return covered
        for term, weight in zip(terms, weights, strict=True):
            covered += weight * index.holds(field, term, rows)
        return covered / total

    def _prf_terms(self, top: list[int], weights: np.ndarray, query_terms: set[str]) -> dict[str, float]:
        """RM3-style feedback terms: frequent in the best first-stage passages, rare in the corpus."""
        mass: dict[str, float] = {}
        for row, w in zip(top, weights, strict=False):
            tokens = [t for t in folded_tokens(self.chunks[row].text) if "_" not in t]
            if not tokens:
                continue
            for token in tokens:
                if token in FUNCTION_WORDS or token in query_terms or token.isdigit():
                    continue
                mass[token] = mass.get(token, 0.0) + float(w) / len(tokens)
        if not mass:
            return {}
        terms = list(mass)
        idf = self.lexical.idf("folded", terms)
        scored = sorted(zip(terms, np.array([mass[t] for t in terms]) * idf, strict=True), key=lambda x: -x[1])
        best = scored[:PRF_TERMS]
        total = sum(s for _, s in best) or 1.0
        return {t: s / total for t, s in best}

    def extract(
        self, analysis: QueryAnalysis, allowed: np.ndarray | None, query_vector: np.ndarray | None
    ) -> Candidates:
        """Propose candidates and compute every feature for each of them."""
        n = self.candidates
        rankings: dict[str, list[int]] = {}
        raw: dict[str, dict[int, float]] = {}
        lexical: dict[str, np.ndarray] = {}
        for name, field, index, tokens, depth in (
            ("words", "words", self.lexical, analysis.rewritten_words or analysis.words, n),
            ("folded", "folded", self.lexical, analysis.rewritten_folded or analysis.folded, n),
            ("heading", "heading", self.heading, analysis.rewritten_folded or analysis.folded, n // 4),
        ):
            scores = index.scores(field, tokens)
            if allowed is not None:
                scores = np.where(allowed, scores, 0.0)
            lexical[name] = scores
            rankings[name] = _top(scores, depth)
            raw[name] = {i: float(scores[i]) for i in rankings[name]}
        if query_vector is not None and self.dense.size:
            allowed_ids = np.flatnonzero(allowed) if allowed is not None else None
            scores, ids = self.dense.search(query_vector, n, allowed_ids)
            rankings["dense"] = [int(i) for i in ids]
            raw["dense"] = {int(i): float(s) for i, s in zip(ids, scores, strict=True)}
            if self.views is not None:
                rankings["titles"] = self.views.search_titles(query_vector, allowed)
        order: dict[int, int] = {}
        for name, ranking in rankings.items():
            for row in ranking:
                order[row] = order.get(row, 0) | SOURCES[name]
        rows = np.fromiter(order, dtype=np.int64, count=len(order))
        sources = np.fromiter(order.values(), dtype=np.int64, count=len(order))
        if not len(rows):
            return Candidates(rows, np.zeros((0, len(FEATURES)), np.float32), sources, rankings, raw)
        cols: dict[str, np.ndarray] = {}
        m = len(rows)

        def reciprocal(name: str) -> np.ndarray:
            ranks = {row: r for r, row in enumerate(rankings.get(name, []), start=1)}
            return np.array([1.0 / ranks[r] if r in ranks else 0.0 for r in rows.tolist()], dtype=np.float32)

        cols["q_unaccented"] = np.full(m, 0.0 if analysis.accented else 1.0, np.float32)
        folded_terms = self._content_terms(analysis.rewritten_folded or analysis.folded)
        cols["q_terms"] = np.full(m, np.log1p(len(folded_terms)), np.float32)
        for name in ("words", "folded"):
            cols[f"bm25_{name}"] = _share(lexical[name])[rows]
            cols[f"rr_{name}"] = reciprocal(name)
        idf = self.lexical.idf("folded", folded_terms) if folded_terms else np.zeros(0)
        cols["cover_passage"] = self._coverage(self.lexical, "folded", folded_terms, idf, rows)
        cols["bm25_heading"] = _share(lexical["heading"])[rows]
        cols["cover_heading"] = self._coverage(self.heading, "heading", folded_terms, idf, rows)
        if analysis.expansion_folded:
            expansion = self.lexical.scores("folded", analysis.expansion_folded)
            cols["bm25_expansion"] = _share(np.where(allowed, expansion, 0.0) if allowed is not None else expansion)[
                rows
            ]
        else:
            cols["bm25_expansion"] = np.zeros(m, np.float32)

        fused = np.zeros(m, dtype=np.float32)
        position = {row: i for i, row in enumerate(rows.tolist())}
        for name in ("words", "folded", "dense"):
            for r, row in enumerate(rankings.get(name, []), start=1):
                fused[position[row]] += 1.0 / (RRF_K + r)
        cols["rrf"] = _share(fused)
        first = np.argsort(-fused, kind="stable")

        if query_vector is not None and self.dense.size:
            vectors = self.dense.vectors(rows)
            dense = vectors @ query_vector
            cols["dense"] = dense
            cols["dense_gap"] = dense - dense.max()
            cols["rr_dense"] = reciprocal("dense")
            if self.views is not None:
                cols["dense_title"] = self.views.title_similarity(query_vector, rows) - dense.max()
                cols["dense_part"] = self.views.part_similarity(query_vector, rows, dense) - dense.max()
            else:
                cols["dense_title"] = cols["dense_part"] = cols["dense_gap"]
            feedback = query_vector + ROCCHIO_BETA * vectors[first[:PRF_DOCS]].mean(axis=0)
            feedback /= np.linalg.norm(feedback) or 1.0
            prf = vectors @ feedback
            cols["dense_prf"] = prf - prf.max()
        else:
            dense = np.zeros(m, np.float32)
            for name in ("dense", "dense_gap", "rr_dense", "dense_title", "dense_part", "dense_prf"):
                cols[name] = np.zeros(m, np.float32)

        top_rows = [int(rows[i]) for i in first[:PRF_DOCS]]
        weights = fused[first[:PRF_DOCS]]
        terms = self._prf_terms(top_rows, weights / (weights.sum() or 1.0), set(folded_terms))
        # Scored on the candidates only and shared out against the best of them (the feedback
        # terms come from the best candidates): a pass over every row cost 20 ms at a million chunks.
        prf_scores = self.lexical.weighted_scores_at("folded", terms, rows) if terms else np.zeros(m, np.float32)
        cols["bm25_prf"] = _share(prf_scores)

        docs = self.doc_of[rows]
        articles = self.article_of[rows]
        cols["doc_dense"] = _group_max(dense, docs) - dense.max()
        cols["doc_bm25"] = _group_max(cols["bm25_folded"], docs)
        leaders = docs[first[:20]]
        cols["doc_share"] = np.array([np.mean(leaders == d) for d in docs], dtype=np.float32)
        cols["art_dense"] = _group_max(dense, articles) - dense.max()
        cols["art_bm25"] = _group_max(cols["bm25_folded"], articles)
        cols["length"] = self.length[rows]
        cols["retelling"] = self.retelling[rows] * (0.0 if analysis.news else 1.0)
        matrix = np.stack([np.asarray(cols[name], dtype=np.float32) for name in FEATURES], axis=1)
        return Candidates(rows, matrix, sources, rankings, raw)
