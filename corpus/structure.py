"""Parse normalised lines into the tree Vietnamese administrative documents use.

A decision (Quyết định) has its own Điều 1–3; the Quy chế, Quy định or Kế hoạch issued
"kèm theo" it has its own Điều 1…, so the two are kept apart. Regulations nest
Phần / Chương / Mục / Điều / Khoản / Điểm; plans and directives nest Roman sections,
numbered areas, lettered tasks and '-'/'+' items, with labelled fields inside a task.
"""

from __future__ import annotations

import re

from corpus.models import DocumentFacts, Node, NodeKind
from corpus.normalize import DOCUMENT_TYPE_LINE

_ARTICLE = re.compile(r"^(?:Điều|ĐIỀU)\s+(\d+)\s*[.:]\s*(.*)$")
_CHAPTER = re.compile(r"^(?:Chương|CHƯƠNG)\s+([IVXLC]+|\d+)\b[.:]?\s*(.*)$")
_SECTION = re.compile(r"^(?:Mục|MỤC)\s+([IVXLC]+|\d+)\b[.:]?\s*(.*)$")
_PART = re.compile(r"^(?:Phần|PHẦN)\s+(thứ\s+\S+|THỨ\s+\S+|[IVXLC]+)\s*[.:]?\s*(.{0,150})$")
_CLAUSE = re.compile(r"^(\d+)\.\s+(.*)$")
_POINT = re.compile(r"^([a-zđ])\)\s+(.*)$")
_ANNEX = re.compile(r"^\(?\s*(?:Ban hành )?kèm theo\b", re.IGNORECASE)
_RECIPIENTS = re.compile(r"^Nơi nhận\s*:?", re.IGNORECASE)
_DECISION_START = re.compile(r"^(?:QUYẾT ĐỊNH|CHỈ THỊ|NGHỊ QUYẾT)\s*:\s*$")

