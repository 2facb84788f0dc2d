"""Does an oximetry model read SpO2 as real oximeters store it?

Synthetic SpO2 is stored at 1-4 Hz with 0.1 % steps. Clinical pulse oximeters usually
store whole percent at 1 Hz, average over a few seconds (which delays a fall) and lose
the signal for seconds when the probe moves. For each unseen synthetic night this prints
the model-only by-event F1 of "oxygen desaturation" and "hypopnea" (IoU >= 0.3, the
model's own operating points) with the night's per-epoch SpO2 as synthesised and then
degraded step by step:

1. rounded to whole percent;
2. held at 1 Hz;
3. averaged over 4 s first (a 2-s delay);
4. with dropouts: 1 % of epochs lose 5-15 s of samples (missing, as ``io.oximetry``
   stores a probe off the finger).

Run: ``nice -n 10 .venv/bin/python bench/oximetry.py [--model assets/models/sleeplm-mini]
[--seeds 901 902] [--hours 4]``. Prints; never asserts.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))

from alignment import localization_f1, open_synthetic, resolve_model, synth  # noqa: E402
from sleeplm_core.heads.night import EmbeddedNight  # noqa: E402

AVERAGING_SAMPLES = 8
"""A 4-s moving average at the 2-Hz per-epoch SpO2 rate."""


def whole_percent(spo2: np.ndarray) -> np.ndarray:
    return np.round(spo2)


def one_hertz(spo2: np.ndarray) -> np.ndarray:
    held = spo2.copy()
    held[:, 1::2] = held[:, 0::2]
    return held


def averaged(spo2: np.ndarray) -> np.ndarray:
    """A trailing moving average over the night (NaN read as the night's mean)."""
    flat = spo2.reshape(-1)
    filled = np.where(np.isfinite(flat), flat, np.nanmean(flat))
    kernel = np.ones(AVERAGING_SAMPLES) / AVERAGING_SAMPLES
    return np.convolve(filled, kernel)[: len(flat)].reshape(spo2.shape)


def with_dropouts(spo2: np.ndarray, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    out = spo2.copy()
    for i in rng.choice(len(out), max(1, len(out) // 100), replace=False):
        start = rng.integers(0, 40)
        out[i, start:start + rng.integers(10, 30)] = np.nan
    return out


VARIANTS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "as synthesised": lambda x: x,
    "whole percent": whole_percent,
    "whole percent, 1 Hz": lambda x: one_hertz(whole_percent(x)),
    "whole percent, 1 Hz, 4-s average": lambda x: one_hertz(whole_percent(averaged(x))),
    "the same with dropouts": lambda x: with_dropouts(one_hertz(whole_percent(averaged(x)))),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default="assets/models/sleeplm-mini")
    parser.add_argument("--seeds", type=int, nargs="+", default=[901, 902])
    parser.add_argument("--hours", type=float, default=4.0)
    args = parser.parse_args()
    torch.set_num_threads(2)
    loaded = resolve_model(args.model)
    if not getattr(loaded.model, "reads_oximetry", False):
        raise SystemExit(f"{args.model} has no oximetry tokens; pass a model that reads SpO2")
    folder = Path(tempfile.gettempdir()) / "sleeplm-alignment"
    folder.mkdir(exist_ok=True)
    for seed in args.seeds:
        path = synth(folder, seed, args.hours)
        for name, degrade in VARIANTS.items():
            rec, _, epochs = open_synthetic(path)
            epochs.spo2 = degrade(epochs.spo2.astype(np.float64)).astype(np.float32)
            night = EmbeddedNight.from_model(loaded.model, epochs)
            rows = [f"{kind} F1 {localization_f1(night, rec, loaded, kind)[1]}"
                    for kind in ("desaturation", "hypopnea")]
            print(f"seed {seed}, SpO2 {name}: " + "; ".join(rows), flush=True)


if __name__ == "__main__":
    main()
