"""Which documents a document replaces, repeals, amends or ends the force of, read from its own clauses.

Only operative clauses count: a clause that opens with the verb ('Bãi bỏ Quyết định số …',
'Sửa đổi, bổ sung khoản 2 Điều 12 của Quy định kèm theo Nghị quyết số …'), a sentence whose subject
is the document itself ('Quyết định này có hiệu lực … và thay thế Quyết định số …'), or a sentence
that declares other documents expired ('Quyết định số … hết hiệu lực kể từ …'). The preamble (title,
'Căn cứ …', 'Xét …', 'Theo đề nghị …') and furniture (the website's 'Văn bản thay thế' boxes) are not
read, and a document mentioned only to describe a target ('Quyết định số X về sửa đổi, bổ sung
Quyết định số Y') is not a target. A clause with the verb and no number of its own ('2. Bãi bỏ một
số khoản như sau:') takes the target of the article it stands in; one that ends with ':' and names
no document ('Bãi bỏ các Quyết định sau:') takes the documents listed under it.

The status of a document follows from the relations of the others: matched by số hiệu (spaces,
case and leading zeros aside), and by date and province where both sides state them, because
numbers without a year ('1879/QĐ-UBND') repeat across provinces and years.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from pydantic import BaseModel, Field

from corpus.citation import numbered_phrase, unit_phrase
from corpus.models import Document, DocumentFacts, Node, NodeKind, Relation
from corpus.provinces import find_provinces

RELATIONS = ("replaces", "repeals", "amends", "expires")
PREAMBLE = "Phần mở đầu"

_KINDS = (
    r"Thông tư liên tịch|Quyết định|Nghị quyết|Nghị định|Thông tư|Kế hoạch|Chỉ thị|Quy định|Quy chế|"
    r"Hướng dẫn|Công văn|Văn bản|Thông báo|Pháp lệnh|Luật"
)
_CODE_KINDS = {
    "QĐ": "Quyết định",
    "NQ": "Nghị quyết",
    "NĐ": "Nghị định",
    "TT": "Thông tư",
    "TTLT": "Thông tư liên tịch",
    "KH": "Kế hoạch",
    "CT": "Chỉ thị",
    "QH": "Luật",
}
_NUMBER = r"\d{1,5}[a-z]?(?:\s?/\s?\d{2,4})?\s?/\s?[A-ZĐ][A-ZĐa-zđ0-9&]*(?:\s?-\s?[A-ZĐ0-9][A-ZĐa-zđ0-9&]*)*"
_REF = re.compile(rf"(?<![\w/])(?:(?P<kind>(?i:{_KINDS}))\s+(?:(?i:số)\s*)?|(?i:số)\s*)?(?P<num>{_NUMBER})")
_DATE = re.compile(
    r"\s*,?\s*(?i:ngày)\s+(?:(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})|(\d{1,2})\s+(?i:tháng)\s+(\d{1,2})\s+(?i:năm)\s+(\d{4}))"
)
_ISSUER = re.compile(
    r"\s*(?i:của)\s+(?:(?i:của)\s+)?(.{3,90}?)(?=\s+(?i:về|ban hành|quy định|phê duyệt|sửa đổi|bổ sung|hướng dẫn|"
    r"thành lập|triển khai|bãi bỏ|công bố|giao|hết hiệu lực|thay thế)\b|\s*[;,.:(“\"]|"
    r"\s+(?i:và)\s+(?i:" + _KINDS + r")|$)"
)
_TRIGGERS: list[tuple[str, str]] = [
    ("replaces", r"thay\s+thế"),
    ("repeals", r"bãi\s+bỏ"),
    ("amends", r"sửa\s+đổi(?:\s*,?\s*bổ\s+sung)?"),
    ("amends", r"bổ\s+sung(?=\s+(?:Điều|khoản|điểm|Phụ lục|Mục|Chương|cụm từ|một số (?:điều|khoản|nội dung)))"),
    ("expires", r"hết\s+hiệu\s+lực(?:\s+thi\s+hành)?"),
]
_TRIGGER = re.compile("|".join(f"(?P<{name}{i}>{p})" for i, (name, p) in enumerate(_TRIGGERS)), re.IGNORECASE)
_MARKER = re.compile(r"^\s*(?:(?:Điều\s+\d+[a-zđ]?\s*[.:]|\(?\d+(?:\.\d+)*[.)]|\(?[a-zđ]\)|[-+•*–])\s*)+")
_OPENER = re.compile(r"^(?:(?:Nay|Đồng thời)\s*,?\s*)?", re.IGNORECASE)
_SELF = re.compile(rf"(?i)\b(?:{_KINDS}|Điều lệ|Chương trình|Đề án)\s+(?:này\b|(?=có hiệu lực\b))")
_SELF_BLOCK = re.compile(r"(?i)\b(?:được|bị|khi|nếu|trường hợp|trừ)\b")
_CONDITION = re.compile(r"(?i)\b(?:trường hợp|nếu|khi|sau khi|được sửa đổi|bị sửa đổi)\b")
_INTRO = re.compile(
    r"(?i)\b(?:sửa đổi|bổ sung|thay thế|bãi bỏ|hết hiệu lực|quy định tại|hướng dẫn|thi hành|tại|theo|căn cứ|"
    r"được|kèm theo)\b"
)
_PLURAL = re.compile(r"(?i)\b(?:các|những)\b|:")
_AMENDING = re.compile(r"(?i)sửa đổi|bổ sung|thay thế|bãi bỏ")
_FIRST_BLOCK = re.compile(r"(?i)\b(?:căn cứ|theo quy định|hướng dẫn thi hành)\b")
_PART_BLOCK = re.compile(
    r"(?i)\b(?:sửa đổi|bổ sung|thay thế|bãi bỏ|được|căn cứ|theo quy định|hướng dẫn|quy định tại)\b"
)
_COORDINATED = re.compile(r"(?i)(?:,|;|\bvà|\bhoặc|\bvà các|\bcùng)\s*$")
_PART = re.compile(
    r"(?i)\b(?:khoản|điểm|điều|phụ lục|mục|chương|phần|cụm từ|từ|một số|một phần|nội dung|quy trình|số thứ tự|"
    r"tiết|dòng|cột|biểu|quy định|thủ tục|TTHC|danh mục)\b"
)
_WHOLE = re.compile(r"(?i)\btoàn bộ\b")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZĐÀ-Ỹ“\"(])|(?<=\.)\s*(?=\()")
_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"")
_WORD = re.compile(r"\w+")
_FIRST_GAP_WORDS = 60
_ITEM_BLOCK = re.compile(
    r"(?i)\b(?:sửa đổi|bổ sung|quy định tại|hướng dẫn|căn cứ|thực hiện|lý do|(?<!kèm )theo|được|áp dụng)\b"
)
_ITEM_PREFIX_WORDS = 10
_PART_ITEM_PREFIX_WORDS = 30
_PART_LIST = re.compile(r"(?i)^\s*(?:các\s+|toàn bộ\s+)?(?:khoản|điểm|điều|phụ lục|mục|chương|phần)\b")
_PART_PREFIX_WORDS = 15
_SUBJECT_WORDS = 35
# 'Các nội dung khác còn lại hết hiệu lực …' speaks of the document the clause named before.
_REMAINDER = re.compile(r"(?i)^(?:các|những)?\s*(?:nội dung|phần|quy định|điều, khoản)\s+(?:khác\s+)?còn lại\b")


@dataclass
class _Ref:
    start: int
    end: int
    so_hieu: str
    kind: str | None
    date: dt.date | None
    issuer: str | None


class DocumentStatus(BaseModel):
    """What the loaded documents say about one document's force, as people read it."""

    in_force: bool = True
    label: str = "còn hiệu lực"
    notes: list[str] = Field(default_factory=list)
    by: list[str] = Field(default_factory=list)


