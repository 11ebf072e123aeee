"""Build or refresh the index directory: chunk store, BM25 fields, FAISS file and manifest.

A build writes a new directory and then swaps a ``current`` symlink to it, so a killed build
leaves the previous index intact. Vectors come from an embedding cache keyed by model and
text hash, so a changed document re-embeds only its own chunks.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import re
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from pydantic import BaseModel, Field

from corpus.loader import document_files, load_corpus
from corpus.models import Chunk
from corpus.normalize import NORMALIZATION_VERSION
from corpus.structure import field_role
from index.accents import AccentRestorer
from index.analysis import ANALYSIS_VERSION, folded_tokens, word_tokens
from index.dense import DenseIndex
from index.embedder import Embedder
from index.errors import IndexError_
from index.lexical import LexicalIndex
from index.models import IndexManifest
from index.store import ChunkStore, EmbeddingCache, text_hash
from index.views import build_views

log = logging.getLogger(__name__)
FORMAT_VERSION = 2  # 2: dense views (views.npy, views.json) beside vectors.faiss
PARSER_VERSION = "8"
MANIFEST = "manifest.json"
SAVE_EVERY = 256  # vectors are cached in batches, so an interrupted build keeps its progress


class IndexConfig(BaseModel):
    """Where the corpus and index live, and how to build the index."""

    corpus_dir: Path
    data_dir: Path
    model_name: str
    hnsw_threshold: int = Field(default=50_000, ge=1)
    max_chunk_tokens: int = 400
    batch_size: int = 32

    @property
    def current(self) -> Path:
        """The symlink to the live index directory."""
        return self.data_dir / "current"

    @property
    def cache_path(self) -> Path:
        """The embedding cache shared by every build in this data dir."""
        return self.data_dir / "cache" / "embeddings.sqlite"


class BuildReport(BaseModel):
    """What a build did, for the summary line and the benchmark."""

    rebuilt: bool
    reason: str
    documents: int = 0
    chunks: int = 0
    embedded: int = 0
    reused: int = 0
    problems: list[str] = Field(default_factory=list)
    seconds: float = 0.0
    index_type: str = ""


_BULLET = re.compile(r"^[-+–•*]\s+")


def _without_field_labels(text: str) -> str:
    """'- Cơ quan chủ trì thực hiện: Sở Tư pháp.' → 'Sở Tư pháp.': labels every task repeats only add noise."""
    out = []
    for line in text.splitlines():
        field = field_role(_BULLET.sub("", line))
        out.append(field[1] if field and field[1] else line)
    return "\n".join(out)


def passage_text(chunk: Chunk) -> str:
    """What is embedded and BM25-indexed: the chunk with its document title and section path."""
    f = chunk.facts
    title = " ".join(x for x in (f.loai, f.so_hieu, f.tinh and f"tỉnh {f.tinh}", f.trich_yeu) if x)
    return f"{title}\n{chunk.path_display}\n{_without_field_labels(chunk.text)}"


def file_fingerprints(corpus_dir: Path) -> dict[str, str]:
    """SHA-256 of every candidate file (and its sidecar), without parsing anything."""
    out: dict[str, str] = {}
    for path in document_files(corpus_dir):
        digest = hashlib.sha256(path.read_bytes())
        for sidecar in (path.with_suffix(".yaml"), path.with_suffix(".yml")):
            if sidecar.exists():
                digest.update(sidecar.read_bytes())
        out[str(path.relative_to(corpus_dir))] = digest.hexdigest()
    return out


def read_manifest(index_dir: Path) -> IndexManifest:
    """The manifest of an index directory; raises ``IndexError_`` when missing or unreadable."""
    path = index_dir / MANIFEST
    if not path.exists():
        raise IndexError_(f"no index at {index_dir}: run `tracuu index`")
    try:
        return IndexManifest.model_validate_json(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise IndexError_(f"index manifest {path} is corrupt ({exc.__class__.__name__}): run `tracuu index`") from None


def check_manifest(manifest: IndexManifest, model_name: str | None = None) -> None:
    """Refuse an index built by other code or another model, saying why."""
    if manifest.format_version != FORMAT_VERSION:
        raise IndexError_(f"index format {manifest.format_version} != {FORMAT_VERSION}: run `tracuu index`")
    if manifest.normalization_version != NORMALIZATION_VERSION or manifest.parser_version != (
        f"{PARSER_VERSION}.{ANALYSIS_VERSION}"
    ):
        raise IndexError_("index was built with another normalisation or parser version: run `tracuu index`")
    if model_name and manifest.model != model_name:
        raise IndexError_(f"index was built with model '{manifest.model}', not '{model_name}': run `tracuu index`")


def _stale_reason(config: IndexConfig, files: dict[str, str]) -> str | None:
    """Why the current index must be rebuilt, or None when it is up to date."""
    try:
        manifest = read_manifest(config.current)
        check_manifest(manifest, config.model_name)
    except IndexError_ as exc:
        return str(exc)
    if manifest.corpus_dir != str(config.corpus_dir.resolve()):
        return "corpus folder changed"
    if manifest.files != files:
        changed = sorted(set(manifest.files.items()) ^ set(files.items()))
        return f"{len({name for name, _ in changed})} file(s) added, changed or removed"
    return None


def _embed(
    texts: list[str], embedder_factory: Callable[[], Embedder], model: str, config: IndexConfig, progress: bool
) -> tuple[np.ndarray, int]:
    cache = EmbeddingCache(config.cache_path)
    try:
        hashes = [text_hash(t) for t in texts]
        cached = cache.get_many(model, hashes)
        missing = sorted({h: i for i, h in enumerate(hashes) if h not in cached}.values())
        if missing:
            from tqdm import tqdm

            embedder = embedder_factory()
            bar = tqdm(total=len(missing), desc="Nhúng đoạn", unit="đoạn", disable=not progress)
            for start in range(0, len(missing), SAVE_EVERY):
                part = missing[start : start + SAVE_EVERY]
                vectors = embedder.embed_passages([texts[i] for i in part], config.batch_size)
                new = {hashes[i]: v for i, v in zip(part, vectors, strict=True)}
                cache.put_many(model, new)
                cached.update(new)
                bar.update(len(part))
            bar.close()
        dim = len(next(iter(cached.values()))) if cached else 0
        matrix = np.stack([cached[h] for h in hashes]) if hashes else np.zeros((0, dim), np.float32)
        return matrix.astype(np.float32), len(missing)
    finally:
        cache.close()


def _previous_tokens(config: IndexConfig) -> dict[str, tuple[list[str], list[str]]]:
    db = config.current / "chunks.sqlite"
    if not db.exists():
        return {}
    try:
        store = ChunkStore(db)
        tokens = store.tokens()
        store.close()
        return tokens
    except Exception:
        return {}


def build_index(
    config: IndexConfig,
    embedder_factory: Callable[[], Embedder],
    *,
    force: bool = False,
    progress: bool = False,
) -> BuildReport:
    """Build the index if the corpus or settings changed since the last build (or when forced)."""
    started = time.perf_counter()
    files = file_fingerprints(config.corpus_dir)
    reason = "forced" if force else _stale_reason(config, files)
    if reason is None:
        manifest = read_manifest(config.current)
        return BuildReport(
            rebuilt=False,
            reason="up to date",
            documents=len(manifest.documents),
            chunks=manifest.chunks,
            seconds=time.perf_counter() - started,
            index_type=manifest.index_type,
        )
    corpus = load_corpus(config.corpus_dir, config.max_chunk_tokens)
    chunks = corpus.chunks
    if not chunks:
        reasons = "; ".join(f"{Path(p.path).name}: {p.reason}" for p in corpus.problems[:5]) or "thư mục trống"
        raise IndexError_(f"không nạp được văn bản nào từ {config.corpus_dir} ({reasons})")
    texts = [passage_text(c) for c in chunks]
    vectors, embedded = _embed(texts, embedder_factory, config.model_name, config, progress)

    old_tokens = _previous_tokens(config)
    words, folded = [], []
    hashes = [text_hash(f"{ANALYSIS_VERSION}\x00{t}") for t in texts]
    for text, h in zip(texts, hashes, strict=True):
        w, f = old_tokens[h] if h in old_tokens else (word_tokens(text), folded_tokens(text))
        words.append(w)
        folded.append(f)

    config.data_dir.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    build_dir = config.data_dir / f".building-{stamp}"
    build_dir.mkdir()
    try:
        store = ChunkStore.create(build_dir / "chunks.sqlite")
        store.add_chunks((row, *item) for row, item in enumerate(zip(chunks, hashes, words, folded, strict=True)))
        for loaded in corpus.documents:
            doc = loaded.document
            store.add_document(
                doc.id,
                doc.content_hash,
                {"facts": doc.facts.model_dump(mode="json"), "warnings": doc.warnings, "path": doc.path},
            )
        store.add_tasks(corpus.tasks)
        store.commit()
        store.close()
        LexicalIndex.build(words, folded).save(build_dir)
        AccentRestorer.learn(texts).save(build_dir / "accents.json")
        dense = DenseIndex.build(vectors, np.arange(len(chunks)), config.hnsw_threshold)
        dense.save(build_dir / "vectors.faiss")
        build_views(chunks, build_dir, lambda t: _embed(t, embedder_factory, config.model_name, config, progress)[0])
        manifest = IndexManifest(
            format_version=FORMAT_VERSION,
            model=config.model_name,
            dimension=int(vectors.shape[1]) if len(vectors) else 0,
            normalization_version=NORMALIZATION_VERSION,
            parser_version=f"{PARSER_VERSION}.{ANALYSIS_VERSION}",
            corpus_dir=str(config.corpus_dir.resolve()),
            documents={d.document.id: d.document.content_hash for d in corpus.documents},
            files=files,
            chunks=len(chunks),
            index_type=dense.kind,
            created_at=dt.datetime.now(dt.UTC).isoformat(),
        )
        (build_dir / MANIFEST).write_text(manifest.model_dump_json(indent=2), encoding="utf-8")
        final = config.data_dir / f"index-{stamp}"
        build_dir.rename(final)
        _swap_current(config, final)
    except BaseException:
        shutil.rmtree(build_dir, ignore_errors=True)
        raise
    return BuildReport(
        rebuilt=True,
        reason=reason,
        documents=len(corpus.documents),
        chunks=len(chunks),
        embedded=embedded,
        reused=len(chunks) - embedded,
        problems=[f"{p.path}: {p.reason}" for p in corpus.problems],
        seconds=time.perf_counter() - started,
        index_type=dense.kind,
    )


def _swap_current(config: IndexConfig, final: Path) -> None:
    """Point ``current`` at the new build atomically, then remove older builds."""
    link_tmp = config.data_dir / f".current-{os.getpid()}"
    if link_tmp.is_symlink() or link_tmp.exists():
        link_tmp.unlink()
    link_tmp.symlink_to(final.name)
    old = config.current.resolve() if config.current.is_symlink() else None
    os.replace(link_tmp, config.current)
    for stale in config.data_dir.glob("index-*"):
        if stale != final and (old is None or stale == old or stale.name < final.name):
            shutil.rmtree(stale, ignore_errors=True)
    for leftover in config.data_dir.glob(".building-*"):
        shutil.rmtree(leftover, ignore_errors=True)


def index_summary(report: BuildReport) -> str:
    """One line for maintainers."""
    if not report.rebuilt:
        return f"Chỉ mục đã cập nhật ({report.documents} văn bản, {report.chunks} đoạn), không cần dựng lại."
    return (
        f"Đã dựng chỉ mục: {report.documents} văn bản, {report.chunks} đoạn "
        f"({report.embedded} đoạn nhúng mới, {report.reused} dùng lại), {report.index_type}, "
        f"{report.seconds:.1f} giây. Lý do: {report.reason}."
    )
