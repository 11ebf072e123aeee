"""The real `tracuu bot` process against the local Bot API stand-in on 127.0.0.1."""

import time

import pytest

from tests.bot.bot_api_standin import BotApiStandIn, running_bot
from tests.bot.telegram_html import telegram_html_problems
from tests.conftest import MODEL_CACHE

pytestmark = pytest.mark.slow
TOKEN = "987654:E2E-token-never-logged"


@pytest.fixture(scope="module")
def running(seed_index, tmp_path_factory):
    standin = BotApiStandIn(TOKEN).start()
    log_path = tmp_path_factory.mktemp("bot") / "bot.log"
    try:
        with running_bot(standin, seed_index.data_dir, log_path, {"TRACUU_MODEL_CACHE_DIR": str(MODEL_CACHE)}):
            yield standin, log_path
    finally:
        standin.stop()


def _reply(standin, chat_id, since, contains, timeout=60):
    def match(c):
        return (
            c.method == "sendMessage"
            and int(c.params["chat_id"]) == chat_id
            and c.at >= since
            and contains in c.params["text"]
        )

    return standin.wait_for(match, timeout)


def test_commands_are_registered(running):
    standin, _ = running
    [call] = standin.calls_of("setMyCommands")
    names = {c["command"] for c in call.params["commands"]}
    assert {"start", "help", "hoi", "chutri", "nhiemvu", "hanchot", "vanban", "dieu"} <= names


def test_question_comes_back_with_lead_citation_keyboard(running):
    standin, _ = running
    t0 = time.monotonic()
    standin.message(
        "Ai chủ trì xây dựng kế hoạch theo dõi thi hành pháp luật hàng năm của tỉnh Quảng Ngãi?", user_id=501
    )
    call = _reply(standin, 501, t0, "2548/QĐ-UBND")
    assert "Sở Tư pháp" in call.params["text"]
    assert telegram_html_problems(call.params["text"]) == []
    assert call.params["parse_mode"] == "HTML" and call.params["reply_markup"]["inline_keyboard"]


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("/start", "Tra cứu cải cách hành chính"),
        ("/help", "/chutri"),
        ("/vanban", "925/QĐ-UBND"),
        ("/chutri đề án xây dựng chính quyền điện tử tỉnh Quảng Ngãi", "Sở Thông tin và Truyền thông"),
        ("/nhiemvu Sở Tư pháp Quảng Ngãi", "kế hoạch theo dõi thi hành"),
        ("/hanchot Quý IV/2018", "Quý IV năm 2018"),
        ("/dieu 5 Quy chế 925", "Trách nhiệm của Sở Nội vụ"),
        ("/hoi", "Cú pháp"),
    ],
)
def test_commands(running, command, expected):
    standin, _ = running
    user = 600 + abs(hash(command)) % 300
    t0 = time.monotonic()
    standin.message(command, user_id=user)
    call = _reply(standin, user, t0, expected)
    assert telegram_html_problems(call.params["text"]) == []


def test_buttons(running):
    standin, _ = running
    t0 = time.monotonic()
    standin.message("Ai chủ trì đề án thí điểm lập, phân bổ ngân sách nhà nước theo kết quả đầu ra?", user_id=901)
    answer = _reply(standin, 901, t0, "Sở Tài chính")
    keyboard = answer.params["reply_markup"]["inline_keyboard"]
    data = {b["callback_data"][:2]: b["callback_data"] for row in keyboard for b in row}
    message = {"message_id": 77, "date": 0, "chat": {"id": 901, "type": "private"}, "text": "x"}
    t1 = time.monotonic()
    standin.callback(data["ft"], message, user_id=901)
    full = _reply(standin, 901, t1, "Điểm a khoản 5 Mục II")
    assert "Cơ quan chủ trì thực hiện: Sở Tài chính" in full.params["text"]
    standin.callback(data["ns"], message, user_id=901)
    _reply(standin, 901, t1, "Nguồn khác")
    standin.callback(data["fb"], message, user_id=901)
    standin.wait_for(
        lambda c: c.method == "answerCallbackQuery" and "Cảm ơn" in str(c.params.get("text")) and c.at >= t1
    )


def test_example_button_on_start(running):
    standin, _ = running
    message = {"message_id": 78, "date": 0, "chat": {"id": 902, "type": "private"}, "text": "x"}
    t0 = time.monotonic()
    standin.callback("ex:0", message, user_id=902)
    _reply(standin, 902, t0, "Sở Tư pháp")


def test_inline_mode(running):
    standin, _ = running
    t0 = time.monotonic()
    standin.inline_query("ai chu tri de an chinh quyen dien tu quang ngai", user_id=903)
    call = standin.wait_for(lambda c: c.method == "answerInlineQuery" and c.at >= t0, timeout=60)
    results = call.params["results"]
    assert results and "Sở Thông tin và Truyền thông" in results[0]["title"]
    body = results[0]["input_message_content"]["message_text"]
    assert "2548/QĐ-UBND" in body and telegram_html_problems(body) == []


def test_token_never_in_the_log(running):
    _, log_path = running
    text = log_path.read_text()
    assert "ready in" in text
    assert TOKEN not in text
