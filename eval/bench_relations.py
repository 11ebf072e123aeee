"""Precision and recall of the relation extractor on the hand-labelled clauses of eval/relations.jsonl.

    python -m eval.bench_relations [--gold eval/relations.jsonl] [--shared ../shared] [--details]

A predicted relation counts as right when (document, relation, số hiệu of the target) matches a
gold one, the number normalised as ``corpus.relations.normalize_so_hieu`` does. Documents come from
the bundled seeds (ids from front matter), ``shared/samples/<id>.txt`` and
``shared/realdocs/documents/<id>.md``. Lines whose relation is 'none' mark documents without such a
clause: anything predicted there is a false positive.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _documents(ids: set[str], shared: Path) -> dict[str, object]:
    from corpus.loader import BUNDLED_CORPUS, load_corpus, load_document

    out: dict[str, object] = {}
    for loaded in load_corpus(BUNDLED_CORPUS).documents:
        if loaded.document.id in ids:
            out[loaded.document.id] = loaded
    for doc_id in sorted(ids - set(out)):
        for path in (shared / "samples" / f"{doc_id}.txt", shared / "realdocs" / "documents" / f"{doc_id}.md"):
            if path.exists():
                out[doc_id] = load_document(path)
                break
    return out


def _score(gold: set[tuple], predicted: set[tuple]) -> dict[str, object]:
    tp = len(gold & predicted)
    p = tp / len(predicted) if predicted else 1.0
    r = tp / len(gold) if gold else 1.0
    return {
        "gold": len(gold),
        "predicted": len(predicted),
        "correct": tp,
        "precision": round(p, 3),
        "recall": round(r, 3),
    }


def _table(title: str, gold: set[tuple], predicted: set[tuple]) -> dict[str, dict]:
    from corpus.relations import RELATIONS

    rows = {rel: _score({k for k in gold if k[1] == rel}, {k for k in predicted if k[1] == rel}) for rel in RELATIONS}
    rows["overall"] = _score(gold, predicted)
    print(f"\n{title}")
    print(f"{'relation':<10} {'gold':>5} {'pred':>5} {'right':>5} {'precision':>9} {'recall':>7}")
    for name, s in rows.items():
        counts = f"{s['gold']:>5} {s['predicted']:>5} {s['correct']:>5}"
        print(f"{name:<10} {counts} {s['precision']:>9.3f} {s['recall']:>7.3f}")
    return rows


def main(argv: list[str] | None = None) -> int:
    """Run the extractor over the gold documents and print the figures."""
    parser = argparse.ArgumentParser(prog="python -m eval.bench_relations")
    parser.add_argument("--gold", default=str(REPO / "eval" / "relations.jsonl"))
    parser.add_argument("--shared", default=str(REPO.parent / "shared"))
    parser.add_argument("--details", action="store_true", help="list every miss and false positive")
    parser.add_argument("--json", help="write the figures to this file")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO))
    from corpus.relations import extract_relations, normalize_so_hieu

    rows = [json.loads(line) for line in Path(args.gold).read_text(encoding="utf-8").splitlines() if line.strip()]
    ids = {r["doc"] for r in rows}
    documents = _documents(ids, Path(args.shared))
    missing = sorted(ids - set(documents))
    if missing:
        print(f"documents not found: {', '.join(missing)}", file=sys.stderr)
        return 2
    gold = {(r["doc"], r["relation"], normalize_so_hieu(r["target_so_hieu"])) for r in rows if r["relation"] != "none"}
    predicted: set[tuple] = set()
    quotes: dict[tuple, str] = {}
    for doc_id, loaded in documents.items():
        for rel in extract_relations(loaded.document):
            key = (doc_id, rel.relation, normalize_so_hieu(rel.target_so_hieu))
            predicted.add(key)
            quotes[key] = f"[{rel.where}] {rel.quote[:160]}"
    small = {d for d in ids if not (Path(args.shared) / "realdocs" / "documents" / f"{d}.md").exists()}
    print(f"{len(documents)} documents ({len(small)} seeds and samples), {len(gold)} gold relations")
    result = {
        "all": _table("All labelled documents", gold, predicted),
        "seeds_samples": _table(
            "Seeds and samples", {k for k in gold if k[0] in small}, {k for k in predicted if k[0] in small}
        ),
        "realdocs": _table(
            "realdocs", {k for k in gold if k[0] not in small}, {k for k in predicted if k[0] not in small}
        ),
    }
    if args.details:
        by_doc: dict[str, list[str]] = defaultdict(list)
        for key in sorted(gold - predicted):
            by_doc[key[0]].append(f"  MISSED {key[1]} {key[2]}")
        for key in sorted(predicted - gold):
            by_doc[key[0]].append(f"  WRONG  {key[1]} {key[2]}  {quotes[key]}")
        for doc_id, lines in sorted(by_doc.items()):
            print(f"\n{doc_id}")
            print("\n".join(lines))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
