"""Question rewriting from a list kept in the repo: drop greetings, expand shorthand, add the legal wording.

People ask "cho em hỏi bị công ty đuổi việc thì sao ạ"; the law writes "sa thải", "đơn phương chấm dứt
hợp đồng lao động". ``index/data/synonyms.tsv`` maps the first onto the second. Documents already use
the legal wording and the official abbreviations are expanded on both sides by ``index.analysis``, so
this list only rewrites the question.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from pydantic import BaseModel, Field

from corpus.normalize import fold_accents

LEXICON_PATH = Path(__file__).parent / "data" / "synonyms.tsv"
KINDS = ("filler", "abbrev", "colloquial")
_WORD = re.compile(r"[^\W_]+")
_MAX_WORDS = 6


class LexiconEntry(BaseModel):
    """One line of the list."""

    kind: str
    phrase: str
    expansions: list[str] = Field(default_factory=list)


class RewrittenQuestion(BaseModel):
    """The question without fillers and with shorthand spelled out, plus the legal wording it implies."""

    text: str
    expansions: list[str] = Field(default_factory=list)
    changed: bool = False


def _key(words: list[str], folded: bool) -> tuple[str, ...]:
    return tuple(fold_accents(w).lower() if folded else w.lower() for w in words)


class QueryLexicon:
    """Fillers, shorthand and colloquial phrases, matched on whole words, longest first.

    With accents a phrase matches as written. Without accents only phrases that cannot be read two
    ways are tried: shorthand, and phrases of two or more syllables ('cuoi' may be 'cưới' or 'cuối').
    """

    def __init__(self, entries: list[LexiconEntry]) -> None:
        self.entries = entries
        self._accented: dict[tuple[str, ...], LexiconEntry] = {}
        self._folded: dict[tuple[str, ...], LexiconEntry] = {}
        for entry in entries:
            words = _WORD.findall(entry.phrase)
            if not words or len(words) > _MAX_WORDS:
                raise ValueError(f"phrase must have 1-{_MAX_WORDS} words: {entry.phrase!r}")
            self._accented.setdefault(_key(words, False), entry)
            if entry.kind == "abbrev" or len(words) > 1:
                self._folded.setdefault(_key(words, True), entry)

    @classmethod
    def load(cls, path: Path = LEXICON_PATH) -> QueryLexicon:
        """Read the tab-separated list (``kind``, ``phrase``, ``expansions`` separated by ';')."""
        entries = []
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.split("\t")
            if parts[0] not in KINDS or len(parts) < 2 or (parts[0] != "filler" and len(parts) < 3):
                raise ValueError(
                    f"{path.name}:{number}: expected 'kind<TAB>phrase[<TAB>expansions]' with kind in {KINDS}"
                )
            expansions = [e.strip() for e in parts[2].split(";") if e.strip()] if len(parts) > 2 else []
            entries.append(LexiconEntry(kind=parts[0], phrase=parts[1].strip(), expansions=expansions))
        return cls(entries)

    @classmethod
    @functools.cache
    def default(cls) -> QueryLexicon:
        """The list shipped in the repo, read once."""
        return cls.load()

    @classmethod
    def empty(cls) -> QueryLexicon:
        """A lexicon that changes nothing (for measuring what the list is worth)."""
        return cls([])

    def rewrite(self, text: str, accented: bool) -> RewrittenQuestion:
        """Fillers removed, shorthand replaced in place, colloquial phrases kept with their legal wording."""
        if not self.entries:
            return RewrittenQuestion(text=text)
        table = self._accented if accented else self._folded
        spans = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
        out: list[str] = []
        expansions: list[str] = []
        cursor = 0
        i = 0
        changed = False
        while i < len(spans):
            match = None
            for n in range(min(_MAX_WORDS, len(spans) - i), 0, -1):
                entry = table.get(_key([s[2] for s in spans[i : i + n]], not accented))
                if entry is not None:
                    match = (n, entry)
                    break
            if match is None:
                i += 1
                continue
            n, entry = match
            start, end = spans[i][0], spans[i + n - 1][1]
            if entry.kind == "filler":
                out.append(text[cursor:start])
                cursor = end
                changed = True
            elif entry.kind == "abbrev":
                out.append(text[cursor:start] + entry.expansions[0])
                cursor = end
                changed = True
            else:
                expansions.extend(entry.expansions)
            i += n
        out.append(text[cursor:])
        cleaned = re.sub(r"\s+([,.?!;:])", r"\1", re.sub(r"\s+", " ", "".join(out))).strip(" ,.;:")
        if not _WORD.search(cleaned):
            cleaned = text
        present = fold_accents(cleaned).lower()
        new = [e for e in dict.fromkeys(expansions) if fold_accents(e).lower() not in present]
        return RewrittenQuestion(text=cleaned, expansions=new, changed=changed or bool(new))
