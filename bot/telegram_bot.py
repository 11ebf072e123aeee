"""The Telegram bot: thin handlers that parse an update, call the answering code, render and send.

Updates are handled concurrently and answers computed in worker threads, so a slow search for one
user never stalls others; every answer replies to its question. Flood control (RetryAfter) is
respected when sending; one error handler apologises to the user and logs the traceback with the
update id. Admins add documents by sending a file; chats follow an agency's deadlines, reminded
by a daily JobQueue job whose sent reminders are kept in SQLite.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import html
import logging
import re
import secrets
import shutil
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field
from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputFile,
    InputTextMessageContent,
    Message,
    ReplyParameters,
    Update,
)
from telegram.constants import ChatType, ParseMode
from telegram.error import RetryAfter, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from bot.answerer import Answerer
from bot.export import rows_from_answer, workbook_bytes
from bot.feedback import FeedbackStore
from bot.models import Answer, DocumentTasks, Status
from bot.ratelimit import KeyedCache, RateLimiter
from bot.reminders import (
    STAGE_TITLES,
    Clock,
    Reminder,
    ReminderStore,
    Stage,
    Subscription,
    due_date,
    follows,
    reminders_for,
)
from bot.render import TELEGRAM_LIMIT, render_telegram
from bot.uploads import UploadPreview, caption_facts, check_upload, discard, file_into_corpus, preview_upload, safe_name
from corpus.errors import CorpusError
from corpus.models import TaskRecord
from corpus.normalize import fold_accents
from corpus.provinces import find_provinces

log = logging.getLogger(__name__)

EXAMPLES = [
    "Ai chủ trì xây dựng kế hoạch theo dõi thi hành pháp luật hàng năm của tỉnh Quảng Ngãi?",
    "Sở Nội vụ chủ trì những nhiệm vụ nào?",
    "Quy chế phối hợp CCHC tỉnh Kiên Giang áp dụng cho những cơ quan nào?",
]
COMMANDS = [
    ("start", "Giới thiệu và câu hỏi mẫu"),
    ("help", "Hướng dẫn sử dụng"),
    ("hoi", "Hỏi: /hoi <câu hỏi>"),
    ("chutri", "Ai chủ trì: /chutri <nhiệm vụ>"),
    ("nhiemvu", "Nhiệm vụ của cơ quan: /nhiemvu <cơ quan> [tỉnh]"),
    ("hanchot", "Việc đến hạn: /hanchot <kỳ, ví dụ Quý I/2018>"),
    ("sosanh", "So sánh các tỉnh: /sosanh <nhiệm vụ>"),
    ("theodoi", "Nhắc hạn: /theodoi <cơ quan> [tỉnh]"),
    ("dangtheodoi", "Các cơ quan đang theo dõi"),
    ("huytheodoi", "Thôi theo dõi: /huytheodoi [số]"),
    ("vanban", "Danh sách văn bản đã nạp và hiệu lực"),
    ("dieu", "Toàn văn một điều: /dieu <số> <văn bản>"),
]
PAGE_SIZE = 5
SORRY = "Xin lỗi, đã có lỗi khi xử lý yêu cầu của bạn. Vui lòng thử lại sau ít phút."
NOT_TEXT = "Mình chỉ đọc được câu hỏi bằng chữ. Bạn hãy gõ câu hỏi, ví dụ: «Ai chủ trì kế hoạch tuyên truyền CCHC?»"
NOT_ALLOWED = "Xin lỗi, bot này chỉ phục vụ các tài khoản và nhóm đã được cấp quyền."
ADMINS_ONLY = "Chỉ quản trị viên mới thêm được văn bản vào kho. Bạn vẫn có thể hỏi bằng cách gõ câu hỏi."
EXPORT_NAME = "nhiem-vu.xlsx"


class BotConfig(BaseModel):
    """What the bot needs besides the answering service."""

    token: str = Field(min_length=10)
    base_url: str | None = None
    allowed_chat_ids: set[int] = Field(default_factory=set)
    admin_ids: set[int] = Field(default_factory=set)
    rate_limit: int = 20
    rate_window_s: float = 60.0
    feedback_path: Path = Path("data/feedback.sqlite")
    poll_timeout: int = 10
    data_dir: Path = Path("data")
    corpus_dir: Path | None = None
    reminder_days: int = Field(default=7, ge=0)
    reminder_time: dt.time = dt.time(8, 0)
    timezone: str = "Asia/Ho_Chi_Minh"
    reminder_first_s: float = Field(default=10.0, ge=0, description="first reminder check this long after start")
    upload_max_bytes: int = Field(default=20 * 1024 * 1024, ge=1)
    download_timeout_s: float = Field(default=60.0, gt=0)

    @property
    def reminders_path(self) -> Path:
        """Subscriptions and sent reminders."""
        return self.data_dir / "reminders.sqlite"

    @property
    def uploads_dir(self) -> Path:
        """Where uploads wait for confirmation."""
        return self.data_dir / "uploads"


class RedactToken(logging.Filter):
    """Never let the token reach a log line (HTTP client logs print request URLs)."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        """Replace the token in the message and its arguments."""
        if self.token:
            record.msg = str(record.msg).replace(self.token, "<TOKEN>")
            if record.args:
                args = record.args if isinstance(record.args, tuple) else (record.args,)
                record.args = tuple(str(a).replace(self.token, "<TOKEN>") if isinstance(a, str) else a for a in args)
        return True


@dataclass
class Shown:
    """An answer shown in a chat, kept so buttons can act on it."""

    question: str
    answer: Answer
    chat_type: str
    page: int = 0
    pages: list[DocumentTasks] = field(default_factory=list)


class TracuuBot:
    """Handlers and the state they share: the answerer, the limiter, shown answers, feedback, reminders."""

    def __init__(
        self,
        config: BotConfig,
        answerer: Answerer,
        reload: Callable[[], Answerer] | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.config = config
        self.answerer = answerer
        self.reload_fn = reload
        self.limiter = RateLimiter(config.rate_limit, config.rate_window_s)
        self.shown: KeyedCache[Shown] = KeyedCache()
        self.uploads: dict[str, UploadPreview] = {}
        self.feedback = FeedbackStore(config.feedback_path)
        self.reminders = ReminderStore(config.reminders_path)
        zone = ZoneInfo(config.timezone)
        self.clock: Clock = clock or (lambda: dt.datetime.now(zone).date())
        self._reindexing = asyncio.Lock()

    # ------------------------------------------------------------ plumbing
    def allowed(self, update: Update) -> bool:
        """Allowlist check (no allowlist: everyone)."""
        ids = self.config.allowed_chat_ids
        if not ids:
            return True
        user = update.effective_user.id if update.effective_user else None
        chat = update.effective_chat.id if update.effective_chat else None
        return user in ids or chat in ids

    def is_admin(self, update: Update) -> bool:
        """Admins (ADMIN_IDS) add documents and re-index."""
        user = update.effective_user
        return bool(user) and user.id in self.config.admin_ids

    async def _refused(self, update: Update) -> bool:
        """Tell a user outside the allowlist so, and report whether the update was refused."""
        if self.allowed(update):
            return False
        await self.send(update.effective_message, NOT_ALLOWED)
        return True

    async def _retrying(self, call: Callable[[], object]) -> object:
        """Run one Bot API call, waiting out Telegram's flood control when it asks us to."""
        for attempt in range(3):
            try:
                return await call()
            except RetryAfter as exc:
                wait = exc.retry_after.total_seconds() if isinstance(exc.retry_after, dt.timedelta) else exc.retry_after
                log.warning("flood control: waiting %.1fs (attempt %d)", float(wait), attempt + 1)
                await asyncio.sleep(float(wait))
        raise TelegramError("flood control did not clear after 3 attempts")

    async def send(self, message: Message, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
        """Reply to ``message`` with HTML, threaded under it in private chats and groups alike."""
        reply = ReplyParameters(message_id=message.message_id, allow_sending_without_reply=True)
        await self._retrying(lambda: message.reply_html(text, reply_markup=markup, reply_parameters=reply))

    async def send_to(self, bot, chat_id: int, text: str) -> None:
        """A message that answers nothing (a reminder, a re-index report)."""
        await self._retrying(lambda: bot.send_message(chat_id, text, parse_mode=ParseMode.HTML))

    def keyboard(self, key: str, answer: Answer) -> InlineKeyboardMarkup | None:
        """📄 Toàn văn, 🔎 Nguồn khác, 📊 Xuất Excel, 👍 / 👎 — callback data carries only a short key.

        A declined answer that shows leads gets the votes alone: whether a lead answered is the
        evidence the abstention threshold is calibrated on.
        """
        if answer.status != Status.ANSWERED:
            return InlineKeyboardMarkup([_votes(key)]) if answer.related else None
        rows = []
        if answer.task or answer.primary:
            rows.append(InlineKeyboardButton("📄 Toàn văn", callback_data=f"ft:{key}"))
        if answer.more_sources:
            rows.append(InlineKeyboardButton("🔎 Nguồn khác", callback_data=f"ns:{key}"))
        buttons = [rows, _votes(key)] if rows else [_votes(key)]
        if _exportable(answer):
            buttons.insert(0, [InlineKeyboardButton("📊 Xuất Excel", callback_data=f"xl:{key}")])
        if _pages(answer) > 1:
            buttons.insert(0, [InlineKeyboardButton("Trang sau ▶", callback_data=f"pg:{key}:1")])
        return InlineKeyboardMarkup(buttons)

    async def show(self, update: Update, question: str, answer: Answer) -> None:
        """Render an answer (first page of a long list) under the message that asked, with its buttons."""
        message = update.effective_message
        chat_type = update.effective_chat.type if update.effective_chat else "private"
        key = self.shown.put(Shown(question=question, answer=answer, chat_type=chat_type))
        messages = render_telegram(_paged(answer, 0))
        for i, text in enumerate(messages):
            await self.send(message, text, self.keyboard(key, answer) if i == len(messages) - 1 else None)

    async def answer_and_send(self, update: Update, question: str) -> None:
        """The common path of every question: limit, answer in a thread, render, send with buttons."""
        message = update.effective_message
        user = update.effective_user
        if message is None:
            return
        if user and not self.limiter.allow(user.id):
            wait = int(self.limiter.retry_in(user.id)) + 1
            await self.send(message, f"Bạn hỏi hơi nhanh 🙂 Vui lòng đợi khoảng {wait} giây rồi hỏi tiếp nhé.")
            return
        answerer = self.answerer
        answer = await asyncio.to_thread(answerer.answer, question)
        await self.show(update, question, answer)

    # ------------------------------------------------------------ commands
    async def start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/start and /help: what the bot knows, and three example questions as buttons."""
        if await self._refused(update):
            return
        docs = len(self.answerer.searcher.documents)
        text = (
            "<b>Tra cứu cải cách hành chính</b>\n"
            f"Mình trả lời dựa trên {docs} văn bản đã nạp (quyết định, kế hoạch, quy chế…): "
            "trích nguyên văn điều, khoản kèm trích dẫn, và cho biết cơ quan chủ trì, phối hợp, thời hạn.\n\n"
            "Cứ gõ câu hỏi, hoặc dùng lệnh:\n"
            + "\n".join(f"/{name} — {html.escape(desc, quote=False)}" for name, desc in COMMANDS[2:])
            + "\n\nTrong nhóm, hãy nhắc tên bot hoặc trả lời tin nhắn của bot."
            + (
                "\nQuản trị viên gửi tệp .docx, .pdf, .html, .md, .txt để thêm văn bản."
                if self.config.admin_ids
                else ""
            )
        )
        buttons = [[InlineKeyboardButton(q[:60], callback_data=f"ex:{i}")] for i, q in enumerate(EXAMPLES)]
        await self.send(update.effective_message, text, InlineKeyboardMarkup(buttons))

    async def ask(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/hoi <câu hỏi>."""
        await self._command_question(update, context, "", "Cú pháp: /hoi <câu hỏi>")

    async def chutri(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/chutri <nhiệm vụ>: who leads."""
        await self._command_question(update, context, "Ai chủ trì ", "Cú pháp: /chutri <nhiệm vụ>")

    async def nhiemvu(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/nhiemvu <cơ quan> [tỉnh]: the tasks an agency leads, paged."""
        args = " ".join(context.args or [])
        await self._command_question(
            update,
            context,
            "",
            "Cú pháp: /nhiemvu <cơ quan> [tỉnh]",
            question=f"{args} chủ trì những nhiệm vụ nào?" if args else "",
        )

    async def hanchot(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/hanchot <kỳ>: tasks due in a period."""
        args = " ".join(context.args or [])
        await self._command_question(
            update,
            context,
            "",
            "Cú pháp: /hanchot <kỳ>, ví dụ /hanchot Quý I/2018",
            question=f"Những việc gì đến hạn {args}?" if args else "",
        )

    async def sosanh(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/sosanh <nhiệm vụ>: how each province assigned the task, side by side, most similar first."""
        args = " ".join(context.args or [])
        await self._command_question(
            update,
            context,
            "",
            "Cú pháp: /sosanh <nhiệm vụ>, ví dụ /sosanh kiểm tra công tác cải cách hành chính",
            question=f"So sánh giữa các tỉnh: {args}" if args else "",
        )

    async def dieu(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/dieu <số> <văn bản>: the full text of an article."""
        args = context.args or []
        if len(args) < 2 or not args[0].isdigit():
            await self.send(
                update.effective_message, "Cú pháp: /dieu &lt;số điều&gt; &lt;văn bản&gt;, ví dụ /dieu 5 Quy chế 925"
            )
            return
        await self._command_question(update, context, "", "", question=f"Điều {args[0]} {' '.join(args[1:])}")

    async def _command_question(self, update, context, prefix: str, usage: str, question: str | None = None) -> None:
        if await self._refused(update):
            return
        text = question if question is not None else " ".join(context.args or [])
        if not text.strip():
            await self.send(update.effective_message, html.escape(usage, quote=False))
            return
        await self.answer_and_send(update, prefix + text)

    async def vanban(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/vanban: documents loaded, with số hiệu, date, province and whether they are still in force."""
        if await self._refused(update):
            return
        searcher = self.answerer.searcher
        lines = ["<b>Văn bản đã nạp:</b>"]
        for doc in sorted(searcher.documents.values(), key=lambda d: d["facts"]["id"]):
            f = doc["facts"]
            date = dt.date.fromisoformat(f["ngay_ban_hanh"]).strftime("%d/%m/%Y") if f.get("ngay_ban_hanh") else "—"
            parts = [f.get("loai") or "Văn bản", f.get("so_hieu") or "", f"ngày {date}", f.get("tinh") or ""]
            status = searcher.statuses.get(f["id"])
            mark = (
                "✅" if status is None or (status.in_force and not status.notes) else ("✏️" if status.in_force else "⛔")
            )
            label = status.label if status else "còn hiệu lực"
            lines.append(
                f"• {html.escape(' · '.join(p for p in parts if p), quote=False)}\n  "
                f"<i>{html.escape(f.get('trich_yeu') or f['id'], quote=False)}</i>\n  "
                f"{mark} {html.escape(label, quote=False)}"
            )
        for text in _chunks(lines):
            await self.send(update.effective_message, text)

    async def reload(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/reload (admins): re-index new documents without a restart."""
        if not self.is_admin(update) or self.reload_fn is None:
            await self.send(update.effective_message, "Lệnh này chỉ dành cho quản trị viên.")
            return
        await self.send(update.effective_message, "Đang cập nhật chỉ mục…")
        started = time.perf_counter()
        async with self._reindexing:
            self.answerer = await asyncio.to_thread(self.reload_fn)
        docs = len(self.answerer.searcher.documents)
        await self.send(
            update.effective_message, f"Đã cập nhật: {docs} văn bản, {time.perf_counter() - started:.1f} giây."
        )

    # ------------------------------------------------------------ following deadlines
    def _followed(self, agency: str, tinh: str | None) -> list[TaskRecord]:
        """The tasks a subscription to this agency (and province) covers."""
        sub = Subscription(id=0, chat_id=0, agency=agency, tinh=tinh, created_on=dt.date.min)
        return [t for t in self.answerer.searcher.tasks if follows(sub, t)]

    async def theodoi(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/theodoi <cơ quan> [tỉnh]: remind this chat of the tasks that agency leads or takes part in."""
        if await self._refused(update):
            return
        message = update.effective_message
        agency, tinh = _agency_and_province(" ".join(context.args or []))
        if not agency:
            await self.send(message, "Cú pháp: /theodoi &lt;cơ quan&gt; [tỉnh], ví dụ /theodoi Sở Nội vụ Quảng Ngãi")
            return
        records = self._followed(agency, tinh)
        where = f" ({tinh})" if tinh else ""
        if not records:
            await self.send(
                message,
                html.escape(f"Không thấy nhiệm vụ nào mà {agency}{where} chủ trì hoặc phối hợp trong các văn bản "
                            "đã nạp. Hãy kiểm tra tên cơ quan, ví dụ «Sở Nội vụ».", quote=False),
            )  # fmt: skip
            return
        sub, new = self.reminders.subscribe(update.effective_chat.id, agency, tinh, self.clock())
        dated = [r for r in records if due_date(r.period)]
        head = "Đã theo dõi" if new else "Đang theo dõi"
        note = (
            f"{head} {agency}{where}: {len(records)} nhiệm vụ ({len(dated)} có thời hạn cụ thể). "
            f"Mình sẽ nhắc trước {self.config.reminder_days} ngày, đúng ngày đến hạn và khi quá hạn, "
            f"lúc {self.config.reminder_time:%H:%M} mỗi ngày. Thôi theo dõi: /huytheodoi {sub.id}"
        )
        answer = self.answerer.task_list(records, f"{note}\n\nNhiệm vụ {agency}{where} chủ trì hoặc phối hợp")
        await self.show(update, f"/theodoi {agency}", answer)

    async def dangtheodoi(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/dangtheodoi: this chat's subscriptions."""
        if await self._refused(update):
            return
        subs = self.reminders.subscriptions(update.effective_chat.id)
        if not subs:
            await self.send(
                update.effective_message, "Chưa theo dõi cơ quan nào. Dùng /theodoi &lt;cơ quan&gt; [tỉnh]."
            )
            return
        today = self.clock()
        lines = ["<b>Đang theo dõi:</b>"]
        for sub in subs:
            records = self._followed(sub.agency, sub.tinh)
            upcoming = [r for r in records if (d := due_date(r.period)) and today <= d]
            where = f" ({sub.tinh})" if sub.tinh else ""
            lines.append(
                f"{sub.id}. {html.escape(sub.agency + where, quote=False)} — từ {sub.created_on:%d/%m/%Y}: "
                f"{len(records)} nhiệm vụ, {len(upcoming)} chưa đến hạn"
            )
        lines.append("Thôi theo dõi: /huytheodoi &lt;số&gt; (hoặc /huytheodoi để bỏ tất cả)")
        await self.send(update.effective_message, "\n".join(lines))

    async def huytheodoi(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/huytheodoi [số]: stop one subscription, or all of this chat's."""
        if await self._refused(update):
            return
        args = context.args or []
        if args and not args[0].isdigit():
            await self.send(update.effective_message, "Cú pháp: /huytheodoi [số], số lấy từ /dangtheodoi")
            return
        removed = self.reminders.unsubscribe(update.effective_chat.id, int(args[0]) if args else None)
        text = f"Đã thôi theo dõi {removed} mục." if removed else "Không có mục theo dõi nào như vậy."
        await self.send(update.effective_message, text)

    async def reminder_job(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The daily job: each chat gets its due-soon, due-today and overdue tasks, each exactly once."""
        today = self.clock()
        pending = self.reminders.unsent(
            reminders_for(
                self.reminders.subscriptions(), self.answerer.searcher.tasks, today, self.config.reminder_days
            )
        )
        by_chat: dict[int, list[Reminder]] = defaultdict(list)
        for reminder in pending:
            by_chat[reminder.chat_id].append(reminder)
        for chat_id, items in by_chat.items():
            try:
                for text in _reminder_messages(items, today):
                    await self.send_to(context.bot, chat_id, text)
            except TelegramError as exc:
                log.warning("reminder to chat %s not sent: %s", chat_id, exc)
                continue
            self.reminders.mark_sent(items, today)
        log.info("reminders for %s: %d sent to %d chats", today, len(pending), len(by_chat))

    # ------------------------------------------------------------ adding documents
    async def document(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A file from an admin: download, check, parse, show what was read, ask to confirm."""
        message = update.effective_message
        if not self.allowed(update):
            return
        if not self.is_admin(update):
            if update.effective_chat and update.effective_chat.type == ChatType.PRIVATE:
                await self.send(message, html.escape(ADMINS_ONLY, quote=False))
            return
        doc = message.document
        problem = check_upload(doc.file_name, doc.file_size, self.config.upload_max_bytes)
        if problem:
            await self.send(message, html.escape(f"Không nhận tệp «{doc.file_name}»: {problem}", quote=False))
            return
        token = secrets.token_hex(4)
        path = self.config.uploads_dir / token / safe_name(doc.file_name or "van-ban")
        path.parent.mkdir(parents=True, exist_ok=True)
        timeout = self.config.download_timeout_s
        try:
            remote = await context.bot.get_file(doc.file_id, read_timeout=timeout)
            if remote.file_size and remote.file_size > self.config.upload_max_bytes:
                raise CorpusError(check_upload(doc.file_name, remote.file_size, self.config.upload_max_bytes) or "")
            await remote.download_to_drive(path, read_timeout=timeout, connect_timeout=timeout)
            preview = await asyncio.to_thread(preview_upload, path, caption_facts(message.caption))
        except (CorpusError, TelegramError) as exc:
            discard_folder(path.parent)
            reason = str(exc) if isinstance(exc, CorpusError) else "không tải được tệp từ Telegram, hãy gửi lại"
            await self.send(
                message,
                html.escape(
                    f"Không thêm được tệp «{doc.file_name}»: {reason}. Kho văn bản không thay đổi.", quote=False
                ),
            )
            return
        preview.uploader_id = update.effective_user.id
        if preview.facts.id in self.answerer.searcher.documents:
            discard(preview)
            await self.send(
                message,
                html.escape(
                    f"Văn bản mã «{preview.facts.id}» đã có trong kho; kho văn bản không thay đổi.", quote=False
                ),
            )
            return
        self.uploads[token] = preview
        buttons = InlineKeyboardMarkup(
            [[InlineKeyboardButton("✅ Thêm", callback_data=f"up:{token}:1"),
              InlineKeyboardButton("✖ Hủy", callback_data=f"up:{token}:0")]]
        )  # fmt: skip
        await self.send(message, _describe_upload(preview), buttons)

    async def _confirm_upload(self, update: Update, context: ContextTypes.DEFAULT_TYPE, token: str, yes: bool) -> None:
        query = update.callback_query
        if not self.is_admin(update):
            await query.answer("Chỉ quản trị viên mới thêm được văn bản.", show_alert=True)
            return
        preview = self.uploads.pop(token, None)
        if preview is None:
            await query.answer("Yêu cầu này đã được xử lý hoặc đã cũ.")
            return
        await query.answer()
        if not yes:
            discard(preview)
            await self.send(query.message, "Đã hủy; kho văn bản không thay đổi.")
            return
        if self.config.corpus_dir is None or self.reload_fn is None:
            discard(preview)
            await self.send(query.message, "Bot chưa được cấu hình thư mục văn bản; kho văn bản không thay đổi.")
            return
        try:
            written = file_into_corpus(preview, self.config.corpus_dir)
        except OSError as exc:
            discard(preview)
            log.error("could not file an upload into %s: %s", self.config.corpus_dir, exc)
            await self.send(query.message, "Không ghi được tệp vào thư mục văn bản; kho văn bản không thay đổi.")
            return
        discard(preview)
        await self.send(
            query.message,
            html.escape(f"Đã lưu «{written[-1].name}». Đang cập nhật chỉ mục; trong lúc đó bot vẫn trả lời "
                        "theo chỉ mục cũ.", quote=False),
        )  # fmt: skip
        context.application.create_task(self._reindex(query.message, written, preview), update=update)

    async def _reindex(self, message: Message, written: list[Path], preview: UploadPreview) -> None:
        """Re-index in the background (the old index keeps serving), swap the answerer, report."""
        started = time.perf_counter()
        try:
            async with self._reindexing:
                answerer = await asyncio.to_thread(self.reload_fn)
        except Exception as exc:
            log.exception("re-index after upload failed")
            for path in written:
                path.unlink(missing_ok=True)
            await self.send(
                message,
                html.escape(f"Không cập nhật được chỉ mục ({exc.__class__.__name__}); đã gỡ tệp khỏi kho.", False),
            )
            return
        self.answerer = answerer
        searcher = answerer.searcher
        names = {doc_id: Path(d["path"]).name for doc_id, d in searcher.documents.items()}
        added = next((doc_id for doc_id, name in names.items() if name == written[-1].name), None)
        status = f"mã {added}" if added else "chưa thấy trong chỉ mục, hãy kiểm tra lại tệp"
        await self.send(
            message,
            html.escape(f"✅ Đã thêm {preview.facts.so_hieu or preview.file_name} ({status}). Kho có "
                        f"{len(searcher.documents)} văn bản, {len(searcher.chunks)} đoạn; cập nhật trong "
                        f"{time.perf_counter() - started:.1f} giây. Có thể hỏi ngay.", quote=False),
        )  # fmt: skip

    # ------------------------------------------------------------ messages
    async def private_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A plain text message in a private chat is a question (an edited one gets a fresh answer)."""
        if await self._refused(update):
            return
        await self.answer_and_send(update, update.effective_message.text or "")

    async def group_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """In groups: answer only when mentioned or replied to."""
        message = update.effective_message
        username = context.bot.username
        mentioned = bool(username) and f"@{username}".lower() in (message.text or "").lower()
        replied = bool(
            message.reply_to_message
            and message.reply_to_message.from_user
            and message.reply_to_message.from_user.id == context.bot.id
        )
        if not (mentioned or replied) or not self.allowed(update):
            return
        question = (
            re.sub(rf"@{re.escape(username)}\b", " ", message.text or "", flags=re.IGNORECASE)
            if username
            else message.text
        )
        await self.answer_and_send(update, question or "")

    async def not_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Stickers, photos and voice get a friendly hint."""
        if update.effective_chat and update.effective_chat.type == ChatType.PRIVATE:
            await self.send(update.effective_message, NOT_TEXT)

    # ------------------------------------------------------------ buttons and inline mode
    async def button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """📄 full text, 🔎 more sources, 📊 export, 👍/👎 feedback, paging, uploads and example questions."""
        query = update.callback_query
        parts = (query.data or "").split(":")
        action, key = parts[0], parts[1] if len(parts) > 1 else ""
        if action == "ex" and key.isdigit() and int(key) < len(EXAMPLES):
            await query.answer()
            await self.answer_and_send(update, EXAMPLES[int(key)])
            return
        if action == "up" and len(parts) == 3:
            await self._confirm_upload(update, context, key, parts[2] == "1")
            return
        shown = self.shown.get(key)
        if shown is None:
            await query.answer("Câu trả lời này đã cũ, bạn hãy hỏi lại nhé.", show_alert=False)
            return
        if action == "fb" and len(parts) == 3:
            vote = 1 if parts[2] == "1" else -1
            await asyncio.to_thread(
                self.feedback.add, query.from_user.id, shown.chat_type, shown.question, shown.answer.citations, vote
            )
            await query.answer("Cảm ơn bạn đã góp ý!")
            return
        if action == "pg" and len(parts) == 3 and parts[2].isdigit() and int(parts[2]) < _pages(shown.answer):
            await query.answer()
            page = int(parts[2])
            texts = render_telegram(_paged(shown.answer, page))
            markup = _page_markup(key, shown.answer, page)
            await query.edit_message_text(texts[0], parse_mode=ParseMode.HTML, reply_markup=markup)
            return
        if action == "xl" and _exportable(shown.answer):
            await query.answer("Đang tạo tệp Excel…")
            data = await asyncio.to_thread(workbook_bytes, rows_from_answer(shown.answer))
            reply = ReplyParameters(message_id=query.message.message_id, allow_sending_without_reply=True)
            count = len(rows_from_answer(shown.answer))
            await self._retrying(
                lambda: query.message.reply_document(
                    InputFile(data, filename=EXPORT_NAME),
                    caption=f"{count} nhiệm vụ — {shown.answer.message or shown.question}"[:1000],
                    reply_parameters=reply,
                )
            )
            return
        if action == "ft":
            await query.answer()
            texts = self.full_text(shown.answer)
        elif action == "ns" and shown.answer.more_sources:
            await query.answer()
            only_sources = {"task": None, "primary": None, "by_province": [], "groups": [], "comparison": [],
                            "status_notes": [], "message": None}  # fmt: skip
            texts = render_telegram(shown.answer.model_copy(update=only_sources))
        else:
            await query.answer()
            return
        for text in texts:
            await self.send(query.message, text)

    def full_text(self, answer: Answer) -> list[str]:
        """The whole article or task the answer quotes."""
        main = answer.task.quote if answer.task else answer.primary
        chunk = self.answerer.searcher.by_id.get(main.chunk_id) if main else None
        if chunk is None:
            return ["Không tìm thấy toàn văn."]
        whole = main.model_copy(update={"text": chunk.text, "citation": chunk.citation, "heading": ""})
        full = answer.model_copy(
            update={
                "task": None,
                "primary": whole,
                "by_province": [],
                "groups": [],
                "comparison": [],
                "more_sources": [],
                "secondary_news": None,
                "message": None,
            }
        )
        return render_telegram(full)

    async def inline(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """@bot câu hỏi: the top answers as results to send."""
        query = update.inline_query
        text = (query.query or "").strip()
        if len(text) < 3 or not self.allowed(update):
            await query.answer([], cache_time=5)
            return
        answer = await asyncio.to_thread(self.answerer.answer, text)
        results = []
        main = answer.task.quote if answer.task else answer.primary
        if answer.status == Status.ANSWERED and main is not None:
            body = render_telegram(answer)[0]
            title = f"Chủ trì: {'; '.join(answer.task.lead)}" if answer.task else main.citation
            results.append(_article("a0", title, main.citation, body))
            for i, quote in enumerate(answer.more_sources, start=1):
                single = answer.model_copy(
                    update={
                        "task": None,
                        "primary": quote,
                        "by_province": [],
                        "comparison": [],
                        "more_sources": [],
                        "secondary_news": None,
                    }
                )
                results.append(_article(f"a{i}", quote.citation, quote.text, render_telegram(single)[0]))
        await query.answer(results, cache_time=30)

    # ------------------------------------------------------------ errors
    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The one error handler: apology to the user, traceback and update id to the log."""
        update_id = update.update_id if isinstance(update, Update) else None
        log.error("handler failed for update %s", update_id, exc_info=context.error)
        if isinstance(update, Update) and update.effective_message:
            try:
                await update.effective_message.reply_text(SORRY)
            except TelegramError:
                log.warning("could not send the apology for update %s", update_id)

    # ------------------------------------------------------------ wiring
    def register(self, app: Application) -> None:
        """Attach every handler, the error handler and the daily reminder job."""
        app.add_handler(CommandHandler(["start", "help"], self.start))
        app.add_handler(CommandHandler("hoi", self.ask))
        app.add_handler(CommandHandler("chutri", self.chutri))
        app.add_handler(CommandHandler("nhiemvu", self.nhiemvu))
        app.add_handler(CommandHandler("hanchot", self.hanchot))
        app.add_handler(CommandHandler("sosanh", self.sosanh))
        app.add_handler(CommandHandler("theodoi", self.theodoi))
        app.add_handler(CommandHandler("dangtheodoi", self.dangtheodoi))
        app.add_handler(CommandHandler("huytheodoi", self.huytheodoi))
        app.add_handler(CommandHandler("vanban", self.vanban))
        app.add_handler(CommandHandler("dieu", self.dieu))
        app.add_handler(CommandHandler("reload", self.reload))
        app.add_handler(CallbackQueryHandler(self.button))
        app.add_handler(InlineQueryHandler(self.inline))
        app.add_handler(MessageHandler(filters.Document.ALL, self.document))
        app.add_handler(MessageHandler(filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND, self.private_text))
        app.add_handler(MessageHandler(filters.ChatType.GROUPS & filters.TEXT & ~filters.COMMAND, self.group_text))
        app.add_handler(MessageHandler(~filters.TEXT & ~filters.COMMAND & ~filters.StatusUpdate.ALL, self.not_text))
        app.add_error_handler(self.on_error)
        if app.job_queue is not None:
            zone = ZoneInfo(self.config.timezone)
            app.job_queue.run_daily(self.reminder_job, self.config.reminder_time.replace(tzinfo=zone), name="reminders")
            app.job_queue.run_once(self.reminder_job, self.config.reminder_first_s, name="reminders-at-start")


def discard_folder(folder: Path) -> None:
    """Remove an upload's private folder."""
    shutil.rmtree(folder, ignore_errors=True)


def _agency_and_province(text: str) -> tuple[str, str | None]:
    """'Sở Nội vụ Quảng Ngãi' → ('Sở Nội vụ', 'Quảng Ngãi'); the province is the last one named."""
    text = " ".join(text.split())
    provinces = find_provinces(text)
    if not provinces:
        return text, None
    tinh = provinces[-1]
    folded = fold_accents(text).lower()
    at = folded.rfind(fold_accents(tinh).lower())
    if at == -1:
        return text, tinh
    agency = re.sub(r"(?i)\s*(?:tỉnh|thành phố|tp\.?)\s*$", "", text[:at]).strip(" ,-–")
    return agency, tinh


def _reminder_messages(items: list[Reminder], today: dt.date) -> list[str]:
    """The day's reminders for one chat, grouped by stage, each task with its deadline and citation."""
    blocks = [f"⏰ <b>Nhắc hạn nhiệm vụ ngày {today:%d/%m/%Y}</b>"]
    for stage in (Stage.TODAY, Stage.SOON, Stage.OVERDUE):
        chosen = [r for r in items if r.stage == stage]
        if not chosen:
            continue
        blocks.append(f"<b>{STAGE_TITLES[stage]}:</b>")
        for r in chosen:
            lead = "; ".join(a.wording for a in r.record.lead) or "—"
            task = r.record.task if len(r.record.task) <= 400 else r.record.task[:399] + "…"
            blocks.append(
                f"• {html.escape(task, quote=False)}\n<b>Chủ trì:</b> {html.escape(lead, quote=False)}\n"
                f"<b>Thời hạn:</b> {html.escape(r.record.deadline or '', quote=False)} (hạn {r.due:%d/%m/%Y})\n"
                f"<i>{html.escape(r.record.citation, quote=False)}</i>"
            )
    return _chunks(blocks, sep="\n\n")


def _describe_upload(p: UploadPreview) -> str:
    """What was read from an uploaded file, for the admin to confirm."""
    f = p.facts
    e = lambda s: html.escape(str(s), quote=False)  # noqa: E731
    lines = [f"<b>Đã đọc tệp «{e(p.file_name)}»:</b>"]
    facts = [
        ("Mã", f.id),
        ("Loại", f.loai),
        ("Số hiệu", f.so_hieu),
        ("Ngày ban hành", f.ngay_ban_hanh.strftime("%d/%m/%Y") if f.ngay_ban_hanh else None),
        ("Cơ quan ban hành", f.co_quan_ban_hanh),
        ("Tỉnh", f.tinh),
        ("Trích yếu", f.trich_yeu),
    ]
    lines += [f"<b>{label}:</b> {e(value)}" for label, value in facts if value]
    lines.append(
        f"<b>Nội dung:</b> {p.articles} điều, {p.tasks} nhiệm vụ, {p.responsibilities} lượt giao trách nhiệm "
        f"(chủ trì, phối hợp), {p.chunks} đoạn"
    )
    if p.relations:
        lines.append("<b>Hiệu lực:</b> " + e("; ".join(p.relations)))
    if p.warnings:
        lines.append("<b>Cảnh báo:</b>\n" + "\n".join(f"• {e(w)}" for w in p.warnings))
    lines.append("Thêm văn bản này vào kho?")
    return "\n".join(lines)[:TELEGRAM_LIMIT]


def _article(result_id: str, title: str, description: str, html_text: str) -> InlineQueryResultArticle:
    return InlineQueryResultArticle(
        id=result_id,
        title=title[:100],
        description=description[:200],
        input_message_content=InputTextMessageContent(html_text, parse_mode=ParseMode.HTML),
    )


def _votes(key: str) -> list[InlineKeyboardButton]:
    up = InlineKeyboardButton("👍", callback_data=f"fb:{key}:1")
    return [up, InlineKeyboardButton("👎", callback_data=f"fb:{key}:0")]


def _exportable(answer: Answer) -> bool:
    """Task lists (/nhiemvu, /hanchot, /theodoi, /sosanh) can be sent as a workbook."""
    return answer.status == Status.ANSWERED and bool(answer.groups or answer.comparison)


def _pages(answer: Answer) -> int:
    total = sum(len(g.tasks) for g in answer.groups)
    return max(1, (total + PAGE_SIZE - 1) // PAGE_SIZE)


def _paged(answer: Answer, page: int) -> Answer:
    """The answer with only one page of a long task list."""
    tasks = [(g, t) for g in answer.groups for t in g.tasks]
    if len(tasks) <= PAGE_SIZE:
        return answer
    window = tasks[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    groups: list[DocumentTasks] = []
    for group, task in window:
        if not groups or groups[-1].doc_id != group.doc_id:
            groups.append(group.model_copy(update={"tasks": []}))
        groups[-1].tasks.append(task)
    message = f"{answer.message or 'Danh sách'} (trang {page + 1}/{_pages(answer)})"
    return answer.model_copy(update={"groups": groups, "message": message})


def _page_markup(key: str, answer: Answer, page: int) -> InlineKeyboardMarkup:
    row = []
    if page > 0:
        row.append(InlineKeyboardButton("◀ Trang trước", callback_data=f"pg:{key}:{page - 1}"))
    if page + 1 < _pages(answer):
        row.append(InlineKeyboardButton("Trang sau ▶", callback_data=f"pg:{key}:{page + 1}"))
    rows = [row] if row else []
    if _exportable(answer):
        rows.append([InlineKeyboardButton("📊 Xuất Excel", callback_data=f"xl:{key}")])
    return InlineKeyboardMarkup([*rows, _votes(key)])


def _chunks(lines: list[str], sep: str = "\n") -> list[str]:
    out, current = [], ""
    for line in lines:
        if current and len(current) + len(line) + len(sep) > TELEGRAM_LIMIT:
            out.append(current)
            current = line
        else:
            current = f"{current}{sep}{line}" if current else line
    return [*out, current] if current else out


def build_application(config: BotConfig, tracuu: TracuuBot) -> Application:
    """The python-telegram-bot Application: one builder, commands registered at start-up."""
    builder: ApplicationBuilder = Application.builder().token(config.token).concurrent_updates(64)
    if config.base_url:
        base = config.base_url.rstrip("/")
        builder = builder.base_url(base).base_file_url(base.replace("/bot", "/file/bot"))

    async def post_init(app: Application) -> None:
        await app.bot.set_my_commands([BotCommand(name, desc) for name, desc in COMMANDS])

    app = builder.post_init(post_init).build()
    tracuu.register(app)
    return app
