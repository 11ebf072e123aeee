"""The int8 ONNX model: built once from the converted model, close to fp32, independent of batching."""

import numpy as np
import pytest

from index.builder import passage_text
from index.embedder import DEFAULT_MODEL, model_id
from index.errors import ConfigError
from index.onnx_embed import MODEL_FILES, ensure_onnx_model, onnx_model_dir
from tests.conftest import MODEL_CACHE

pytestmark = pytest.mark.slow


def test_model_ids_keep_int8_and_fp32_apart():
    assert model_id(None, "fp32") == DEFAULT_MODEL
    assert model_id(None, "int8") == f"{DEFAULT_MODEL}@onnx-int8"
    assert model_id("keepitreal/vietnamese-sbert", "int8") == "keepitreal/vietnamese-sbert"
    with pytest.raises(ConfigError, match="int8, fp32"):
        model_id(None, "int4")


def test_export_is_built_once_in_the_cache(e5_embedder):
    target = ensure_onnx_model(MODEL_CACHE)
    assert target == onnx_model_dir(MODEL_CACHE) and ensure_onnx_model(MODEL_CACHE) == target
    assert all((target / name).stat().st_size > 1_000_000 for name in MODEL_FILES.values())
    assert (target / MODEL_FILES["int8"]).stat().st_size < (target / MODEL_FILES["fp32"]).stat().st_size / 3
    assert not list(MODEL_CACHE.glob(".onnx-export-*"))


def test_int8_is_close_to_fp32(e5_embedder, e5_fp32_embedder, bundled):
    texts = [passage_text(c) for c in bundled.chunks[::4]]
    int8 = e5_embedder.embed_passages(texts)
    fp32 = e5_fp32_embedder.embed_passages(texts)
    cosines = (int8 * fp32).sum(axis=1)
    assert cosines.min() >= 0.98 and cosines.mean() >= 0.99, (float(cosines.min()), float(cosines.mean()))
    assert np.allclose(np.linalg.norm(int8, axis=1), 1.0, atol=1e-4)
    question = "Ai chủ trì kế hoạch tuyên truyền cải cách hành chính?"
    assert float(e5_embedder.embed_query(question) @ e5_fp32_embedder.embed_query(question)) >= 0.98


def test_vectors_do_not_depend_on_the_batch(e5_embedder, bundled):
    texts = [passage_text(c) for c in bundled.chunks[:12]]
    together = e5_embedder.embed_passages(texts, batch_size=32)
    alone = np.stack([e5_embedder.embed_passages([t])[0] for t in reversed(texts)])[::-1]
    assert np.array_equal(together, alone)
