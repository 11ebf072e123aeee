"""Agency names: split lists into agencies and canonicalise each through an alias table."""

from __future__ import annotations

import re

from corpus.models import Agency
from corpus.normalize import fold_accents, normalize_inline

# Abbreviations expanded to the words they stand for (longest first).
ALIASES: list[tuple[str, str]] = [
    (r"\bVPUBND\b|\bVPUB\b|\bVP\s*UBND\b", "Văn phòng Ủy ban nhân dân"),
    (r"\bUBND\b", "Ủy ban nhân dân"),
    (r"\bHĐND\b", "Hội đồng nhân dân"),
    (r"\bUBMTTQ(?: VN| Việt Nam)?\b", "Ủy ban Mặt trận Tổ quốc Việt Nam"),
    (r"\bTT\s*&\s*TT\b|\bTTTT\b", "Thông tin và Truyền thông"),
    (r"\bKH\s*&\s*ĐT\b|\bKHĐT\b", "Kế hoạch và Đầu tư"),
    (r"\bKH\s*&\s*CN\b|\bKHCN\b", "Khoa học và Công nghệ"),
    (r"\bTN\s*&\s*MT\b|\bTNMT\b", "Tài nguyên và Môi trường"),
    (r"\bLĐ\s*-?\s*TB\s*&\s*XH\b|\bLĐTBXH\b", "Lao động - Thương binh và Xã hội"),
    (r"\bGD\s*&\s*ĐT\b|\bGDĐT\b", "Giáo dục và Đào tạo"),
    (r"\bNN\s*&\s*PTNT\b|\bNNPTNT\b", "Nông nghiệp và Phát triển nông thôn"),
    (r"\bVH\s*,?\s*TT\s*&\s*DL\b|\bVHTTDL\b", "Văn hóa, Thể thao và Du lịch"),
    (r"\bGTVT\b", "Giao thông vận tải"),
    (r"\bVP\b", "Văn phòng"),
    (r"\bBCĐ\b", "Ban Chỉ đạo"),
]
_COMPILED = [(re.compile(p), r) for p, r in ALIASES]

# Words an agency name starts with (case matters: 'Ban Tổ chức' is an agency, 'ban, ngành' is not).
_HEADS = (
    "Sở",
    "Văn phòng",
    "VP",
    "UBND",
    "Ủy ban",
    "Uỷ ban",
    "HĐND",
    "Hội đồng",
    "Ban",
    "Phòng",
    "Công an",
    "Bộ",
    "Cục",
    "Chi cục",
    "Thanh tra",
    "Kho bạc",
    "Đài",
    "Báo",
    "Trung tâm",
    "Tỉnh ủy",
    "Thành ủy",
    "Huyện ủy",
    "Mặt trận",
    "Hội",
    "Liên đoàn",
    "Đoàn",
    "Bảo hiểm",
    "Ngân hàng",
    "Viện",
    "Trường",
    "Bệnh viện",
    "Tòa án",
    "Cảnh sát",
    "Bộ Chỉ huy",
    "Thường trực",
    "Tổ",
    "Cơ quan",
    "Các",
    "các cơ quan",
    "các đơn vị",
    "các sở",
    "các tổ chức",
    "các địa phương",
    "cơ quan",
    "Giám đốc",
    "Chánh",
    "Thủ trưởng",
    "Chủ tịch",
    "Trưởng",
    "Người đứng đầu",
    "Lãnh đạo",
)
_NOT_AGENCY = r"(?!\s+(?:hành|chức|phận|nghị|thi|tiêu chí|trưởng)\b)"
_HEAD = re.compile(
    r"^(?:" + "|".join(re.escape(h) for h in sorted(_HEADS, key=len, reverse=True)) + r")\b" + _NOT_AGENCY
)
_PERSON_TITLE = re.compile(
    r"^(?:Giám đốc|Chánh Văn phòng|Chánh Thanh tra|Thủ trưởng|Chủ tịch|Trưởng ban|Người đứng đầu|Lãnh đạo)\s+(?=\S)"
)
_QUALIFIER = re.compile(r"\s+(?:đối với\b.*|theo chức năng.*|trong phạm vi.*|thực hiện$|\(.*?\))$", re.IGNORECASE)


def starts_with_agency(text: str) -> bool:
    """True when the text begins with an agency name or an official's title."""
    return bool(_HEAD.match(text.strip()))


def expand_abbreviations(text: str) -> str:
    """'Sở TT&TT' → 'Sở Thông tin và Truyền thông', 'UBND' → 'Ủy ban nhân dân'."""
    for pattern, replacement in _COMPILED:
        text = pattern.sub(replacement, text)
    return text


def is_generic(name: str) -> bool:
    """'Các cơ quan liên quan' names no agency in particular."""
    low = name.lower()
    return "liên quan" in low or low.startswith(("các cơ quan", "các đơn vị", "cơ quan, đơn vị", "tổ chức, cá nhân"))


def canonical_agency(wording: str) -> str:
    """One name per agency: titles, parentheses and qualifiers dropped, abbreviations expanded."""
    name = normalize_inline(wording).strip(" .;,:")
    name = re.sub(r"\s*\([^()]*\)", "", name)
    name = _PERSON_TITLE.sub("", name)
    previous = None
    while previous != name:
        previous = name
        name = _QUALIFIER.sub("", name).strip(" .;,:")
    name = expand_abbreviations(name)
    name = re.sub(r"\s+", " ", name).strip()
    return name[:1].upper() + name[1:]


def agency_key(name: str) -> str:
    """A comparison key: canonical, lower case, accents and punctuation removed."""
    text = canonical_agency(name).lower().replace("uỷ", "ủy")
    return re.sub(r"[^a-z0-9]+", " ", fold_accents(text)).strip()


def _split_top_level(text: str, separators: str) -> list[str]:
    """Split on separators outside parentheses."""
    parts, depth, current = [], 0, []
    for ch in text:
        depth += ch == "("
        depth -= ch == ")" and depth > 0
        if ch in separators and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]


def split_agencies(text: str) -> list[Agency]:
    """'Các sở, ban, ngành; UBND cấp huyện, UBND cấp xã.' → three agencies, wording kept."""
    text = normalize_inline(text).strip().rstrip(".;,")
    out: list[Agency] = []
    joiner = re.compile(r"\s+và\s+(?=" + _HEAD.pattern[1:] + ")")  # "X và Sở Y" holds two agencies
    for piece in _split_top_level(text, ";"):
        pieces: list[str] = []
        for part in _split_top_level(piece, ","):
            if pieces and not starts_with_agency(part):
                pieces[-1] = f"{pieces[-1]}, {part}"
            else:
                pieces.append(part)
        for item in pieces:
            for sub in joiner.split(item):
                sub = sub.strip(" .;,")
                if sub and not re.fullmatch(r"\(.*\)", sub):
                    name = canonical_agency(sub)
                    out.append(Agency(name=name, wording=sub, generic=is_generic(name)))
    return out
