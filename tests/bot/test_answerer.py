"""Answers over the real seeds index: every intent, abstention, ambiguity, decision over news."""

import datetime as dt
import shutil
from pathlib import Path

import pytest

from bot.answerer import Answerer, AnswerSettings
from bot.models import Intent, Status
from bot.render import render_telegram, render_text
from tests.bot.telegram_html import telegram_html_problems

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def answerer(seed_searcher):
    return Answerer(seed_searcher)


@pytest.fixture
def seeds_plus(seed_index, e5_embedder, tmp_path):
    """An answerer over a copy of the seeds with ``add_files`` beside them, reusing the seeds' vectors."""
    from corpus.loader import BUNDLED_CORPUS
    from index.builder import build_index
    from index.searcher import Searcher

    def make(add_files) -> Answerer:
        corpus = tmp_path / "docs"
        shutil.copytree(BUNDLED_CORPUS, corpus)
        add_files(corpus)
        config = seed_index.model_copy(update={"corpus_dir": corpus, "data_dir": tmp_path / "data"})
        (tmp_path / "data" / "cache").mkdir(parents=True)
        shutil.copy(seed_index.cache_path, config.cache_path)
        build_index(config, lambda: e5_embedder)
        return Answerer(Searcher(config.current, lambda: e5_embedder, config.model_name))

    return make


def test_lead(answerer):
    answer = answerer.answer("Ai chủ trì xây dựng kế hoạch theo dõi thi hành pháp luật hàng năm của tỉnh Quảng Ngãi?")
    assert answer.intent == Intent.LEAD and answer.status == Status.ANSWERED
    assert answer.task.lead == ["Sở Tư pháp"]
    assert answer.task.quote.citation.startswith(
        "Điểm c khoản 1 Mục II Kế hoạch ban hành kèm theo Quyết định số 2548/QĐ-UBND"
    )
    assert "kế hoạch theo dõi thi hành pháp luật hàng năm của tỉnh" in answer.task.quote.text
    text = render_text(answer)
    assert "Chủ trì: Sở Tư pháp" in text and "2548/QĐ-UBND" in text


def test_lead_in_a_regulation_quotes_the_clause(answerer):
    answer = answerer.answer("Theo Quy chế phối hợp của tỉnh Kiên Giang, cơ quan nào chủ trì thực hiện nhiệm vụ CCHC?")
    assert answer.task.lead == ["Sở Nội vụ"]
    assert answer.task.quote.citation.startswith("Khoản 1 Điều 4 Quy chế ban hành kèm theo Quyết định số 925/QĐ-UBND")
    assert answer.task.quote.heading == "Điều 4. Cơ quan chủ trì, cơ quan phối hợp"


def test_who_executes_the_decision(answerer):
    """The decision's own 'thi hành' clause, though the question's other words match the Quy chế's articles."""
    answer = answerer.answer("Những ai chịu trách nhiệm thi hành Quyết định 925/QĐ-UBND của Kiên Giang?")
    assert answer.task.lead[:2] == ["Chánh Văn phòng UBND tỉnh", "Giám đốc Sở Nội vụ"]
    assert answer.task.quote.citation.startswith("Điều 3 Quyết định số 925/QĐ-UBND")


def test_partners(answerer):
    answer = answerer.answer(
        "Những cơ quan nào phối hợp xây dựng quy trình giải quyết TTHC theo cơ chế một cửa liên thông hiện đại?"
    )
    assert answer.intent == Intent.PARTNERS
    assert {"Sở Nội vụ", "Sở Thông tin và Truyền thông"} <= set(answer.task.partners)


def test_deadline(answerer):
    answer = answerer.answer("Tổ Kiểm tra 20 các cấp phải kiện toàn khi nào?")
    assert answer.intent == Intent.DEADLINE
    assert answer.deadline.startswith("Tháng 1 năm 2018")


def test_deadline_from_a_quote_without_task_fields(answerer):
    answer = answerer.answer("Đường dây nóng của Ban chỉ đạo cải cách hành chính tỉnh được thiết lập khi nào?")
    assert answer.deadline == "Trong Quý II/2007"  # as the news item writes it


def test_agency_tasks_grouped_by_document(answerer):
    answer = answerer.answer("Sở Tư pháp Quảng Ngãi chủ trì những nhiệm vụ nào?")
    assert answer.intent == Intent.AGENCY_TASKS and len(answer.groups) == 1
    group = answer.groups[0]
    assert group.doc_id == "qn-2548-2017" and len(group.tasks) == 2
    assert all(t.quote.citation and t.deadline for t in group.tasks)


def test_period(answerer):
    answer = answerer.answer("Những nhiệm vụ nào phải hoàn thành trong Quý IV năm 2018?")
    assert answer.intent == Intent.PERIOD
    tasks = [t for g in answer.groups for t in g.tasks]
    assert len(tasks) >= 5
    for t in tasks:
        assert t.period.start <= dt.date(2018, 12, 31) and t.period.end >= dt.date(2018, 10, 1), t.deadline
    assert any(t.deadline == "Quý IV năm 2018." for t in tasks)


