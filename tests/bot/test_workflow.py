"""A civil servant's week through the real Application against the stand-in: threading, edits, comparison,
export, buttons, deadline reminders across a restart with an injected clock, uploads, document status.

The corpus is the bundled seeds plus a stand-in for the decision the Kiên Giang 925 decision replaced
(tests/fixtures/relations), indexed with the real model (vectors reused from the seeds' cache).
"""

import asyncio
import datetime as dt
import io
import itertools
import shutil

import openpyxl
import pytest
from telegram import Update

from bot.answerer import Answerer
from bot.telegram_bot import BotConfig, TracuuBot, build_application
from corpus.loader import BUNDLED_CORPUS
from index.builder import IndexConfig, build_index
from index.searcher import Searcher
from tests.bot.bot_api_standin import BotApiStandIn
from tests.bot.telegram_html import telegram_html_problems
from tests.conftest import FIXTURES

pytestmark = pytest.mark.slow
TOKEN = "222333:TEST-token-for-the-workflow"
ADMIN = 4001
_ids = itertools.count(50_000)


@pytest.fixture(scope="module")
def standin():
    server = BotApiStandIn(TOKEN).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def index(tmp_path_factory, seed_index, e5_embedder, e5_model_id):
    root = tmp_path_factory.mktemp("workflow")
    corpus = root / "corpus"
    shutil.copytree(BUNDLED_CORPUS, corpus)
    shutil.copyfile(FIXTURES / "relations" / "kg-1879-2015.md", corpus / "kg-1879-2015.md")
    (root / "data" / "cache").mkdir(parents=True)
    shutil.copyfile(seed_index.cache_path, root / "data" / "cache" / "embeddings.sqlite")
    config = IndexConfig(corpus_dir=corpus, data_dir=root / "data", model_name=e5_model_id)
    build_index(config, lambda: e5_embedder)
    return config


@pytest.fixture(scope="module")
def open_answerer(index, e5_embedder):
    def open_():
        build_index(index, lambda: e5_embedder)
        return Answerer(Searcher(index.current, lambda: e5_embedder, index.model_name))

    return open_


@pytest.fixture(scope="module")
def first_answerer(open_answerer):
    return open_answerer()


@pytest.fixture
def make_bot(standin, index, open_answerer, first_answerer, tmp_path):
    first = first_answerer

    async def make(today=None, data_dir=None, **overrides):
        config = BotConfig(
            token=TOKEN,
            base_url=standin.base_url,
            feedback_path=tmp_path / "fb.sqlite",
            data_dir=data_dir or tmp_path,
            corpus_dir=index.corpus_dir,
            admin_ids={ADMIN},
            **overrides,
        )
        clock = (lambda: today[0]) if today else None
        tracuu = TracuuBot(config, first, reload=open_answerer, clock=clock)
        app = build_application(config, tracuu)
        await app.initialize()
        return app, tracuu

    return make


async def _process(app, payload):
    await app.process_update(Update.de_json({"update_id": next(_ids), **payload}, app.bot))


def _sent(standin, chat_id, since, method="sendMessage"):
    return [c for c in standin.calls[since:] if c.method == method and int(c.params["chat_id"]) == chat_id]


def _buttons(call):
    return {
        b["callback_data"][:2]: b["callback_data"]
        for row in call.params["reply_markup"]["inline_keyboard"]
        for b in row
    }


def _message(chat_id):
    return {"message_id": 77, "date": 0, "chat": {"id": chat_id, "type": "private"}, "text": "x"}