def normalize_so_hieu(so_hieu: str) -> str:
    """'07/2022/QĐ- UBND' → '7/2022/QĐ-UBND': spaces, case and leading zeros do not tell numbers apart."""
    text = re.sub(r"\s+", "", so_hieu).upper()
    return "/".join(part.lstrip("0") or "0" for part in text.split("/"))


def _words(text: str) -> int:
    return len(_WORD.findall(text))


def _date(match: re.Match[str]) -> dt.date | None:
    d, m, y = (match[1], match[2], match[3]) if match[1] else (match[4], match[5], match[6])
    try:
        return dt.date(int(y), int(m), int(d))
    except ValueError:
        return None


def _kind(kind_word: str | None, number: str) -> str | None:
    if kind_word:
        return kind_word[:1].upper() + kind_word[1:].lower()
    code = re.split(r"/", number)[-1].split("-")[0]
    code = re.sub(r"\d+$", "", code)
    return _CODE_KINDS.get(code.upper())


def _refs(text: str) -> list[_Ref]:
    """Document numbers in a text, with the date and issuer printed after them."""
    out = []
    for m in _REF.finditer(text):
        number = re.sub(r"\s+", "", m["num"])
        kind = _kind(m["kind"], number)
        if kind is None:
            continue
        end = m.end()
        date = None
        issuer = None
        dm = _DATE.match(text, end)
        if dm:
            date = _date(dm)
            end = dm.end()
        im = _ISSUER.match(text, end)
        if im:
            issuer = im[1].strip()
        out.append(_Ref(m.start(), m.end(), number, kind, date, issuer))
    return out


