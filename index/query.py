"""Understand a search question: normalise it, detect missing diacritics, and read filters from it."""

from __future__ import annotations

import re

from pydantic import BaseModel, Field

from corpus.normalize import fold_accents, normalize_inline
from corpus.provinces import find_provinces
from index.accents import AccentRestorer
from index.analysis import folded_tokens, has_diacritics, word_tokens
from index.models import Filters

_DOC_NUMBER = re.compile(
    r"(?:\b(?:quyet dinh|ke hoach|chi thi|quy che|quy dinh|van ban|cong van|nghi quyet|qd|kh|ct|so)\s+(?:so\s+)?"
    r"(\d{1,5})(?!\d|/\d{1,2}/)\b)|(?:\b(\d{1,5})\s*/\s*(?:\d{4}\s*/\s*)?(?:qd|kh|ct|nq|cv|tb|bc|tt|nd)\b)"
)
_NEWS_MENTION = re.compile(r"\b(?:tin bai|ban tin|bai viet|bai bao|trang tin)\b")


class QueryAnalysis(BaseModel):
    """A question as the search sees it."""

    text: str
    accented: bool
    restored: str | None = None
    words: list[str]
    folded: list[str]
    provinces: list[str] = Field(default_factory=list)
    doc_numbers: list[str] = Field(default_factory=list)
    news: bool = False


def analyse_query(question: str, restorer: AccentRestorer | None = None) -> QueryAnalysis:
    """Normalise the question as documents are normalised and pull out what can filter.

    A question typed without diacritics gets them restored from the corpus vocabulary; the
    restored text feeds the word field and dense search, the folded field keeps the original.
    """
    text = normalize_inline(question)
    accented = has_diacritics(text)
    restored = restorer.restore(text) if restorer is not None and not accented else None
    folded = fold_accents(text).lower()
    numbers = []
    for m in _DOC_NUMBER.finditer(folded):
        number = (m.group(1) or m.group(2)).lstrip("0") or "0"
        if number not in numbers and not (len(number) == 4 and number.startswith(("19", "20"))):
            numbers.append(number)
    return QueryAnalysis(
        text=text,
        accented=accented,
        restored=restored,
        words=word_tokens(restored or text, drop_question_words=True),
        folded=folded_tokens(text, drop_question_words=True),
        provinces=find_provinces(text),
        doc_numbers=numbers,
        news=bool(_NEWS_MENTION.search(folded)),
    )


def filters_from_query(analysis: QueryAnalysis) -> Filters:
    """Province, document-number and 'tin bài' mentions become filters (applied only where they match)."""
    return Filters(
        provinces=analysis.provinces,
        so_hieu_prefixes=analysis.doc_numbers,
        doc_types=["Tin bài"] if analysis.news else [],
    )
