"""The real `tracuu bot` process against the local Bot API stand-in on 127.0.0.1.

The bot serves a copy of the bundled seeds (vectors reused from the seeds' cache) so that the admin
upload at the end of this module can add a document to it.
"""

import io
import shutil
import threading
import time

import openpyxl
import pytest

from corpus.loader import BUNDLED_CORPUS
from index.builder import IndexConfig, build_index
from tests.bot.bot_api_standin import BotApiStandIn, running_bot
from tests.bot.telegram_html import telegram_html_problems
from tests.conftest import FIXTURES, MODEL_CACHE

pytestmark = pytest.mark.slow
TOKEN = "987654:E2E-token-never-logged"
ADMIN = 4242_01


@pytest.fixture(scope="module")
def running(seed_index, tmp_path_factory, e5_embedder, e5_model_id):
    root = tmp_path_factory.mktemp("bot")
    corpus = root / "corpus"
    shutil.copytree(BUNDLED_CORPUS, corpus)
    (root / "data" / "cache").mkdir(parents=True)
    shutil.copyfile(seed_index.cache_path, root / "data" / "cache" / "embeddings.sqlite")
    # The bot starts on a built index; a missing one is rebuilt in the background (tested in test_heal).
    build_index(IndexConfig(corpus_dir=corpus, data_dir=root / "data", model_name=e5_model_id), lambda: e5_embedder)
    standin = BotApiStandIn(TOKEN).start()
    log_path = root / "bot.log"
    env = {"TRACUU_MODEL_CACHE_DIR": str(MODEL_CACHE), "TRACUU_CORPUS_DIR": str(corpus), "ADMIN_IDS": str(ADMIN)}
    try:
        with running_bot(standin, root / "data", log_path, env):
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


def test_three_concurrent_questions_from_one_user_each_answer_their_own(running):
    standin, _ = running
    questions = {
        "Ai chủ trì xây dựng kế hoạch theo dõi thi hành pháp luật hàng năm của tỉnh Quảng Ngãi?": "Sở Tư pháp",
        "Ai chủ trì đề án xây dựng chính quyền điện tử tỉnh Quảng Ngãi?": "Sở Thông tin và Truyền thông",
        "Ai chủ trì đề án thí điểm lập, phân bổ ngân sách nhà nước theo kết quả đầu ra?": "Sở Tài chính",
    }
    t0 = time.monotonic()
    payloads = {q: standin.build_message(q, user_id=910) for q in questions}
    threads = [threading.Thread(target=standin.push, args=(p,)) for p in payloads.values()]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for question, lead in questions.items():
        message_id = payloads[question]["message"]["message_id"]
        call = standin.wait_for(
            lambda c, m=message_id: (
                c.method == "sendMessage"
                and c.at >= t0
                and c.params.get("reply_parameters", {}).get("message_id") == m
                and c.params.get("reply_markup")
            ),
            timeout=120,
        )
        assert lead in call.params["text"]
    answers = [c for c in standin.calls_of("sendMessage") if c.at >= t0 and int(c.params["chat_id"]) == 910]
    assert len([c for c in answers if c.params.get("reply_markup")]) == 3


def test_sosanh_lists_two_provinces(running):
    standin, _ = running
    t0 = time.monotonic()
    standin.message("/sosanh kiểm tra công tác cải cách hành chính Sở Nội vụ", user_id=911)
    call = _reply(standin, 911, t0, "1. Quảng Ngãi")
    assert "2. Kiên Giang" in call.params["text"]


def test_export_from_a_task_list(running):
    standin, _ = running
    t0 = time.monotonic()
    standin.message("/nhiemvu Sở Tư pháp Quảng Ngãi", user_id=912)
    answer = standin.wait_for(
        lambda c: c.method == "sendMessage" and int(c.params["chat_id"]) == 912 and c.at >= t0
        and c.params.get("reply_markup"), timeout=60,
    )  # fmt: skip
    [xl] = [b["callback_data"] for row in answer.params["reply_markup"]["inline_keyboard"] for b in row
            if b["text"] == "📊 Xuất Excel"]  # fmt: skip
    standin.callback(xl, {"message_id": 79, "date": 0, "chat": {"id": 912, "type": "private"}, "text": "x"}, 912)
    doc = standin.wait_for(lambda c: c.method == "sendDocument" and c.at >= t0, timeout=60)
    sheet = openpyxl.load_workbook(io.BytesIO(doc.params["document"]["content"])).active
    rows = int(doc.params["caption"].split()[0])
    assert sheet.max_row == rows + 1 and rows >= 1 and sheet.freeze_panes == "A2"


def test_token_never_in_the_log(running):
    _, log_path = running
    text = log_path.read_text()
    assert "ready in" in text
    assert TOKEN not in text


def test_uploads_non_admin_refused_admin_docx_becomes_searchable(running):
    """Last in the module: it adds a document to the running bot's corpus."""
    standin, _ = running
    docx = (FIXTURES / "docs" / "ke-hoach-bang.docx").read_bytes()
    t0 = time.monotonic()
    standin.push(standin.build_document("ke-hoach-bang.docx", docx, user_id=913))
    _reply(standin, 913, t0, "Chỉ quản trị viên")
    standin.push(standin.build_document("ke-hoach-bang.docx", docx, user_id=ADMIN, caption="Số: 15/KH-UBND"))
    preview = _reply(standin, ADMIN, t0, "Thêm văn bản này vào kho?")
    assert standin.calls_of("downloadFile")
    add = next(b["callback_data"] for row in preview.params["reply_markup"]["inline_keyboard"] for b in row
               if b["text"] == "✅ Thêm")  # fmt: skip
    standin.callback(add, {"message_id": 80, "date": 0, "chat": {"id": ADMIN, "type": "private"}, "text": "x"}, ADMIN)
    _reply(standin, ADMIN, t0, "✅ Đã thêm 15/KH-UBND", timeout=300)
    t1 = time.monotonic()
    standin.message("Ai chủ trì số hóa hồ sơ, kết quả giải quyết thủ tục hành chính tỉnh Bình Định?", user_id=914)
    call = _reply(standin, 914, t1, "15/KH-UBND")
    assert "Văn phòng UBND tỉnh" in call.params["text"]