# ------------------------------------------------------------------ threading and edits
async def test_three_quick_questions_each_get_an_answer_threaded_under_it(standin, make_bot):
    app, _ = await make_bot()
    start = len(standin.calls)
    questions = [
        "Ai chủ trì xây dựng kế hoạch theo dõi thi hành pháp luật hàng năm của tỉnh Quảng Ngãi?",
        "Ai chủ trì đề án xây dựng chính quyền điện tử tỉnh Quảng Ngãi?",
        "Sở Nội vụ chủ trì những nhiệm vụ nào?",
    ]
    payloads = [standin.build_message(q, user_id=201, chat_id=-201, chat_type="supergroup") for q in questions]
    for p in payloads:
        p["message"]["text"] = "@tracuu_cchc_bot " + p["message"]["text"]
    await asyncio.gather(*(_process(app, p) for p in payloads))
    sent = _sent(standin, -201, start)
    replied = {c.params["reply_parameters"]["message_id"] for c in sent}
    assert replied == {p["message"]["message_id"] for p in payloads}
    first = next(c for c in sent if c.params["reply_parameters"]["message_id"] == payloads[0]["message"]["message_id"])
    assert "Sở Tư pháp" in first.params["text"]
    await app.shutdown()


async def test_an_edited_question_gets_a_fresh_answer(standin, make_bot):
    app, _ = await make_bot()
    start = len(standin.calls)
    original = standin.build_message("Ai chủ trì đề án chính quyền điện tử?", user_id=202)
    await _process(app, original)
    edited = {"edited_message": {**original["message"], "text": "Ai chủ trì kế hoạch theo dõi thi hành pháp luật?",
                                 "edit_date": 1}}  # fmt: skip
    await _process(app, edited)
    sent = _sent(standin, 202, start)
    assert "Sở Thông tin và Truyền thông" in sent[0].params["text"]
    assert "Sở Tư pháp" in sent[-1].params["text"]
    assert {c.params["reply_parameters"]["message_id"] for c in sent} == {original["message"]["message_id"]}
    await app.shutdown()


# ------------------------------------------------------------------ comparison and export
async def test_sosanh_lists_provinces_side_by_side(standin, make_bot):
    app, _ = await make_bot()
    start = len(standin.calls)
    await _process(app, standin.build_message("/sosanh kiểm tra công tác cải cách hành chính Sở Nội vụ", user_id=203))
    text = "\n".join(c.params["text"] for c in _sent(standin, 203, start))
    assert "1. Quảng Ngãi" in text and "2. Kiên Giang" in text
    assert text.count("Chủ trì:") >= 2 and "2548/QĐ-UBND" in text and "925/QĐ-UBND" in text
    assert telegram_html_problems(text) == []
    await app.shutdown()


async def test_tinh_nao_giao_is_a_comparison(standin, make_bot):
    app, tracuu = await make_bot()
    answer = tracuu.answerer.answer("Tỉnh nào giao Sở Nội vụ chủ trì kiểm tra công tác cải cách hành chính?")
    assert [t.quote.province for t in answer.comparison][:2] == ["Quảng Ngãi", "Kiên Giang"]
    await app.shutdown()


async def test_export_button_sends_one_row_per_task(standin, make_bot):
    app, tracuu = await make_bot()
    start = len(standin.calls)
    await _process(app, standin.build_message("/nhiemvu Sở Tư pháp", user_id=204))
    last = _sent(standin, 204, start)[-1]
    shown = tracuu.shown.get(_buttons(last)["xl"].split(":")[1]).answer
    await _process(app, standin.build_callback(_buttons(last)["xl"], _message(204), user_id=204))
    [doc] = _sent(standin, 204, start, "sendDocument")
    assert doc.params["document"]["filename"] == "nhiem-vu.xlsx"
    sheet = openpyxl.load_workbook(io.BytesIO(doc.params["document"]["content"])).active
    tasks = [t for g in shown.groups for t in g.tasks]
    assert sheet.max_row == len(tasks) + 1 > 2
    assert [c.value for c in sheet[1]] == [
        "Nhiệm vụ",
        "Chủ trì",
        "Phối hợp",
        "Thời hạn",
        "Sản phẩm",
        "Văn bản",
        "Trích dẫn",
    ]
    assert sheet.freeze_panes == "A2" and sheet["G2"].value == tasks[0].quote.citation
    await app.shutdown()


