"""Citations in the form official letters use.

``Khoản 1 Điều 4 Quy chế ban hành kèm theo Quyết định số 925/QĐ-UBND ngày 17/4/2018 của
Chủ tịch UBND tỉnh Kiên Giang``; for news, the title, the publisher and the date.
"""

from __future__ import annotations

import re

from corpus.facts import official_date
from corpus.kinds import DocumentKind
from corpus.models import DocumentFacts

_LOWER_UNITS = {"khoản", "điểm", "dòng"}
_KNOWN_TYPES = (
    "Quyết định",
    "Kế hoạch",
    "Quy chế",
    "Quy định",
    "Chỉ thị",
    "Nghị quyết",
    "Thông báo",
    "Công văn",
    "Hướng dẫn",
    "Chương trình",
    "Đề án",
    "Điều lệ",
    "Báo cáo",
    "Thông tư",
    "Nghị định",
    "Bộ luật",
    "Luật",
)


def short_issuer(name: str) -> str:
    """'Chủ tịch Ủy ban nhân dân tỉnh Kiên Giang' → 'Chủ tịch UBND tỉnh Kiên Giang'."""
    name = re.sub(r"(?i)ủy ban nhân dân|uỷ ban nhân dân", "UBND", name)
    return re.sub(r"(?i)hội đồng nhân dân", "HĐND", name)


_KIND_WORDS = {DocumentKind.NEWS: "tin", DocumentKind.QA: "bài hỏi đáp", DocumentKind.ENCYCLOPEDIA: "trang bách khoa"}


def document_type(facts: DocumentFacts) -> str | None:
    """The kind of official text: 'Quyết định', 'Kế hoạch' … (read inside 'Tin bài (đăng lại Kế hoạch)').

    For 'Nghị quyết (kèm Quy định)' it is the main text's kind, not the instrument's.
    """
    loai = facts.loai or ""
    inner = loai[loai.find("(") + 1 :] if "(" in loai and facts.is_news else loai.split("(")[0]
    for name in _KNOWN_TYPES:
        if re.search(rf"(?i)\b{name}\b", inner):
            return name
    return None


def numbered_phrase(kind: str, facts: DocumentFacts) -> str:
    """'Quyết định số 925/QĐ-UBND ngày 17/4/2018 của Chủ tịch UBND tỉnh Kiên Giang'."""
    parts = [kind]
    if facts.so_hieu:
        parts.append(f"số {facts.so_hieu}")
    if facts.ngay_ban_hanh:
        parts.append(f"ngày {official_date(facts.ngay_ban_hanh)}")
    if facts.co_quan_ban_hanh:
        parts.append(f"của {short_issuer(facts.co_quan_ban_hanh)}")
    return " ".join(parts)


def document_phrase(facts: DocumentFacts, part: str, instrument: str | None = None) -> str:
    """How the document is named after the unit: 'Quy chế ban hành kèm theo Quyết định số …'."""
    kind = document_type(facts)
    if part == "instrument":
        return f"{instrument or 'Văn bản'} ban hành kèm theo {numbered_phrase(kind or 'Quyết định', facts)}"
    if part == "decision":
        return numbered_phrase(kind or "Quyết định", facts)
    if part == "appendix":
        return f"{instrument or 'Phụ lục'} kèm theo {numbered_phrase(kind or 'Văn bản', facts)}"
    if kind in ("Luật", "Bộ luật") and facts.trich_yeu:
        return f"{facts.trich_yeu} số {facts.so_hieu}" if facts.so_hieu else facts.trich_yeu
    if not facts.is_official and not (facts.is_news and facts.so_hieu):
        phrase = f"{_KIND_WORDS[facts.kind]} “{facts.trich_yeu or facts.id}”"
        if facts.co_quan_ban_hanh:
            phrase += f" của {short_issuer(facts.co_quan_ban_hanh)}"
        if facts.ngay_ban_hanh:
            phrase += f", ngày {official_date(facts.ngay_ban_hanh)}"
        return phrase if facts.is_news else f"{phrase} (không phải văn bản quy định)"
    phrase = numbered_phrase(kind or "Văn bản", facts)
    if facts.is_news:
        phrase += " (tin đăng lại)"
    return phrase


def unit_phrase(units: list[tuple[str, str]]) -> str:
    """[('Mục','II'), ('khoản','1'), ('điểm','c')] → 'Điểm c khoản 1 Mục II' (innermost first)."""
    words = []
    for unit, label in reversed(units):
        word = unit.lower() if unit.lower() in _LOWER_UNITS else unit
        words.append(f"{word} {label}".strip())
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def cite(facts: DocumentFacts, part: str, units: list[tuple[str, str]], instrument: str | None = None) -> str:
    """The full citation of a unit of a document."""
    phrase = document_phrase(facts, part, instrument)
    if not units:
        return phrase[:1].upper() + phrase[1:]
    return f"{unit_phrase(units)} {phrase}"
