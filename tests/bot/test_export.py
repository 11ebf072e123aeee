"""The .xlsx export: one row per task, the seven columns, header frozen, widths set."""

import io

import openpyxl

from bot.export import HEADERS, rows_from_records, workbook_bytes
from tracuu.cli import main as cli_main


def _open(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data)).active


def test_workbook_from_task_records(bundled):
    facts = {d.document.id: d.document.facts for d in bundled.documents}
    tasks = bundled.tasks
    sheet = _open(workbook_bytes(rows_from_records(tasks, facts)))
    assert [c.value for c in sheet[1]] == list(HEADERS)
    assert sheet.max_row == len(tasks) + 1
    assert sheet.freeze_panes == "A2"
    assert all(sheet.column_dimensions[col].width >= 20 for col in "ABCDEFG")
    first = [c.value for c in sheet[2]]
    assert first[0] == tasks[0].task and first[6] == tasks[0].citation
    assert "Quyết định số" in first[5]


def test_cli_writes_the_same_workbook(tmp_path, capsys):
    target = tmp_path / "nv.xlsx"
    assert cli_main(["tasks", "--agency", "Sở Tư pháp", "--xlsx", str(target)]) == 0
    sheet = openpyxl.load_workbook(target).active
    count = int(capsys.readouterr().out.split()[2])
    assert sheet.max_row == count + 1 and count > 0
    assert all("Tư pháp" in (row[1].value or "") for row in sheet.iter_rows(min_row=2))
