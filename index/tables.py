"""Read a built index lazily: chunks by row or id, tasks by chunk, agency or period, rows by facts.

A million-chunk store does not fit in RAM as objects and takes minutes to parse, so the searcher
and the answer path look up only the rows they need. Each thread reads through its own
read-only connection (the bot answers in worker threads); the index files never change after
a build, so SQLite may treat them as immutable.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import numpy as np

from corpus.models import Chunk, Relation, TaskRecord
from corpus.normalize import fold_accents
from index.models import Filters

ROWS_FILE = "rows.npz"
PAGE = 2000


class StoreReader:
    """Per-thread read-only connections to an index's ``chunks.sqlite``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()

    @property
    def db(self) -> sqlite3.Connection:
        """The calling thread's connection."""
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(f"file:{self.path}?mode=ro&immutable=1", uri=True, check_same_thread=False)
            self._local.db = db
        return db

    def documents(self) -> dict[str, dict]:
        """Facts and warnings of each indexed document (small: one row per document)."""
        return {doc_id: json.loads(d) for doc_id, d in self.db.execute("SELECT doc_id, data FROM documents")}

    def relations(self) -> list[Relation]:
        """Replace / repeal / amend / expire relations read from the documents (one row per clause)."""
        rows = self.db.execute("SELECT data FROM relations ORDER BY rowid")
        return [Relation.model_validate_json(data) for (data,) in rows]


class ChunkTable(Sequence[Chunk]):
    """Chunks by row (the FAISS id and BM25 row), parsed on first use and kept in a bounded cache."""

    def __init__(self, reader: StoreReader, size: int, cache_size: int = 8192) -> None:
        self.reader = reader
        self.size = size
        self._get = functools.lru_cache(maxsize=cache_size)(self._load)

    def _load(self, row: int) -> Chunk:
        found = self.reader.db.execute("SELECT data FROM chunks WHERE row = ?", (row,)).fetchone()
        if found is None:
            raise IndexError(f"no chunk at row {row}")
        return Chunk.model_validate_json(found[0])

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, row):  # type: ignore[override]
        if isinstance(row, slice):
            return [self._get(i) for i in range(*row.indices(self.size))]
        row = int(row)
        if row < 0:
            row += self.size
        if not 0 <= row < self.size:
            raise IndexError(f"chunk row {row} out of range")
        return self._get(row)

    def __iter__(self) -> Iterator[Chunk]:
        """Every chunk in row order, read page by page (a scan: not for the answer path)."""
        for start in range(0, self.size, PAGE):
            query = "SELECT data FROM chunks WHERE row >= ? AND row < ? ORDER BY row"
            for (data,) in self.reader.db.execute(query, (start, start + PAGE)):
                yield Chunk.model_validate_json(data)

    def first_row_matching(self, numbers: list[str], chunk_id: re.Pattern[str]) -> Chunk | None:
        """The first chunk of a document numbered like ``numbers`` whose id matches the pattern."""
        if not numbers:
            return None
        marks = ",".join("?" * len(numbers))
        query = f"SELECT row, chunk_id FROM chunks WHERE so_hieu_number IN ({marks}) ORDER BY row"
        for row, cid in self.reader.db.execute(query, numbers):
            if chunk_id.search(cid):
                return self[row]
        return None


class ChunksById(Mapping[str, Chunk]):
    """Chunks by chunk id, through the store's unique index."""

    def __init__(self, table: ChunkTable) -> None:
        self.table = table

    def __getitem__(self, chunk_id: str) -> Chunk:
        found = self.table.reader.db.execute("SELECT row FROM chunks WHERE chunk_id = ?", (chunk_id,)).fetchone()
        if found is None:
            raise KeyError(chunk_id)
        return self.table[found[0]]

    def __len__(self) -> int:
        return len(self.table)

    def __iter__(self) -> Iterator[str]:
        for (cid,) in self.table.reader.db.execute("SELECT chunk_id FROM chunks ORDER BY row"):
            yield cid


