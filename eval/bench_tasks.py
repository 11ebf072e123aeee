"""Responsibility records against hand-counted ones: lead precision and recall per document.

    python -m eval.bench_tasks [--gold eval/realdocs_tasks.jsonl] [--docs ../shared/realdocs/documents] [--show]

A gold record is found when a record of the same document was read from text containing the
gold quote and names the same lead agencies (compared as the judge compares agencies). A
record is right when it matches some gold record; the gold lists every responsibility of
its documents, so every other record of those documents counts against precision.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from pydantic import BaseModel

from corpus.loader import load_document
from corpus.models import TaskRecord
from eval.judge import agency_set, judge_normalize

DEFAULT_GOLD = Path(__file__).parent / "realdocs_tasks.jsonl"
DEFAULT_DOCS = Path(__file__).resolve().parents[2] / "shared" / "realdocs" / "documents"


class GoldRecord(BaseModel):
    """One hand-counted responsibility."""

    doc: str
    id: str
    role: str
    quote: str
    lead: list[str]
    partners: list[str] | None = None
    deadline: str | None = None
    shape: str = ""


def load_gold(path: Path) -> list[GoldRecord]:
    """Gold records (summary lines are skipped)."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [GoldRecord.model_validate(r) for r in rows if not r.get("summary")]


def _matches(gold: GoldRecord, record: TaskRecord) -> bool:
    source = judge_normalize(record.evidence or record.task)
    return judge_normalize(gold.quote) in source and agency_set(gold.lead) == agency_set(
        [a.wording for a in record.lead]
    )


def score(gold: list[GoldRecord], docs: Path, show: bool = False) -> dict:
    """Precision, recall and role agreement, per document and in total."""
    by_doc: dict[str, list[GoldRecord]] = {}
    for g in gold:
        by_doc.setdefault(g.doc, []).append(g)
    totals: Counter[str] = Counter()
    per_doc = {}
    for doc_id, items in by_doc.items():
        records = load_document(docs / f"{doc_id}.md").tasks
        found = [g for g in items if any(_matches(g, r) for r in records)]
        right = [r for r in records if any(_matches(g, r) for g in items)]
        roles = [(g, r) for g in items for r in records if _matches(g, r)]
        per_doc[doc_id] = {
            "gold": len(items),
            "records": len(records),
            "recall": round(len(found) / len(items), 3),
            "precision": round(len(right) / len(records), 3) if records else 0.0,
        }
        totals.update(gold=len(items), found=len(found), records=len(records), right=len(right))
        totals.update(role_pairs=len(roles), role_same=sum(1 for g, r in roles if g.role == r.role))
        if show:
            for g in items:
                if g not in found:
                    close = [r for r in records if judge_normalize(g.quote) in judge_normalize(r.evidence or r.task)]
                    got = [[a.wording for a in r.lead] for r in close]
                    print(f"MISSED {g.id} {g.shape} {g.lead} | {g.quote[:70]} | got {got}")
            for r in records:
                if r not in right:
                    print(f"WRONG  {doc_id} {[a.wording for a in r.lead]} | {(r.evidence or r.task)[:90]}")
    return {
        "documents": per_doc,
        "recall": round(totals["found"] / totals["gold"], 4) if totals["gold"] else 0.0,
        "precision": round(totals["right"] / totals["records"], 4) if totals["records"] else 0.0,
        "role_agreement": round(totals["role_same"] / totals["role_pairs"], 4) if totals["role_pairs"] else 0.0,
        "gold": totals["gold"],
        "records": totals["records"],
    }


def main() -> None:
    """Print the figures per document and in total."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    parser.add_argument("--docs", type=Path, default=DEFAULT_DOCS)
    parser.add_argument("--show", action="store_true", help="print missed gold records and wrong records")
    args = parser.parse_args()
    result = score(load_gold(args.gold), args.docs, args.show)
    for doc_id, figures in result["documents"].items():
        print(f"{doc_id}  gold {figures['gold']:3d}  records {figures['records']:3d}  "
              f"recall {figures['recall']:.3f}  precision {figures['precision']:.3f}")  # fmt: skip
    print(
        f"TOTAL gold {result['gold']} records {result['records']}  lead recall {result['recall']:.4f}  "
        f"lead precision {result['precision']:.4f}  role agreement {result['role_agreement']:.4f}"
    )


if __name__ == "__main__":
    main()
