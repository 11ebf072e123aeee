"""Responsibility records: who does what, in which role, with whom and by when.

Real documents assign work in many shapes, and each has a rule here:
- labelled fields ('Cơ quan chủ trì: …', 'Đơn vị thực hiện: …'), in any order;
- plan tables with Nhiệm vụ / Chủ trì / Phối hợp / Thời gian columns;
- prose: 'Giao Sở X chủ trì …', 'Sở X có trách nhiệm …', 'Sở X chủ trì, phối hợp với Y …';
- an agency heading over its duties ('2. Sở Tài chính: a) … b) …', 'Điều 12. Trách nhiệm của Sở …');
- the duty list of the body a document is about ('Nhiệm vụ, quyền hạn' of a Trung tâm);
- the closing 'Chánh Văn phòng …, Giám đốc các sở … chịu trách nhiệm thi hành Quyết định này'.
Every record keeps the exact text it was read from (``evidence``), so that a sentence that
looks like a duty but produced no record can be found by the coverage report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from corpus.agencies import is_actor, plausible_name, split_agencies, starts_with_actor
from corpus.deadlines import deadline_phrase, parse_period
from corpus.models import Agency, Chunk, Document, Node, NodeKind, SubTask, TaskRecord
from corpus.tables import column_roles

CHU_TRI = "chu_tri"
PHOI_HOP = "phoi_hop"
THAM_DINH = "tham_dinh"
THEO_DOI = "theo_doi"
THUC_HIEN = "thuc_hien"
THI_HANH = "thi_hanh"
ROLES = (CHU_TRI, PHOI_HOP, THAM_DINH, THEO_DOI, THUC_HIEN, THI_HANH)

_LABEL = re.compile(r"^(?:[IVXLC]+|\d+(?:\.\d+)*|[a-zđ])[.)](?:\[\d+\])?\s+|^[-+–•*]\s+|^\(\d+\)\s+")
# Predicates, strongest first: the subject of 'có trách nhiệm' is the actor even when a weaker verb comes earlier.
_RESPONSIBLE = re.compile(r"\b(?:có|chịu) trách nhiệm\b")
_LEADS = re.compile(r"\b(?:chủ trì|là cơ quan (?:chủ trì|đầu mối|thường trực)|là (?:đơn vị )?đầu mối|làm đầu mối)\b")
_WEAK_VERBS = (
    r"phối hợp|tham mưu|hướng dẫn|thực hiện|triển khai|tổ chức|xây dựng|theo dõi|đôn đốc|kiểm tra|rà soát|thẩm định"
    r"|tiếp nhận|chỉ đạo|bảo đảm|đảm bảo|cung cấp|quản lý|giám sát|tổng hợp|báo cáo|lập|ban hành|nghiên cứu|đề xuất"
    r"|khẩn trương|tăng cường|chủ động|thường xuyên|định kỳ|tiếp tục|giúp|căn cứ|cập nhật|công bố|công khai|ứng dụng"
    r"|bố trí|hỗ trợ|duy trì|kịp thời|đẩy mạnh|nâng cao|phát hiện|xử lý|thanh tra|tuyên truyền|vận động|tiến hành"
    r"|nghiêm túc|rà soát|trình|đánh giá|giải quyết|phổ biến|quán triệt|tập trung|sử dụng|thống kê|hoàn thành|thành lập"
    r"|gửi|chuẩn bị|phê duyệt|quyết định|thông báo|(?<!đăng )ký|lấy ý kiến|tiếp thu|trả lời|điều hành|phân công"
    r"|tạo điều kiện|ưu tiên|bổ sung|hoàn thiện|áp dụng|thẩm tra|xác nhận|lựa chọn|tổ chức thực hiện|thu thập"
    r"|chia sẻ|kết nối|vận hành"
)
_WEAK = re.compile(rf"(?<!\w)(?:{_WEAK_VERBS})(?!\w)")
_BARE_POST = re.compile(
    r"(?:^|[;,]\s*)(?:Giám đốc|Thủ trưởng|Chủ tịch|Trưởng|Lãnh đạo|Người đứng đầu)"
    r"(?:\s+các\s+(?:[Ss]ở|[Bb]an|cơ quan))?$"
)
_PASSIVE_BEFORE = re.compile(r"\bđược (?:giao|phân công)\s*$")
_DUTY_IN_NAME = re.compile(
    r"(?<!\w)(?:chủ trì|phối hợp|tham mưu|có trách nhiệm|chịu trách nhiệm|tiến hành|rà soát|thực hiện|triển khai"
    r"|chỉ đạo|hướng dẫn|xây dựng|ban hành|kiểm tra|theo dõi|đôn đốc|báo cáo|tổng hợp|bố trí|cân đối)(?!\w)"
)
# Noun phrases inside actor names that contain a verb: 'cơ quan quản lý nhà nước', 'các tổ chức, cá nhân'.
_NAME_COMPOUNDS = re.compile(
    r"quản lý nhà nước|(?:cơ quan|đơn vị|ngành|sở|phòng|bộ phận|[Bb]an) [Qq]uản lý|(?:^|các |những |, |và )tổ chức"
    r"|(?:[Cc]ơ quan|đơn vị) (?:chủ trì|phối hợp)"
    r"|được (?:giao|phân công)(?: chủ trì)?(?: thực hiện)?(?: nhiệm vụ)?(?: theo (?:Kế hoạch|Chỉ thị|Quyết định) này)?"
    r"|(?:có )?liên quan(?: đến (?:việc )?[^,;]*?(?= và |,|$))?"
    r"|theo (?:chức năng|thẩm quyền|lĩnh vực)(?:,? nhiệm vụ)?(?:,? quyền hạn)?(?: được giao)?"
    r"|thực hiện nhiệm vụ"
)
_ADVERBIAL = re.compile(r",\s*(?:trên cơ sở|căn cứ|theo|trong phạm vi|với vai trò|khi|sau khi)\b")
_NARRATIVE = re.compile(
    r"^(?:Thời gian qua|Trong (?:những|các) năm qua|Những năm qua|Nhằm|Để |Qua |Năm \d{4}|Thực hiện)"
)
_TENSE = re.compile(r"(?<!\w)(?:đã|đang|sẽ)(?!\w)")
_NOT_SUBJECT = re.compile(r"(?<!\w)(?:đã|đang|sẽ|không|khi|nếu)(?!\w)")
_NOUN_BEFORE = re.compile(r"(?:,|các|những|và)\s*$")
_CLAUSE_END = re.compile(r",\s+|\bthì\s+|\s[-–:]\s|:\s+")
_APPOSITION = re.compile(r",?\s+(?:là|khi|sau khi|nếu|trong trường hợp|thuộc diện|có nhu cầu)\s+")
_ADVERBS = re.compile(r"\s+(?:hoàn toàn|trực tiếp|phải|cũng|đều)\s*$")
_LEADING_CLAUSE = re.compile(
    r"^(?:Trong|Chậm nhất|Sau khi|Trước khi|Khi|Căn cứ|Đối với|Định kỳ|Hằng|Hàng|Trường hợp)\b"
)


def _verb_free(phrase: str) -> bool:
    """True when a phrase holds no predicate, so it can be a subject: 'Sở Y tế', not 'Sở Y tế kịp thời phát hiện'."""
    return not _WEAK.search(_NAME_COMPOUNDS.sub(" ", phrase)) and not _TENSE.search(phrase)


_GIVEN_WORD = re.compile(r"(?<!\w)[Gg]iao\s+(?:cho\s+)?")
_NOT_GIVING = {"bàn", "được", "đã", "chuyển", "phân", "trao", "nhận", "sẽ", "đang", "tự", "và", "đất", "dự"}


def _given(sentence: str) -> list[re.Match[str]]:
    """Each 'giao X …' that assigns work: not 'bàn giao', 'được giao', 'chuyển giao'."""
    out = []
    for m in _GIVEN_WORD.finditer(sentence):
        before = sentence[: m.start()].split()
        if before and before[-1].lower().strip(",;:") in _NOT_GIVING:
            continue
        out.append(m)
    return out


def _delegation(sentence: str) -> re.Match[str] | None:
    """'Yêu cầu X …' or 'UBND tỉnh đề nghị X …': the request opens the sentence or follows an actor."""
    for m in _DELEGATE.finditer(sentence):
        giver = sentence[: m.start()].strip(" ,")
        if not giver or actors(giver):
            return m
    return None


def subject_and_predicate(sentence: str) -> tuple[list[Agency], str] | None:
    """The actors a sentence opens with and what it says they do.

    Before 'có/chịu trách nhiệm' or 'chủ trì' the subject is everything before the verb (a
    description such as 'Đơn vị quản lý, vận hành hệ thống …' included), or what follows a
    leading clause ('Trong thời hạn 05 ngày …, Sở X có trách nhiệm …'). Before a weaker verb
    the actor must open the sentence and carry no verb at all.
    """
    if _NARRATIVE.match(sentence):
        return None
    for pattern in (_RESPONSIBLE, _LEADS, _WEAK):
        weak = pattern is _WEAK
        for m in pattern.finditer(sentence):
            if m.group(0) == "tổ chức" and _NOUN_BEFORE.search(sentence[: m.start()]):
                continue  # 'các sở, tổ chức chính trị - xã hội': a noun, not the predicate
            if m.group(0).startswith("chủ trì") and _PASSIVE_BEFORE.search(sentence[: m.start()]):
                continue  # '… nội dung được phân công chủ trì': the task's description, not its predicate
            candidates = _subjects(sentence[: m.start()], weak)
            if not weak:  # 'Sở A là cơ quan quản lý …, có trách nhiệm': the head before the apposition
                candidates += [head for c in candidates if (head := _APPOSITION.split(c, maxsplit=1)[0]) != c]
            for subject in candidates:
                if weak and (len(subject.split()) > 20 or not _verb_free(subject)):
                    continue
                if len(subject.split()) > 60 or _NOT_SUBJECT.search(subject):
                    continue
                if found := actors(subject) or (not weak and _described_actor(subject)):
                    return found, sentence[m.start() :].strip()
    return None


def _described_actor(subject: str) -> list[Agency]:
    """One generic actor described by what it does, before 'có/chịu trách nhiệm' only.

    'Đơn vị cung cấp dịch vụ kiểm định, kiểm tra', 'cơ quan tham mưu, quản lý nhà nước về di sản
    văn hóa ở trung ương': the verbs inside describe the actor, and the commas do not list others.
    """
    text = subject.strip(" ,;:")
    if not _DESCRIBED.match(text) or len(text.split()) > 25 or not plausible_name(text):
        return []
    return [Agency(name=text[:1].upper() + text[1:], wording=text, generic=True)]


def _subjects(prefix: str, weak: bool) -> list[str]:
    """Candidate subjects before a predicate: the prefix, then what follows each clause end.

    Clause ends count before strong predicates, and before weak ones after a leading time clause.
    """
    prefix = _ADVERBS.sub("", prefix)
    whole = _ADVERBIAL.split(prefix)[0].strip(" ,-")
    if weak and not _LEADING_CLAUSE.match(prefix):
        return [whole]
    out = [] if weak else [whole]
    for i, m in enumerate(_CLAUSE_END.finditer(prefix)):
        # Before a weak verb the actor follows the leading clause: its first end, or a later 'thì'
        # ('Đối với kiến nghị …, vướng mắc thì cơ quan được giao chủ trì phải chủ động phối hợp …').
        if not weak or i == 0 or m.group(0).startswith("thì"):
            out.append(prefix[m.end() :].strip(" ,"))
    return [s for s in out if s]


_ENFORCE = re.compile(
    r"^(?:[^.;]{0,80}?\b(?:yêu cầu|Yêu cầu|đề nghị|Đề nghị)\s+)?(?P<agency>.{10,600}?)\s+"
    r"(?:chịu trách nhiệm|có trách nhiệm)?\s*"
    r"(?:nghiêm túc\s+)?(?:tổ chức\s+)?"
    r"(?:(?<!hiệu lực )thi hành|căn cứ (?:Quyết định|Chỉ thị|Nghị quyết|Kế hoạch)[^.]{0,40}thi hành"
    r"|(?:tổ chức )?triển khai,?\s*(?:thực hiện)?|(?<=trách nhiệm )(?:tổ chức )?thực hiện|thực hiện nghiêm túc)\b"
    r"(?:.*(?:Quyết định|Chỉ thị|Nghị quyết|Kế hoạch|Thông tư|Quy chế|Quy định) (?:này|số)|\s*\.?/?\.?\s*$)",
)
_PARTNERS_START = re.compile(r"(?i)\bphối hợp(?: chặt chẽ)?(?: với)?\s+")
_PARTNERS_END = re.compile(
    r"\s+(?:để|trong|thực hiện|triển khai|tổ chức|xây dựng|tham mưu"
    r"|hướng dẫn|rà soát|kiểm tra|theo dõi|đánh giá|giải quyết|xử lý|báo cáo|tổng hợp|lập|nghiên cứu|đề xuất|cung cấp"
    r"|quản lý|tuyên truyền|thẩm định|bảo đảm|đảm bảo|trình|ban hành|tiến hành|tiếp nhận|thanh tra|chỉ đạo|tăng cường"
    r"|hoàn thiện|rà soát|tiếp tục|khẩn trương|về|tại|theo|căn cứ|nhằm)\b|[;.]|$"
)
_SENTENCES = re.compile(r"(?<=[.!?;])\s+(?=[a-zđ]\)\s)|(?<=[.!?;:])\s+(?=\(\d+\)\s)|(?<=[.!?])\s+(?=[A-ZĐÀ-Ỹ0-9(“\"])")
_ROLE_SUBHEADING = re.compile(
    r"^(?:chủ trì,?\s*)?(?:phối hợp|chủ động phối hợp)(?: chặt chẽ)? với\s+(?P<partners>.+?)\s*:?$", re.I
)
_ASKED = re.compile(r"^(?:Đề nghị|Yêu cầu|Giao)\s+(?:cho\s+)?")
_HEADING_TAIL = re.compile(
    r"\s+(?:có trách nhiệm|chịu trách nhiệm|thực hiện|triển khai thực hiện)(?: các nội dung sau| như sau)?\s*:?\s*$"
)
_DELEGATE = re.compile(r"(?:^|\s)(?:[Yy]êu cầu|[Đđ]ề nghị)\s+")
_DIRECTS = re.compile(
    r"\b(?:chỉ đạo|yêu cầu|đề nghị|hướng dẫn)\s+(?P<actors>.+?)(?:\s+(?:thực hiện|triển khai|có trách nhiệm)[^:]*)?:$"
)
_BOILERPLATE = re.compile(
    r"^(?:Trên đây|Trong quá trình (?:triển khai|tổ chức|thực hiện)[^.]*?\bnếu|Nếu\b)"
    r"|\bphản ánh (?:kịp thời )?(?:về|cho|đến)\b"
)
_LISTED = re.compile(r"\b(?:gồm|bao gồm|gồm có)\s*:\s*$")
_LIST_INTRO = re.compile(r"\b(?:sau|như sau|sau đây|gồm|bao gồm|các nội dung|các nhiệm vụ|các hoạt động)\s*:$")
_NOT_A_DUTY = re.compile(r"^(?:Trường hợp|Khi |Trên đây|Ngoài (?:các|những)|Nếu |Trong quá trình|Quá trình)")
_DUTY_TITLE = re.compile(
    r"^(?:Trách nhiệm(?:(?:,| và) quyền hạn)?(?: thực hiện)?|Nhiệm vụ(?:(?:,| và) quyền hạn)?"
    r"|Chức năng(?:,| và) nhiệm vụ(?:(?:,| và) quyền hạn)?|Phân công)\s+"
    r"(?:của|đối với|cho)\s+(?P<agency>.+?)\s*:?$"
    r"|^(?:Các\s+)?(?:Nội dung|Nhiệm vụ|Việc)\s+(?P<agency2>.+?)\s+(?:có trách nhiệm|chịu trách nhiệm|chủ trì|thực hiện"
    r"|phối hợp)\b.{0,40}$",
    re.IGNORECASE,
)
_DESCRIBED = re.compile(
    r"(?i)^(?:các\s+)?(?:cơ quan|đơn vị|tổ chức(?!\s+(?:thực hiện|triển khai))|bộ phận|cá nhân|người"
    r"|chủ(?!\s+(?:trì|động|trương|yếu|đề)\b))\s+\w"
)
_ABOUT_BODY = re.compile(
    r"(?i)\b(?:về|thành lập)\s+((?:quỹ|trung tâm|ban quản lý|viện|hội đồng)\s+[^,;.]{3,60}?)"
    r"(?=\s+(?:và|để|theo|trên|thuộc|của)\b|[,;.]|$)"
)
_BARE_SUBJECT = re.compile(
    r"^(Quỹ|Trung tâm|Ban|Cục|Chi cục|Viện|Hội đồng|Văn phòng|Công ty|Tổ|Đoàn|Sở|Trường|Bệnh viện)"
    r"\s+(?:(?:có|chịu) trách nhiệm|chủ trì)\b"
)
# Under an agency heading, a duty after a leading condition names no one else: 'Khi …, có trách nhiệm …'.
_CONDITIONAL_DUTY = re.compile(r",\s*(?:phải\s+)?(?:có|chịu) trách nhiệm\b")
_ROLE_NOUN = re.compile(r"(?i)(?:cơ quan|đơn vị)\s+(?:chủ trì|được giao chủ trì|đầu mối|phối hợp)")
_CLAUSES = re.compile(r"\s*;\s+|:\s+(?=[a-zđ])")
# 'Các Ông (Bà): Chánh Văn phòng …; Giám đốc … chịu trách nhiệm thi hành': the addressing words.
_ADDRESSEES = re.compile(r"^(?:Các\s+)?[Ôô]ng\s*(?:/|,|\()\s*[Bb]à\)?\s*:?\s*")
_TITLED = (NodeKind.ARTICLE, NodeKind.CHAPTER, NodeKind.SECTION, NodeKind.PART)
_SECTIONS = (*_TITLED, NodeKind.PLAN_SECTION, NodeKind.PLAN_AREA, NodeKind.PLAN_SUBAREA)
_FOR_AGENCY = re.compile(r"^(?:Đối với|Về phía)\s+(?P<agency>.+?)\s*:\s*(?P<rest>.*)$")
_AGENCY_COLON = re.compile(r"^(?P<agency>[^:]{3,200}?)\s*:\s*(?P<rest>.*)$")
_SUBJECT_DUTIES = re.compile(
    r"^(?:Nhiệm vụ(?:,| và) quyền hạn|Chức năng(?:,| và) nhiệm vụ|Nhiệm vụ cụ thể|Nhiệm vụ)\s*:?$", re.I
)
_ABOUT = re.compile(
    r"(?:chức năng|nhiệm vụ|quyền hạn|cơ cấu tổ chức|tổ chức và hoạt động|quy chế hoạt động)[^.]{0,80}?\bcủa\s+"
    r"(?P<agency>(?:Trung tâm|Ban|Văn phòng|Sở|Chi cục|Đài|Ban Quản lý|Hội đồng|Tổ|Phòng|Cục|Quỹ|Bộ|Tổng cục"
    r"|Thanh tra|Viện|Trường|Bệnh viện|Ủy ban)\b[^;.]{3,120})",
    re.IGNORECASE,
)
# Sections that state aims, scope or the situation, not who does what.
NO_DUTY_SECTION = re.compile(
    r"(?i)^(?:(?:[IVXLC]+|\d+(?:\.\d+)*)[.)]\s+|Điều \d+\.\s*)?(?:mục đích|yêu cầu|quan điểm|căn cứ"
    r"|phạm vi|đối tượng|giải thích|kết quả (?:đạt được|thực hiện)|tình hình|đánh giá (?:chung|kết quả|tình hình)"
    r"|thực trạng|sự cần thiết)"
)
_ROLE_BY_VERB = [
    (THI_HANH, re.compile(r"\bthi hành (?:quyết định|chỉ thị|nghị quyết|thông tư|kế hoạch|quy chế|quy định)\b")),
    (THAM_DINH, re.compile(r"^(?:thẩm định|chịu trách nhiệm về (?:những )?nội dung thẩm định)")),
    (PHOI_HOP, re.compile(r"^(?:chủ động\s+)?phối hợp\b")),
    (THEO_DOI, re.compile(r"^(?:chủ trì\s+)?(?:theo dõi|đôn đốc|giám sát|kiểm tra việc thực hiện)")),
    (CHU_TRI, re.compile(r"\bchủ trì\b|\bđầu mối\b")),
]
_YEAR = re.compile(r"năm\s+(\d{4})")
# 'Sở Khoa học và Công nghệ Sở Công Thương': two agencies a table cell ran together.
_GLUED_AGENCIES = re.compile(r"((?:^|[;,]\s*)Sở\s+[^;,]+?)(?<!\svà)\s+(?=Sở\s+[A-ZĐ])")


def strip_label(text: str) -> str:
    """'c) Xây dựng …' → 'Xây dựng …'."""
    return _LABEL.sub("", text.strip(), count=1)


def role_of(duty: str, default: str = CHU_TRI) -> str:
    """The role a duty's wording gives its actor: 'Phối hợp với …' → phối hợp, '… thi hành …' → thi hành."""
    low = re.sub(r"^(?:có|chịu) trách nhiệm\s+", "", strip_label(duty).lower())
    return next((role for role, pattern in _ROLE_BY_VERB if pattern.search(low)), default)


