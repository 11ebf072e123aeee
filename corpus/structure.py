"""Parse a document's body blocks into the tree Vietnamese administrative documents use.

A document is a main text followed by parts printed after it: instruments issued "kèm theo"
a decision (Quy chế, Quy định, Kế hoạch…), appendices (Phụ lục, Danh mục…) and their tables.
Each part is parsed on its own. Regulations nest Phần / Chương / Mục / Điều / Khoản / Điểm;
plans and directives nest Roman sections, numbered areas, lettered tasks and '-'/'+' items,
with labelled fields inside a task. Table rows hang under a table node. Every body block ends
up in exactly one node, which keeps the block's source lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from corpus.layout import Block
from corpus.models import DocumentFacts, Node, NodeKind
from corpus.normalize import ANNEX_NOTE, DOCUMENT_TYPE_LINE, is_caps
from corpus.tables import row_label

_ARTICLE = re.compile(r"^(?:Điều|ĐIỀU)\s+(\d+)\s*[.:]?\s*(.*)$")
_CHAPTER = re.compile(r"^(?:Chương|CHƯƠNG)\s+([IVXLC]+|\d+)\b[.:]?\s*(.*)$")
_SECTION = re.compile(r"^(?:Mục|MỤC)\s+([IVXLC]+|\d+)\b[.:]?\s*(.*)$")
_PART = re.compile(r"^(?:Phần|PHẦN)\s+(thứ\s+\S+|THỨ\s+\S+|[IVXLC]+|\d+)\s*[.:]?\s*(.{0,150})$")
_CLAUSE = re.compile(r"^(\d{1,3})\.\s+(.*)$")
_POINT = re.compile(r"^([a-zđ])\)\s+(.*)$")
_ANNEX_NOTE = ANNEX_NOTE
_DECISION_START = re.compile(r"^(?:QUYẾT ĐỊNH|CHỈ THỊ|NGHỊ QUYẾT|QUYẾT NGHỊ|QUY ĐỊNH)\s*:\s*$")
_APPENDIX = re.compile(r"^(?:PHỤ LỤC|Phụ lục)(?:\s+(?:số\s+)?([IVXLC]+|\d+[a-zđ]?))?\b\s*[.:\-–]?\s*(.*)$")
_CATALOGUE = re.compile(r"^(?:DANH MỤC|DANH SÁCH|BIỂU MẪU|MẪU|BẢNG|QUY TRÌNH|THỦ TỤC HÀNH CHÍNH|NỘI DUNG)\b")

# Outline markers of plans and directives, from the outermost kind.
_OUTLINE = [
    ("roman", re.compile(r"^([IVXLC]+)[.)]\s+(.*)$")),
    ("dotnum", re.compile(r"^(\d{1,2}(?:\.\d{1,2})+)\.?\s+(.*)$")),
    ("num", re.compile(r"^(\d{1,3})[.)]\s+(.*)$")),
    ("letter", re.compile(r"^([a-zđ])[.)]\s+(.*)$")),
    ("dash", re.compile(r"^([-–•*])\s+(.*)$")),
    ("plus", re.compile(r"^(\+)\s+(.*)$")),
]
_OUTLINE_UNITS = {
    "roman": ("Mục", NodeKind.PLAN_SECTION),
    "dotnum": ("khoản", NodeKind.PLAN_SUBAREA),
    "num": ("khoản", NodeKind.PLAN_AREA),
    "letter": ("điểm", NodeKind.TASK),
    "dash": ("", NodeKind.PARAGRAPH),
    "plus": ("", NodeKind.PARAGRAPH),
}
_LABEL_STRIP = r"^[*\s]*(?:[-–+•]\s*)?"
FIELD_ROLES: list[tuple[str, re.Pattern[str]]] = [
    ("lead", re.compile(_LABEL_STRIP + r"(?:Cơ quan|Đơn vị)\s+chủ trì\b[^:]{0,30}:\s*(.*)$", re.IGNORECASE)),
    ("partners", re.compile(_LABEL_STRIP + r"(?:Cơ quan|Đơn vị)\s+phối hợp\b[^:]{0,30}:\s*(.*)$", re.IGNORECASE)),
    ("appraiser", re.compile(_LABEL_STRIP + r"(?:Cơ quan|Đơn vị)\s+thẩm định\b[^:]{0,20}:\s*(.*)$", re.IGNORECASE)),
    ("executors", re.compile(_LABEL_STRIP + r"(?:Cơ quan|Đơn vị)\s+(?:thực hiện|triển khai)\s*:\s*(.*)$", re.I)),
    ("product", re.compile(_LABEL_STRIP + r"(?:Sản phẩm|Kết quả(?: đầu ra)?)\b[^:]{0,20}:\s*(.*)$", re.IGNORECASE)),
    ("deadline", re.compile(_LABEL_STRIP + r"(?:Thời gian|Thời hạn|Tiến độ)\b[^:]{0,40}:\s*(.*)$", re.IGNORECASE)),
    ("task", re.compile(_LABEL_STRIP + r"(?:Nhiệm vụ|Nội dung(?: thực hiện| công việc)?)\s*:\s*(.*)$", re.IGNORECASE)),
]
_TASK_ROLES = {"lead", "partners", "appraiser", "product", "deadline", "executors"}
_VI_LETTERS = "abcdđeghiklmnopqrstuvxy"
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


def field_role(text: str) -> tuple[str, str] | None:
    """The plan field a line states ('Cơ quan chủ trì thực hiện: …' → lead) and its value."""
    for role, pattern in FIELD_ROLES:
        if m := pattern.match(text):
            return role, m.group(1).strip().lstrip("* ").strip()
    return None


def instrument_name(type_line: str) -> str:
    """'QUY CHẾ' → 'Quy chế'."""
    text = type_line.rstrip(":").strip().lower()
    return text[:1].upper() + text[1:]


def _para(block: Block, **fields: object) -> Node:
    return Node(kind=NodeKind.PARAGRAPH, text=block.text, source=list(block.source), **fields)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- tables
def _table_node(rows: list[Block], number: int, previous: list[str] | None = None) -> Node:
    """A table and its rows: the header row names the columns, short rows head groups of rows.

    A table without a header that is as wide as the previous one continues it (a table cut by
    a page break in the source), so it takes that header.
    """
    header = next((r for r in rows if r.header), None)
    width = max(len(r.cells or []) for r in rows)
    cells = header.cells if header and header.cells else []
    if not cells and previous and len(previous) == width:
        cells = list(previous)
    table = Node(
        kind=NodeKind.TABLE, unit="Bảng", label=str(number), cells=cells, title=" | ".join(c for c in cells if c)
    )
    stt = bool(cells) and bool(re.match(r"(?i)^(?:stt|tt|số\s*tt|số thứ tự)\.?$", cells[0].strip()))
    ordinal = 0
    for row in rows:
        values = row.cells or []
        filled = [c for c in values if c]
        if row.header:
            role = "header"
        elif width >= 3 and len(filled) <= 2 and (len(values) < width or len(filled) == 1):
            role = "group"
        else:
            role = ""
        if role == "":
            ordinal += 1
        label = row_label(values) if role != "header" else ""
        node = Node(
            kind=NodeKind.ROW,
            unit="STT" if stt else "dòng",
            label=label if (stt and label) else ("" if role else str(ordinal)),
            role=role,
            text=row.text,
            cells=list(values),
            source=list(row.source),
        )
        table.children.append(node)
    return table


def _group_rows(blocks: list[Block]) -> list[Block | list[Block]]:
    """Consecutive rows of one table become one list, so the parsers see a table as one item."""
    out: list[Block | list[Block]] = []
    for block in blocks:
        if block.is_row:
            last = out[-1] if out else None
            if isinstance(last, list) and last[-1].table == block.table:
                last.append(block)
                continue
            out.append([block])
        else:
            out.append(block)
    return out


# --------------------------------------------------------------------------- regulations
def _valid_articles(items: list[Block | list[Block]]) -> set[int]:
    """Indexes of real article headings: numbers must run upward without big jumps."""
    found: set[int] = set()
    last = 0
    for i, item in enumerate(items):
        if isinstance(item, list) or not (m := _ARTICLE.match(item.text)):
            continue
        number = int(m.group(1))
        if last < number <= last + 3:
            found.add(i)
            last = number
    return found


def _split_article_heading(rest: str) -> tuple[str, str]:
    """'Phạm vi điều chỉnh' is a title; 'Ban hành kèm theo … .' is the article's content."""
    rest = rest.strip()
    if not rest:
        return "", ""
    if rest.endswith((".", ";", "./.", ",")) or len(rest) > 200 or rest[:1].islower():
        return "", rest
    return rest, ""


