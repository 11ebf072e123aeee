"""Shared fixtures: the bundled corpus (loaded once) and paths to ../shared data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def bundled():
    from corpus.loader import BUNDLED_CORPUS, load_corpus

    return load_corpus(BUNDLED_CORPUS)


@pytest.fixture(scope="session")
def shared() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared is not beside the repository")
    return SHARED


MODEL_CACHE = Path(os.environ.get("TRACUU_MODEL_CACHE_DIR", Path.home() / ".cache" / "tracuu" / "models"))


@pytest.fixture(scope="session")
def model_dir() -> Path:
    """The default model, converted once into the shared cache."""
    from index.e5_convert import ensure_default_model

    return ensure_default_model(MODEL_CACHE)


@pytest.fixture(scope="session")
def e5_embedder(model_dir):
    """The product's default embedder: e5-small quantized to int8 on ONNX Runtime."""
    from index.embedder import load_embedder

    return load_embedder(None, MODEL_CACHE, precision="int8")


@pytest.fixture(scope="session")
def e5_fp32_embedder(model_dir):
    """The converted e5-small in fp32 on sentence-transformers (the `embedding_precision=fp32` path)."""
    from index.embedder import load_embedder

    return load_embedder(None, MODEL_CACHE, precision="fp32")


@pytest.fixture(scope="session")
def e5_model_id():
    from index.embedder import model_id

    return model_id(None, "int8")


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory, e5_embedder, e5_model_id):
    """The bundled seeds indexed with the real model, once per session."""
    from corpus.loader import BUNDLED_CORPUS
    from index.builder import IndexConfig, build_index

    data_dir = tmp_path_factory.mktemp("seed-index")
    config = IndexConfig(corpus_dir=BUNDLED_CORPUS, data_dir=data_dir, model_name=e5_model_id)
    build_index(config, lambda: e5_embedder)
    return config


@pytest.fixture(scope="session")
def seed_searcher(seed_index, e5_embedder, e5_model_id):
    """The real hybrid searcher over the bundled seeds."""
    from index.searcher import Searcher

    return Searcher(seed_index.current, lambda: e5_embedder, e5_model_id)