async def test_more_sources_heading_once_and_a_forged_page_is_ignored(standin, make_bot):
    app, _ = await make_bot()
    start = len(standin.calls)
    await _process(
        app, standin.build_message("Ai chủ trì đề án thí điểm lập, phân bổ ngân sách theo kết quả đầu ra?", user_id=205)
    )
    keys = _buttons(_sent(standin, 205, start)[-1])
    mark = len(standin.calls)
    await _process(app, standin.build_callback(keys["ns"], _message(205), user_id=205))
    [more] = _sent(standin, 205, mark)
    assert more.params["text"].count("Nguồn khác") == 1
    mark = len(standin.calls)
    key = keys["ns"].split(":")[1]
    await _process(app, standin.build_callback(f"pg:{key}:1000000000", _message(205), user_id=205))
    assert [c.method for c in standin.calls[mark:]] == ["answerCallbackQuery"]
    await app.shutdown()


# ------------------------------------------------------------------ deadline reminders
async def test_reminders_are_sent_once_on_the_right_day_across_a_restart(standin, make_bot, tmp_path):
    today = [dt.date(2018, 6, 1)]
    chat = 206
    app, tracuu = await make_bot(today=today, data_dir=tmp_path / "state")
    start = len(standin.calls)
    await _process(app, standin.build_message("/theodoi Sở Nội vụ Quảng Ngãi", user_id=chat))
    reply = _sent(standin, chat, start)
    assert "Đã theo dõi Sở Nội vụ (Quảng Ngãi)" in reply[0].params["text"]
    assert "xl" in _buttons(reply[-1])
    [daily] = app.job_queue.get_jobs_by_name("reminders")
    assert "hour='8', minute='0'" in str(daily.job.trigger)

    async def run(app_, on):
        today[0] = on
        mark = len(standin.calls)
        [job] = app_.job_queue.get_jobs_by_name("reminders")
        await job.run(app_)
        return _sent(standin, chat, mark)

    assert await run(app, dt.date(2018, 6, 22)) == []  # 8 days before 30/06: too early
    [soon] = await run(app, dt.date(2018, 6, 23))
    assert "Sắp đến hạn" in soon.params["text"] and "hạn 30/06/2018" in soon.params["text"]
    assert "2548/QĐ-UBND" in soon.params["text"] and telegram_html_problems(soon.params["text"]) == []
    assert await run(app, dt.date(2018, 6, 23)) == []
    await app.shutdown()
    tracuu.reminders.close()

    app, tracuu = await make_bot(today=today, data_dir=tmp_path / "state")  # the restart
    assert await run(app, dt.date(2018, 6, 24)) == []
    [due] = await run(app, dt.date(2018, 6, 30))
    assert "Đến hạn hôm nay" in due.params["text"] and "Sắp đến hạn" not in due.params["text"]
    assert await run(app, dt.date(2018, 6, 30)) == []
    [late] = await run(app, dt.date(2018, 7, 2))
    assert "Đã quá hạn" in late.params["text"]
    assert await run(app, dt.date(2018, 7, 3)) == []

    mark = len(standin.calls)
    await _process(app, standin.build_message("/dangtheodoi", user_id=chat))
    assert "1. Sở Nội vụ (Quảng Ngãi)" in _sent(standin, chat, mark)[0].params["text"]
    await _process(app, standin.build_message("/huytheodoi", user_id=chat))
    assert "Đã thôi theo dõi 1 mục" in _sent(standin, chat, mark)[-1].params["text"]
    await app.shutdown()


async def test_following_an_unknown_agency_is_refused(standin, make_bot):
    app, tracuu = await make_bot()
    start = len(standin.calls)
    await _process(app, standin.build_message("/theodoi Sở Không Tồn Tại", user_id=207))
    assert "Không thấy nhiệm vụ nào" in _sent(standin, 207, start)[0].params["text"]
    assert tracuu.reminders.subscriptions(207) == []
    await app.shutdown()