class _Tables:
    """Numbers a document's tables and remembers the last header, for tables continued without one."""

    def __init__(self) -> None:
        self.count = 0
        self.header: list[str] | None = None

    def node(self, rows: list[Block]) -> Node:
        self.count += 1
        table = _table_node(rows, self.count, self.header)
        if table.cells:
            self.header = table.cells
        return table


def parse_regulation(items: list[Block | list[Block]], tables: _Tables) -> list[Node]:
    """Phần / Chương / Mục / Điều / Khoản / Điểm; text before the first unit is the preamble."""
    articles = _valid_articles(items)
    roots: list[Node] = []
    preamble: Node | None = None
    part = chapter = section = article = clause = None
    expect_title: Node | None = None
    for i, item in enumerate(items):
        if isinstance(item, list):
            table = tables.node(item)
            owner = clause or article or section or chapter or part
            (owner.children if owner else roots).append(table)
            continue
        line = item.text
        if expect_title is not None:
            if is_caps(line) and not _is_structural(line) and len(line) <= 200:
                expect_title.title = f"{expect_title.title} {line}".strip()
                expect_title.source.extend(item.source)
                continue
            expect_title = None
        if m := _PART.match(line):
            part = Node(kind=NodeKind.PART, unit="Phần", label=m.group(1), title=m.group(2), source=list(item.source))
            roots.append(part)
            chapter = section = article = clause = None
            expect_title = part if not m.group(2) else None
        elif m := _CHAPTER.match(line):
            chapter = Node(
                kind=NodeKind.CHAPTER, unit="Chương", label=m.group(1), title=m.group(2), source=list(item.source)
            )
            (part.children if part else roots).append(chapter)
            section = article = clause = None
            expect_title = chapter if not m.group(2) else None
        elif (m := _SECTION.match(line)) and chapter is not None:
            section = Node(
                kind=NodeKind.SECTION, unit="Mục", label=m.group(1), title=m.group(2), source=list(item.source)
            )
            chapter.children.append(section)
            article = clause = None
            expect_title = section if not m.group(2) else None
        elif i in articles and (m := _ARTICLE.match(line)):
            title, text = _split_article_heading(m.group(2))
            article = Node(
                kind=NodeKind.ARTICLE, unit="Điều", label=m.group(1), title=title, text=text, source=list(item.source)
            )
            parent = section or chapter or part
            (parent.children if parent else roots).append(article)
            clause = None
        elif article is None:
            if part or chapter:
                (section or chapter or part).children.append(_para(item))  # type: ignore[union-attr]
                continue
            if preamble is None:
                preamble = Node(kind=NodeKind.PARAGRAPH, unit="Phần mở đầu")
                roots.append(preamble)
            preamble.children.append(_para(item))
        elif m := _CLAUSE.match(line):
            clause = Node(kind=NodeKind.CLAUSE, unit="khoản", label=m.group(1), text=line, source=list(item.source))
            article.children.append(clause)
        elif m := _POINT.match(line):
            point = Node(kind=NodeKind.POINT, unit="điểm", label=m.group(1), text=line, source=list(item.source))
            (clause or article).children.append(point)
        else:
            owner = clause or article
            if owner.children or owner is clause:
                owner.children.append(_para(item))
            else:
                owner.text = f"{owner.text}\n{line}".strip()
                owner.source.extend(item.source)
    return roots


