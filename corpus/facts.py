"""A document's facts: from front matter, a sidecar YAML, or read off its printed header.

The printed header is the same in every Vietnamese official text, but it arrives mangled:
converted from a two-column table (issuer | motto, number | place and date), hard-wrapped,
with "Số:" and the number in different cells. The facts are read from the header's blocks,
the issuing body decides the level and the province (never the place in the date line).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import yaml

from corpus.errors import FactsError
from corpus.kinds import KIND_LABELS, DocumentKind, detect_kind
from corpus.layout import Block
from corpus.normalize import DOCUMENT_TYPE_LINE, is_caps
from corpus.provinces import canonical_province, find_provinces

FACT_FIELDS = ("so_hieu", "loai", "ngay_ban_hanh", "co_quan_ban_hanh", "tinh", "trich_yeu", "cap_ban_hanh")
FACT_NAMES = {
    "so_hieu": "số hiệu",
    "loai": "loại văn bản",
    "ngay_ban_hanh": "ngày ban hành",
    "co_quan_ban_hanh": "cơ quan ban hành",
    "tinh": "tỉnh",
    "trich_yeu": "trích yếu",
    "cap_ban_hanh": "cấp ban hành",
}
CENTRAL = "trung ương"
PROVINCIAL = "tỉnh"
LOCAL = "cơ sở"
_FRONT_MATTER = re.compile(r"\A\ufeff?---\s*\n(.*?)\n---\s*(?:\n|\Z)", re.DOTALL)
_SEGMENT = r"[A-ZĐ][A-ZĐ0-9&]*[a-z]?"
_SO_HIEU = re.compile(
    rf"(\d{{1,5}}[a-zđ]?)\s*/\s*((?:(?:19|20)\d\d\s*/\s*)?{_SEGMENT}(?:\s*[-–]\s*[A-ZĐ0-9][A-ZĐ0-9&]*[a-z]?)*"
    rf"(?:\s*/\s*{_SEGMENT}(?:\s*[-–]\s*[A-ZĐ0-9][A-ZĐ0-9&]*[a-z]?)*)*)"
)
# Party documents number as 'NUMBER-TYPE/ISSUER': 383-QĐ/TW, 37-HD/BTGDVTW.
_PARTY_NUMBER = re.compile(r"\b\d{1,5}\s*-\s*[A-ZĐ]{1,6}\s*/\s*[A-ZĐ][A-ZĐ0-9]*\b")
_NUMBER_LABEL = re.compile(r"^Số\s*(?:hiệu)?\s*[:.]?\s*(.*)$", re.IGNORECASE)
_DATE = re.compile(
    r"ngày\s*(?P<d>\d{1,2})\s*tháng\s*(?P<m>\d{1,2})\s*năm\s*(?P<y>(?:19|20)\d\d)|(?P<d2>\d{1,2})/(?P<m2>\d{1,2})/(?P<y2>(?:19|20)\d\d)",
    re.IGNORECASE,
)
_PLACE_DATE = re.compile(r"^[^\d,;:]{2,40},\s*ngày\b", re.IGNORECASE)
_MOTTO = re.compile(r"CỘNG H[ÒO]A XÃ HỘI CHỦ NGHĨA VIỆT NAM|Độc lập\s*[-–]\s*Tự do", re.IGNORECASE)
_CENTRAL_BODIES = re.compile(
    r"^(?:CHÍNH PHỦ|THỦ TƯỚNG(?: CHÍNH PHỦ)?|BỘ\s|VĂN PHÒNG CHÍNH PHỦ|QUỐC HỘI|(?:ỦY|UỶ) BAN THƯỜNG VỤ QUỐC HỘI"
    r"|NGÂN HÀNG NHÀ NƯỚC|KIỂM TOÁN NHÀ NƯỚC|TÒA ÁN NHÂN DÂN TỐI CAO|VIỆN KIỂM SÁT NHÂN DÂN TỐI CAO"
    r"|THANH TRA CHÍNH PHỦ|BAN CHỈ ĐẠO|(?:ỦY|UỶ) BAN DÂN TỘC|CHỦ TỊCH NƯỚC|TỔNG CỤC|CỤC\s|BẢO HIỂM XÃ HỘI VIỆT NAM"
    r"|HỘI ĐỒNG (?:THẨM PHÁN|QUỐC GIA|BẦU CỬ QUỐC GIA)|(?:ỦY|UỶ) BAN QUẢN LÝ VỐN NHÀ NƯỚC)"
)
_LOCAL_UNIT = re.compile(r"\b(?:HUYỆN|QUẬN|THỊ XÃ|XÃ|PHƯỜNG|THỊ TRẤN)\b")
_AUTHORITY_TAIL = re.compile(
    r"\s+((?:CHỦ TỊCH\s+)?(?:ỦY|UỶ) BAN NHÂN DÂN\s+(?:TỈNH|THÀNH PHỐ)\s+[^,]+|BỘ TRƯỞNG\s+BỘ\s+.+|THỦ TƯỚNG CHÍNH PHỦ"
    r"|CHÍNH PHỦ|(?:ỦY|UỶ) BAN THƯỜNG VỤ QUỐC HỘI|HỘI ĐỒNG NHÂN DÂN\s+(?:TỈNH|THÀNH PHỐ)\s+.+|QUỐC HỘI)$"
)
_TYPE_NAMES = {
    "QUYẾT ĐỊNH": "Quyết định",
    "KẾ HOẠCH": "Kế hoạch",
    "QUY CHẾ": "Quy chế",
    "QUY ĐỊNH": "Quy định",
    "CHỈ THỊ": "Chỉ thị",
    "NGHỊ QUYẾT": "Nghị quyết",
    "THÔNG BÁO": "Thông báo",
    "CÔNG VĂN": "Công văn",
    "HƯỚNG DẪN": "Hướng dẫn",
    "CHƯƠNG TRÌNH": "Chương trình",
    "ĐỀ ÁN": "Đề án",
    "ĐIỀU LỆ": "Điều lệ",
    "BÁO CÁO": "Báo cáo",
    "THÔNG TƯ": "Thông tư",
    "NGHỊ ĐỊNH": "Nghị định",
    "LUẬT": "Luật",
    "BỘ LUẬT": "Bộ luật",
}
# Words that keep their capital inside an agency's name ('Bộ Công Thương', 'Văn phòng Chính phủ').
_TITLES = ("chủ tịch", "bộ trưởng", "thủ tướng", "giám đốc", "chánh văn phòng", "thống đốc", "tổng kiểm toán")
_PROPER = {
    "thành phố hồ chí minh": "Thành phố Hồ Chí Minh",
    "ủy ban nhân dân": "Ủy ban nhân dân",
    "uỷ ban nhân dân": "Ủy ban nhân dân",
    "hội đồng nhân dân": "Hội đồng nhân dân",
    "ủy ban thường vụ quốc hội": "Ủy ban Thường vụ Quốc hội",
    "chính phủ": "Chính phủ",
    "quốc hội": "Quốc hội",
    "nhà nước": "Nhà nước",
    "việt nam": "Việt Nam",
    "công thương": "Công Thương",
    "thường vụ": "Thường vụ",
    "trung ương": "Trung ương",
    "mặt trận tổ quốc": "Mặt trận Tổ quốc",
}
_HEADS = ("bộ trưởng bộ", "bộ", "sở", "văn phòng", "ban", "cục", "tổng cục", "ngân hàng", "thanh tra", "kiểm toán")
_PLACE_LEVELS = ("tỉnh", "thành phố", "huyện", "quận", "thị xã", "xã", "phường", "thị trấn")


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """YAML front matter (``---`` block at the top) and the body after it."""
    m = _FRONT_MATTER.match(text)
    if not m:
        return {}, text
    try:
        data = yaml.safe_load(m.group(1)) or {}
    except yaml.YAMLError as exc:
        raise FactsError(f"phần front matter YAML không hợp lệ: {exc.__class__.__name__}") from None
    if not isinstance(data, dict):
        raise FactsError("phần front matter phải là các cặp khóa: giá trị")
    return data, text[m.end() :]


def read_sidecar(path: Path) -> dict[str, Any]:
    """Facts from ``<name>.yaml`` beside a document, or nothing when there is none."""
    for candidate in (path.with_suffix(".yaml"), path.with_suffix(".yml")):
        if candidate.exists():
            try:
                data = yaml.safe_load(candidate.read_text(encoding="utf-8")) or {}
            except (yaml.YAMLError, UnicodeDecodeError) as exc:
                raise FactsError(f"tệp {candidate.name} không hợp lệ: {exc.__class__.__name__}") from None
            if not isinstance(data, dict):
                raise FactsError(f"tệp {candidate.name} phải là các cặp khóa: giá trị")
            return data
    return {}


def sentence_case(text: str) -> str:
    """'BAN HÀNH QUY CHẾ … TỈNH BẮC NINH' → 'Ban hành quy chế … tỉnh Bắc Ninh'."""
    if not is_caps(text):
        return text
    out = " ".join(w if any(c.isdigit() for c in w) else w.lower() for w in text.split())
    for province in find_provinces(text):
        out = re.sub(re.escape(province.lower()), province, out)
    for word in ("chính phủ", "quốc hội", "thành phố hồ chí minh"):
        out = re.sub(rf"(?<!\w){word}(?!\w)", _PROPER[word], out)
    return out[:1].upper() + out[1:]


def official_case(name: str) -> str:
    """An agency printed in capitals, as prose writes it: 'BỘ KHOA HỌC VÀ CÔNG NGHỆ' → 'Bộ Khoa học và Công nghệ'."""
    if not is_caps(name):
        return name
    low = re.sub(r"\s+", " ", name.lower()).strip()
    low = low.replace("thành phố hồ chí minh", "Thành phố Hồ Chí Minh")
    for title in _TITLES:
        if low.startswith(title + " "):
            return f"{title[:1].upper()}{title[1:]} {_case_body(low[len(title) + 1 :])}"
    return _case_body(low)


def _case_body(low: str) -> str:
    """Capitals for the proper parts of a lower-cased agency name."""
    for province in find_provinces(low):
        low = re.sub(re.escape(province.lower()), province, low)
    for word, proper in _PROPER.items():
        low = re.sub(rf"(?<!\w){word}(?!\w)", proper, low)
    for head in _HEADS:
        if low.lower().startswith(head + " "):
            rest = low[len(head) + 1 :]
            rest = re.sub(r"(^|, |\bvà |- )(\w)", lambda m: m.group(1) + m.group(2).upper(), rest)
            low = f"{head} {rest}"
            break
    return low[:1].upper() + low[1:]


def official_date(value: dt.date) -> str:
    """Dates as administrative documents print them: day < 10 and months 1–2 padded (01/9/2015)."""
    day = f"{value.day:02d}" if value.day < 10 else str(value.day)
    month = f"{value.month:02d}" if value.month < 3 else str(value.month)
    return f"{day}/{month}/{value.year}"


def read_so_hieu(text: str) -> str | None:
    """The document number in a header cell ('925 /QĐ-UBND', '5348/CT-CSV/vhướngdẫn' → '5348/CT-CSV', '383-QĐ/TW')."""
    text = re.sub(r"([/\-–])\s+(?=[A-ZĐ])", r"\1", text)
    m = _SO_HIEU.search(text) or _PARTY_NUMBER.search(text)
    return re.sub(r"\s+", "", m.group(0)).replace("–", "-") if m else None


def _date(text: str) -> dt.date | None:
    m = _DATE.search(text)
    if not m:
        return None
    d, mo, y = (m["d"], m["m"], m["y"]) if m["d"] else (m["d2"], m["m2"], m["y2"])
    try:
        return dt.date(int(y), int(mo), int(d))
    except ValueError:
        return None


_HEADER_PARTS = re.compile(r"\s*\|\s*|\s*[_\-–—]{3,}\s*|\s+(?=Số\s*:)")


def _texts(blocks: list[Block]) -> list[str]:
    """Header texts cell by cell, so a flattened header reads like separate lines.

    A row's cells count as separate lines, and so do the parts of a header flattened onto one line
    ('CHÍNH PHỦ_____ Số: 170/2025/NĐ-CP | CỘNG HÒA …').
    """
    out: list[str] = []
    for block in blocks:
        for text in [c for c in block.cells if c] if block.cells is not None else block.text.split("\n"):
            out.extend(part for part in _HEADER_PARTS.split(text) if part)
    return out


def _level_and_province(issuer: str, parent: str | None) -> tuple[str | None, str | None]:
    """Central bodies have no province; a province's bodies name it, a commune's parent line does."""
    caps = issuer.upper()
    if _CENTRAL_BODIES.match(caps) and not find_provinces(caps):
        return CENTRAL, None
    provinces = find_provinces(re.sub(r"^.*?\b(?:TỈNH|THÀNH PHỐ|TP\.?)\s+", "", caps)) or find_provinces(caps)
    if _LOCAL_UNIT.search(caps) and not re.search(r"\b(?:TỈNH|THÀNH PHỐ)\s", caps):
        parent_provinces = find_provinces(parent or "")
        return LOCAL, parent_provinces[0] if parent_provinces else None
    if provinces:
        return PROVINCIAL, provinces[0]
    if parent and find_provinces(parent):
        return PROVINCIAL, find_provinces(parent)[0]
    return None, None


def _issuer_lines(header: list[str]) -> tuple[str | None, str | None]:
    """The issuing body printed at the top left (joined when split over lines) and the line above it."""
    caps: list[str] = []
    for text in header:
        if (
            _MOTTO.search(text)
            or _NUMBER_LABEL.match(text)
            or _PLACE_DATE.match(text)
            or DOCUMENT_TYPE_LINE.match(text)
        ):
            if caps:
                break
            continue
        if is_caps(text) and not re.fullmatch(r"[-–_=.*\s]+", text):
            caps.append(text.strip(" -"))
        elif caps:
            break
    if not caps:
        return None, None
    lines = caps
    joined = " ".join(lines)
    if len(lines) >= 2 and re.match(r"^(?:ỦY|UỶ) BAN NHÂN DÂN$|^HỘI ĐỒNG NHÂN DÂN$", lines[0]):
        return f"{lines[0]} {' '.join(lines[1:])}", None
    if len(lines) >= 2 and re.search(r"\b(?:TỈNH|THÀNH PHỐ)\b", lines[0]):
        return " ".join(lines[1:]), lines[0]
    return joined, None


def _authority(body: list[str], type_idx: int | None) -> str | None:
    """The line after the title that names who issues: 'CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH …', 'CHÍNH PHỦ'."""
    if type_idx is None:
        return None
    for text in body[type_idx + 1 : type_idx + 8]:
        if text.startswith(("Căn cứ", "Xét", "Theo")):
            return None
        if (m := _AUTHORITY_TAIL.search(" " + text)) and is_caps(m.group(1)):
            return m.group(1).strip()
    return None


def _title(body: list[str], type_idx: int) -> str | None:
    lines: list[str] = []
    for text in body[type_idx + 1 : type_idx + 6]:
        if text.startswith(("Căn cứ", "Xét ", "Theo đề nghị", "(")) or DOCUMENT_TYPE_LINE.match(text):
            break
        if lines and is_caps(text) and _AUTHORITY_TAIL.fullmatch(" " + text):
            break
        if lines and is_caps(lines[-1]) != is_caps(text):
            break
        lines.append(text)
        if not is_caps(text):
            break
    if not lines:
        return None
    title = " ".join(lines)
    if is_caps(title) and (m := _AUTHORITY_TAIL.search(title)) and m.start() > 10:
        title = title[: m.start()]
    title = re.sub(r"^(?:V/v|Về việc|VỀ VIỆC)\s*:?\s*", "", title).strip(" .:")
    title = sentence_case(title)
    return title[:1].upper() + title[1:] if title else None


def _signature_text(blocks: list[Block], marks: list[str | None]) -> str:
    return " ".join(b.text for b, m in zip(blocks, marks, strict=True) if m == "chữ ký")


def guess_facts(blocks: list[Block], marks: list[str | None]) -> dict[str, Any]:
    """Facts read from the header that every Vietnamese decision, plan or directive prints."""
    found: dict[str, Any] = {}
    content = [b for b, m in zip(blocks, marks, strict=True) if not (m and m.startswith("trang web"))]
    motto = next((i for i, b in enumerate(content[:150]) if _MOTTO.search(b.text)), 0)
    head_blocks = content[max(0, motto - 8) : motto + 40] if motto > 30 else content[:40]
    header = _texts(head_blocks)
    for i, text in enumerate(header[:30]):
        if "so_hieu" not in found and (m := _NUMBER_LABEL.match(text)) and not text.lower().startswith("số hiệu"):
            rest = m.group(1).strip(" |")
            if rest.endswith(("-", "/")) and i + 1 < len(header):
                rest += header[i + 1]
            number = read_so_hieu(rest) if rest else (read_so_hieu(header[i + 1]) if i + 1 < len(header) else None)
            if number:
                found["so_hieu"] = number
        if "ngay_ban_hanh" not in found and _PLACE_DATE.match(text) and (day := _date(text)):
            found["ngay_ban_hanh"] = day
    body = [t for t in header if not _MOTTO.search(t)]
    type_idx = next((i for i, t in enumerate(body[:30]) if DOCUMENT_TYPE_LINE.match(t.lstrip("- "))), None)
    if type_idx is not None:
        type_line = body[type_idx].lstrip("- ").rstrip(":").strip()
        found["loai"] = _TYPE_NAMES.get(type_line, type_line.title())
        if title := _title(body, type_idx):
            found["trich_yeu"] = title
    issuer_line, parent = _issuer_lines(header[:12])
    authority = _authority(body, type_idx)
    source = issuer_line or authority
    if source:
        level, province = _level_and_province(source, parent)
        if level is None and authority and authority != source:
            level, province = _level_and_province(authority, parent)
        if level:
            found["cap_ban_hanh"] = level
        if province:
            found["tinh"] = province
        found["co_quan_ban_hanh"] = _issuer_name(issuer_line, authority, level, _signature_text(blocks, marks))
    official = type_idx is not None or "so_hieu" in found
    kind = detect_kind(_texts(content[:400]), official)
    if kind != DocumentKind.OFFICIAL and header:
        found.update(_web_facts(header, kind))
    return found


def _issuer_name(issuer: str | None, authority: str | None, level: str | None, signature: str) -> str:
    """Who issued, as a citation names it: 'Chủ tịch Ủy ban nhân dân tỉnh Kiên Giang', 'Bộ trưởng Bộ Tài chính'."""
    collective = re.search(r"\b(?:TM|T/M)\.?\s*(?:ỦY|UỶ) BAN", signature)
    if authority and authority.startswith("CHỦ TỊCH") and not collective:
        return official_case(authority)
    if authority and authority.startswith(("BỘ TRƯỞNG", "THỦ TƯỚNG")):
        return official_case(authority)
    base = issuer or authority or ""
    base = re.sub(r"^CHỦ TỊCH\s+", "", base)
    name = official_case(base)
    if re.match(r"^(?:ỦY|UỶ) BAN NHÂN DÂN", base) and not collective and re.search(r"\bCHỦ TỊCH\b", signature):
        return f"Chủ tịch {name}"
    if re.match(r"^(?:ỦY|UỶ) BAN NHÂN DÂN", base) and authority and authority.startswith("CHỦ TỊCH") and not signature:
        return f"Chủ tịch {name}"
    return name


_ANY_DATE = re.compile(r"(?:ngày\s+)?(\d{1,2})/(\d{1,2})/(\d{4})")


# A website's section name above the headline: 'Tin cải cách hành chính', 'Hỏi đáp chính sách'.
_SECTION_LABEL = re.compile(r"(?i)^(?:tin|tin tức|hỏi\s*[-–]?\s*đáp|chuyên mục|bách khoa|góc)\b")


def _web_facts(head: list[str], kind: DocumentKind) -> dict[str, Any]:
    """A news item, Q&A article or encyclopaedia page: its kind, headline and the date printed near it."""
    found: dict[str, Any] = {"loai": KIND_LABELS[kind]}
    titles = [
        ln
        for ln in head[:5]
        if 15 <= len(ln) <= 200 and not _ANY_DATE.search(ln) and not (_SECTION_LABEL.match(ln) and len(ln.split()) <= 6)
    ]
    if titles:
        found["trich_yeu"] = titles[0]
    for line in head[:6]:
        if m := _ANY_DATE.search(line):
            try:
                found["ngay_ban_hanh"] = dt.date(int(m[3]), int(m[2]), int(m[1]))
                break
            except ValueError:
                continue
    return found


def site_facts(blocks: list[Block]) -> dict[str, Any]:
    """Facts from a legal website's metadata table (Số hiệu, Ngày ban hành): a fallback, never the source."""
    texts = [t for b in blocks if b.furniture and b.furniture.startswith("trang web") for t in _texts([b])]
    found: dict[str, Any] = {}
    for i, text in enumerate(texts):
        value = texts[i + 1] if i + 1 < len(texts) else ""
        if "Số hiệu" in text and (number := read_so_hieu(text.split(":", 1)[-1] or value) or read_so_hieu(value)):
            found.setdefault("so_hieu", number)
        elif "Ngày ban hành" in text and (day := _date(text.split(":", 1)[-1]) or _date(value)):
            found.setdefault("ngay_ban_hanh", day)
    return found


def coerce_date(value: Any) -> dt.date | None:
    """Dates from YAML arrive as dates or as 'dd/mm/yyyy' / ISO strings."""
    if value is None or isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise FactsError(f"ngày ban hành '{text}' không đúng dạng (YYYY-MM-DD hoặc dd/mm/yyyy)")


__all__ = ["canonical_province", "guess_facts", "official_case", "read_so_hieu", "site_facts"]
