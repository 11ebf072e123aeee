"""Plain-text tables for maintainers: documents, trees, chunks and task records."""

from __future__ import annotations

import textwrap
import unicodedata
from collections.abc import Iterable, Sequence

from corpus.coverage import CoverageReport
from corpus.loader import Corpus, LoadedDocument
from corpus.models import Agency, Node, NodeKind, TaskRecord
from corpus.relations import document_status
from index.models import Hit


def _width(text: str) -> int:
    return sum(0 if unicodedata.combining(c) else 1 for c in text)


def _cell(text: str, width: int) -> str:
    text = text if _width(text) <= width else text[: width - 1] + "…"
    return text + " " * (width - _width(text))


def table(headers: Sequence[str], rows: Iterable[Sequence[str]], widths: Sequence[int]) -> str:
    """A fixed-width text table."""
    lines = ["  ".join(_cell(h, w) for h, w in zip(headers, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines.extend("  ".join(_cell(str(c), w) for c, w in zip(row, widths, strict=True)) for row in rows)
    return "\n".join(lines)


def documents_table(corpus: Corpus) -> str:
    """One line per document: id, type, số hiệu, date, province, status, chunks, tasks, warnings."""
    rows = []
    sources = {d.document.id: d.document.facts for d in corpus.documents}
    relations = [r for d in corpus.documents for r in d.relations]
    for d in corpus.documents:
        f = d.document.facts
        rows.append(
            [
                f.id,
                f.loai or "?",
                f.so_hieu or "—",
                f.ngay_ban_hanh.strftime("%d/%m/%Y") if f.ngay_ban_hanh else "—",
                f.tinh or "—",
                document_status(f, relations, sources).label,
                str(len(d.chunks)),
                str(len(d.tasks)),
                "; ".join(d.document.warnings) or "",
            ]
        )
    out = table(
        ["Mã", "Loại", "Số hiệu", "Ngày", "Tỉnh", "Hiệu lực", "Đoạn", "Nhiệm vụ", "Cảnh báo"],
        rows,
        [22, 26, 14, 10, 12, 40, 5, 8, 40],
    )
    if corpus.problems:
        out += "\n\nKhông nạp được:\n" + "\n".join(f"  - {p.path}: {p.reason}" for p in corpus.problems)
    return out


def _names(agencies: list[Agency]) -> str:
    return "; ".join(a.wording for a in agencies)


def tasks_table(tasks: list[TaskRecord]) -> str:
    """Task records: document, citation, task, lead, partners, deadline."""
    rows = [
        [t.doc_id, " › ".join(t.path[1:]), t.task, _names(t.lead), _names(t.partners), t.deadline or ""] for t in tasks
    ]
    return table(["Văn bản", "Vị trí", "Nhiệm vụ", "Chủ trì", "Phối hợp", "Thời hạn"], rows, [14, 24, 44, 28, 24, 22])


def _tree_lines(node: Node, depth: int) -> list[str]:
    if node.kind == NodeKind.FIELD:
        label = node.text
    elif node.kind == NodeKind.ARTICLE:
        label = f"Điều {node.label}. {node.title or node.text}"
    elif node.kind in (NodeKind.CHAPTER, NodeKind.PART, NodeKind.SECTION):
        label = f"{node.unit} {node.label}. {node.title}"
    else:
        label = (node.text or node.title).splitlines()[0] if (node.text or node.title) else node.kind.value
    first = textwrap.shorten(label, 110, placeholder="…")
    lines = [f"{'  ' * depth}[{node.kind.value}] {first}"]
    for child in node.children:
        lines.extend(_tree_lines(child, depth + 1))
    return lines


def tree_text(loaded: LoadedDocument) -> str:
    """The structure tree, one unit per line."""
    return "\n".join(_tree_lines(loaded.document.tree, 0))


def chunks_text(loaded: LoadedDocument) -> str:
    """Each chunk with its id, path and citation."""
    return "\n".join(f"{c.id}\n  {c.path_display}\n  {c.citation}" for c in loaded.chunks)


def hits_text(hits: list[Hit]) -> str:
    """Ranked chunks: citation, per-retriever rank/score, and the start of the text."""
    if not hits:
        return "Không tìm thấy đoạn nào."
    blocks = []
    for hit in hits:
        scores = ", ".join(f"{name} #{r.rank} ({r.score:.3f})" for name, r in hit.retrievers.items())
        excerpt = textwrap.shorten(hit.chunk.text.replace("\n", " / "), 300, placeholder="…")
        blocks.append(f"{hit.rank}. {hit.chunk.citation}\n   [{hit.score:.4f}; {scores}]\n   {excerpt}")
    return "\n".join(blocks)


def coverage_text(report: CoverageReport, examples: int = 3) -> str:
    """Per document and in total: body lines kept, facts found, responsibilities, duty-like sentences missed."""
    rows = []
    for d in report.documents:
        found = sum(1 for v in d.facts.values() if v)
        rows.append(
            [
                d.doc_id,
                f"{d.kept_long_lines}/{d.long_lines} ({d.kept_share:.0%})",
                f"{d.kept_lines}/{d.body_lines}",
                str(d.furniture_lines),
                f"{found}/{len(d.facts)}",
                d.facts.get("so_hieu") or "—",
                d.facts.get("tinh") or ("TW" if d.facts.get("cap_ban_hanh") == "trung ương" else "—"),
                str(d.records),
                f"{len(d.missed_duties)}/{d.duty_sentences}",
            ]
        )
    out = [
        table(
            [
                "Mã",
                "Dòng ≥40 ký tự giữ lại",
                "Mọi dòng",
                "Bỏ",
                "Thông tin",
                "Số hiệu",
                "Tỉnh",
                "Trách nhiệm",
                "Câu sót",
            ],
            rows,
            [22, 22, 13, 6, 9, 20, 12, 11, 9],
        )
    ]
    duties = report.total("duty_sentences")
    missed = sum(len(d.missed_duties) for d in report.documents)
    out.append(
        f"\nTổng: {len(report.documents)} văn bản; dòng nội dung ≥40 ký tự giữ lại "
        f"{report.total('kept_long_lines')}/{report.total('long_lines')} ({report.kept_share:.2%}), mọi dòng "
        f"{report.total('kept_lines')}/{report.total('body_lines')}; "
        f"{report.total('furniture_lines')} dòng bỏ theo quy tắc "
        f"(trang web, phần đầu, nơi nhận, chữ ký); {report.total('records')} bản ghi trách nhiệm; câu giống giao việc "
        f"chưa có bản ghi {missed}/{duties} ({report.missed_share:.1%})."
    )
    for d in report.documents:
        for line in d.lost_lines[:examples]:
            out.append(f"  mất dòng [{d.doc_id}]: {textwrap.shorten(line, 110)}")
    shown = [(d.doc_id, s) for d in report.documents for s in d.missed_duties][: examples * 5]
    for doc_id, sentence in shown:
        out.append(f"  câu chưa có bản ghi [{doc_id}]: {textwrap.shorten(sentence, 110)}")
    return "\n".join(out)
