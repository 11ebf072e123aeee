"""Uploads: type and size checks, facts from the caption, a preview parsed as the loader parses, clear refusals."""

import shutil

import pytest

from bot.uploads import caption_facts, check_upload, file_into_corpus, preview_upload, safe_name
from corpus.errors import CorpusError
from tests.conftest import FIXTURES

MB = 1024 * 1024


@pytest.mark.parametrize(
    ("name", "size", "problem"),
    [
        ("qd.docx", 1000, None),
        ("qd.PDF", 1000, None),
        ("qd.rtf", 1000, "Định dạng .rtf chưa được hỗ trợ"),
        ("qd", 1000, "(không có đuôi)"),
        ("qd.docx", 21 * MB, "Tệp quá lớn (21.0 MB); giới hạn là 20 MB"),
        ("qd.txt", 0, "Tệp rỗng"),
    ],
)
def test_check_upload(name, size, problem):
    found = check_upload(name, size, 20 * MB)
    assert (found is None) if problem is None else (problem in found)


def test_caption_facts():
    facts = caption_facts("Số: 12/QĐ-UBND\nNgày: 5/3/2024; Tỉnh: Bắc Ninh\nghi chú không có nhãn")
    assert facts == {"so_hieu": "12/QĐ-UBND", "ngay_ban_hanh": "2024-03-05", "tinh": "Bắc Ninh"}
    assert caption_facts(None) == {} and caption_facts("Ngày: 31/2/2024") == {}


def test_safe_name():
    assert safe_name("../Quyết định 12 (bản ký).DOCX") == "Quyết-định-12-bản-ký.docx"


def test_preview_reads_the_docx_and_the_caption_wins(tmp_path):
    path = tmp_path / "ke-hoach-bang.docx"
    shutil.copyfile(FIXTURES / "docs" / "ke-hoach-bang.docx", path)
    preview = preview_upload(path, {"so_hieu": "15/KH-UBND", "ngay_ban_hanh": "2024-03-06"})
    assert preview.facts.so_hieu == "15/KH-UBND" and str(preview.facts.ngay_ban_hanh) == "2024-03-06"
    assert preview.facts.tinh == "Bình Định" and preview.tasks == 3 and preview.responsibilities >= 5
    corpus = tmp_path / "corpus"
    first = file_into_corpus(preview, corpus)
    second = file_into_corpus(preview, corpus)
    assert [p.name for p in first] == ["ke-hoach-bang.yaml", "ke-hoach-bang.docx"]
    assert second[-1].name == "ke-hoach-bang-2.docx"


@pytest.mark.parametrize(("name", "reason"), [("gia-word.docx", "docx"), ("rong.txt", "")])
def test_a_corrupt_file_is_refused_with_the_loader_reason(tmp_path, name, reason):
    path = tmp_path / name
    shutil.copyfile(FIXTURES / "bad" / name, path)
    with pytest.raises(CorpusError) as exc:
        preview_upload(path, {})
    assert str(exc.value) and reason in str(exc.value).lower()
