"""Agency names: split lists into agencies and canonicalise each through an alias table."""

from __future__ import annotations

import functools
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
    "Chi nhánh",
    "Tổng cục",
    "Vụ",
    "Thanh tra",
    "Kho bạc",
    "Đài",
    "Báo",
    "Trung tâm",
    "Tỉnh ủy",
    "Thành ủy",
    "Huyện ủy",
    "Tỉnh đoàn",
    "Tỉnh Đoàn",
    "Thành đoàn",
    "Thành Đoàn",
    "Bưu điện",
    "Viễn thông",
    "Điện lực",
    "Tỉnh đội",
    "Mặt trận",
    "Cổng thông tin",
    "Liên minh",
    "Hiệp hội",
    "Tạp chí",
    "Quỹ",
    "Nhà xuất bản",
    "Thuế",
    "Chính phủ",
    "Thủ tướng",
    "Quốc hội",
    "Kiểm toán",
    "Tập đoàn",
    "Tổng công ty",
    "Công ty",
    "Liên hiệp",
    "Hội đồng nhân dân",
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
    "Giám đốc",
    "Chánh",
    "Thủ trưởng",
    "Chủ tịch",
    "Trưởng",
    "Người đứng đầu",
    "Lãnh đạo",
)
_NOT_AGENCY = (
    r"(?!\s+(?:hành|chức|phận|nghị|thi|tiêu chí|trưởng|cáo|chống|ngừa|tránh|đất|nhập|thảo|kết|hữu|dẫn|hợp|lý|việc|án"
    r"|mùa)\b)"
    r"(?!,\s*chống\b)"
)
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


# Words that start agency names but also ordinary phrases: 'Trường hợp', 'Tổ chức thực hiện', 'Các nội dung'.
_NOT_ACTOR = re.compile(
    r"^(?:Trường hợp|Trường học\b(?! \w)|Tổ chức (?:thực hiện|triển khai|tuyên truyền|kiểm tra|lấy|rà soát"
    r"|đánh giá|xây dựng|hội nghị|tập huấn|các hoạt động)|Ban hành|Hội nghị|Cơ quan$|Đơn vị$|Các$"
    r"|Các (?:nội dung|nhiệm vụ|giải pháp|chỉ tiêu|văn bản|quy định|trường hợp|hoạt động|thủ tục|dự án|chương trình"
    r"|kế hoạch|vấn đề|mục tiêu|điều kiện|khoản|điểm)\b)",
    re.IGNORECASE,
)
# Actors named by what they are rather than by name: posts, kinds of bodies, people with a role.
_ACTOR_NOUNS = (
    r"sở|ban|ngành|cơ quan|đơn vị|địa phương|tổ chức|doanh nghiệp|chủ rừng|xã|phường|huyện|bộ|hội|đoàn thể|trường"
    r"|hợp tác xã|thành viên|chủ đầu tư|nhà đầu tư|cá nhân|hộ|chủ tịch|giám đốc|thủ trưởng|trưởng|bộ trưởng|cán bộ"
    r"|công chức|viên chức|chuyên viên|người|cơ sở|câu lạc bộ|nhóm|chủ quản|chủ sở hữu|công ty|lực lượng|chính quyền"
    r"|kiểm toán viên|nhà cung cấp|cấp ủy|tổ|giáo vụ|văn thư|lưu trữ|kế toán|thủ quỹ|bộ phận|trung tâm|chi cục|cục"
    r"|viện|đài|ủy ban|uỷ ban|hội đồng|ban quản lý|bệnh viện|trạm|chuyên gia"
)
_GENERIC_ACTOR = re.compile(
    rf"^(?:(?:các|những|mọi)\s+)?(?:{_ACTOR_NOUNS})\b|^(?:tổ chức, cá nhân|cơ quan thuế|cơ quan đăng ký"
    r"|tổ chức (?:chính trị|xã hội|đoàn thể)|cơ quan thông tấn|cơ quan (?:chủ trì|phối hợp))\b",
    re.IGNORECASE,
)
_NOT_ACTOR_HEAD = re.compile(
    r"^(?:(?:các|những)\s+)?(?:người dân tộc|nhóm (?:dự án|nhiệm vụ)|trường hợp|tổ chức (?:thực hiện|triển khai))\b"
    r"|^tổ chức\b(?!,?\s*cá nhân| chính trị| xã hội| đoàn thể| chủ trì| quản lý| tín dụng| đại diện| hành nghề"
    r"| kiểm định| sự nghiệp| khoa học| kinh tế| tôn giáo| đảng| công đoàn| thanh niên)",
    re.IGNORECASE,
)


