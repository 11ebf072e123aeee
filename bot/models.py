"""The Answer a person sees, independent of where it is shown (terminal or Telegram)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, Field

from corpus.models import Period


class Intent(StrEnum):
    """What a question asks for."""

    LEAD = "lead"
    PARTNERS = "partners"
    DEADLINE = "deadline"
    AGENCY_TASKS = "agency_tasks"
    PERIOD = "period"
    DOCUMENT = "document"
    COMPARE = "compare"
    GENERAL = "general"


class Status(StrEnum):
    """Whether the answer answers, declines, or could not run."""

    ANSWERED = "answered"
    DECLINED = "declined"
    INVALID = "invalid"


class Quote(BaseModel):
    """Exact wording from a document with the citation of that exact unit."""

    text: str
    citation: str
    heading: str
    doc_id: str
    chunk_id: str
    province: str | None = None
    is_news: bool = False
    kind: str = "official"
    so_hieu: str | None = None


class TaskAnswer(BaseModel):
    """Who leads, who helps, by when, what is produced — as the document states them."""

    task: str
    lead: list[str] = Field(default_factory=list)
    partners: list[str] = Field(default_factory=list)
    appraiser: list[str] = Field(default_factory=list)
    deadline: str | None = None
    period: Period | None = None
    product: str | None = None
    quote: Quote


class DocumentTasks(BaseModel):
    """Tasks of one document, for agency and period lists."""

    doc_id: str
    title: str
    province: str | None = None
    tasks: list[TaskAnswer]


class Answer(BaseModel):
    """Everything shown for one question; renderers turn it into text or Telegram HTML."""

    question: str
    intent: Intent
    status: Status
    confidence: float = 0.0
    message: str | None = None
    primary: Quote | None = None
    task: TaskAnswer | None = None
    by_province: list[TaskAnswer | Quote] = Field(default_factory=list)
    groups: list[DocumentTasks] = Field(default_factory=list)
    more_sources: list[Quote] = Field(default_factory=list)
    secondary_news: Quote | None = None
    comparison: list[TaskAnswer] = Field(default_factory=list)
    status_notes: list[str] = Field(default_factory=list)
    deadline: str | None = None
    suggestions: list[str] = Field(default_factory=list)
    related: list[Quote] = Field(
        default_factory=list,
        description="with a declined answer: the nearest passages, shown for the reader to check, not as the answer",
    )

    @property
    def citations(self) -> list[str]:
        """Every citation the answer shows, in order."""
        out = []
        if self.task:
            out.append(self.task.quote.citation)
        elif self.primary:
            out.append(self.primary.citation)
        for item in self.by_province:
            out.append(item.quote.citation if isinstance(item, TaskAnswer) else item.citation)
        out.extend(t.quote.citation for t in self.comparison)
        for group in self.groups:
            out.extend(t.quote.citation for t in group.tasks)
        out.extend(q.citation for q in self.more_sources)
        out.extend(q.citation for q in self.related)
        return list(dict.fromkeys(out))
