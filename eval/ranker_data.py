"""Training material for the learned ranker: question sets, their candidates' features, folds, fitting.

Features come from ``Searcher.candidates`` (the function ``learned`` search ranks) and are cached
on disk per set, diacritics variant and query-rewriting setting, keyed by everything they depend on,
so cross-validation and ablations retrain in seconds without searching again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from pydantic import BaseModel

from eval.judge import GoldQuestion, is_relevant, load_questions, strip_diacritics
from index.features import FEATURES, GROUP_SOURCES, GROUPS, SOURCES
from index.query import analyse_query
from index.searcher import Searcher
from index.synonyms import LEXICON_PATH, QueryLexicon

EVAL_DIR = Path(__file__).parent
REPO = EVAL_DIR.parent
SHARED = REPO.parent / "shared"
BASELINES = ("bm25", "dense", "rrf")
# The code the cached features depend on: candidates and features, question analysis and rewriting.
FEATURE_CODE = ("features.py", "query.py", "views.py", "analysis.py", "accents.py", "synonyms.py")
VARIANTS = ("accented", "stripped")
FOLDS = 5
TOP = 10
log = logging.getLogger(__name__)

# LambdaRank with small trees and many questions per leaf: the feature set is small and general,
# and the model must carry over to corpora and phrasings it has not seen.
PARAMS: dict = {
    "objective": "lambdarank",
    "metric": "ndcg",
    "eval_at": [10],
    "lambdarank_truncation_level": 20,
    "num_leaves": 7,
    "min_data_in_leaf": 100,
    "learning_rate": 0.05,
    "feature_fraction": 0.8,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "lambda_l2": 1.0,
    "seed": 7,
    "deterministic": True,
    "force_row_wise": True,
    "num_threads": 1,  # OpenMP threads spin on a shared machine; one is faster and deterministic
    "verbosity": -1,
}
ROUNDS = 300
# Signals the ablation showed not to help (taking them out did not lower MRR@10 on the natural sets, or
# raised it): still computed, so the ablation keeps measuring them, but not given to the model.
UNUSED_GROUPS = ("pseudo-relevance feedback", "document/article aggregates")
COLUMNS = [f for f in FEATURES if not any(f in GROUPS[g] for g in UNUSED_GROUPS)]
SET_WEIGHT_POWER = 0.5


REALDOCS_SUBSET = EVAL_DIR / "data" / "realdocs_subset.txt"


class QuestionSet(BaseModel):
    """A gold file and the corpus (one or several folders, optionally some documents only) it is asked of."""

    name: str
    questions: Path
    corpus: list[Path]
    only: list[str] | None = None


def read_subset(path: Path) -> list[str]:
    """Document ids, one a line ('#' starts a comment)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def default_sets(realdocs_subset: Path | None = None) -> list[QuestionSet]:
    """The repo's question sets with their corpora (``../shared`` beside the repository).

    The realdocs sets are asked of the 363 realdocs documents and the seeds together (their
    questions cover both); ``realdocs_subset`` indexes only the listed realdocs documents.
    """
    laws = SHARED / "extbench" / "laws"
    realdocs = SHARED / "realdocs" / "documents"
    seeds = REPO / "corpus" / "documents"
    only = None
    if realdocs_subset is not None:
        from corpus.loader import document_files

        only = read_subset(realdocs_subset) + [p.stem for p in document_files(seeds)]
    return [
        QuestionSet(name="natural_laws", questions=EVAL_DIR / "natural_laws.jsonl", corpus=[laws]),
        QuestionSet(name="alqac2022", questions=SHARED / "extbench" / "dev_alqac2022.jsonl", corpus=[laws]),
        QuestionSet(name="dev", questions=EVAL_DIR / "dev.jsonl", corpus=[seeds]),
        QuestionSet(name="realdocs", questions=EVAL_DIR / "realdocs.jsonl", corpus=[realdocs, seeds], only=only),
        QuestionSet(
            name="natural_realdocs",
            questions=EVAL_DIR / "natural_realdocs.jsonl",
            corpus=[realdocs, seeds],
            only=only,
        ),
    ]


