"""Tune YASA spindle thresholds on DREAMS excerpts 1-6 against expert 1, leave-one-out.

For each held-out excerpt, the thresholds with the best mean by-event F1 (IoU >= 0.3)
on the other five are applied to it; the mean of those held-out F1s estimates the
F1 on unseen recordings. Prints YASA's defaults beside it and the thresholds chosen
on all six (the ones ``ScoringConfig`` ships). DREAMS is read from ../shared, never copied.

    .venv/bin/python bench/tune_spindles.py
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np

from sleeplm_core.heads.evaluate import intervals_of
from sleeplm_core.heads.metrics import event_scores
from sleeplm_core.io.load import load_recording
from sleeplm_core.io.scoring import read_scoring
from sleeplm_core.scoring.channels import eeg_labels
from sleeplm_core.scoring.microevents import SpindleConfig, detect_spindles

DREAMS = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "real" / "dreams_spindles"
RATES = {1: 100.0, 2: 200.0, 3: 50.0, 4: 200.0, 5: 200.0, 6: 200.0}
GRID = {"rel_pow": (0.1, 0.15, 0.2, 0.25, 0.3), "corr": (0.5, 0.6, 0.65, 0.7, 0.8),
        "rms": (1.0, 1.25, 1.5, 2.0)}


def _excerpt(i: int):
    rec = load_recording(DREAMS / f"excerpt{i}.txt", sfreq=RATES[i])
    truth = intervals_of(read_scoring(DREAMS / f"Visual_scoring1_excerpt{i}.txt").events, ("spindle",))
    return rec.signals[eeg_labels(rec)[0]], truth


def main() -> None:
    data = {i: _excerpt(i) for i in RATES}
    keys = list(itertools.product(*GRID.values()))
    f1 = np.zeros((len(keys), len(data)))
    for k, (rel, corr, rms) in enumerate(keys):
        cfg = SpindleConfig(thresh={"rel_pow": rel, "corr": corr, "rms": rms})
        for j, (eeg, truth) in enumerate(data.values()):
            found = detect_spindles(eeg, None, cfg)
            f1[k, j] = event_scores([(e.onset, e.offset) for e in found], truth).f1
    default = keys.index((0.2, 0.65, 1.5))
    held = []
    for j, i in enumerate(data):
        rest = [c for c in range(len(data)) if c != j]
        best = int(np.argmax(f1[:, rest].mean(axis=1)))
        held.append(f1[best, j])
        print(f"excerpt {i}: defaults {f1[default, j]:.3f}  tuned on the others {f1[best, j]:.3f} "
              f"{dict(zip(GRID, keys[best]))}")
    print(f"mean by-event F1: YASA defaults {f1[default].mean():.3f}, leave-one-out held-out "
          f"{np.mean(held):.3f}")
    best = int(np.argmax(f1.mean(axis=1)))
    print(f"chosen on all six: {dict(zip(GRID, keys[best]))} (mean F1 {f1[best].mean():.3f})")


if __name__ == "__main__":
    main()
