"""Cut a document tree into the chunks that are indexed and quoted.

One chunk per Điều of a regulation (split by Khoản when it is long), one per task of a
plan, groups of paragraphs for news, and runs of table rows under their header. No chunk
is longer than the model reads (about 400 tokens) unless it is one indivisible sentence,
and none is a bare heading. Ids are the document id plus the structural path, so they do
not move when other documents change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from corpus.citation import cite, document_phrase
from corpus.models import Chunk, Document, DocumentFacts, Node, NodeKind
from corpus.normalize import fold_accents

MAX_CHUNK_TOKENS = 400
NEWS_GROUP_TOKENS = 220
MIN_CHUNK_WORDS = 4
DECISION_CODE = "qd"  # chunk ids read '<doc>:qd/…' in a decision that issues an instrument
_PART_CODES = {"decision": DECISION_CODE, "instrument": "kt", "body": "vb", "appendix": "pl"}
_REGULATION_KINDS = {NodeKind.PART, NodeKind.CHAPTER, NodeKind.SECTION, NodeKind.ARTICLE}
_SENTENCE_END = re.compile(r"(?<=[.;!?:])\s+(?=[-+•A-ZĐÀ-Ỹ0-9(“\"a-zđ])")


def estimate_tokens(text: str) -> int:
    """Model tokens, roughly: Vietnamese syllables and punctuation marks each count as one."""
    return len(re.findall(r"\w+|[^\w\s]", text))


def _slug(unit: str, label: str) -> str:
    text = fold_accents(f"{unit} {label}".strip()).lower()
    return re.sub(r"[^a-z0-9.]+", "-", text).strip("-")


def _display(unit: str, label: str) -> str:
    text = f"{unit} {label}".strip()
    return text[:1].upper() + text[1:]


def article_heading(node: Node) -> str:
    """'Điều 6. Trách nhiệm của Văn phòng UBND tỉnh' (or 'Điều 1.' for an untitled article)."""
    return f"Điều {node.label}. {node.title}".strip()


def text_without_tables(node: Node) -> str:
    """The unit's text with its descendants, one line per unit, leaving out tables (chunked apart)."""
    lines = [node.text] if node.text else []
    lines.extend(text_without_tables(c) for c in node.children if c.kind != NodeKind.TABLE)
    return "\n".join(line for line in lines if line)


def _tables_in(node: Node) -> list[Node]:
    return [n for n in node.walk()[1:] if n.kind == NodeKind.TABLE]


_BARE_LABEL = re.compile(r"^(?:\d{1,3}(?:\.\d{1,3})*|[a-zđ]|[IVXLC]{1,6}|Bước \d+|Điều \d+)[.:)]$")


def split_sentences(text: str) -> list[str]:
    """Sentences (and list items run together in one line) of a long line; a label stays with its text."""
    out: list[str] = []
    for piece in _SENTENCE_END.split(text):
        if not piece.strip():
            continue
        if out and _BARE_LABEL.match(out[-1]):
            out[-1] = f"{out[-1]} {piece}"
        else:
            out.append(piece)
    return out


def pack_lines(lines: list[str], budget: int) -> list[list[str]]:
    """Greedy groups of lines within a token budget; a line over budget is cut at sentence ends."""
    pieces: list[str] = []
    for line in lines:
        if estimate_tokens(line) <= budget:
            pieces.append(line)
            continue
        current = ""
        for sentence in split_sentences(line):
            if current and estimate_tokens(f"{current} {sentence}") > budget:
                pieces.append(current)
                current = sentence
            else:
                current = f"{current} {sentence}".strip()
        if current:
            pieces.append(current)
    groups: list[list[str]] = []
    size = 0
    for piece in pieces:
        tokens = estimate_tokens(piece)
        if groups and size + tokens <= budget:
            groups[-1].append(piece)
            size += tokens
        else:
            groups.append([piece])
            size = tokens
    return groups


