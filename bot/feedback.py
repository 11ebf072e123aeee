"""Durable 👍/👎 feedback: the question, the answer's citations and a hash of the user id."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
import sqlite3
import threading
from pathlib import Path

from pydantic import BaseModel


class FeedbackRow(BaseModel):
    """One vote as exported by `tracuu feedback`."""

    at: str
    user: str
    chat_type: str
    question: str
    citations: list[str]
    vote: int


class FeedbackStore:
    """SQLite, one row per vote; user ids are stored only as salted hashes."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self.db = sqlite3.connect(str(path), check_same_thread=False)
        self.db.executescript(
            """
            CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
            CREATE TABLE IF NOT EXISTS feedback (
                id INTEGER PRIMARY KEY, at TEXT, user_hash TEXT, chat_type TEXT,
                question TEXT, citations TEXT, vote INTEGER);
            """
        )
        row = self.db.execute("SELECT value FROM meta WHERE key = 'salt'").fetchone()
        if row is None:
            self.salt = secrets.token_hex(16)
            self.db.execute("INSERT INTO meta VALUES ('salt', ?)", (self.salt,))
            self.db.commit()
        else:
            self.salt = row[0]

    def user_hash(self, user_id: int) -> str:
        """A stable pseudonym for a user, useless without the store's salt."""
        return hashlib.sha256(f"{self.salt}:{user_id}".encode()).hexdigest()[:16]

    def add(self, user_id: int, chat_type: str, question: str, citations: list[str], vote: int) -> None:
        """Record one vote (+1 or -1)."""
        with self._lock:
            self.db.execute(
                "INSERT INTO feedback (at, user_hash, chat_type, question, citations, vote) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                    self.user_hash(user_id),
                    chat_type,
                    question,
                    json.dumps(citations, ensure_ascii=False),
                    vote,
                ),
            )
            self.db.commit()

    def rows(self) -> list[FeedbackRow]:
        """Every vote, oldest first."""
        query = "SELECT at, user_hash, chat_type, question, citations, vote FROM feedback ORDER BY id"
        return [
            FeedbackRow(at=a, user=u, chat_type=c, question=q, citations=json.loads(cit), vote=v)
            for a, u, c, q, cit, v in self.db.execute(query)
        ]

    def close(self) -> None:
        """Close the connection."""
        self.db.close()
