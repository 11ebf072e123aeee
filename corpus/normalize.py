"""One normalisation for documents and questions alike, so that both sides of a match agree.

Documents arrive as web captures, PDF conversions and hard-wrapped table dumps. This
module removes what is not text (page furniture, Markdown marks, table bars) and
rejoins sentences that a converter cut, without ever dropping a line of body text.
"""

from __future__ import annotations

import functools
import itertools
import re
import statistics
import unicodedata

NORMALIZATION_VERSION = "1"

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = dict.fromkeys(map(ord, "\u00a0\u2007\u202f\u2009\u200a\u3000\t"), " ")
# Icelandic Ð (U+00D0) and Croatian Đ lookalikes typed for Vietnamese Đ.
_LOOKALIKES = str.maketrans({"\u00d0": "Đ", "\u0189": "Đ", "\u00f0": "đ"})
_WORD = re.compile(r"[^\W\d_]+")

# Lines that start a new unit of an administrative document.
STRUCTURE_MARKER = re.compile(
    r"^(?:"
    r"(?:Điều|ĐIỀU)\s+\d+|(?:Chương|CHƯƠNG|Mục|MỤC)\s+[IVXLC\d]+\b|(?:Phần|PHẦN)\s+(?:thứ\s+\w+|THỨ\s+\w+|[IVXLC\d]+\b)"
    r"|[IVXLC]+[.)]\s|\d+(?:\.\d+)*[.)]\s|[a-zđ][.)]\s|[-+•*–]\s|\(\d+\)\s"
    r")"
)
_PARAGRAPH_STARTERS = re.compile(r"^(?:Căn cứ|Xét đề nghị|Theo đề nghị|Nơi nhận|QUYẾT ĐỊNH|CHỈ THỊ|CHỦ TỊCH|TM\.|KT\.)")
DOCUMENT_TYPE_LINE = re.compile(
    r"^(?:QUYẾT ĐỊNH|KẾ HOẠCH|QUY CHẾ|QUY ĐỊNH|CHỈ THỊ|NGHỊ QUYẾT(?: LIÊN TỊCH)?|THÔNG BÁO(?: KẾT LUẬN)?"
    r"|CÔNG VĂN|HƯỚNG DẪN|CHƯƠNG TRÌNH|ĐỀ ÁN|ĐỀ CƯƠNG|ĐIỀU LỆ|BÁO CÁO|THÔNG TƯ(?: LIÊN TỊCH)?|NGHỊ ĐỊNH"
    r"|LUẬT|BỘ LUẬT|PHÁP LỆNH|LỆNH|KẾT LUẬN|TỜ TRÌNH|QUY TRÌNH|VĂN BẢN HỢP NHẤT|CÔNG ĐIỆN)\s*:?$"
)

