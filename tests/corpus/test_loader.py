"""Loading real-format fixtures, bad files, and documents users drop in without facts."""

import shutil

import pytest

from corpus.loader import load_corpus, load_document
from tests.conftest import FIXTURES

DOCS = FIXTURES / "docs"
BAD = FIXTURES / "bad"


def test_docx_task_table_becomes_task_records():
    loaded = load_document(DOCS / "ke-hoach-bang.docx")
    facts = loaded.document.facts
    assert (facts.so_hieu, facts.tinh, facts.ngay_ban_hanh.isoformat()) == ("15/KH-UBND", "Bình Định", "2024-03-05")
    tasks = {t.task: t for t in loaded.tasks}
    review = tasks["Rà soát văn bản quy phạm pháp luật do HĐND, UBND tỉnh ban hành"]
    assert [a.wording for a in review.lead] == ["Sở Tư pháp"]
    assert [a.name for a in review.partners] == ["Các sở, ban, ngành", "Ủy ban nhân dân cấp huyện"]
    assert review.deadline == "Quý II năm 2024" and review.period.kind == "quarter"
    assert review.product == "Báo cáo kết quả rà soát"
    digitise = tasks["Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính"]
    assert [a.name for a in digitise.partners] == ["Sở Thông tin và Truyền thông"]
    assert any("guess" in w or "đoán" in w for w in loaded.document.warnings)


def test_pdf_text_layer_and_page_break():
    loaded = load_document(DOCS / "quyet-dinh.pdf")
    assert loaded.document.facts.so_hieu == "100/QĐ-UBND"
    article_1 = next(c for c in loaded.chunks if c.path[-1] == "Điều 1")
    assert "chủ trì kiểm soát thủ tục hành chính trên địa bàn tỉnh." in article_1.text
    assert article_1.citation.startswith("Điều 1 Quyết định số 100/QĐ-UBND ngày 10/01/2023")


def test_html_main_text_without_navigation():
    loaded = load_document(DOCS / "tin-bai.html")
    text = "\n".join(c.text for c in loaded.chunks)
    assert "cắt giảm tối thiểu 20% thời gian" in text
    for junk in ("Trang chủ", "Giới thiệu", "Liên hệ", "Hội nghị tổng kết năm 2022", "Bản quyền", "Lượt truy cập"):
        assert junk not in text
    assert loaded.document.facts.trich_yeu == "Triển khai Kế hoạch cải cách hành chính năm 2023"


def test_windows_1258_is_converted_with_a_warning():
    loaded = load_document(DOCS / "windows-1258.txt")
    assert "Quyết định về việc ban hành quy chế phối hợp" in loaded.document.text
    assert any("Windows-1258" in w for w in loaded.document.warnings)


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("rong.txt", "rỗng"),
        ("rac.txt", "nhị phân"),
        ("gia-word.docx", "không đúng định dạng Word"),
        ("ghi-chu.rtf", "không được hỗ trợ"),
    ],
)
def test_bad_files_are_reported_by_name_and_reason(name, reason):
    corpus = load_corpus(BAD)
    problem = next(p for p in corpus.problems if p.path.endswith(name))
    assert reason in problem.reason


def test_bad_files_do_not_stop_good_ones(tmp_path):
    for f in [*list(BAD.iterdir()), DOCS / "quyet-dinh.pdf"]:
        shutil.copy(f, tmp_path / f.name)
    corpus = load_corpus(tmp_path)
    assert [d.document.id for d in corpus.documents] == ["quyet-dinh"]
    assert len(corpus.problems) == 4


def test_sidecar_facts_win_over_guesses(tmp_path):
    shutil.copy(DOCS / "quyet-dinh.pdf", tmp_path / "qd.pdf")
    (tmp_path / "qd.yaml").write_text("id: ag-100-2023\ntinh: An Giang\nso_hieu: 100/QĐ-UBND\n", encoding="utf-8")
    loaded = load_corpus(tmp_path).documents[0]
    assert loaded.document.id == "ag-100-2023"
    assert loaded.chunks[0].id.startswith("ag-100-2023:")


def test_duplicate_ids_are_reported(tmp_path):
    for name in ("a.md", "b.md"):
        (tmp_path / name).write_text("---\nid: same\n---\nĐiều 1. Nội dung.\nĐiều 2. Nội dung.\n", encoding="utf-8")
    corpus = load_corpus(tmp_path)
    assert len(corpus.documents) == 1
    assert "trùng" in corpus.problems[0].reason


def test_samples_read_their_header(shared):
    corpus = load_corpus(shared / "samples")
    facts = {d.document.id: d.document.facts for d in corpus.documents}
    expected = {
        "bacninh-78-2025-quy-che-pakn": ("78/2025/QĐ-UBND", "2025-11-21", "Bắc Ninh"),
        "hanoi-308-kh-du-lieu-cds": ("308/KH-UBND", "2025-11-17", "Hà Nội"),
        "daklak-012-ct-ubnd-cai-cach-tthc": ("012/CT-UBND", "2025-11-26", "Đắk Lắk"),
    }
    for doc_id, (so_hieu, date, tinh) in expected.items():
        f = facts[doc_id]
        assert (f.so_hieu, f.ngay_ban_hanh.isoformat(), f.tinh) == (so_hieu, date, tinh)
    warnings = corpus.get("hanoi-308-kh-du-lieu-cds").document.warnings
    assert any("số hiệu" in w for w in warnings)


def test_sample_plan_and_directive_tasks(shared):
    corpus = load_corpus(shared / "samples")
    hanoi = corpus.get("hanoi-308-kh-du-lieu-cds")
    police = next(t for t in hanoi.tasks if "Khoản 3" in t.path)
    assert [a.wording for a in police.lead] == ["Công an Thành phố"]
    assert police.deadline == "Thực hiện thường xuyên."
    daklak = corpus.get("daklak-012-ct-ubnd-cai-cach-tthc")
    led_by_science = [t for t in daklak.tasks if [a.wording for a in t.lead] == ["Sở Khoa học và Công nghệ"]]
    assert len(led_by_science) == 5
    bacninh = corpus.get("bacninh-78-2025-quy-che-pakn")
    home_affairs = [t for t in bacninh.tasks if [a.wording for a in t.lead] == ["Sở Nội vụ"]]
    # Its duties are listed under "Điều 14. Trách nhiệm của Sở Nội vụ".
    assert home_affairs and all(t.path[-1] == "Điều 14" for t in home_affairs)


@pytest.mark.slow
def test_laws_load_with_their_article_counts(shared):
    readme = (shared / "extbench" / "README.md").read_text(encoding="utf-8")
    import re

    counts_text = readme.split("Article counts per law:")[1].split("(Three")[0]
    expected = {m[1]: int(m[2]) for m in re.finditer(r"([a-z-]+) (\d+)", counts_text)}
    # Điều 317 of the penal code is printed with 'Ð' (U+00D0) instead of 'Đ'; it is a real article and loads.
    expected["bo-luat-hinh-su"] += 1
    corpus = load_corpus(shared / "extbench" / "laws")
    assert corpus.problems == []
    counts = {d.document.id: sum(1 for n in d.document.tree.walk() if n.kind == "dieu") for d in corpus.documents}
    assert counts == expected
