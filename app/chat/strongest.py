"""Execute step for where a rhythm without a detector measures strongest ("where is there
alpha?"): the epochs whose EEG band share is highest, and the share's median per stage, so that
the list can be read against what is usual in each stage."""

from __future__ import annotations

import numpy as np
import pandas as pd

from app.chat.measures import preferred_column
from app.chat.periods import stage_name
from app.chat.phenomena import Phenomenon
from app.chat.plan import Where
from app.chat.results import Item, Strongest
from app.night import LoadedNight
from sleeplm_core.features.schema import column_words
from sleeplm_core.io.recording import EPOCH_SEC, STAGES


def strongest_epochs(night: LoadedNight, phen: Phenomenon, where: Where, k: int) -> Strongest | None:
    """The ``k`` epochs in scope where ``phen.best_feature`` (a band share, %) is highest, read
    on one EEG (a posterior one for alpha, where the rhythm is largest); None without it."""
    frame = night.feature_frame()
    prefix, suffix = phen.best_feature
    cols = [c for c in frame.columns if c.startswith(prefix) and c.endswith(suffix)]
    if not cols:
        return None
    col = preferred_column(cols, suffix)
    values = pd.to_numeric(frame[col], errors="coerce").to_numpy(dtype=float)
    stages, source = night.stages()
    ok = where.mask & np.isfinite(values)
    if not ok.any():
        return None
    top = np.argsort(np.where(ok, values, -np.inf))[::-1][:min(k, int(ok.sum()))]
    starts = night.epochs.starts
    items = [Item(float(starts[i]), float(starts[i]) + EPOCH_SEC, phen.title, "measured",
                  stage_name(int(stages[i])), value=float(values[i]), unit="%") for i in top]
    medians = {name: float(np.median(values[ok & (stages == code)]))
               for code, name in enumerate(STAGES) if np.any(ok & (stages == code))}
    return Strongest(column_words(col), items, medians, source)
