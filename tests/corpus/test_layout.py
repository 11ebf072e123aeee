"""Blocks read from published layouts: bold headings wrapped over lines stay one heading."""

from corpus.layout import read_blocks


def _texts(raw: str) -> list[str]:
    return [b.text for b in read_blocks(raw, {})]


def test_a_bold_article_title_wrapped_over_two_lines_is_one_heading():
    """From a Quy chế in realdocs (d71b3a48efad6d2c): the agency's name must stay in the title."""
    raw = (
        "**Điều 21. Trách nhiệm của Sở\n"
        "Tài chính**\n\n"
        "Chủ trì, phối hợp với Sở Tư pháp xây dựng dự toán\n"
        "kinh phí; trình cơ quan có thẩm quyền phê duyệt kinh phí.\n"
    )
    assert _texts(raw) == [
        "Điều 21. Trách nhiệm của Sở Tài chính",
        "Chủ trì, phối hợp với Sở Tư pháp xây dựng dự toán kinh phí; trình cơ quan có thẩm quyền phê duyệt kinh phí.",
    ]


def test_bold_spans_on_separate_lines_stay_apart():
    raw = "**Điều 20. Trách nhiệm của Công an thành phố**\n\nPhối hợp thực hiện.\n\n**Điều 22. Hiệu lực**\n"
    assert _texts(raw) == ["Điều 20. Trách nhiệm của Công an thành phố", "Phối hợp thực hiện.", "Điều 22. Hiệu lực"]


def test_bold_marks_pair_in_order():
    """From 85dfc8ce7a836e1d: the closing mark of 'Điều 1.' and the opening mark of 'Điều 2' are not a span."""
    raw = (
        "**Điều 1.** Công bố kèm theo Quyết định này 14 thủ tục hành chính được sửa\n"
        "đổi, bổ sung trong lĩnh vực Thiết bị y tế.\n"
        "**Điều 2. Hiệu lực\n"
        "thi hành**\n"
        "1. Quyết định này có hiệu lực thi hành kể\n"
        "từ ngày 24 tháng 11 năm 2025.\n"
    )
    texts = _texts(raw)
    assert "Điều 2. Hiệu lực thi hành" in texts
    assert texts[:2] == [
        "Điều 1.",
        "Công bố kèm theo Quyết định này 14 thủ tục hành chính được sửa đổi, bổ sung trong lĩnh vực Thiết bị y tế.",
    ]
