"""Understand a search question: normalise it, detect missing diacritics, and read filters from it."""

from __future__ import annotations

import re

from pydantic import BaseModel, Field

from corpus.normalize import fold_accents, normalize_inline
from corpus.provinces import find_provinces
from index.accents import AccentRestorer
from index.analysis import folded_tokens, has_diacritics, word_tokens
from index.models import Filters
from index.synonyms import QueryLexicon

_DOC_NUMBER = re.compile(
    r"(?:\b(?P<kind>quyet dinh|ke hoach|chi thi|quy che|quy dinh|van ban|cong van|nghi quyet|qd|kh|ct|so)\s+"
    r"(?:so\s+)?(\d{1,5})(?!\d|/\d{1,2}/)\b(?:\s*/\s*(?:\d{4}\s*/\s*)?(?P<code1>[a-z]{2,6})\b)?)"
    r"|(?:\b(\d{1,5})\s*/\s*(?:\d{4}\s*/\s*)?(?P<code2>qd|kh|ct|nq|cv|tb|bc|tt|nd)\b)"
)
# The code a document type prints in its number: 'Chỉ thị 32' is 32/CT-…, never 32/2025/TT-….
_TYPE_CODES = {"quyet dinh": "qd", "ke hoach": "kh", "chi thi": "ct", "cong van": "cv", "nghi quyet": "nq"}
# 'Kế hoạch … được ban hành bằng quyết định nào?': the answer is the decision, not the plan.
_ISSUED_BY = re.compile(
    r"\b(?:ban hanh|phe duyet)\s+(?:bang|theo|tai|kem theo)\s+(?:quyet dinh|van ban)\s+(?:nao|so may|gi)\b"
    r"|\b(?:quyet dinh|van ban)\s+nao\s+(?:ban hanh|phe duyet)\b"
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
    doc_refs: list[str] = Field(default_factory=list, description="'32/ct': a number with its type code, if named")
    asks_issuer: bool = False
    news: bool = False
    rewritten: str = Field(default="", description="without greetings, shorthand spelled out (and restored)")
    expansions: list[str] = Field(default_factory=list, description="legal wording of colloquial phrases")
    rewritten_words: list[str] = Field(default_factory=list)
    rewritten_folded: list[str] = Field(default_factory=list)
    expansion_words: list[str] = Field(default_factory=list)
    expansion_folded: list[str] = Field(default_factory=list)

    @property
    def dense_text(self) -> str:
        """What the learned ranker embeds: the rewritten question followed by the legal wording."""
        base = self.rewritten or self.restored or self.text
        return f"{base} ({'; '.join(self.expansions)})" if self.expansions else base


def analyse_query(
    question: str, restorer: AccentRestorer | None = None, lexicon: QueryLexicon | None = None
) -> QueryAnalysis:
    """Normalise the question as documents are normalised and pull out what can filter.

    A question typed without diacritics gets them restored from the corpus vocabulary; the
    restored text feeds the word field and dense search, the folded field keeps the original.
    The ``rewritten`` fields (fillers dropped, shorthand and colloquial wording expanded by
    ``lexicon``, the repo's list by default) feed the learned ranker; the plain fields keep
    the single retrievers and the RRF fusion as they were.
    """
    text = normalize_inline(question)
    accented = has_diacritics(text)
    restored = restorer.restore(text) if restorer is not None and not accented else None
    folded = fold_accents(text).lower()
    numbers: list[str] = []
    refs: list[str] = []
    for m in _DOC_NUMBER.finditer(folded):
        number = (m.group(2) or m.group(4)).lstrip("0") or "0"
        if number in numbers or (len(number) == 4 and number.startswith(("19", "20"))):
            continue
        numbers.append(number)
        code = m["code1"] or m["code2"] or _TYPE_CODES.get(m["kind"] or "") or ""
        refs.append(f"{number}/{code}" if code else number)
    words = word_tokens(restored or text, drop_question_words=True)
    folded_toks = folded_tokens(text, drop_question_words=True)
    rewrite = (lexicon or QueryLexicon.default()).rewrite(text, accented)
    if rewrite.text != text:
        rewritten = restorer.restore(rewrite.text) if restorer is not None and not accented else rewrite.text
        rewritten_words = word_tokens(rewritten, drop_question_words=True)
        rewritten_folded = folded_tokens(rewrite.text, drop_question_words=True)
    else:
        rewritten, rewritten_words, rewritten_folded = restored or text, words, folded_toks
    extra = " ; ".join(rewrite.expansions)
    return QueryAnalysis(
        text=text,
        accented=accented,
        restored=restored,
        words=words,
        folded=folded_toks,
        provinces=find_provinces(text),
        doc_numbers=numbers,
        doc_refs=refs,
        asks_issuer=bool(_ISSUED_BY.search(" ".join(folded.split()))),
        news=bool(_NEWS_MENTION.search(folded)),
        rewritten=rewritten,
        expansions=rewrite.expansions,
        rewritten_words=rewritten_words,
        rewritten_folded=rewritten_folded,
        expansion_words=word_tokens(extra) if extra else [],
        expansion_folded=folded_tokens(extra) if extra else [],
    )


def filters_from_query(analysis: QueryAnalysis) -> Filters:
    """Province, document-number and 'tin bài' mentions become filters (applied only where they match)."""
    return Filters(
        provinces=analysis.provinces,
        so_hieu_prefixes=analysis.doc_refs,
        doc_types=["Tin bài"] if analysis.news else [],
    )
