"""Cut a document tree into the chunks that are indexed and quoted.

One chunk per Điều of a regulation (split by Khoản when it is long), one per task of a
plan, and groups of paragraphs for news. Ids are the document id plus the structural
path, so they do not move when other documents change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from corpus.citation import cite, document_phrase
from corpus.models import Chunk, Document, DocumentFacts, Node, NodeKind
from corpus.normalize import fold_accents

MAX_CHUNK_TOKENS = 400
NEWS_GROUP_TOKENS = 220
_PART_CODES = {"decision": "qd", "instrument": "kt", "body": "vb"}
_REGULATION_KINDS = {NodeKind.PART, NodeKind.CHAPTER, NodeKind.SECTION, NodeKind.ARTICLE}


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

    @property
    def facts(self) -> DocumentFacts:
        return self.doc.facts

    def add(self, ctx: _Context, kind: NodeKind, heading: str, text: str, nodes: list[Node]) -> None:
        units = ctx.units
        slug = "/".join(_slug(u, lab) for u, lab in units) or "toan-van"
        chunk_id = f"{self.doc.id}:{_PART_CODES[ctx.part]}/{slug}"
        base, n = chunk_id, 2
        while chunk_id in self._ids:
            chunk_id, n = f"{base}~{n}", n + 1
        self._ids.add(chunk_id)
        chunk = Chunk(
            id=chunk_id,
            doc_id=self.doc.id,
            facts=self.facts,
            kind=kind,
            path=ctx.path,
            heading=heading,
            text=text.strip(),
            citation=cite(self.facts, ctx.part, units, ctx.instrument),
            units=units,
            document=document_phrase(self.facts, ctx.part, ctx.instrument),
        )
        self.chunks.append(chunk)
        for node in nodes:
            for sub in node.walk():
                self.by_node.setdefault(id(sub), chunk)

    def article(self, node: Node, ctx: _Context) -> None:
        actx = ctx.child(node)
        heading = article_heading(node)
        body = node.full_text()
        full = f"{heading}\n{body}" if body else heading
        clauses = [c for c in node.children if c.kind == NodeKind.CLAUSE]
        if estimate_tokens(full) <= self.max_tokens or len(clauses) < 2:
            self.add(actx, NodeKind.ARTICLE, heading, full, [node])
            return
        intro = node.text
        for child in node.children:
            if child.kind != NodeKind.CLAUSE:
                intro = f"{intro}\n{child.full_text()}".strip()
                continue
            cctx = actx.child(child)
            lead = f"{heading}\n{intro}" if intro else heading
            self.add(cctx, NodeKind.CLAUSE, heading, f"{lead}\n{child.full_text()}", [child])
        self.by_node.setdefault(id(node), self.chunks[-1])

    def regulation(self, nodes: list[Node], ctx: _Context) -> None:
        for node in nodes:
            if node.kind == NodeKind.ARTICLE:
                self.article(node, ctx)
            elif node.kind in _REGULATION_KINDS:
                self.regulation(node.children, ctx.child(node))
            elif node.kind == NodeKind.PARAGRAPH and node.unit:
                pctx = _Context(ctx.doc, ctx.part, ctx.instrument, [*ctx.path, node.unit], [(node.unit, "")])
                self.add(pctx, NodeKind.PARAGRAPH, node.unit, node.full_text(), [node])

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
            text = "\n".join(n.full_text() for n in group)
            self.add(pctx, NodeKind.PARAGRAPH, group[0].text.splitlines()[0][:120], text, list(group))

        for i, node in enumerate(nodes, start=start):
            if group and estimate_tokens("\n".join(n.full_text() for n in [*group, node])) > NEWS_GROUP_TOKENS:
                flush(i - 1)
                group, first = [], i
            group.append(node)
        flush(start + len(nodes) - 1)

    def outline(self, nodes: list[Node], ctx: _Context) -> None:
        loose = [n for n in nodes if n.kind == NodeKind.PARAGRAPH]
        if loose:
            self.paragraphs(loose, ctx)
        for node in nodes:
            if node.kind == NodeKind.PARAGRAPH:
                continue
            nctx = ctx.child(node)
            heading_lines = [h for h in ctx.headings if h]
            if node.kind == NodeKind.TASK or not _splits(node, self.max_tokens):
                heading = heading_lines[-1] if heading_lines else node.text.splitlines()[0]
                text = "\n".join([*heading_lines[-1:], node.full_text()])
                self.add(nctx, node.kind, heading, text, [node])
                continue
            own = [c for c in node.children if c.kind in (NodeKind.PARAGRAPH, NodeKind.FIELD)]
            if own:
                text = "\n".join([node.text, *(c.full_text() for c in own)])
                self.add(nctx, node.kind, node.text.splitlines()[0], text, [node, *own])
            self.outline([c for c in node.children if c not in own], nctx)


def _splits(node: Node, max_tokens: int) -> bool:
    """A section is cut into its parts when it holds tasks, or numbered parts and is long."""
    if any(n.kind == NodeKind.TASK for n in node.walk()[1:]):
        return True
    structural = [c for c in node.children if c.kind not in (NodeKind.PARAGRAPH, NodeKind.FIELD)]
    return bool(structural) and estimate_tokens(node.full_text()) > max_tokens // 2


def build_chunks(doc: Document, max_tokens: int = MAX_CHUNK_TOKENS) -> list[Chunk]:
    """Chunks of a document in reading order, each with its citation."""
    return chunk_document(doc, max_tokens)[0]


def chunk_document(doc: Document, max_tokens: int = MAX_CHUNK_TOKENS) -> tuple[list[Chunk], dict[int, Chunk]]:
    """Chunks in reading order and, for every tree node (by ``id``), the chunk that holds it."""
    builder = _Builder(doc, max_tokens)
    top = doc.tree.children
    parts = (
        [(n, "decision" if n.kind == NodeKind.DECISION else "instrument") for n in top]
        if top and top[0].kind == NodeKind.DECISION
        else [(doc.tree, "body")]
    )
    for node, part in parts:
        instrument = node.title if part == "instrument" else None
        root_name = node.title if part != "body" else (doc.facts.loai or "Văn bản").split("(")[0].strip()
        ctx = _Context(doc, part, instrument, [root_name])
        children = node.children
        if any(c.kind in _REGULATION_KINDS for c in children):
            builder.regulation(children, ctx)
        elif all(c.kind == NodeKind.PARAGRAPH and not c.children for c in children):
            builder.paragraphs(children, ctx)
        else:
            builder.outline(children, ctx)
    return builder.chunks, builder.by_node