def corpus_folder(paths: list[Path], data_root: Path, only: list[str] | None = None) -> Path:
    """One folder for a corpus made of several (or of some documents): links to their files, made once."""
    if len(paths) == 1 and only is None:
        return paths[0]
    name = "+".join(p.resolve().name if p.name != "documents" else p.resolve().parent.name for p in paths)
    if only is not None:
        name += f"-subset-{_digest(sorted(only))[:8]}"
    folder = data_root / "corpora" / name
    folder.mkdir(parents=True, exist_ok=True)
    from corpus.loader import document_files

    for path in paths:
        for file in document_files(path):
            link = folder / file.name
            if (only is None or file.stem in only) and not link.exists():
                link.symlink_to(file.resolve())
    return folder


def _digest(*parts: object) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part if isinstance(part, bytes) else str(part).encode())
    return h.hexdigest()[:16]


@dataclass
class SetFeatures:
    """One set in one variant: candidates of every in-scope question, labels, and the single modes' ranks."""

    name: str
    variant: str
    ids: list[str]
    groups: list[str]
    sizes: np.ndarray
    features: np.ndarray
    labels: np.ndarray
    sources: np.ndarray
    baselines: dict[str, list[int | None]] = field(default_factory=dict)

    @property
    def offsets(self) -> np.ndarray:
        """Start row of each question's candidates."""
        return np.concatenate([[0], np.cumsum(self.sizes)])

    def save(self, path: Path) -> None:
        """Write as one ``.npz``."""
        np.savez_compressed(
            path,
            features=self.features,
            labels=self.labels,
            sources=self.sources,
            sizes=self.sizes,
            meta=np.array(
                json.dumps(
                    {
                        "name": self.name,
                        "variant": self.variant,
                        "ids": self.ids,
                        "groups": self.groups,
                        "baselines": self.baselines,
                    }
                )
            ),
        )

    @classmethod
    def load(cls, path: Path) -> SetFeatures:
        """Read what ``save`` wrote."""
        data = np.load(path)
        meta = json.loads(str(data["meta"]))
        return cls(meta["name"], meta["variant"], meta["ids"], meta["groups"], data["sizes"], data["features"],
                   data["labels"], data["sources"], meta["baselines"])  # fmt: skip


def _first_relevant(searcher: Searcher, question: str, gold: GoldQuestion, mode: str) -> int | None:
    hits = searcher.search(question, mode=mode, k=TOP).hits
    return next((h.rank for h in hits if is_relevant(h.chunk.doc_id, h.chunk.text, gold)), None)


def compute_set(
    searcher: Searcher,
    qset: QuestionSet,
    variant: str,
    lexicon: QueryLexicon,
    baselines: bool,
) -> SetFeatures:
    """Search every in-scope question once through the product's candidate path."""
    questions = [q for q in load_questions(qset.questions) if q.doc]
    feats, labels, sources, sizes, groups = [], [], [], [], []
    ranks: dict[str, list[int | None]] = {m: [] for m in BASELINES} if baselines else {}
    for gold in questions:
        text = strip_diacritics(gold.question) if variant == "stripped" else gold.question
        analysis = analyse_query(text, searcher.restorer, lexicon)
        found = searcher.candidates(text, analysis=analysis)
        chunks = [searcher.chunks[int(r)] for r in found.rows]
        labels.append(np.array([is_relevant(c.doc_id, c.text, gold) for c in chunks], dtype=np.float32))
        feats.append(found.features)
        sources.append(found.sources)
        sizes.append(len(found.rows))
        groups.append(str(gold.doc))  # document ids are unique across the corpora
        for mode in ranks:
            ranks[mode].append(_first_relevant(searcher, text, gold, mode))
    return SetFeatures(
        name=qset.name,
        variant=variant,
        ids=[q.id for q in questions],
        groups=groups,
        sizes=np.array(sizes, dtype=np.int64),
        features=np.concatenate(feats) if feats else np.zeros((0, len(FEATURES)), np.float32),
        labels=np.concatenate(labels) if labels else np.zeros(0, np.float32),
        sources=np.concatenate(sources) if sources else np.zeros(0, np.int64),
        baselines=ranks,
    )


