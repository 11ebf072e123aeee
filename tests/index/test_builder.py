"""Index round-trip, staleness, corruption, model mismatch and incremental update."""

import shutil
from pathlib import Path

import numpy as np
import pytest

from index.builder import IndexConfig, build_index, read_manifest
from index.embedder import HashEmbedder
from index.errors import IndexError_
from index.searcher import Searcher
from index.views import DenseViews
from tests.conftest import FIXTURES

MODEL = "hash-64"


class CountingEmbedder(HashEmbedder):
    def __init__(self):
        super().__init__(64)
        self.embedded = 0

    def embed_passages(self, texts, batch_size=32, progress=False):
        self.embedded += len(texts)
        return super().embed_passages(texts, batch_size, progress)


@pytest.fixture
def setup(tmp_path):
    corpus = tmp_path / "docs"
    corpus.mkdir()
    for name in ("ke-hoach-bang.docx", "quyet-dinh.pdf", "tin-bai.html"):
        shutil.copy(FIXTURES / "docs" / name, corpus / name)
    config = IndexConfig(corpus_dir=corpus, data_dir=tmp_path / "data", model_name=MODEL)
    embedder = CountingEmbedder()
    return config, embedder


def test_round_trip(setup):
    config, embedder = setup
    report = build_index(config, lambda: embedder)
    assert report.rebuilt and report.documents == 3 and report.embedded == report.chunks
    views = DenseViews.load(config.current)
    assert embedder.embedded == report.chunks + len(views.vectors)  # each passage once, plus its heading/clause views
    searcher = Searcher(config.current, lambda: embedder, MODEL)
    assert len(searcher.chunks) == report.chunks
    hits = searcher.search("Sở Tư pháp rà soát văn bản quy phạm pháp luật", mode="bm25").hits
    assert hits[0].chunk.doc_id == "ke-hoach-bang" and "words" in hits[0].retrievers
    dense = searcher.search("Sở Tư pháp rà soát văn bản quy phạm pháp luật", mode="dense").hits
    assert dense and set(dense[0].retrievers) == {"dense"}
    assert searcher.tasks and searcher.documents["quyet-dinh"]["facts"]["so_hieu"] == "100/QĐ-UBND"


def test_second_build_without_change_does_nothing(setup):
    config, embedder = setup
    build_index(config, lambda: embedder)
    before = embedder.embedded
    report = build_index(config, lambda: pytest.fail("the embedder must not even load"))
    assert not report.rebuilt and embedder.embedded == before


def test_changed_document_re_embeds_only_its_chunks(setup):
    config, embedder = setup
    first = build_index(config, lambda: embedder)
    html = config.corpus_dir / "tin-bai.html"
    html.write_text(html.read_text(encoding="utf-8").replace("20%", "25%"), encoding="utf-8")
    second = build_index(config, lambda: embedder)
    searcher = Searcher(config.current, lambda: embedder, MODEL)
    news_chunks = [c for c in searcher.chunks if c.doc_id == "tin-bai"]
    assert second.rebuilt and second.embedded == len(news_chunks) and second.reused == first.chunks - len(news_chunks)
    assert any("25%" in c.text for c in news_chunks)


def test_added_and_removed_documents(setup):
    config, embedder = setup
    build_index(config, lambda: embedder)
    (config.corpus_dir / "quyet-dinh.pdf").unlink()
    shutil.copy(FIXTURES / "docs" / "windows-1258.txt", config.corpus_dir / "windows-1258.txt")
    report = build_index(config, lambda: embedder)
    assert report.rebuilt and "file(s)" in report.reason
    assert set(read_manifest(config.current).documents) == {"ke-hoach-bang", "tin-bai", "windows-1258"}