def test_named_article(answerer):
    answer = answerer.answer("Điều 5 Quy chế 925 quy định gì?")
    assert answer.intent == Intent.DOCUMENT
    assert answer.primary.citation.startswith("Điều 5 Quy chế ban hành kèm theo Quyết định số 925/QĐ-UBND")
    assert "Tham mưu UBND tỉnh xây dựng các văn bản chỉ đạo" in answer.primary.text


def test_general_question_quotes_a_point(answerer):
    answer = answerer.answer("Mỗi năm phải tổ chức đối thoại với tổ chức, công dân về TTHC ít nhất mấy lần?")
    main = answer.task.quote if answer.task else answer.primary
    assert "ít nhất tổ chức đối thoại 2 lần/năm" in main.text


def test_without_diacritics(answerer):
    answer = answerer.answer("co quan nao chu tri kiem tra cong tac cai cach hanh chinh nam 2018 o quang ngai")
    assert answer.task.lead == ["Sở Nội vụ"]


@pytest.mark.parametrize(
    "question",
    ["Mức lương cơ sở năm 2024 là bao nhiêu?", "Đội bóng nào vô địch V-League 2023?", "Giá vàng hôm nay thế nào?"],
)
def test_out_of_scope_is_declined(answerer, question):
    answer = answerer.answer(question)
    assert answer.status == Status.DECLINED and answer.primary is None and answer.task is None
    assert "/vanban" in answer.message and answer.related == []


def test_declined_everyday_question_shows_the_nearest_clauses(answerer):
    question = "Hồi 2007 ban chỉ đạo cải cách hành chính của tỉnh cứ mấy tháng lại ngồi lại với nhau một lần?"
    answer = answerer.answer(question)
    assert answer.status == Status.DECLINED and answer.primary is None
    assert "Chưa tìm thấy điều khoản trả lời chắc chắn" in answer.message and not answer.suggestions
    assert any("mỗi quý một lần" in q.text for q in answer.related)
    text = render_text(answer)
    assert "mỗi quý một lần" in text and answer.related[0].citation in text
    messages = render_telegram(answer)
    assert all(not telegram_html_problems(m) for m in messages)
    assert any("mỗi quý một lần" in m for m in messages)


def test_no_nearest_clauses_when_nothing_is_close_in_meaning(seed_searcher):
    question = "Hồi 2007 ban chỉ đạo cải cách hành chính của tỉnh cứ mấy tháng lại ngồi lại với nhau một lần?"
    answer = Answerer(seed_searcher, AnswerSettings(related_floor=1.01)).answer(question)
    assert answer.status == Status.DECLINED and answer.related == [] and "/vanban" in answer.message


def test_who_question_in_a_dead_heat_goes_to_the_article_on_its_task(seed_searcher):
    # Điều 4 (lead agencies in general) and Điều 7 (Sở Tư pháp: 'cải cách thể chế') score within 1%.
    question = "Theo Quy chế phối hợp CCHC Kiên Giang, cơ quan nào chịu trách nhiệm về cải cách thể chế?"
    answer = Answerer(seed_searcher).answer(question)
    assert answer.task.lead == ["Sở Tư pháp"] and "Điều 7" in answer.task.quote.citation
    unbroken = Answerer(seed_searcher, AnswerSettings(dead_heat=1.01)).answer(question)
    assert unbroken.task.lead != ["Sở Tư pháp"]  # without the tie-break, the general Điều 4 answers


def test_thresholds_are_what_decide(seed_searcher):
    question = "Mức lương cơ sở năm 2024 là bao nhiêu?"
    strict = Answerer(seed_searcher, AnswerSettings(decline_below=0.45)).answer(question)
    coverage_only = Answerer(seed_searcher, AnswerSettings(decline_below=0.0, partial_coverage=0.0)).answer(question)
    meaning_too = Answerer(seed_searcher, AnswerSettings(decline_below=0.0)).answer(question)
    assert strict.status == Status.DECLINED and coverage_only.status == Status.ANSWERED
    assert meaning_too.status == Status.DECLINED  # partial coverage, and far from the question in meaning
    assert strict.confidence == coverage_only.confidence < 0.45


def test_decision_cited_before_the_news_retelling(answerer):
    answer = answerer.answer("Hình thức phối hợp trong thực hiện nhiệm vụ cải cách hành chính ở Kiên Giang là gì?")
    assert answer.primary.doc_id == "kg-925-2018"
    assert "Thông qua các cuộc họp" in answer.primary.text
    assert answer.secondary_news is None or answer.secondary_news.doc_id == "kg-tin-quy-che-2018"
    assert all(not q.is_news for q in answer.more_sources)


