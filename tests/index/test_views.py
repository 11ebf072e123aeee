"""Dense views: heading apart from the body, numbered parts of long passages."""

import numpy as np
import pytest

from index.builder import IndexConfig, build_index
from index.embedder import HashEmbedder
from index.views import MIN_PART_WORDS, DenseViews, build_views, part_texts, title_text


def _long_numbered(bundled):
    for chunk in bundled.chunks:
        lines = chunk.text.splitlines()
        numbered = [line for line in lines if line[:1].isdigit() and ". " in line[:4]]
        if len(numbered) >= 2 and len(chunk.text.split()) >= MIN_PART_WORDS:
            return chunk, numbered
    pytest.fail("the seeds have no long article with numbered clauses")


def test_parts_split_a_long_article_at_its_clauses(bundled):
    chunk, numbered = _long_numbered(bundled)
    parts = part_texts(chunk)
    assert len(parts) == len(numbered)
    head = chunk.heading or chunk.path_display
    assert all(p.startswith(head + "\n") for p in parts)
    bodies = "\n".join(p[len(head) + 1 :] for p in parts)
    first = chunk.text.splitlines().index(numbered[0])
    assert bodies == "\n".join(chunk.text.splitlines()[first:])


def test_short_or_unnumbered_passages_have_no_parts(bundled):
    short = next(c for c in bundled.chunks if len(c.text.split()) < MIN_PART_WORDS)
    assert part_texts(short) == []


def test_title_view_is_document_title_and_heading(bundled):
    chunk = next(c for c in bundled.chunks if c.heading.startswith("Điều"))
    text = title_text(chunk)
    assert text.endswith("\n" + chunk.heading) and chunk.facts.so_hieu in text


def test_views_round_trip_and_similarities(bundled, tmp_path):
    embedder = HashEmbedder(32)
    count = build_views(bundled.chunks, tmp_path, embedder.embed_passages)
    views = DenseViews.load(tmp_path)
    assert views is not None and views.vectors.shape == (count, 32)
    assert len(views.title_of) == len(bundled.chunks) and len(views.parts_ptr) == len(bundled.chunks) + 1
    assert np.all(np.diff(views.parts_ptr) >= 0)
    rows = np.arange(len(bundled.chunks))
    query = embedder.embed_query("trách nhiệm của Văn phòng UBND tỉnh")
    expected = embedder.embed_passages([title_text(c) for c in bundled.chunks]) @ query
    assert np.allclose(views.title_similarity(query, rows), expected, atol=1e-5)
    whole = np.full(len(rows), -1.0, np.float32)
    best = views.part_similarity(query, rows, whole)
    with_parts = [i for i, c in enumerate(bundled.chunks) if part_texts(c)]
    assert with_parts and all(best[i] > -1.0 for i in with_parts)
    assert all(best[i] == -1.0 for i in rows if i not in with_parts)


def test_title_search_respects_the_allowed_rows(bundled, tmp_path):
    embedder = HashEmbedder(32)
    build_views(bundled.chunks, tmp_path, embedder.embed_passages)
    views = DenseViews.load(tmp_path)
    allowed = np.array([c.doc_id == "kg-925-2018" for c in bundled.chunks])
    rows = views.search_titles(embedder.embed_query("trách nhiệm thi hành"), allowed, k=5)
    assert rows and all(bundled.chunks[r].doc_id == "kg-925-2018" for r in rows)


def test_an_index_is_built_with_its_views(bundled, tmp_path):
    from corpus.loader import BUNDLED_CORPUS

    config = IndexConfig(corpus_dir=BUNDLED_CORPUS, data_dir=tmp_path, model_name="hash-16")
    build_index(config, lambda: HashEmbedder(16))
    assert DenseViews.load(config.current) is not None
    (config.current / "views.json").unlink()
    assert DenseViews.load(config.current) is None