def _trigger_name(match: re.Match[str]) -> str:
    return re.sub(r"\d+$", "", next(k for k, v in match.groupdict().items() if v is not None))


def _triggers(text: str) -> list[tuple[str, int, int]]:
    out = []
    for m in _TRIGGER.finditer(text):
        name = next(k for k, v in m.groupdict().items() if v is not None)
        out.append((re.sub(r"\d+$", "", name), m.start(), m.end()))
    return out


def _opening_triggers(text: str) -> tuple[list[str], int] | None:
    """Relations named by the verbs a clause opens with ('Thay thế, bãi bỏ …'), and where they end."""
    body = _MARKER.sub("", text)
    offset = len(text) - len(body)
    opener = _OPENER.match(body)
    pos = opener.end() if opener else 0
    names: list[str] = []
    end = None
    while True:
        m = _TRIGGER.match(body, pos)
        if not m:
            break
        names.append(re.sub(r"\d+$", "", next(k for k, v in m.groupdict().items() if v is not None)))
        end = m.end()
        sep = re.match(r"\s*(?:,|và|hoặc|/)\s*", body[end:], re.IGNORECASE)
        if not sep:
            break
        pos = end + sep.end()
    if not names or "expires" in names:
        return None
    return list(dict.fromkeys(names)), offset + end


def _segments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """[start, end) cut at ';' — each part may name a target of its own."""
    bounds = [start] + [start + m.end() for m in re.finditer(";", text[start:end])]
    return list(zip(bounds, [*bounds[1:], end], strict=True))


def _pick(
    text: str, refs: list[_Ref], start: int, end: int, first_gap_words: int, verbs: set[str] | None = None
) -> list[tuple[_Ref, str]]:
    """Targets among the refs in text[start:end]: the first of each ';'-part and those coordinated with it.

    The first part's first ref may stand up to ``first_gap_words`` words after ``start`` (the verb);
    a later part's first ref must open it. A ref introduced by another verb ('về sửa đổi, bổ sung
    Quyết định số …', 'quy định tại …') describes a target and is skipped, as is everything after
    it in that part. A part that repeats one of ``verbs`` ('…; bãi bỏ điểm b … Nghị định số …') reads
    as if the verb were not there. Each target comes with the words before it in its part, which
    tell its scope.
    """
    targets: list[tuple[_Ref, str]] = []
    describing = False  # an amending verb describes a single target; its own list may run on past ';'
    plural = False  # 'thay thế các Quyết định: …' announces several targets
    for i, (s, e) in enumerate(_segments(text, start, end)):
        inside = [r for r in refs if s <= r.start < e]
        last: _Ref | None = None
        for ref in inside:
            if last is None:
                if describing:
                    break
                gap = text[s : ref.start]
                if i and verbs and (again := _TRIGGER.match(gap.lstrip())) and _trigger_name(again) in verbs:
                    gap = gap.lstrip()[again.end() :]
                limit = first_gap_words if i == 0 else _PART_PREFIX_WORDS
                if _PART_LIST.match(gap):
                    limit = max(limit, _PART_ITEM_PREFIX_WORDS)
                blocked = _FIRST_BLOCK if i == 0 else _PART_BLOCK
                if _words(gap) > limit or blocked.search(_QUOTED.sub(" ", gap)):
                    break
                plural = plural or bool(_PLURAL.search(gap))
                targets.append((ref, gap))
                last = ref
                continue
            gap = text[last.end : ref.start]
            intro = _INTRO.search(gap)
            if intro:
                describing = bool(_AMENDING.fullmatch(intro.group(0))) and not plural
                break
            if _COORDINATED.search(gap):
                targets.append((ref, text[s : ref.start]))
                last = ref
    return targets