def actors(text: str) -> list[Agency]:
    """The actors a phrase names; empty unless every one is an agency, a post or a generic actor.

    A name may describe its actor ('các cơ quan được giao chủ trì', 'hộ gia đình khai thác nước')
    but never carries a duty of its own ('Sở A tiến hành rà soát …' is a sentence, not a name).
    """
    text = _GLUED_AGENCIES.sub(r"\1; ", text.strip(" ,;:"))
    found = split_agencies(text)
    valid = all(is_actor(a.wording) and not _DUTY_IN_NAME.search(_NAME_COMPOUNDS.sub(" ", a.wording)) for a in found)
    return found if found and valid else []


def _partners(text: str) -> list[Agency]:
    """Who a duty is done with: the words after 'phối hợp (với)' up to the next verb that leaves a name.

    'phối hợp với đơn vị cung cấp dịch vụ công nghệ thông tin căn cứ …': 'cung cấp' ends the
    partner too early ('đơn vị'), so later stops are tried while the words do not name an actor.
    """
    m = _PARTNERS_START.search(text)
    if not m:
        return []
    for end in _PARTNERS_END.finditer(text, m.end()):
        if found := [a for a in split_agencies(text[m.end() : end.start()]) if is_actor(a.wording)]:
            return found
        if text[end.start() : end.start() + 1] in ";." or end.start() - m.end() > 200:
            break
    return []


