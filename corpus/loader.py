"""Load a folder of documents: each file becomes a Document with its chunks and task records.

A file that cannot be read is reported by name and reason and skipped; the rest load.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from corpus.chunks import MAX_CHUNK_TOKENS, chunk_document
from corpus.errors import CorpusError, FactsError
from corpus.facts import (
    FACT_FIELDS,
    FACT_NAMES,
    coerce_date,
    guess_facts,
    read_sidecar,
    site_facts,
    split_front_matter,
)
from corpus.furniture import classify, site_chrome
from corpus.layout import Block, read_blocks
from corpus.models import Chunk, Document, DocumentFacts, FurnitureItem, LoadProblem, NodeKind, Relation, TaskRecord
from corpus.readers import SUPPORTED_SUFFIXES, TEXT_SUFFIXES, read_document_text
from corpus.relations import extract_relations
from corpus.structure import parse_document
from corpus.tasks import extract_tasks

log = logging.getLogger(__name__)

BUNDLED_CORPUS = Path(__file__).parent / "documents"
_SIDECAR_SUFFIXES = {".yaml", ".yml"}
_NOT_DOCUMENTS = {"README", "LICENSE", "MANIFEST"}


class LoadedDocument(BaseModel):
    """A document with what was derived from it."""

    document: Document
    chunks: list[Chunk]
    tasks: list[TaskRecord]
    relations: list[Relation] = Field(default_factory=list)


class Corpus(BaseModel):
    """Every document that loaded, and every file that did not, with the reason."""

    documents: list[LoadedDocument] = Field(default_factory=list)
    problems: list[LoadProblem] = Field(default_factory=list)

    @property
    def chunks(self) -> list[Chunk]:
        """All chunks, document by document."""
        return [c for d in self.documents for c in d.chunks]

    @property
    def tasks(self) -> list[TaskRecord]:
        """All task records, document by document."""
        return [t for d in self.documents for t in d.tasks]

    def get(self, doc_id: str) -> LoadedDocument | None:
        """The loaded document with this id, if any."""
        return next((d for d in self.documents if d.document.id == doc_id), None)


def _facts(
    path: Path, given: dict[str, Any], blocks: list[Block], marks: list[str | None]
) -> tuple[DocumentFacts, list[str]]:
    guessed = guess_facts(blocks, marks)
    from_site = {k: v for k, v in site_facts(blocks).items() if k not in guessed and k not in given}
    guessed.update(from_site)
    values: dict[str, Any] = {"id": str(given.get("id") or path.stem), "nguon": given.get("nguon") or path.name}
    used_guess, missing = [], []
    for name in FACT_FIELDS:
        if name in given:
            values[name] = given[name]
        elif name in guessed:
            values[name] = guessed[name]
            used_guess.append(FACT_NAMES[name])
        else:
            missing.append(FACT_NAMES[name])
    values["ngay_ban_hanh"] = coerce_date(values.get("ngay_ban_hanh"))
    if values.get("so_hieu") is not None:
        values["so_hieu"] = str(values["so_hieu"])
    try:
        facts = DocumentFacts(**values)
    except ValidationError as exc:
        raise FactsError(f"thông tin văn bản không hợp lệ: {exc.errors()[0]['msg']}") from None
    warnings = []
    if used_guess:
        warnings.append("đoán từ phần đầu văn bản: " + ", ".join(used_guess))
    if from_site:
        warnings.append("lấy từ thông tin của trang web: " + ", ".join(FACT_NAMES[k] for k in from_site))
    if missing and not given:
        warnings.append("không xác định được: " + ", ".join(missing))
    return facts, warnings


def header_facts(text: str) -> dict[str, Any]:
    """The facts a document's own header states, as the loader reads them (for checks and tests)."""
    blocks = read_blocks(text, site_chrome(text))
    return guess_facts(blocks, classify(blocks))


def load_document(path: Path, max_chunk_tokens: int = MAX_CHUNK_TOKENS) -> LoadedDocument:
    """Read, normalise, parse and chunk one file; raises ``CorpusError`` with the reason."""
    text, warnings = read_document_text(path)
    given: dict[str, Any] = read_sidecar(path)
    if path.suffix.lower() in TEXT_SUFFIXES:
        front, text = split_front_matter(text)
        given = {**given, **front}
    blocks = read_blocks(text, site_chrome(text))
    marks = classify(blocks)
    if not any(m is None for m in marks):
        raise CorpusError("không còn nội dung sau khi làm sạch")
    facts, fact_warnings = _facts(path, given, blocks, marks)
    tree = parse_document(blocks, marks, facts)
    furniture = [FurnitureItem(reason=m, text=b.text, source=b.source) for b, m in zip(blocks, marks, strict=True) if m]
    if "loai" not in given and tree.children and tree.children[0].kind == NodeKind.DECISION:
        facts = facts.model_copy(update={"loai": f"Quyết định (kèm {tree.children[1].title})"})
    digest = hashlib.sha256(path.read_bytes())
    for sidecar in (path.with_suffix(".yaml"), path.with_suffix(".yml")):
        if sidecar.exists():
            digest.update(sidecar.read_bytes())
    document = Document(
        facts=facts,
        path=str(path),
        text="\n".join(b.text for b, m in zip(blocks, marks, strict=True) if m is None),
        tree=tree,
        furniture=furniture,
        warnings=warnings + fact_warnings,
        content_hash=digest.hexdigest(),
    )
    chunks, by_node = chunk_document(document, max_chunk_tokens)
    if not chunks:
        raise CorpusError("không tách được đoạn nội dung nào từ văn bản")
    # Q&A articles and encyclopaedia pages explain rules; they assign nobody a task.
    tasks = extract_tasks(document, by_node) if facts.is_official or facts.is_news else []
    return LoadedDocument(document=document, chunks=chunks, tasks=tasks, relations=extract_relations(document))


def document_files(directory: Path) -> list[Path]:
    """Candidate document files in a folder (sidecars and hidden files excluded), sorted."""
    return sorted(
        p
        for p in directory.rglob("*")
        if p.is_file()
        and not p.name.startswith(".")
        and p.suffix.lower() not in _SIDECAR_SUFFIXES
        and p.stem.upper() not in _NOT_DOCUMENTS
    )


def load_corpus(directory: Path, max_chunk_tokens: int = MAX_CHUNK_TOKENS) -> Corpus:
    """Every loadable document in a folder; failures are collected, never raised."""
    corpus = Corpus()
    if not directory.is_dir():
        corpus.problems.append(LoadProblem(path=str(directory), reason="thư mục không tồn tại"))
        return corpus
    seen: dict[str, str] = {}
    for path in document_files(directory):
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            reason = f"định dạng {path.suffix or '(không có đuôi)'} không được hỗ trợ"
            corpus.problems.append(LoadProblem(path=str(path), reason=reason))
            log.warning("skipped %s: %s", path, reason)
            continue
        try:
            loaded = load_document(path, max_chunk_tokens)
        except CorpusError as exc:
            corpus.problems.append(LoadProblem(path=str(path), reason=str(exc)))
            log.warning("skipped %s: %s", path, exc)
            continue
        doc_id = loaded.document.id
        if doc_id in seen:
            reason = f"mã văn bản '{doc_id}' trùng với {Path(seen[doc_id]).name}"
            corpus.problems.append(LoadProblem(path=str(path), reason=reason))
            continue
        seen[doc_id] = str(path)
        corpus.documents.append(loaded)
    return corpus