_ACRONYM = re.compile(r"[A-ZĐ][A-ZĐ&]{2,}(?:-[A-ZĐ]+)?")


def starts_with_actor(text: str) -> bool:
    """True when the text begins with an agency, a post or a generic actor ('các sở, ban, ngành …')."""
    text = text.strip()
    return starts_with_agency(text) or bool(_GENERIC_ACTOR.match(text))


def plausible_name(wording: str) -> bool:
    """False for wording that is a clause, a form's blank or a glued label rather than a name.

    'Ủy ban nhân dân thành phố Hải Phòng là chủ sở hữu các công', 'Nhóm 3: Thư', 'GIÁM ĐỐC (Họ tên,
    chữ', 'Văn phòng Chính phủ xin', 'Cơ sở dữ liệu được' are not who does a task.
    """
    text = normalize_inline(wording).strip(" .;,")
    if not text or len(text.split()) > 30 or text.count("(") != text.count(")"):
        return False
    if _CLAUSE_IN_NAME.search(text) or _DANGLING_END.search(text) or _FORM_BLANK.search(text):
        return False
    return bool(_DESCRIBED_ROLE.match(text)) or not _VERB_AFTER_NAME.search(text)


# A body named by what it does may hold a verb ('Người nộp phí', 'cơ quan ký kết hợp đồng'); a named
# agency followed by one is a clause ('Sở Y tế đăng tải', 'Giám đốc Trung tâm ra').
_DESCRIBED_ROLE = re.compile(r"(?i)^(?:các\s+)?(?:người|cơ quan|đơn vị|tổ chức|cá nhân|bộ phận|tổ|cơ sở)\b")
_VERB_AFTER_NAME = re.compile(
    r"(?<!\w)(?:đăng tải|niêm yết|công bố|có văn bản|quy định chi tiết|dừng|gửi|nộp|ra quyết định|ra$)(?!\w)"
)


_LABEL_TAIL = re.compile(r"\s+[a-zđ]\)(?:\[\d+\])?\s*$")  # 'Bộ Xây dựng a)': the first item's label glued on
_CLAUSE_IN_NAME = re.compile(  # lower case only: 'Cần Thơ' is a name, 'cần' a verb
    r"(?<!\w)(?:là(?!\s+(?:tổ chức|cá nhân|hộ gia đình|doanh nghiệp|người|đơn vị)\b)|thì|nếu|phải|có thể|cần"
    r"|đã|sẽ|đang|xem xét|căn cứ|đáp ứng|hưởng|như sau|sau đây|xin"
    r"|(?<!thẩm quyền )quyết định)(?!\w)|:(?!\s*[A-ZĐÀ-Ỹ])"
)
_DANGLING_END = re.compile(r"(?<!\w)(?:được|và|của|việc|tới|để|các|cho|với|về|tại|trong|sau|tái)$")
_FORM_BLANK = re.compile(r"…|\.{3}|\((?:tên|ký|họ tên|nêu tên)|(?i:nêu tên cụ thể)")


def is_actor(wording: str) -> bool:
    """True for an agency, an official's post or a generic actor ('các sở, ban, ngành'); False for 'Cơ quan', 'Các'."""
    text = normalize_inline(wording).strip(" .;,:")
    if _ACRONYM.fullmatch(text):
        return True  # an acronym standing for a body named earlier ('VNMAC')
    if not plausible_name(text):
        return False
    if len(text.split()) < 2 or _NOT_ACTOR.match(text) or text.lower() in ("tổ chức", "cá nhân"):
        return False
    if _NOT_ACTOR_HEAD.match(text):
        return False
    if text.lower().startswith(("các ", "những ")):
        return bool(_GENERIC_ACTOR.match(text))
    return starts_with_agency(text) or bool(_GENERIC_ACTOR.match(text))


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


