"""While the index is rebuilt in the background, the bot stays up and says so politely.

A stand-in answerer answers every question with a short notice; when the rebuild is done the
real ``Answerer`` is swapped in (one attribute assignment, which handlers read on each update).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Protocol

from bot.models import Answer, Intent, Status

log = logging.getLogger(__name__)
REBUILDING = (
    "Đang dựng lại chỉ mục… Mình sẽ trả lời được sau ít phút nữa, bạn vui lòng gửi lại câu hỏi sau nhé. "
    "Xin lỗi vì sự bất tiện!"
)
FAILED = "Xin lỗi, chỉ mục đang gặp sự cố và chưa dựng lại được. Quản trị viên đã được báo, bạn vui lòng thử lại sau."


class _NoIndex:
    """What handlers read from a searcher while there is none: no documents, no chunks."""

    def __init__(self) -> None:
        self.documents: dict[str, dict] = {}
        self.by_id: dict = {}
        self.chunks: tuple = ()


class RebuildingAnswerer:
    """Answers every question with the rebuilding notice (or the failure notice if it failed)."""

    def __init__(self) -> None:
        self.searcher = _NoIndex()
        self.failed = False

    def answer(self, raw_question: str, mode: str = "hybrid") -> Answer:
        """The notice, as an answer that could not run."""
        question = (raw_question or "").strip()[:200]
        return Answer(
            question=question,
            intent=Intent.GENERAL,
            status=Status.INVALID,
            message=FAILED if self.failed else REBUILDING,
        )


class HoldsAnswerer(Protocol):
    """The bot: anything with an ``answerer`` attribute that its handlers use."""

    answerer: object


def rebuild_in_background(bot: HoldsAnswerer, build: Callable[[], object]) -> threading.Thread:
    """Run ``build`` (which returns the new Answerer) in a thread and swap it into the bot when done."""
    stand_in = bot.answerer

    def run() -> None:
        try:
            answerer = build()
        except Exception:
            log.exception("background index rebuild failed")
            if isinstance(stand_in, RebuildingAnswerer):
                stand_in.failed = True
            return
        bot.answerer = answerer
        log.info("index rebuilt: answering again")

    thread = threading.Thread(target=run, name="index-rebuild", daemon=True)
    thread.start()
    return thread
