"""The learned ranker in the search path: shipped model, candidates and features, RRF fallback."""

import logging

import numpy as np
import pytest

from index.builder import passage_text
from index.features import FEATURES, SOURCES
from index.models import Filters
from index.query import analyse_query
from index.ranker import DEFAULT_MODEL_PATH, LearnedRanker
from index.searcher import SCORE_TEMPERATURE, Searcher, retelling_documents

pytestmark = pytest.mark.slow
QUESTION = "cho em hỏi sở nào phải tổng hợp báo cáo kết quả cải cách hành chính gửi ủy ban tỉnh vậy ạ"


def test_the_shipped_model_uses_features_this_code_computes():
    ranker = LearnedRanker.load_default()
    assert ranker is not None, f"{DEFAULT_MODEL_PATH} is missing: run python -m eval.train_ranker"
    assert set(ranker.features) <= set(FEATURES) and len(ranker.columns) == len(ranker.features)


def test_every_candidate_gets_every_signal(seed_searcher, e5_embedder):
    found = seed_searcher.candidates(QUESTION)
    assert found.features.shape == (len(found.rows), len(FEATURES)) and np.isfinite(found.features).all()
    assert len(set(found.rows.tolist())) == len(found.rows)
    dense = found.features[:, FEATURES.index("dense")]
    query = e5_embedder.embed_query(analyse_query(QUESTION, seed_searcher.restorer).dense_text)
    lexical_only = [i for i, s in enumerate(found.sources) if not s & SOURCES["dense"]]
    assert lexical_only, "expected candidates that only BM25 proposed"
    for i in lexical_only[:3]:
        chunk = seed_searcher.chunks[int(found.rows[i])]
        expected = float(e5_embedder.embed_passages([passage_text(chunk)])[0] @ query)
        assert abs(dense[i] - expected) < 2e-3


def test_learned_search_ranks_the_candidates_by_the_model(seed_searcher):
    ranker = LearnedRanker.load_default()
    found = seed_searcher.candidates(QUESTION)
    retellings = retelling_documents(seed_searcher.chunks)
    retelling = np.array([seed_searcher.chunks[int(r)].doc_id in retellings for r in found.rows])
    scores = ranker.score(found.features) / SCORE_TEMPERATURE + np.log(seed_searcher.weights.news) * retelling
    expected = [int(found.rows[i]) for i in sorted(range(len(scores)), key=lambda i: (-scores[i], found.rows[i]))]
    hits = seed_searcher.search(QUESTION, mode="learned", k=5).hits
    assert [seed_searcher.chunks.index(h.chunk) for h in hits] == expected[:5]
    assert hits[0].score == 1.0 and all(0 < h.score <= 1 for h in hits)
    assert [h.chunk.id for h in seed_searcher.search(QUESTION, mode="hybrid", k=5).hits] == [h.chunk.id for h in hits]


def test_strict_filters_hold_for_the_candidates(seed_searcher):
    found = seed_searcher.candidates("kế hoạch cải cách hành chính", filters=Filters(provinces=["Kiên Giang"]))
    assert {seed_searcher.chunks[int(r)].facts.tinh for r in found.rows} <= {"Kiên Giang", None}


def test_without_a_model_hybrid_is_rrf(seed_index, e5_embedder, e5_model_id):
    searcher = Searcher(seed_index.current, lambda: e5_embedder, e5_model_id, ranker=None)
    hybrid = searcher.search(QUESTION, mode="hybrid").hits
    assert [h.chunk.id for h in hybrid] == [h.chunk.id for h in searcher.search(QUESTION, mode="rrf").hits]
    with pytest.raises(ValueError, match="train_ranker"):
        searcher.search(QUESTION, mode="learned")


def test_a_model_on_features_this_code_does_not_compute_is_refused(tmp_path, caplog):
    import lightgbm

    rng = np.random.default_rng(0)
    data = lightgbm.Dataset(rng.normal(size=(60, 2)), label=rng.integers(0, 2, 60), group=[30, 30],
                            feature_name=["dense", "nope"])  # fmt: skip
    booster = lightgbm.train({"objective": "lambdarank", "verbosity": -1, "min_data_in_leaf": 5}, data, 3)
    with pytest.raises(ValueError, match="nope"):
        LearnedRanker(booster)
    path = tmp_path / "ranker.txt"
    booster.save_model(str(path))
    with caplog.at_level(logging.WARNING):
        assert LearnedRanker.load_default(path) is None
    assert "falling back to RRF" in caplog.text
    assert LearnedRanker.load_default(tmp_path / "missing.txt") is None