class TaskTable(Sequence[TaskRecord]):
    """Task records, looked up by chunk, lead agency or period through the store's indexes."""

    def __init__(self, reader: StoreReader) -> None:
        self.reader = reader
        self._for_chunk = functools.lru_cache(maxsize=8192)(self._load_for_chunk)

    @functools.cached_property
    def _size(self) -> int:
        return int(self.reader.db.execute("SELECT count(*) FROM tasks").fetchone()[0])

    def __len__(self) -> int:
        return self._size

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return list(self)[i]
        i = int(i) + (self._size if int(i) < 0 else 0)
        found = self.reader.db.execute("SELECT data FROM tasks ORDER BY rowid LIMIT 1 OFFSET ?", (i,)).fetchone()
        if found is None:
            raise IndexError(f"task {i} out of range")
        return TaskRecord.model_validate_json(found[0])

    def __iter__(self) -> Iterator[TaskRecord]:
        """Every record in corpus order (a scan: not for the answer path)."""
        for (data,) in self.reader.db.execute("SELECT data FROM tasks ORDER BY rowid"):
            yield TaskRecord.model_validate_json(data)

    def _records(self, query: str, args: list) -> list[TaskRecord]:
        return [TaskRecord.model_validate_json(d) for (d,) in self.reader.db.execute(query, args)]

    def _load_for_chunk(self, chunk_id: str) -> tuple[TaskRecord, ...]:
        return tuple(self._records("SELECT data FROM tasks WHERE chunk_id = ? ORDER BY rowid", [chunk_id]))

    def for_chunk(self, chunk_id: str) -> list[TaskRecord]:
        """The records a chunk states, in corpus order."""
        return list(self._for_chunk(chunk_id))

    def of_document(self, doc_id: str) -> list[TaskRecord]:
        """A document's records, in corpus order."""
        return self._records("SELECT data FROM tasks WHERE doc_id = ? ORDER BY rowid", [doc_id])

    @staticmethod
    def _province_clause(provinces: list[str]) -> tuple[str, list]:
        if not provinces:
            return "", []
        return f" AND (tinh IN ({','.join('?' * len(provinces))}) OR tinh IS NULL)", list(provinces)

    def led_by(self, key: str, provinces: list[str], limit: int) -> list[TaskRecord]:
        """Records whose lead agency has this canonical key (``agency_key``), in corpus order."""
        where, args = self._province_clause(provinces)
        query = (
            "SELECT data FROM tasks WHERE id IN (SELECT task_id FROM task_leads WHERE agency_key = ?)"
            f"{where} ORDER BY rowid LIMIT ?"
        )
        return self._records(query, [key, *args, limit])

    def due_between(self, start: dt.date, end: dt.date, provinces: list[str], limit: int) -> list[TaskRecord]:
        """Records whose dated period falls inside or across [start, end] (recurring tasks excluded)."""
        where, args = self._province_clause(provinces)
        query = (
            "SELECT data FROM tasks WHERE period_kind IS NOT NULL AND period_kind != 'thuong_xuyen' "
            "AND period_start IS NOT NULL AND period_end IS NOT NULL AND period_start <= ? AND period_end >= ?"
            f"{where} ORDER BY rowid LIMIT ?"
        )
        return self._records(query, [end.isoformat(), start.isoformat(), *args, limit])

    @functools.cached_property
    def lead_names(self) -> set[str]:
        """Names of the specific (not generic) lead agencies, to recognise one in a question."""
        return {n for (n,) in self.reader.db.execute("SELECT DISTINCT name FROM task_leads WHERE generic = 0")}

    @functools.cached_property
    def common_year(self) -> int | None:
        """The year most task periods start in: the year a question like 'Quý I' means."""
        found = self.reader.db.execute(
            "SELECT substr(period_start, 1, 4) AS y, count(*) AS n FROM tasks WHERE period_start IS NOT NULL "
            "GROUP BY y ORDER BY n DESC, y DESC LIMIT 1"
        ).fetchone()
        return int(found[0]) if found else None