# --------------------------------------------------------------------------- outlines
def _is_structural(line: str) -> bool:
    return bool(_ARTICLE.match(line) or _CHAPTER.match(line) or _PART.match(line) or _outline_marker(line))


def _outline_marker(line: str) -> tuple[str, str, str] | None:
    for kind, pattern in _OUTLINE:
        if m := pattern.match(line):
            return kind, m.group(1), m.group(2)
    return None


def _ordinal(kind: str, label: str) -> int | None:
    """Position of a label in its sequence (I=1, 3=3, đ=5, 1.2=2); None for bullets."""
    if kind == "roman":
        total = 0
        for ch, nxt in zip(label, [*label[1:], ""], strict=True):
            value = _ROMAN_VALUES[ch]
            total += -value if nxt and _ROMAN_VALUES[nxt] > value else value
        return total
    if kind in ("num", "dotnum"):
        return int(label.split(".")[-1])
    if kind == "letter":
        return _VI_LETTERS.find(label) + 1 or None
    return None


def _stack_position(stack: list[tuple[str, Node]], kind: str, label: str) -> int | None:
    """Where a marker goes: index of the sibling it continues, or None to nest it deeper.

    A restarted sequence ('I.' after 'II.', as in a table inside section II) nests; a marker
    that continues an outer sequence ('III.' after the table) closes the inner one.
    """
    same = [i for i, (k, _) in enumerate(stack) if k == kind]
    if not same:
        return None
    ordinal = _ordinal(kind, label)
    if ordinal is None:
        return same[-1]
    for i in reversed(same):
        if _ordinal(kind, stack[i][1].label) == ordinal - 1:
            return i
    if ordinal == 1:
        return None
    return same[-1]


