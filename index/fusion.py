"""Rank fusion: combine retrievers' rankings into one, as a named, tested component."""

from __future__ import annotations

from collections.abc import Mapping, Sequence


def fuse_rrf(
    rankings: Mapping[str, Sequence[int]], weights: Mapping[str, float] | None = None, k: int = 60
) -> dict[int, float]:
    """Weighted reciprocal-rank fusion: score(d) = Σ_r w_r / (k + rank_r(d)), ranks from 1.

    A retriever with weight 0 is ignored, so a ranking known to be unreliable (dense search on a
    question typed without diacritics) cannot drag the fused ranking down.
    """
    if k <= 0:
        raise ValueError(f"k must be positive, got {k}")
    weights = weights or {}
    fused: dict[int, float] = {}
    for name, ranking in rankings.items():
        w = weights.get(name, 1.0)
        if w < 0:
            raise ValueError(f"weight of {name!r} must be >= 0, got {w}")
        if w == 0:
            continue
        for rank, row in enumerate(ranking, start=1):
            fused[row] = fused.get(row, 0.0) + w / (k + rank)
    return fused
