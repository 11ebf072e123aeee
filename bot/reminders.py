"""Deadline reminders: who follows which agency's tasks, which tasks fall due, and what was already sent.

The due-date rule (one rule for every deadline wording): a task is due on the **last day of the
period its deadline states**, as ``corpus.deadlines.parse_period`` reads it —

- 'trước ngày 31/01/2018', '15/3/2018' → that day;
- 'tháng 6 năm 2018' → 30/06/2018; 'Quý I/2018' → 31/03/2018; 'năm 2018' → 31/12/2018;
- 'từ Quý II đến Quý III năm 2018' → 30/09/2018 (the end of the range);
- 'thường xuyên', 'hằng năm', 'định kỳ' and wordings without a date have no due date and are never reminded.

A subscription reminds of tasks due on or after the day it was made: one message 'sắp đến hạn' when
the due date is at most N days away, one 'đến hạn hôm nay' on the day, and one 'quá hạn' after it.
A task whose earlier reminders were missed (the bot was down) gets only the latest one. Every
(chat, task, stage) is sent at most once: the store records it, and survives restarts.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from collections.abc import Callable, Iterable
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel

from corpus.agencies import agency_key
from corpus.models import Period, PeriodKind, TaskRecord

Clock = Callable[[], dt.date]


class Stage(StrEnum):
    """Which reminder a task is at."""

    SOON = "soon"
    TODAY = "today"
    OVERDUE = "overdue"


STAGE_TITLES = {
    Stage.TODAY: "Đến hạn hôm nay",
    Stage.SOON: "Sắp đến hạn",
    Stage.OVERDUE: "Đã quá hạn",
}


class Subscription(BaseModel):
    """A chat following the tasks an agency leads or takes part in, optionally in one province."""

    id: int
    chat_id: int
    agency: str
    tinh: str | None = None
    created_on: dt.date


class Reminder(BaseModel):
    """One task to mention in a chat today, and at which stage."""

    chat_id: int
    record: TaskRecord
    stage: Stage
    due: dt.date


def due_date(period: Period | None) -> dt.date | None:
    """The documented rule: the last day of the stated period; recurring or undated tasks have none."""
    if period is None or period.kind == PeriodKind.RECURRING or period.end is None:
        return None
    return period.end


def follows(subscription: Subscription, record: TaskRecord) -> bool:
    """Whether the subscription's agency leads or takes part in the task, in its province if one is set."""
    if subscription.tinh and record.tinh and record.tinh != subscription.tinh:
        return False
    wanted = agency_key(subscription.agency)
    return any(wanted and wanted in agency_key(a.name) for a in [*record.lead, *record.partners] if not a.generic)


def stage_on(due: dt.date, today: dt.date, days: int) -> Stage | None:
    """The reminder a task due on ``due`` calls for ``today``, if any."""
    if today > due:
        return Stage.OVERDUE
    if today == due:
        return Stage.TODAY
    if (due - today).days <= days:
        return Stage.SOON
    return None


def reminders_for(
    subscriptions: Iterable[Subscription], records: Iterable[TaskRecord], today: dt.date, days: int
) -> list[Reminder]:
    """Every reminder the subscriptions call for today (before removing those already sent)."""
    records = list(records)
    out: dict[tuple[int, str], Reminder] = {}
    for sub in subscriptions:
        for record in records:
            due = due_date(record.period)
            if due is None or due < sub.created_on or not follows(sub, record):
                continue
            stage = stage_on(due, today, days)
            if stage is not None:
                out.setdefault(
                    (sub.chat_id, record.id), Reminder(chat_id=sub.chat_id, record=record, stage=stage, due=due)
                )
    return sorted(out.values(), key=lambda r: (r.chat_id, r.due, r.record.id))


class ReminderStore:
    """SQLite under the data dir: subscriptions, and every reminder already sent."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self.db = sqlite3.connect(str(path), check_same_thread=False)
        self.db.executescript(
            """
            CREATE TABLE IF NOT EXISTS subscriptions (
                id INTEGER PRIMARY KEY, chat_id INTEGER, agency TEXT, tinh TEXT, created_on TEXT,
                UNIQUE(chat_id, agency, tinh));
            CREATE TABLE IF NOT EXISTS sent (
                chat_id INTEGER, task_id TEXT, stage TEXT, sent_on TEXT, PRIMARY KEY(chat_id, task_id, stage));
            """
        )

    def subscribe(self, chat_id: int, agency: str, tinh: str | None, today: dt.date) -> tuple[Subscription, bool]:
        """Follow an agency in a chat; returns the subscription and whether it is new."""
        with self._lock:
            cur = self.db.execute(
                "INSERT OR IGNORE INTO subscriptions (chat_id, agency, tinh, created_on) VALUES (?, ?, ?, ?)",
                (chat_id, agency, tinh or "", today.isoformat()),
            )
            self.db.commit()
            new = cur.rowcount == 1
        sub = next(s for s in self.subscriptions(chat_id) if s.agency == agency and (s.tinh or "") == (tinh or ""))
        return sub, new

    def unsubscribe(self, chat_id: int, sub_id: int | None = None) -> int:
        """Stop following one subscription of a chat (or all of them); returns how many were removed."""
        with self._lock:
            if sub_id is None:
                cur = self.db.execute("DELETE FROM subscriptions WHERE chat_id = ?", (chat_id,))
            else:
                cur = self.db.execute("DELETE FROM subscriptions WHERE chat_id = ? AND id = ?", (chat_id, sub_id))
            self.db.commit()
            return cur.rowcount

    def subscriptions(self, chat_id: int | None = None) -> list[Subscription]:
        """A chat's subscriptions, or everyone's."""
        query = "SELECT id, chat_id, agency, tinh, created_on FROM subscriptions"
        rows = (
            self.db.execute(query + " WHERE chat_id = ? ORDER BY id", (chat_id,))
            if chat_id is not None
            else self.db.execute(query + " ORDER BY id")
        )
        return [
            Subscription(id=i, chat_id=c, agency=a, tinh=t or None, created_on=dt.date.fromisoformat(d))
            for i, c, a, t, d in rows
        ]

    def unsent(self, reminders: list[Reminder]) -> list[Reminder]:
        """The reminders not sent yet (a later stage supersedes an earlier one that was missed)."""
        out = []
        for r in reminders:
            row = self.db.execute(
                "SELECT 1 FROM sent WHERE chat_id = ? AND task_id = ? AND stage = ?", (r.chat_id, r.record.id, r.stage)
            ).fetchone()
            if row is None:
                out.append(r)
        return out

    def mark_sent(self, reminders: list[Reminder], today: dt.date) -> None:
        """Record reminders as sent, so that no restart sends them again."""
        with self._lock:
            self.db.executemany(
                "INSERT OR IGNORE INTO sent VALUES (?, ?, ?, ?)",
                ((r.chat_id, r.record.id, r.stage.value, today.isoformat()) for r in reminders),
            )
            self.db.commit()

    def close(self) -> None:
        """Close the connection."""
        self.db.close()
