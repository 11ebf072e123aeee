"""Extra dense views of the passages: the heading embedded apart from the body, and numbered parts of long ones.

One vector per passage blurs a long article: a question about its third clause, or one that names
the article's subject in other words, is closer to the heading alone or to that clause alone. The
learned ranker reads the similarity to the heading view and the best similarity over the parts.
Views are written beside ``vectors.faiss`` as ``views.npy`` (memory-mapped) and ``views.json``.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
from pydantic import BaseModel, Field

from corpus.models import Chunk

VIEWS_VERSION = "1"
_NUMBERED = re.compile(r"^\d{1,2}\.\s")
MIN_PART_WORDS = 120  # shorter passages are read whole well enough
TITLE_SEARCH = 20


def document_title(chunk: Chunk) -> str:
    """The document's kind, number and subject, as the passage text starts."""
    f = chunk.facts
    return " ".join(x for x in (f.loai, f.so_hieu, f.tinh and f"tỉnh {f.tinh}", f.trich_yeu) if x)


def title_text(chunk: Chunk) -> str:
    """The heading view: document title and the unit's heading (e.g. 'Điều 27. Điều kiện đăng ký tạm trú')."""
    return f"{document_title(chunk)}\n{chunk.heading or chunk.path_display}"


def part_texts(chunk: Chunk) -> list[str]:
    """Numbered parts (Khoản) of a long passage, each under its heading; none for short or unnumbered ones."""
    if len(chunk.text.split()) < MIN_PART_WORDS:
        return []
    lines = chunk.text.splitlines()
    starts = [i for i, line in enumerate(lines) if _NUMBERED.match(line)]
    if len(starts) < 2:
        return []
    bounds = [*starts, len(lines)]
    head = chunk.heading or chunk.path_display
    return [f"{head}\n" + "\n".join(lines[a:b]) for a, b in itertools.pairwise(bounds)]


class ViewsLayout(BaseModel):
    """Which view rows belong to which chunk row."""

    version: str = VIEWS_VERSION
    title_of: list[int] = Field(default_factory=list, description="chunk row → title view row (-1: none)")
    title_rows: list[list[int]] = Field(default_factory=list, description="title view row → its chunk rows")
    parts_ptr: list[int] = Field(default_factory=lambda: [0], description="CSR pointers of part views per chunk")
    part_rows: list[int] = Field(default_factory=list, description="view rows of the parts, chunk by chunk")


def build_views(chunks: list[Chunk], directory: Path, embed: Callable[[list[str]], np.ndarray]) -> int:
    """Embed every distinct heading once and the parts of long passages; write the two files, return the count."""
    titles: dict[tuple[str, str], int] = {}
    texts: list[str] = []
    layout = ViewsLayout()
    for row, chunk in enumerate(chunks):
        key = (chunk.doc_id, chunk.heading or chunk.path_display)
        if key not in titles:
            titles[key] = len(texts)
            texts.append(title_text(chunk))
            layout.title_rows.append([])
        layout.title_of.append(titles[key])
        layout.title_rows[titles[key]].append(row)
    for chunk in chunks:
        parts = part_texts(chunk)
        layout.part_rows.extend(range(len(texts), len(texts) + len(parts)))
        texts.extend(parts)
        layout.parts_ptr.append(len(layout.part_rows))
    vectors = embed(texts) if texts else np.zeros((0, 1), np.float32)
    np.save(directory / "views.npy", np.ascontiguousarray(vectors, dtype=np.float32))
    (directory / "views.json").write_text(layout.model_dump_json(), encoding="utf-8")
    return len(texts)


class DenseViews:
    """The heading and part views of an index, read-only."""

    def __init__(self, vectors: np.ndarray, layout: ViewsLayout) -> None:
        self.vectors = vectors
        self.layout = layout
        self.title_of = np.asarray(layout.title_of, dtype=np.int64)
        self.parts_ptr = np.asarray(layout.parts_ptr, dtype=np.int64)
        self.part_rows = np.asarray(layout.part_rows, dtype=np.int64)

    @classmethod
    def load(cls, directory: Path) -> DenseViews | None:
        """The views of an index directory, or None for an index built without them."""
        if not (directory / "views.json").exists():
            return None
        layout = ViewsLayout.model_validate_json((directory / "views.json").read_text(encoding="utf-8"))
        if layout.version != VIEWS_VERSION:
            return None
        return cls(np.load(directory / "views.npy", mmap_mode="r"), layout)

    def title_similarity(self, query: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Cosine of the question with each chunk's heading view."""
        return np.asarray(self.vectors[self.title_of[rows]] @ query, dtype=np.float32)

    def part_similarity(self, query: np.ndarray, rows: np.ndarray, whole: np.ndarray) -> np.ndarray:
        """Best cosine over each chunk's parts; the whole passage's cosine where it has no parts."""
        out = np.array(whole, dtype=np.float32, copy=True)
        for i, row in enumerate(rows):
            a, b = self.parts_ptr[row], self.parts_ptr[row + 1]
            if b > a:
                out[i] = max(out[i], float(np.max(self.vectors[self.part_rows[a:b]] @ query)))
        return out

    def search_titles(self, query: np.ndarray, allowed: np.ndarray | None, k: int = TITLE_SEARCH) -> list[int]:
        """Chunk rows under the k headings closest to the question."""
        sims = np.asarray(self.vectors[: len(self.layout.title_rows)] @ query)
        n = min(len(sims), 4 * k)
        top = np.argpartition(-sims, n - 1)[:n] if n else np.zeros(0, dtype=np.int64)
        order = top[np.argsort(-sims[top])]
        out: list[int] = []
        taken = 0
        for idx in order:
            rows = [r for r in self.layout.title_rows[int(idx)] if allowed is None or allowed[r]]
            if not rows:
                continue
            out.extend(rows)
            taken += 1
            if taken >= k:
                break
        return out