def _scope(relation: str, prefix: str) -> str:
    if _WHOLE.search(prefix):
        return "whole"
    if _PART.search(_QUOTED.sub(" ", prefix)):
        return "part"
    return "part" if relation == "amends" else "whole"


@dataclass
class _Found:
    relation: str
    scope: str
    ref: _Ref
    quote: str


def _sentences(line: str) -> list[tuple[int, str]]:
    out, pos = [], 0
    for m in _SENTENCE.finditer(line):
        out.append((pos, line[pos : m.start()]))
        pos = m.end()
    out.append((pos, line[pos:]))
    return [(p, s) for p, s in out if s.strip()]


class _Reader:
    """Walks the body tree in order, carrying the article's target and an open list."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.own = normalize_so_hieu(document.facts.so_hieu or "") if document.facts.so_hieu else None
        self.found: list[tuple[_Found, str]] = []
        self.pending: list[str] | None = None
        self.in_title = False
        self.line_refs: list[_Ref] = []

    # ------------------------------------------------------------------ one sentence
    def sentence(self, text: str, context: list[_Ref]) -> tuple[list[_Found], list[str] | None]:
        """Relations a sentence states, and the relations a list after it would continue."""
        clean = _QUOTED.sub(lambda m: " " * len(m.group(0)), text)
        refs = [r for r in _refs(clean) if normalize_so_hieu(r.so_hieu) != self.own]
        found: list[_Found] = []
        opening = _opening_triggers(clean)
        if opening:
            names, end = opening
            targets = _pick(clean, refs, end, len(clean), _FIRST_GAP_WORDS, set(names))
            if targets:
                names += self._second_verbs(clean, end, targets[0][0].start, names)
            return self._emit(names, clean, end, targets, context, text)
        for name, t_start, t_end in _triggers(clean):
            if name == "expires":
                return self._expires(clean, refs, t_start, t_end, text)
            subject = [m for m in _SELF.finditer(clean[:t_start])]
            if not subject:
                continue
            gap = clean[subject[-1].end() : t_start]
            if _words(gap) > 25 or _SELF_BLOCK.search(gap) or any(subject[-1].end() <= r.start < t_start for r in refs):
                continue
            names = [name]
            tail = re.match(r"\s*(?:,|và|hoặc)\s*", clean[t_end:], re.IGNORECASE)
            if tail:
                more = _TRIGGER.match(clean, t_end + tail.end())
                if more:
                    names.append(re.sub(r"\d+$", "", next(k for k, v in more.groupdict().items() if v)))
                    t_end = more.end()
            targets = _pick(clean, refs, t_end, len(clean), _FIRST_GAP_WORDS)
            return self._emit(list(dict.fromkeys(names)), clean, t_end, targets, [], text)
        return found, None

    @staticmethod
    def _second_verbs(clean: str, end: int, first_target: int, names: list[str]) -> list[str]:
        """Verbs joined to the opening one before the first target ('Sửa đổi … và bãi bỏ … tại …')."""
        out = []
        for name, start, _ in _triggers(clean[end:first_target]):
            joined = re.search(r"(?i)(?:,|\bvà)\s*$", clean[: end + start])
            if name != "expires" and name not in names + out and joined:
                out.append(name)
        return out

    def _emit(
        self, names: list[str], clean: str, end: int, targets: list[tuple[_Ref, str]], context: list[_Ref], text: str
    ) -> tuple[list[_Found], list[str] | None]:
        if not targets:
            rest = clean[end:].rstrip()
            if rest.endswith(":") and not re.search(r"(?i)như sau\s*:$", rest):
                return [], names
            if self.in_title and re.search(r"(?i)\b(?:các|những)\b", rest) and not _refs(rest):
                return [], names  # 'Điều 1. Bãi bỏ các quyết định' heads the list of its clauses
            if context and not _refs(clean[end:]):
                return [_Found(n, "part", ref, text.strip()) for n in names for ref in context[:1]], None
            return [], None
        out = []
        for ref, prefix in targets:
            for name in names:
                out.append(_Found(name, _scope(name, prefix), ref, text.strip()))
        return out, None

    def _expires(
        self, clean: str, refs: list[_Ref], t_start: int, t_end: int, text: str
    ) -> tuple[list[_Found], list[str] | None]:
        after = clean[t_end:]
        colon = after.find(":")
        if colon != -1 and not [r for r in refs if t_end <= r.start < t_end + colon]:
            start = t_end + colon + 1
            targets = _pick(clean, refs, start, len(clean), _ITEM_PREFIX_WORDS)
            if not targets:
                return [], ["expires"] if not clean[start:].strip() else None
            return [_Found("expires", _scope("expires", p), r, text.strip()) for r, p in targets], None
        before = clean[:t_start]
        if _CONDITION.search(before):
            return [], None
        head = _MARKER.sub("", before)
        offset = len(before) - len(head)
        targets = _pick(clean, [r for r in refs if r.start < t_start], offset, t_start, _SUBJECT_WORDS)
        if not targets and self.line_refs and _REMAINDER.match(head):
            return [_Found("expires", "part", self.line_refs[0], text.strip())], None
        return [_Found("expires", _scope("expires", p), r, text.strip()) for r, p in targets], None

    # ------------------------------------------------------------------ lines and list items
    def item(self, line: str) -> list[_Found]:
        """A line under an open list: its first document, if the line opens with it."""
        clean = _QUOTED.sub(lambda m: " " * len(m.group(0)), line)
        refs = [r for r in _refs(clean) if normalize_so_hieu(r.so_hieu) != self.own]
        body = _MARKER.sub("", clean)
        offset = len(clean) - len(body)
        if not refs:
            return []
        prefix = clean[offset : refs[0].start]
        limit = _PART_ITEM_PREFIX_WORDS if _PART_LIST.match(prefix) else _ITEM_PREFIX_WORDS
        if _words(prefix) > limit or _ITEM_BLOCK.search(prefix):
            return []
        targets = _pick(clean, refs, offset, len(clean), limit)
        assert self.pending is not None
        return [_Found(name, _scope(name, p), r, line.strip()) for r, p in targets for name in self.pending]

    def line(self, line: str, where: str, context: list[_Ref]) -> list[_Found]:
        """Relations stated in one line of a unit (a list item continues the open list)."""
        if re.match(r"^\s*(?:[-–]\s*)?(?:Căn cứ|Xét|Theo đề nghị)\b", line):
            self.pending = None
            return []
        if self.pending:
            items = self.item(line)
            if items:
                return items
            self.pending = None
        out: list[_Found] = []
        self.line_refs = []
        for _, sentence in _sentences(line):
            found, pending = self.sentence(sentence, context)
            out.extend(found)
            self.line_refs += [r for r in _refs(sentence) if normalize_so_hieu(r.so_hieu) != self.own]
            if pending:
                self.pending = pending
        return out

    # ------------------------------------------------------------------ the tree
    def walk(self, node: Node, units: list[tuple[str, str]], context: list[_Ref]) -> None:
        if node.unit == PREAMBLE or node.kind == NodeKind.APPENDIX:
            return
        here = [*units, (node.unit, node.label)] if node.unit and node.label else units
        where = unit_phrase(here) if here else ""
        own: list[_Found] = []
        lines = []
        if node.kind == NodeKind.ARTICLE and node.title:
            lines.append(node.title)
        if node.kind not in (NodeKind.TABLE, NodeKind.ROW):
            lines.extend(node.text.splitlines())
        for k, line in enumerate(lines):
            self.in_title = k == 0 and node.kind == NodeKind.ARTICLE and bool(node.title)
            found = self.line(line, where, context)
            own.extend(found)
            self.found.extend((f, where) for f in found)
        targets = [f.ref for f in own if f.relation in ("amends", "replaces", "repeals")]
        inner = targets[:1] if node.kind == NodeKind.ARTICLE and targets else context
        for child in node.children:
            self.walk(child, here, inner)


def _title_targets(title: str) -> list[_Ref]:
    """The document a title says this one amends, replaces or repeals ('Sửa đổi, bổ sung … Nghị quyết số …').

    Clauses that carry only the verb ('Sửa đổi, bổ sung quy định về phí … (Chi tiết tại Phụ lục)')
    refer to it.
    """
    text = re.sub(r"(?i)^\s*(?:về việc|về|v/v)\s+", "", title)
    opening = _opening_triggers(text)
    if not opening:
        return []
    return [ref for ref, _ in _pick(text, _refs(text), opening[1], len(text), _FIRST_GAP_WORDS)[:1]]


def extract_relations(document: Document) -> list[Relation]:
    """Every relation the document's clauses state, one per (relation, target), in document order."""
    reader = _Reader(document)
    reader.walk(document.tree, [], _title_targets(document.tree.title or document.facts.trich_yeu or ""))
    out: list[Relation] = []
    seen: set[tuple[str, str]] = set()
    for found, where in reader.found:
        key = (found.relation, normalize_so_hieu(found.ref.so_hieu))
        if key in seen:
            continue
        seen.add(key)
        out.append(
            Relation(
                doc_id=document.id,
                relation=found.relation,
                scope=found.scope,
                target_so_hieu=found.ref.so_hieu,
                target_kind=found.ref.kind,
                target_date=found.ref.date,
                target_issuer=found.ref.issuer,
                quote=found.quote[:400],
                where=where,
            )
        )
    return out


