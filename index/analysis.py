"""Text analysis for search: word tokens, an accent-folded field, and abbreviation expansion.

Vietnamese users often type without diacritics, so every text gets a second, folded field
(syllables and syllable bigrams without accents) that matches "chu tri" to "chủ trì".
Abbreviations are expanded on both the document and the question side.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata

from corpus.normalize import fold_accents, normalize_inline

ABBREVIATIONS: dict[str, str] = {
    "CCHC": "cải cách hành chính",
    "TTHC": "thủ tục hành chính",
    "UBND": "ủy ban nhân dân",
    "HĐND": "hội đồng nhân dân",
    "VBQPPL": "văn bản quy phạm pháp luật",
    "QPPL": "quy phạm pháp luật",
    "CNTT": "công nghệ thông tin",
    "TT&TT": "thông tin và truyền thông",
    "TTTT": "thông tin và truyền thông",
    "KH&ĐT": "kế hoạch và đầu tư",
    "KHĐT": "kế hoạch và đầu tư",
    "KH&CN": "khoa học và công nghệ",
    "KHCN": "khoa học và công nghệ",
    "TN&MT": "tài nguyên và môi trường",
    "TNMT": "tài nguyên và môi trường",
    "CBCCVC": "cán bộ công chức viên chức",
    "CBCC": "cán bộ công chức",
    "PAKN": "phản ánh kiến nghị",
    "DVC": "dịch vụ công",
    "DVCTT": "dịch vụ công trực tuyến",
    "CSDL": "cơ sở dữ liệu",
    "CĐS": "chuyển đổi số",
    "NSNN": "ngân sách nhà nước",
    "BNV": "bộ nội vụ",
    "SNV": "sở nội vụ",
    "VP": "văn phòng",
    "VPUB": "văn phòng ủy ban nhân dân",
    "QĐ": "quyết định",
    "KH": "kế hoạch",
    "CT": "chỉ thị",
}
ANALYSIS_VERSION = "2"
# Not inside document numbers such as 925/QĐ-UBND, which must stay one token on both sides.
_ABBREV = re.compile(
    r"(?<![\w&/-])(" + "|".join(re.escape(a) for a in sorted(ABBREVIATIONS, key=len, reverse=True)) + r")(?![\w&/-])",
    re.IGNORECASE,
)
_UPPER_ONLY = {"VP", "QĐ", "KH", "CT"}
QUESTION_WORDS = {"ai", "gì", "nào", "đâu", "mấy", "nhiêu", "giờ", "hả", "vậy", "sao", "bao_giờ", "bao_nhiêu"}
_FOLDED_QUESTION_WORDS = {fold_accents(w) for w in QUESTION_WORDS}
_TOKEN = re.compile(r"[^\W_]+(?:[&/.-][^\W_]+)*")


def expand_abbreviations(text: str) -> str:
    """Keep each abbreviation and add its expansion: 'CCHC' → 'CCHC cải cách hành chính'."""

    def repl(m: re.Match[str]) -> str:
        word = m.group(1)
        key = word.upper().replace("Đ", "Đ")
        if key in _UPPER_ONLY and word != key:
            return word
        expansion = ABBREVIATIONS.get(key) or ABBREVIATIONS.get(word.upper())
        return f"{word} {expansion}" if expansion else word

    return _ABBREV.sub(repl, text)


def has_diacritics(text: str) -> bool:
    """True when a text carries Vietnamese accents (or đ), i.e. was not typed accent-less."""
    return any(
        ch in "đĐ" or (ch.isalpha() and any(unicodedata.combining(c) for c in unicodedata.normalize("NFD", ch)))
        for ch in text
    )


@functools.lru_cache(maxsize=8192)
def _segment(text: str) -> tuple[str, ...]:
    from underthesea import word_tokenize

    return tuple(word_tokenize(text))


def word_tokens(text: str, drop_question_words: bool = False) -> list[str]:
    """Underthesea word tokens of the normalised, expanded text, lower-cased ('chủ_trì')."""
    expanded = expand_abbreviations(normalize_inline(text))
    out = []
    for token in _segment(expanded):
        low = token.lower().replace(" ", "_")
        if not any(c.isalnum() for c in low) or (drop_question_words and low in QUESTION_WORDS):
            continue
        out.append(low)
    return out


def folded_tokens(text: str, drop_question_words: bool = False) -> list[str]:
    """Accent-folded syllables plus syllable bigrams: 'chu', 'tri', 'chu_tri'."""
    expanded = expand_abbreviations(normalize_inline(text))
    syllables = _TOKEN.findall(fold_accents(expanded).lower())
    bigrams = [f"{a}_{b}" for a, b in itertools.pairwise(syllables)]
    if drop_question_words:
        syllables = [s for s in syllables if s not in _FOLDED_QUESTION_WORDS]
    return syllables + bigrams


# Function words that carry no topic; ignored when judging whether a passage covers a question.
FUNCTION_WORDS = {
    fold_accents(w)
    for w in [
        "được",
        "bằng",
        "là",
        "của",
        "có",
        "những",
        "các",
        "và",
        "với",
        "cho",
        "về",
        "theo",
        "trong",
        "thì",
        "mà",
        "này",
        "đó",
        "nào",
        "gì",
        "ai",
        "bao",
        "nhiêu",
        "mấy",
        "khi",
        "đâu",
        "sao",
        "phải",
        "cần",
        "hay",
        "hoặc",
        "không",
        "đã",
        "sẽ",
        "đang",
        "bị",
        "do",
        "tại",
        "từ",
        "đến",
        "để",
        "nên",
        "vì",
        "như",
        "ra",
        "vào",
        "lên",
        "trên",
        "dưới",
        "một",
        "mỗi",
        "hãy",
        "xin",
        "cho",
        "biết",
        "thế",
        "vậy",
        "ạ",
        "nhé",
        "ở",
    ]
}
