"""Typed records that leave the corpus package: documents, their tree, chunks and tasks."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from corpus.kinds import DocumentKind, kind_of


class DocumentFacts(BaseModel):
    """What a citation needs to know about a document (the manifest's fields)."""

    model_config = ConfigDict(extra="ignore")

    id: str
    so_hieu: str | None = None
    loai: str | None = None
    ngay_ban_hanh: dt.date | None = None
    co_quan_ban_hanh: str | None = None
    tinh: str | None = None
    trich_yeu: str | None = None
    nguon: str | None = None
    cap_ban_hanh: str | None = None

    @property
    def kind(self) -> DocumentKind:
        """Official text, news item, Q&A article or encyclopaedia page (from the stored 'loai')."""
        return kind_of(self.loai)

    @property
    def is_news(self) -> bool:
        """News items retell decisions; they are cited by title, publisher and date."""
        return self.kind == DocumentKind.NEWS

    @property
    def is_official(self) -> bool:
        """Only official texts are regulations; the other kinds are cited after them, labelled."""
        return self.kind == DocumentKind.OFFICIAL


class NodeKind(StrEnum):
    """Structural units of Vietnamese administrative documents."""

    DOCUMENT = "document"
    DECISION = "decision"
    INSTRUMENT = "instrument"
    APPENDIX = "appendix"
    PART = "phan"
    CHAPTER = "chuong"
    SECTION = "muc"
    ARTICLE = "dieu"
    CLAUSE = "khoan"
    POINT = "diem"
    PLAN_SECTION = "plan_section"
    PLAN_AREA = "plan_area"
    PLAN_SUBAREA = "plan_subarea"
    TASK = "task"
    SUBTASK = "subtask"
    FIELD = "field"
    PARAGRAPH = "paragraph"
    TABLE = "table"
    ROW = "row"


class Node(BaseModel):
    """One unit of the document tree; ``text`` holds the unit's own lines, not its children's.

    ``unit`` is the word a citation uses for it (Điều, khoản, điểm, Mục, Chương, Phần, Phụ lục,
    STT) and ``role`` names a labelled plan field (lead, partners, appraiser, product, deadline,
    task) or a table row's part (header, group); a field's ``text`` is its line as written and
    its ``title`` the value after the label. ``source`` holds the raw line numbers the node's own
    text came from, so that every body line can be traced to exactly one node.
    """

    kind: NodeKind
    unit: str = ""
    label: str = ""
    title: str = ""
    role: str = ""
    text: str = ""
    cells: list[str] = Field(default_factory=list)
    source: list[int] = Field(default_factory=list)
    children: list[Node] = Field(default_factory=list)

    def walk(self) -> list[Node]:
        """Return the node and every descendant, in document order."""
        out = [self]
        for child in self.children:
            out.extend(child.walk())
        return out

    def full_text(self) -> str:
        """The unit's text with all its descendants, one line per unit."""
        lines = [self.text] if self.text else []
        lines.extend(child.full_text() for child in self.children)
        return "\n".join(line for line in lines if line)


class Document(BaseModel):
    """A loaded document: facts, normalised text and its structure tree."""

    facts: DocumentFacts
    path: str
    text: str
    tree: Node
    furniture: list[FurnitureItem] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    content_hash: str = ""

    @property
    def id(self) -> str:
        """The stable document id used by citations and the gold questions."""
        return self.facts.id


class Chunk(BaseModel):
    """The unit that is indexed, retrieved and quoted.

    A chunk of table rows also carries the table's ``columns`` and, for each line of its text,
    the row's label (STT or ordinal; '' for lines that are not data rows), so that a quote can
    cite the one row it shows.
    """

    id: str
    doc_id: str
    facts: DocumentFacts
    kind: NodeKind
    path: list[str]
    heading: str
    text: str
    citation: str
    units: list[tuple[str, str]] = Field(default_factory=list)
    document: str = ""
    columns: list[str] = Field(default_factory=list)
    row_labels: list[str] = Field(default_factory=list)

    @property
    def path_display(self) -> str:
        """The path as readers see it: ``Quy chế › Chương II › Điều 6``."""
        return " › ".join(self.path)


class Agency(BaseModel):
    """An agency as the document writes it and under its canonical name."""

    name: str
    wording: str
    generic: bool = False


class PeriodKind(StrEnum):
    """How a deadline is stated."""

    DATE = "date"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"
    RANGE = "range"
    RECURRING = "thuong_xuyen"


class Period(BaseModel):
    """A deadline reduced to a date interval, where the wording allows."""

    kind: PeriodKind
    start: dt.date | None = None
    end: dt.date | None = None


class SubTask(BaseModel):
    """A part of a task introduced by '-' or '+' that carries its own fields."""

    task: str
    lead: list[Agency] = Field(default_factory=list)
    partners: list[Agency] = Field(default_factory=list)


class TaskRecord(BaseModel):
    """Who leads a task, who helps, what it produces and by when."""

    id: str
    doc_id: str
    chunk_id: str
    citation: str
    path: list[str] = Field(default_factory=list)
    tinh: str | None = None
    task: str
    lead: list[Agency] = Field(default_factory=list)
    partners: list[Agency] = Field(default_factory=list)
    appraiser: list[Agency] = Field(default_factory=list)
    lead_text: str | None = None
    partners_text: str | None = None
    appraiser_text: str | None = None
    product: str | None = None
    deadline: str | None = None
    period: Period | None = None
    sub_parts: list[SubTask] = Field(default_factory=list)
    role: str = "chu_tri"
    evidence: str | None = None


class FurnitureItem(BaseModel):
    """Text a parser rule dropped, kept with the rule's reason so that nothing is lost unseen."""

    reason: str
    text: str
    source: list[int] = Field(default_factory=list)


class LoadProblem(BaseModel):
    """A file that could not be loaded, and why, in words a maintainer can act on."""

    path: str
    reason: str


class Relation(BaseModel):
    """A clause by which a document replaces, repeals, amends or ends the force of another one.

    ``target_so_hieu`` is the number as printed with spaces removed; ``scope`` is 'part' when the
    clause touches only some articles, clauses or words of the target; ``quote`` holds the clause's
    own words and ``where`` the unit it stands in ('Điều 3', 'Khoản 2 Điều 1').
    """

    doc_id: str
    relation: str
    scope: str = "whole"
    target_so_hieu: str
    target_kind: str | None = None
    target_date: dt.date | None = None
    target_issuer: str | None = None
    quote: str
    where: str = ""
