"""Train the shipped ranker on every question set, both with and without diacritics.

    python -m eval.train_ranker [--data-dir data] [--out index/data/ranker.txt]

Deterministic (fixed seed, row-wise histograms), so the same sets and code give the same file.
The figures to quote are the cross-validated ones of ``python -m eval.cv_ranker``, not this model's
scores on the questions it was trained on.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

import numpy as np

from eval.ranker_data import COLUMNS, default_sets, env_offline, fit, load_all, select, set_weights
from index.ranker import DEFAULT_MODEL_PATH


def main(argv: list[str] | None = None) -> int:
    """Fit on all questions and write the LightGBM text model."""
    parser = argparse.ArgumentParser(prog="python -m eval.train_ranker")
    parser.add_argument("--data-dir", default="data", help="where evaluation indexes and the feature cache live")
    parser.add_argument("--out", default=str(DEFAULT_MODEL_PATH))
    parser.add_argument("--realdocs-subset", help="index only the realdocs documents listed in this file")
    args = parser.parse_args(argv)
    env_offline()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    subset = Path(args.realdocs_subset) if args.realdocs_subset else None
    sets = load_all(default_sets(subset), Path(args.data_dir), baselines=False)
    columns = list(COLUMNS)
    weight_of = set_weights(sets)
    xs, ys, sizes, weights = [], [], [], []
    for s in sets:
        x, y, size, _ = select(s, np.arange(len(s.ids)), columns)
        xs.append(x)
        ys.append(y)
        sizes.append(size)
        weights.append(np.full(len(size), weight_of[s.name]))
    x, y, size, weight = (np.concatenate(a) for a in (xs, ys, sizes, weights))
    booster = fit(x, y, size, columns, weights=weight)
    booster.save_model(args.out)
    questions = sum(len(s.ids) for s in sets)
    print(f"ranker: {questions} questions ({len(sets)} set variants), {len(columns)} features → {args.out}")
    gains = booster.feature_importance("gain")
    for name, gain in sorted(zip(columns, gains, strict=True), key=lambda x: -x[1]):
        print(f"  {name:<16} {gain / gains.sum():.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
