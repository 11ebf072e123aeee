"""Accent restoration of questions typed without diacritics, learned from a real law's text."""

from pathlib import Path

import pytest

from index.accents import AccentRestorer, GeneralLexicon

CIVIL_CODE = Path(__file__).resolve().parents[2].parent / "shared" / "extbench" / "laws" / "bo-luat-dan-su.md"


@pytest.fixture(scope="module")
def civil_code() -> AccentRestorer:
    if not CIVIL_CODE.exists():
        pytest.skip("../shared/extbench is not beside the repository")
    return AccentRestorer.learn([CIVIL_CODE.read_text(encoding="utf-8")])


def test_everyday_words_the_law_rarely_writes(civil_code: AccentRestorer) -> None:
    corpus_only = AccentRestorer(civil_code.unigrams, civil_code.bigrams, GeneralLexicon({}, set()))
    # The Civil Code writes 'mượn' (hợp đồng mượn tài sản) far more often than 'muốn'.
    assert corpus_only.restore("em muon hoi ve thua ke").startswith("em mượn")
    assert civil_code.restore("em muon hoi ve thua ke").startswith("em muốn")
    assert "thừa kế" in civil_code.restore("em muon hoi ve thua ke")


def test_legal_terms_still_come_from_the_corpus(civil_code: AccentRestorer) -> None:
    assert civil_code.restore("dieu kien lap di chuc") == "điều kiện lập di chúc"


def test_names_are_spelled_by_the_corpus() -> None:
    text = "Ủy ban nhân dân tỉnh Kiên Giang ban hành quy chế. Tỉnh Kiên Giang giao Sở Nội vụ chủ trì."
    restorer = AccentRestorer.learn([text] * 3)
    assert restorer.restore("tinh Kien Giang") == "tỉnh Kiên Giang"


def test_accented_words_are_kept(civil_code: AccentRestorer) -> None:
    assert civil_code.restore("đã có dấu") == "đã có dấu"
