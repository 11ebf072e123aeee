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


def _earliest(text: str, default_year: int | None) -> tuple[re.Match[str], Period] | None:
    best: tuple[int, int, re.Match[str], Period] | None = None
    for priority, (pattern, build) in enumerate(_PATTERNS):
        m = pattern.search(text)
        if not m:
            continue
        try:
            period = build(m, default_year)
        except ValueError:
            continue
        if best is None or (m.start(), priority) < best[:2]:
            best = (m.start(), priority, m, period)
    return (best[2], best[3]) if best else None


def deadline_phrase(text: str | None) -> str | None:
    """The words that state a time in a sentence ('Trong Quý II/2007 thiết lập …' → 'Quý II/2007')."""
    found = _earliest(text, None) if text else None
    return found[0].group(0) if found else None


def parse_period(text: str | None, default_year: int | None = None) -> Period | None:
    """The first period a deadline states, or None for 'Đúng tiến độ …'-style wording."""
    found = _earliest(text, default_year) if text else None
    return found[1] if found else None


def overlaps(period: Period, start: dt.date, end: dt.date) -> bool:
    """True when a task's period falls inside or across [start, end]."""
    if period.start is None or period.end is None:
        return False
    return period.start <= end and period.end >= start
