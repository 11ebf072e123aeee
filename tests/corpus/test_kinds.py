"""Document kinds: official texts, news items, Q&A articles and encyclopaedia pages, read from the text."""

from pathlib import Path

import pytest

from corpus.kinds import DocumentKind
from corpus.loader import load_document

KINDS = Path(__file__).parents[1] / "fixtures" / "kinds"


@pytest.mark.parametrize(
    ("folder", "name", "kind"),
    [
        ("seeds", "tin-ke-hoach-cchc-2007.txt", DocumentKind.NEWS),
        ("seeds", "tin-trien-khai-ke-hoach-cchc-2019.txt", DocumentKind.NEWS),
        ("samples", "daklak-012-ct-ubnd-cai-cach-tthc.txt", DocumentKind.OFFICIAL),
        # An official plan whose duties include 'Trả lời phản ánh, kiến nghị': not a Q&A article.
        ("realdocs/documents", "a161f65b93293a7b.md", DocumentKind.OFFICIAL),
    ],
)
def test_shared_documents_keep_their_kind(shared, folder, name, kind):
    assert load_document(shared / folder / name).document.facts.kind == kind


def test_every_realdocs_document_is_official(shared):
    documents = sorted((shared / "realdocs" / "documents").iterdir())[:60]
    assert {load_document(p).document.facts.kind for p in documents} == {DocumentKind.OFFICIAL}


def test_a_qa_article_is_labelled_and_assigns_no_task():
    loaded = load_document(KINDS / "hoi-dap-mot-cua.txt")
    facts = loaded.document.facts
    assert facts.kind == DocumentKind.QA and not facts.is_official
    assert facts.trich_yeu == "Thời hạn giải quyết hồ sơ tại Bộ phận Một cửa cấp xã"
    assert loaded.tasks == []
    citation = loaded.chunks[0].citation
    assert "bài hỏi đáp" in citation and "không phải văn bản quy định" in citation
    assert "Nghị định số 118/2025/NĐ-CP" in "\n".join(c.text for c in loaded.chunks)


def test_an_encyclopaedia_page_is_labelled():
    loaded = load_document(KINDS / "bach-khoa-cai-cach-hanh-chinh.txt")
    assert loaded.document.facts.kind == DocumentKind.ENCYCLOPEDIA
    assert "trang bách khoa" in loaded.chunks[0].citation
