"""SpO2 per epoch at a fixed low rate: the model's oximetry input.

The released SleepLM reads ten waveform channels and no oximetry, so a model of that
layout can only guess a desaturation from the breathing around it. Models with
``signal.oximetry_tokens`` (:mod:`sleeplm_core.model.oximetry`) also read the SpO2
trace, which this module cuts into 30-s epochs at :data:`OXIMETRY_SFREQ`.

Some systems store SpO2 as a fraction of 1 (0.96 for 96 %); :func:`rescale_fractions`
reads such a channel as percent when the recording is loaded, with a warning, so the
scoring, the features and the model all see the same percent.

Each output sample is the mean of the native samples inside its 0.5-s cell (the
sample holding the cell's middle when the native rate is below 2 Hz, as pulse
oximeters often store 1 Hz). Samples outside 50-100 % or not finite are missing
(NaN), so a probe off the finger is never read as a desaturation.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from sleeplm_core.io.aliases import ALIASES, label_keys
from sleeplm_core.io.recording import EPOCH_SEC, Recording, Signal

OXIMETRY_SFREQ = 2.0
"""Rate of the per-epoch SpO2 trace, in Hz."""

OXIMETRY_SAMPLES = int(EPOCH_SEC * OXIMETRY_SFREQ)
"""SpO2 samples per 30-s epoch."""

PLAUSIBLE_PERCENT: tuple[float, float] = (50.0, 100.0)
"""SpO2 values (%) outside this range are treated as missing."""

FRACTION_MEDIAN: tuple[float, float] = (0.5, 1.0)
"""A channel whose median lies here and whose 99th percentile is at most 1 holds fractions."""


def rescale_fractions(rec: Recording) -> list[str]:
    """Read every SpO2-labelled channel stored as a fraction of 1 as percent, in place.

    Returns:
        One warning per rescaled channel, naming it and its median.
    """
    names = set(ALIASES["SPO2"])
    warnings = []
    for label, signal in rec.signals.items():
        if not names & set(label_keys(label)):
            continue
        values = np.asarray(signal.data, dtype=np.float64)
        finite = values[np.isfinite(values)]
        if not finite.size:
            continue
        median, top = np.median(finite), np.percentile(finite, 99)
        if FRACTION_MEDIAN[0] <= median <= FRACTION_MEDIAN[1] and top <= 1.0:
            rec.signals[label] = replace(signal, data=values * 100.0, unit="%")
            warnings.append(f"SpO2 channel '{label}' is stored as a fraction of 1 (median "
                            f"{median:.2f}); read as percent (x 100)")
    return warnings


def epoch_oximetry(signal: Signal, grid_start: float, n_epochs: int) -> np.ndarray:
    """float32 (n_epochs, :data:`OXIMETRY_SAMPLES`) SpO2 in %, NaN where missing.

    Args:
        signal: the SpO2 channel (any rate, values in %).
        grid_start: start of the first epoch, in seconds from the recording start.
        n_epochs: number of 30-s epochs.
    """
    values = np.asarray(signal.data, dtype=np.float64)
    low, high = PLAUSIBLE_PERCENT
    ok = np.isfinite(values) & (values >= low) & (values <= high)
    cells = n_epochs * OXIMETRY_SAMPLES
    edges = grid_start + np.arange(cells + 1) / OXIMETRY_SFREQ
    bounds = np.clip(np.ceil(edges * signal.sfreq - 1e-9).astype(np.int64), 0, len(values))
    # Sums and counts over each cell's native samples from cumulative sums.
    total = np.concatenate([[0.0], np.cumsum(np.where(ok, values, 0.0))])
    count = np.concatenate([[0], np.cumsum(ok)])
    n = count[bounds[1:]] - count[bounds[:-1]]
    with np.errstate(invalid="ignore", divide="ignore"):
        out = (total[bounds[1:]] - total[bounds[:-1]]) / n
    # Cells narrower than one native sample hold none: take the sample under their middle.
    middle = np.floor((edges[:-1] + 0.5 / OXIMETRY_SFREQ) * signal.sfreq).astype(np.int64)
    held = (n == 0) & (middle >= 0) & (middle < len(values))
    held_ok = held.copy()
    held_ok[held] = ok[middle[held]]
    out[held_ok] = values[middle[held_ok]]
    out[(n == 0) & ~held_ok] = np.nan
    return out.reshape(n_epochs, OXIMETRY_SAMPLES).astype(np.float32)
