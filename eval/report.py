"""Evaluation output: a terminal table, a Markdown report and a PNG chart comparing the modes."""

from __future__ import annotations

from pathlib import Path

METRICS = ("hit@1", "hit@3", "hit@5", "mrr@10")
ANSWER_METRICS = (
    "lead_accuracy",
    "partners_f1",
    "deadline_accuracy",
    "citation@1",
    "abstain_precision",
    "abstain_recall",
    "in_scope_declined",
    "declined_with_answer_related",
    "oos_with_related",
    "list_recall",
)


def _row(name: str, figures: dict) -> str:
    cells = " ".join(f"{figures.get(m, 0):>7.3f}" for m in METRICS)
    return f"{name:<22} {int(figures.get('n', 0)):>4} {cells}"


def summary_text(result: dict, title: str) -> str:
    """Per mode and per question type: Hit@1/3/5, MRR@10 and search latency."""
    lines = [title, f"{'':<22} {'n':>4} " + " ".join(f"{m:>7}" for m in METRICS)]
    for mode, figures in result["modes"].items():
        lines.append(_row(mode, figures))
        for qtype, sub in figures["by_type"].items():
            lines.append(_row(f"  {qtype}", sub))
        for style, sub in figures.get("by_style", {}).items():
            lines.append(_row(f"  ~{style}", sub))
        lat = figures["latency_ms"]
        lines.append(f"  latency p50 {lat['p50']:.1f} ms, p95 {lat['p95']:.1f} ms")
        if "citation@1" in figures:
            lines.append("  answers: " + ", ".join(f"{k} {figures.get(k)}" for k in ANSWER_METRICS))
    return "\n".join(lines)


def write_chart(result: dict, path: Path, title: str) -> None:
    """Grouped bars: one group per metric, one bar per mode."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    modes = list(result["modes"])
    fig, ax = plt.subplots(figsize=(7, 3.6), dpi=120)
    width = 0.8 / max(len(modes), 1)
    for i, mode in enumerate(modes):
        values = [result["modes"][mode].get(m, 0) for m in METRICS]
        xs = [j + i * width for j in range(len(METRICS))]
        bars = ax.bar(xs, values, width, label=mode)
        ax.bar_label(bars, fmt="%.2f", fontsize=7)
    ax.set_xticks([j + width * (len(modes) - 1) / 2 for j in range(len(METRICS))], METRICS)
    ax.set_ylim(0, 1.08)
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def write_report(result: dict, path: Path, title: str) -> Path:
    """Markdown with the tables and a chart saved beside it (``<name>.png``)."""
    chart = path.with_suffix(".png")
    write_chart(result, chart, title)
    lines = [f"# {title}", "", f"![modes]({chart.name})", ""]
    lines.append("| mode | type | n | " + " | ".join(METRICS) + " |")
    lines.append("|---|---|---|" + "---|" * len(METRICS))
    for mode, figures in result["modes"].items():
        styles = [(f"style: {k}", v) for k, v in figures.get("by_style", {}).items()]
        for qtype, sub in [("all", figures), *figures["by_type"].items(), *styles]:
            lines.append(f"| {mode} | {qtype} | {sub['n']} | " + " | ".join(f"{sub[m]:.3f}" for m in METRICS) + " |")
    lines.append("")
    lines.append("| mode | latency p50 (ms) | latency p95 (ms) |")
    lines.append("|---|---|---|")
    for mode, figures in result["modes"].items():
        lines.append(f"| {mode} | {figures['latency_ms']['p50']} | {figures['latency_ms']['p95']} |")
    if any("citation@1" in f for f in result["modes"].values()):
        lines += [
            "",
            "| mode | type | " + " | ".join(ANSWER_METRICS) + " |",
            "|---|---|" + "---|" * len(ANSWER_METRICS),
        ]
        for mode, figures in result["modes"].items():
            rows = [("all", figures), *figures.get("answers_by_type", {}).items()]
            for qtype, sub in rows:
                lines.append(f"| {mode} | {qtype} | " + " | ".join(str(sub.get(k)) for k in ANSWER_METRICS) + " |")
    for note in result.get("notes", []):
        lines.extend(["", note])
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return chart


CV_MODES = ("bm25", "dense", "rrf", "learned")


def write_cv_chart(result: dict, path: Path) -> None:
    """MRR@10 per set, one bar per mode; hatched bars for the questions typed without diacritics."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(result["sets"])
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.8), dpi=120, sharey=True)
    width = 0.8 / len(CV_MODES)
    for ax, variant in zip(axes, ("accented", "stripped"), strict=True):
        for i, mode in enumerate(CV_MODES):
            values = [result["sets"][n][variant][mode]["mrr@10"] for n in names]
            bars = ax.bar([j + i * width for j in range(len(names))], values, width, label=mode)
            ax.bar_label(bars, fmt="%.2f", fontsize=6)
        ax.set_xticks([j + width * (len(CV_MODES) - 1) / 2 for j in range(len(names))], names, fontsize=7)
        ax.set_ylim(0, 1.08)
        ax.set_title(f"MRR@10, {variant} questions (learned: cross-validated)", fontsize=9)
    axes[0].legend(fontsize=7, loc="lower left")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def write_cv_report(result: dict, path: Path) -> Path:
    """Markdown: per set and variant the four modes, then the ablation table; chart beside it."""
    chart = path.with_suffix(".png")
    write_cv_chart(result, chart)
    lines = [
        "# Learned ranker, cross-validated by gold document",
        "",
        f"{result['folds']} folds; a question is ranked by a model that never saw a question about its document.",
        "",
        f"![sets]({chart.name})",
        "",
        "| set | variant | n | " + " | ".join(f"{m} MRR@10 | {m} Hit@1" for m in CV_MODES) + " |",
        "|---|---|---|" + "---|---|" * len(CV_MODES),
    ]
    for name, variants in result["sets"].items():
        for variant, row in variants.items():
            cells = " | ".join(f"{row[m]['mrr@10']:.3f} | {row[m]['hit@1']:.3f}" for m in CV_MODES)
            lines.append(f"| {name} | {variant} | {row['learned']['n']} | {cells} |")
    if "ablation" in result:
        names = list(result["sets"])
        lines += ["", "## Ablation (MRR@10, accented / stripped)", ""]
        lines.append("| signals | " + " | ".join(names) + " |")
        lines.append("|---|" + "---|" * len(names))
        for label, per_set in result["ablation"].items():
            cells = " | ".join(f"{per_set[n]['accented']:.3f} / {per_set[n]['stripped']:.3f}" for n in names)
            lines.append(f"| {label} | {cells} |")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return chart
