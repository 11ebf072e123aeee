"""Render an Answer as plain text (terminal) or Telegram HTML messages (≤ 4096 characters each).

Rendering is separate from composing: the same Answer feeds both. In Telegram HTML every piece
of document or user text is escaped, and a quote never leaves its citation behind: when a long
quote is split across messages, each part carries the citation.
"""

from __future__ import annotations

import html
import re
import textwrap

from bot.models import Answer, Quote, Status, TaskAnswer

TELEGRAM_LIMIT = 4096


def _e(text: str) -> str:
    return html.escape(text, quote=False)


def _confidence_label(answer: Answer) -> str:
    return f"độ tin cậy {answer.confidence:.0%}"


def _task_fields(task: TaskAnswer) -> list[tuple[str, str]]:
    """The labelled fields of a task answer, as both renderers show them."""
    fields = [("Chủ trì", "; ".join(task.lead) or "—")]
    if task.partners:
        fields.append(("Phối hợp", "; ".join(task.partners)))
    if task.appraiser:
        fields.append(("Thẩm định", "; ".join(task.appraiser)))
    fields.append(("Thời hạn", task.deadline or "không nêu"))
    if task.product:
        fields.append(("Sản phẩm", task.product))
    return fields


# --------------------------------------------------------------------------- plain text
def _task_lines(task: TaskAnswer) -> list[str]:
    return [f"{label}: {value}" for label, value in _task_fields(task)]


def _quote_lines(quote: Quote, width: int = 100) -> list[str]:
    lines = [f"  {quote.heading}"] if quote.heading and quote.heading not in quote.text else []
    for line in quote.text.splitlines():
        lines.extend("  │ " + part for part in textwrap.wrap(line, width) or [""])
    lines.append(f"  — {quote.citation}")
    return lines


def render_text(answer: Answer) -> str:
    """The answer for a terminal."""
    if answer.status != Status.ANSWERED:
        out = [answer.message or "Không có câu trả lời."]
        for quote in answer.related:
            out.extend(_quote_lines(quote))
        if answer.suggestions:
            out.append("Ví dụ câu hỏi:")
            out.extend(f"  • {s}" for s in answer.suggestions)
        return "\n".join(out)
    out: list[str] = []
    if answer.message:
        out.append(answer.message + ":")
    out.extend(f"⚠ {note}" for note in answer.status_notes)
    if answer.task:
        out.extend(_task_lines(answer.task))
        out.extend(_quote_lines(answer.task.quote))
    elif answer.primary:
        out.extend(_quote_lines(answer.primary))
    if answer.by_province:
        out.append("Văn bản của tỉnh khác cũng có quy định tương tự:")
        for item in answer.by_province:
            quote = item.quote if isinstance(item, TaskAnswer) else item
            out.append(f"• {quote.province or 'Không rõ tỉnh'}:")
            if isinstance(item, TaskAnswer):
                out.extend("  " + line for line in _task_lines(item))
            out.extend(_quote_lines(quote))
    for i, task in enumerate(answer.comparison, start=1):
        out.append(
            f"{i}. {task.quote.province or 'Không rõ tỉnh'}: {textwrap.shorten(task.task, 300, placeholder='…')}"
        )
        out.extend("   " + line for line in _task_lines(task))
        out.append(f"   — {task.quote.citation}")
    for group in answer.groups:
        out.append(f"■ {group.title}" + (f" ({group.province})" if group.province else ""))
        for task in group.tasks:
            out.append(f"  - {task.task}")
            out.append(f"    Thời hạn: {task.deadline or 'không nêu'}")
            out.append(f"    — {task.quote.citation}")
    if answer.more_sources:
        out.append("Nguồn khác:")
        for quote in answer.more_sources:
            out.append(f"  • {quote.citation}: {textwrap.shorten(quote.text, 160, placeholder='…')}")
    if answer.secondary_news:
        out.append(f"Tin bài liên quan: {answer.secondary_news.citation}")
    if answer.intent not in ("agency_tasks", "period"):
        out.append(f"({_confidence_label(answer)})")
    return "\n".join(out)


# --------------------------------------------------------------------------- Telegram HTML
def _html_task(task: TaskAnswer) -> str:
    return "\n".join(f"<b>{label}:</b> {_e(value)}" for label, value in _task_fields(task))


def _html_quote_blocks(quote: Quote, budget: int) -> list[str]:
    """One or more blocks, each a blockquote with the citation under it, each within ``budget``."""
    citation = f"<i>{_e(quote.citation)}</i>"
    heading = f"<b>{_e(quote.heading)}</b>\n" if quote.heading and quote.heading not in quote.text else ""
    overhead = len("<blockquote></blockquote>\n") + len(citation) + len(heading) + 16
    room = max(200, budget - overhead)
    pieces: list[str] = []
    current = ""
    for line in quote.text.splitlines() or [quote.text]:
        for part in _split_long(_e(line), room):
            candidate = f"{current}\n{part}" if current else part
            if len(candidate) > room and current:
                pieces.append(current)
                current = part
            else:
                current = candidate
    if current or not pieces:
        pieces.append(current)
    blocks = []
    for i, piece in enumerate(pieces):
        head = heading if i == 0 else ""
        more = " (tiếp)" if i else ""
        blocks.append(f"{head}<blockquote>{piece}</blockquote>\n{citation}{more}")
    return blocks


