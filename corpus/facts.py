"""A document's facts: from front matter, a sidecar YAML, or read off its printed header."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import yaml

from corpus.errors import FactsError
from corpus.normalize import DOCUMENT_TYPE_LINE
from corpus.provinces import canonical_province, find_provinces

FACT_FIELDS = ("so_hieu", "loai", "ngay_ban_hanh", "co_quan_ban_hanh", "tinh", "trich_yeu")
FACT_NAMES = {
    "so_hieu": "số hiệu",
    "loai": "loại văn bản",
    "ngay_ban_hanh": "ngày ban hành",
    "co_quan_ban_hanh": "cơ quan ban hành",
    "tinh": "tỉnh",
    "trich_yeu": "trích yếu",
}
_FRONT_MATTER = re.compile(r"\A\ufeff?---\s*\n(.*?)\n---\s*(?:\n|\Z)", re.DOTALL)
_SO_HIEU = re.compile(r"^Số\s*:?\s*(\d[\w.\-/ ]*?/\s*[\wĐđ&.\-/ ]+?)\s*$", re.IGNORECASE)
_PLACE_DATE = re.compile(
    r"^(?P<place>[^\d,;:]{2,40}),\s*ngày\s+(?P<d>\d{1,2})\s+tháng\s+(?P<m>\d{1,2})\s+năm\s+(?P<y>\d{4})"
)
_ISSUER = re.compile(r"^(?P<chair>CHỦ TỊCH\s+)?(?:ỦY|UỶ) BAN NHÂN DÂN\s+(?P<level>TỈNH|THÀNH PHỐ)\s+(?P<name>.+)$")
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
    if not text.isupper():
        return text
    out = " ".join(w if any(c.isdigit() for c in w) else w.lower() for w in text.split())
    for province in find_provinces(text):
        out = re.sub(re.escape(province.lower()), province, out)
    return out[:1].upper() + out[1:]


def official_date(value: dt.date) -> str:
    """Dates as administrative documents print them: day < 10 and months 1–2 padded (01/9/2015)."""
    day = f"{value.day:02d}" if value.day < 10 else str(value.day)
    month = f"{value.month:02d}" if value.month < 3 else str(value.month)
    return f"{day}/{month}/{value.year}"


def _issuer_name(level: str, name: str) -> str:
    province = canonical_province(name) or sentence_case(name).title()
    return f"{'tỉnh' if level == 'TỈNH' else 'thành phố'} {province}"


def guess_facts(lines: list[str]) -> dict[str, Any]:
    """Facts read from the header that every Vietnamese decision, plan or directive prints."""
    found: dict[str, Any] = {}
    head = lines[:40]
    for line in head:
        if "so_hieu" not in found and (m := _SO_HIEU.match(line)):
            found["so_hieu"] = re.sub(r"\s+", "", m.group(1))
        if "ngay_ban_hanh" not in found and (m := _PLACE_DATE.match(line)):
            try:
                found["ngay_ban_hanh"] = dt.date(int(m["y"]), int(m["m"]), int(m["d"]))
            except ValueError:
                continue
            place = canonical_province(m["place"])
            if place:
                found.setdefault("tinh", place)
    type_idx = next((i for i, ln in enumerate(head) if DOCUMENT_TYPE_LINE.match(ln)), None)
    if type_idx is not None:
        found["loai"] = _TYPE_NAMES.get(head[type_idx].rstrip(":").strip(), head[type_idx].title())
        if type_idx + 1 < len(head) and not DOCUMENT_TYPE_LINE.match(head[type_idx + 1]):
            found["trich_yeu"] = sentence_case(head[type_idx + 1])
    if type_idx is None and "so_hieu" not in found and head:
        found.update(_news_facts(head))
    issuer = None
    header_body = None
    for line in head:
        if m := _ISSUER.match(line):
            if m["chair"]:
                issuer = f"Chủ tịch Ủy ban nhân dân {_issuer_name(m['level'], m['name'])}"
            elif header_body is None:
                header_body = _issuer_name(m["level"], m["name"])
    if header_body and not issuer:
        signature = " ".join(lines[-12:])
        chair_signs = "TM. ỦY BAN" not in signature and re.search(r"\bCHỦ TỊCH\b", signature)
        issuer = f"{'Chủ tịch ' if chair_signs else ''}Ủy ban nhân dân {header_body}"
    if issuer:
        found["co_quan_ban_hanh"] = issuer
        provinces = find_provinces(issuer)
        if provinces:
            found["tinh"] = provinces[0]
    return found


_ANY_DATE = re.compile(r"(?:ngày\s+)?(\d{1,2})/(\d{1,2})/(\d{4})")


def _news_facts(head: list[str]) -> dict[str, Any]:
    """A web news item: its headline and the date printed near it."""
    found: dict[str, Any] = {"loai": "Tin bài"}
    titles = [ln for ln in head[:4] if 15 <= len(ln) <= 200 and not _ANY_DATE.search(ln)]
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
