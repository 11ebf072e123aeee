"""Experiment: e5-small adapted to our material, scored on the natural questions of the laws.

    python -m eval.adapt_e5 train --out /tmp/e5-adapted [--steps 300] [--lr 2e-5] [--pairs corpus|questions|alqac]
    python -m eval.adapt_e5 score --model /tmp/e5-adapted [--model <converted default model dir>]
    python -m eval.adapt_e5 bylaw --work /tmp/e5-folds [--folds 3]

``train`` fine-tunes the converted default model with in-batch negatives. ``--pairs corpus`` (the
default) makes pairs from the product's own corpus only (the real documents, the seeds and the
samples): an article's title with its body, and a sentence with the rest of its passage (the
inverse cloze task); it did not help. ``--pairs questions`` uses the development question sets
(``natural_laws`` and ALQAC 2022) with their gold articles; ``natural_laws_holdout`` stays out.
``--pairs alqac`` uses ALQAC 2022 alone, so that the natural questions measure whether supervision
by statement-like questions carries over to questions asked as people ask them.
``score`` embeds the laws' passages as the index does and prints dense MRR@10 of each model on the
natural, held-out natural and ALQAC questions. ``bylaw`` trains one model per fold of laws on the
other laws' questions and scores the natural questions of the fold's laws with it: whether question
supervision carries over to a law no question was written about. The product does not ship an adapted model yet
(see the README for the figures and what shipping one would take).
"""

from __future__ import annotations

import argparse
import random
import re
import time
from pathlib import Path

import numpy as np

from corpus.loader import load_corpus
from corpus.models import Chunk
from eval.judge import GoldQuestion, is_relevant, load_questions
from eval.ranker_data import EVAL_DIR, REPO, SHARED, env_offline, metrics
from index.builder import passage_text
from index.e5_convert import PROMPTS, ensure_default_model

_ARTICLE = re.compile(r"^\s*Điều\s+\d+[a-zđ]?\s*[.:]\s*(.+)$", re.IGNORECASE)
_SENTENCE = re.compile(r"(?<=[.;:!?])\s+|\n+")
TRAIN_CORPORA = (SHARED / "realdocs" / "documents", REPO / "corpus" / "documents", SHARED / "samples")
MIN_TITLE_WORDS = 3
SENTENCE_WORDS = (8, 40)
ALQAC = SHARED / "extbench" / "dev_alqac2022.jsonl"
QUESTION_SETS = (EVAL_DIR / "natural_laws.jsonl", ALQAC)
PAIR_SETS = {"questions": QUESTION_SETS, "alqac": (ALQAC,)}


def training_pairs(chunks: list[Chunk], seed: int = 13) -> list[tuple[str, str]]:
    """(query, passage) pairs: an article's title with its body, a sentence with the rest of its passage."""
    rng = random.Random(seed)
    pairs: list[tuple[str, str]] = []
    for chunk in chunks:
        title = _ARTICLE.match(chunk.heading or "")
        if title and len(title.group(1).split()) >= MIN_TITLE_WORDS and len(chunk.text.split()) > 30:
            body = "\n".join(line for line in chunk.text.splitlines() if line.strip() != chunk.heading.strip())
            pairs.append((title.group(1).strip(), body))
        sentences = [s.strip() for s in _SENTENCE.split(chunk.text)]
        sentences = [s for s in sentences if SENTENCE_WORDS[0] <= len(s.split()) <= SENTENCE_WORDS[1]]
        if len(sentences) >= 3:
            sentence = rng.choice(sentences)
            pairs.append((sentence, passage_text(chunk).replace(sentence, " ")))
    rng.shuffle(pairs)
    return pairs