def _split_long(escaped: str, room: int) -> list[str]:
    """Split an over-long escaped line at spaces, never inside an entity such as &amp;."""
    out = []
    while len(escaped) > room:
        cut = escaped.rfind(" ", 0, room)
        if cut <= 0:
            cut = room
            amp = escaped.rfind("&", 0, cut)
            if amp != -1 and ";" not in escaped[amp:cut]:
                cut = amp
        out.append(escaped[:cut])
        escaped = escaped[cut:].lstrip()
    out.append(escaped)
    return out


def _pack(blocks: list[str], limit: int) -> list[str]:
    """Join blocks into messages, splitting only between blocks."""
    messages: list[str] = []
    current = ""
    for block in blocks:
        candidate = f"{current}\n\n{block}" if current else block
        if len(candidate) > limit and current:
            messages.append(current)
            current = block
        else:
            current = candidate
    if current:
        messages.append(current)
    return messages


def render_telegram(answer: Answer, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Telegram HTML messages (parse_mode=HTML), each at most ``limit`` characters."""
    blocks: list[str] = []
    if answer.status != Status.ANSWERED:
        text = _e(answer.message or "Không có câu trả lời.")
        if answer.suggestions:
            text += "\n\n<b>Ví dụ câu hỏi:</b>\n" + "\n".join(f"• {_e(s)}" for s in answer.suggestions)
        related = [b for quote in answer.related for b in _html_quote_blocks(quote, limit)]
        return _pack([*_fit(text, limit), *related], limit)
    if answer.message:
        blocks.append(f"<b>{_e(answer.message)}:</b>")
    blocks.extend(f"⚠️ <b>{_e(note)}</b>" for note in answer.status_notes)
    if answer.task:
        blocks.append(_html_task(answer.task))
        blocks.extend(_html_quote_blocks(answer.task.quote, limit))
    elif answer.primary:
        blocks.extend(_html_quote_blocks(answer.primary, limit))
    if answer.by_province:
        blocks.append("<b>Văn bản của tỉnh khác cũng có quy định tương tự:</b>")
        for item in answer.by_province:
            quote = item.quote if isinstance(item, TaskAnswer) else item
            title = f"• <b>{_e(quote.province or 'Không rõ tỉnh')}</b>"
            if isinstance(item, TaskAnswer):
                title += "\n" + _html_task(item)
            blocks.append(title)
            blocks.extend(_html_quote_blocks(quote, limit))
    for i, task in enumerate(answer.comparison, start=1):
        blocks.append(
            f"<b>{i}. {_e(task.quote.province or 'Không rõ tỉnh')}</b>\n"
            f"{_e(textwrap.shorten(task.task, 400, placeholder='…'))}\n{_html_task(task)}\n"
            f"<i>{_e(task.quote.citation)}</i>"
        )
    for group in answer.groups:
        header = f"■ <b>{_e(group.title)}</b>" + (f" ({_e(group.province)})" if group.province else "")
        blocks.append(header)
        for task in group.tasks:
            blocks.append(
                f"• {_e(textwrap.shorten(task.task, 600, placeholder='…'))}\n"
                f"<b>Thời hạn:</b> {_e(task.deadline or 'không nêu')}\n<i>{_e(task.quote.citation)}</i>"
            )
    if answer.more_sources:
        lines = ["<b>Nguồn khác:</b>"]
        for quote in answer.more_sources:
            lines.append(f"• <i>{_e(quote.citation)}</i>: {_e(textwrap.shorten(quote.text, 200, placeholder='…'))}")
        blocks.append("\n".join(lines))
    if answer.secondary_news:
        blocks.append(f"<b>Tin bài liên quan:</b> <i>{_e(answer.secondary_news.citation)}</i>")
    if answer.intent not in ("agency_tasks", "period"):
        blocks.append(f"<i>({_confidence_label(answer)})</i>")
    return _pack([piece for b in blocks for piece in _fit(b, limit)], limit)


def _fit(block: str, limit: int) -> list[str]:
    """A block within the limit; an over-long one is split by lines, a single huge line is shortened."""
    if len(block) <= limit:
        return [block]
    out = []
    for line in block.split("\n"):
        if len(line) <= limit:
            out.append(line)
        else:
            plain = html.unescape(re.sub(r"<[^>]+>", "", line))
            out.append(_e(textwrap.shorten(plain, limit // 2, placeholder="…")))
    return out
