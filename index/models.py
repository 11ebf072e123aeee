"""Typed records that leave the index package: search hits, filters and the index manifest."""

from __future__ import annotations

from pydantic import BaseModel, Field

from corpus.models import Chunk


class Filters(BaseModel):
    """Restrictions on which chunks may be returned; unset fields do not restrict."""

    provinces: list[str] = Field(default_factory=list)
    doc_ids: list[str] = Field(default_factory=list)
    so_hieu_prefixes: list[str] = Field(default_factory=list)
    doc_types: list[str] = Field(default_factory=list)
    years: list[int] = Field(default_factory=list)

    def is_empty(self) -> bool:
        """True when nothing is restricted."""
        return not (self.provinces or self.doc_ids or self.so_hieu_prefixes or self.doc_types or self.years)


class RetrieverScore(BaseModel):
    """One retriever's view of a hit: its rank (1-based) and raw score."""

    rank: int
    score: float


class Hit(BaseModel):
    """A retrieved chunk with its fused score and each retriever's rank and score."""

    chunk: Chunk
    score: float
    rank: int
    retrievers: dict[str, RetrieverScore] = Field(default_factory=dict)


class IndexManifest(BaseModel):
    """What an index was built from; loading refuses an index whose manifest does not match."""

    format_version: int
    model: str
    dimension: int
    normalization_version: str
    parser_version: str
    corpus_dir: str
    documents: dict[str, str]
    files: dict[str, str]
    chunks: int
    index_type: str
    created_at: str
    dense: dict[str, int | float | str] = Field(default_factory=dict, description="FAISS kind and parameters")
    sizes: dict[str, int] = Field(default_factory=dict, description="bytes of each file, to detect truncation")