def pair_up(chunks: list[Chunk], questions: list[GoldQuestion]) -> list[tuple[str, str]]:
    """(question, first gold passage) for every question whose gold passage is among ``chunks``.

    Shuffled with a fixed seed, so that a batch mixes laws and sets and every run trains alike.
    """
    by_doc: dict[str, list[Chunk]] = {}
    for chunk in chunks:
        by_doc.setdefault(chunk.doc_id, []).append(chunk)
    pairs = []
    for gold in questions:
        found = [c for c in by_doc.get(gold.doc or "", []) if is_relevant(c.doc_id, c.text, gold)]
        if found:
            pairs.append((gold.question, passage_text(found[0])))
    random.Random(13).shuffle(pairs)
    return pairs


def question_pairs(chunks: list[Chunk], sets: tuple[Path, ...] = QUESTION_SETS) -> list[tuple[str, str]]:
    """(question, gold passage) pairs of the development question sets (never the held-out one)."""
    return pair_up(chunks, [q for path in sets for q in load_questions(path)])


def make_pairs(source: str) -> list[tuple[str, str]]:
    """The training pairs ``--pairs`` names: the corpus's own, or a question set's with its gold passages."""
    if source in PAIR_SETS:
        return question_pairs(load_corpus(SHARED / "extbench" / "laws").chunks, PAIR_SETS[source])
    return training_pairs([c for d in TRAIN_CORPORA if d.exists() for c in load_corpus(d).chunks])