_WIDGETS = {
    "bản in",
    "in",
    "in bài",
    "in trang",
    "quay lại",
    "trở về",
    "đọc bài viết",
    "chia sẻ",
    "gửi email",
    "email",
    "facebook",
    "zalo",
    "a+ a a-",
    "a+",
    "a-",
    "a",
    "aa",
    "lưu",
    "về đầu trang",
}
_FURNITURE = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"^xem với cỡ chữ.*$",
        r"^lượt xem\s*:?\s*[\d.,]*$",
        r"^đang (?:online|truy cập)\s*:?\s*[\d.,]*$",
        r"^ipv6 ready$",
        r"^xem theo ngày\s*:?.*$",
        r"^(?:các )?tin (?:đã đưa|khác|liên quan|cùng chuyên mục)\s*:?$",
        r"^tệp đính kèm\b.*$",
        r"^(?:file|tài liệu) đính kèm\s*:.*$",
        r"^[-=_*]{3,}$",
        r"^\|[\s|]*$",
        r"^\|?\s*:?-{3,}.*$",
    )
]
COUNTER_MARKER = re.compile(r"^(?:số )?lượt truy cập\b.*$|^thống kê truy cập\b.*$", re.IGNORECASE)
FOOTER_AFTER_END = re.compile(r"(\./\.)\s+[A-Z0-9]{1,3}$")
_MD_HEADING = re.compile(r"^#{1,6}\s+")
_MD_BULLET_BEFORE_LABEL = re.compile(r"^[-*+]\s+(?=(?:[a-zđ]|\d+)[.)]\s)")
_MD_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1|(?<![\w*])\*(?!\s)([^*\n]+?)(?<!\s)\*(?![\w*])")
_HEADING_MARKER = re.compile(r"^(?:Điều\s+\d+|Chương|Mục|Phần|ĐIỀU\s+\d+|CHƯƠNG|MỤC|PHẦN)\b")
# A line cannot end on these words: 'Lai Châu, ngày' / '19 tháng 11 năm 2025', 'Quyết định số' / '12/QĐ-UBND'.
_DANGLING = re.compile(r"(?:^|\s)(?:ngày|tháng|năm|số|của|và|theo|tại|về|với|cho|các|những|trên|được|là)$")
_TERMINAL = re.compile(r"(?:[.!?:]|\./\.)[\"”’)]*$")


@functools.lru_cache(maxsize=65536)
def _tone_word(word: str) -> str:
    from underthesea import text_normalize  # imported on first use: it loads a deep-learning stack

    return text_normalize(word)


def normalize_chars(text: str, tones: bool = True) -> str:
    """NFC, plain spaces, no invisible characters; with ``tones``, one tone-mark placement (hoà → hòa).

    Document text keeps its own tone placement (``tones=False``) so that quotes stay exact;
    search analysis unifies it on both sides.
    """
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE).translate(_SPACES).translate(_LOOKALIKES)
    return _WORD.sub(lambda m: _tone_word(m.group(0)), text) if tones else text


def _strip_emphasis(line: str) -> str:
    for _ in range(2):
        line = _MD_EMPHASIS.sub(lambda m: m.group(2) or m.group(3) or "", line)
    return line


def strip_markdown(line: str) -> str:
    """Drop heading hashes, emphasis marks and list bullets placed before a clause label."""
    line = _strip_emphasis(_MD_HEADING.sub("", line)).replace("**", "")
    return _MD_BULLET_BEFORE_LABEL.sub("", line)


def _strip_table_bars(line: str) -> str:
    if "|" not in line or not line.lstrip().startswith("|"):
        return line
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    return "; ".join(c for c in cells if c)


def _is_widget_line(line: str) -> bool:
    parts = [p.strip().lower() for p in line.split("|")]
    return (len(parts) > 1 and all(p in _WIDGETS or not p for p in parts)) or line.lower() in {
        "bản in",
        "quay lại",
        "đọc bài viết",
    }


def is_furniture(line: str) -> bool:
    """True for page furniture and web boilerplate: widgets, counters, attachment lines."""
    return _is_widget_line(line) or any(p.match(line) for p in _FURNITURE) or bool(COUNTER_MARKER.match(line))


def _clean_lines(text: str) -> list[str]:
    """Lines without furniture; removed lines become blanks so they still separate paragraphs."""
    out: list[str] = []
    in_counter = False
    for raw in text.splitlines():
        line = strip_markdown(raw.strip())
        line = re.sub(r"\s+", " ", line).strip()
        line = FOOTER_AFTER_END.sub(r"\1", line)
        if COUNTER_MARKER.match(line):
            in_counter = True
            out.append("")
            continue
        if in_counter and (not line or re.fullmatch(r"[\d\s.,]+", line)):
            out.append("")
            continue
        in_counter = False
        if line and is_furniture(line):
            out.append("")
            continue
        out.append(_strip_table_bars(line))
    return out


