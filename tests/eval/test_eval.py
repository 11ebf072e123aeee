import json

import pytest

from eval.judge import (
    DEFAULT_QUESTIONS,
    GoldQuestion,
    agency_set,
    is_relevant,
    judge_normalize,
    load_questions,
    named_agency_set,
    strip_diacritics,
)
from tracuu.cli import main


def test_judge_normalisation():
    assert judge_normalize("**Điều 4.**  Cơ quan | chủ trì\n") == "điều 4 cơ quan chủ trì"
    assert strip_diacritics("Ai chủ trì?") == "Ai chu tri?"


def test_relevance_needs_the_document_and_a_quote():
    gold = GoldQuestion(id="x", question="?", type="clause", doc="d", quotes=["theo dõi thi hành pháp luật"])
    assert is_relevant("d", "kế hoạch theo dõi thi hành\npháp luật hàng năm", gold)
    assert not is_relevant("other", "kế hoạch theo dõi thi hành pháp luật", gold)
    assert not is_relevant("d", "kế hoạch rà soát", gold)


def test_agency_sets_compare_after_normalisation():
    assert agency_set(["VP UBND tỉnh", "Sở TT&TT"]) == agency_set(
        ["Văn phòng Ủy ban nhân dân tỉnh", "Sở Thông tin và Truyền thông"]
    )


def test_catch_alls_do_not_decide_a_lead():
    named = ["Sở Tư pháp", "Báo Lai Châu"]
    assert named_agency_set([*named, "các sở, ngành có liên quan"]) == named_agency_set(named)
    assert named_agency_set(named) != named_agency_set(["Sở Tư pháp"])
    assert named_agency_set(["Các cơ quan có liên quan"]) == agency_set(["Các cơ quan có liên quan"])


def test_default_questions_are_the_dev_set():
    questions = load_questions(DEFAULT_QUESTIONS)
    assert len(questions) == 50 and questions[0].id == "d-001"


@pytest.mark.slow
def test_eval_command_outputs(seed_index, tmp_path, capsys):
    out_json, out_md = tmp_path / "r.json", tmp_path / "r.md"
    code = main(["--data-dir", str(seed_index.data_dir), "eval", "--json", str(out_json), "--report", str(out_md)])
    assert code == 0
    printed = capsys.readouterr().out
    assert "learned" in printed and "rrf" in printed and "latency p50" in printed
    result = json.loads(out_json.read_text())
    assert result["meta"]["ranker"] == "ranker.txt"
    for mode in ("bm25", "dense", "rrf", "learned"):
        figures = result["modes"][mode]
        assert {"n", "hit@1", "hit@3", "hit@5", "mrr@10", "by_type", "latency_ms"} <= set(figures)
        assert {"p50", "p95"} == set(figures["latency_ms"])
        assert "lead" in figures["by_type"]
    assert result["modes"]["learned"]["hit@5"] >= 0.9 and result["modes"]["rrf"]["hit@5"] >= 0.9
    first = result["questions"][0]
    assert {"id", "mode", "ranked"} <= set(first) and {"doc", "citation", "text"} <= set(first["ranked"][0])
    assert out_md.read_text().startswith("# tracuu eval") and out_md.with_suffix(".png").stat().st_size > 1000