def train(out: Path, pairs: list[tuple[str, str]], steps: int, lr: float, batch: int, cache_dir: Path) -> None:
    """Fine-tune with MultipleNegativesRankingLoss in a plain loop (no trainer extras to install)."""
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.losses import MultipleNegativesRankingLoss

    print(f"{len(pairs)} pairs", flush=True)
    model = SentenceTransformer(str(ensure_default_model(cache_dir)), device="cpu")
    model.max_seq_length = 192
    loss_fn = MultipleNegativesRankingLoss(model, scale=50.0)
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    warm = max(1, steps // 10)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: min(1.0, (s + 1) / warm) * (steps - s) / steps)
    model.train()
    started = time.perf_counter()
    for step in range(steps):
        chosen = pairs[(step * batch) % len(pairs) :][:batch]
        queries = model.preprocess([PROMPTS["query"] + q for q, _ in chosen])
        passages = model.preprocess([PROMPTS["passage"] + p for _, p in chosen])
        loss = loss_fn([queries, passages], None)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        schedule.step()
        optimizer.zero_grad()
        if step % 20 == 0:
            print(f"step {step} loss {loss.item():.3f} ({time.perf_counter() - started:.0f} s)", flush=True)
    model.eval()
    model.save(str(out))
    print(f"saved {out} after {time.perf_counter() - started:.0f} s of training")


def dense_ranks(model, chunks: list[Chunk], questions: list[GoldQuestion]) -> list[int | None]:
    """Rank of the first relevant passage in each question's top 10, passages embedded as the index embeds them."""
    model.max_seq_length = 256
    passages = model.encode([PROMPTS["passage"] + passage_text(c) for c in chunks], batch_size=32,
                            normalize_embeddings=True)  # fmt: skip
    vectors = model.encode([PROMPTS["query"] + q.question for q in questions], normalize_embeddings=True)
    ranks = []
    for row, gold in zip(vectors @ passages.T, questions, strict=True):
        top = [chunks[j] for j in np.argsort(-row)[:10]]
        ranks.append(next((k for k, c in enumerate(top, start=1) if is_relevant(c.doc_id, c.text, gold)), None))
    return ranks


def score(model_dir: str) -> dict[str, float]:
    """Dense MRR@10 on the laws' natural and ALQAC questions."""
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(model_dir, device="cpu")
    chunks = load_corpus(SHARED / "extbench" / "laws").chunks
    sets = {"natural_laws": EVAL_DIR / "natural_laws.jsonl",
            "natural_laws_holdout": EVAL_DIR / "natural_laws_holdout.jsonl", "alqac2022": ALQAC}  # fmt: skip
    questions = {name: [q for q in load_questions(path) if q.doc] for name, path in sets.items()}
    ranks = dense_ranks(model, chunks, [q for qs in questions.values() for q in qs])
    out: dict[str, float] = {}
    for name, qs in questions.items():
        out[name], ranks = metrics(ranks[: len(qs)])["mrr@10"], ranks[len(qs) :]
    return out


def law_folds(questions: list[GoldQuestion], laws: list[str], folds: int) -> dict[str, int]:
    """Each law in one fold, the folds holding about as many questions (largest law first, to the lightest fold)."""
    count = {law: sum(q.doc == law for q in questions) for law in laws}
    load = [0] * folds
    out: dict[str, int] = {}
    for law in sorted(laws, key=lambda law: (-count[law], law)):
        out[law] = load.index(min(load))
        load[out[law]] += count[law]
    return out


def by_law(folds: int, work: Path, cache_dir: Path) -> tuple[list[int | None], list[int | None]]:
    """Dense ranks of the natural questions by the base model and by models blind to the question's law.

    Each fold's model is trained on the natural and ALQAC questions of the other folds' laws (three
    passes), as the ranker's cross-validation holds out whole documents.
    """
    from sentence_transformers import SentenceTransformer

    chunks = load_corpus(SHARED / "extbench" / "laws").chunks
    natural = [q for q in load_questions(EVAL_DIR / "natural_laws.jsonl") if q.doc]
    asked = natural + [q for q in load_questions(ALQAC) if q.doc]
    fold_of = law_folds(natural, sorted({c.doc_id for c in chunks}), folds)
    base = dense_ranks(SentenceTransformer(str(ensure_default_model(cache_dir)), device="cpu"), chunks, natural)
    print(f"base {metrics(base)}", flush=True)
    blind: list[int | None] = [None] * len(natural)
    for fold in range(folds):
        pairs = pair_up(chunks, [q for q in asked if fold_of[q.doc or ""] != fold])
        out = work / f"fold{fold}"
        train(out, pairs, max(1, 3 * len(pairs) // 32), 2e-5, 32, cache_dir)
        held = [i for i, q in enumerate(natural) if fold_of[q.doc or ""] == fold]
        ranks = dense_ranks(SentenceTransformer(str(out), device="cpu"), chunks, [natural[i] for i in held])
        for i, rank in zip(held, ranks, strict=True):
            blind[i] = rank
        print(f"fold {fold}: base {metrics([base[i] for i in held])}, blind to the law {metrics(ranks)}", flush=True)
    return base, blind


def main(argv: list[str] | None = None) -> int:
    """Train an adapted model, or print dense MRR@10 of one or more models."""
    parser = argparse.ArgumentParser(prog="python -m eval.adapt_e5")
    sub = parser.add_subparsers(dest="command", required=True)
    t = sub.add_parser("train")
    t.add_argument("--out", required=True)
    t.add_argument("--steps", type=int, default=300)
    t.add_argument("--lr", type=float, default=2e-5)
    t.add_argument("--batch", type=int, default=32)
    t.add_argument("--pairs", choices=("corpus", *PAIR_SETS), default="corpus", help="see the module docstring")
    s = sub.add_parser("score")
    s.add_argument("--model", action="append", required=True, help="a sentence-transformers directory (repeat)")
    b = sub.add_parser("bylaw")
    b.add_argument("--folds", type=int, default=3)
    b.add_argument("--work", required=True, help="where the fold models are written")
    for p in (t, s, b):
        p.add_argument("--cache-dir", default=str(Path.home() / ".cache" / "tracuu" / "models"))
    args = parser.parse_args(argv)
    env_offline()
    if args.command == "train":
        train(Path(args.out), make_pairs(args.pairs), args.steps, args.lr, args.batch, Path(args.cache_dir))
        return 0
    if args.command == "bylaw":
        base, blind = by_law(args.folds, Path(args.work), Path(args.cache_dir))
        print(f"natural_laws dense: base {metrics(base)}, blind to the law {metrics(blind)}")
        return 0
    for model in args.model:
        print(model, score(model), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
