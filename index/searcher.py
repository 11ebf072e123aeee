"""Hybrid search over a built index: BM25 fields and FAISS, fused, filtered and explained."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pydantic import BaseModel, Field

from corpus.chunks import DECISION_CODE
from corpus.models import Chunk, DocumentFacts, Relation
from corpus.normalize import fold_accents
from corpus.relations import DocumentStatus, document_status, normalize_so_hieu
from index.accents import LazyAccentRestorer
from index.analysis import FUNCTION_WORDS, folded_tokens
from index.builder import check_files, check_manifest, read_manifest
from index.dense import DenseIndex
from index.embedder import Embedder
from index.errors import IndexError_
from index.features import Candidates, FeatureExtractor
from index.fusion import fuse_rrf
from index.lexical import LexicalIndex
from index.models import Filters, Hit, RetrieverScore
from index.query import QueryAnalysis, analyse_query, filters_from_query
from index.ranker import LearnedRanker
from index.tables import ChunksById, ChunkTable, RowFacts, StoreReader, TaskTable
from index.views import DenseViews

# "hybrid" is what the product uses: the learned ranker when its model is there, RRF otherwise.
MODES = ("bm25", "dense", "rrf", "learned", "hybrid")
EVAL_MODES = ("bm25", "dense", "rrf", "learned")
# Median gap between the learned scores of the first two hits on dev/realdocs (3.6-4.9) over -ln of RRF's
# median second-to-first ratio there (0.93-0.94): hit scores on the scale the answerer's ratios were tuned for.
SCORE_TEMPERATURE = 50.0


class FusionWeights(BaseModel):
    """Retriever weights for reciprocal-rank fusion, tuned on the dev sets.

    Without diacritics the dense ranking is unreliable (e5 reads 'chu tri' as noise), so it
    gets its own, lower weight; the folded BM25 field carries such questions.
    """

    words: float = 0.7
    folded: float = 1.0
    dense: float = 0.6
    folded_unaccented: float = 1.5
    words_unaccented: float = 0.0
    dense_unaccented: float = 0.2
    words_restored: float = 0.7
    folded_restored: float = 1.2
    dense_restored: float = 0.7
    rrf_k: int = 20
    news: float = Field(default=0.85, description="factor on news items retelling a loaded decision")
    candidates: int = 100


@dataclass
class SearchResult:
    """Hits in order, with the analysis and the filters that were applied."""

    hits: list[Hit]
    analysis: QueryAnalysis
    filters: Filters


def _syllables(text: str) -> set[str]:
    return set(fold_accents(text).lower().split())


def _decision_first(hits: list[Hit]) -> list[Hit]:
    """Hits of an issuing decision's own articles first ('… ban hành bằng quyết định nào?'), ranks renumbered."""
    ordered = sorted(hits, key=lambda h: (not h.chunk.id.split(":", 1)[-1].startswith(f"{DECISION_CODE}/"), h.rank))
    return [h.model_copy(update={"rank": i}) for i, h in enumerate(ordered, start=1)]


def retelling_documents(chunks: list[Chunk]) -> set[str]:
    """Documents that rank below official texts: Q&A articles, encyclopaedia pages, retelling news.

    A news item retells a loaded decision when it has the same title or prints the decision's
    number. Where the same wording stands in both, the decision is the source to cite.
    """
    docs: dict[str, Chunk] = {}
    texts: dict[str, list[str]] = {}
    for chunk in chunks:
        docs.setdefault(chunk.doc_id, chunk)
        texts.setdefault(chunk.doc_id, []).append(chunk.text)
    decisions = [c for c in docs.values() if not c.facts.is_news and c.facts.so_hieu]
    out: set[str] = {d for d, c in docs.items() if not c.facts.is_official and not c.facts.is_news}
    for doc_id, first in docs.items():
        if not first.facts.is_news:
            continue
        title = _syllables(first.facts.trich_yeu or "")
        body = " ".join(texts[doc_id])
        for decision in decisions:
            other = _syllables(decision.facts.trich_yeu or "")
            similar = title and other and len(title & other) / len(title | other) >= 0.6
            number = decision.facts.so_hieu.split("/")[0]
            if similar or (number and f"{number}/" in body and decision.facts.so_hieu in body):
                out.add(doc_id)
    return out


