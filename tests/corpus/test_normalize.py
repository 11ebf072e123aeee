import unicodedata

import pytest

from corpus.normalize import fold_accents, normalize_inline, normalize_text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("hoà bình", "hòa bình"),
        ("Thuỷ lợi", "Thủy lợi"),
        (unicodedata.normalize("NFD", "Sở Nội vụ chủ trì"), "Sở Nội vụ chủ trì"),
        ("Sở\u00a0Tư ph\u200báp\ufeff", "Sở Tư pháp"),
        ("**Điều 4.** Cơ quan *chủ trì*", "Điều 4. Cơ quan chủ trì"),
        ("#### **Điều 5. Trách nhiệm của Sở Nội vụ**", "Điều 5. Trách nhiệm của Sở Nội vụ"),
        ("Ðiều 317. Tội vi phạm", "Điều 317. Tội vi phạm"),
    ],
)
def test_characters_and_markdown(raw, expected):
    assert normalize_inline(raw) == expected


def test_output_is_nfc():
    text = normalize_text(unicodedata.normalize("NFD", "Quyết định số 925/QĐ-UBND"))
    assert text == unicodedata.normalize("NFC", text)


def test_table_bars_and_separator_lines_go():
    text = normalize_text("ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NGÃI\n-------\n|\nSố: 2548/QĐ-UBND\n|")
    assert text.splitlines() == ["ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI", "Số: 2548/QĐ-UBND"]


def test_markdown_table_row_keeps_cells_apart():
    assert normalize_inline("| Sở Tư pháp | Quý I năm 2018 |") == "Sở Tư pháp; Quý I năm 2018"


def test_hard_wrapped_plan_lines_rejoin():
    raw = (
        "c) Trên cơ sở kế hoạch trọng tâm của Bộ Tư pháp,\n"
        "xây dựng, tham mưu ban hành và tổ chức thực hiện kế hoạch theo dõi thi hành\n"
        "pháp luật hàng năm của tỉnh.\n"
        "- Cơ quan chủ trì thực hiện: Các sở, ban, ngành;\n"
        "UBND cấp huyện, UBND cấp xã.\n"
        "- Cơ quan phối hợp: Sở Tư pháp và các cơ quan liên\n"
        "quan.\n"
    ) * 3
    lines = normalize_text(raw).splitlines()
    assert lines[0] == (
        "c) Trên cơ sở kế hoạch trọng tâm của Bộ Tư pháp, xây dựng, tham mưu ban hành và tổ chức "
        "thực hiện kế hoạch theo dõi thi hành pháp luật hàng năm của tỉnh."
    )
    assert lines[1] == "- Cơ quan chủ trì thực hiện: Các sở, ban, ngành; UBND cấp huyện, UBND cấp xã."
    assert lines[2] == "- Cơ quan phối hợp: Sở Tư pháp và các cơ quan liên quan."


def test_page_break_inside_a_sentence_rejoins():
    raw = "thay thế Quyết định số 1879/QĐ-UBND ngày 01/9/2015 của Chủ tịch về ban\n\n\n\nhành Quy chế./. H2\n"
    assert (
        normalize_text(raw) == "thay thế Quyết định số 1879/QĐ-UBND ngày 01/9/2015 của Chủ tịch về ban hành Quy chế./."
    )


def test_headings_and_paragraphs_are_not_joined():
    raw = "Điều 1. Phạm vi điều chỉnh\nLuật này quy định về cư trú.\n\nChương II\nQUYỀN CỦA CÔNG DÂN"
    assert normalize_text(raw).splitlines() == [
        "Điều 1. Phạm vi điều chỉnh",
        "Luật này quy định về cư trú.",
        "Chương II",
        "QUYỀN CỦA CÔNG DÂN",
    ]


def test_web_furniture_goes_and_body_stays():
    raw = (
        "Xem với cỡ chữAA\n\nBản in | Quay lại | A+ A A- | Đọc bài viết\n\n"
        "Sở Nội vụ ban hành kế hoạch in ấn tài liệu và lượt xem xét hồ sơ.\n\n"
        "Lượt xem:  676\n\nTin đã đưa\nXem theo ngày :\n"
        "Tệp đính kèm ; 925_QD-UBND Quy chế phối hợp CCHC.pdf\n"
        "SỐ LƯỢT TRUY CẬP\n9\n8\n4\n Đang online: 92\nipv6 ready\n"
    )
    assert normalize_text(raw) == "Sở Nội vụ ban hành kế hoạch in ấn tài liệu và lượt xem xét hồ sơ."


def test_question_normalisation_matches_documents():
    assert normalize_inline("  ai   chủ trì\tviệc  hoà giải?  ") == "ai chủ trì việc hòa giải?"


def test_fold_accents():
    assert fold_accents("Sở Tư pháp chủ trì, Đắk Lắk") == "So Tu phap chu tri, Dak Lak"
