"""Task records: who leads, who helps, who appraises, what is produced and by when.

They come from plan tasks with labelled fields, from tasks grouped under the agency
responsible (directives), from articles titled 'Trách nhiệm của …', and from sentences
that open with an agency and its duty ('Sở Tài chính có trách nhiệm hướng dẫn …').
"""

from __future__ import annotations

import re

from corpus.agencies import split_agencies, starts_with_agency
from corpus.deadlines import parse_period
from corpus.models import Agency, Chunk, Document, Node, NodeKind, SubTask, TaskRecord

_LABEL = re.compile(r"^(?:[IVXLC]+|\d+(?:\.\d+)*|[a-zđ])[.)]\s+|^[-+–•*]\s+")
_DUTY_TITLE = re.compile(
    r"^(?:Trách nhiệm|Nhiệm vụ|Nhiệm vụ, quyền hạn|Trách nhiệm thực hiện) của\s+(.+)$", re.IGNORECASE
)
_DUTY_VERB = (
    r"có trách nhiệm|chịu trách nhiệm|chủ trì|làm đầu mối|là cơ quan đầu mối|giúp|tham mưu|hướng dẫn"
    r"|tổ chức|xây dựng|lập|phối hợp(?: với)?|theo dõi"
)
_DUTY_SENTENCE = re.compile(
    rf"^(?P<agency>[^;:]{{3,90}}?)(?:,\s*với vai trò[^,]*,)?\s+(?P<verb>{_DUTY_VERB})\b\s*(?P<rest>.*)$"
)
_PARTNER_THEN_VERB = re.compile(
    r"^(?P<partner>.+?)\s+(?:lập|xây dựng|tổ chức|thực hiện|triển khai|hướng dẫn|theo dõi|kiểm tra|đánh giá"
    r"|tham mưu|trong|để|về|tại)\b"
)
_PARTNER_LIST = re.compile(r"phối hợp với\s+(?P<lead>.+?)\s+(?:thực hiện|trong)\b.*\bgồm\s*:?\s*$", re.IGNORECASE)
_YEAR = re.compile(r"năm\s+(\d{4})")


def strip_label(text: str) -> str:
    """'c) Xây dựng …' → 'Xây dựng …'."""
    return _LABEL.sub("", text.strip(), count=1)


def _field_value(node: Node) -> str:
    items = [node.title] if node.title else []
    items.extend(strip_label(c.full_text()) for c in node.children)
    return "; ".join(i.rstrip(";") for i in items if i)


def _fields(node: Node) -> dict[str, Node]:
    """Fields a node owns directly, with 'Cơ quan thực hiện:' opened to the lead/partner lines inside it."""
    found: dict[str, Node] = {}
    for child in node.children:
        if child.kind != NodeKind.FIELD:
            continue
        found.setdefault(child.role, child)
    return found


def _default_year(doc: Document) -> int | None:
    if doc.facts.trich_yeu and (m := _YEAR.search(doc.facts.trich_yeu)):
        return int(m.group(1))
    return doc.facts.ngay_ban_hanh.year if doc.facts.ngay_ban_hanh else None


def _agency_heading(node: Node) -> list[Agency]:
    """'2. Sở Khoa học và Công nghệ' heads the tasks below it in a directive."""
    text = strip_label(node.text.splitlines()[0]) if node.text else ""
    if not text or len(text) > 140 or text.endswith((".", ":")) or not starts_with_agency(text):
        return []
    agencies = split_agencies(text)
    return agencies if agencies and all(starts_with_agency(a.wording) for a in agencies) else []


