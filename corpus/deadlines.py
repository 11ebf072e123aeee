"""Deadlines as plans write them ('Quý I năm 2018', 'trước ngày 31/01/2018') turned into periods."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable

from corpus.models import Period, PeriodKind

_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_Q = r"(IV|I{1,3}|[1-4])"


def _quarter(year: int, q: int) -> tuple[dt.date, dt.date]:
    start_month = 3 * (q - 1) + 1
    end_month = start_month + 2
    return dt.date(year, start_month, 1), dt.date(year, end_month, calendar.monthrange(year, end_month)[1])


def _month(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def _date(m: re.Match[str], _: int | None) -> Period:
    day = dt.date(int(m[3]), int(m[2]), int(m[1]))
    return Period(kind=PeriodKind.DATE, start=day, end=day)


def _quarter_range(m: re.Match[str], _: int | None) -> Period:
    year = int(m[3])
    return Period(kind=PeriodKind.RANGE, start=_quarter(year, _ROMAN[m[1]])[0], end=_quarter(year, _ROMAN[m[2]])[1])


def _quarter_year(m: re.Match[str], default_year: int | None) -> Period:
    year = int(m[2]) if m[2] else default_year
    if year is None:
        return Period(kind=PeriodKind.QUARTER)
    start, end = _quarter(year, _ROMAN[m[1]])
    return Period(kind=PeriodKind.QUARTER, start=start, end=end)


def _month_year(m: re.Match[str], default_year: int | None) -> Period:
    year = int(m[2]) if m[2] else default_year
    month = int(m[1])
    if year is None or not 1 <= month <= 12:
        return Period(kind=PeriodKind.MONTH)
    start, end = _month(year, month)
    return Period(kind=PeriodKind.MONTH, start=start, end=end)


def _year(m: re.Match[str], _: int | None) -> Period:
    year = int(m[1])
    return Period(kind=PeriodKind.YEAR, start=dt.date(year, 1, 1), end=dt.date(year, 12, 31))


def _recurring(_: re.Match[str], default_year: int | None) -> Period:
    if default_year is None:
        return Period(kind=PeriodKind.RECURRING)
    return Period(kind=PeriodKind.RECURRING, start=dt.date(default_year, 1, 1), end=dt.date(default_year, 12, 31))


_PATTERNS: list[tuple[re.Pattern[str], Callable[[re.Match[str], int | None], Period]]] = [
    (re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})"), _date),
    (re.compile(rf"(?i)từ\s+quý\s+{_Q}\s+đến\s+(?:quý\s+)?{_Q}(?:\s+năm\s+|/)(\d{{4}})"), _quarter_range),
    (re.compile(rf"(?i)quý\s+{_Q}\b(?:\s*(?:năm\s+|/)(\d{{4}}))?"), _quarter_year),
    (re.compile(r"(?i)tháng\s+(\d{1,2})(?:\s*(?:năm\s+|/)(\d{4}))?"), _month_year),
    (re.compile(r"(?i)năm\s+(\d{4})"), _year),
    (re.compile(r"(?i)thường xuyên|hằng năm|hàng năm|định kỳ"), _recurring),
]


# 'Nghị định số 118/2025/NĐ-CP ngày 09 tháng 6 năm 2025': the date a cited document was issued, not a deadline.
_CITED_DATE = re.compile(
    r"(?:\d+/[^\s,;]+|(?:Nghị định|Quyết định|Thông tư|Chỉ thị|Nghị quyết|Kế hoạch|Công văn|Luật|Thông báo)"
    r"[^,;.]{0,40}?)\s+(?:ban hành\s+)?ngày\s*$"
)


def _first_match(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    for m in pattern.finditer(text):
        if not _CITED_DATE.search(text[max(0, m.start() - 80) : m.start()]):
            return m
    return None


def _earliest(text: str, default_year: int | None) -> tuple[re.Match[str], Period] | None:
    best: tuple[int, int, re.Match[str], Period] | None = None
    for priority, (pattern, build) in enumerate(_PATTERNS):
        m = _first_match(pattern, text)
        if not m:
            continue
        try:
            period = build(m, default_year)
        except ValueError:
            continue
        if best is None or (m.start(), priority) < best[:2]:
            best = (m.start(), priority, m, period)
    return (best[2], best[3]) if best else None


_LABELLED = re.compile(
    r"(?i)\b(?:thời hạn|thời gian (?:thực hiện|hoàn thành)|hạn hoàn thành|tiến độ(?: thực hiện)?)\s*:\s*"
    r"(?P<when>[^.;\n]{3,120})"
)
_STATED = re.compile(
    r"(?i)(?:\bhoàn thành\s+|\bxong\s+)?\b(?:trước|chậm nhất(?: là)?(?: trước)?|không (?:muộn|chậm) hơn"
    r"|hạn chót(?: là)?|(?<=hoàn thành )trong)\s+(?:ngày|tháng|quý|năm|\d)[^,;.()\n]{0,80}"
    r"|\btrong\s+(?:tháng|quý|năm)\s+(?:\d{1,4}|IV|I{1,3})\b(?:\s*/\s*\d{4}|\s+năm\s+\d{4})?"
    r"|(?i:\bthời hạn\s+)?\b(?:chậm nhất|trong (?:thời hạn|vòng))\s+\d+\s+(?:ngày|tháng)(?: làm việc)?"
    r"(?:\s+kể từ[^,;.()\n]{0,60})?"
)
_CLAUSE_END = re.compile(r"(?<!tiếp)\s+(?:để|nhằm|gửi|về|cho|tại|theo|đối với|và (?:báo cáo|gửi|tổ chức))\b.*$")
_RECURRENCE_TAIL = re.compile(r"^(?:\s+và các năm tiếp theo|\s+(?:hằng|hàng) (?:năm|quý|tháng)|\s+của năm)")


def deadline_phrase(text: str | None) -> str | None:
    """The words that state when a task is due, as the document writes them.

    A labelled 'Thời hạn: …' first, then a stated limit ('trước ngày 20/6 của năm', 'chậm nhất
    05 ngày làm việc kể từ …'), then the first period named ('Trong Quý II/2007 thiết lập …' →
    'Trong Quý II/2007'), never the issue date of a document the sentence cites.
    """
    if not text:
        return None
    if m := _LABELLED.search(text):
        return m["when"].strip(" ,:")
    if m := _first_match(_STATED, text):
        return _CLAUSE_END.sub("", m.group(0)).strip(" ,:")
    found = _earliest(text, None)
    if not found:
        return None
    m = found[0]
    tail = _RECURRENCE_TAIL.match(text[m.end() :])
    return m.group(0) + (tail.group(0) if tail else "")


def parse_period(text: str | None, default_year: int | None = None) -> Period | None:
    """The first period a deadline states, or None for 'Đúng tiến độ …'-style wording."""
    found = _earliest(text, default_year) if text else None
    return found[1] if found else None


def overlaps(period: Period, start: dt.date, end: dt.date) -> bool:
    """True when a task's period falls inside or across [start, end]."""
    if period.start is None or period.end is None:
        return False
    return period.start <= end and period.end >= start
