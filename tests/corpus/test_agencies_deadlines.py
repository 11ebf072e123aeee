import datetime as dt

import pytest

from corpus.agencies import agency_key, canonical_agency, split_agencies
from corpus.citation import cite
from corpus.deadlines import parse_period
from corpus.facts import official_date
from corpus.models import DocumentFacts


@pytest.mark.parametrize(
    ("text", "names"),
    [
        (
            "Các sở, ban, ngành; UBND cấp huyện, UBND cấp xã.",
            ["Các sở, ban, ngành", "Ủy ban nhân dân cấp huyện", "Ủy ban nhân dân cấp xã"],
        ),
        ("Sở Tư pháp và các cơ quan liên quan.", ["Sở Tư pháp", "Các cơ quan liên quan"]),
        (
            "Sở Thông tin và Truyền thông, Sở Kế hoạch và Đầu tư",
            ["Sở Thông tin và Truyền thông", "Sở Kế hoạch và Đầu tư"],
        ),
        (
            "UBND các huyện: Đức Phổ, Sơn Hà và thành phố Quảng Ngãi",
            ["Ủy ban nhân dân các huyện: Đức Phổ, Sơn Hà và thành phố Quảng Ngãi"],
        ),
        (
            "Văn phòng UBND tỉnh (phối hợp hướng dẫn các huyện Đức Phổ, Sơn Hà), Sở Nội vụ",
            ["Văn phòng Ủy ban nhân dân tỉnh", "Sở Nội vụ"],
        ),
        ("Sở TT&TT; VP UBND tỉnh", ["Sở Thông tin và Truyền thông", "Văn phòng Ủy ban nhân dân tỉnh"]),
        ("Thủ trưởng các sở, ban, ngành; Chủ tịch UBND cấp huyện", ["Các sở, ban, ngành", "Ủy ban nhân dân cấp huyện"]),
    ],
)
def test_split_agencies(text, names):
    assert [a.name for a in split_agencies(text)] == names


def test_generic_agencies_are_flagged_and_wording_kept():
    agencies = split_agencies("Ban Tổ chức Tỉnh ủy và các cơ quan liên quan.")
    assert [(a.wording, a.generic) for a in agencies] == [
        ("Ban Tổ chức Tỉnh ủy", False),
        ("các cơ quan liên quan", True),
    ]


def test_agency_key_unifies_spellings():
    assert agency_key("VP UBND tỉnh") == agency_key("Văn phòng Ủy ban nhân dân tỉnh")
    assert agency_key("Sở TT&TT") == agency_key("Sở Thông tin và Truyền thông")
    assert agency_key("Uỷ ban nhân dân cấp huyện") == agency_key("UBND cấp huyện")
    assert canonical_agency("Sở Nội vụ (thẩm định trình).") == "Sở Nội vụ"


@pytest.mark.parametrize(
    ("text", "kind", "start", "end"),
    [
        ("Ngày 31/3/2018.", "date", "2018-03-31", "2018-03-31"),
        (
            "Hoàn thành việc ban hành kế hoạch trước ngày 31/01/2018; định kỳ hàng năm",
            "date",
            "2018-01-31",
            "2018-01-31",
        ),
        ("Quý I năm 2018 ban hành kế hoạch", "quarter", "2018-01-01", "2018-03-31"),
        ("Trong Quý II/2007 thiết lập", "quarter", "2007-04-01", "2007-06-30"),
        ("Từ Quý III đến IV năm 2018.", "range", "2018-07-01", "2018-12-31"),
        ("Tháng 12 năm 2018.", "month", "2018-12-01", "2018-12-31"),
        ("Đối với cấp huyện tháng 12/2018; đối với cấp tỉnh tháng 01/2019.", "month", "2018-12-01", "2018-12-31"),
        ("Trong năm 2018.", "year", "2018-01-01", "2018-12-31"),
        ("Thường xuyên trong năm.", "thuong_xuyen", "2018-01-01", "2018-12-31"),
    ],
)
def test_parse_period(text, kind, start, end):
    period = parse_period(text, default_year=2018)
    assert (period.kind, period.start.isoformat(), period.end.isoformat()) == (kind, start, end)


def test_unparseable_deadline():
    assert parse_period("Đúng tiến độ đã được cấp có thẩm quyền giao.", 2018) is None
    assert parse_period(None) is None


def test_official_date_padding():
    assert official_date(dt.date(2018, 4, 17)) == "17/4/2018"
    assert official_date(dt.date(2015, 9, 1)) == "01/9/2015"
    assert official_date(dt.date(2016, 2, 4)) == "04/02/2016"


def test_citation_forms():
    facts = DocumentFacts(
        id="x",
        so_hieu="925/QĐ-UBND",
        loai="Quyết định (kèm Quy chế)",
        ngay_ban_hanh=dt.date(2018, 4, 17),
        co_quan_ban_hanh="Chủ tịch Ủy ban nhân dân tỉnh Kiên Giang",
    )
    assert cite(facts, "instrument", [("Điều", "4"), ("khoản", "1")], "Quy chế") == (
        "Khoản 1 Điều 4 Quy chế ban hành kèm theo Quyết định số 925/QĐ-UBND ngày 17/4/2018 "
        "của Chủ tịch UBND tỉnh Kiên Giang"
    )
    news = DocumentFacts(
        id="n", loai="Tin bài", trich_yeu="Tiêu đề", co_quan_ban_hanh="Sở Nội vụ", ngay_ban_hanh=dt.date(2019, 1, 24)
    )
    assert cite(news, "body", [("Đoạn", "2–3")]) == "Đoạn 2–3 tin “Tiêu đề” của Sở Nội vụ, ngày 24/01/2019"
    law = DocumentFacts(id="l", loai="Luật", so_hieu="68/2020/QH14", trich_yeu="Luật Cư trú")
    assert cite(law, "body", [("Điều", "2")]) == "Điều 2 Luật Cư trú số 68/2020/QH14"
