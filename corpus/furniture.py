"""Tell a document's furniture from its body, one named rule per kind of furniture.

Furniture is what a reader skips: the website around a captured document, the national motto
and the header block (issuer, number, place and date), the recipients list and the signature.
Each rule marks blocks with the reason it drops them; everything it does not mark is body,
including appendices, tables and instruments printed after the signature.
"""

from __future__ import annotations

import re

from corpus.layout import Block, strip_emphasis
from corpus.normalize import DOCUMENT_TYPE_LINE, is_caps

WEB = "trang web (thuvienphapluat.vn)"
MOTTO = "quốc hiệu, tiêu ngữ"
HEADER = "phần đầu văn bản (cơ quan, số, ngày)"
RECIPIENTS = "nơi nhận"
SIGNATURE = "chữ ký"

_SITE_MARKERS = ("THƯ VIỆN PHÁP LUẬT", "Đang tải văn bản", "ThuVienPhapLuat")
_SITE_METADATA = re.compile(
    r"^(?:Số hiệu|Loại văn bản|Nơi ban hành|Người ký|Ngày ban hành|Ngày hiệu lực|Ngày công báo|Số công báo"
    r"|Tình trạng)\s*:"
)
_SITE_FOOTER = re.compile(
    r"^(?:Văn bản này chưa cập nhật nội dung Tiếng Anh|Văn bản liên quan|Chú thích:?"
    r"|FILE ĐƯỢC ĐÍNH KÈM THEO VĂN BẢN|Rà chuột vào nội dụng văn bản để sử dụng\.?)$"
)
_SITE_TITLE = re.compile(
    r"^(?:Quyết định|Nghị quyết|Nghị định|Thông tư(?: liên tịch)?|Kế hoạch|Chỉ thị|Thông báo|Hướng dẫn|Quy định"
    r"|Công văn|Văn bản hợp nhất|Luật|Pháp lệnh|Quy chế|Chương trình|Đề án|Báo cáo|Tờ trình)\s+\S+\s+(?:năm|ngày)\s"
)
_MOTTO = re.compile(r"CỘNG H[ÒO]A XÃ HỘI CHỦ NGHĨA VIỆT NAM|Độc lập\s*[-–]\s*Tự do\s*[-–]\s*Hạnh phúc", re.IGNORECASE)
_NUMBER = re.compile(r"^Số\s*[:.]?\s*(?:\S*\d|/|$)|^Số\s*:\s*", re.IGNORECASE)
_PLACE_DATE = re.compile(r"^[^\d,;:]{2,40},\s*ngày\s+(?:\d{1,2}|\.{2,}|…|_+)?\s*tháng\b", re.IGNORECASE)
_NUMBER_ONLY = re.compile(r"^[\dA-ZĐ]{0,6}\d[\w.\-]*/[\w./\-]+\s*\|?$")
_RECIPIENTS = re.compile(r"^(?:[-+•]\s*)?Nơi nhận\b", re.IGNORECASE)
_RECIPIENT_ITEM = re.compile(r"^(?:[-+•–]\s*|Lưu\s*:)")
_SIGN_PREFIX = re.compile(r"^(?:(?:TM|KT|Q|TL|TUQ|PP)\s*\.|T/M|K/T)\s*\w")
_SIGN_ROLES = (
    "CHỦ TỊCH",
    "BỘ TRƯỞNG",
    "THỨ TRƯỞNG",
    "CHỦ NHIỆM",
    "GIÁM ĐỐC",
    "CHÁNH VĂN PHÒNG",
    "CHÁNH THANH TRA",
    "TỔNG THƯ KÝ",
    "THỦ TƯỚNG",
    "TRƯỞNG BAN",
    "TỔNG GIÁM ĐỐC",
    "TỔNG KIỂM TOÁN",
    "THỐNG ĐỐC",
    "VIỆN TRƯỞNG",
    "CHÁNH ÁN",
    "CỤC TRƯỞNG",
    "VỤ TRƯỞNG",
    "THƯỜNG TRỰC",
    "ỦY VIÊN",
    "TRƯỞNG PHÒNG",
    "BÍ THƯ",
    "TỔNG CỤC TRƯỞNG",
)
_SIGN_ROLE = re.compile(r"^(?:PHÓ\s+)?(?:" + "|".join(_SIGN_ROLES) + r")\b")
_SIGNED = re.compile(r"^\(?(?:Đã ký|đã ký|Ký tên, đóng dấu|Ký, ghi rõ họ tên.*)\)?\.?$")


def _is_role_line(text: str) -> bool:
    return bool(_SIGN_ROLE.match(text)) and is_caps(text) and len(text) <= 80


def _is_person(text: str) -> bool:
    """'Phạm Văn Thịnh': two to six capitalised words, nothing else."""
    words = text.split()
    return 2 <= len(words) <= 6 and all(w[:1].isupper() and w[1:].islower() and w.isalpha() for w in words)


