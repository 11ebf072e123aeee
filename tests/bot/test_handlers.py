"""Handlers with constructed Update objects, run through the real Application against the stand-in."""

import itertools

import pytest
from telegram import Update
from telegram.ext import CommandHandler

from bot.answerer import Answerer
from bot.telegram_bot import BotConfig, RedactToken, TracuuBot, build_application
from tests.bot.bot_api_standin import BotApiStandIn
from tests.bot.telegram_html import telegram_html_problems

pytestmark = pytest.mark.slow
TOKEN = "123456:TEST-token-for-handlers"
_ids = itertools.count(1)


@pytest.fixture(scope="module")
def standin():
    server = BotApiStandIn(TOKEN).start()
    yield server
    server.stop()


@pytest.fixture
def make_bot(standin, seed_searcher, tmp_path):
    async def make(**overrides):
        config = BotConfig(
            token=TOKEN, base_url=standin.base_url, feedback_path=tmp_path / "fb.sqlite", data_dir=tmp_path, **overrides
        )
        tracuu = TracuuBot(config, Answerer(seed_searcher))
        app = build_application(config, tracuu)
        await app.initialize()
        return app, tracuu

    return make


async def _process(app, payload):
    update = Update.de_json({"update_id": next(_ids), **payload}, app.bot)
    await app.process_update(update)


def _sent(standin, chat_id, since):
    return [c for c in standin.calls[since:] if c.method == "sendMessage" and int(c.params["chat_id"]) == chat_id]


async def test_question_in_private_chat(standin, make_bot):
    app, _ = await make_bot()
    start = len(standin.calls)
    await _process(
        app,
        standin.build_message(
            "Ai chủ trì xây dựng kế hoạch theo dõi thi hành pháp luật hàng năm của tỉnh Quảng Ngãi?", user_id=7
        ),
    )
    sent = _sent(standin, 7, start)
    text = "\n".join(c.params["text"] for c in sent)
    assert "Sở Tư pháp" in text and "2548/QĐ-UBND" in text
    assert all(telegram_html_problems(c.params["text"]) == [] and len(c.params["text"]) <= 4096 for c in sent)
    keyboard = sent[-1].params["reply_markup"]["inline_keyboard"]
    data = [b["callback_data"] for row in keyboard for b in row]
    assert any(d.startswith("ft:") for d in data) and any(d.startswith("fb:") for d in data)
    assert all(len(d.encode()) <= 64 for d in data)
    await app.shutdown()


async def test_start_has_three_example_buttons(standin, make_bot):
    app, _ = await make_bot()
    start = len(standin.calls)
    await _process(app, standin.build_message("/start", user_id=8))
    [call] = _sent(standin, 8, start)
    assert "Tra cứu cải cách hành chính" in call.params["text"]
    assert len(call.params["reply_markup"]["inline_keyboard"]) == 3
    await app.shutdown()


async def test_feedback_is_stored(standin, make_bot, tmp_path):
    app, tracuu = await make_bot()
    start = len(standin.calls)
    await _process(
        app, standin.build_message("Ai chủ trì đề án xây dựng chính quyền điện tử tỉnh Quảng Ngãi?", user_id=9)
    )
    last = _sent(standin, 9, start)[-1]
    data = next(
        b["callback_data"]
        for row in last.params["reply_markup"]["inline_keyboard"]
        for b in row
        if b["callback_data"].startswith("fb:") and b["callback_data"].endswith(":1")
    )
    message = {"message_id": 5, "date": 0, "chat": {"id": 9, "type": "private"}, "text": "x"}
    await _process(app, standin.build_callback(data, message, user_id=9))
    rows = tracuu.feedback.rows()
    assert len(rows) == 1 and rows[0].vote == 1 and "2548/QĐ-UBND" in rows[0].citations[0]
    assert rows[0].user != "9" and len(rows[0].user) == 16
    await app.shutdown()


