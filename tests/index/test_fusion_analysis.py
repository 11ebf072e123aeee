import pytest

from index.accents import AccentRestorer
from index.analysis import expand_abbreviations, folded_tokens, has_diacritics, word_tokens
from index.fusion import fuse_rrf
from index.query import analyse_query


def test_rrf_sums_reciprocal_ranks():
    fused = fuse_rrf({"a": [1, 2, 3], "b": [3, 1]}, k=60)
    assert fused[1] == pytest.approx(1 / 61 + 1 / 62)
    assert fused[3] == pytest.approx(1 / 63 + 1 / 61)
    assert max(fused, key=fused.get) == 1


def test_rrf_weights_and_zero_weight():
    fused = fuse_rrf({"good": [5, 6], "bad": [6, 5]}, weights={"good": 1.0, "bad": 0.0})
    assert sorted(fused, key=fused.get, reverse=True) == [5, 6]
    with pytest.raises(ValueError, match="k must be positive"):
        fuse_rrf({"a": [1]}, k=0)
    with pytest.raises(ValueError, match="weight"):
        fuse_rrf({"a": [1]}, weights={"a": -1})


def test_folded_field_matches_without_accents():
    assert set(folded_tokens("Cơ quan chủ trì")) == set(folded_tokens("co quan chu tri"))
    assert "chu_tri" in folded_tokens("chủ trì")


def test_abbreviations_expand_on_both_sides():
    assert expand_abbreviations("Kế hoạch CCHC") == "Kế hoạch CCHC cải cách hành chính"
    assert "cải_cách" in word_tokens("CCHC") and "cải_cách" in word_tokens("cải cách hành chính")
    assert expand_abbreviations("Sở TT&TT") == "Sở TT&TT thông tin và truyền thông"


@pytest.mark.parametrize(
    ("text", "accented"), [("ai chu tri", False), ("Ai chủ trì", True), ("Đ", True), ("UBND", False)]
)
def test_diacritics_detection(text, accented):
    assert has_diacritics(text) is accented


def test_accent_restoration_from_corpus_vocabulary():
    restorer = AccentRestorer.learn(["Sở Tư pháp chủ trì xây dựng kế hoạch.", "Cơ quan chủ trì thực hiện"] * 3)
    assert restorer.restore("ai chu tri xay dung ke hoach?") == "ai chủ trì xây dựng kế hoạch?"
    assert restorer.restore("So Tu phap") == "Sở Tư pháp"
    assert restorer.restore("đã có dấu") == "đã có dấu"


def test_query_filters_from_question():
    analysis = analyse_query("Quyết định 925/QĐ-UBND của tỉnh Kiên Giang năm 2018 thay thế quyết định nào?")
    assert analysis.provinces == ["Kiên Giang"] and analysis.doc_numbers == ["925"]
    assert analyse_query("ke hoach cchc nam 2018 o quang ngai").provinces == ["Quảng Ngãi"]
    assert analyse_query("Theo tin bài, quy chế có mấy chương").news
