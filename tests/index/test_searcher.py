"""The real hybrid search over the seeds (converted e5 model)."""

import pytest

from index.models import Filters

pytestmark = pytest.mark.slow


def test_lead_question_finds_the_task(seed_searcher):
    result = seed_searcher.search(
        "Ai chủ trì xây dựng kế hoạch theo dõi thi hành pháp luật hàng năm của tỉnh Quảng Ngãi?"
    )
    top = result.hits[0]
    assert top.chunk.id == "qn-2548-2017:kt/muc-ii/khoan-1/diem-c"
    assert set(top.retrievers) == {"words", "folded", "dense"}
    assert result.filters.provinces == ["Quảng Ngãi"]


def test_question_without_diacritics(seed_searcher):
    result = seed_searcher.search(
        "ai chu tri xay dung ke hoach theo doi thi hanh phap luat hang nam cua tinh quang ngai"
    )
    assert result.analysis.restored and "chủ trì" in result.analysis.restored
    assert result.hits[0].chunk.id == "qn-2548-2017:kt/muc-ii/khoan-1/diem-c"


def test_decision_ranks_before_the_news_retelling_it(seed_searcher):
    hits = seed_searcher.search(
        "hình thức phối hợp thông qua các cuộc họp, đóng góp ý kiến về các nội dung văn bản"
    ).hits
    docs = [h.chunk.doc_id for h in hits]
    assert docs[0] == "kg-925-2018"
    assert "kg-tin-quy-che-2018" not in docs or docs.index("kg-925-2018") < docs.index("kg-tin-quy-che-2018")


def test_asking_for_the_news_item_lifts_it(seed_searcher):
    hits = seed_searcher.search("Theo tin bài, quy chế phối hợp có bao nhiêu chương, bao nhiêu điều?").hits
    assert hits[0].chunk.facts.is_news


def test_strict_province_filter(seed_searcher):
    hits = seed_searcher.search("kế hoạch cải cách hành chính", filters=Filters(provinces=["Kiên Giang"])).hits
    assert hits and {h.chunk.facts.tinh for h in hits} <= {"Kiên Giang", None}


@pytest.mark.parametrize("mode", ["bm25", "dense", "rrf", "learned", "hybrid"])
def test_every_mode_returns_ranked_hits(seed_searcher, mode):
    hits = seed_searcher.search("Sở Thông tin và Truyền thông làm đầu mối", mode=mode, k=5).hits
    assert len(hits) == 5 and [h.rank for h in hits] == [1, 2, 3, 4, 5]


def test_unknown_mode_is_refused(seed_searcher):
    with pytest.raises(ValueError, match="bm25, dense, rrf, learned, hybrid"):
        seed_searcher.search("x", mode="fuzzy")


def test_asking_for_the_issuing_decision_ranks_its_articles_first(seed_searcher):
    result = seed_searcher.search(
        "Kế hoạch cải cách hành chính tỉnh Quảng Ngãi năm 2018 được ban hành bằng quyết định nào?"
    )
    assert result.analysis.asks_issuer
    assert result.hits[0].chunk.id.startswith("qn-2548-2017:qd/")
    assert [h.rank for h in result.hits] == list(range(1, len(result.hits) + 1))