def parse_outline(items: list[Block | list[Block]], tables: _Tables) -> list[Node]:
    """Roman sections, numbered areas, lettered tasks, '-'/'+' items, labelled fields and tables."""
    roots: list[Node] = []
    stack: list[tuple[str, Node]] = []

    def attach(node: Node) -> None:
        (stack[-1][1].children if stack else roots).append(node)

    for item in items:
        if isinstance(item, list):
            attach(tables.node(item))
            continue
        line = item.text
        marker = _outline_marker(line)
        field = field_role(line) if marker is None else field_role(marker[2])
        if marker is None and field is None:
            attach(_para(item))
            continue
        kind, label, _rest = marker or ("field", "", line)
        in_stack = any(k == kind for k, _ in stack)
        if field and stack and stack[-1][1].kind == NodeKind.FIELD and not in_stack:
            parent_field = stack[-1][1]
            if parent_field.role == field[0] and not parent_field.title:
                parent_field.children.append(_para(item))
                continue
        position = _stack_position(stack, kind, label) if marker else None
        if position is not None:
            del stack[position:]
        elif kind not in ("dash", "plus", "field"):
            while stack and stack[-1][0] in ("dash", "plus"):
                stack.pop()  # a numbered or lettered item is never part of a bullet
        if field:
            while stack and stack[-1][1].kind == NodeKind.FIELD:
                stack.pop()
            node = Node(
                kind=NodeKind.FIELD, role=field[0], label=label, text=line, title=field[1], source=list(item.source)
            )
            attach(node)
            if marker:
                stack.append((kind, node))
            continue
        unit, node_kind = _OUTLINE_UNITS[kind]
        node = Node(kind=node_kind, unit=unit, label=label, text=line, source=list(item.source))
        attach(node)
        stack.append((kind, node))
    for root in roots:
        _mark_tasks(root)
    return roots


def _owns_fields(node: Node) -> bool:
    return any(c.kind == NodeKind.FIELD and c.role in _TASK_ROLES for c in node.children)


def _mark_tasks(node: Node) -> None:
    """A node that owns lead/partner/deadline fields is a task; its '-' children with fields are sub-parts."""
    if _owns_fields(node) and node.kind not in (NodeKind.PARAGRAPH, NodeKind.SUBTASK):
        node.kind = NodeKind.TASK
    for child in node.children:
        if child.kind == NodeKind.PARAGRAPH and _owns_fields(child):
            child.kind = NodeKind.SUBTASK if node.kind == NodeKind.TASK else NodeKind.TASK
        _mark_tasks(child)


def parse_body(blocks: list[Block], tables: _Tables) -> list[Node]:
    """A part's blocks as a regulation when it has articles, else as an outline."""
    items = _group_rows(blocks)
    if len(_valid_articles(items)) >= 2:
        return parse_regulation(items, tables)
    return parse_outline(items, tables)


# --------------------------------------------------------------------------- parts
@dataclass
class _Part:
    kind: NodeKind
    name: str
    label: str
    start: int
    heading: list[Block]