# ------------------------------------------------------------------ document status
async def test_a_replaced_document_says_so_and_names_its_successor(standin, make_bot):
    app, tracuu = await make_bot()
    answer = tracuu.answerer.answer("Điều 2 Quyết định 1879 của Kiên Giang")
    main = answer.task.quote if answer.task else answer.primary
    assert main.doc_id == "kg-1879-2015"
    [note] = answer.status_notes
    assert "1879/QĐ-UBND" in note and "đã bị thay thế bởi Quyết định số 925/QĐ-UBND ngày 17/4/2018" in note
    start = len(standin.calls)
    await _process(app, standin.build_message("/vanban", user_id=208))
    text = "\n".join(c.params["text"] for c in _sent(standin, 208, start))
    assert "⛔ bị thay thế bởi Quyết định số 925/QĐ-UBND" in text and "✅ còn hiệu lực" in text
    await app.shutdown()


# ------------------------------------------------------------------ uploads
async def test_uploads_refused_cancelled_corrupt_and_added(standin, make_bot):
    app, tracuu = await make_bot()
    docx = (FIXTURES / "docs" / "ke-hoach-bang.docx").read_bytes()
    files_before = sorted(p.name for p in tracuu.config.corpus_dir.iterdir())
    start = len(standin.calls)
    await _process(app, standin.build_document("ke-hoach-bang.docx", docx, user_id=209))
    assert "Chỉ quản trị viên" in _sent(standin, 209, start)[0].params["text"]
    assert not standin.calls_of("getFile")

    await _process(
        app, standin.build_document("gia-word.docx", (FIXTURES / "bad" / "gia-word.docx").read_bytes(), user_id=ADMIN)
    )
    corrupt = _sent(standin, ADMIN, start)[-1].params["text"]
    assert "Không thêm được tệp «gia-word.docx»" in corrupt and "Kho văn bản không thay đổi" in corrupt
    await _process(app, standin.build_document("bang.xlsx", b"PK\x03\x04", user_id=ADMIN))
    assert "Định dạng .xlsx chưa được hỗ trợ" in _sent(standin, ADMIN, start)[-1].params["text"]

    await _process(app, standin.build_document("ke-hoach-bang.docx", docx, user_id=ADMIN, caption="Số: 15/KH-UBND"))
    preview = _sent(standin, ADMIN, start)[-1]
    assert "15/KH-UBND" in preview.params["text"] and "3 nhiệm vụ" in preview.params["text"]
    cancel = next(
        b["callback_data"]
        for row in preview.params["reply_markup"]["inline_keyboard"]
        for b in row
        if b["text"] == "✖ Hủy"
    )
    await _process(app, standin.build_callback(cancel, _message(ADMIN), user_id=ADMIN))
    assert "Đã hủy" in _sent(standin, ADMIN, start)[-1].params["text"]
    assert sorted(p.name for p in tracuu.config.corpus_dir.iterdir()) == files_before

    await _process(app, standin.build_document("ke-hoach-bang.docx", docx, user_id=ADMIN, caption="Số: 15/KH-UBND"))
    preview = _sent(standin, ADMIN, start)[-1]
    add = next(
        b["callback_data"]
        for row in preview.params["reply_markup"]["inline_keyboard"]
        for b in row
        if b["text"] == "✅ Thêm"
    )
    await _process(
        app,
        standin.build_callback(
            add,
            _message(ADMIN),
            user_id=ADMIN,
        ),
    )
    old = tracuu.answerer
    for _ in range(600):
        if any("✅ Đã thêm" in c.params["text"] for c in _sent(standin, ADMIN, start)):
            break
        await asyncio.sleep(0.1)
    assert "✅ Đã thêm 15/KH-UBND (mã ke-hoach-bang)" in _sent(standin, ADMIN, start)[-1].params["text"]
    assert tracuu.answerer is not old and "ke-hoach-bang" in tracuu.answerer.searcher.documents
    answer = tracuu.answerer.answer("Ai chủ trì số hóa hồ sơ, kết quả giải quyết thủ tục hành chính tỉnh Bình Định?")
    assert answer.task.lead == ["Văn phòng UBND tỉnh"] and "15/KH-UBND" in answer.task.quote.citation
    await app.shutdown()