# ---------------------------------------------------------------------------- status
_VERB = {
    ("replaces", "whole"): "bị thay thế bởi",
    ("repeals", "whole"): "bị bãi bỏ bởi",
    ("expires", "whole"): "hết hiệu lực theo",
    ("replaces", "part"): "bị thay thế một phần bởi",
    ("repeals", "part"): "bị bãi bỏ một phần bởi",
    ("expires", "part"): "hết hiệu lực một phần theo",
    ("amends", "part"): "được sửa đổi, bổ sung bởi",
    ("amends", "whole"): "được sửa đổi, bổ sung bởi",
}
_ENDS_FORCE = {"replaces", "repeals", "expires"}


def target_province(relation: Relation, source: DocumentFacts | None) -> str | None:
    """The province a relation's target belongs to: named in its issuer, else the issuing document's own."""
    if relation.target_issuer:
        named = find_provinces(relation.target_issuer)
        if named:
            return named[0]
        if re.search(r"(?i)\b(?:tỉnh|thành phố)\s*$", relation.target_issuer) and source:
            return source.tinh
    return None


def refers_to(relation: Relation, facts: DocumentFacts, source: DocumentFacts | None = None) -> bool:
    """Whether a relation's target is this document: same number, and same date and province where known."""
    if not facts.so_hieu or normalize_so_hieu(relation.target_so_hieu) != normalize_so_hieu(facts.so_hieu):
        return False
    if relation.target_date and facts.ngay_ban_hanh and relation.target_date != facts.ngay_ban_hanh:
        return False
    province = target_province(relation, source)
    return not (province and facts.tinh and province != facts.tinh)