def _has_code(so_hieu: str, code: str) -> bool:
    """'925/QĐ-UBND' has code 'qd'; '32/2025/TT-BKHCN' has not 'ct'."""
    return not code or code in set(re.split(r"[/-]", fold_accents(so_hieu).lower()))


class RowFacts:
    """Each row's document, and per-document facts as arrays: filters cost numpy, not a chunk scan."""

    def __init__(self, doc_of_row: np.ndarray, doc_ids: list[str], documents: dict[str, dict]) -> None:
        self.doc_of_row = doc_of_row
        self.doc_ids = doc_ids
        facts = [documents.get(d, {}).get("facts", {}) for d in doc_ids]
        self.tinh = [f.get("tinh") or "" for f in facts]
        self.so_hieu = [f.get("so_hieu") or "" for f in facts]
        self.numbers = np.array([s.lstrip("0").split("/")[0] if "/" in s else "" for s in self.so_hieu])
        self.loai = [(f.get("loai") or "").lower() for f in facts]
        self.year = [int(f["ngay_ban_hanh"][:4]) if f.get("ngay_ban_hanh") else None for f in facts]
        retelling = np.array([bool(documents.get(d, {}).get("retelling")) for d in doc_ids], dtype=bool)
        self.retelling_rows = retelling[doc_of_row] if len(doc_ids) else np.zeros(len(doc_of_row), dtype=bool)

    @classmethod
    def load(cls, index_dir: Path, documents: dict[str, dict]) -> RowFacts:
        """Read ``rows.npz`` written by the builder."""
        with np.load(index_dir / ROWS_FILE, allow_pickle=False) as rows:
            return cls(rows["doc"].astype(np.int32), [str(d) for d in rows["doc_ids"]], documents)

    @staticmethod
    def save(index_dir: Path, doc_of_chunk: list[str]) -> None:
        """Write each row's document ordinal and the ordered document ids."""
        doc_ids = list(dict.fromkeys(doc_of_chunk))
        ordinal = {d: i for i, d in enumerate(doc_ids)}
        np.savez(
            index_dir / ROWS_FILE,
            doc=np.array([ordinal[d] for d in doc_of_chunk], dtype=np.int32),
            doc_ids=np.array(doc_ids, dtype=str),
        )

    def mask(self, filters: Filters, strict: bool) -> np.ndarray | None:
        """Rows allowed by the filters; a soft filter that would exclude everything is dropped."""
        if filters.is_empty():
            return None
        checks: list[np.ndarray] = []
        if filters.provinces:
            checks.append(np.array([t == "" or t in filters.provinces for t in self.tinh], dtype=bool))
        if filters.so_hieu_prefixes:
            check = np.zeros(len(self.doc_ids), dtype=bool)
            for number, _, code in (ref.partition("/") for ref in filters.so_hieu_prefixes):
                for i in np.flatnonzero(self.numbers == number):  # few documents share a number
                    check[i] |= _has_code(self.so_hieu[i], code)
            checks.append(check)
        if filters.doc_ids:
            wanted = set(filters.doc_ids)
            checks.append(np.array([d in wanted for d in self.doc_ids], dtype=bool))
        if filters.doc_types:
            types = [t.lower() for t in filters.doc_types]
            checks.append(np.array([any(t in loai for t in types) for loai in self.loai], dtype=bool))
        if filters.years:
            checks.append(np.array([y is not None and y in filters.years for y in self.year], dtype=bool))
        allowed = np.ones(len(self.doc_ids), dtype=bool)  # every listed document has rows
        for check in checks:
            if strict or (allowed & check).any():
                allowed &= check
        return allowed[self.doc_of_row]