def _default_year(doc: Document) -> int | None:
    if doc.facts.trich_yeu and (m := _YEAR.search(doc.facts.trich_yeu)):
        return int(m.group(1))
    return doc.facts.ngay_ban_hanh.year if doc.facts.ngay_ban_hanh else None


def _first_line(node: Node) -> str:
    return node.text.splitlines()[0] if node.text else ""


def _field_value(node: Node) -> str:
    items = [node.title] if node.title else []
    items.extend(strip_label(c.full_text()) for c in node.children)
    return "; ".join(i.rstrip(";") for i in items if i)


def _fields(node: Node) -> dict[str, Node]:
    found: dict[str, Node] = {}
    for child in node.children:
        if child.kind == NodeKind.FIELD:
            found.setdefault(child.role, child)
    return found


def _role_nouns(wording: str) -> bool:
    """'Cơ quan chủ trì, cơ quan phối hợp': roles, naming no agency."""
    return all(_ROLE_NOUN.fullmatch(part.strip()) for part in wording.split(","))


def agency_heading(text: str) -> tuple[list[Agency], str] | None:
    """A heading that names who the duties below it belong to, and any duty on the same line.

    '2. Sở Tài chính', '1. Ủy ban nhân dân các xã, phường:', 'Trách nhiệm của Sở Nội vụ',
    'Các cơ quan đăng ký đầu tư (Sở Tài chính, Ban quản lý …):', 'Sở Y tế: Chủ trì, phối hợp …'.
    """
    text = _ASKED.sub("", strip_label(text).strip())
    text = _HEADING_TAIL.sub(lambda m: ":" if m.group(0).rstrip().endswith(":") else "", text).strip()
    if not text or (len(text) > 300 and not _AGENCY_COLON.match(text)):
        return None  # a long line can still be 'Cơ quan nơi đến: Chấp hành …; có trách nhiệm …'
    if len(text) <= 300 and (m := _DUTY_TITLE.match(text)):
        found = actors(m["agency"] or m["agency2"])
        return (found, "") if found else None
    if m := _FOR_AGENCY.match(text):
        found = actors(m["agency"])
        return (found, m["rest"]) if found else None
    head, rest = text, ""
    if m := _AGENCY_COLON.match(text):
        head, rest = m["agency"], m["rest"]
        if _BARE_POST.search(head):
            return None  # '…; Giám đốc: Trung tâm A, Trung tâm B; … chịu trách nhiệm thi hành': the post's bodies
    elif text.endswith(";") or (text.endswith(".") and len(text.split()) > 12) or len(text) > 160:
        return None  # a sentence, not a heading ('1. Văn phòng Ủy ban nhân dân tỉnh.' is a heading)
    if not starts_with_actor(head) or _DUTY_IN_NAME.search(_NAME_COMPOUNDS.sub(" ", head)):
        return None
    inner = re.search(r"\(([^()]{5,200})\)\s*$", head)
    if inner and (listed := actors(inner.group(1))) and len(listed) > 1:
        return listed, rest
    found = actors(re.sub(r"\s*\([^()]*\)\s*$", "", head))
    if not found or len(head.split()) > 30 or all(_role_nouns(a.wording) for a in found):
        return None  # 'Cơ quan chủ trì, cơ quan phối hợp' is an article's subject, not whose duties follow
    return found, rest


