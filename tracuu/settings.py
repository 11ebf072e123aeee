"""One Settings object, built at the entry point from the environment and ``.env``."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from corpus.loader import BUNDLED_CORPUS


class Settings(BaseSettings):
    """Configuration for every command; environment variables use the ``TRACUU_`` prefix."""

    model_config = SettingsConfigDict(env_prefix="TRACUU_", env_file=".env", extra="ignore")

    corpus_dir: Path = Field(default=BUNDLED_CORPUS, description="Folder of documents to load")
    data_dir: Path = Field(default=Path("data"), description="Where the index is stored")
    max_chunk_tokens: int = Field(default=400, ge=50, le=2000)
