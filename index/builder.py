"""Build or refresh the index directory: chunk store, BM25 fields, FAISS file and manifest.

A build writes a new directory and then swaps a ``current`` symlink to it, so a killed build
leaves the previous index intact. Vectors come from an embedding cache keyed by model and
text hash, so a changed document re-embeds only its own chunks.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import logging
import os
import re
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Protocol

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
from index.features import save_row_features
from index.lexical import LexicalIndex
from index.models import IndexManifest
from index.store import ChunkStore, EmbeddingCache, text_hash
from index.tables import RowFacts
from index.views import build_views

log = logging.getLogger(__name__)
# 3: lookup columns in the chunk store, rows.npz, dense parameters and file sizes;
# 4: dense views (views.npy, views.json) beside vectors.faiss;
# 5: the ranker's row features and heading field (row_features.npz, bm25_heading)
FORMAT_VERSION = 5
PARSER_VERSION = "17"
MANIFEST = "manifest.json"
BUILD_TIMING = "build.json"  # how long embedding took, for the benchmark; not part of the index


class IndexConfig(BaseModel):
    """Where the corpus and index live, and how to build the index."""

    corpus_dir: Path
    data_dir: Path
    model_name: str
    hnsw_threshold: int = Field(default=50_000, ge=1)
    ivf_threshold: int = Field(default=300_000, ge=1)
    max_chunk_tokens: int = 400
    batch_size: int = 32
    embed_group: int = Field(default=256, ge=1, description="chunks embedded and cached together")

    @property
    def current(self) -> Path:
        """The symlink to the live index directory."""
        return self.data_dir / "current"

    @property
    def fingerprint_cache(self) -> Path:
        """Recorded file hashes with sizes and times, so unchanged files are not read again."""
        return self.data_dir / "cache" / "fingerprints.json"

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


def file_fingerprints(corpus_dir: Path, cache_path: Path | None = None) -> dict[str, str]:
    """SHA-256 of every candidate file (and its sidecar), without parsing anything.

    With ``cache_path``, a file whose size and modification time (ns) are those recorded last time
    keeps its recorded hash instead of being read again: a national corpus is gigabytes, and the
    bot checks it at every start.
    """
    known: dict[str, dict] = {}
    corpus = str(corpus_dir.resolve())
    if cache_path is not None and cache_path.exists():
        with contextlib.suppress(ValueError, OSError, KeyError):
            recorded = json.loads(cache_path.read_text(encoding="utf-8"))
            known = recorded["files"] if recorded["corpus"] == corpus else {}
    out: dict[str, str] = {}
    seen: dict[str, dict] = {}
    for path in document_files(corpus_dir):
        parts = [path, *(p for p in (path.with_suffix(".yaml"), path.with_suffix(".yml")) if p.exists())]
        stats = [[p.stat().st_size, p.stat().st_mtime_ns] for p in parts]
        name = str(path.relative_to(corpus_dir))
        if known.get(name, {}).get("stat") == stats:
            out[name] = known[name]["sha256"]
        else:
            digest = hashlib.sha256()
            for part in parts:
                digest.update(part.read_bytes())
            out[name] = digest.hexdigest()
        seen[name] = {"stat": stats, "sha256": out[name]}
    if cache_path is not None and seen != known:
        cache_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache_path.with_name(f".{cache_path.name}.{os.getpid()}")
        tmp.write_text(json.dumps({"corpus": corpus, "files": seen}), encoding="utf-8")
        os.replace(tmp, cache_path)
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


def file_sizes(index_dir: Path) -> dict[str, int]:
    """Bytes of every file of an index directory (the manifest excepted)."""
    return {
        str(p.relative_to(index_dir)): p.stat().st_size
        for p in sorted(index_dir.rglob("*"))
        if p.is_file() and p.name not in (MANIFEST, BUILD_TIMING)
    }


def check_files(index_dir: Path, manifest: IndexManifest) -> None:
    """Refuse an index whose files are missing or truncated (sizes recorded at build time)."""
    for name, size in manifest.sizes.items():
        path = index_dir / name
        actual = path.stat().st_size if path.exists() else None
        if actual != size:
            state = "missing" if actual is None else f"{actual} bytes, not {size}"
            raise IndexError_(f"index at {index_dir} is damaged ({name} {state}): run `tracuu index`")


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


def stale_reason(config: IndexConfig) -> str | None:
    """Why the current index must be rebuilt (missing, damaged, mismatched, corpus changed), or None."""
    return _stale_reason(config, file_fingerprints(config.corpus_dir, config.fingerprint_cache))


@contextlib.contextmanager
def build_lock(config: IndexConfig) -> Iterator[None]:
    """One build at a time per data dir: a bot rebuilding in the background and a `tracuu index` wait in turn."""
    config.data_dir.mkdir(parents=True, exist_ok=True)
    with open(config.data_dir / ".build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _stale_reason(config: IndexConfig, files: dict[str, str]) -> str | None:
    """Why the current index must be rebuilt, or None when it is up to date."""
    try:
        manifest = read_manifest(config.current)
        check_manifest(manifest, config.model_name)
        check_files(config.current.resolve(), manifest)
    except IndexError_ as exc:
        return str(exc)
    if manifest.corpus_dir != str(config.corpus_dir.resolve()):
        return "corpus folder changed"
    if manifest.files != files:
        changed = sorted(set(manifest.files.items()) ^ set(files.items()))
        return f"{len({name for name, _ in changed})} file(s) added, changed or removed"
    return None


EmbedGroups = list[tuple[list[str], list[str]]]


class EmbedRunner(Protocol):
    """Embeds groups of (hashes, texts) somewhere else (a Ray cluster) and yields each group's vectors."""

    def __call__(self, groups: EmbedGroups) -> Iterator[tuple[list[str], np.ndarray]]:
        """Vectors per group, in any order, as each group finishes."""
        ...


