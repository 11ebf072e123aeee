"""How much of each document the corpus kept: body lines, facts, responsibilities, missed duties.

A body line is a raw line that no furniture rule claimed; it is kept when its words stand in
one of the document's chunks. A duty-like sentence (chủ trì, chịu/có trách nhiệm, giao …,
phối hợp với …) is missed when no responsibility record was read from it.
"""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import BaseModel, Field, computed_field

from corpus.chunks import split_sentences
from corpus.layout import clean_lines
from corpus.loader import Corpus, LoadedDocument
from corpus.models import Chunk
from corpus.normalize import comparable
from corpus.readers import read_document_text
from corpus.tasks import NO_DUTY_SECTION, actors

LONG_LINE = 40
_LABEL = re.compile(r"^(?:[IVXLC]+|\d+(?:\.\d+)*|[a-zđ])[.)]\s+|^[-+–•*]\s+|^\(\d+\)\s+")
_HEADING = re.compile(r":$|(?:có|chịu) trách nhiệm$|\bsau:?$")
_NO_DUTY = re.compile(
    r"^(?:[-+•]\s*)?(?:Căn cứ|Nếu)\b|^[(\[]\d+[)\]]|…|\.{4,}|\bdám chịu trách nhiệm"
    r"|\bcó trách nhiệm với\b|^Điều \d+\.|(?i:\b(?:chúng tôi|tôi)\b)"
    r"|^(?:[a-zđ\d]+[.)]\s+)?(?:Chủ trì,\s*)?phối hợp với [^.;]*$"
)
# 'chủ trì' after a role noun ('tổ chức chủ trì', 'cơ quan chủ trì') names a role, not a duty, and
# 'đã chủ trì buổi làm việc' reports a meeting; 'tự chịu trách nhiệm' is autonomy, not an assignment;
# 'chuyển giao', 'bàn giao', 'được giao' hand something over rather than assign work.
_DUTY = re.compile(
    r"(?<![Tt]ổ chức )(?<![Cc]ơ quan )(?<![Đđ]ơn vị )(?<!người )(?<!cá nhân )(?<!sự )(?<!vai trò )(?<!đã )"
    r"(?<!được giao )\bchủ trì\b|(?<!tự )\b(?:chịu|có) trách nhiệm\b"
    r"|(?<!chuyển )(?<!bàn )(?<!được )(?<!đã )(?<!\w)[Gg]iao\s+(?:cho\s+)?(?:các\s+)?(?:Sở|Ủy ban|UBND|Văn phòng"
    r"|Ban|Công an|Bộ|Thanh tra|Trung tâm|Phòng|Chủ tịch|Giám đốc|Thủ trưởng|cơ quan|đơn vị)\b"
    r"|\bphối hợp (?:với|thực hiện)\b"
)


class DocumentCoverage(BaseModel):
    """One document's figures in the coverage report."""

    doc_id: str
    body_lines: int
    kept_lines: int
    long_lines: int
    kept_long_lines: int
    furniture_lines: int
    facts: dict[str, str | None]
    chunks: int
    records: int
    duty_sentences: int
    missed_duties: list[str] = Field(default_factory=list)
    lost_lines: list[str] = Field(default_factory=list)

    @property
    def kept_share(self) -> float:
        """Share of the body's lines of 40+ characters found in a chunk."""
        return self.kept_long_lines / self.long_lines if self.long_lines else 1.0


class CoverageReport(BaseModel):
    """Per-document figures and their totals."""

    documents: list[DocumentCoverage]

    def total(self, field: str) -> int:
        """Sum of an integer field over the documents."""
        return sum(getattr(d, field) for d in self.documents)

    @property
    def kept_share(self) -> float:
        """Body lines of 40+ characters kept, over the whole corpus."""
        long = self.total("long_lines")
        return self.total("kept_long_lines") / long if long else 1.0

    @property
    def missed_share(self) -> float:
        """Duty-like sentences without a responsibility record, over the whole corpus."""
        duties = self.total("duty_sentences")
        return sum(len(d.missed_duties) for d in self.documents) / duties if duties else 0.0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def totals(self) -> dict[str, int | float]:
        """The corpus-wide figures, in the JSON report as in the text one."""
        fields = ("body_lines", "kept_lines", "long_lines", "kept_long_lines", "furniture_lines", "records")
        return {
            "documents": len(self.documents),
            **{name: self.total(name) for name in fields},
            "duty_sentences": self.total("duty_sentences"),
            "missed_duties": sum(len(d.missed_duties) for d in self.documents),
            "lost_lines": sum(len(d.lost_lines) for d in self.documents),
            "kept_share": round(self.kept_share, 4),
            "missed_share": round(self.missed_share, 4),
        }