def open_searcher_for(qset: QuestionSet, data_root: Path) -> Searcher:
    """The product's searcher over an evaluation corpus, with the index kept under ``data_root/eval``."""
    from index.builder import build_index
    from tracuu.cli import eval_data_dir
    from tracuu.settings import Settings

    folder = corpus_folder(qset.corpus, data_root, qset.only)
    settings = Settings(data_dir=data_root)
    settings = settings.model_copy(update={"corpus_dir": folder, "data_dir": eval_data_dir(settings, folder)})
    config = settings.index_config()
    build_index(config, settings.embedder)
    return Searcher(config.current, settings.embedder, settings.model_id, ranker=None)


def load_all(
    sets: list[QuestionSet], data_root: Path, rewrite: bool = True, baselines: bool = True
) -> list[SetFeatures]:
    """Features of every set in both variants, from the cache when nothing they depend on changed."""
    cache = data_root / "ranker-cache"
    cache.mkdir(parents=True, exist_ok=True)
    lexicon = QueryLexicon.default() if rewrite else QueryLexicon.empty()
    out: list[SetFeatures] = []
    searchers: dict[tuple, Searcher] = {}
    code = _digest(*(Path(REPO / "index" / f).read_bytes() for f in FEATURE_CODE))
    for qset in sets:
        for variant in VARIANTS:
            key = _digest(
                FEATURES, qset.questions.read_bytes(), [str(p.resolve()) for p in qset.corpus], qset.only, variant,
                LEXICON_PATH.read_bytes() if rewrite else "none", code,
            )  # fmt: skip
            path = cache / f"{qset.name}-{variant}-{'rw' if rewrite else 'plain'}-{key}.npz"
            if path.exists():
                cached = SetFeatures.load(path)
                if cached.baselines or not baselines:
                    out.append(cached)
                    continue
            corpus_key = (*qset.corpus, *(qset.only or []))
            if corpus_key not in searchers:
                searchers[corpus_key] = open_searcher_for(qset, data_root)
            log.warning("computing features: %s (%s)", qset.name, variant)
            features = compute_set(searchers[corpus_key], qset, variant, lexicon, baselines)
            features.save(path)
            out.append(features)
    return out


def assign_folds(sets: list[SetFeatures], folds: int = FOLDS) -> dict[str, int]:
    """Gold documents to folds, largest first onto the lightest fold: no document is both trained and tested."""
    counts: dict[str, int] = {}
    for s in sets:
        if s.variant != VARIANTS[0]:
            continue
        for g in s.groups:
            counts[g] = counts.get(g, 0) + 1
    load = [0] * folds
    out: dict[str, int] = {}
    for group in sorted(counts, key=lambda g: (-counts[g], g)):
        fold = min(range(folds), key=lambda f: (load[f], f))
        out[group] = fold
        load[fold] += counts[group]
    return out


def select(
    s: SetFeatures, questions: np.ndarray, columns: list[str], drop_sources: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[np.ndarray]]:
    """Rows of the chosen questions, with candidates proposed only by dropped retrievers removed."""
    offsets = s.offsets
    cols = [FEATURES.index(c) for c in columns]
    xs, ys, sizes, parts = [], [], [], []
    for q in questions:
        a, b = offsets[q], offsets[q + 1]
        keep = np.arange(a, b)
        if drop_sources:
            keep = keep[(s.sources[a:b] & ~drop_sources) != 0]
        xs.append(s.features[keep][:, cols])
        ys.append(s.labels[keep])
        sizes.append(len(keep))
        parts.append(keep)
    empty = np.zeros((0, len(cols)), np.float32)
    return (
        np.concatenate(xs) if xs else empty,
        np.concatenate(ys) if ys else np.zeros(0),
        np.array(sizes, dtype=np.int64),
        parts,
    )


def set_weights(sets: list[SetFeatures]) -> dict[str, float]:
    """Per-question weight of each set, so that a large set does not drown a small one (ALQAC has 519)."""
    sizes = {s.name: len(s.ids) for s in sets}
    mean = float(np.mean(list(sizes.values()))) if sizes else 1.0
    return {name: (mean / n) ** SET_WEIGHT_POWER for name, n in sizes.items()}


