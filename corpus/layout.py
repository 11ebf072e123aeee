"""Raw text → blocks: paragraphs with hard wraps joined, and table rows with their cells.

Documents arrive as web captures and converter output: tables flattened to one cell per run
of lines between ``|`` lines, Markdown emphasis that splits headings over lines, hard wraps
in the middle of sentences. Every block remembers the raw lines it came from, so later
stages can prove that no line of the body was lost.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from corpus.normalize import (
    ANNEX_NOTE,
    COUNTER_MARKER,
    DOCUMENT_TYPE_LINE,
    FOOTER_AFTER_END,
    is_caps,
    is_furniture,
    joins_next,
    normalize_chars,
    wrap_profile,
)

SPLIT = "\x1e"  # a forced paragraph break inside a raw line
JOIN = "\x1f"  # a raw line that continues on the next one (a heading split by emphasis)

_FOOTNOTE = re.compile(r"\((\*{1,3})\)")
_FOOTNOTE_MARK = "\x10"
_GLUED_BOLD = re.compile(r"(?<=[A-ZĐÀ-Ỹ]{2})\*\*\*\*(?=[A-ZĐÀ-Ỹ][a-zđà-ỹ])")
_EMPTY_BOLD = re.compile(r"\*\*\*\*")
# '**Điều 2. **Sở Công Thương …': the bold span is the heading, the rest of the line its body.
_BOLD_ARTICLE = re.compile(r"\*\*((?:Điều|ĐIỀU)\s+\d+\s*[.:]?[^*]*?)\*\*(?P<after>[^\S\n]*)(?=[^\s*|])")
_PARAGRAPH_BREAK = re.compile(r"(\n[^\S\n]*\n)")
_BOLD_MARK = re.compile(r"\*\*")
_NEW_UNIT = re.compile(r"\s*(?:(?:Điều|ĐIỀU|Chương|CHƯƠNG|Mục|MỤC)\s+\d|\d+(?:\.\d+)*[.)]\s|[a-zđ]\)\s|[-+•]\s)")
_MD_HEADING = re.compile(r"^#{1,6}(?:\s+|$)")
_LIST_STAR = re.compile(r"^\*\s+(?=\S)")
_BULLET_BEFORE_LABEL = re.compile(r"^[-*+•]\s+(?=(?:[a-zđ]|\d{1,3})[.)]\s)")
_DECORATION = re.compile(r"^[-=_*~.·•]{3,}$|^[*_\s]+$|^#+$")
_BARE_LABEL = re.compile(
    r"^(?:(?:Điều|ĐIỀU|Chương|CHƯƠNG|Mục|MỤC|Phần|PHẦN)|[IVXLC]+\.|\d+(?:\.\d+)*\.|[a-zđ][.)]|\d+\)|[-+•–])$"
)
_PIPE_LINE = re.compile(r"^\|(?:\s*\|)*$")
_GFM_ROW = re.compile(r"^\|.*\|$")
_GFM_RULE = re.compile(r"^\|?[\s:|-]*-{3,}[\s:|-]*\|?$")
_HEADER_WORDS = re.compile(
    r"(?i)^(?:stt|tt|số\s*tt|số thứ tự|nội dung|nhiệm vụ|công việc|tên|chủ trì|phối hợp|thời gian|thời hạn|tiến độ"
    r"|sản phẩm|kết quả|ghi chú|đơn vị|cơ quan|lĩnh vực|mã|số|địa|trách nhiệm|kinh phí|nguồn|dự kiến|hình thức"
    r"|mục|chỉ tiêu|năm|giai đoạn|ký hiệu|loại|căn cứ|văn bản|thủ tục|mức|đối tượng|phân công|ngày|quý)"
)
MAX_CELL_LINES = 60
_APPENDIX_TITLE = re.compile(r"^(?:PHỤ LỤC|Phụ lục)(?:\s+(?:số\s+)?(?:[IVXLC]+|\d+[a-zđ]?))?\b\s*[.:\-–]?")


@dataclass
class Block:
    """One paragraph or one table row, with the raw line numbers it came from."""

    text: str
    source: list[int] = field(default_factory=list)
    cells: list[str] | None = None
    table: int | None = None
    header: bool = False
    furniture: str | None = None

    @property
    def is_row(self) -> bool:
        """True for a row of a data table."""
        return self.cells is not None


@dataclass
class _Line:
    text: str
    index: int
    join: bool = False


def strip_emphasis(line: str) -> str:
    """Remove Markdown emphasis marks and heading hashes; keep list stars and footnote marks '(*)'."""
    if re.fullmatch(r"[*_\s]*", line):
        return ""  # '* *': emphasis around nothing, not a list bullet
    line = _FOOTNOTE.sub(lambda m: _FOOTNOTE_MARK * len(m.group(1)), line)
    line = _MD_HEADING.sub("", line.strip())
    bullet = bool(_LIST_STAR.match(line))
    line = line.replace("__", "").replace("*", "")
    if bullet:
        line = "- " + line.lstrip()
    line = _BULLET_BEFORE_LABEL.sub("", line)
    return re.sub(f"{_FOOTNOTE_MARK}+", lambda m: "(" + "*" * len(m.group(0)) + ")", line)


def _mark_emphasis(text: str) -> str:
    """Turn emphasis that carries structure into split/join marks, without changing the line count."""
    text = _GLUED_BOLD.sub(SPLIT, text)
    text = _EMPTY_BOLD.sub("", text)
    text = "".join(_join_wrapped_bold(part) for part in _PARAGRAPH_BREAK.split(text))
    return _BOLD_ARTICLE.sub(lambda m: f"**{m.group(1).rstrip()}**{SPLIT}", text)


def _join_wrapped_bold(paragraph: str) -> str:
    """Mark the line ends inside a bold span that wraps over lines: one heading or title.

    Marks pair in order within the paragraph ('**Điều 1.** Công bố … **Điều 2. Hiệu lực' has
    no span from the first closing mark to the next opening one); a span with a table bar in it,
    or a line inside it that opens a new unit ('2. …', 'Điều 3'), is left alone.
    """
    marks = [m.start() for m in _BOLD_MARK.finditer(paragraph)]
    if len(marks) < 2 or "\n" not in paragraph:
        return paragraph
    out, pos = [], 0
    for start, end in zip(marks[0::2], marks[1::2], strict=False):
        span = paragraph[start:end]
        lines = span.split("\n")
        if len(lines) > 1 and "|" not in span and not any(_NEW_UNIT.match(line) for line in lines[1:]):
            out.append(paragraph[pos:start] + span.replace("\n", JOIN + "\n"))
            pos = end
    out.append(paragraph[pos:])
    return "".join(out)


def clean_lines(text: str) -> list[_Line]:
    """Raw lines, character-normalised and without Markdown marks; decoration lines become blank."""
    out: list[_Line] = []
    for index, raw in enumerate(_mark_emphasis(normalize_chars(text, tones=False)).split("\n")):
        join = raw.rstrip(" \t\r").endswith(JOIN)
        line = strip_emphasis(raw.replace(JOIN, ""))
        line = FOOTER_AFTER_END.sub(r"\1", re.sub(r"[^\S\x1e]+", " ", line).strip())
        if _DECORATION.match(line):
            line = ""
        out.append(_Line(line, index, join))
    return out


# --------------------------------------------------------------------------- tables
class _Pipes:
    """Where the '|' lines are, and the runs of lines between them (candidate cells)."""

    def __init__(self, lines: list[_Line]) -> None:
        self.lines = lines
        self.positions: list[int] = []
        for i, line in enumerate(lines):
            if _PIPE_LINE.match(line.text):
                self.positions.extend([i] * line.text.count("|"))
        self._cache: dict[int, list[_Line]] = {}
        self._first = {}
        for k, line in reversed(list(enumerate(self.positions))):
            self._first[line] = k
        self._next_long: list[int] | None = None

    def segment(self, k: int) -> list[_Line]:
        """Lines between pipe ``k`` and pipe ``k + 1`` (to the end of the text after the last pipe)."""
        if k not in self._cache:
            start = self.positions[k] + 1
            end = self.positions[k + 1] if k + 1 < len(self.positions) else len(self.lines)
            self._cache[k] = self.lines[start:end] if start <= end else []
        return self._cache[k]

    def index_of(self, line: int) -> int:
        """The first pipe at a line."""
        return self._first[line]

    def next_long(self, k: int) -> int:
        """The first segment at or after ``k`` that is too long to be a cell (body text between tables)."""
        if self._next_long is None:
            out = [len(self.positions)] * (len(self.positions) + 1)
            for j in range(len(self.positions) - 1, -1, -1):
                out[j] = j if _too_long_for_cell(self.segment(j)) else out[j + 1]
            self._next_long = out
        return self._next_long[k]


def _filled(segment: list[_Line]) -> bool:
    return any(line.text for line in segment)


def _too_long_for_cell(segment: list[_Line]) -> bool:
    texts = [ln.text for ln in segment if ln.text]
    if len(texts) > MAX_CELL_LINES:
        return True
    if texts and _APPENDIX_TITLE.match(texts[0]) and (is_caps(texts[0]) or any(ANNEX_NOTE.match(t) for t in texts)):
        return True  # 'PHỤ LỤC I / DANH MỤC … / (Kèm theo Quyết định …)': a part of its own begins
    return any(
        re.match(r"^(?:Điều|ĐIỀU)\s+\d+\s*[.:]", t) or DOCUMENT_TYPE_LINE.match(t) or t == "QUYẾT ĐỊNH:"
        for t in texts[1:]
    )


def _is_header(cells: list[list[_Line]]) -> bool:
    """A header row: short cells, most of them column names (STT, Nội dung, Chủ trì …)."""
    texts = [" ".join(ln.text for ln in c if ln.text) for c in cells]
    filled = [t for t in texts if t]
    if len(filled) < 2 or any(len(t) > 80 for t in filled):
        return False
    return 2 * sum(bool(_HEADER_WORDS.match(t)) for t in filled) >= len(filled)


def _column_count(pipes: _Pipes, first: int, last: int) -> int:
    """Cells per row: the header row's count, else the most common run of filled segments.

    Without a header, a first run longer than most rows holds cells of a layout table (a
    signature block) or body text before the data table: -1 tells the caller to try again at
    the next pipe. Rows shortened by merged cells make the common run an underestimate, which
    only costs alignment, never text.
    """
    runs: list[list[int]] = []
    current: list[int] = []
    for k in range(first, last):
        if _filled(pipes.segment(k)):
            current.append(k)
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    if not runs:
        return 0
    if _is_header([pipes.segment(k) for k in runs[0]]):
        return len(runs[0])
    lengths = [len(r) for r in runs if len(r) >= 2] or [len(runs[0])]
    common = Counter(lengths).most_common(1)[0][0]
    return -1 if len(runs[0]) > common and len(runs) > 2 else max(len(runs[0]), common)


@dataclass
class _Table:
    rows: list[list[list[_Line]]]
    end: int  # index of the first line after the table
    header_rows: int


def _read_pipe_table(pipes: _Pipes, start_line: int) -> _Table | None:
    """A data table opening at the pipe on ``start_line``, or None for a layout table or no table."""
    first = pipes.index_of(start_line)
    last = min(pipes.next_long(first), first + 2000)
    n = _column_count(pipes, first, min(last, first + 400))
    if n < 2:
        return None
    rows: list[list[list[_Line]]] = []
    k = first
    while k < last:
        if not _filled(pipes.segment(k)):
            if not rows:
                return None
            k += 1  # the gap between a row's closing pipe and the next row's opening pipe
            continue
        width = n
        if k + n < last and _filled(pipes.segment(k + n)):
            short = next((w for w in range(1, n) if not _filled(pipes.segment(k + w))), None)
            width = short or n
        width = min(width, last - k)
        rows.append([pipes.segment(j) for j in range(k, k + width)])
        k += width
        if k < len(pipes.positions) and _filled(pipes.segment(k)):
            break  # content right after a row's closing pipe: the table has ended
    end = pipes.positions[min(k, len(pipes.positions) - 1)] + 1
    full = [r for r in rows if len(r) == n]
    if len(rows) < 2 or len(full) < 2 or (n == 2 and len(full) < 3):
        return None
    return _Table(rows, end, 1 if _is_header(rows[0]) else 0)


def _gfm_table(lines: list[_Line], start: int) -> _Table | None:
    end = start
    while end < len(lines) and _GFM_ROW.match(lines[end].text) and not _PIPE_LINE.match(lines[end].text):
        end += 1
    block = lines[start:end]
    if len(block) < 2:
        return None
    rows: list[list[list[_Line]]] = []
    header_rows = 0
    for line in block:
        if _GFM_RULE.match(line.text):
            header_rows = len(rows)
            continue
        cells = re.split(r"(?<!\\)\|", line.text.strip().strip("|"))
        rows.append([[_Line(part.strip(), line.index) for part in c.split("<br>")] for c in cells])
    if not rows or max(len(r) for r in rows) < 2:
        return None
    return _Table(rows, end, min(header_rows, 1))


# --------------------------------------------------------------------------- paragraphs
def _paragraphs(lines: list[_Line], wrapped: bool, width: float) -> list[Block]:
    """Join hard-wrapped lines into paragraphs; blank lines, forced splits and structure markers break."""
    blocks: list[Block] = []
    last = ""
    gap = 0
    force = False
    for line in lines:
        if not line.text:
            gap += 1
            force = False
            continue
        pieces = [p.strip() for p in line.text.split(SPLIT)]
        for k, piece in enumerate(pieces):
            if not piece:
                continue
            joined = blocks and (
                (force and k == 0)
                or (k == 0 and _BARE_LABEL.match(last) and gap <= 1)
                or (k == 0 and joins_next(last, piece, gap, wrapped, width))
            )
            if joined:
                blocks[-1].text = f"{blocks[-1].text} {piece}"
                if line.index not in blocks[-1].source:
                    blocks[-1].source.append(line.index)
            else:
                blocks.append(Block(piece, [line.index]))
            last = piece if not joined else blocks[-1].text
        force = line.join
        gap = 0
    return blocks


def _cell_text(cell: list[_Line], wrapped: bool, width: float) -> str:
    return " ".join(b.text for b in _paragraphs(cell, wrapped, width))


def _row_block(cells: list[list[_Line]], table: int, header: bool, wrapped: bool, width: float) -> Block:
    texts = [_cell_text(c, wrapped, width) for c in cells]
    source = sorted({ln.index for c in cells for ln in c if ln.text})
    shown = [t for t in texts if t]
    return Block(" | ".join(shown), source, cells=texts, table=table, header=header)


WIDGET = "tiện ích trang web"


def _furniture_blocks(lines: list[_Line], marked: dict[int, str]) -> dict[int, Block]:
    """Lines marked as furniture, grouped into one block per run with the same reason."""
    out: dict[int, Block] = {}
    previous: Block | None = None
    counter = False
    for line in lines:
        reason = marked.get(line.index)
        if reason is None and line.text and is_furniture(line.text) and not _PIPE_LINE.match(line.text):
            reason = WIDGET
        counter = bool(COUNTER_MARKER.match(line.text)) or (counter and bool(re.fullmatch(r"[\d\s.,]*", line.text)))
        if counter and reason is None and line.text:
            reason = WIDGET  # the digits of a visitor counter, one per line
        if reason is None:
            if line.text:
                previous = None
            continue
        if line.text:
            if previous is not None and previous.furniture == reason:
                previous.text = f"{previous.text}\n{line.text}"
                previous.source.append(line.index)
            else:
                previous = out[line.index] = Block(line.text, [line.index], furniture=reason)
        line.text = ""
    return out


def read_blocks(text: str, furniture: dict[int, str] | None = None) -> list[Block]:
    """Paragraphs and table rows in reading order; layout tables (header, signature) read as paragraphs.

    ``furniture`` marks raw lines (by number) that are known furniture, such as a website's
    chrome; they come back as blocks of their own with the reason, never joined to body text.
    Tables are found first, so that whether the prose is hard-wrapped (and how wide) is judged
    on the prose alone, not on short table cells.
    """
    lines = clean_lines(text)
    dropped = _furniture_blocks(lines, furniture or {})
    pipes = _Pipes(lines)
    parts: list[list[_Line] | _Table] = [[]]
    i = 0
    while i < len(lines):
        line = lines[i]
        table = None
        if _PIPE_LINE.match(line.text):
            table = _read_pipe_table(pipes, i)
        elif _GFM_ROW.match(line.text):
            table = _gfm_table(lines, i)
        if table is None:
            prose = parts[-1]
            assert isinstance(prose, list)
            # A cell boundary of a layout table breaks paragraphs like a blank line.
            prose.append(_Line("", line.index) if _PIPE_LINE.match(line.text) else line)
            i += 1
            continue
        parts.extend([table, []])
        i = table.end
    prose_lines = [ln.text for part in parts if isinstance(part, list) for ln in part]
    wrapped, width = wrap_profile(prose_lines)
    blocks: list[Block] = list(dropped.values())
    tables = 0
    for part in parts:
        if isinstance(part, list):
            blocks.extend(_paragraphs(part, wrapped, width))
            continue
        for r, row in enumerate(part.rows):
            blocks.append(_row_block(row, tables, r < part.header_rows, wrapped, width))
        tables += 1
    blocks.sort(key=lambda b: b.source[0] if b.source else -1)
    return [b for b in blocks if b.text.strip()]