class _Extractor:
    def __init__(self, doc: Document, by_node: dict[int, Chunk]) -> None:
        self.doc = doc
        self.by_node = by_node
        self.year = _default_year(doc)
        self.records: list[TaskRecord] = []

    def record(self, node: Node, task: str, **fields: object) -> TaskRecord | None:
        chunk = self.by_node.get(id(node))
        if chunk is None or not fields.get("lead"):
            return None
        n = sum(1 for r in self.records if r.chunk_id == chunk.id)
        rec = TaskRecord(
            id=f"{chunk.id}#{n + 1}",
            doc_id=self.doc.id,
            chunk_id=chunk.id,
            citation=chunk.citation,
            path=chunk.path,
            tinh=self.doc.facts.tinh,
            task=task,
            **fields,  # type: ignore[arg-type]
        )
        self.records.append(rec)
        return rec

    def plan_task(self, node: Node, heading_agencies: list[Agency]) -> TaskRecord | None:
        fields = _fields(node)
        subs: list[SubTask] = []
        for child in node.children:
            if child.kind == NodeKind.SUBTASK:
                cf = _fields(child)
                subs.append(
                    SubTask(
                        task=strip_label(child.text).rstrip(":"),
                        lead=split_agencies(_field_value(cf["lead"])) if "lead" in cf else [],
                        partners=split_agencies(_field_value(cf["partners"])) if "partners" in cf else [],
                    )
                )
        if "executors" in fields:
            for inner in node.children:
                if inner.kind == NodeKind.FIELD and inner.role in ("lead", "partners"):
                    fields.setdefault(inner.role, inner)
        lead_text = _field_value(fields["lead"]) if "lead" in fields else None
        lead = split_agencies(lead_text) if lead_text else []
        for sub in subs:
            lead.extend(a for a in sub.lead if a.name not in {x.name for x in lead})
        if not lead and heading_agencies:
            lead = list(heading_agencies)
        task = _field_value(fields["task"]) if "task" in fields else strip_label(node.text)
        deadline = _field_value(fields["deadline"]) if "deadline" in fields else None
        return self.record(
            node,
            task=task.rstrip(":") or strip_label(node.text),
            lead=lead,
            lead_text=lead_text,
            partners=split_agencies(_field_value(fields["partners"])) if "partners" in fields else [],
            partners_text=_field_value(fields["partners"]) if "partners" in fields else None,
            appraiser=split_agencies(_field_value(fields["appraiser"])) if "appraiser" in fields else [],
            appraiser_text=_field_value(fields["appraiser"]) if "appraiser" in fields else None,
            product=_field_value(fields["product"]) if "product" in fields else None,
            deadline=deadline,
            period=parse_period(deadline, self.year),
            sub_parts=subs,
        )

    def duty_sentence(self, node: Node, text: str) -> TaskRecord | None:
        m = _DUTY_SENTENCE.match(text)
        if not m or not starts_with_agency(m["agency"]) or m["rest"].startswith("thi hành"):
            return None
        agencies = [a for a in split_agencies(m["agency"]) if not a.generic]
        if not agencies or len(m["agency"].split()) > 14:
            return None
        partners: list[Agency] = []
        if m["verb"].startswith("phối hợp") and (pm := _PARTNER_THEN_VERB.match(m["rest"])):
            partners = [a for a in split_agencies(pm["partner"]) if starts_with_agency(a.wording)]
        return self.record(node, task=strip_label(text), lead=agencies, lead_text=m["agency"], partners=partners)

    def walk(self, node: Node, heading_agencies: list[Agency], article: Node | None) -> None:
        if node.kind == NodeKind.TASK:
            done = (_fields(node) or heading_agencies) and self.plan_task(node, heading_agencies)
            if not done and node.text:
                self.duty_sentence(node, strip_label(node.text))
        elif node.kind == NodeKind.ARTICLE:
            article = node
            if m := _DUTY_TITLE.match(node.title):
                agencies = [a for a in split_agencies(m.group(1)) if not a.generic]
                if agencies and all(starts_with_agency(a.wording) for a in agencies):
                    self.record(node, task=node.title, lead=agencies, lead_text=m.group(1))
            if node.text:
                self.duty_sentence(node, node.text)
        elif node.kind in (NodeKind.CLAUSE, NodeKind.PARAGRAPH, NodeKind.PLAN_AREA, NodeKind.POINT) and node.text:
            rec = self.duty_sentence(node, strip_label(node.text.splitlines()[0]))
            if rec is None and article is not None:
                self.partner_list(node, article)
        below = _agency_heading(node) if node.kind in (NodeKind.PLAN_AREA, NodeKind.PLAN_SUBAREA) else []
        for child in node.children:
            if node.kind != NodeKind.TASK:
                self.walk(child, below or heading_agencies, article)

    def partner_list(self, node: Node, article: Node) -> None:
        """'Các cơ quan có trách nhiệm phối hợp với Sở Nội vụ … gồm:' followed by a list of points."""
        m = _PARTNER_LIST.search(strip_label(node.text))
        if not m:
            return
        partners = [a for p in node.children if p.kind == NodeKind.POINT for a in split_agencies(strip_label(p.text))]
        lead_key = {a.name for a in split_agencies(m["lead"])}
        chunk = self.by_node.get(id(article))
        for rec in self.records:
            if chunk and rec.chunk_id == chunk.id and lead_key & {a.name for a in rec.lead}:
                rec.partners = partners
                rec.partners_text = "; ".join(strip_label(p.text).rstrip(";.") for p in node.children)
                return
        self.record(node, task=strip_label(node.text), lead=split_agencies(m["lead"]), partners=partners)


def extract_tasks(doc: Document, by_node: dict[int, Chunk]) -> list[TaskRecord]:
    """Every task record of a document, in reading order."""
    extractor = _Extractor(doc, by_node)
    for child in doc.tree.children:
        extractor.walk(child, [], None)
    return extractor.records