# '(Kèm theo Quyết định số …)': the note under an appendix's or attached instrument's title.
ANNEX_NOTE = re.compile(
    r"^\(\s*(?:Ban hành |Được ban hành )?kèm theo\b|^(?:Ban hành |Được ban hành )?kèm theo\b.{0,160}\bsố\b",
    re.IGNORECASE,
)


def is_caps(line: str) -> bool:
    """True when every letter is upper case (headings, issuers, signature roles)."""
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _starts_lower(line: str) -> bool:
    return bool(line) and line[0].isalpha() and line[0].islower()


def _ends_mid_sentence(line: str) -> bool:
    return bool(line) and (line[-1].isalnum() or line[-1] in ",-–(/&")


def wrap_profile(lines: list[str]) -> tuple[bool, float]:
    """A hard-wrapped capture has many lines cut mid-sentence; return that and its line width."""
    nonblank = [ln for ln in lines if ln]
    cut = [a for a, b in itertools.pairwise(lines) if _ends_mid_sentence(a) and _starts_lower(b)]
    if len(nonblank) < 10 or len(cut) < 5 or len(cut) / len(nonblank) < 0.15:
        return False, 0.0
    return True, statistics.median(len(a) for a in cut)


def joins_next(prev: str, nxt: str, gap: int, wrapped: bool, width: float) -> bool:
    """Whether line ``nxt`` continues the sentence of ``prev`` (``gap`` blank lines between them)."""
    if not prev or not nxt or _TERMINAL.search(prev):
        return False
    if STRUCTURE_MARKER.match(nxt) or _PARAGRAPH_STARTERS.match(nxt):
        return False
    if _starts_lower(nxt):
        return gap <= 4 and (_ends_mid_sentence(prev) or (prev.endswith(";") and wrapped))
    if gap <= 1 and _DANGLING.search(prev):
        return True
    if gap or DOCUMENT_TYPE_LINE.match(prev):
        return False
    if is_caps(prev) and is_caps(nxt) and not STRUCTURE_MARKER.match(prev):
        return True
    if not wrapped:
        return False
    if _HEADING_MARKER.match(prev) and not prev.endswith(","):
        return False
    if is_caps(prev) != is_caps(nxt):
        return False
    if prev.endswith(";"):
        return len(prev) >= 0.6 * width
    return _ends_mid_sentence(prev)


def unwrap_lines(lines: list[str]) -> list[str]:
    """Rejoin sentences cut by hard wraps and page breaks; blank lines separate paragraphs."""
    wrapped, width = wrap_profile(lines)
    paragraphs: list[str] = []
    last_line = ""
    gap = 0
    for line in lines:
        if not line:
            gap += 1
            continue
        if paragraphs and joins_next(last_line, line, gap, wrapped, width):
            paragraphs[-1] = f"{paragraphs[-1]} {line}"
        else:
            paragraphs.append(line)
        last_line = line
        gap = 0
    return paragraphs


def normalize_text(text: str) -> str:
    """Normalise a document or a question: characters, Markdown, furniture and hard wraps.

    The result has one paragraph (or structural unit) per line.
    """
    lines = _clean_lines(normalize_chars(text))
    return "\n".join(_strip_emphasis(p) for p in unwrap_lines(lines))


@functools.lru_cache(maxsize=65536)
def normalize_inline(text: str) -> str:
    """Normalise a short string (a name, a question) onto one line."""
    return re.sub(r"\s+", " ", normalize_text(text)).strip()


def fold_accents(text: str) -> str:
    """Remove Vietnamese diacritics ("chủ trì" → "chu tri") for accent-insensitive matching."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def comparable(text: str) -> str:
    """NFC, lower case, every run of non-letters/digits one space, trimmed: how quotes meet passages.

    The judging rule of ../shared/eval/README.md, also used to find a record's lines in a chunk.
    """
    text = unicodedata.normalize("NFC", text).lower()
    return re.sub(r"[^\w]+|_+", " ", text).strip()
