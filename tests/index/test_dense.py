"""FAISS kinds chosen by size, their parameters in the manifest, recall against exact search, filters."""

import shutil

import numpy as np
import pytest

from index.builder import IndexConfig, build_index, read_manifest
from index.dense import FLAT, HNSW, IVFPQ, DenseIndex, choose_params
from index.embedder import HashEmbedder
from index.searcher import Searcher
from tests.conftest import FIXTURES


def _clustered(n: int, dim: int = 64, centres: int = 40, seed: int = 3) -> np.ndarray:
    """Unit vectors around a few centres, as embeddings of related passages are."""
    rng = np.random.default_rng(seed)
    base = rng.normal(size=(centres, dim))
    x = base[rng.integers(0, centres, n)] + 0.6 * rng.normal(size=(n, dim))
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


@pytest.mark.parametrize(("size", "kind"), [(1_000, FLAT), (60_000, HNSW), (300_001, IVFPQ), (1_000_000, IVFPQ)])
def test_kind_by_size(size, kind):
    params = choose_params(size, 384, hnsw_threshold=50_000, ivf_threshold=300_000)
    assert params["kind"] == kind
    if kind == IVFPQ:
        assert 384 % params["m"] == 0 and params["nlist"] >= 1024 and params["refine"] >= 100


@pytest.mark.parametrize(("hnsw", "ivf", "kind"), [(1_000, 50_000, HNSW), (10, 3_000, IVFPQ)])
def test_recall_against_exact_and_filters(tmp_path, hnsw, ivf, kind):
    x = _clustered(6_000)
    exact = DenseIndex.build(x, np.arange(len(x)))
    approx = DenseIndex.build(x, np.arange(len(x)), hnsw_threshold=hnsw, ivf_threshold=ivf)
    assert approx.kind == kind
    approx.save(tmp_path / "vectors.faiss")
    loaded = DenseIndex.load(tmp_path / "vectors.faiss", kind, approx.params)
    queries = _clustered(40, seed=9)
    recalls = []
    for q in queries:
        _, want = exact.search(q, 10)
        scores, got = loaded.search(q, 10)
        recalls.append(len(set(want) & set(got)) / 10)
        assert np.all(np.diff(scores) <= 1e-6)
    assert np.mean(recalls) >= 0.9
    for allowed in (np.arange(0, 6_000, 7), np.arange(100, 140)):
        _, got = loaded.search(queries[0], 10, allowed)
        assert len(got) == 10 and set(got) <= set(allowed)
    rows = np.array([5, 4_321, 17])  # the learned ranker reads stored vectors of any index kind
    np.testing.assert_allclose(loaded.vectors(rows), x[rows], atol=1e-5 if kind == HNSW else 1e-6)


def test_ivfpq_needs_its_exact_vectors(tmp_path):
    x = _clustered(3_000)
    index = DenseIndex.build(x, np.arange(len(x)), hnsw_threshold=10, ivf_threshold=1_000)
    index.save(tmp_path / "vectors.faiss")
    (tmp_path / "vectors.npy").write_bytes((tmp_path / "vectors.npy").read_bytes()[:1000])
    with pytest.raises(ValueError):
        DenseIndex.load(tmp_path / "vectors.faiss", IVFPQ, index.params)


def test_parameters_are_in_the_manifest(tmp_path):
    corpus = tmp_path / "docs"
    corpus.mkdir()
    shutil.copy(FIXTURES / "docs" / "ke-hoach-bang.docx", corpus)
    config = IndexConfig(corpus_dir=corpus, data_dir=tmp_path / "data", model_name="hash-64", hnsw_threshold=2)
    build_index(config, lambda: HashEmbedder(64))
    manifest = read_manifest(config.current)
    assert manifest.index_type == HNSW and manifest.dense["efSearch"] >= 100 and manifest.dense["M"] == 32
    assert manifest.sizes["vectors.faiss"] == (config.current / "vectors.faiss").stat().st_size
    hits = Searcher(config.current, lambda: HashEmbedder(64), "hash-64").search("Sở Tư pháp", mode="dense").hits
    assert hits
