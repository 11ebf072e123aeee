import json
import shutil

import pytest

from tests.conftest import FIXTURES
from tracuu.cli import eval_data_dir, main
from tracuu.settings import Settings


def test_corpus_table(capsys):
    assert main(["corpus"]) == 0
    out = capsys.readouterr().out
    assert "kg-925-2018" in out and "925/QĐ-UBND" in out and "Quảng Ngãi" in out


def test_corpus_show_json_prints_chunks(capsys):
    assert main(["corpus", "show", "kg-925-2018", "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(rows) == 19
    assert rows[8]["path"] == ["Quy chế", "Chương II", "Điều 5"]


def test_corpus_show_tree(capsys):
    assert main(["corpus", "show", "qn-2548-2017"]) == 0
    out = capsys.readouterr().out
    assert "[instrument]" in out and "Điểm p khoản 2 Mục II" in out


def test_unknown_document(capsys):
    assert main(["corpus", "show", "khong-co"]) == 2
    assert "kg-925-2018" in capsys.readouterr().err


def test_tasks_filtered_by_agency(capsys):
    assert main(["tasks", "--agency", "So Tu phap", "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert rows and all(any("Tư pháp" in a["name"] for a in r["lead"]) for r in rows)


def test_other_corpus_and_problems(capsys):
    assert main(["--corpus", str(FIXTURES / "bad"), "corpus"]) == 0
    out = capsys.readouterr().out
    assert "Không nạp được" in out and "rong.txt" in out


def test_start_prints_documents_and_tasks(capsys):
    assert main(["start"]) == 0
    out = capsys.readouterr().out
    assert "Chủ trì" in out and "Sở Tư pháp" in out


def test_bot_without_token_is_a_clear_error(capsys, monkeypatch):
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    assert main(["bot"]) == 1
    assert "TELEGRAM_BOT_TOKEN" in capsys.readouterr().err


def test_coverage_report_in_text_and_json(shared, capsys):
    samples = str(shared / "samples")
    assert main(["--corpus", samples, "corpus", "--report"]) == 0
    assert "Tổng: 3 văn bản" in capsys.readouterr().out
    assert main(["--corpus", samples, "corpus", "--report", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    totals = report["totals"]
    assert totals["documents"] == len(report["documents"]) == 3
    assert totals["kept_long_lines"] == totals["long_lines"] and totals["records"] > 50
    assert 0.0 <= totals["missed_share"] <= 1.0


@pytest.mark.slow
def test_eval_of_another_corpus_leaves_the_main_index_alone(tmp_path, capsys):
    """`--data-dir` names the product's data dir: an evaluated corpus gets its own index under it."""
    from corpus.loader import BUNDLED_CORPUS

    other = tmp_path / "other"
    shutil.copytree(BUNDLED_CORPUS, other)
    data = tmp_path / "data"
    assert main(["--data-dir", str(data), "eval", "--corpus", str(other), "--modes", "bm25", "--no-answers"]) == 0
    assert "bm25" in capsys.readouterr().out
    assert not (data / "current").exists()
    assert [p.parent.name for p in (data / "eval").glob("*/current")] == [eval_data_dir(Settings(), other).name]
