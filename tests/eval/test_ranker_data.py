"""Cross-validation machinery of the learned ranker: folds by document, source ablation, fitting."""

import numpy as np
import pytest

from eval.ranker_data import (
    COLUMNS,
    UNUSED_GROUPS,
    SetFeatures,
    ablations,
    assign_folds,
    cross_validate,
    first_relevant,
    metrics,
    select,
)
from index.features import FEATURES, GROUPS, SOURCES


def _set(name, variant, groups, rng, informative=True):
    """Questions with 30 candidates each; one relevant candidate that feature 'dense' marks (or not)."""
    sizes = np.full(len(groups), 30)
    feats = rng.normal(size=(sizes.sum(), len(FEATURES))).astype(np.float32)
    labels = np.zeros(sizes.sum(), np.float32)
    offsets = np.concatenate([[0], np.cumsum(sizes)])
    column = FEATURES.index("dense")
    for i in range(len(groups)):
        target = offsets[i] + rng.integers(30)
        labels[target] = 1
        if informative:
            feats[target, column] += 6.0
    sources = np.full(sizes.sum(), SOURCES["words"] | SOURCES["dense"])
    return SetFeatures(name, variant, [f"{name}-{i}" for i in range(len(groups))], list(groups), sizes, feats,
                       labels, sources, {})  # fmt: skip


def test_folds_keep_each_document_on_one_side_and_balance_questions():
    rng = np.random.default_rng(0)
    groups = [f"doc{i % 11}" for i in range(120)]
    sets = [_set("a", "accented", groups, rng), _set("a", "stripped", groups, rng)]
    folds = assign_folds(sets, 5)
    assert set(folds) == set(groups) and set(folds.values()) == set(range(5))
    load = np.bincount([folds[g] for g in groups], minlength=5)
    assert load.max() - load.min() <= max(groups.count(g) for g in set(groups))
    assert folds == assign_folds(sets, 5)


def test_cross_validation_learns_a_signal_it_never_saw_the_documents_of():
    rng = np.random.default_rng(1)
    groups = [f"doc{i % 15}" for i in range(150)]
    sets = [_set("s", v, groups, rng) for v in ("accented", "stripped")]
    ranks = cross_validate(sets, list(FEATURES), folds=3, rounds=40)
    assert metrics(ranks[("s", "accented")])["hit@1"] > 0.9
    noise = [_set("n", v, groups, rng, informative=False) for v in ("accented", "stripped")]
    assert metrics(cross_validate(noise, list(FEATURES), folds=3, rounds=40)[("n", "accented")])["hit@1"] < 0.3


def test_dropping_a_retriever_drops_the_candidates_only_it_proposed():
    rng = np.random.default_rng(2)
    s = _set("s", "accented", ["d1", "d2"], rng)
    s.sources[:5] = SOURCES["titles"]
    x, _, sizes, parts = select(s, np.array([0, 1]), ["dense", "rrf"], drop_sources=SOURCES["titles"])
    assert list(sizes) == [25, 30] and x.shape == (55, 2) and parts[0][0] == 5


def test_every_signal_group_is_a_real_feature_and_has_an_ablation():
    assert all(name in FEATURES for names in GROUPS.values() for name in names)
    runs = ablations()
    assert runs["shipped signals"] == (COLUMNS, 0) and len(runs) == len(GROUPS) + 1
    assert "dense_title" not in runs["- dense views"][0] and runs["- dense views"][1] == SOURCES["titles"]
    for group in UNUSED_GROUPS:
        assert not set(GROUPS[group]) & set(COLUMNS) and set(GROUPS[group]) <= set(runs[f"+ {group}"][0])


def test_first_relevant_and_metrics():
    assert first_relevant(np.array([0.1, 0.9, 0.5]), np.array([0, 0, 1])) == 2
    assert first_relevant(np.array([0.1, 0.9]), np.array([0, 0])) is None
    assert metrics([1, 2, None, 1]) == {"n": 4, "mrr@10": 0.625, "hit@1": 0.5}


def test_features_round_trip(tmp_path):
    s = _set("s", "stripped", ["d1", "d2", "d1"], np.random.default_rng(3))
    s.baselines = {"bm25": [1, None, 3]}
    s.save(tmp_path / "s.npz")
    back = SetFeatures.load(tmp_path / "s.npz")
    assert back.ids == s.ids and back.groups == s.groups and back.baselines == s.baselines
    assert np.array_equal(back.features, s.features) and np.array_equal(back.sizes, s.sizes)


@pytest.mark.parametrize("bad", [0, 1])
def test_cross_validation_needs_two_folds(bad):
    rng = np.random.default_rng(4)
    sets = [_set("s", "accented", ["d1", "d2"], rng)]
    with pytest.raises(ValueError, match="folds"):
        cross_validate(sets, list(FEATURES), folds=bad)