def _part_start(body: list[Block], i: int, furniture_before: bool) -> _Part | None:
    """An instrument or appendix printed after the main text begins at block ``i``, or not."""
    block = body[i]
    text = block.text
    if block.is_row or len(text) > 400:
        return None
    notes = [j for j in range(i + 1, min(i + 4, len(body))) if _ANNEX_NOTE.match(body[j].text)]
    if DOCUMENT_TYPE_LINE.match(text) and not _DECISION_START.match(text) and (furniture_before or notes):
        end = notes[0] + 1 if notes else i + 1
        return _Part(NodeKind.INSTRUMENT, instrument_name(text), "", i, body[i:end])
    if (
        (m := _APPENDIX.match(text))
        and (is_caps(text.split(":")[0]) or len(text) <= 160)
        and not text.endswith((";", ","))
    ):
        end = notes[0] + 1 if notes else i + 1
        return _Part(NodeKind.APPENDIX, "Phụ lục", m.group(1) or "", i, body[i:end])
    if notes and is_caps(text) and len(text.split()) >= 3 and not _is_structural(text):
        name = instrument_name(text) if _CATALOGUE.match(text) else "Phụ lục"
        return _Part(NodeKind.APPENDIX, _short_name(name), "", i, body[i : notes[0] + 1])
    return None


def _short_name(name: str, words: int = 12) -> str:
    parts = name.split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")


def _split_parts(body: list[Block], follows_furniture: list[bool], main_start: int) -> list[_Part]:
    parts = [_Part(NodeKind.DOCUMENT, "", "", 0, [])]
    i = main_start + 1 if DOCUMENT_TYPE_LINE.match(body[main_start].text.lstrip("- ")) else main_start
    while i < len(body):
        part = _part_start(body, i, follows_furniture[i])
        if part is None:
            i += 1
            continue
        parts.append(part)
        i += len(part.heading)
    return parts


def _main_type_index(body: list[Block]) -> int:
    """The main text's type line ('QUYẾT ĐỊNH', 'KẾ HOẠCH'); 0 when the text starts without one."""
    for i, block in enumerate(body[:12]):
        if _DECISION_START.match(block.text) or _ARTICLE.match(block.text):
            return 0
        if DOCUMENT_TYPE_LINE.match(block.text.lstrip("- ")):
            return i
    return 0


def _first_article(blocks: list[Block]) -> int:
    return next((i for i, b in enumerate(blocks) if not b.is_row and _ARTICLE.match(b.text)), len(blocks))


def _part_node(part: _Part, blocks: list[Block], tables: _Tables) -> Node:
    """An instrument or appendix: its heading lines as its own text, its body parsed on its own."""
    title = " ".join(b.text for b in part.heading)
    node = Node(
        kind=part.kind,
        unit=part.name,
        label=part.label,
        title=part.name,
        text="\n".join(b.text for b in part.heading),
        source=[s for b in part.heading for s in b.source],
    )
    node.title = part.name if part.kind == NodeKind.INSTRUMENT else _short_name(title, 20)
    node.children = parse_body(blocks[len(part.heading) :], tables)
    return node


def parse_document(blocks: list[Block], marks: list[str | None], facts: DocumentFacts) -> Node:
    """The document tree: main text, then each instrument and appendix printed after it.

    A decision issued with an instrument keeps its own Điều 1–3 apart from the instrument's.
    """
    body = [b for b, m in zip(blocks, marks, strict=True) if m is None]
    follows = [i > 0 and marks[i - 1] is not None for i, m in enumerate(marks) if m is None]
    root = Node(kind=NodeKind.DOCUMENT, title=facts.trich_yeu or facts.id)
    if not body:
        return root
    start = _main_type_index(body)
    parts = _split_parts(body, follows, start)
    bounds = [p.start for p in parts[1:]] + [len(body)]
    tables = _Tables()
    main_blocks = body[: bounds[0]]
    instruments = [p for p in parts[1:] if p.kind == NodeKind.INSTRUMENT]
    if instruments and _first_article(main_blocks) < len(main_blocks):
        decision = Node(kind=NodeKind.DECISION, unit="Quyết định", title="Quyết định")
        decision.children = parse_body(main_blocks, tables)
        root.children.append(decision)
    else:
        root.children.extend(parse_body(main_blocks, tables))
    for part, end in zip(parts[1:], bounds[1:], strict=True):
        root.children.append(_part_node(part, body[part.start : end], tables))
    return root