def fit(
    xs: np.ndarray,
    ys: np.ndarray,
    sizes: np.ndarray,
    columns: list[str],
    rounds: int = ROUNDS,
    weights: np.ndarray | None = None,
    params: dict | None = None,
):
    """A LambdaRank booster; questions without any relevant candidate teach nothing and are left out.

    ``weights`` holds one weight per question (LightGBM's ranking gradients are scaled per row).
    """
    import lightgbm

    offsets = np.concatenate([[0], np.cumsum(sizes)])
    keep_rows, keep_sizes, row_weights = [], [], []
    for i, size in enumerate(sizes):
        a, b = offsets[i], offsets[i + 1]
        if size and ys[a:b].any():
            keep_rows.append(np.arange(a, b))
            keep_sizes.append(size)
            row_weights.append(np.full(size, 1.0 if weights is None else weights[i]))
    rows = np.concatenate(keep_rows)
    data = lightgbm.Dataset(xs[rows], label=ys[rows], group=keep_sizes, weight=np.concatenate(row_weights),
                            feature_name=columns, free_raw_data=False)  # fmt: skip
    return lightgbm.train({**PARAMS, **(params or {})}, data, num_boost_round=rounds)


def first_relevant(scores: np.ndarray, labels: np.ndarray) -> int | None:
    """1-based rank of the first relevant candidate in the top ``TOP`` (ties broken by position)."""
    order = np.argsort(-scores, kind="stable")[:TOP]
    hits = np.flatnonzero(labels[order] > 0)
    return int(hits[0]) + 1 if len(hits) else None


def metrics(ranks: list[int | None]) -> dict[str, float]:
    """MRR@10 and Hit@1 from first-relevant ranks."""
    n = len(ranks) or 1
    return {
        "n": len(ranks),
        "mrr@10": round(sum(1 / r for r in ranks if r) / n, 4),
        "hit@1": round(sum(1 for r in ranks if r == 1) / n, 4),
    }


def cross_validate(
    sets: list[SetFeatures],
    columns: list[str],
    drop_sources: int = 0,
    folds: int = FOLDS,
    rounds: int = ROUNDS,
    params: dict | None = None,
) -> dict[tuple[str, str], list[int | None]]:
    """Out-of-fold first-relevant ranks per (set, variant): each question scored by a model blind to its document."""
    if folds < 2:
        raise ValueError(f"cross-validation needs at least 2 folds, got {folds}")
    fold_of = assign_folds(sets, folds)
    weight_of = set_weights(sets)
    out: dict[tuple[str, str], list[int | None]] = {(s.name, s.variant): [None] * len(s.ids) for s in sets}
    for fold in range(folds):
        train_x, train_y, train_sizes, train_w = [], [], [], []
        for s in sets:
            chosen = np.array([i for i, g in enumerate(s.groups) if fold_of[g] != fold], dtype=np.int64)
            x, y, sizes, _ = select(s, chosen, columns, drop_sources)
            train_x.append(x)
            train_y.append(y)
            train_sizes.append(sizes)
            train_w.append(np.full(len(sizes), weight_of[s.name]))
        booster = fit(np.concatenate(train_x), np.concatenate(train_y), np.concatenate(train_sizes), columns, rounds,
                      np.concatenate(train_w), params)  # fmt: skip
        for s in sets:
            chosen = np.array([i for i, g in enumerate(s.groups) if fold_of[g] == fold], dtype=np.int64)
            if not len(chosen):
                continue
            x, y, sizes, _ = select(s, chosen, columns, drop_sources)
            scores = booster.predict(x, num_threads=1) if len(x) else np.zeros(0)
            offsets = np.concatenate([[0], np.cumsum(sizes)])
            for i, q in enumerate(chosen):
                a, b = offsets[i], offsets[i + 1]
                out[(s.name, s.variant)][q] = first_relevant(scores[a:b], y[a:b])
    return out


def ablations() -> dict[str, tuple[list[str], int]]:
    """Each used signal removed, each unused one added back: the columns and the retrievers whose proposals go."""
    out: dict[str, tuple[list[str], int]] = {"shipped signals": (list(COLUMNS), 0)}
    for group, names in GROUPS.items():
        if group in UNUSED_GROUPS:
            out[f"+ {group}"] = ([f for f in FEATURES if f in COLUMNS or f in names], 0)
            continue
        source = GROUP_SOURCES.get(group)
        out[f"- {group}"] = ([f for f in COLUMNS if f not in names], SOURCES[source] if source else 0)
    return out


def env_offline() -> None:
    """Nothing may download at run time."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
