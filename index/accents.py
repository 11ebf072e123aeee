"""Restore diacritics of a question typed without them, from the corpus's own vocabulary.

Dense search cannot read 'ai chu tri ke hoach'; restoring 'ai chủ trì kế hoạch' from how the
indexed documents spell each syllable pair lets the question use every retriever again.
"""

from __future__ import annotations

import itertools
import json
import math
import re
import threading
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path

from corpus.normalize import fold_accents

_SYLLABLE = re.compile(r"[^\W\d_]+", re.UNICODE)


class AccentRestorer:
    """Most likely accented spelling of each folded syllable, chosen with syllable-bigram counts."""

    def __init__(self, unigrams: dict[str, dict[str, int]], bigrams: dict[str, int]) -> None:
        self.unigrams = unigrams
        self.bigrams = bigrams

    @classmethod
    def learn(cls, texts: Iterable[str]) -> AccentRestorer:
        """Count accented syllables and syllable pairs in the indexed texts."""
        unigrams: dict[str, Counter[str]] = defaultdict(Counter)
        bigrams: Counter[str] = Counter()
        for text in texts:
            syllables = [s.lower() for s in _SYLLABLE.findall(text)]
            for s in syllables:
                unigrams[fold_accents(s)][s] += 1
            bigrams.update(f"{a} {b}" for a, b in itertools.pairwise(syllables))
        return cls({k: dict(v) for k, v in unigrams.items()}, dict(bigrams))

    def save(self, path: Path) -> None:
        """Write as JSON."""
        path.write_text(json.dumps({"unigrams": self.unigrams, "bigrams": self.bigrams}, ensure_ascii=False))

    @classmethod
    def load(cls, path: Path) -> AccentRestorer:
        """Read the JSON written by ``save``."""
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(data["unigrams"], data["bigrams"])

    def restore(self, text: str) -> str:
        """The text with accents put back where the corpus knows the syllables (Viterbi over pairs)."""
        parts = re.split(r"([^\W\d_]+)", text)
        words = [(i, p) for i, p in enumerate(parts) if i % 2 == 1]
        if not words:
            return text
        candidates: list[list[tuple[str, float]]] = []
        for _, word in words:
            options = self.unigrams.get(fold_accents(word).lower())
            if not options or word.lower() != fold_accents(word).lower():
                candidates.append([(word.lower(), 0.0)])
                continue
            total = sum(options.values())
            candidates.append([(form, math.log(count / total)) for form, count in options.items()])
        best: list[dict[str, tuple[float, str | None]]] = []
        for i, options in enumerate(candidates):
            column: dict[str, tuple[float, str | None]] = {}
            for form, unigram in options:
                if i == 0:
                    column[form] = (unigram, None)
                    continue
                column[form] = max(
                    (score + unigram + 2.0 * math.log1p(self.bigrams.get(f"{prev} {form}", 0)), prev)
                    for prev, (score, _) in best[-1].items()
                )
            best.append(column)
        form = max(best[-1], key=lambda f: best[-1][f][0])
        chosen = [form]
        for i in range(len(best) - 1, 0, -1):
            form = best[i][form][1]  # type: ignore[assignment]
            chosen.append(form)
        chosen.reverse()
        for (idx, original), form in zip(words, chosen, strict=True):
            parts[idx] = (
                form.upper()
                if original.isupper() and len(original) > 1
                else (form[:1].upper() + form[1:] if original[:1].isupper() else form)
            )
        return "".join(parts)


class LazyAccentRestorer:
    """The restorer of an index, read from disk on the first question typed without diacritics.

    Its counts grow with the corpus; most questions carry their accents and never need them, so
    start-up does not pay for reading them.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._restorer: AccentRestorer | None = None
        self._lock = threading.Lock()

    @property
    def loaded(self) -> AccentRestorer:
        """The restorer, read once."""
        if self._restorer is None:
            with self._lock:
                if self._restorer is None:
                    self._restorer = AccentRestorer.load(self.path)
        return self._restorer

    def restore(self, text: str) -> str:
        """See ``AccentRestorer.restore``."""
        return self.loaded.restore(text)

    def __getattr__(self, name: str):
        """Anything else (``unigrams``, ``bigrams``) comes from the loaded restorer."""
        return getattr(self.loaded, name)
