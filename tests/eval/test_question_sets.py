"""The repo's gold question sets load, have unique ids, and name article headings that exist in the laws."""

from pathlib import Path

import pytest

from eval.judge import load_questions

EVAL = Path(__file__).resolve().parents[2] / "eval"
LAWS = EVAL.parents[1] / "shared" / "extbench" / "laws"
GOLD_SETS = [
    "dev", "realdocs", "realdocs_holdout", "natural_realdocs", "natural_laws", "natural_laws_holdout", "natural_laws_oos"
]  # fmt: skip


@pytest.mark.parametrize("name", GOLD_SETS)
def test_set_loads_with_unique_ids(name: str) -> None:
    questions = load_questions(EVAL / f"{name}.jsonl")
    assert questions and len({q.id for q in questions}) == len(questions)
    assert all(q.question.strip() for q in questions)


@pytest.mark.parametrize("name", ["natural_laws", "natural_laws_holdout"])
def test_law_quotes_are_in_their_law(name: str) -> None:
    if not LAWS.exists():
        pytest.skip("../shared/extbench is not beside the repository")
    texts = {p.stem: p.read_text(encoding="utf-8") for p in LAWS.glob("*.md")}
    missing = [(q.id, quote) for q in load_questions(EVAL / f"{name}.jsonl") for quote in q.quotes
               if quote not in texts.get(q.doc or "", "")]  # fmt: skip
    assert not missing


def test_held_out_articles_are_not_in_the_development_set() -> None:
    pairs = {(q.doc, quote) for q in load_questions(EVAL / "natural_laws.jsonl") for quote in q.quotes}
    held_out = {(q.doc, quote) for q in load_questions(EVAL / "natural_laws_holdout.jsonl") for quote in q.quotes}
    assert not pairs & held_out


def test_natural_out_of_scope_questions_name_no_document_and_repeat_no_in_scope_question() -> None:
    oos = load_questions(EVAL / "natural_laws_oos.jsonl")
    asked = {
        q.question for name in ("natural_laws", "natural_laws_holdout") for q in load_questions(EVAL / f"{name}.jsonl")
    }
    assert oos and all(q.type == "out_of_scope" and q.doc is None and not q.quotes for q in oos)
    assert not {q.question for q in oos} & asked
