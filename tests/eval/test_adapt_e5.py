"""Training pairs of the adaptation experiment, made from a real seed document."""

from pathlib import Path

import pytest

from corpus.loader import load_document
from eval.adapt_e5 import ALQAC, PAIR_SETS, QUESTION_SETS, law_folds, question_pairs, training_pairs
from eval.judge import load_questions

SEED = Path(__file__).resolve().parents[2] / "corpus" / "documents" / "kien-giang-qd-925-quy-che-phoi-hop-cchc.md"


def test_titles_pair_with_bodies_and_sentences_with_the_rest() -> None:
    chunks = load_document(SEED).chunks
    pairs = training_pairs(chunks)
    queries = [q for q, _ in pairs]
    assert "Trách nhiệm của Sở Tư pháp" in queries
    body = dict(pairs)["Trách nhiệm của Sở Tư pháp"]
    assert "cải cách thể chế" in body and "Trách nhiệm của Sở Tư pháp" not in body
    titles = {c.heading.split(". ", 1)[-1] for c in chunks}
    cloze = [(q, p) for q, p in pairs if q not in titles]
    assert cloze and all(q not in p for q, p in cloze)
    assert training_pairs(chunks) == pairs  # seeded: the same pairs every run


def test_question_pairs_take_the_gold_article_and_never_the_held_out_set() -> None:
    law = Path(__file__).resolve().parents[2].parent / "shared" / "extbench" / "laws" / "luat-cu-tru.md"
    if not law.exists():
        pytest.skip("../shared/extbench is not beside the repository")
    pairs = question_pairs(load_document(law).chunks)
    asked = {q.question: q for q in load_questions(QUESTION_SETS[0]) if q.doc == "luat-cu-tru"}
    assert pairs and {q for q, _ in pairs} <= set(asked)
    assert all(asked[q].quotes[0] in passage for q, passage in pairs)
    assert all("holdout" not in path.name for path in QUESTION_SETS)


def test_alqac_pairs_leave_the_natural_questions_unseen() -> None:
    law = Path(__file__).resolve().parents[2].parent / "shared" / "extbench" / "laws" / "luat-an-ninh-mang.md"
    if not law.exists():
        pytest.skip("../shared/extbench is not beside the repository")
    chunks = load_document(law).chunks
    pairs = question_pairs(chunks, PAIR_SETS["alqac"])
    alqac = {q.question for q in load_questions(ALQAC) if q.doc == "luat-an-ninh-mang"}
    natural = {q.question for q in load_questions(QUESTION_SETS[0])}
    assert pairs and {q for q, _ in pairs} <= alqac
    assert not {q for q, _ in pairs} & natural
    assert len(question_pairs(chunks, PAIR_SETS["questions"])) >= len(pairs)


def test_each_law_falls_in_one_fold_and_the_folds_hold_about_as_many_questions() -> None:
    questions = load_questions(QUESTION_SETS[0])
    laws = sorted({q.doc for q in questions if q.doc})
    fold_of = law_folds(questions, laws, 3)
    assert set(fold_of) == set(laws) and set(fold_of.values()) == {0, 1, 2}
    per_fold = [sum(fold_of.get(q.doc or "") == f for q in questions if q.doc) for f in range(3)]
    assert max(per_fold) - min(per_fold) <= max(sum(q.doc == law for q in questions) for law in laws)
