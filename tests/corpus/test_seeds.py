"""The five seed documents as the bundled corpus loads them."""

import itertools
import re

from corpus.models import NodeKind
from corpus.normalize import STRUCTURE_MARKER


def _doc(bundled, doc_id):
    loaded = bundled.get(doc_id)
    assert loaded is not None, f"{doc_id} did not load: {bundled.problems}"
    return loaded


def test_all_seeds_load_without_problems(bundled):
    assert bundled.problems == []
    assert {d.document.id for d in bundled.documents} == {
        "kg-925-2018",
        "qn-2548-2017",
        "kg-tin-quy-che-2018",
        "tin-cchc-2019",
        "tin-cchc-2007",
    }


def test_kg_decision_and_quy_che_are_apart(bundled):
    tree = _doc(bundled, "kg-925-2018").document.tree
    decision, instrument = tree.children
    assert decision.kind == NodeKind.DECISION and instrument.kind == NodeKind.INSTRUMENT
    assert instrument.title == "Quy chế"
    assert [n.label for n in decision.children if n.kind == NodeKind.ARTICLE] == ["1", "2", "3"]
    chapters = [n for n in instrument.children if n.kind == NodeKind.CHAPTER]
    assert [c.label for c in chapters] == ["I", "II", "III"]
    articles = [n.label for c in chapters for n in c.children if n.kind == NodeKind.ARTICLE]
    assert articles == [str(i) for i in range(1, 16)]


def test_kg_citations_unique_and_official(bundled):
    chunks = _doc(bundled, "kg-925-2018").chunks
    citations = [c.citation for c in chunks]
    assert len(citations) == len(set(citations))
    assert (
        "Điều 4 Quy chế ban hành kèm theo Quyết định số 925/QĐ-UBND ngày 17/4/2018 của Chủ tịch UBND tỉnh Kiên Giang"
        in citations
    )
    assert "Điều 3 Quyết định số 925/QĐ-UBND ngày 17/4/2018 của Chủ tịch UBND tỉnh Kiên Giang" in citations


def test_kg_decision_article_3_reads_in_one_piece(bundled):
    chunk = next(c for c in _doc(bundled, "kg-925-2018").chunks if c.id == "kg-925-2018:qd/dieu-3")
    assert (
        "thay thế Quyết định số 1879/QĐ-UBND ngày 01/9/2015 của Chủ tịch Ủy ban nhân dân tỉnh về ban hành "
        "Quy chế phối hợp trong thực hiện nhiệm vụ cải cách hành chính nhà nước trên địa bàn tỉnh Kiên Giang./."
    ) in chunk.text
    assert "H2" not in chunk.text and "Nơi nhận" not in chunk.text


def test_qn_section_ii_has_55_tasks_each_led(bundled):
    loaded = _doc(bundled, "qn-2548-2017")
    section_ii = [t for t in loaded.tasks if t.path[:2] == ["Kế hoạch", "Mục II"]]
    assert len(section_ii) == 55
    assert all(t.lead for t in section_ii)


def _task(loaded, area, letter):
    return next(t for t in loaded.tasks if t.path == ["Kế hoạch", "Mục II", f"Khoản {area}", f"Điểm {letter}"])


def test_qn_task_details(bundled):
    loaded = _doc(bundled, "qn-2548-2017")
    e = _task(loaded, 2, "e")
    assert len(e.sub_parts) == 2
    assert [a.name for a in e.sub_parts[1].lead] == ["Văn phòng Ủy ban nhân dân tỉnh"]
    assert [a.wording for a in _task(loaded, 3, "c").appraiser] == ["Sở Nội vụ"]
    p = _task(loaded, 2, "p")
    assert p.deadline == "Ngày 31/3/2018."
    assert p.period.kind == "date" and p.period.start.isoformat() == "2018-03-31"
    c = _task(loaded, 1, "c")
    assert [a.wording for a in c.lead] == ["Sở Tư pháp"]
    assert c.citation == (
        "Điểm c khoản 1 Mục II Kế hoạch ban hành kèm theo Quyết định số 2548/QĐ-UBND ngày 29/12/2017 "
        "của Chủ tịch UBND tỉnh Quảng Ngãi"
    )


def test_news_2007_keeps_its_six_sections(bundled):
    tree = _doc(bundled, "tin-cchc-2007").document.tree
    areas = [n.label for n in tree.children if n.kind == NodeKind.PLAN_AREA]
    assert areas == ["1", "2", "3", "4", "5", "6"]


def test_no_furniture_in_any_chunk(bundled):
    for chunk in bundled.chunks:
        for junk in ("Tệp đính kèm", "Xem với cỡ chữ", "Bản in", "SỐ LƯỢT TRUY CẬP", "Đang online", "Lượt xem"):
            assert junk not in chunk.text, (chunk.id, junk)
        assert not re.search(r"^\d$", chunk.text, re.MULTILINE), chunk.id


def test_no_line_break_inside_a_sentence(bundled):
    for chunk in bundled.chunks:
        lines = chunk.text.splitlines()
        for prev, nxt in itertools.pairwise(lines):
            cut = nxt[:1].islower() and prev[-1:].isalnum() and not STRUCTURE_MARKER.match(nxt)
            assert not cut, (chunk.id, prev[-40:], nxt[:40])


def test_every_citation_names_the_document_number(bundled):
    for loaded in bundled.documents:
        so_hieu = loaded.document.facts.so_hieu
        for chunk in loaded.chunks:
            if so_hieu:
                assert so_hieu in chunk.citation, chunk.citation
            else:
                assert loaded.document.facts.trich_yeu in chunk.citation


def test_chunk_ids_are_stable_paths(bundled):
    ids = [c.id for c in bundled.chunks]
    assert len(ids) == len(set(ids))
    assert "qn-2548-2017:kt/muc-ii/khoan-2/diem-p" in ids