def _is_assignment_heading(text: str) -> bool:
    """'1. Giao Giám đốc Sở Tư pháp' over a list: the duties are the items below it, not this line."""
    m = re.match(r"^Giao\s+(?:cho\s+)?(.+?)\s*:?$", text)
    return bool(m) and len(m[1].split()) <= 15 and bool(actors(m[1]))


def duty_sentences(text: str) -> list[str]:
    """Sentences of a text that look like they assign a duty.

    Legal bases ('Căn cứ …'), list headings ending in ':' and form templates with dotted
    blanks state no duty of their own.
    """
    out = []
    for line in text.splitlines():
        for s in split_sentences(line):
            bare = _LABEL.sub("", s.strip(), count=1)
            duty_like = _DUTY.search(s) and not _NO_DUTY.search(bare) and not _HEADING.search(s.rstrip())
            if duty_like and not _is_assignment_heading(bare):
                out.append(s)
    return out


def _data_lines(chunk: Chunk) -> str:
    """A chunk's text without the table header and group lines it repeats."""
    if not chunk.row_labels:
        return chunk.text
    lines = chunk.text.splitlines()
    return "\n".join(line for line, label in zip(lines, chunk.row_labels, strict=False) if label)


def document_coverage(loaded: LoadedDocument) -> DocumentCoverage:
    """The coverage figures of one loaded document (re-reads its file to see the raw lines)."""
    doc = loaded.document
    raw, _ = read_document_text(Path(doc.path))
    furniture = {i for item in doc.furniture for i in item.source}
    chunk_text = comparable("\n".join(c.text for c in loaded.chunks))
    body = kept = long = kept_long = dropped = 0
    lost: list[str] = []
    for line in clean_lines(raw):
        text = comparable(line.text)
        if not text:
            continue
        if line.index in furniture:
            dropped += 1
            continue
        found = text in chunk_text or all(comparable(part) in chunk_text for part in split_sentences(line.text))
        body += 1
        kept += found
        if len(line.text) >= LONG_LINE:
            long += 1
            kept_long += found
            if not found:
                lost.append(line.text)
    evidence = [comparable(r.evidence or r.task) for r in loaded.tasks]
    duties = [
        s
        for c in loaded.chunks
        if "Phần mở đầu" not in c.path and not NO_DUTY_SECTION.match(c.heading)
        for s in duty_sentences(_data_lines(c))
    ]
    duties = list(dict.fromkeys(duties))
    missed = [s for s in duties if not any(e and (e in comparable(s) or comparable(s) in e) for e in evidence)]
    facts = doc.facts
    return DocumentCoverage(
        doc_id=doc.id,
        body_lines=body,
        kept_lines=kept,
        long_lines=long,
        kept_long_lines=kept_long,
        furniture_lines=dropped,
        facts={
            "so_hieu": facts.so_hieu,
            "ngay_ban_hanh": facts.ngay_ban_hanh.isoformat() if facts.ngay_ban_hanh else None,
            "loai": facts.loai,
            "co_quan_ban_hanh": facts.co_quan_ban_hanh,
            "cap_ban_hanh": facts.cap_ban_hanh,
            "tinh": facts.tinh,
        },
        chunks=len(loaded.chunks),
        records=len(loaded.tasks),
        duty_sentences=len(duties),
        missed_duties=missed,
        lost_lines=lost,
    )


def coverage_report(corpus: Corpus) -> CoverageReport:
    """Coverage of every loaded document."""
    return CoverageReport(documents=[document_coverage(d) for d in corpus.documents])
