"""Task lists as an Excel workbook a civil servant can forward: one row per task, header frozen.

Columns: Nhiệm vụ | Chủ trì | Phối hợp | Thời hạn | Sản phẩm | Văn bản | Trích dẫn. The same rows come
from an answer's task list (the bot's 📊 button) and from task records (``tracuu tasks --xlsx``).
"""

from __future__ import annotations

import io
from pathlib import Path

from pydantic import BaseModel

from bot.models import Answer, TaskAnswer
from corpus.models import DocumentFacts, TaskRecord
from corpus.relations import source_phrase

HEADERS = ("Nhiệm vụ", "Chủ trì", "Phối hợp", "Thời hạn", "Sản phẩm", "Văn bản", "Trích dẫn")
WIDTHS = (60, 30, 30, 22, 30, 40, 60)
SHEET_TITLE = "Nhiệm vụ"


class ExportRow(BaseModel):
    """One task as a row of the workbook."""

    nhiem_vu: str
    chu_tri: str = ""
    phoi_hop: str = ""
    thoi_han: str = ""
    san_pham: str = ""
    van_ban: str = ""
    trich_dan: str = ""

    def cells(self) -> list[str]:
        """The row's values in column order."""
        return [self.nhiem_vu, self.chu_tri, self.phoi_hop, self.thoi_han, self.san_pham, self.van_ban, self.trich_dan]


def _task_row(task: TaskAnswer, document: str) -> ExportRow:
    return ExportRow(
        nhiem_vu=task.task,
        chu_tri="; ".join(task.lead),
        phoi_hop="; ".join(task.partners),
        thoi_han=task.deadline or "",
        san_pham=task.product or "",
        van_ban=document,
        trich_dan=task.quote.citation,
    )


def rows_from_answer(answer: Answer) -> list[ExportRow]:
    """Every task an answer lists (all pages), in the order shown."""
    rows = [_task_row(task, group.title) for group in answer.groups for task in group.tasks]
    rows += [_task_row(task, task.quote.so_hieu or task.quote.doc_id) for task in answer.comparison]
    return rows


def rows_from_records(records: list[TaskRecord], facts: dict[str, DocumentFacts]) -> list[ExportRow]:
    """Task records with their document named as a citation names it."""
    return [
        ExportRow(
            nhiem_vu=r.task,
            chu_tri="; ".join(a.wording for a in r.lead),
            phoi_hop="; ".join(a.wording for a in r.partners),
            thoi_han=r.deadline or "",
            san_pham=r.product or "",
            van_ban=source_phrase(facts[r.doc_id]) if r.doc_id in facts else r.doc_id,
            trich_dan=r.citation,
        )
        for r in records
    ]


def workbook_bytes(rows: list[ExportRow]) -> bytes:
    """The .xlsx file: bold frozen header, set widths, wrapped text, one row per task."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = SHEET_TITLE
    sheet.append(list(HEADERS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row.cells())
    wrap = Alignment(wrap_text=True, vertical="top")
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            cell.alignment = wrap
    for i, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def write_workbook(rows: list[ExportRow], path: Path) -> None:
    """Save the workbook to a file."""
    path.write_bytes(workbook_bytes(rows))
