"""The bot stays up while a damaged index is rebuilt: a polite notice, then real answers."""

import shutil
import threading
import time

import pytest

from bot.answerer import Answerer
from bot.models import Status
from bot.rebuilding import FAILED, REBUILDING, RebuildingAnswerer, rebuild_in_background
from bot.render import render_telegram
from bot.telegram_bot import BotConfig, TracuuBot
from tests.bot.bot_api_standin import BotApiStandIn, running_bot
from tests.bot.telegram_html import telegram_html_problems
from tests.conftest import MODEL_CACHE

QUESTION = "Ai chủ trì xây dựng kế hoạch theo dõi thi hành pháp luật hàng năm của tỉnh Quảng Ngãi?"
TOKEN = "987655:E2E-rebuild-token"


def _bot(tmp_path) -> TracuuBot:
    config = BotConfig(token="123456:rebuild-test", feedback_path=tmp_path / "feedback.sqlite")
    return TracuuBot(config, RebuildingAnswerer())  # type: ignore[arg-type]


def test_notice_renders_for_telegram():
    answer = RebuildingAnswerer().answer(QUESTION)
    assert answer.status == Status.INVALID and answer.message == REBUILDING
    [text] = render_telegram(answer)
    assert text.startswith("Đang dựng lại chỉ mục") and telegram_html_problems(text) == []


@pytest.mark.slow
def test_answerer_is_swapped_in_when_the_rebuild_is_done(tmp_path, seed_searcher):
    bot = _bot(tmp_path)
    go = threading.Event()

    def build() -> Answerer:
        assert go.wait(30)
        return Answerer(seed_searcher)

    thread = rebuild_in_background(bot, build)
    assert bot.answerer.answer(QUESTION).message == REBUILDING
    go.set()
    thread.join(30)
    answer = bot.answerer.answer(QUESTION)
    assert answer.status == Status.ANSWERED and answer.task.lead == ["Sở Tư pháp"]


def test_a_failed_rebuild_says_so(tmp_path):
    bot = _bot(tmp_path)

    def build() -> Answerer:
        raise OSError("disk full")

    rebuild_in_background(bot, build).join(30)
    assert isinstance(bot.answerer, RebuildingAnswerer) and bot.answerer.answer(QUESTION).message == FAILED


@pytest.mark.slow
def test_real_bot_with_a_damaged_chunk_store(seed_index, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(seed_index.data_dir, data, symlinks=True)
    store = data / "current" / "chunks.sqlite"
    store.write_bytes(store.read_bytes()[: store.stat().st_size // 2])
    standin = BotApiStandIn(TOKEN).start()
    log_path = tmp_path / "bot.log"
    try:
        with running_bot(standin, data, log_path, {"TRACUU_MODEL_CACHE_DIR": str(MODEL_CACHE)}):
            t0 = time.monotonic()
            standin.message(QUESTION, user_id=711)
            first = standin.wait_for(lambda c: c.method == "sendMessage" and c.at >= t0, timeout=60)
            assert "Đang dựng lại chỉ mục" in first.params["text"]
            deadline = time.monotonic() + 180
            answered = None
            while answered is None and time.monotonic() < deadline:
                t1 = time.monotonic()
                standin.message(QUESTION, user_id=711)
                reply = standin.wait_for(lambda c, t1=t1: c.method == "sendMessage" and c.at >= t1, timeout=60)
                if "2548/QĐ-UBND" in reply.params["text"]:
                    answered = reply
                else:
                    time.sleep(2)
            assert answered is not None and "Sở Tư pháp" in answered.params["text"]
    finally:
        standin.stop()
    text = log_path.read_text()
    assert "rebuilding in the background" in text and "index rebuilt: answering again" in text