@dataclass
class _Context:
    doc: Document
    part: str
    instrument: str | None
    path: list[str]
    units: list[tuple[str, str]] = field(default_factory=list)
    headings: list[str] = field(default_factory=list)

    def child(self, node: Node) -> _Context:
        label_path = [*self.path, _display(node.unit, node.label)]
        if node.kind in (NodeKind.CHAPTER, NodeKind.PART, NodeKind.SECTION):
            units = self.units
        else:
            units = [*self.units, (node.unit, node.label)]
        heading = node.text.splitlines()[0] if node.text else node.title
        return _Context(self.doc, self.part, self.instrument, label_path, units, [*self.headings, heading])


class _Builder:
    def __init__(self, doc: Document, max_tokens: int) -> None:
        self.doc = doc
        self.max_tokens = max_tokens
        self.chunks: list[Chunk] = []
        self.by_node: dict[int, Chunk] = {}
        self._ids: set[str] = set()
        self.pending: list[str] = []

    @property
    def facts(self) -> DocumentFacts:
        return self.doc.facts

    def _new_id(self, ctx: _Context, units: list[tuple[str, str]]) -> str:
        slug = "/".join(_slug(u, lab) for u, lab in units) or "toan-van"
        chunk_id = f"{self.doc.id}:{_PART_CODES[ctx.part]}/{slug}"
        base, n = chunk_id, 2
        while chunk_id in self._ids:
            chunk_id, n = f"{base}~{n}", n + 1
        self._ids.add(chunk_id)
        return chunk_id

    def _chunk(self, ctx: _Context, kind: NodeKind, heading: str, text: str, units: list[tuple[str, str]],
               columns: list[str] | None = None, row_labels: list[str] | None = None) -> Chunk:  # fmt: skip
        if self.pending:
            text = "\n".join([*self.pending, text.strip()])
            row_labels = [""] * len(self.pending) + row_labels if row_labels else row_labels
            self.pending = []
        return Chunk(
            id=self._new_id(ctx, units),
            doc_id=self.doc.id,
            facts=self.facts,
            kind=kind,
            path=ctx.path,
            heading=heading,
            text=text.strip(),
            citation=cite(self.facts, ctx.part, units, ctx.instrument),
            units=units,
            document=document_phrase(self.facts, ctx.part, ctx.instrument),
            columns=columns or [],
            row_labels=row_labels or [],
        )

    def add(self, ctx: _Context, kind: NodeKind, heading: str, text: str, nodes: list[Node]) -> Chunk | None:
        """Add the text as one chunk, or as several under the same heading when it is too long.

        Every node in ``nodes`` and below maps to the chunk that holds its first line, so that a
        responsibility stated in the third part of a long section is found with that part.
        """
        lines = [ln for ln in text.strip().splitlines() if ln.strip()]
        lead = [lines[0]] if lines and lines[0] == heading else []
        body = lines[len(lead) :] or lines
        budget = max(self.max_tokens - estimate_tokens(heading), self.max_tokens // 2)
        groups = pack_lines(body, budget) if estimate_tokens(text) > self.max_tokens else [body]
        made: list[tuple[set[str], Chunk]] = []
        for group in groups:
            chunk = self._chunk(ctx, kind, heading, "\n".join([*lead, *group]), ctx.units)
            self.chunks.append(chunk)
            made.append(({ln.strip() for ln in group}, chunk))
        if not made:
            return None
        at = 0
        for node in nodes:
            for sub in node.walk():
                first_line = next((ln.strip() for ln in sub.text.splitlines() if ln.strip()), "")
                at = next((k for k in range(at, len(made)) if first_line in made[k][0]), at)
                self.by_node.setdefault(id(sub), made[at][1])
        return made[0][1]

    def table(self, node: Node, ctx: _Context) -> None:
        """Runs of rows within the token budget, each under the table's header and the group row above."""
        header = next((r for r in node.children if r.role == "header"), None)
        heading = next((h for h in reversed(ctx.headings) if h), "") or (ctx.instrument or "")
        top = [ln for ln in (heading, header.text if header else "") if ln]
        budget = max(self.max_tokens - sum(estimate_tokens(t) for t in top), self.max_tokens // 3)
        group: Node | None = None
        run: list[Node] = []

        def flush() -> None:
            if not run:
                return
            labels = [r.label for r in run if r.role == "" and r.label]
            span = f"{labels[0]}–{labels[-1]}" if len(labels) > 1 and labels[0] != labels[-1] else "".join(labels[:1])
            unit = run[0].unit or "dòng"
            units = [*ctx.units, (unit, span)] if span else list(ctx.units)
            lead = [*top, *([group.text] if group is not None and group not in run else [])]
            lines = [*lead, *(r.text for r in run)]
            row_labels = [""] * len(lead) + [r.label if r.role == "" else "" for r in run]
            chunk = self._chunk(ctx, NodeKind.TABLE, heading, "\n".join(lines), units, node.cells, row_labels)
            self.chunks.append(chunk)
            for r in run:
                self.by_node.setdefault(id(r), chunk)
            self.by_node.setdefault(id(node), chunk)
            run.clear()

        size = 0
        for row in node.children:
            if row.role == "header":
                continue
            tokens = estimate_tokens(row.text)
            if row.role == "group":
                flush()
                group, size = row, 0
            if tokens > budget:
                flush()
                self._long_row(row, ctx, heading, top, group, budget)
                size = 0
                continue
            if run and size + tokens > budget:
                flush()
                size = 0
            run.append(row)
            size += tokens
        flush()

    def _long_row(self, row: Node, ctx: _Context, heading: str, top: list[str], group: Node | None,
                  budget: int) -> None:  # fmt: skip
        """A row too long for one chunk (a procedure described in one cell): its sentences, header repeated."""
        unit = row.unit or "dòng"
        units = [*ctx.units, (unit, row.label)] if row.label else list(ctx.units)
        lead = [*top, *([group.text] if group is not None and group is not row else [])]
        first: Chunk | None = None
        for piece in pack_lines([row.text], budget):
            text = "\n".join([*lead, *piece])
            labels = [""] * len(lead) + [row.label] * len(piece)
            chunk = self._chunk(ctx, NodeKind.TABLE, heading, text, units, [], labels)
            self.chunks.append(chunk)
            first = first or chunk
        if first is not None:
            self.by_node.setdefault(id(row), first)

    def tables_of(self, node: Node, ctx: _Context) -> None:
        for table in _tables_in(node):
            self.table(table, ctx)

    def article(self, node: Node, ctx: _Context) -> None:
        actx = ctx.child(node)
        heading = article_heading(node)
        body = text_without_tables(node)
        full = f"{heading}\n{body}" if body else heading
        clauses = [c for c in node.children if c.kind == NodeKind.CLAUSE]
        if estimate_tokens(full) <= self.max_tokens or len(clauses) < 2:
            self.add(actx, NodeKind.ARTICLE, heading, full, [node])
            self.tables_of(node, actx)
            return
        intro = node.text
        for child in node.children:
            if child.kind == NodeKind.TABLE:
                self.table(child, actx)
                continue
            if child.kind != NodeKind.CLAUSE:
                intro = f"{intro}\n{text_without_tables(child)}".strip()
                self.tables_of(child, actx)
                continue
            cctx = actx.child(child)
            lead = f"{heading}\n{intro}" if intro else heading
            self.add(cctx, NodeKind.CLAUSE, heading, f"{lead}\n{text_without_tables(child)}", [child])
            self.tables_of(child, cctx)
        self.by_node.setdefault(id(node), self.chunks[-1])

    def regulation(self, nodes: list[Node], ctx: _Context) -> None:
        loose: list[Node] = []
        for node in nodes:
            if node.kind == NodeKind.ARTICLE:
                self.article(node, ctx)
            elif node.kind in _REGULATION_KINDS:
                if node.title:
                    self.pending.append(f"{node.unit} {node.label}. {node.title}".strip())
                self.regulation(node.children, ctx.child(node))
            elif node.kind == NodeKind.TABLE:
                self.table(node, ctx)
            elif node.kind == NodeKind.PARAGRAPH and node.unit:
                pctx = _Context(ctx.doc, ctx.part, ctx.instrument, [*ctx.path, node.unit], [(node.unit, "")])
                self.add(pctx, NodeKind.PARAGRAPH, node.unit, text_without_tables(node), [node])
                self.tables_of(node, pctx)
            else:
                loose.append(node)
        if loose:
            self.paragraphs(loose, ctx)

    def paragraphs(self, nodes: list[Node], ctx: _Context, start: int = 1) -> None:
        """Group consecutive paragraphs; cited as 'Đoạn 2–3'."""
        group: list[Node] = []
        first = start

        def flush(end: int) -> None:
            if not group:
                return
            label = f"{first}–{end}" if end > first else str(first)
            units = [*ctx.units, ("Đoạn", label)]
            pctx = _Context(ctx.doc, ctx.part, ctx.instrument, [*ctx.path, f"Đoạn {label}"], units)
            text = "\n".join(text_without_tables(n) for n in group)
            self.add(pctx, NodeKind.PARAGRAPH, group[0].text.splitlines()[0][:120], text, list(group))
            for n in group:
                self.tables_of(n, pctx)

        for i, node in enumerate(nodes, start=start):
            if node.kind == NodeKind.TABLE:
                flush(i - 1)
                group, first = [], i + 1
                self.table(node, ctx)
                continue
            tokens = estimate_tokens("\n".join(text_without_tables(n) for n in [*group, node]))
            if group and tokens > NEWS_GROUP_TOKENS:
                flush(i - 1)
                group, first = [], i
            group.append(node)
        flush(start + len(nodes) - 1)

    def outline(self, nodes: list[Node], ctx: _Context) -> None:
        loose = [n for n in nodes if n.kind in (NodeKind.PARAGRAPH, NodeKind.FIELD) and not n.unit]
        if loose:
            self.paragraphs(loose, ctx)
        for node in nodes:
            if node in loose:
                continue
            if node.kind == NodeKind.TABLE:
                self.table(node, ctx)
                continue
            if node.kind == NodeKind.PARAGRAPH and node.unit:
                pctx = _Context(ctx.doc, ctx.part, ctx.instrument, [*ctx.path, node.unit], [(node.unit, "")])
                self.add(pctx, NodeKind.PARAGRAPH, node.unit, text_without_tables(node), [node])
                self.tables_of(node, pctx)
                continue
            nctx = ctx.child(node)
            heading_lines = [h for h in ctx.headings if h]
            if node.kind == NodeKind.TASK or not _splits(node, self.max_tokens):
                heading = heading_lines[-1] if heading_lines else node.text.splitlines()[0]
                text = "\n".join([*heading_lines[-1:], text_without_tables(node)])
                self.add(nctx, node.kind, heading, text, [node])
                self.tables_of(node, nctx)
                continue
            own = [c for c in node.children if c.kind in (NodeKind.PARAGRAPH, NodeKind.FIELD)]
            if own or node.text:
                text = "\n".join([node.text, *(text_without_tables(c) for c in own)])
                chunk = self.add(nctx, node.kind, node.text.splitlines()[0] if node.text else "", text, own)
                if chunk is not None:
                    self.by_node.setdefault(id(node), chunk)
                for c in own:
                    self.tables_of(c, nctx)
            self.outline([c for c in node.children if c not in own], nctx)

    def merge_small(self, first: int) -> None:
        """A chunk of a bare heading or a few words joins the next chunk of its part (or the previous one)."""
        i = first
        while i < len(self.chunks) and len(self.chunks) - first > 1:
            chunk = self.chunks[i]
            lines = chunk.text.splitlines()
            body = lines[1:] if len(lines) > 1 and lines[0] == chunk.heading else lines
            if len(" ".join(body).split()) >= MIN_CHUNK_WORDS:
                i += 1
                continue
            if i + 1 < len(self.chunks):
                target = self.chunks[i + 1]
                target.text = f"{chunk.text}\n{target.text}"
                if target.row_labels:
                    target.row_labels = [""] * len(lines) + target.row_labels
            else:
                target = self.chunks[i - 1]
                target.text = f"{target.text}\n{chunk.text}"
                if target.row_labels:
                    target.row_labels = target.row_labels + [""] * len(lines)
            for key, value in list(self.by_node.items()):
                if value is chunk:
                    self.by_node[key] = target
            del self.chunks[i]


def _splits(node: Node, max_tokens: int) -> bool:
    """A section is cut into its parts when it holds tasks or tables, or numbered parts and is long."""
    if any(n.kind in (NodeKind.TASK, NodeKind.TABLE) for n in node.walk()[1:]):
        return True
    structural = [c for c in node.children if c.kind not in (NodeKind.PARAGRAPH, NodeKind.FIELD)]
    return bool(structural) and estimate_tokens(node.full_text()) > max_tokens // 2


def build_chunks(doc: Document, max_tokens: int = MAX_CHUNK_TOKENS) -> list[Chunk]:
    """Chunks of a document in reading order, each with its citation."""
    return chunk_document(doc, max_tokens)[0]


def _appendix_name(node: Node) -> str:
    return f"{node.unit} {node.label}".strip() if node.unit == "Phụ lục" else node.title or "Phụ lục"


def _parts(doc: Document) -> list[tuple[Node, str, list[Node]]]:
    """(node, part, children) for the main text, each instrument and each appendix, in order."""
    main = [c for c in doc.tree.children if c.kind not in (NodeKind.INSTRUMENT, NodeKind.APPENDIX)]
    parts: list[tuple[Node, str, list[Node]]] = []
    if main and main[0].kind == NodeKind.DECISION:
        parts.append((main[0], "decision", main[0].children))
    elif main:
        parts.append((doc.tree, "body", main))
    for node in doc.tree.children:
        if node.kind == NodeKind.INSTRUMENT:
            parts.append((node, "instrument", node.children))
        elif node.kind == NodeKind.APPENDIX:
            parts.append((node, "appendix", node.children))
    return parts


def chunk_document(doc: Document, max_tokens: int = MAX_CHUNK_TOKENS) -> tuple[list[Chunk], dict[int, Chunk]]:
    """Chunks in reading order and, for every tree node (by ``id``), the chunk that holds it."""
    builder = _Builder(doc, max_tokens)
    for node, part, children in _parts(doc):
        first = len(builder.chunks)
        if part == "appendix":
            name = _appendix_name(node)
            ctx = _Context(doc, part, name, [name], [], [node.text.splitlines()[0] if node.text else name])
        else:
            instrument = node.title if part == "instrument" else None
            root_name = node.title if part != "body" else (doc.facts.loai or "Văn bản").split("(")[0].strip()
            ctx = _Context(doc, part, instrument, [root_name])
        if part in ("instrument", "appendix") and node.text:
            builder.pending.append(" ".join(node.text.splitlines()))
        if any(c.kind in _REGULATION_KINDS for c in children):
            builder.regulation(children, ctx)
        elif all(c.kind == NodeKind.PARAGRAPH and not c.children for c in children):
            builder.paragraphs(children, ctx)
        else:
            builder.outline(children, ctx)
        for table in (t for c in children for t in c.walk() if t.kind == NodeKind.TABLE):
            if id(table) not in builder.by_node:
                builder.table(table, ctx)  # a table inside a unit no rule above visited
        builder.merge_small(first)
    return builder.chunks, builder.by_node