def test_corrupt_manifest_is_reported_and_rebuilt(setup):
    config, embedder = setup
    build_index(config, lambda: embedder)
    (config.current / "manifest.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(IndexError_, match="corrupt"):
        Searcher(config.current, lambda: embedder, MODEL)
    report = build_index(config, lambda: embedder)
    assert report.rebuilt and "corrupt" in report.reason
    Searcher(config.current, lambda: embedder, MODEL)


def test_damaged_files_are_refused(setup):
    config, embedder = setup
    build_index(config, lambda: embedder)
    (config.current / "vectors.faiss").write_bytes(b"garbage")
    with pytest.raises(IndexError_, match="damaged"):
        Searcher(config.current, lambda: embedder, MODEL)


def test_model_mismatch_is_refused_and_rebuilt(setup):
    config, embedder = setup
    build_index(config, lambda: embedder)
    with pytest.raises(IndexError_, match="built with model 'hash-64'"):
        Searcher(config.current, lambda: embedder, "another-model")
    other = config.model_copy(update={"model_name": "another-model"})
    report = build_index(other, lambda: HashEmbedder(32))
    assert report.rebuilt and "another-model" in report.reason
    assert read_manifest(config.current).dimension == 32


def test_killed_build_leaves_the_old_index(setup):
    config, embedder = setup
    build_index(config, lambda: embedder)
    before = read_manifest(config.current)
    (config.corpus_dir / "them.md").write_text("---\nid: them\n---\nĐiều 1. Một.\nĐiều 2. Hai.\n", encoding="utf-8")

    class Killed(HashEmbedder):
        def embed_passages(self, texts, batch_size=32, progress=False):
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        build_index(config, lambda: Killed(64), force=True)
    assert read_manifest(config.current) == before
    assert not list(config.data_dir.glob(".building-*"))
    Searcher(config.current, lambda: embedder, MODEL)


def test_filters_restrict_results(setup):
    config, embedder = setup
    build_index(config, lambda: embedder)
    searcher = Searcher(config.current, lambda: embedder, MODEL)
    from index.models import Filters

    hits = searcher.search("thủ tục hành chính", mode="hybrid", filters=Filters(provinces=["An Giang"])).hits
    assert hits and all(h.chunk.facts.tinh in ("An Giang", None) for h in hits)
    hits = searcher.search("thủ tục hành chính", filters=Filters(doc_ids=["quyet-dinh"])).hits
    assert {h.chunk.doc_id for h in hits} == {"quyet-dinh"}
    assert np.all(np.diff([h.score for h in hits]) <= 0)


def test_an_empty_corpus_is_a_clear_error(tmp_path):
    config = IndexConfig(corpus_dir=tmp_path / "none", data_dir=tmp_path / "data", model_name=MODEL)
    with pytest.raises(IndexError_, match="không nạp được văn bản nào"):
        build_index(config, lambda: HashEmbedder(8))


@pytest.mark.parametrize("relative", [False, True])
def test_the_replaced_build_is_kept_until_the_next(setup, relative, monkeypatch):
    config, embedder = setup
    if relative:
        monkeypatch.chdir(config.data_dir.parent)
        config = config.model_copy(update={"data_dir": Path(config.data_dir.name)})
    build_index(config, lambda: embedder)
    first = config.current.resolve()
    build_index(config, lambda: embedder, force=True)
    second = config.current.resolve()
    assert first.exists() and second != first
    build_index(config, lambda: embedder, force=True)
    assert not first.exists() and second.exists() and len(list(config.data_dir.glob("index-*"))) == 2


def test_fingerprints_reuse_recorded_hashes_only_for_unchanged_files(setup):
    from index.builder import file_fingerprints

    config, _ = setup
    plain = file_fingerprints(config.corpus_dir)
    assert file_fingerprints(config.corpus_dir, config.fingerprint_cache) == plain
    assert config.fingerprint_cache.exists()
    assert file_fingerprints(config.corpus_dir, config.fingerprint_cache) == plain
    html = config.corpus_dir / "tin-bai.html"
    html.write_text(html.read_text(encoding="utf-8") + "\n<p>Thêm.</p>", encoding="utf-8")
    changed = file_fingerprints(config.corpus_dir, config.fingerprint_cache)
    assert changed["tin-bai.html"] != plain["tin-bai.html"] and changed == file_fingerprints(config.corpus_dir)
