"""Training pairs of the adaptation experiment, made from a real seed document."""

from pathlib import Path

from corpus.loader import load_document
from eval.adapt_e5 import training_pairs

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
