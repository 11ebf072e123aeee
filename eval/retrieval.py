"""Retrieval evaluation through the product's own search path: Hit@k, MRR@10, latency."""

from __future__ import annotations

import statistics
import time
from collections import defaultdict

from eval.judge import GoldQuestion, is_relevant, strip_diacritics
from index.searcher import Searcher

KS = (1, 3, 5)


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    idx = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[idx]


def _metrics(first_relevant: list[int | None]) -> dict[str, float]:
    """Hit@1/3/5 and MRR@10 from the 1-based rank of the first relevant passage (None: not found)."""
    n = len(first_relevant)
    out: dict[str, float] = {"n": n}
    for k in KS:
        out[f"hit@{k}"] = round(sum(1 for r in first_relevant if r is not None and r <= k) / n, 4) if n else 0.0
    out["mrr@10"] = round(sum(1 / r for r in first_relevant if r is not None and r <= 10) / n, 4) if n else 0.0
    return out


def evaluate_retrieval(
    searcher: Searcher, questions: list[GoldQuestion], modes: list[str], strip: bool = False, k: int = 10
) -> dict:
    """Every figure per mode, per question type and style, and every question's ranked citations."""
    in_scope = [q for q in questions if q.doc]
    result: dict = {"modes": {}, "questions": []}
    for mode in modes:
        ranks: list[int | None] = []
        by_type: dict[str, list[int | None]] = defaultdict(list)
        by_style: dict[str, list[int | None]] = defaultdict(list)
        latencies: list[float] = []
        searcher.search("khởi động", mode=mode, k=1)
        for gold in in_scope:
            question = strip_diacritics(gold.question) if strip else gold.question
            started = time.perf_counter()
            hits = searcher.search(question, mode=mode, k=k).hits
            latencies.append((time.perf_counter() - started) * 1000)
            first = next((h.rank for h in hits if is_relevant(h.chunk.doc_id, h.chunk.text, gold)), None)
            ranks.append(first)
            by_type[gold.type].append(first)
            for style in gold.style:
                by_style[style].append(first)
            result["questions"].append(
                {
                    "id": gold.id,
                    "mode": mode,
                    "question": question,
                    "first_relevant": first,
                    "ranked": [
                        {"doc": h.chunk.doc_id, "citation": h.chunk.citation, "text": h.chunk.text} for h in hits
                    ],
                }
            )
        figures = _metrics(ranks)
        figures["by_type"] = {t: _metrics(r) for t, r in sorted(by_type.items())}
        if by_style:
            figures["by_style"] = {t: _metrics(r) for t, r in sorted(by_style.items())}
        figures["latency_ms"] = {
            "p50": round(statistics.median(latencies), 2) if latencies else 0.0,
            "p95": round(_percentile(latencies, 0.95), 2),
        }
        result["modes"][mode] = figures
    return result
