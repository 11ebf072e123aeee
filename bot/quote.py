"""Quote the clause, not the whole article: pick the Khoản, Điểm or sentences that answer.

Within the best chunk every line is a unit (a Khoản, an Điểm, a plan item or a paragraph).
Lines are scored by the idf-weighted share of the question's terms they contain; the best
unit is quoted exactly as written and cited down to its level (Điểm c khoản 1 Điều 6 …).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.models import Quote
from corpus.citation import unit_phrase
from corpus.models import Chunk, NodeKind
from corpus.normalize import comparable

_CLAUSE = re.compile(r"^(\d+)\.\s")
_POINT = re.compile(r"^([a-zđ])\)\s")
_SENTENCE_END = re.compile(r"(?<=[.;!?])\s+(?=[A-ZĐÀ-Ỹ0-9(“\"])")

Scorer = Callable[[str], float]
NEAR_BEST = 0.85
WHOLE_ARTICLE_CHARS = 1500
EVIDENCE_BONUS = 1000.0


def quote_from(chunk: Chunk, text: str, units: list[tuple[str, str]] | None = None) -> Quote:
    """A Quote of some of the chunk's wording, cited at ``units`` (default: the chunk's own)."""
    units = chunk.units if units is None else units
    citation = f"{unit_phrase(units)} {chunk.document}".strip() if units and chunk.document else chunk.citation
    return Quote(
        text=text.strip(),
        citation=citation,
        heading=chunk.heading,
        doc_id=chunk.doc_id,
        chunk_id=chunk.id,
        province=chunk.facts.tinh,
        is_news=chunk.facts.is_news,
        kind=chunk.facts.kind.value,
        so_hieu=chunk.facts.so_hieu,
    )


def _body(chunk: Chunk) -> list[str]:
    """The chunk's lines below its heading line (which may follow its chapter's title)."""
    lines = chunk.text.splitlines()
    at = next((i for i, line in enumerate(lines[:3]) if line == chunk.heading), None)
    return lines[at + 1 :] if at is not None and len(lines) > at + 1 else lines


def whole_unit(chunk: Chunk) -> Quote:
    """The whole chunk below its heading (a plan task with its fields, a short article)."""
    return quote_from(chunk, "\n".join(_body(chunk)) or chunk.text)


def _best_line(lines: list[str], score: Scorer) -> int:
    """The first line whose score is within reach of the best: earlier clauses state the main duty."""
    scores = [score(line) for line in lines]
    top = max(scores)
    return next(i for i, s in enumerate(scores) if s >= NEAR_BEST * top)


def _article_quote(chunk: Chunk, lines: list[str], score: Scorer) -> Quote:
    best = _best_line(lines, score)
    if score(chunk.heading) >= max(score(line) for line in lines) and len(chunk.text) <= WHOLE_ARTICLE_CHARS:
        # The question matches the article's title, not one of its clauses: the whole article answers.
        return quote_from(chunk, "\n".join(lines))
    line = lines[best]
    clause_idx = next((i for i in range(best, -1, -1) if _CLAUSE.match(lines[i])), None)
    units = list(chunk.units)
    in_clause_chunk = bool(units) and units[-1][0] == "khoản"
    if m := _POINT.match(line):
        if clause_idx is not None and not in_clause_chunk:
            units.append(("khoản", _CLAUSE.match(lines[clause_idx]).group(1)))  # type: ignore[union-attr]
        units.append(("điểm", m.group(1)))
        return quote_from(chunk, line, units)
    if (m := _CLAUSE.match(line)) and not in_clause_chunk:
        units.append(("khoản", m.group(1)))
    if _CLAUSE.match(line) or (clause_idx is None and not _POINT.match(line)):
        end = best + 1
        if line.rstrip().endswith(":"):
            while end < len(lines) and not _CLAUSE.match(lines[end]):
                end += 1
        elif _CLAUSE.match(line):
            while end < len(lines) and not _CLAUSE.match(lines[end]) and not _POINT.match(lines[end]):
                end += 1
        return quote_from(chunk, "\n".join(lines[best:end]), units)
    # A paragraph that closes a clause after its points: quote it within that clause.
    if clause_idx is not None and not in_clause_chunk:
        units.append(("khoản", _CLAUSE.match(lines[clause_idx]).group(1)))  # type: ignore[union-attr]
    return quote_from(chunk, line, units)


def _sentences(line: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(line) if s.strip()]


def _paragraph_quote(chunk: Chunk, lines: list[str], score: Scorer) -> Quote:
    candidates: list[tuple[int, str]] = [(i, s) for i, line in enumerate(lines) for s in _sentences(line)]
    scores = [score(s) for _, s in candidates]
    best = max(range(len(candidates)), key=lambda j: (scores[j], -j))
    idx, sentence = candidates[best]
    picked = [sentence]
    if len(sentence.split()) < 12 and best + 1 < len(candidates) and candidates[best + 1][0] == idx:
        picked.append(candidates[best + 1][1])
    units = list(chunk.units)
    if units and units[-1][0] == "Đoạn":
        first = int(re.split(r"[–-]", units[-1][1])[0])
        units[-1] = ("Đoạn", str(first + idx))
    return quote_from(chunk, " ".join(picked), units)


def evidence_quote(chunk: Chunk, evidence: str, score: Scorer) -> Quote:
    """The unit that states a responsibility record, cited at its level, with every line of its sentence.

    The record was read from particular lines; quoting whatever line best matches the question
    could show a neighbouring duty under the record's lead. A sentence a hard wrap split over
    lines is quoted whole.
    """
    stated = comparable(evidence)

    def within(line: str) -> bool:
        text = comparable(line)
        return bool(text) and text in stated

    quote = select_quote(chunk, lambda line: score(line) + (EVIDENCE_BONUS if within(line) else 0.0))
    lines = _body(chunk)
    if quote.text in lines and within(quote.text):
        at = lines.index(quote.text)
        start, end = at, at + 1
        while start > 0 and within(lines[start - 1]) and not lines[start - 1].rstrip().endswith((".", ":")):
            start -= 1
        while end < len(lines) and within(lines[end]) and not lines[end - 1].rstrip().endswith((".", ":")):
            end += 1
        if end - start > 1:
            quote = quote.model_copy(update={"text": "\n".join(lines[start:end])})
    return quote


def select_quote(chunk: Chunk, score: Scorer) -> Quote:
    """The unit of the chunk that best answers, quoted and cited at its level."""
    lines = _body(chunk)
    if not lines:
        return quote_from(chunk, chunk.text)
    if chunk.kind in (NodeKind.TASK, NodeKind.SUBTASK):
        return whole_unit(chunk)
    if chunk.kind in (NodeKind.ARTICLE, NodeKind.CLAUSE):
        return _article_quote(chunk, lines, score)
    if chunk.kind == NodeKind.PARAGRAPH and chunk.units and chunk.units[-1][0] == "Đoạn":
        return _paragraph_quote(chunk, lines, score)
    best = _best_line(lines, score)
    if best == 0 or len(lines) <= 3:
        return quote_from(chunk, "\n".join(lines))
    return quote_from(chunk, lines[best])
