"""Metrics of a run: one JSON object per line in ``metrics.jsonl``, and a PNG of the curves."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def append_metrics(path: Path, record: dict[str, Any]) -> None:
    """Append one record (must hold ``step`` and ``split``) to the JSONL log."""
    with open(path, "a") as fh:
        fh.write(json.dumps(record) + "\n")


def read_metrics(path: Path) -> list[dict[str, Any]]:
    """All records of a JSONL log, in order; a missing log reads as empty."""
    if not Path(path).exists():
        return []
    return [json.loads(line) for line in Path(path).read_text().splitlines() if line.strip()]


def truncate_after(path: Path, step: int) -> None:
    """Drop records past ``step``, so a resumed run does not log a step twice."""
    records = [r for r in read_metrics(path) if r["step"] <= step]
    Path(path).write_text("".join(json.dumps(r) + "\n" for r in records))


def plot_curves(path: Path, out_png: Path) -> None:
    """Draw every numeric metric against the step, one panel per metric, train and val."""
    import matplotlib

    matplotlib.use("Agg")  # no display on servers and CI
    import matplotlib.pyplot as plt

    records = read_metrics(path)
    series: dict[str, dict[str, tuple[list[int], list[float]]]] = {}
    for r in records:
        for key, value in r.items():
            if key in ("step", "split") or not isinstance(value, (int, float)):
                continue
            xs, ys = series.setdefault(key, {}).setdefault(r["split"], ([], []))
            xs.append(r["step"])
            ys.append(value)
    if not series:
        return
    names = sorted(series)
    cols = 3
    rows = (len(names) + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(4 * cols, 2.8 * rows), squeeze=False)
    for ax, name in zip(axes.flat, names):
        for split, (xs, ys) in series[name].items():
            ax.plot(xs, ys, marker="." if split != "train" else None, label=split)
        ax.set_title(name, fontsize=9)
        ax.set_xlabel("step", fontsize=8)
        ax.legend(fontsize=7)
    for ax in list(axes.flat)[len(names):]:
        ax.axis("off")
    fig.tight_layout()
    fig.savefig(out_png, dpi=90)
    plt.close(fig)
