"""Lazy lookups of the index against plain scans of the loaded corpus (parity), on the bundled seeds."""

import datetime as dt
import re

import numpy as np
import pytest

from corpus.agencies import agency_key
from corpus.deadlines import overlaps
from corpus.loader import BUNDLED_CORPUS
from index.builder import IndexConfig, build_index
from index.embedder import HashEmbedder
from index.models import Filters
from index.searcher import Searcher, retelling_documents


@pytest.fixture(scope="module")
def built(tmp_path_factory, bundled):
    config = IndexConfig(corpus_dir=BUNDLED_CORPUS, data_dir=tmp_path_factory.mktemp("tables"), model_name="hash-64")
    build_index(config, lambda: HashEmbedder(64))
    return Searcher(config.current, lambda: HashEmbedder(64), "hash-64"), bundled


def test_chunks_by_row_and_id(built):
    searcher, corpus = built
    assert len(searcher.chunks) == len(corpus.chunks)
    assert [c.id for c in searcher.chunks] == [c.id for c in corpus.chunks]
    assert searcher.chunks[-1] == corpus.chunks[-1] and searcher.chunks[3:5] == corpus.chunks[3:5]
    chunk = corpus.chunks[40]
    assert searcher.by_id[chunk.id] == chunk and searcher.by_id.get("không-có") is None
    with pytest.raises(IndexError):
        searcher.chunks[len(corpus.chunks)]


def test_tasks_by_chunk_agency_and_period(built):
    searcher, corpus = built
    tasks = corpus.tasks
    assert list(searcher.tasks) == list({t.id: t for t in tasks}.values())
    for chunk_id in {t.chunk_id for t in tasks}:
        assert searcher.tasks.for_chunk(chunk_id) == [t for t in tasks if t.chunk_id == chunk_id]
    assert searcher.tasks.lead_names == {a.name for t in tasks for a in t.lead if not a.generic}
    for name in sorted(searcher.tasks.lead_names)[:10]:
        key = agency_key(name)
        for provinces in ([], ["Quảng Ngãi"]):
            expected = [
                t
                for t in tasks
                if any(agency_key(a.name) == key for a in t.lead)
                and (not provinces or t.tinh in provinces or t.tinh is None)
            ]
            assert searcher.tasks.led_by(key, provinces, 1000) == expected
    years = [t.period.start.year for t in tasks if t.period and t.period.start]
    assert years.count(searcher.tasks.common_year) == max(years.count(y) for y in years)
    start, end = dt.date(2018, 1, 1), dt.date(2018, 6, 30)
    expected = [t for t in tasks if t.period and t.period.kind != "thuong_xuyen" and overlaps(t.period, start, end)]
    assert expected and searcher.tasks.due_between(start, end, [], 1000) == expected
    assert searcher.tasks.due_between(start, end, [], 3) == expected[:3]


def test_document_number_lookup(built):
    searcher, corpus = built
    pattern = re.compile(r":(?:kt|vb)/dieu-5(?:/|$)")
    expected = next(c for c in corpus.chunks if (c.facts.so_hieu or "").startswith("925/") and pattern.search(c.id))
    assert searcher.chunks.first_row_matching(["925"], pattern) == expected
    assert searcher.chunks.first_row_matching(["99999"], pattern) is None


@pytest.mark.parametrize(
    "filters",
    [
        Filters(provinces=["Kiên Giang"]),
        Filters(provinces=["Hà Giang"]),
        Filters(so_hieu_prefixes=["2548"]),
        Filters(doc_ids=["kg-925-2018", "tin-cchc-2019"]),
        Filters(doc_types=["Tin bài"]),
        Filters(years=[2018]),
        Filters(provinces=["Quảng Ngãi"], years=[1990]),
    ],
)
@pytest.mark.parametrize("strict", [True, False])
def test_row_masks_match_a_chunk_scan(built, filters, strict):
    searcher, corpus = built
    chunks = corpus.chunks
    checks = []
    if filters.provinces:
        checks.append(np.array([(c.facts.tinh or "") == "" or c.facts.tinh in filters.provinces for c in chunks]))
    if filters.so_hieu_prefixes:
        prefixes = tuple(f"{p}/" for p in filters.so_hieu_prefixes)
        checks.append(np.array([(c.facts.so_hieu or "").lstrip("0").startswith(prefixes) for c in chunks]))
    if filters.doc_ids:
        checks.append(np.array([c.doc_id in filters.doc_ids for c in chunks]))
    if filters.doc_types:
        checks.append(
            np.array([any(t.lower() in (c.facts.loai or "").lower() for t in filters.doc_types) for c in chunks])
        )
    if filters.years:
        checks.append(
            np.array([bool(c.facts.ngay_ban_hanh) and c.facts.ngay_ban_hanh.year in filters.years for c in chunks])
        )
    expected = np.ones(len(chunks), dtype=bool)
    for check in checks:
        if strict or (expected & check).any():
            expected &= check
    assert np.array_equal(searcher.mask(filters, strict), expected)


def test_retelling_rows(built):
    searcher, corpus = built
    retelling = retelling_documents(corpus.chunks)
    assert retelling and np.array_equal(searcher._retelling, np.array([c.doc_id in retelling for c in corpus.chunks]))


def test_document_numbers_filter_with_their_type_code():
    """'Chỉ thị 32/CT-TTg' must not select Thông tư 32/2025/TT-BKHCN (realdocs r-001 was declined for it)."""
    from index.query import analyse_query, filters_from_query
    from index.tables import RowFacts

    documents = {
        "tt": {"facts": {"so_hieu": "32/2025/TT-BKHCN"}},
        "qd": {"facts": {"so_hieu": "925/QĐ-UBND"}},
        "kh": {"facts": {"so_hieu": "0925/KH-UBND"}},
    }
    rows = RowFacts(np.array([0, 0, 1, 2]), ["tt", "qd", "kh"], documents)

    def allowed(question: str) -> list[bool]:
        return rows.mask(filters_from_query(analyse_query(question)), strict=True).tolist()

    assert allowed("Kế hoạch thực hiện Chỉ thị 32/CT-TTg") == [False, False, False, False]
    assert allowed("Thông tư 32/2025/TT-BKHCN quy định gì") == [True, True, False, False]
    assert allowed("Quyết định 925 của Kiên Giang") == [False, False, True, False]
    assert allowed("văn bản số 925/QĐ-UBND") == [False, False, True, False]