@dataclass
class _Scope:
    """What the duties below a heading inherit."""

    agencies: list[Agency] = field(default_factory=list)
    partners: list[Agency] = field(default_factory=list)
    skip: bool = False


class _Extractor:
    def __init__(self, doc: Document, by_node: dict[int, Chunk]) -> None:
        self.doc = doc
        self.by_node = by_node
        self.year = _default_year(doc)
        self.records: list[TaskRecord] = []
        self.subject = self._document_subject()
        self.heading_agencies: list[Agency] = []

    def _document_subject(self) -> list[Agency]:
        """The body a document is about ('… chức năng, nhiệm vụ … của Trung tâm Phục vụ hành chính công')."""
        title = self.doc.facts.trich_yeu or ""
        if m := _ABOUT.search(title):
            return actors(m["agency"])
        if m := _ABOUT_BODY.search(title):  # 'Quy định chi tiết về quỹ nhà ở quốc gia và …'
            name = m[1][:1].upper() + m[1][1:]
            return actors(name)
        return []

    def record(self, node: Node, task: str, lead: list[Agency], role: str, evidence: str, **fields: object) -> None:
        chunk = self.by_node.get(id(node))
        lead = [a for a in lead if is_actor(a.wording) or _described_actor(a.wording)]
        if chunk is None or not lead:
            return
        task = task.strip().rstrip(":;").strip()
        if not task:
            return
        if any(r.chunk_id == chunk.id and r.evidence == evidence and r.lead == lead for r in self.records):
            return
        n = sum(1 for r in self.records if r.chunk_id == chunk.id)
        deadline = fields.pop("deadline", None) or deadline_phrase(evidence)
        self.records.append(
            TaskRecord(
                id=f"{chunk.id}#{n + 1}",
                doc_id=self.doc.id,
                chunk_id=chunk.id,
                citation=chunk.citation,
                path=chunk.path,
                tinh=self.doc.facts.tinh,
                task=task,
                lead=lead,
                role=role,
                evidence=evidence,
                deadline=deadline,  # type: ignore[arg-type]
                period=parse_period(deadline, self.year) if isinstance(deadline, str) else None,  # type: ignore[arg-type]
                **fields,  # type: ignore[arg-type]
            )
        )

    # ------------------------------------------------------------------ shapes
    def fields_task(self, node: Node, scope: _Scope) -> bool:
        """A task with labelled fields: lead, partners, appraiser, product, deadline (any order)."""
        fields = _fields(node)
        if not fields.keys() & {"lead", "partners", "executors", "deadline", "product", "appraiser"}:
            return False
        subs: list[SubTask] = []
        for child in node.children:
            if child.kind == NodeKind.SUBTASK:
                cf = _fields(child)
                subs.append(
                    SubTask(
                        task=strip_label(child.text).rstrip(":"),
                        lead=split_agencies(_field_value(cf["lead"])) if "lead" in cf else [],
                        partners=split_agencies(_field_value(cf["partners"])) if "partners" in cf else [],
                    )
                )
        lead_field = fields.get("lead") or fields.get("executors")
        lead_text = _field_value(lead_field) if lead_field else None
        lead = actors(lead_text) if lead_text else []
        if lead_text and not lead and not subs:
            # 'Cơ quan thực hiện: Sở A chủ trì, phối hợp với …; các sở … rà soát …': one record per clause.
            parsed = [p for c in re.split(r";\s+|(?<=[.])\s+", lead_text) if (p := subject_and_predicate(c.strip()))]
            if parsed:
                title = _field_value(fields["task"]) if "task" in fields else strip_label(_first_line(node))
                deadline = _field_value(fields["deadline"]) if "deadline" in fields else None
                for clause_lead, duty in parsed:
                    evidence = node.full_text()
                    self.record(node, title or duty, clause_lead, role_of(duty), evidence, partners=_partners(duty),
                                deadline=deadline)  # fmt: skip
                return True
            lead = split_agencies(lead_text)
        for sub in subs:
            lead.extend(a for a in sub.lead if a.name not in {x.name for x in lead})
        if not lead:
            lead = list(scope.agencies)
        task = _field_value(fields["task"]) if "task" in fields else strip_label(_first_line(node))
        partners_text = _field_value(fields["partners"]) if "partners" in fields else None
        appraiser_text = _field_value(fields["appraiser"]) if "appraiser" in fields else None
        role = CHU_TRI if "lead" in fields else THUC_HIEN
        self.record(
            node,
            task=task or strip_label(_first_line(node)),
            lead=lead,
            role=role,
            evidence=node.full_text() or task,
            lead_text=lead_text,
            partners=split_agencies(partners_text) if partners_text else list(scope.partners),
            partners_text=partners_text,
            appraiser=split_agencies(appraiser_text) if appraiser_text else [],
            appraiser_text=appraiser_text,
            product=_field_value(fields["product"]) if "product" in fields else None,
            deadline=_field_value(fields["deadline"]) if "deadline" in fields else None,
            sub_parts=subs,
        )
        return True

    def prose(self, node: Node, text: str) -> bool:
        """Sentences that name their actor: 'Giao Sở X chủ trì …', 'Sở X có trách nhiệm …', '… thi hành …'.

        A sentence whose opening names no actor may still hold a clause that does, after ';' or
        ':' ('… cấp có thẩm quyền xem xét bố trí công tác; công chức có trách nhiệm chấp hành …');
        only 'có/chịu trách nhiệm' or 'chủ trì' make such a clause a duty, and it does not stand
        for the sentence (under an agency heading, the sentence stays the heading's).
        """
        found = False
        for sentence in _SENTENCES.split(strip_label(text)):
            sentence = strip_label(sentence)
            if self._sentence(node, sentence, text):
                found = True
                continue
            for clause in _CLAUSES.split(sentence)[1:]:
                if _RESPONSIBLE.search(clause) or _LEADS.search(clause):
                    self._sentence(node, clause.strip(), text)
        return found

    def _sentence(self, node: Node, sentence: str, evidence: str) -> bool:
        if _BOILERPLATE.search(sentence):
            return False
        sentence = _ADDRESSEES.sub("", sentence)
        if (m := _ENFORCE.match(sentence)) and _verb_free(m["agency"]) and " là " not in m["agency"]:
            lead = actors(m["agency"])
            if lead:
                self.record(node, sentence, lead, THI_HANH, evidence)
                return True
        for m in [*_given(sentence), *([d] if (d := _delegation(sentence)) else [])]:
            given = subject_and_predicate(sentence[m.end() :])
            if given:
                lead, duty = given
                self.record(node, duty, lead, role_of(duty), evidence, partners=_partners(duty))
                return True
        if self.subject and (m := _BARE_SUBJECT.match(sentence)) and self.subject[0].name.startswith(m[1]):
            duty = sentence[m.end(1) :].strip()  # 'Quỹ có trách nhiệm …' in a decision about that Quỹ
            self.record(node, sentence, list(self.subject), role_of(duty), evidence, partners=_partners(duty))
            return True
        if (parsed := subject_and_predicate(sentence)) and not parsed[1].startswith("ban hành"):
            lead, duty = parsed
            if self.heading_agencies and all(_ROLE_NOUN.fullmatch(a.wording) for a in lead):
                lead = list(self.heading_agencies)  # 'cơ quan chủ trì' under 'Trách nhiệm của Sở A' is Sở A
            self.record(node, sentence, lead, role_of(duty), evidence, partners=_partners(duty))
            return True
        return False

    def duty(self, node: Node, text: str, scope: _Scope) -> None:
        """A duty listed under an agency heading: the heading's agency does it, unless the line names another."""
        duty = strip_label(text)
        self.heading_agencies = scope.agencies
        try:
            if not duty or self.prose(node, text):
                return
            if _NOT_A_DUTY.match(duty) and not (scope.agencies and _CONDITIONAL_DUTY.search(duty)):
                return
        finally:
            self.heading_agencies = []
        if node.children and (duty.endswith(":") or len(duty.split()) < 8 or _ROLE_SUBHEADING.match(duty)):
            return  # a sub-heading over duties, not a duty
        partners = _partners(duty) or scope.partners
        self.record(node, duty, list(scope.agencies), role_of(duty), text, partners=partners)

    def table(self, node: Node) -> None:
        """Each row of a plan table: the task, its lead, partners, deadline and product from their columns."""
        roles = column_roles(node.cells)
        if "lead" not in roles:
            for row in node.children:
                if row.role == "":
                    for cell in row.cells:
                        if cell and self.prose(row, cell):
                            break
            return
        task_col = roles.get("task")
        for row in node.children:
            if row.role:
                continue
            cells = row.cells

            def cell(role: str, cells: list[str] = cells) -> str:
                idx = roles.get(role)
                return cells[idx].strip() if idx is not None and idx < len(cells) else ""

            lead = actors(cell("lead"))
            task = cell("task") if task_col is not None else row.text
            if not lead or not task:
                continue
            partners = [a for a in split_agencies(cell("partners")) if is_actor(a.wording)] if cell("partners") else []
            self.record(
                row,
                task,
                lead,
                role_of(task),
                row.text,
                lead_text=cell("lead"),
                partners=partners,
                partners_text=cell("partners") or None,
                deadline=cell("deadline") or None,
                product=cell("product") or None,
            )

    # ------------------------------------------------------------------ walk
    def duty_lines(self, node: Node, lines: list[str], scope: _Scope) -> None:
        """Each line of a unit under an agency heading is one of that agency's duties."""
        for line in lines:
            self.duty(node, line, scope)

    def walk(self, node: Node, scope: _Scope) -> None:
        if node.kind == NodeKind.TABLE:
            self.table(node)
            return
        if node.kind in (NodeKind.FIELD, NodeKind.ROW):
            return
        title = node.title if node.kind in _TITLED else ""
        lines = _joined_lines(node.text)
        first = lines[0] if lines else ""
        heading = title or strip_label(first)
        if node.kind in _SECTIONS and len(heading.split()) <= 12 and NO_DUTY_SECTION.match(heading):
            scope = _Scope(skip=True)
        inner = scope
        if not scope.skip:
            inner = self.own_duties(node, title, lines, scope)
        owns = _fields(node).keys() & {"lead", "executors"}
        following: _Scope | None = None
        for child in node.children:
            if (owns and child.kind != NodeKind.TABLE) or child.kind == NodeKind.SUBTASK:
                continue  # the task's labelled lead (or its sub-parts' leads) covers what is listed under it
            if not inner.skip and (lead_in := self.lead_in(child)):
                following = lead_in
                continue
            if following is not None and not (child.kind == NodeKind.PARAGRAPH and child.label):
                following = None
            self.walk(child, following or inner)

    def listed_actors(self, node: Node, first: str) -> bool:
        """'Các cơ quan có trách nhiệm phối hợp với Sở Nội vụ … gồm:' over items that only name agencies.

        The items are who does it: one record with them as its actors, not one for 'Các cơ quan'.
        """
        if not node.children or not _LISTED.search(first):
            return False
        items = [strip_label(_first_line(c)).strip(" ;.,") for c in node.children]
        named = [actors(item) if item and _verb_free(item) and len(item.split()) <= 15 else [] for item in items]
        parsed = subject_and_predicate(strip_label(first))
        if not parsed or not all(named):
            return False
        duty = parsed[1]
        evidence = "\n".join([first, *(c.full_text() for c in node.children)])
        lead = [a for found in named for a in found]
        self.record(node, strip_label(first), lead, role_of(duty), evidence, partners=_partners(duty))
        return True

    def lead_in(self, node: Node) -> _Scope | None:
        """The actor a lead-in line names for the bullet items that follow it as its siblings.

        'Căn cứ tình hình thực tế, các cơ quan, đơn vị phối hợp thực hiện các hoạt động sau:'.
        """
        text = strip_label(_first_line(node))
        if node.kind != NodeKind.PARAGRAPH or node.label or node.children or not text.endswith(":"):
            return None
        if not _LIST_INTRO.search(text):
            return None
        parsed = subject_and_predicate(text)
        return _Scope(agencies=parsed[0], partners=_partners(parsed[1])) if parsed else None

    def own_duties(self, node: Node, title: str, lines: list[str], scope: _Scope) -> _Scope:
        """Records read from the unit's own text; returns what its children inherit."""
        first = lines[0] if lines else ""
        if (node.kind in (NodeKind.TASK, NodeKind.SUBTASK) or _fields(node)) and self.fields_task(node, scope):
            return scope
        heading = agency_heading(title) if title else (agency_heading(first) if first else None)
        if heading and (title or node.children or not heading[1] or heading[1]):
            agencies, rest = heading
            inner = _Scope(agencies=agencies)
            own = lines if title else ([rest] if rest else []) + lines[1:]
            for line in own:
                if not self.prose(node, line) and not line.rstrip().endswith(":"):
                    self.record(node, strip_label(line), agencies, role_of(line), line, partners=_partners(line))
            if rest.rstrip().endswith(":"):
                inner.partners = _partners(rest)
            return inner
        if title and _SUBJECT_DUTIES.match(title) and self.subject:
            inner = _Scope(agencies=self.subject)
            self.duty_lines(node, lines, inner)
            return inner
        own = lines if node.kind == NodeKind.ARTICLE else lines[:1]
        if node.unit == "Phần mở đầu":
            return _Scope(skip=True)
        if scope.agencies:
            self.duty_lines(node, own, scope)
            if node.children and (m := _DIRECTS.search(first)) and (delegated := actors(m["actors"])):
                return _Scope(agencies=delegated)
            if node.children and (first.rstrip().endswith(":") or _ROLE_SUBHEADING.match(strip_label(first))):
                return _Scope(scope.agencies, _partners(first) or scope.partners)
            return scope
        if self.listed_actors(node, first):
            return scope
        before = len(self.records)
        for line in own:
            self.prose(node, line)
        if node.children and (m := _DIRECTS.search(first)) and (delegated := actors(m["actors"])):
            return _Scope(agencies=delegated)  # 'Giao Ban Quản lý … chỉ đạo các đơn vị …:' then the units' duties
        if node.children and _LIST_INTRO.search(first.rstrip()) and len(self.records) > before:
            # 'Giao Sở A là cơ quan đầu mối, chủ trì …; tổ chức thực hiện các nhiệm vụ sau:' — the items are Sở A's
            return _Scope(agencies=list(self.records[before].lead))
        return scope


def _joined_lines(text: str) -> list[str]:
    """The unit's lines, an actor list wrapped before its predicate joined to it.

    'Chánh Văn phòng UBND tỉnh;' / 'Chánh Thanh tra tỉnh; … chịu trách nhiệm thi hành …' is one
    sentence whose first actor a hard wrap put on a line of its own.
    """
    out: list[str] = []
    for line in (ln for ln in text.splitlines() if ln.strip()):
        bare = out[-1].strip(" ;,") if out and out[-1].rstrip().endswith((";", ",")) else ""
        if bare and len(bare.split()) <= 30 and _verb_free(bare) and actors(bare):
            out[-1] = f"{out[-1].rstrip()} {line.strip()}"
            continue
        out.append(line)
    return out


def extract_tasks(doc: Document, by_node: dict[int, Chunk]) -> list[TaskRecord]:
    """Every responsibility record of a document, in reading order."""
    extractor = _Extractor(doc, by_node)
    for child in doc.tree.children:
        extractor.walk(child, _Scope())
    return extractor.records
