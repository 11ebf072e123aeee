"""Recognise what a question asks: who leads, who helps, when, an agency's tasks, a period, an article."""

from __future__ import annotations

import re

from bot.models import Intent
from corpus.normalize import fold_accents

_WHO = (
    r"(?:ai|co quan nao|don vi nao|so nao|bo nao|nganh nao|ben nao|cap nao|noi nao|to chuc nao|ai la|nhung ai"
    r"|nhung (?:co quan|don vi|bo|so) nao)"
)
_LEAD_VERBS = (
    r"(?:chu tri|chiu trach nhiem|phu trach|dam nhiem|dam nhan|thuc hien|lam|xay dung|to chuc|giup|theo doi"
    r"|huong dan|thuc thi|lap|trien khai|tham muu|dau moi|thuong truc|ban hanh|tham dinh|quan ly|chi dao|van hanh"
    r"|xu ly|giai quyet|tong hop|kiem tra|tiep nhan|ra soat|cung cap|giam sat|danh gia|cap|thi hanh|de xuat"
    r"|nghien cuu|bao cao)"
)
_LEAD = [
    re.compile(rf"\b{_WHO}\b.{{0,40}}\b{_LEAD_VERBS}\b"),
    re.compile(rf"\b{_LEAD_VERBS}\b.{{0,80}}\b(?:la ai|la co quan nao|la don vi nao|la so nao)\b"),
    re.compile(rf"\bdo\s+{_WHO}\b"),
    re.compile(rf"\bgiao\s+(?:cho\s+)?{_WHO}\b"),
    re.compile(r"\b(?:co quan|don vi) (?:chu tri|thuong truc)\b.{0,60}\b(?:la gi|nao)\b"),
]
_PARTNERS = re.compile(
    rf"\b(?:{_WHO}|nhung co quan|cac co quan|nhung don vi|cac don vi)\b.{{0,40}}\bphoi hop\b"
    rf"|\bphoi hop(?: voi)?\s+{_WHO}\b"
    r"|\b(?:co quan|don vi) phoi hop\b.{0,60}\b(?:nao|gom|la ai|la nhung)\b"
)
# Names that contain "phối hợp" without asking who coordinates.
_NAMED_COORDINATION = re.compile(r"\b(?:quy che|hinh thuc|noi dung|nguyen tac) phoi hop\b")
_DEADLINE = re.compile(
    r"\b(?:thoi han|han chot|khi nao|bao gio|luc nao|thoi gian (?:thuc hien|hoan thanh|nao)|trong thoi gian nao"
    r"|den khi nao|han (?:hoan thanh|cuoi)|thang nao|quy nao|nam nao"
    r"|(?:truoc|cham nhat|den|han|vao) (?:ngay|thoi diem|thoi han) nao|cham nhat (?:la )?khi nao)\b"
)
_TASK_WORDS = r"(?:viec|nhiem vu|cong viec)"
_AGENCY_TASKS = [
    re.compile(rf"\b(?:chu tri|phu trach|dam nhiem|lam|thuc hien|co)\s+(?:nhung|cac)\s*{_TASK_WORDS}\s+(?:gi|nao)\b"),
    re.compile(rf"\b(?:chu tri|phu trach|dam nhiem)\s+{_TASK_WORDS}\s+(?:gi|nao)\b"),
    re.compile(
        r"^(?:liet ke\s+)?(?:cac\s+|nhung\s+)?nhiem vu\s+(?:cua|do)\s+"
        r"(?:so|van phong|ubnd|uy ban|ban|phong|cong an)\b(?!.*\bla gi\b)"
    ),
]
_PERIOD = re.compile(
    r"\b(?:viec|nhiem vu|cong viec|nhung gi|gi)\b.{0,40}\b(?:han|den han|phai xong|hoan thanh|thuc hien)\b"
    r".{0,30}\b(?:quy\s+(?:iv|i{1,3}|[1-4])|thang\s+\d{1,2}|nam\s+\d{4})"
    r"|\b(?:han|den han)\s+(?:quy|thang|nam)\b"
)
_COMPARE_WHERE = re.compile(r"\b(?:tinh|tinh thanh|dia phuong)\s+nao\b|\bcac tinh\b")
_COMPARE_ASSIGN = re.compile(r"\b(?:giao|chu tri|phoi hop|phan cong|dam nhiem|thuc hien)\b")
_ARTICLE_REF = re.compile(r"\bdieu\s+(\d+)\b")
_DOC_REF = re.compile(
    r"\b(?:quyet dinh|ke hoach|quy che|chi thi|van ban)\s+(?:so\s+)?\d{1,5}\b|\b\d{1,5}\s*/\s*(?:qd|kh|ct)\b"
)


def folded_question(question: str) -> str:
    """Lower-case, accent-folded, single-spaced: the form intent patterns read."""
    return re.sub(r"\s+", " ", fold_accents(question).lower()).strip()


def detect_intent(question: str) -> Intent:
    """The most specific intent the wording supports; GENERAL when nothing specific is asked."""
    q = _NAMED_COORDINATION.sub(" ", folded_question(question))
    if re.search(r"\bso sanh\b", q) or (_COMPARE_WHERE.search(q) and _COMPARE_ASSIGN.search(q)):
        return Intent.COMPARE
    if _PERIOD.search(q) and not any(p.search(q) for p in _LEAD[:2]):
        return Intent.PERIOD
    if any(p.search(q) for p in _AGENCY_TASKS) and not re.search(rf"\b{_WHO}\b", q):
        return Intent.AGENCY_TASKS
    leads_first = re.search(rf"\b{_WHO}\s+(?:(?!phoi\b|hop\b)\w+\s+){{0,2}}?{_LEAD_VERBS}\b", q)
    if _PARTNERS.search(q) and not re.search(r"\bchu tri\b", q) and not (leads_first and "phoi hop voi" not in q):
        return Intent.PARTNERS
    if any(p.search(q) for p in _LEAD):
        return Intent.LEAD
    if _DEADLINE.search(q):
        return Intent.DEADLINE
    if _ARTICLE_REF.search(q) and _DOC_REF.search(q):
        return Intent.DOCUMENT
    return Intent.GENERAL


def without_who(question: str) -> str:
    """The folded question without its "who leads / who coordinates" phrase: what the task is about."""
    text = folded_question(question)
    for pattern in (*_LEAD, _PARTNERS):
        text = pattern.sub(" ", text)
    return text


def article_number(question: str) -> str | None:
    """'Điều 5 Quy chế 925' → '5'."""
    m = _ARTICLE_REF.search(folded_question(question))
    return m.group(1) if m else None