# --------------------------------------------------------------------------- website chrome
def site_chrome(text: str) -> dict[int, str]:
    """Raw lines (by number) of a legal-document website's banner, metadata table and footer.

    The banner runs to the metadata table (Số hiệu, Loại văn bản … Tình trạng), which ends at
    the first line that is neither a label nor its value; the footer starts at the site's own
    markers (related documents, legend, contact and notices).
    """
    lines = [strip_emphasis(line).strip() for line in text.split("\n")]
    if not any(marker in line for line in lines[:60] for marker in _SITE_MARKERS):
        return {}
    top = 0
    for i, line in enumerate(lines[:120]):
        if any(m in line for m in _SITE_MARKERS) or _SITE_METADATA.match(line):
            top = i + 1
            if _SITE_METADATA.match(line) or "Đang tải văn bản" in line:
                break
    expect_value = seen_label = False
    while top < len(lines):
        line = lines[top]
        if not line or set(line) <= set("|#* "):
            top += 1
        elif _SITE_METADATA.match(line):
            expect_value = not line.split(":", 1)[1].strip()
            seen_label = True
            top += 1
        elif expect_value and len(line) <= 60:
            expect_value = False
            top += 1
        elif not seen_label and len(line) <= 300 and any(_SITE_METADATA.match(x) for x in lines[top + 1 : top + 4]):
            top += 1  # the page title printed between the banner and the metadata table
        else:
            break
    bottom = next((i for i in range(top, len(lines)) if _SITE_FOOTER.match(lines[i])), len(lines))
    k = bottom - 1
    while k > top and (not lines[k] or lines[k] == "|"):
        k -= 1
    if bottom < len(lines) and k > top and _SITE_TITLE.match(lines[k]):
        bottom = k
    marked = dict.fromkeys(range(top), WEB)
    marked.update(dict.fromkeys(range(bottom, len(lines)), WEB))
    return marked


def _is_metadata_value(line: str) -> bool:
    return bool(re.fullmatch(r"[\d/]+|Đã biết|Đang cập nhật|Còn hiệu lực|Hết hiệu lực.*|Không còn phù hợp", line))


def _looks_like_issuer(line: str) -> bool:
    return is_caps(line) and line.startswith(("ỦY BAN", "UỶ BAN", "BỘ ", "CHÍNH PHỦ", "HỘI ĐỒNG", "VĂN PHÒNG", "THỦ"))


# --------------------------------------------------------------------------- blocks
def _is_header_block(text: str) -> bool:
    return bool(
        _MOTTO.search(text)
        or _NUMBER.match(text)
        or _PLACE_DATE.match(text)
        or _NUMBER_ONLY.match(text)
        or (is_caps(text) and len(text) <= 120 and not DOCUMENT_TYPE_LINE.match(text.lstrip("- ")))
    )


def _mark_header(blocks: list[Block], start: int, marks: dict[int, str]) -> None:
    """The header block: issuer, motto, number, place and date, up to the document's type line."""
    for i in range(start, min(len(blocks), start + 16)):
        block = blocks[i]
        if block.furniture:
            continue
        texts = [c for c in block.cells or [] if c] if block.is_row else [block.text]
        if DOCUMENT_TYPE_LINE.match(block.text.lstrip("- ")) or not all(_is_header_block(t) for t in texts):
            return
        marks[i] = MOTTO if all(_MOTTO.search(t) for t in texts) else HEADER


def _signature_run(blocks: list[Block], i: int) -> int:
    """How many blocks from ``i`` form a signature: prefixes and roles, then the signer's name."""
    j = i
    roles = 0
    while j < len(blocks) and not blocks[j].is_row and not blocks[j].furniture:
        text = blocks[j].text
        if _SIGN_PREFIX.match(text) or _is_role_line(text) or _SIGNED.match(text):
            roles += 1
            j += 1
        elif roles and _is_person(text):
            return j + 1 - i
        else:
            break
    strong = bool(_SIGN_PREFIX.match(blocks[i].text)) if j > i else False
    return j - i if roles and (j - i >= 2 or strong) else 0


def _recipients_run(blocks: list[Block], i: int) -> int:
    """'Nơi nhận:' and its items ('- Như Điều 3;', '- Lưu: VT.'), with their wrapped tails."""
    j = i + 1
    while j < len(blocks) and not blocks[j].is_row and not blocks[j].furniture:
        text = blocks[j].text
        if _SIGN_PREFIX.match(text) or _is_role_line(text):
            break
        item = _RECIPIENT_ITEM.match(text)
        tail = len(text) <= 30 and (text[:1].islower() or (is_caps(text) and text.endswith((";", ".", ","))))
        if not (item or tail):
            break
        j += 1
    return j - i


def classify(blocks: list[Block]) -> list[str | None]:
    """For each block, the furniture reason that drops it, or None for body text."""
    marks: dict[int, str] = {i: b.furniture for i, b in enumerate(blocks) if b.furniture}
    start = next((i for i, b in enumerate(blocks) if not b.furniture), len(blocks))
    _mark_header(blocks, start, marks)
    i = start
    while i < len(blocks):
        block = blocks[i]
        if i in marks:
            i += 1
            continue
        if block.is_row:
            cells = [c for c in block.cells or [] if c]
            if any(_RECIPIENTS.match(c) for c in cells):
                marks[i] = RECIPIENTS
            elif cells and all(_SIGN_PREFIX.match(c) or _is_role_line(c) or _is_person(c) for c in cells):
                marks[i] = SIGNATURE
            i += 1
            continue
        n = _recipients_run(blocks, i) if _RECIPIENTS.match(block.text) else _signature_run(blocks, i)
        marks.update(dict.fromkeys(range(i, i + n), RECIPIENTS if _RECIPIENTS.match(block.text) else SIGNATURE))
        i += max(n, 1)
    return [marks.get(i) for i in range(len(blocks))]