def source_phrase(facts: DocumentFacts) -> str:
    """'Quyết định số 925/QĐ-UBND ngày 17/4/2018 của UBND tỉnh Kiên Giang' for a relation's source."""
    return numbered_phrase((facts.loai or "Văn bản").split("(")[0].strip(), facts)


def document_status(
    facts: DocumentFacts, relations: Iterable[Relation], sources: dict[str, DocumentFacts]
) -> DocumentStatus:
    """The document's status from every relation that targets it ('còn hiệu lực' when none does)."""
    notes: list[str] = []
    ending: list[str] = []
    by: list[str] = []
    for relation in relations:
        source = sources.get(relation.doc_id)
        if relation.doc_id == facts.id or not refers_to(relation, facts, source):
            continue
        phrase = source_phrase(source) if source else relation.doc_id
        note = f"{_VERB[(relation.relation, relation.scope)]} {phrase}"
        if note in notes:
            continue
        notes.append(note)
        by.append(relation.doc_id)
        if relation.relation in _ENDS_FORCE and relation.scope == "whole":
            ending.append(note)
    if not notes:
        return DocumentStatus()
    label = ending[0] if ending else notes[0]
    return DocumentStatus(in_force=not ending, label=label, notes=notes, by=list(dict.fromkeys(by)))
