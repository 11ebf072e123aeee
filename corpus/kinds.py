"""What a document is: an official text, a news item, a Q&A article or an encyclopaedia page.

Real collections mix them. Only official texts are regulations; the others may retell or
explain one, so answers cite them after official texts and say what they are. The kind is
read from the text itself, because a web page's file name or source says nothing reliable.
"""

from __future__ import annotations

import re
from enum import StrEnum


class DocumentKind(StrEnum):
    """The kinds a collection mixes; only OFFICIAL texts are regulations."""

    OFFICIAL = "official"
    NEWS = "news"
    QA = "qa"
    ENCYCLOPEDIA = "encyclopedia"


# The 'loai' each kind is stored under; official texts keep their own type (Quyết định, Kế hoạch …).
KIND_LABELS = {
    DocumentKind.NEWS: "Tin bài",
    DocumentKind.QA: "Hỏi đáp",
    DocumentKind.ENCYCLOPEDIA: "Bách khoa",
}

# How answers name a document that is not a regulation, and what they warn about it.
KIND_NOTES = {
    DocumentKind.NEWS: "Đây là tin bài, không phải văn bản quy định; hãy trích dẫn văn bản gốc.",
    DocumentKind.QA: "Đây là bài hỏi đáp, chỉ để tham khảo, không phải văn bản quy định; hãy trích dẫn văn bản gốc.",
    DocumentKind.ENCYCLOPEDIA: "Đây là trang bách khoa, không phải văn bản quy định; hãy trích dẫn văn bản gốc.",
}

_QUESTION = re.compile(
    r"(?i)^(?:hỏi|câu hỏi|nội dung (?:câu )?hỏi|bạn đọc hỏi|người hỏi|ông bà hỏi|độc giả hỏi)\s*(?:\d+\s*)?[:.\-–]"
    r"|^(?:xin hỏi|cho (?:tôi|em) hỏi|tôi muốn hỏi|kính gửi (?:luật sư|ban biên tập))\b"
)
_ANSWER = re.compile(
    r"(?i)^(?:trả lời|đáp|câu trả lời|nội dung trả lời|luật sư (?:trả lời|tư vấn)|ý kiến (?:của )?(?:bộ|sở|cơ quan)"
    r"[^:]{0,60}|(?:bộ|sở|ban biên tập|luật sư)[^:]{0,60}trả lời(?: như sau)?)\s*(?:\(.{0,80}\))?\s*[:.\-–]"
    r"|^chào (?:bạn|anh|chị|ông|bà)\b"
)
_QA_TITLE = re.compile(
    r"(?i)\b(?:hỏi\s*[-–—&]\s*đáp|hỏi đáp|giải đáp (?:vướng mắc|thắc mắc|pháp luật)|tư vấn pháp luật)\b"
)
_ENCYCLOPEDIA = re.compile(r"(?i)\b(?:wikipedia|bách khoa toàn thư(?: mở)?|từ điển bách khoa)\b")
_ENCYCLOPEDIA_SECTIONS = re.compile(r"(?i)^(?:xem thêm|tham khảo|liên kết ngoài|chú thích|ghi chú|bài chi tiết\s*:)$")


def detect_kind(lines: list[str], official_header: bool) -> DocumentKind:
    """The kind a document's lines show; ``official_header`` is an issuer, number or type line found in its header.

    A Q&A article quotes regulations and may even print a decision's number, so a question
    followed by an answer wins over a number; a national motto or a type line does not (an
    official reply to a citizen is still an official text).
    """
    texts = [t.strip(" *#_|") for t in lines if t.strip(" *#_|")]
    head = texts[:40]
    question = next((i for i, t in enumerate(texts[:200]) if _QUESTION.match(t)), None)
    answered = question is not None and any(_ANSWER.match(t) for t in texts[question + 1 : question + 200])
    titled = any(_QA_TITLE.search(t) for t in head[:8])
    if not official_header and (answered or (titled and question is not None)):
        return DocumentKind.QA
    if not official_header and (
        any(_ENCYCLOPEDIA.search(t) for t in head[:15] + texts[-15:])
        or sum(bool(_ENCYCLOPEDIA_SECTIONS.match(t)) for t in texts) >= 2
    ):
        return DocumentKind.ENCYCLOPEDIA
    return DocumentKind.OFFICIAL if official_header else DocumentKind.NEWS


def is_question_line(line: str) -> bool:
    """A Q&A article's question ('Hỏi: …'): it repeats what was asked; the answer follows it."""
    return bool(_QUESTION.match(line.strip(" *#_|")))


def kind_of(loai: str | None) -> DocumentKind:
    """The kind a stored 'loai' stands for (sidecar manifests write 'Tin bài (đăng lại Kế hoạch)')."""
    low = (loai or "").lower()
    if low.startswith("tin"):
        return DocumentKind.NEWS
    if low.startswith("hỏi đáp"):
        return DocumentKind.QA
    if low.startswith("bách khoa"):
        return DocumentKind.ENCYCLOPEDIA
    return DocumentKind.OFFICIAL
