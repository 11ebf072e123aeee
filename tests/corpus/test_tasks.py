"""Responsibility records read from real documents of ../shared/realdocs (prose, headings, tables, appendices)."""

from pathlib import Path

import pytest

from corpus.agencies import split_agencies
from corpus.loader import LoadedDocument, load_document
from corpus.models import NodeKind
from corpus.tasks import subject_and_predicate
from eval.bench_tasks import DEFAULT_GOLD, load_gold, score


def _load(shared: Path, doc_id: str) -> LoadedDocument:
    return load_document(shared / "realdocs" / "documents" / f"{doc_id}.md")


def _leads(loaded: LoadedDocument, words: str) -> list[list[str]]:
    return [[a.wording for a in r.lead] for r in loaded.tasks if words in (r.evidence or r.task)]


def test_hand_counted_records_of_ten_real_documents(shared):
    result = score(load_gold(DEFAULT_GOLD), shared / "realdocs" / "documents")
    assert result["gold"] >= 300
    assert result["recall"] >= 0.9 and result["precision"] >= 0.9


def test_actor_list_wrapped_before_its_predicate(shared):
    """'Chánh Văn phòng UBND tỉnh;' on a line of its own, the rest of the sentence on the next."""
    loaded = _load(shared, "2e037ff2daea1c76")
    leads = _leads(loaded, "chịu trách nhiệm thi hành")
    assert leads[0][:3] == ["Chánh Văn phòng UBND tỉnh", "Chánh Thanh tra tỉnh", "UBND các xã, phường"]
    assert leads[0][3] == "các cơ quan, tổ chức, cá nhân có liên quan"


def test_post_before_a_colon_and_recipients_after_emphasis(shared):
    """'Giám đốc: Trung tâm A, Trung tâm B' names the bodies' heads; '* *' before 'Nơi nhận:' is no bullet."""
    loaded = _load(shared, "1ea5e769bcf16b99")
    enforce = [r for r in loaded.tasks if r.role == "thi_hanh"]
    assert len(enforce) == 1
    names = [a.wording for a in enforce[0].lead]
    assert names[0] == "Chánh Văn phòng UBND tỉnh"
    assert "Giám đốc Trung tâm Phục vụ hành chính công tỉnh" in names
    assert not any("Như Điều 4" in r.task for r in loaded.tasks)
    given = next(r for r in loaded.tasks if r.lead[0].wording == "Sở Y tế")
    assert given.partners[0].wording.startswith("Văn phòng UBND tỉnh")


def test_appendix_tables_after_the_signature_are_parts_of_their_own(shared):
    """A cell-per-line layout: recipients, signature, then 'PHỤ LỤC I' and its table, all between '|' lines."""
    loaded = _load(shared, "2edf5927c71bc4c1")
    appendices = [n for n in loaded.document.tree.children if n.kind == NodeKind.APPENDIX]
    assert [n.label for n in appendices] == ["I", "II"]
    law = next(r for r in loaded.tasks if "xây dựng Luật Chuyển đổi số" in r.task)
    assert [a.wording for a in law.lead] == ["Bộ Khoa học và Công nghệ"]
    assert [a.wording for a in law.partners][:3] == ["Bộ Công an", "Bộ Tài chính", "Bộ Nội vụ"]
    assert law.deadline == "Tháng 12/2025" and "Phụ lục II" in law.citation
    skills = next(r for r in loaded.tasks if "đào tạo kỹ năng số cơ bản" in r.task and "Phụ lục I " in r.citation)
    assert [a.wording for a in skills.lead] == ["Bộ Nội vụ"]


@pytest.mark.parametrize(
    ("doc_id", "words", "lead"),
    [
        ("ad5aff6c13929815", "chữ ký số hoặc chữ ký điện tử cá nhân", ["Tỉnh đoàn"]),
        ("646f0a00d4174382", "thí điểm các mô hình kinh tế tuần hoàn", ["Bộ Xây dựng", "UBND các tỉnh, thành phố"]),
    ],
)
def test_table_rows_name_their_lead(shared, doc_id, words, lead):
    """A mass organisation's name, and a lead cell written as a bulleted list."""
    assert lead in _leads(_load(shared, doc_id), words)


def test_a_duty_deep_in_a_long_section_belongs_to_the_chunk_that_shows_it(shared):
    loaded = _load(shared, "0a97eb9c3c536047")
    record = next(r for r in loaded.tasks if "phối hợp Bộ Chỉ huy Quân sự tỉnh và sở" in (r.evidence or ""))
    assert [a.wording for a in record.lead] == ["Công an tỉnh"]
    chunk = next(c for c in loaded.chunks if c.id == record.chunk_id)
    assert "phối hợp Bộ Chỉ huy Quân sự tỉnh và sở" in chunk.text


def test_a_task_described_as_assigned_is_not_a_predicate():
    sentence = (
        "Các cơ quan, đơn vị liên quan tổng hợp biểu mẫu báo cáo theo dự án, nội dung thành phần "
        "được phân công chủ trì thực hiện, gửi về Sở Nông nghiệp và Môi trường"
    )
    lead, duty = subject_and_predicate(sentence)
    assert [a.wording for a in lead] == ["Các cơ quan, đơn vị liên quan"]
    assert duty.startswith("tổng hợp biểu mẫu")


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("UBND các xã, phường và các cơ quan, tổ chức, cá nhân có liên quan",
         ["UBND các xã, phường", "các cơ quan, tổ chức, cá nhân có liên quan"]),
        ("các đơn vị: Văn phòng UBND tỉnh, Sở Tư pháp", ["Văn phòng UBND tỉnh", "Sở Tư pháp"]),
        ("- Bộ Xây dựng; - UBND các tỉnh, thành phố.", ["Bộ Xây dựng", "UBND các tỉnh, thành phố"]),
    ],
)  # fmt: skip
def test_agency_lists_as_real_documents_write_them(text, names):
    assert [a.wording for a in split_agencies(text)] == names