# Lower-case phrases that open an actor of their own in a list: '…, tổ chức chính trị - xã hội, …',
# '… và các doanh nghiệp'.
_GENERIC_START = (
    r"(?:các\s+|những\s+)?(?:tổ chức chính trị|tổ chức xã hội|tổ chức\ue000 cá nhân|doanh nghiệp|nhà đầu tư"
    r"|nhà cung cấp"
    r"|cơ quan thông tấn|chủ rừng|chủ đầu tư)\b|các\s+(?:đơn vị|cơ quan|doanh nghiệp|tổ chức"
    r"|địa phương|hội|đoàn thể|sở|bộ|trung tâm|ủy ban)\b"
)
_STARTS_ACTOR = re.compile(rf"^(?:{_GENERIC_START})")
# '… và sở, ngành có liên quan', '… và cơ quan, địa phương liên quan': a catch-all after the named ones.
_CATCH_ALL = r"(?:các\s+)?(?:sở|ban|ngành|bộ|cơ quan|đơn vị|địa phương|tổ chức)\b[^;]{0,40}\bliên quan\b"
_JOINER = re.compile(r"\s+và\s+(?=" + _HEAD.pattern[1:] + rf"|{_GENERIC_START}|{_CATCH_ALL}|địa phương\b)")


_LIST_INTRO = re.compile(
    r"(?:^|(?<=;\s))(?:(?:các|những)\s+(?:đơn vị|cơ quan|cơ quan, đơn vị)\s*:\s*"
    r"|(?P<post>Giám đốc|Thủ trưởng|Chủ tịch)\s*:\s*(?=[A-ZĐ]))"
)
# 'Giám đốc các Sở: Nội vụ, Tư pháp, Tài chính;' is the director of each of those departments.
_POSTS_OF = re.compile(r"\b(?P<post>Giám đốc|Thủ trưởng)\s+các\s+(?P<body>Sở|sở)\s*:\s*(?P<names>[^;:]+)")


def _posts_of(m: re.Match[str]) -> str:
    names = [n.strip() for n in m["names"].split(",")]
    tail = next((i for i, n in enumerate(names) if starts_with_agency(n)), len(names))
    items = [f"{m['post']} Sở {n}" for n in names[:tail] if n] + names[tail:]
    return "; ".join(items)


_BULLET = re.compile(r"^[-+•–]\s+")


def split_agencies(text: str) -> list[Agency]:
    """'Các sở, ban, ngành; UBND cấp huyện, UBND cấp xã.' → three agencies, wording kept."""
    return [Agency(name=name, wording=wording, generic=generic) for name, wording, generic in _split(text)]


@functools.lru_cache(maxsize=32768)
def _split(text: str) -> tuple[tuple[str, str, bool], ...]:
    text = normalize_inline(text).strip().rstrip(".;,")
    text = _POSTS_OF.sub(_posts_of, text)
    # 'các đơn vị: Văn phòng …' lists the units; 'Giám đốc: Trung tâm A, …' their heads.
    text = _LIST_INTRO.sub(lambda m: f"{m['post']} " if m["post"] else "", text)
    text = re.sub(r"(tổ chức),(\s*cá nhân)", "\\1\ue000\\2", text)  # 'tổ chức, cá nhân' names one actor
    text = re.sub(r"(cơ quan),(\s*tổ chức\ue000)", "\\1\ue000\\2", text)  # 'các cơ quan, tổ chức, cá nhân' too
    out: list[tuple[str, str, bool]] = []
    for piece in _split_top_level(text, ";"):
        piece = _BULLET.sub("", piece)  # a table cell listing '- Bộ Xây dựng; - UBND các tỉnh'
        pieces: list[str] = []
        for part in _split_top_level(piece, ","):
            if pieces and not starts_with_agency(part) and not _STARTS_ACTOR.match(part):
                pieces[-1] = f"{pieces[-1]}, {part}"
            else:
                pieces.append(part)
        for item in pieces:
            for sub in _JOINER.split(item):
                sub = _LABEL_TAIL.sub("", sub.replace("\ue000", ",")).strip(" .;,")
                if sub and not re.fullmatch(r"\(.*\)", sub):
                    name = canonical_agency(sub)
                    out.append((name, sub, is_generic(name)))
    return tuple(out)
