"""Execute step for "what's the theta/delta ratio in REM?", "beta to alpha ratio during
wake": the ratio of two EEG bands' power from the per-epoch band features
(``sleeplm_core.features.brain``), in the scope and per stage.

Each band's feature is its share of the epoch's 0.5-30 Hz power, so the ratio of two shares
is the ratio of the two bands' absolute powers. Over many epochs the ratio of the mean powers
is given (a few epochs with almost no power in the lower band would swamp a mean of ratios),
with the per-epoch median and quartiles beside it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from app.chat.measures import EEG_PREFIX, measure_columns
from app.chat.periods import stage_name
from app.chat.plan import Plan
from app.chat.results import BandRatio, Message
from app.night import LoadedNight
from sleeplm_core.features.brain import EEG_BANDS

EDGES: dict[str, tuple[float, float]] = {name: (lo, hi) for lo, hi, name in EEG_BANDS}
"""Band edges in Hz, by band name."""


def band_ratio(plan: Plan, night: LoadedNight) -> BandRatio | Message:
    """The ratio ``plan.query.target`` names ("theta/delta") over the plan's scope."""
    top, bottom = (plan.query.target or "/").split("/")
    frame = night.feature_frame()
    found = measure_columns(top, frame)
    # both bands from one channel: a ratio of two leads' spectra would mean nothing (alpha
    # alone is read on a posterior lead, which then holds the bottom band too)
    channel = found[0][len(EEG_PREFIX):].rsplit(".", 1)[0] if found else ""
    cols = {band: f"{EEG_PREFIX}{channel}.{band} [%]" for band in (top, bottom)}
    if not found or not all(col in frame.columns for col in cols.values()):
        return Message("no_signal", "EEG")
    powers = {band: pd.to_numeric(frame[col], errors="coerce").to_numpy(dtype=float)
              for band, col in cols.items()}
    valid = np.isfinite(powers[top]) & np.isfinite(powers[bottom]) & (powers[bottom] > 0)
    inside = plan.where.mask & valid   # the scope's mask holds its time span too
    if not inside.any():
        return Message("empty_scope", plan.where.text)
    per_epoch = powers[top][inside] / powers[bottom][inside]
    stages, source = night.stages()
    by_stage = []
    for code in sorted(set(int(c) for c in stages[valid] if c >= 0)):
        mask = valid & (stages == code)
        by_stage.append((stage_name(code), _ratio(powers, top, bottom, mask), int(mask.sum())))
    q1, median, q3 = (float(v) for v in np.percentile(per_epoch, [25, 50, 75]))
    return BandRatio(top, bottom, {b: EDGES[b] for b in (top, bottom)}, channel,
                     _ratio(powers, top, bottom, inside), median, q1, q3, int(inside.sum()),
                     by_stage, plan.where.text, source)


def _ratio(powers: dict[str, np.ndarray], top: str, bottom: str, mask: np.ndarray) -> float:
    return float(powers[top][mask].mean() / powers[bottom][mask].mean())