@pytest.mark.parametrize("raw", ["", "   ", "???", "<b></b>", "x" * 10_000])
def test_bad_input_gets_a_clear_message(answerer, raw):
    answer = answerer.answer(raw)
    assert answer.status == Status.INVALID and answer.message
    for message in render_telegram(answer):
        assert telegram_html_problems(message) == [] and len(message) <= 4096


def test_html_in_question_is_text(answerer):
    answer = answerer.answer(
        "<script>alert(1)</script> Ai chủ trì <b>đề án</b> xây dựng chính quyền điện tử tỉnh Quảng Ngãi?"
    )
    assert answer.task.lead == ["Sở Thông tin và Truyền thông"]
    assert "<script>" not in answer.question


def test_ambiguity_across_two_provinces(seeds_plus):
    def add_files(corpus: Path) -> None:
        (corpus / "binh-dinh-iso.md").write_text(
            "---\nid: bd-iso-2019\nso_hieu: 120/QĐ-UBND\nloai: Quyết định (kèm Quy chế)\nngay_ban_hanh: 2019-03-01\n"
            "co_quan_ban_hanh: Chủ tịch Ủy ban nhân dân tỉnh Bình Định\ntinh: Bình Định\n"
            "trich_yeu: Ban hành Quy chế áp dụng hệ thống quản lý chất lượng trên địa bàn tỉnh Bình Định\n---\n"
            "QUYẾT ĐỊNH:\nĐiều 1. Ban hành kèm theo Quyết định này Quy chế.\nĐiều 2. Quyết định có hiệu lực từ ngày ký./.\n"
            "QUY CHẾ\nÁp dụng hệ thống quản lý chất lượng\n(Ban hành kèm theo Quyết định số 120/QĐ-UBND)\n"
            "Điều 1. Trách nhiệm của Sở Khoa học và Công nghệ\n"
            "1. Tổ chức thực hiện và kiểm tra việc xây dựng, áp dụng, duy trì và cải tiến Hệ thống quản lý chất lượng "
            "theo tiêu chuẩn TCVN ISO 9001 vào hoạt động của các cơ quan hành chính nhà nước trên địa bàn tỉnh.\n"
            "Điều 2. Trách nhiệm của các sở, ban, ngành\nPhối hợp với Sở Khoa học và Công nghệ áp dụng ISO 9001./.\n",
            encoding="utf-8",
        )

    answerer = seeds_plus(add_files)
    answer = answerer.answer(
        "Sở nào tổ chức thực hiện việc áp dụng hệ thống quản lý chất lượng ISO 9001 trong các cơ quan hành chính?"
    )
    provinces = {answer.task.quote.province, *(item.quote.province for item in answer.by_province)}
    assert provinces == {"Kiên Giang", "Bình Định"}
    assert all(item.lead == ["Sở Khoa học và Công nghệ"] for item in [answer.task, *answer.by_province])
    text = render_text(answer)
    assert "Bình Định" in text and "Kiên Giang" in text and "120/QĐ-UBND" in text and "925/QĐ-UBND" in text
    named = answerer.answer("Ở Bình Định, sở nào tổ chức thực hiện việc áp dụng ISO 9001?")
    assert not named.by_province and named.task.quote.province == "Bình Định"


def test_official_text_before_a_qa_article_that_words_it_like_the_question(seeds_plus):
    """Issue 10 item 4: a Q&A article is cited after the regulation, and labelled when it is quoted."""
    kinds = Path(__file__).parents[1] / "fixtures" / "kinds"

    def add_files(corpus: Path) -> None:
        for name in ("hoi-dap-quy-che-phoi-hop.txt", "hoi-dap-mot-cua.txt", "bach-khoa-cai-cach-hanh-chinh.txt"):
            shutil.copy(kinds / name, corpus / name)

    answerer = seeds_plus(add_files)

    answer = answerer.answer(
        "Theo quy chế phối hợp cải cách hành chính của tỉnh Kiên Giang, cơ quan nào có trách nhiệm chủ trì, "
        "phối hợp với các sở, ban, ngành liên quan trong việc thực hiện nhiệm vụ cải cách hành chính?"
    )
    main = answer.task.quote if answer.task else answer.primary
    assert main.doc_id == "kg-925-2018" and main.kind == "official"
    assert all("không phải văn bản quy định" in q.citation for q in answer.more_sources if q.kind == "qa")

    only_qa = answerer.answer(
        "Hồ sơ thủ tục hành chính nộp trực tuyến chưa đầy đủ thì cán bộ tiếp nhận hướng dẫn bổ sung, hoàn thiện "
        "hồ sơ trong thời hạn bao lâu?"
    )
    assert only_qa.status == Status.ANSWERED
    assert only_qa.primary.kind == "qa" and "bài hỏi đáp" in only_qa.primary.citation
    assert any("bài hỏi đáp" in note and "không phải văn bản quy định" in note for note in only_qa.status_notes)
    assert "không phải văn bản quy định" in render_text(only_qa)
