"""One Settings object, built at the entry point from the environment and ``.env``."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from corpus.loader import BUNDLED_CORPUS
from index.builder import IndexConfig
from index.embedder import DEFAULT_MODEL, Embedder, load_embedder


class Settings(BaseSettings):
    """Configuration for every command; environment variables use the ``TRACUU_`` prefix."""

    model_config = SettingsConfigDict(env_prefix="TRACUU_", env_file=".env", extra="ignore")

    corpus_dir: Path = Field(default=BUNDLED_CORPUS, description="Folder of documents to load")
    data_dir: Path = Field(default=Path("data"), description="Where the index is stored")
    max_chunk_tokens: int = Field(default=400, ge=50, le=2000)
    model: str = Field(default=DEFAULT_MODEL, description="sentence-transformers model name or path")
    model_cache_dir: Path = Field(default=Path.home() / ".cache" / "tracuu" / "models")
    query_prompt: str | None = Field(default=None, description="prefix for questions (model default if unset)")
    passage_prompt: str | None = Field(default=None, description="prefix for passages (model default if unset)")
    segmented_input: bool = Field(default=False, description="feed underthesea-segmented text (PhoBERT models)")
    max_seq_length: int = Field(default=512, ge=16, le=8192)
    hnsw_threshold: int = Field(default=50_000, ge=1, description="use HNSW above this many chunks")
    threads: int | None = Field(default=None, description="torch CPU threads (default: all cores)")

    def index_config(self) -> IndexConfig:
        """The index build settings."""
        return IndexConfig(
            corpus_dir=self.corpus_dir,
            data_dir=self.data_dir,
            model_name=self.model,
            hnsw_threshold=self.hnsw_threshold,
            max_chunk_tokens=self.max_chunk_tokens,
        )

    def embedder(self) -> Embedder:
        """Load the configured embedding model (converting the default one on first use)."""
        return load_embedder(
            self.model,
            self.model_cache_dir,
            query_prompt=self.query_prompt,
            passage_prompt=self.passage_prompt,
            segmented_input=self.segmented_input,
            max_seq_length=self.max_seq_length,
            threads=self.threads,
        )
