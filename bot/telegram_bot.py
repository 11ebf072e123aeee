"""The Telegram bot: thin handlers that parse an update, call the Answerer, render and send.

Answers are computed in worker threads, so a slow search for one user never stalls others;
flood control (RetryAfter) is respected when sending; one error handler apologises to the user
and logs the traceback with the update id.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import html
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, Field
from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Message,
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
from bot.feedback import FeedbackStore
from bot.models import Answer, DocumentTasks, Status
from bot.ratelimit import KeyedCache, RateLimiter
from bot.render import TELEGRAM_LIMIT, render_telegram

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
    ("vanban", "Danh sách văn bản đã nạp"),
    ("dieu", "Toàn văn một điều: /dieu <số> <văn bản>"),
]
PAGE_SIZE = 5
SORRY = "Xin lỗi, đã có lỗi khi xử lý yêu cầu của bạn. Vui lòng thử lại sau ít phút."
NOT_TEXT = "Mình chỉ đọc được câu hỏi bằng chữ. Bạn hãy gõ câu hỏi, ví dụ: «Ai chủ trì kế hoạch tuyên truyền CCHC?»"
NOT_ALLOWED = "Xin lỗi, bot này chỉ phục vụ các tài khoản và nhóm đã được cấp quyền."


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
    """Handlers and the state they share: the answerer, the limiter, shown answers, feedback."""

    def __init__(self, config: BotConfig, answerer: Answerer, reload: Callable[[], Answerer] | None = None) -> None:
        self.config = config
        self.answerer = answerer
        self.reload_fn = reload
        self.limiter = RateLimiter(config.rate_limit, config.rate_window_s)
        self.shown: KeyedCache[Shown] = KeyedCache()
        self.feedback = FeedbackStore(config.feedback_path)

    # ------------------------------------------------------------ plumbing
    def allowed(self, update: Update) -> bool:
        """Allowlist check (no allowlist: everyone)."""
        ids = self.config.allowed_chat_ids
        if not ids:
            return True
        user = update.effective_user.id if update.effective_user else None
        chat = update.effective_chat.id if update.effective_chat else None
        return user in ids or chat in ids

    async def _refused(self, update: Update) -> bool:
        """Tell a user outside the allowlist so, and report whether the update was refused."""
        if self.allowed(update):
            return False
        await self.send(update.effective_message, NOT_ALLOWED)
        return True

    async def send(self, message: Message, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
        """Reply with HTML, waiting out Telegram's flood control when it asks us to."""
        for attempt in range(3):
            try:
                await message.reply_html(text, reply_markup=markup)
                return
            except RetryAfter as exc:
                wait = exc.retry_after.total_seconds() if isinstance(exc.retry_after, dt.timedelta) else exc.retry_after
                log.warning("flood control: waiting %.1fs (attempt %d)", float(wait), attempt + 1)
                await asyncio.sleep(float(wait))
        raise TelegramError("flood control did not clear after 3 attempts")

    def keyboard(self, key: str, answer: Answer) -> InlineKeyboardMarkup | None:
        """📄 Toàn văn, 🔎 Nguồn khác, 👍 / 👎 — callback data carries only a short key."""
        if answer.status != Status.ANSWERED:
            return None
        rows = []
        if answer.task or answer.primary:
            rows.append(InlineKeyboardButton("📄 Toàn văn", callback_data=f"ft:{key}"))
        if answer.more_sources:
            rows.append(InlineKeyboardButton("🔎 Nguồn khác", callback_data=f"ns:{key}"))
        votes = [
            InlineKeyboardButton("👍", callback_data=f"fb:{key}:1"),
            InlineKeyboardButton("👎", callback_data=f"fb:{key}:0"),
        ]
        buttons = [rows, votes] if rows else [votes]
        if answer.groups and sum(len(g.tasks) for g in answer.groups) > PAGE_SIZE:
            buttons.insert(0, [InlineKeyboardButton("Trang sau ▶", callback_data=f"pg:{key}:1")])
        return InlineKeyboardMarkup(buttons)

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
        answer = await asyncio.to_thread(self.answerer.answer, question)
        chat_type = update.effective_chat.type if update.effective_chat else "private"
        shown = Shown(question=question, answer=answer, chat_type=chat_type)
        paged = _paged(answer, 0)
        key = self.shown.put(shown)
        messages = render_telegram(paged)
        for i, text in enumerate(messages):
            await self.send(message, text, self.keyboard(key, answer) if i == len(messages) - 1 else None)

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
        """/vanban: documents loaded, with số hiệu, date and province."""
        if await self._refused(update):
            return
        lines = ["<b>Văn bản đã nạp:</b>"]
        for doc in sorted(self.answerer.searcher.documents.values(), key=lambda d: d["facts"]["id"]):
            f = doc["facts"]
            date = dt.date.fromisoformat(f["ngay_ban_hanh"]).strftime("%d/%m/%Y") if f.get("ngay_ban_hanh") else "—"
            parts = [f.get("loai") or "Văn bản", f.get("so_hieu") or "", f"ngày {date}", f.get("tinh") or ""]
            lines.append(
                f"• {html.escape(' · '.join(p for p in parts if p), quote=False)}\n  "
                f"<i>{html.escape(f.get('trich_yeu') or f['id'], quote=False)}</i>"
            )
        for text in _chunks(lines):
            await self.send(update.effective_message, text)

    async def reload(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/reload (admins): re-index new documents without a restart."""
        user = update.effective_user
        if not user or user.id not in self.config.admin_ids or self.reload_fn is None:
            await self.send(update.effective_message, "Lệnh này chỉ dành cho quản trị viên.")
            return
        await self.send(update.effective_message, "Đang cập nhật chỉ mục…")
        started = time.perf_counter()
        self.answerer = await asyncio.to_thread(self.reload_fn)
        docs = len(self.answerer.searcher.documents)
        await self.send(
            update.effective_message, f"Đã cập nhật: {docs} văn bản, {time.perf_counter() - started:.1f} giây."
        )

    # ------------------------------------------------------------ messages
    async def private_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A plain text message in a private chat is a question."""
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
        """Stickers, photos, files and voice get a friendly hint."""
        if update.effective_chat and update.effective_chat.type == ChatType.PRIVATE:
            await self.send(update.effective_message, NOT_TEXT)

    # ------------------------------------------------------------ buttons and inline mode
    async def button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """📄 full text, 🔎 more sources, 👍/👎 feedback, paging, and example questions."""
        query = update.callback_query
        parts = (query.data or "").split(":")
        action, key = parts[0], parts[1] if len(parts) > 1 else ""
        if action == "ex" and key.isdigit() and int(key) < len(EXAMPLES):
            await query.answer()
            await self.answer_and_send(update, EXAMPLES[int(key)])
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
        await query.answer()
        if action == "ft":
            texts = self.full_text(shown.answer)
        elif action == "ns":
            texts = render_telegram(
                shown.answer.model_copy(
                    update={"task": None, "primary": None, "by_province": [], "groups": [], "message": "Nguồn khác"}
                )
            )
        elif action == "pg" and len(parts) == 3 and parts[2].isdigit():
            page = int(parts[2])
            texts = render_telegram(_paged(shown.answer, page))
            markup = _page_markup(key, shown.answer, page)
            await query.edit_message_text(texts[0], parse_mode=ParseMode.HTML, reply_markup=markup)
            return
        else:
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
        if answer.status == Status.ANSWERED:
            main = answer.task.quote if answer.task else answer.primary
            body = render_telegram(answer)[0]
            title = f"Chủ trì: {'; '.join(answer.task.lead)}" if answer.task else (main.citation if main else text)
            results.append(_article("a0", title, main.citation if main else "", body))
            for i, quote in enumerate(answer.more_sources, start=1):
                single = answer.model_copy(
                    update={
                        "task": None,
                        "primary": quote,
                        "by_province": [],
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
        """Attach every handler and the error handler."""
        app.add_handler(CommandHandler(["start", "help"], self.start))
        app.add_handler(CommandHandler("hoi", self.ask))
        app.add_handler(CommandHandler("chutri", self.chutri))
        app.add_handler(CommandHandler("nhiemvu", self.nhiemvu))
        app.add_handler(CommandHandler("hanchot", self.hanchot))
        app.add_handler(CommandHandler("vanban", self.vanban))
        app.add_handler(CommandHandler("dieu", self.dieu))
        app.add_handler(CommandHandler("reload", self.reload))
        app.add_handler(CallbackQueryHandler(self.button))
        app.add_handler(InlineQueryHandler(self.inline))
        app.add_handler(MessageHandler(filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND, self.private_text))
        app.add_handler(MessageHandler(filters.ChatType.GROUPS & filters.TEXT & ~filters.COMMAND, self.group_text))
        app.add_handler(MessageHandler(~filters.TEXT & ~filters.COMMAND & ~filters.StatusUpdate.ALL, self.not_text))
        app.add_error_handler(self.on_error)


def _article(result_id: str, title: str, description: str, html_text: str) -> InlineQueryResultArticle:
    return InlineQueryResultArticle(
        id=result_id,
        title=title[:100],
        description=description[:200],
        input_message_content=InputTextMessageContent(html_text, parse_mode=ParseMode.HTML),
    )


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
    pages = (len(tasks) + PAGE_SIZE - 1) // PAGE_SIZE
    message = f"{answer.message or 'Danh sách'} (trang {page + 1}/{pages})"
    return answer.model_copy(update={"groups": groups, "message": message})


def _page_markup(key: str, answer: Answer, page: int) -> InlineKeyboardMarkup:
    total = sum(len(g.tasks) for g in answer.groups)
    pages = (total + PAGE_SIZE - 1) // PAGE_SIZE
    row = []
    if page > 0:
        row.append(InlineKeyboardButton("◀ Trang trước", callback_data=f"pg:{key}:{page - 1}"))
    if page + 1 < pages:
        row.append(InlineKeyboardButton("Trang sau ▶", callback_data=f"pg:{key}:{page + 1}"))
    votes = [
        InlineKeyboardButton("👍", callback_data=f"fb:{key}:1"),
        InlineKeyboardButton("👎", callback_data=f"fb:{key}:0"),
    ]
    return InlineKeyboardMarkup([row, votes] if row else [votes])


def _chunks(lines: list[str]) -> list[str]:
    out, current = [], ""
    for line in lines:
        if current and len(current) + len(line) + 1 > TELEGRAM_LIMIT:
            out.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
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