def plan_groups(texts: list[str], hashes: list[str], group: int) -> EmbedGroups:
    """Missing texts, longest first, in groups of ``group``: the fp32 model's batches then carry little padding.

    A group is the unit of caching (and of work on Ray): a killed build keeps every finished group.
    """
    order = sorted(range(len(texts)), key=lambda i: (-len(texts[i]), hashes[i]))
    return [
        ([hashes[i] for i in order[s : s + group]], [texts[i] for i in order[s : s + group]])
        for s in range(0, len(order), group)
    ]


def _embed(
    texts: list[str],
    embedder_factory: Callable[[], Embedder],
    model: str,
    config: IndexConfig,
    progress: bool,
    runner: EmbedRunner | None = None,
) -> tuple[np.ndarray, int]:
    """Vectors for every text: cached ones reused, the rest embedded and cached group by group.

    Each finished group is written to the cache at once, so a killed build (or Ray job) resumes
    without embedding again what was done.
    """
    cache = EmbeddingCache(config.cache_path)
    try:
        hashes = [text_hash(t) for t in texts]
        cached = cache.get_many(model, hashes)
        missing = sorted({h: i for i, h in enumerate(hashes) if h not in cached}.values())
        if missing:
            from tqdm import tqdm

            groups = plan_groups([texts[i] for i in missing], [hashes[i] for i in missing], config.embed_group)
            bar = tqdm(total=len(missing), desc="Nhúng đoạn", unit="đoạn", disable=not progress)
            if runner is None:
                embedder = embedder_factory()
                done = ((h, embedder.embed_passages(t, config.batch_size)) for h, t in groups)
            else:
                done = runner(groups)
            for group_hashes, vectors in done:
                new = dict(zip(group_hashes, np.asarray(vectors, dtype=np.float32), strict=True))
                cache.put_many(model, new)
                cached.update(new)
                bar.update(len(group_hashes))
            bar.close()
            if any(h not in cached for h in hashes):
                raise IndexError_("embedding stopped before every chunk had a vector: run `tracuu index` again")
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
    runner: EmbedRunner | None = None,
) -> BuildReport:
    """Build the index if the corpus or settings changed since the last build (or when forced).

    ``runner`` embeds the new chunks elsewhere (a Ray job); parsing and assembly stay here.
    """
    with build_lock(config):
        return _build_index(config, embedder_factory, force=force, progress=progress, runner=runner)


def _build_index(
    config: IndexConfig,
    embedder_factory: Callable[[], Embedder],
    *,
    force: bool,
    progress: bool,
    runner: EmbedRunner | None,
) -> BuildReport:
    started = time.perf_counter()
    files = file_fingerprints(config.corpus_dir, config.fingerprint_cache)
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
    embed_started = time.perf_counter()
    vectors, embedded = _embed(texts, embedder_factory, config.model_name, config, progress, runner)
    embed_seconds = time.perf_counter() - embed_started

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
        from index.searcher import retelling_documents  # the searcher imports this module

        retelling = retelling_documents(chunks)
        store = ChunkStore.create(build_dir / "chunks.sqlite")
        store.add_chunks((row, *item) for row, item in enumerate(zip(chunks, hashes, words, folded, strict=True)))
        for loaded in corpus.documents:
            doc = loaded.document
            data = {"facts": doc.facts.model_dump(mode="json"), "warnings": doc.warnings, "path": doc.path}
            store.add_document(doc.id, doc.content_hash, data | ({"retelling": True} if doc.id in retelling else {}))
        store.add_tasks(corpus.tasks)
        store.add_relations(r for loaded in corpus.documents for r in loaded.relations)
        store.create_lookups()
        store.commit()
        store.close()
        RowFacts.save(build_dir, [c.doc_id for c in chunks])
        LexicalIndex.build(words, folded).save(build_dir)
        save_row_features(chunks, build_dir)
        AccentRestorer.learn(texts).save(build_dir / "accents.json")
        dense = DenseIndex.build(
            vectors, np.arange(len(chunks)), config.hnsw_threshold, ivf_threshold=config.ivf_threshold
        )
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
            dense=dense.params,
            sizes=file_sizes(build_dir),
        )
        (build_dir / MANIFEST).write_text(manifest.model_dump_json(indent=2), encoding="utf-8")
        timing = {"embedded": embedded, "embed_s": embed_seconds, "seconds": time.perf_counter() - started}
        (build_dir / BUILD_TIMING).write_text(json.dumps(timing), encoding="utf-8")
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
    """Point ``current`` at the new build atomically, then remove builds older than the one it replaced.

    The replaced build stays until the next one: a searcher still serving from it (the bot, during
    a reload) reads its chunk store and memory-mapped files lazily.
    """
    link_tmp = config.data_dir / f".current-{os.getpid()}"
    if link_tmp.is_symlink() or link_tmp.exists():
        link_tmp.unlink()
    link_tmp.symlink_to(final.name)
    old = config.current.resolve() if config.current.is_symlink() else None
    os.replace(link_tmp, config.current)
    keep = {final.name, old.name if old else None}
    for stale in config.data_dir.glob("index-*"):
        if stale.name not in keep:
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
