"""Judging rules of ../shared/eval/README.md: when a passage answers, when agencies match."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, Field

from corpus.agencies import agency_key, canonical_agency, is_generic
from corpus.normalize import comparable as judge_normalize  # the README's normalisation
from corpus.normalize import fold_accents

DEFAULT_QUESTIONS = Path(__file__).parent / "dev.jsonl"


class GoldQuestion(BaseModel):
    """One line of a gold file."""

    id: str
    question: str
    type: str
    doc: str | None = None
    quotes: list[str] | None = None
    match: str = "any"
    lead: list[str] | None = None
    partners: list[str] | None = None
    deadline: str | None = None
    style: list[str] = Field(default_factory=list, description="how it is asked: situation, informal, abbrev…")


def load_questions(path: Path) -> list[GoldQuestion]:
    """Gold questions, one JSON object per line."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [GoldQuestion.model_validate(json.loads(line)) for line in lines if line.strip()]


def strip_diacritics(text: str) -> str:
    """The question as typed without accents."""
    return fold_accents(text)


def quotes_found(doc_id: str, text: str, gold: GoldQuestion) -> list[str]:
    """Gold quotes contained in a passage of the gold document."""
    if not gold.quotes or doc_id != gold.doc:
        return []
    passage = judge_normalize(text)
    return [q for q in gold.quotes if judge_normalize(q) in passage]


def is_relevant(doc_id: str, text: str, gold: GoldQuestion) -> bool:
    """A passage answers when it belongs to the gold document and contains a quote."""
    return bool(quotes_found(doc_id, text, gold))


def agency_set(names: list[str]) -> set[str]:
    """Agencies compared after the README's normalisation and abbreviation expansion."""
    return {judge_normalize(agency_key(n)) for n in names}


def named_agency_set(names: list[str]) -> set[str]:
    """The agencies a list names, catch-alls ('các sở, ngành có liên quan') left out on either side.

    A catch-all ('… có liên quan', 'các cơ quan, đơn vị') names nobody; whether a labeller copied
    it or a parser kept it must not decide whether the named lead is right. A list of catch-alls
    only is compared as it is.
    """
    named = [n for n in names if not is_generic(canonical_agency(n))]
    return agency_set(named or names)
