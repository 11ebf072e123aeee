"""Replace / repeal / amend / expire clauses read from real documents, and the status they give others."""

import datetime as dt
from pathlib import Path

import pytest

from corpus.loader import load_document
from corpus.models import DocumentFacts
from corpus.relations import document_status, extract_relations, normalize_so_hieu
from eval.bench_relations import main as bench_main
from tests.conftest import FIXTURES


def _rels(loaded):
    return {(r.relation, normalize_so_hieu(r.target_so_hieu)) for r in extract_relations(loaded.document)}


def test_kien_giang_925_replaces_1879(bundled):
    [rel] = extract_relations(bundled.get("kg-925-2018").document)
    assert (rel.relation, rel.scope, rel.target_so_hieu) == ("replaces", "whole", "1879/QĐ-UBND")
    assert rel.target_date == dt.date(2015, 9, 1)
    assert "thay thế Quyết định số 1879/QĐ-UBND" in rel.quote
    assert "Căn cứ" not in rel.quote


@pytest.mark.parametrize("doc_id", ["qn-2548-2017", "kg-tin-quy-che-2018", "tin-cchc-2019", "tin-cchc-2007"])
def test_seeds_without_such_clauses_have_none(bundled, doc_id):
    assert extract_relations(bundled.get(doc_id).document) == []


def test_bac_ninh_sample_repeals_17_2024(shared):
    loaded = load_document(shared / "samples" / "bacninh-78-2025-quy-che-pakn.txt")
    assert _rels(loaded) == {("repeals", "17/2024/QĐ-UBND")}


def test_a_document_described_inside_the_target_is_not_a_target(shared):
    """'… và Quyết định số 14/2022 … về sửa đổi, bổ sung Quyết định số 10/2016': both repealed, nothing amended."""
    loaded = load_document(shared / "realdocs" / "documents" / "020bddd030400bd2.md")
    assert _rels(loaded) == {("repeals", "10/2016/QĐ-UBND"), ("repeals", "14/2022/QĐ-UBND")}


def test_a_list_under_the_verb_gives_one_target_per_item(shared):
    loaded = load_document(shared / "realdocs" / "documents" / "150d48a05ed57aa3.md")
    targets = {t for rel, t in _rels(loaded) if rel == "expires"}
    assert {"9/2019/QĐ-UBND", "6/2020/QĐ-UBND", "76/2024/QĐ-UBND"} <= targets and len(targets) == 8


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        # 'Điều 1. Bãi bỏ toàn bộ các quyết định' heads its numbered clauses
        ("d5e470b7ce8d175f", {("repeals", "43/2017/QĐ-UBND"), ("repeals", "40/2013/QĐ-UBND")}),
        # '… và bãi bỏ danh mục số thứ tự 1646 tại Phụ lục kèm theo Quyết định số 2411/QĐ-UBND'
        ("741f24db1e774799", {("amends", "2411/QĐ-UBND"), ("repeals", "2411/QĐ-UBND")}),
        # 'c) Khoản 2 Điều 3; các khoản 1, 3 Điều 7 … của Nghị định số 135/2020/NĐ-CP' under an expiry list
        ("750314c2c5666d56", {("expires", "135/2020/NĐ-CP"), ("expires", "33/2023/NĐ-CP")}),
        # '…; bãi bỏ điểm b, điểm d … Nghị định số 158/2018/NĐ-CP' after two phrase repeals
        ("e8b69e31579c0186", {("repeals", "158/2018/NĐ-CP")}),
        # '3. Quyết định số 2075/QĐ-BYT … còn hiệu lực một phần … Các nội dung khác còn lại hết hiệu lực'
        ("85dfc8ce7a836e1d", {("expires", "1292/QĐ-BYT"), ("expires", "2075/QĐ-BYT")}),
    ],
)
def test_partial_and_listed_targets(shared, doc, expected):
    loaded = load_document(shared / "realdocs" / "documents" / f"{doc}.md")
    assert expected <= _rels(loaded)


def test_an_article_that_amends_as_follows_keeps_the_title_target(shared):
    """'Điều 1. Sửa đổi, bổ sung điểm a khoản 3 Điều 5 như sau:' amends the Thông tư the title names."""
    loaded = load_document(shared / "realdocs" / "documents" / "9468c93dcae695bb.md")
    assert ("amends", "67/2024/TT-BQP") in _rels(loaded)


def test_the_website_boilerplate_and_preamble_are_not_read(shared):
    """A realdocs file whose site header lists related documents but whose body states no such clause."""
    loaded = load_document(shared / "realdocs" / "documents" / "00e8b0e4daffc2ef.md")
    assert extract_relations(loaded.document) == []


def test_status_names_the_replacing_document(bundled):
    relations = extract_relations(bundled.get("kg-925-2018").document)
    sources = {"kg-925-2018": bundled.get("kg-925-2018").document.facts}
    replaced = load_document(FIXTURES / "relations" / "kg-1879-2015.md").document.facts
    status = document_status(replaced, relations, sources)
    assert not status.in_force
    assert status.label == "bị thay thế bởi Quyết định số 925/QĐ-UBND ngày 17/4/2018 của Chủ tịch UBND tỉnh Kiên Giang"
    assert document_status(sources["kg-925-2018"], relations, sources).label == "còn hiệu lực"


@pytest.mark.parametrize(
    "other",
    [
        {"tinh": "Quảng Ngãi"},  # same number, another province
        {"ngay_ban_hanh": dt.date(2016, 9, 1)},  # same number, another date
    ],
)
def test_status_needs_the_same_document_not_just_the_same_number(bundled, other):
    relations = extract_relations(bundled.get("kg-925-2018").document)
    sources = {"kg-925-2018": bundled.get("kg-925-2018").document.facts}
    facts = DocumentFacts(
        id="x", so_hieu="1879/QĐ-UBND", ngay_ban_hanh=dt.date(2015, 9, 1), tinh="Kiên Giang"
    ).model_copy(update=other)
    assert document_status(facts, relations, sources).in_force


def test_normalised_numbers():
    assert normalize_so_hieu("07/2022/QĐ- UBND") == normalize_so_hieu("7/2022/qđ-UBND")
    assert normalize_so_hieu("076/KH-UBND") == "76/KH-UBND"


def test_gold_precision_and_recall(shared, capsys, tmp_path):
    """eval/relations.jsonl: precision ≥ 0.95 and recall ≥ 0.90 overall; every seed and sample clause found."""
    import json

    out = tmp_path / "rel.json"
    assert bench_main(["--shared", str(shared), "--json", str(out)]) == 0
    result = json.loads(out.read_text())
    assert result["all"]["overall"]["precision"] >= 0.95
    assert result["all"]["overall"]["recall"] >= 0.90
    assert result["seeds_samples"]["overall"]["recall"] == 1.0
    assert result["seeds_samples"]["overall"]["precision"] == 1.0
    assert Path(out).exists()
