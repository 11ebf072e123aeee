"""Tables from .docx, HTML and Markdown, turned into lines the structure parser reads.

Plans are often published as a table (Nhiệm vụ | Cơ quan chủ trì | Cơ quan phối hợp |
Thời gian | Sản phẩm). Each row becomes one task written with the same labelled fields a
plan in prose uses, so one parser serves both shapes.
"""

from __future__ import annotations

import re

_COLUMN_ROLES: list[tuple[str, re.Pattern[str]]] = [
    ("stt", re.compile(r"^(?:stt|tt|số\s*tt|số thứ tự)\.?$", re.IGNORECASE)),
    ("lead", re.compile(r"chủ trì|chịu trách nhiệm|đơn vị thực hiện|cơ quan thực hiện", re.IGNORECASE)),
    ("partners", re.compile(r"phối hợp", re.IGNORECASE)),
    ("deadline", re.compile(r"thời gian|thời hạn|tiến độ|hoàn thành", re.IGNORECASE)),
    ("product", re.compile(r"sản phẩm|kết quả", re.IGNORECASE)),
    ("task", re.compile(r"nhiệm vụ|nội dung|công việc|tên", re.IGNORECASE)),
]
_ROMAN = re.compile(r"^[IVXLC]+\.?$")
_NUMBER = re.compile(r"^\d+(?:\.\d+)*\.?$")


def _clean(cell: str) -> str:
    return re.sub(r"\s+", " ", cell).strip()


def _dedupe_merged(cells: list[str]) -> list[str]:
    """Merged cells repeat their text in every grid position; keep one copy."""
    out: list[str] = []
    for cell in cells:
        if not out or cell != out[-1]:
            out.append(cell)
    return out


def column_roles(header: list[str]) -> dict[str, int]:
    """Map roles (task, lead, partners, deadline, product, stt) to header columns."""
    roles: dict[str, int] = {}
    for idx, cell in enumerate(header):
        for role, pattern in _COLUMN_ROLES:
            if role not in roles and pattern.search(cell):
                roles[role] = idx
                break
    return roles


def row_label(cells: list[str]) -> str:
    """The row's number as its first cell prints it ('3', '3.', 'II', 'a'), or '' when it has none."""
    first = cells[0].strip().rstrip(".)") if cells else ""
    return first if re.fullmatch(r"\d{1,3}(?:\.\d{1,3})*|[IVXLC]{1,6}|[a-zđ]", first) else ""


def render_table(rows: list[list[str]]) -> list[str]:
    """Lines for a table: labelled task fields for a task table, '; '-joined cells otherwise."""
    rows = [[_clean(c) for c in row] for row in rows if any(_clean(c) for c in row)]
    if not rows:
        return []
    roles = column_roles(rows[0])
    if "task" not in roles or "lead" not in roles:
        return ["; ".join(_dedupe_merged([c for c in row if c])) for row in rows]
    header = rows[0]
    lines: list[str] = []
    counter = 0
    for row in rows[1:]:
        stt = row[roles["stt"]] if "stt" in roles and roles["stt"] < len(row) else ""
        others = {c for i, c in enumerate(row) if c and i != roles.get("stt")}
        if len(others) <= 1:
            title = next(iter(others), "")
            lines.append(f"{stt.rstrip('.')}. {title}" if stt else title)
            continue
        task = row[roles["task"]] if roles["task"] < len(row) else ""
        if not task:
            continue
        counter += 1
        label = stt.rstrip(".") if _NUMBER.match(stt) else str(counter)
        lines.append(f"{label}. {task}")
        for role in ("lead", "partners", "product", "deadline"):
            idx = roles.get(role)
            if idx is not None and idx < len(row) and row[idx]:
                lines.append(f"- {header[idx].rstrip(':')}: {row[idx]}")
    return lines


def markdown_table_rows(lines: list[str]) -> list[list[str]]:
    """Cells of a Markdown pipe table, without its |---| separator row."""
    rows = []
    for line in lines:
        if re.fullmatch(r"\|?[\s:|-]+\|?", line.strip()):
            continue
        rows.append([c for c in line.strip().strip("|").split("|")])
    return rows
