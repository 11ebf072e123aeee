"""SQLite stores: the chunk store inside an index, and the embedding cache beside it."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from corpus.agencies import agency_key
from corpus.models import Chunk, Relation, TaskRecord


def text_hash(text: str) -> str:
    """Key for caches: the SHA-256 of the exact text embedded or analysed."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def so_hieu_number(so_hieu: str | None) -> str | None:
    """'0925/QĐ-UBND' → '925': the number a question names, without leading zeros."""
    if not so_hieu or "/" not in so_hieu:
        return None
    return so_hieu.lstrip("0").split("/")[0]


class ChunkStore:
    """Chunks (row = FAISS id = BM25 row), their task records, and per-document facts."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.db = sqlite3.connect(str(path), check_same_thread=False)

    @classmethod
    def create(cls, path: Path) -> ChunkStore:
        """A new, empty store."""
        store = cls(path)
        store.db.executescript(
            """
            CREATE TABLE chunks (row INTEGER PRIMARY KEY, chunk_id TEXT UNIQUE, doc_id TEXT, data TEXT,
                                 text_hash TEXT, words TEXT, folded TEXT, so_hieu_number TEXT);
            CREATE TABLE tasks (id TEXT PRIMARY KEY, doc_id TEXT, chunk_id TEXT, data TEXT, tinh TEXT,
                                period_kind TEXT, period_start TEXT, period_end TEXT);
            CREATE TABLE task_leads (task_id TEXT, agency_key TEXT, name TEXT, generic INTEGER);
            CREATE TABLE documents (doc_id TEXT PRIMARY KEY, content_hash TEXT, data TEXT);
            CREATE TABLE relations (doc_id TEXT, data TEXT);
            """
        )
        return store

    def create_lookups(self) -> None:
        """Indexes for the answer path's lookups (built after the bulk inserts, which is faster)."""
        self.db.executescript(
            """
            CREATE INDEX IF NOT EXISTS chunks_doc ON chunks(doc_id);
            CREATE INDEX IF NOT EXISTS chunks_number ON chunks(so_hieu_number);
            CREATE INDEX IF NOT EXISTS tasks_chunk ON tasks(chunk_id);
            CREATE INDEX IF NOT EXISTS tasks_doc ON tasks(doc_id);
            CREATE INDEX IF NOT EXISTS tasks_period ON tasks(period_start, period_end);
            CREATE INDEX IF NOT EXISTS task_leads_key ON task_leads(agency_key);
            """
        )

    def add_chunks(self, rows: Iterable[tuple[int, Chunk, str, list[str], list[str]]]) -> None:
        """Insert chunks with the hash of their indexed text and its analysed tokens."""
        self.db.executemany(
            "INSERT INTO chunks VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (
                    row,
                    c.id,
                    c.doc_id,
                    c.model_dump_json(),
                    h,
                    json.dumps(w, ensure_ascii=False),
                    json.dumps(f, ensure_ascii=False),
                    so_hieu_number(c.facts.so_hieu),
                )
                for row, c, h, w, f in rows
            ),
        )

    def add_tasks(self, tasks: Iterable[TaskRecord]) -> None:
        """Insert task records, with their province, period and lead agencies as lookup columns."""
        tasks = list({t.id: t for t in tasks}.values())  # one record per id, as INSERT OR REPLACE keeps
        self.db.executemany(
            "INSERT OR REPLACE INTO tasks VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (
                    t.id,
                    t.doc_id,
                    t.chunk_id,
                    t.model_dump_json(),
                    t.tinh,
                    t.period.kind.value if t.period else None,
                    t.period.start.isoformat() if t.period and t.period.start else None,
                    t.period.end.isoformat() if t.period and t.period.end else None,
                )
                for t in tasks
            ),
        )
        self.db.executemany(
            "INSERT INTO task_leads VALUES (?, ?, ?, ?)",
            ((t.id, agency_key(a.name), a.name, int(a.generic)) for t in tasks for a in t.lead),
        )

    def add_document(self, doc_id: str, content_hash: str, data: dict) -> None:
        """Insert one document's facts and warnings."""
        self.db.execute(
            "INSERT OR REPLACE INTO documents VALUES (?, ?, ?)", (doc_id, content_hash, json.dumps(data, default=str))
        )

    def add_relations(self, relations: Iterable[Relation]) -> None:
        """Insert the replace / repeal / amend / expire clauses each document states."""
        self.db.executemany("INSERT INTO relations VALUES (?, ?)", ((r.doc_id, r.model_dump_json()) for r in relations))

    def commit(self) -> None:
        """Flush to disk."""
        self.db.commit()

    def chunks(self) -> list[Chunk]:
        """All chunks in row order."""
        return [Chunk.model_validate_json(d) for (d,) in self.db.execute("SELECT data FROM chunks ORDER BY row")]

    def tokens(self) -> dict[str, tuple[list[str], list[str]]]:
        """Analysed tokens by indexed-text hash, reused when a chunk's text has not changed."""
        return {
            h: (json.loads(w), json.loads(f))
            for h, w, f in self.db.execute("SELECT text_hash, words, folded FROM chunks")
        }

    def tasks(self) -> list[TaskRecord]:
        """All task records."""
        return [TaskRecord.model_validate_json(d) for (d,) in self.db.execute("SELECT data FROM tasks ORDER BY rowid")]

    def documents(self) -> dict[str, dict]:
        """Facts and warnings of each indexed document."""
        return {doc_id: json.loads(d) for doc_id, d in self.db.execute("SELECT doc_id, data FROM documents")}

    def relations(self) -> list[Relation]:
        """Every relation, in document order."""
        rows = self.db.execute("SELECT data FROM relations ORDER BY rowid")
        return [Relation.model_validate_json(d) for (d,) in rows]

    def close(self) -> None:
        """Close the connection."""
        self.db.close()


class EmbeddingCache:
    """Vectors keyed by (model, text hash), shared by every index build in a data dir."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(path))
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS vectors "
            "(model TEXT, text_hash TEXT, vector BLOB, PRIMARY KEY(model, text_hash))"
        )

    def get_many(self, model: str, hashes: list[str]) -> dict[str, np.ndarray]:
        """Cached vectors for those texts."""
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(hashes), 500):
            part = hashes[start : start + 500]
            marks = ",".join("?" * len(part))
            query = f"SELECT text_hash, vector FROM vectors WHERE model = ? AND text_hash IN ({marks})"
            for h, blob in self.db.execute(query, [model, *part]):
                found[h] = np.frombuffer(blob, dtype=np.float32)
        return found

    def put_many(self, model: str, items: dict[str, np.ndarray]) -> None:
        """Store new vectors."""
        self.db.executemany(
            "INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)",
            ((model, h, np.asarray(v, dtype=np.float32).tobytes()) for h, v in items.items()),
        )
        self.db.commit()

    def close(self) -> None:
        """Close the connection."""
        self.db.close()