# Outline markers of plans and directives, from the outermost kind.
_OUTLINE = [
    ("roman", re.compile(r"^([IVXLC]+)[.)]\s+(.*)$")),
    ("dotnum", re.compile(r"^(\d+(?:\.\d+)+)\.?\s+(.*)$")),
    ("num", re.compile(r"^(\d+)[.)]\s+(.*)$")),
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
FIELD_ROLES: list[tuple[str, re.Pattern[str]]] = [
    ("lead", re.compile(r"^(?:Cơ quan|Đơn vị) chủ trì\b[^:]{0,30}:\s*(.*)$", re.IGNORECASE)),
    ("partners", re.compile(r"^(?:Cơ quan|Đơn vị) phối hợp\b[^:]{0,30}:\s*(.*)$", re.IGNORECASE)),
    ("appraiser", re.compile(r"^Cơ quan thẩm định\b[^:]{0,20}:\s*(.*)$", re.IGNORECASE)),
    ("executors", re.compile(r"^(?:Cơ quan|Đơn vị) thực hiện\s*:\s*(.*)$", re.IGNORECASE)),
    ("product", re.compile(r"^(?:Sản phẩm|Kết quả(?: đầu ra)?)\b[^:]{0,20}:\s*(.*)$", re.IGNORECASE)),
    ("deadline", re.compile(r"^(?:Thời gian|Thời hạn|Tiến độ)\b[^:]{0,40}:\s*(.*)$", re.IGNORECASE)),
    ("task", re.compile(r"^Nhiệm vụ\s*:\s*(.*)$", re.IGNORECASE)),
]
_TASK_ROLES = {"lead", "partners", "appraiser", "product", "deadline", "executors"}


def field_role(text: str) -> tuple[str, str] | None:
    """The plan field a line states ('Cơ quan chủ trì thực hiện: …' → lead) and its value."""
    for role, pattern in FIELD_ROLES:
        if m := pattern.match(text):
            return role, m.group(1).strip()
    return None


def instrument_name(type_line: str) -> str:
    """'QUY CHẾ' → 'Quy chế'."""
    text = type_line.rstrip(":").strip().lower()
    return text[:1].upper() + text[1:]


def _find_instrument(lines: list[str]) -> int | None:
    """Index of the type line ('QUY CHẾ', 'KẾ HOẠCH' …) of an instrument issued with a decision."""
    for i, line in enumerate(lines):
        if not _ANNEX.match(line) or i == 0:
            continue
        for j in range(i - 1, max(i - 5, -1), -1):
            if DOCUMENT_TYPE_LINE.match(lines[j]) and not lines[j].startswith("QUYẾT ĐỊNH"):
                if any(_ARTICLE.match(ln) for ln in lines[:j]):
                    return j
                break
    return None


def _cut_tail(lines: list[str]) -> list[str]:
    """Drop the recipients list and signature block that close a document."""
    for i, line in enumerate(lines):
        if _RECIPIENTS.match(line):
            lines = lines[:i]
            break
    last_end = max((i for i, ln in enumerate(lines) if ln.endswith("./.")), default=None)
    if last_end is not None and all(len(ln.split()) <= 8 for ln in lines[last_end + 1 :]):
        lines = lines[: last_end + 1]
    return lines


def _header_end(lines: list[str]) -> int:
    """Index after the printed header: type line, title and issuer line."""
    for i, line in enumerate(lines[:30]):
        if DOCUMENT_TYPE_LINE.match(line) and not _DECISION_START.match(line):
            j = i + 1
            while j < len(lines) and (
                _ANNEX.match(lines[j])
                or (j == i + 1 and not _is_structural(lines[j]))
                or lines[j].startswith(("CHỦ TỊCH", "BỘ TRƯỞNG", "ỦY BAN", "HỘI ĐỒNG"))
            ):
                j += 1
            return j
    return 0


def _is_structural(line: str) -> bool:
    return bool(_ARTICLE.match(line) or _CHAPTER.match(line) or _PART.match(line) or _outline_marker(line))


def _outline_marker(line: str) -> tuple[str, str, str] | None:
    for kind, pattern in _OUTLINE:
        if m := pattern.match(line):
            return kind, m.group(1), m.group(2)
    return None


def _valid_articles(lines: list[str]) -> set[int]:
    """Line indexes of real article headings: numbers must run upward without big jumps."""
    found: set[int] = set()
    last = 0
    for i, line in enumerate(lines):
        m = _ARTICLE.match(line)
        if not m:
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
    if rest.endswith((".", ";", "./.")) or len(rest) > 200:
        return "", rest
    return rest, ""


def parse_regulation(lines: list[str]) -> list[Node]:
    """Phần / Chương / Mục / Điều / Khoản / Điểm; lines before the first unit are dropped."""
    articles = _valid_articles(lines)
    roots: list[Node] = []
    part = chapter = section = article = clause = None
    expect_title: Node | None = None
    for i, line in enumerate(lines):
        if expect_title is not None:
            if line.isupper() and not _is_structural(line):
                expect_title.title = f"{expect_title.title} {line}".strip()
                continue
            expect_title = None
        if m := _PART.match(line):
            part = Node(kind=NodeKind.PART, unit="Phần", label=m.group(1), title=m.group(2))
            roots.append(part)
            chapter = section = article = clause = None
            expect_title = part if not m.group(2) else None
        elif m := _CHAPTER.match(line):
            chapter = Node(kind=NodeKind.CHAPTER, unit="Chương", label=m.group(1), title=m.group(2))
            (part.children if part else roots).append(chapter)
            section = article = clause = None
            expect_title = chapter if not m.group(2) else None
        elif (m := _SECTION.match(line)) and chapter is not None:
            section = Node(kind=NodeKind.SECTION, unit="Mục", label=m.group(1), title=m.group(2))
            chapter.children.append(section)
            article = clause = None
            expect_title = section if not m.group(2) else None
        elif i in articles and (m := _ARTICLE.match(line)):
            title, text = _split_article_heading(m.group(2))
            article = Node(kind=NodeKind.ARTICLE, unit="Điều", label=m.group(1), title=title, text=text)
            parent = section or chapter or part
            (parent.children if parent else roots).append(article)
            clause = None
        elif article is None:
            continue
        elif m := _CLAUSE.match(line):
            clause = Node(kind=NodeKind.CLAUSE, unit="khoản", label=m.group(1), text=line)
            article.children.append(clause)
        elif m := _POINT.match(line):
            point = Node(kind=NodeKind.POINT, unit="điểm", label=m.group(1), text=line)
            (clause or article).children.append(point)
        else:
            owner = clause or article
            if owner.children or owner is clause:
                owner.children.append(Node(kind=NodeKind.PARAGRAPH, text=line))
            else:
                owner.text = f"{owner.text}\n{line}".strip()
    return roots


_VI_LETTERS = "abcdđeghiklmnopqrstuvxy"
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


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


def parse_outline(lines: list[str]) -> list[Node]:
    """Roman sections, numbered areas, lettered tasks, '-'/'+' items and labelled fields."""
    roots: list[Node] = []
    stack: list[tuple[str, Node]] = []

    def attach(node: Node) -> None:
        (stack[-1][1].children if stack else roots).append(node)

    for line in lines:
        marker = _outline_marker(line)
        if marker is None:
            attach(Node(kind=NodeKind.PARAGRAPH, text=line))
            continue
        kind, label, rest = marker
        field = field_role(rest)
        in_stack = any(k == kind for k, _ in stack)
        if field and stack and stack[-1][1].kind == NodeKind.FIELD and not in_stack:
            parent_field = stack[-1][1]
            if parent_field.role == field[0] and not parent_field.title:
                parent_field.children.append(Node(kind=NodeKind.PARAGRAPH, text=line))
                continue
        position = _stack_position(stack, kind, label)
        if position is not None:
            del stack[position:]
        if field:
            while stack and stack[-1][1].kind == NodeKind.FIELD:
                stack.pop()
            node = Node(kind=NodeKind.FIELD, role=field[0], label=label, text=line, title=field[1])
        else:
            unit, node_kind = _OUTLINE_UNITS[kind]
            node = Node(kind=node_kind, unit=unit, label=label, text=line)
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


def parse_paragraphs(lines: list[str]) -> list[Node]:
    """News items without numbering: one node per paragraph."""
    return [Node(kind=NodeKind.PARAGRAPH, text=line) for line in lines]


def _parse_body(lines: list[str]) -> list[Node]:
    if len(_valid_articles(lines)) >= 2:
        return parse_regulation(lines)
    nodes = parse_outline(lines)
    if any(n.kind != NodeKind.PARAGRAPH for n in nodes):
        return nodes
    return parse_paragraphs(lines)


def _decision_nodes(lines: list[str]) -> list[Node]:
    start = next((i for i, ln in enumerate(lines) if _DECISION_START.match(ln)), None)
    if start is None:
        start = next((i for i, ln in enumerate(lines) if _ARTICLE.match(ln)), len(lines))
        preamble = lines[_header_end(lines) : start]
    else:
        preamble = lines[_header_end(lines) : start]
        start += 1
    nodes: list[Node] = []
    if preamble:
        nodes.append(Node(kind=NodeKind.PARAGRAPH, unit="Phần mở đầu", text="\n".join(preamble)))
    nodes.extend(parse_regulation(_cut_tail(lines[start:])))
    return nodes


def parse_document(lines: list[str], facts: DocumentFacts) -> Node:
    """The document tree: decision and instrument apart when one is issued with the other."""
    root = Node(kind=NodeKind.DOCUMENT, title=facts.trich_yeu or facts.id)
    split = _find_instrument(lines)
    if split is not None:
        decision = Node(kind=NodeKind.DECISION, unit="Quyết định", title="Quyết định")
        decision.children = _decision_nodes(lines[:split])
        name = instrument_name(lines[split])
        instrument = Node(kind=NodeKind.INSTRUMENT, unit=name, title=name)
        body = lines[split:]
        instrument.children = _parse_body(_cut_tail(body[_header_end(body) :]))
        root.children = [decision, instrument]
        return root
    body = lines[_header_end(lines) :] if not facts.is_news else lines
    root.children = _parse_body(_cut_tail(body))
    return root