def _statuses(facts: dict[str, DocumentFacts], relations: list[Relation]) -> dict[str, DocumentStatus]:
    """The status of every document some relation targets (the others are in force, and absent).

    Relations are grouped by target number first: comparing every document with every relation
    grows with their product, seconds for a few hundred documents and hours for a national library.
    """
    by_target: dict[str, list[Relation]] = {}
    for relation in relations:
        by_target.setdefault(normalize_so_hieu(relation.target_so_hieu), []).append(relation)
    out: dict[str, DocumentStatus] = {}
    for doc_id, f in facts.items():
        if f.so_hieu and (targeting := by_target.get(normalize_so_hieu(f.so_hieu))):
            out[doc_id] = document_status(f, targeting, facts)
    return out


class Searcher:
    """Loads an index directory once and answers searches against it."""

    def __init__(
        self,
        index_dir: Path,
        embedder_factory: Callable[[], Embedder] | None = None,
        model_name: str | None = None,
        weights: FusionWeights | None = None,
        ranker: LearnedRanker | str | None = "default",
    ) -> None:
        self.index_dir = index_dir
        self.manifest = read_manifest(index_dir)
        check_manifest(self.manifest, model_name)
        check_files(index_dir, self.manifest)
        try:
            # Memory-mapped or read on demand: start-up does not grow with the corpus.
            reader = StoreReader(index_dir.resolve() / "chunks.sqlite")
            self.chunks: ChunkTable = ChunkTable(reader, self.manifest.chunks)
            self.tasks: TaskTable = TaskTable(reader)
            self.documents = reader.documents()
            self.rows = RowFacts.load(index_dir, self.documents)
            self.relations: list[Relation] = reader.relations()
            if self.manifest.chunks:
                self.chunks[0], self.chunks[-1]  # both ends of the store must be readable
            self.lexical = LexicalIndex.load(index_dir)
            self.dense = DenseIndex.load(index_dir / "vectors.faiss", self.manifest.index_type, self.manifest.dense)
            accents = index_dir / "accents.json"
            self.restorer = LazyAccentRestorer(accents) if accents.exists() else None
            self.views = DenseViews.load(index_dir)
        except Exception as exc:
            raise IndexError_(
                f"index at {index_dir} is damaged ({exc.__class__.__name__}): run `tracuu index`"
            ) from exc
        if len(self.rows.doc_of_row) != self.manifest.chunks or self.dense.size != len(self.chunks):
            raise IndexError_(f"index at {index_dir} is inconsistent with its manifest: run `tracuu index`")
        self._embedder_factory = embedder_factory
        self._embedder: Embedder | None = None
        self.weights = weights or FusionWeights()
        self._retelling = self.rows.retelling_rows
        self.by_id = ChunksById(self.chunks)
        facts = {doc_id: DocumentFacts.model_validate(d["facts"]) for doc_id, d in self.documents.items()}
        self.provinces: set[str] = {f.tinh for f in facts.values() if f.tinh}
        self.statuses = _statuses(facts, self.relations)
        self.ranker = LearnedRanker.load_default() if ranker == "default" else ranker
        self._extractor: FeatureExtractor | None = None

    @property
    def extractor(self) -> FeatureExtractor:
        """The learned ranker's feature extractor, set up on first use (row features are read from disk)."""
        if self._extractor is None:
            self._extractor = FeatureExtractor(
                self.index_dir, self.chunks, self.lexical, self.dense, self.views, self._retelling,
                self.weights.candidates,
            )  # fmt: skip
        return self._extractor

    @property
    def embedder(self) -> Embedder:
        """The query embedder, loaded on first dense search."""
        if self._embedder is None:
            if self._embedder_factory is None:
                raise IndexError_("dense search needs an embedder")
            self._embedder = self._embedder_factory()
        return self._embedder

    def term_coverage(self, analysis: QueryAnalysis, text: str) -> float:
        """Share of the question's idf mass (folded syllables and bigrams) that a passage contains.

        Rare question words missing from the passage pull it down; this is what tells an
        unrelated clause from an answer, whatever the retrievers' relative ranks say.
        """
        vocab = self.lexical.vocabulary("folded")
        terms = [
            t
            for t in dict.fromkeys(analysis.folded)
            if not any(part in FUNCTION_WORDS for part in t.split("_")) and ("_" not in t or t in vocab)
        ]
        if not terms:
            return 0.0
        weights = self.lexical.idf("folded", terms)
        present = set(folded_tokens(text))
        total = float(weights.sum())
        covered = float(sum(w for t, w in zip(terms, weights, strict=True) if t in present))
        return covered / total if total else 0.0

    def mask(self, filters: Filters, strict: bool) -> np.ndarray | None:
        """Rows allowed by the filters; a soft filter that would exclude everything is dropped."""
        return self.rows.mask(filters, strict)

    def _lexical_ranking(
        self, field: str, tokens: list[str], allowed: np.ndarray | None
    ) -> tuple[list[int], np.ndarray]:
        scores = self.lexical.scores(field, tokens)
        if allowed is not None:
            scores = np.where(allowed, scores, 0.0)
        n = min(self.weights.candidates, len(scores))
        top = np.argpartition(-scores, n - 1)[:n] if n else np.array([], dtype=int)
        top = top[np.argsort(-scores[top], kind="stable")]
        return [int(i) for i in top if scores[i] > 0], scores

    def search(
        self,
        question: str,
        mode: str = "hybrid",
        k: int = 10,
        filters: Filters | None = None,
        auto_filters: bool = True,
        analysis: QueryAnalysis | None = None,
    ) -> SearchResult:
        """Ranked chunks for a question; ``filters`` are strict, filters read from the question are soft."""
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
        if mode == "hybrid":
            mode = "learned" if self.ranker is not None else "rrf"
        if mode == "learned" and self.ranker is None:
            raise ValueError("mode 'learned' needs a ranker model: run `python -m eval.train_ranker`")
        analysis = analysis or analyse_query(question, self.restorer)
        allowed, applied = self._allowed(analysis, filters, auto_filters)
        if mode == "learned":
            result = self._learned(analysis, allowed, applied, k)
        else:
            result = self._fused(analysis, allowed, applied, mode, k)
        if analysis.asks_issuer:
            result.hits = _decision_first(result.hits)
        return result

    def _allowed(
        self, analysis: QueryAnalysis, filters: Filters | None, auto_filters: bool
    ) -> tuple[np.ndarray | None, Filters]:
        """Rows the search may return: strict filters, and soft ones read from the question."""
        applied = filters or Filters()
        allowed = self.mask(applied, strict=True)
        if auto_filters:
            auto = filters_from_query(analysis)
            soft = self.mask(auto, strict=False)
            if soft is not None:
                allowed = soft if allowed is None else (allowed & soft if (allowed & soft).any() else allowed)
                applied = applied.model_copy(
                    update={
                        "provinces": applied.provinces or auto.provinces,
                        "so_hieu_prefixes": applied.so_hieu_prefixes or auto.so_hieu_prefixes,
                        "doc_types": applied.doc_types or auto.doc_types,
                    }
                )
        return allowed, applied

    def candidates(
        self,
        question: str,
        filters: Filters | None = None,
        auto_filters: bool = True,
        analysis: QueryAnalysis | None = None,
    ) -> Candidates:
        """The learned ranker's candidates and features for a question (what `learned` search ranks)."""
        analysis = analysis or analyse_query(question, self.restorer)
        allowed, _ = self._allowed(analysis, filters, auto_filters)
        return self._candidates(analysis, allowed)

    def _candidates(self, analysis: QueryAnalysis, allowed: np.ndarray | None) -> Candidates:
        vector = self.embedder.embed_query(analysis.dense_text) if self.dense.size else None
        return self.extractor.extract(analysis, allowed, vector)

    def _learned(self, analysis: QueryAnalysis, allowed: np.ndarray | None, applied: Filters, k: int) -> SearchResult:
        """Rank every candidate by the learned model; a hit's score is exp((its score − the best) / T), in (0, 1].

        The answerer compares hits by score ratios tuned on RRF scores; the temperature T gives the
        second hit's ratio to the first the same median as under RRF on the CCHC sets. A news item
        retelling a loaded decision is discounted by the same factor as in RRF.
        """
        assert self.ranker is not None
        found = self._candidates(analysis, allowed)
        scores = self.ranker.score(found.features) / SCORE_TEMPERATURE
        if not analysis.news:
            scores = scores + np.log(self.weights.news) * self._retelling[found.rows]
        order = sorted(range(len(found.rows)), key=lambda i: (-scores[i], int(found.rows[i])))[:k]
        best = float(scores[order[0]]) if order else 0.0
        hits = []
        for rank, i in enumerate(order, start=1):
            row = int(found.rows[i])
            retrievers = {
                name: RetrieverScore(rank=found.rankings[name].index(row) + 1, score=found.raw[name][row])
                for name in ("words", "folded", "dense")
                if row in found.raw.get(name, {})
            }
            score = float(np.exp(scores[i] - best))
            hits.append(Hit(chunk=self.chunks[row], score=score, rank=rank, retrievers=retrievers))
        return SearchResult(hits=hits, analysis=analysis, filters=applied)

    def _fused(
        self, analysis: QueryAnalysis, allowed: np.ndarray | None, applied: Filters, mode: str, k: int
    ) -> SearchResult:
        """Single retrievers, or their weighted reciprocal-rank fusion (`rrf`)."""
        w = self.weights
        rankings: dict[str, list[int]] = {}
        raw: dict[str, dict[int, float]] = {}
        if mode in ("bm25", "rrf"):
            for field in ("words", "folded"):
                ranking, scores = self._lexical_ranking(field, getattr(analysis, field), allowed)
                rankings[field] = ranking
                raw[field] = {i: float(scores[i]) for i in ranking}
        if mode in ("dense", "rrf") and self.dense.size:
            query = self.embedder.embed_query(analysis.restored or analysis.text)
            allowed_ids = np.flatnonzero(allowed) if allowed is not None else None
            scores, ids = self.dense.search(query, w.candidates, allowed_ids)
            rankings["dense"] = [int(i) for i in ids]
            raw["dense"] = {int(i): float(s) for i, s in zip(ids, scores, strict=True)}
        if analysis.accented:
            weights = {"words": w.words, "folded": w.folded, "dense": w.dense}
        elif analysis.restored:
            weights = {"words": w.words_restored, "folded": w.folded_restored, "dense": w.dense_restored}
        else:
            weights = {"words": w.words_unaccented, "folded": w.folded_unaccented, "dense": w.dense_unaccented}
        if mode == "dense":
            weights = {"dense": 1.0}
        elif mode == "bm25" and not any(weights[f] for f in ("words", "folded")):
            weights["folded"] = 1.0
        fused = fuse_rrf(rankings, weights, k=w.rrf_k)
        if not analysis.news:
            for row in fused:
                if self._retelling[row]:
                    fused[row] *= w.news
        order = sorted(fused, key=lambda r: (-fused[r], r))[:k]
        hits = []
        for rank, row in enumerate(order, start=1):
            retrievers = {
                name: RetrieverScore(rank=ranking.index(row) + 1, score=raw[name][row])
                for name, ranking in rankings.items()
                if row in raw[name]
            }
            hits.append(Hit(chunk=self.chunks[row], score=fused[row], rank=rank, retrievers=retrievers))
        return SearchResult(hits=hits, analysis=analysis, filters=applied)
