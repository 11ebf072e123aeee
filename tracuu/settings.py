"""One Settings object, built at the entry point from the environment and ``.env``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from corpus.loader import BUNDLED_CORPUS
from index.builder import IndexConfig
from index.embedder import DEFAULT_MODEL, PRECISIONS, Embedder, EmbedderSpec
from index.errors import ConfigError

if TYPE_CHECKING:  # the Telegram stack is imported only by the commands that run the bot
    from bot.telegram_bot import BotConfig


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
    threads: int | None = Field(default=None, description="CPU threads of the embedding model (default: all cores)")
    embedding_precision: str = Field(
        default="int8", description="int8: the default model quantized on ONNX Runtime; fp32: sentence-transformers"
    )
    ivf_threshold: int = Field(default=300_000, ge=1, description="use IVF-PQ (with exact re-ranking) above this")
    embed_group: int = Field(default=256, ge=1, description="chunks embedded, cached and shipped to Ray together")
    ray_workers: int | None = Field(default=None, ge=1, description="Ray embedding actors (default: one per CPU)")
    ray_temp_dir: Path | None = Field(default=None, description="session folder of a local Ray cluster")

    telegram_bot_token: str | None = Field(
        default=None, validation_alias=AliasChoices("TELEGRAM_BOT_TOKEN", "TRACUU_TELEGRAM_BOT_TOKEN"), repr=False
    )
    telegram_base_url: str | None = Field(
        default=None, validation_alias=AliasChoices("TELEGRAM_BASE_URL", "TRACUU_TELEGRAM_BASE_URL")
    )
    allowed_chat_ids: Annotated[set[int], NoDecode] = Field(
        default_factory=set, validation_alias=AliasChoices("ALLOWED_CHAT_IDS", "TRACUU_ALLOWED_CHAT_IDS")
    )
    admin_ids: Annotated[set[int], NoDecode] = Field(
        default_factory=set, validation_alias=AliasChoices("ADMIN_IDS", "TRACUU_ADMIN_IDS")
    )
    rate_limit: int = Field(default=20, ge=1, description="questions per user per rate window")
    rate_window_s: float = Field(default=60.0, gt=0)
    reminder_days: int = Field(default=7, ge=0, description="remind of tasks due within this many days")
    reminder_time: dt.time = Field(default=dt.time(8, 0), description="daily reminder time (HH:MM)")
    timezone: str = Field(default="Asia/Ho_Chi_Minh", description="time zone of the reminder time and dates")
    upload_max_mb: float = Field(default=20.0, gt=0, description="largest file an admin may upload (Telegram: 20)")

    @field_validator("embedding_precision")
    @classmethod
    def _precision(cls, value: str) -> str:
        if value not in PRECISIONS:
            raise ValueError(f"must be one of {', '.join(PRECISIONS)}")
        return value

    @field_validator("allowed_chat_ids", "admin_ids", mode="before")
    @classmethod
    def _id_list(cls, value: object) -> object:
        """'123, -100456' → {123, -100456}."""
        if isinstance(value, str):
            return {int(v) for v in value.replace(";", ",").split(",") if v.strip()}
        return value

    def index_config(self) -> IndexConfig:
        """The index build settings."""
        return IndexConfig(
            corpus_dir=self.corpus_dir,
            data_dir=self.data_dir,
            model_name=self.model_id,
            hnsw_threshold=self.hnsw_threshold,
            ivf_threshold=self.ivf_threshold,
            max_chunk_tokens=self.max_chunk_tokens,
            embed_group=self.embed_group,
        )

    def bot_config(self) -> BotConfig:
        """The Telegram settings; a clear error when the token is missing."""
        from bot.telegram_bot import BotConfig

        if not self.telegram_bot_token:
            raise ConfigError(
                "TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather and export TELEGRAM_BOT_TOKEN=<token>"
            )
        return BotConfig(
            token=self.telegram_bot_token,
            base_url=self.telegram_base_url,
            allowed_chat_ids=self.allowed_chat_ids,
            admin_ids=self.admin_ids,
            rate_limit=self.rate_limit,
            rate_window_s=self.rate_window_s,
            feedback_path=self.data_dir / "feedback.sqlite",
            data_dir=self.data_dir,
            corpus_dir=self.corpus_dir,
            reminder_days=self.reminder_days,
            reminder_time=self.reminder_time,
            timezone=self.timezone,
            upload_max_bytes=int(self.upload_max_mb * 1024 * 1024),
        )

    @property
    def model_id(self) -> str:
        """The id of the vectors this configuration makes (model plus int8 marker)."""
        return self.embedder_spec().model_id

    def embedder_spec(self) -> EmbedderSpec:
        """The embedder as a plain record a Ray worker can load."""
        return EmbedderSpec(
            model=self.model,
            cache_dir=self.model_cache_dir,
            precision=self.embedding_precision,
            query_prompt=self.query_prompt,
            passage_prompt=self.passage_prompt,
            segmented_input=self.segmented_input,
            max_seq_length=self.max_seq_length,
            threads=self.threads,
        )

    def embedder(self) -> Embedder:
        """Load the configured embedding model (converting or exporting the default one on first use)."""
        return self.embedder_spec().load()
