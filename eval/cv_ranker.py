"""Cross-validated figures of the learned ranker next to each single mode, and the ablation table.

    python -m eval.cv_ranker [--folds 5] [--no-ablation] [--json cv.json] [--report cv.md]

Folds are by gold document: a question is ranked by a model trained on questions about other
documents only (laws, realdocs and seeds alike), in both its accented and its accent-stripped form.
bm25, dense and rrf are the product's own modes on the same questions; no figure here comes from a
model that saw the question's document.
"""

from __future__ import annotations

import argparse
import json
import logging
import time
from pathlib import Path

from eval.ranker_data import (
    BASELINES,
    COLUMNS,
    FOLDS,
    ablations,
    cross_validate,
    default_sets,
    env_offline,
    load_all,
    metrics,
)
from index.features import FEATURES

MODES = (*BASELINES, "learned")
ABLATION_ROUNDS = 150


def results_table(sets: list, learned: dict) -> tuple[str, dict]:
    """Per set and variant: MRR@10 and Hit@1 of bm25, dense, rrf and the cross-validated ranker."""
    out: dict = {}
    header = f"{'set':<18}{'variant':<10}{'n':>5}  " + "".join(f"{m + ' MRR/Hit1':>18}" for m in MODES)
    lines = [header, "-" * len(header)]
    for s in sets:
        row = {m: metrics(s.baselines[m]) for m in BASELINES}
        row["learned"] = metrics(learned[(s.name, s.variant)])
        out.setdefault(s.name, {})[s.variant] = row
        cells = "".join(f"{row[m]['mrr@10']:>11.3f} {row[m]['hit@1']:.3f}" for m in MODES)
        lines.append(f"{s.name:<18}{s.variant:<10}{len(s.ids):>5}  {cells}")
    return "\n".join(lines), out


def ablation_table(rows: dict[str, dict]) -> str:
    """MRR@10 per set (accented / stripped) with each signal removed."""
    names = list(next(iter(rows.values())))
    header = f"{'signals':<34}" + "".join(f"{n[:16]:>18}" for n in names)
    lines = [header, f"{'':<34}" + "".join(f"{'acc / strip':>18}" for _ in names), "-" * len(header)]
    for label, per_set in rows.items():
        cells = "".join(f"{per_set[n]['accented']:>10.3f} /{per_set[n]['stripped']:.3f}" for n in names)
        lines.append(f"{label:<34}{cells}")
    return "\n".join(lines)


def _mrr_by_set(sets: list, learned: dict) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for s in sets:
        out.setdefault(s.name, {})[s.variant] = metrics(learned[(s.name, s.variant)])["mrr@10"]
    return out


def main(argv: list[str] | None = None) -> int:
    """Print the cross-validated table and (unless --no-ablation) the ablation table."""
    parser = argparse.ArgumentParser(prog="python -m eval.cv_ranker")
    parser.add_argument("--data-dir", default="data", help="where evaluation indexes and the feature cache live")
    parser.add_argument("--folds", type=int, default=FOLDS)
    parser.add_argument("--sets", help="comma-separated subset of set names")
    parser.add_argument("--realdocs-subset", help="index only the realdocs documents listed in this file")
    parser.add_argument("--no-ablation", action="store_true")
    parser.add_argument("--no-rewrite-ablation", action="store_true", help="skip the run without synonyms.tsv")
    parser.add_argument("--json", help="write every figure as JSON")
    parser.add_argument("--report", help="write a Markdown report with a chart beside it")
    args = parser.parse_args(argv)
    env_offline()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    chosen = default_sets(Path(args.realdocs_subset) if args.realdocs_subset else None)
    if args.sets:
        wanted = set(args.sets.split(","))
        chosen = [s for s in chosen if s.name in wanted]
    data_root = Path(args.data_dir)
    started = time.perf_counter()
    sets = load_all(chosen, data_root)
    print(f"features ready in {time.perf_counter() - started:.0f} s ({len(COLUMNS)} of {len(FEATURES)} features used)")
    started = time.perf_counter()
    learned = cross_validate(sets, COLUMNS, folds=args.folds)
    table, figures = results_table(sets, learned)
    print(f"\nCross-validated, {args.folds} folds by gold document ({time.perf_counter() - started:.0f} s)")
    print(table)
    result: dict = {"folds": args.folds, "features": COLUMNS, "sets": figures}
    if not args.no_ablation:
        # Half the rounds at twice the learning rate, so that eleven cross-validations fit a shared machine.
        fast = {"rounds": ABLATION_ROUNDS, "params": {"learning_rate": 0.1}}
        rows: dict[str, dict] = {}
        for label, (columns, drop) in ablations().items():
            rows[label] = _mrr_by_set(sets, cross_validate(sets, columns, drop, folds=args.folds, **fast))
        if not args.no_rewrite_ablation:
            plain = load_all(chosen, data_root, rewrite=False, baselines=False)
            rows["- question rewriting (synonyms.tsv)"] = _mrr_by_set(
                plain, cross_validate(plain, COLUMNS, folds=args.folds, **fast)
            )
        print(f"\nAblation: MRR@10, cross-validated ({ABLATION_ROUNDS} rounds at rate 0.1), one signal removed")
        print(ablation_table(rows))
        result["ablation"] = rows
    if args.json:
        Path(args.json).write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    if args.report:
        from eval.report import write_cv_report

        chart = write_cv_report(result, Path(args.report))
        print(f"Báo cáo: {args.report} (biểu đồ {chart})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
