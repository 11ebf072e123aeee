"""Open an index that is fit to serve: a missing, stale, damaged or mismatched one is rebuilt.

The corpus is the source of truth and is right there, so a truncated FAISS file or chunk store
is a reason to rebuild, not to stop. Messages are for the person at the terminal or in the chat,
in Vietnamese; the technical reason follows in parentheses for the maintainer.
"""

from __future__ import annotations

from collections.abc import Callable

from corpus.loader import document_files
from index.builder import EmbedRunner, IndexConfig, build_index, index_summary, stale_reason
from index.embedder import Embedder
from index.errors import IndexError_
from index.searcher import Searcher

Notify = Callable[[str], None]


def corpus_present(config: IndexConfig) -> bool:
    """True when the corpus folder holds at least one document file to rebuild from."""
    return config.corpus_dir.is_dir() and bool(document_files(config.corpus_dir))


def rebuild_notice(reason: str) -> str:
    """What the person waiting is told while the index is rebuilt."""
    return f"Chỉ mục chưa dùng được, đang dựng lại từ kho văn bản… (lý do: {reason})"


def open_index(
    config: IndexConfig,
    embedder_factory: Callable[[], Embedder],
    model_id: str,
    notify: Notify,
    runner: EmbedRunner | None = None,
) -> Searcher:
    """A searcher over an index that is up to date and readable, rebuilding it first when needed.

    Staleness, model mismatch and truncated files are found before loading (manifest, file sizes,
    corpus fingerprints); anything the loader still finds damaged forces one full rebuild.
    """
    reason = stale_reason(config)
    if reason is not None:
        if config.current.exists() or config.current.is_symlink():
            notify(rebuild_notice(reason))
        report = build_index(config, embedder_factory, runner=runner)
        if report.rebuilt:
            notify(index_summary(report))
    try:
        return Searcher(config.current, embedder_factory, model_id)
    except IndexError_ as exc:
        if not corpus_present(config):
            raise
        notify(rebuild_notice(str(exc)))
        notify(index_summary(build_index(config, embedder_factory, force=True, runner=runner)))
        return Searcher(config.current, embedder_factory, model_id)
