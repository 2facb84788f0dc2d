"""Execute step for "compare Fpz-Cz and Pz-Oz", "compare the two EEG leads": each EEG channel's
band powers side by side, over the night's sleep and in the stages where the bands matter
(alpha in wake, sigma in N2, delta in N3), from the per-channel feature columns.

Band powers differ across the scalp by physiology (alpha is largest over the back of the
head, slow waves frontally, 12-15 Hz spindles centrally) and by the recording (a lead with
artefacts carries more beta or delta); a technician comparing two leads asks which shows what.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from app.chat.measures import EEG_PREFIX
from app.chat.plan import Plan
from app.chat.results import LeadBands, LeadComparison, Message
from app.night import LoadedNight
from sleeplm_core.features.brain import EEG_BAND_NAMES
from sleeplm_core.io.recording import STAGES

BAND_STAGE = {"alpha": "W", "sigma": "N2", "delta": "N3"}
"""The stage each band is read in besides sleep as a whole: where scorers look for it."""
_SLEEP = [STAGES.index(s) for s in ("N1", "N2", "N3", "REM")]


def compare_leads(plan: Plan, night: LoadedNight) -> LeadComparison | Message:
    """Each EEG channel's mean band powers (% of the EEG power) over the sleep epochs in the
    scope, and each band of :data:`BAND_STAGE` in its stage; a night with fewer than two EEG
    channels is refused."""
    frame = night.feature_frame()
    labels = [c[len(EEG_PREFIX):-len(".delta [%]")] for c in frame.columns
              if c.startswith(EEG_PREFIX) and c.endswith(".delta [%]")]
    if len(labels) < 2:
        return Message("no_signal", "second EEG" if labels else "EEG")
    stages, source = night.stages()
    scope = plan.where.mask
    asleep = scope & np.isin(stages, _SLEEP)
    rows = [LeadBands(label, _means(frame, label, asleep), {
        band: value for band, stage in BAND_STAGE.items()
        if (value := _mean(frame, label, band, scope & (stages == STAGES.index(stage)))) is not None})
        for label in labels]
    return LeadComparison(rows, int(asleep.sum()), source,
                          plan.where.text if plan.query.scope.time is not None else "")


def _means(frame: pd.DataFrame, label: str, mask: np.ndarray) -> dict[str, float]:
    """Each band's mean power over the masked epochs of one channel, the bands with a value."""
    return {band: value for band in EEG_BAND_NAMES if (value := _mean(frame, label, band, mask)) is not None}


def _mean(frame: pd.DataFrame, label: str, band: str, mask: np.ndarray) -> float | None:
    """Mean of one channel's band power over the masked epochs, None where none has a value."""
    column = f"{EEG_PREFIX}{label}.{band} [%]"
    if column not in frame.columns or not mask.any():
        return None
    values = frame[column].to_numpy(dtype=float)[mask]
    values = values[np.isfinite(values)]
    return float(values.mean()) if len(values) else None