async def test_leads_of_a_declined_question_can_be_voted_on(standin, make_bot):
    app, tracuu = await make_bot()
    start = len(standin.calls)
    question = "Hồi 2007 ban chỉ đạo cải cách hành chính của tỉnh cứ mấy tháng lại ngồi lại với nhau một lần?"
    await _process(app, standin.build_message(question, user_id=11))
    sent = _sent(standin, 11, start)
    assert "Chưa tìm thấy điều khoản trả lời chắc chắn" in sent[0].params["text"]
    assert any("mỗi quý một lần" in c.params["text"] for c in sent)
    buttons = [b["callback_data"] for row in sent[-1].params["reply_markup"]["inline_keyboard"] for b in row]
    assert len(buttons) == 2 and all(b.startswith("fb:") for b in buttons)
    message = {"message_id": 6, "date": 0, "chat": {"id": 11, "type": "private"}, "text": "x"}
    await _process(app, standin.build_callback(buttons[1], message, user_id=11))
    rows = tracuu.feedback.rows()
    assert len(rows) == 1 and rows[0].vote == -1 and "09/KH-BCĐ" in rows[0].citations[0]
    await app.shutdown()


async def test_group_needs_a_mention(standin, make_bot):
    app, _ = await make_bot()
    start = len(standin.calls)
    await _process(
        app,
        standin.build_message(
            "Ai chủ trì đề án chính quyền điện tử?", user_id=10, chat_id=-100, chat_type="supergroup"
        ),
    )
    assert _sent(standin, -100, start) == []
    await _process(
        app,
        standin.build_message(
            "@tracuu_cchc_bot Ai chủ trì đề án chính quyền điện tử?", user_id=10, chat_id=-100, chat_type="supergroup"
        ),
    )
    assert "Sở Thông tin và Truyền thông" in _sent(standin, -100, start)[0].params["text"]
    await app.shutdown()


async def test_sticker_gets_a_hint(standin, make_bot):
    app, _ = await make_bot()
    start = len(standin.calls)
    payload = standin.build_message("", user_id=11)
    del payload["message"]["text"]
    payload["message"]["sticker"] = {
        "file_id": "s",
        "file_unique_id": "s",
        "width": 1,
        "height": 1,
        "is_animated": False,
        "is_video": False,
        "type": "regular",
    }
    await _process(app, payload)
    assert "câu hỏi bằng chữ" in _sent(standin, 11, start)[0].params["text"]
    await app.shutdown()


async def test_rate_limit_is_polite(standin, make_bot):
    app, _ = await make_bot(rate_limit=1, rate_window_s=60)
    start = len(standin.calls)
    for _ in range(2):
        await _process(app, standin.build_message("Ai chủ trì đề án chính quyền điện tử?", user_id=12))
    assert "Vui lòng đợi" in _sent(standin, 12, start)[-1].params["text"]
    await app.shutdown()


async def test_allowlist(standin, make_bot):
    app, _ = await make_bot(allowed_chat_ids={999})
    start = len(standin.calls)
    await _process(app, standin.build_message("Ai chủ trì đề án chính quyền điện tử?", user_id=13))
    assert "cấp quyền" in _sent(standin, 13, start)[0].params["text"]
    await app.shutdown()


async def test_a_crashing_handler_does_not_stop_the_bot(standin, make_bot):
    app, _ = await make_bot()

    async def boom(update, context):
        raise RuntimeError("boom")

    app.add_handler(CommandHandler("boom", boom), group=-1)
    start = len(standin.calls)
    await _process(app, standin.build_message("/boom", user_id=14))
    assert "Xin lỗi" in _sent(standin, 14, start)[0].params["text"]
    await _process(app, standin.build_message("/vanban", user_id=14))
    assert "925/QĐ-UBND" in _sent(standin, 14, start)[-1].params["text"]
    await app.shutdown()


async def test_flood_control_is_respected(standin, make_bot):
    app, _ = await make_bot()
    start = len(standin.calls)
    standin.flood_next = 1
    await _process(app, standin.build_message("/vanban", user_id=15))
    attempts = _sent(standin, 15, start)
    assert len(attempts) == 2 and attempts[1].at - attempts[0].at >= 0.9
    assert "925/QĐ-UBND" in attempts[1].params["text"]
    await app.shutdown()


def test_token_is_redacted_from_logs(caplog):
    import logging

    caplog.handler.addFilter(RedactToken(TOKEN))
    logging.getLogger("httpx-like").warning("POST https://api.telegram.org/bot%s/getMe", TOKEN)
    assert TOKEN not in caplog.text and "<TOKEN>" in caplog.text
