"""Restore diacritics of a question typed without them, from the corpus's own vocabulary.

Dense search cannot read 'ai chu tri ke hoach'; restoring 'ai chủ trì kế hoạch' from how the
indexed documents spell each syllable pair lets the question use every retriever again.
"""

from __future__ import annotations

import functools
import itertools
import json
import logging
import math
import re
import threading
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path

from corpus.normalize import fold_accents

log = logging.getLogger(__name__)
_SYLLABLE = re.compile(r"[^\W\d_]+", re.UNICODE)
GENERAL_WEIGHT = 0.5  # share of everyday usage in a lower-case syllable's spelling odds; the corpus has the rest
DICTIONARY_PAIR = 3  # a two-syllable dictionary word counts as three sightings of its pair
BIGRAM_WEIGHT = 2.0


class GeneralLexicon:
    """How everyday Vietnamese spells syllables the regulations rarely use.

    A corpus of decisions and laws never writes 'muốn', 'rồi' or 'bao nhiêu', so a question typed
    as 'em muon hoi ... roi' came back as 'mượn ... rối'. wordfreq's Vietnamese frequencies
    (subtitles, web, social media) give each syllable's everyday odds, and underthesea's Viet74K
    dictionary gives the syllable pairs that make words.
    """

    def __init__(self, unigrams: dict[str, dict[str, float]], pairs: set[str]) -> None:
        self.unigrams = unigrams
        self.pairs = pairs

    @classmethod
    @functools.cache
    def default(cls) -> GeneralLexicon:
        """Read once per process; without wordfreq's data, the corpus counts and the dictionary alone."""
        unigrams: dict[str, dict[str, float]] = defaultdict(dict)
        pairs: set[str] = set()
        try:
            import wordfreq

            for word, freq in wordfreq.get_frequency_dict("vi").items():
                if _SYLLABLE.fullmatch(word):
                    unigrams[fold_accents(word).lower()][word.lower()] = freq
        except (ImportError, OSError, LookupError) as exc:
            log.warning("no everyday syllable frequencies (%s): restoring accents from the corpus only", exc)
        from underthesea.corpus import viet_dict_74K

        for entry in viet_dict_74K.words:
            pairs.update(f"{a} {b}" for a, b in itertools.pairwise(entry.lower().split()))
        return cls(dict(unigrams), pairs)


class AccentRestorer:
    """Most likely accented spelling of each folded syllable, chosen with syllable-bigram counts."""

    def __init__(
        self, unigrams: dict[str, dict[str, int]], bigrams: dict[str, int], general: GeneralLexicon | None = None
    ) -> None:
        self.unigrams = unigrams
        self.bigrams = bigrams
        self._general = general

    @property
    def general(self) -> GeneralLexicon:
        """The everyday lexicon, read on the first restoration (building an index never needs it)."""
        if self._general is None:
            self._general = GeneralLexicon.default()
        return self._general

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
        candidates = [self._spellings(word) for _, word in words]
        best: list[dict[str, tuple[float, str | None]]] = []
        for i, options in enumerate(candidates):
            column: dict[str, tuple[float, str | None]] = {}
            for form, unigram in options:
                if i == 0:
                    column[form] = (unigram, None)
                    continue
                column[form] = max(
                    (score + unigram + BIGRAM_WEIGHT * math.log1p(self._pair_count(prev, form)), prev)
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

    def _spellings(self, word: str) -> list[tuple[str, float]]:
        """Accented forms of a folded syllable with their log odds; the word itself when it has accents.

        A capitalised syllable is most likely a name ('Kien Giang'): the corpus alone spells it.
        """
        key = fold_accents(word).lower()
        if word.lower() != key:
            return [(word.lower(), 0.0)]
        corpus = self.unigrams.get(key) or {}
        general = {} if corpus and word[:1].isupper() else self.general.unigrams.get(key) or {}
        sources = ((1 - GENERAL_WEIGHT, corpus), (GENERAL_WEIGHT, general))
        shares = [(w, d, sum(d.values())) for w, d in sources if d and w]
        if not shares:
            return [(word.lower(), 0.0)]
        weight = sum(w for w, _, _ in shares)
        forms = {form for _, d, _ in shares for form in d}
        return [(form, math.log(sum(w * d.get(form, 0) / t for w, d, t in shares) / weight)) for form in forms]

    def _pair_count(self, first: str, second: str) -> float:
        pair = f"{first} {second}"
        return self.bigrams.get(pair, 0) + (DICTIONARY_PAIR if pair in self.general.pairs else 0)


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
