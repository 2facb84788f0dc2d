"""Execute step for "compare epoch 400 with epoch 500", or "compare it with 3 am" after an
epoch was shown: two single epochs side by side, each with its stage, the measures a scorer
reads (EEG bands, eyes, chin, heart, oxygen, breathing) and the events in it."""

from __future__ import annotations

import numpy as np
import pandas as pd

from app.chat.measures import column_name, measure_columns
from app.chat.periods import stage_name
from app.chat.plan import Plan
from app.chat.results import EpochPair
from app.night import LoadedNight
from sleeplm_core.io.recording import EPOCH_SEC

MEASURED = ("eeg", "eog", "eye movements", "heart rate", "spo2", "breathing rate")
"""What each epoch is read on, in a scorer's order: the words name the feature columns."""


def is_epoch_pair(plan: Plan) -> bool:
    """Both sides of the comparison are one epoch each."""
    return len(plan.groups) == 2 and all(int(g.mask.sum()) == 1 for g in plan.groups)


def epoch_pair(plan: Plan, night: LoadedNight) -> EpochPair:
    """The two epochs' stages, measures and events."""
    epochs = [int(np.flatnonzero(g.mask)[0]) for g in plan.groups]
    stages, source = night.stages()
    frame = night.feature_frame()
    rows: list[tuple[str, str, tuple[float, float], float]] = []
    for words in MEASURED:
        for col in measure_columns(words, frame):
            if any(column_name(col) == row[0] for row in rows):
                continue
            values = pd.to_numeric(frame[col], errors="coerce").to_numpy(dtype=float)
            rows.append((column_name(col), col.rsplit(" [", 1)[1].rstrip("]"),
                         (float(values[epochs[0]]), float(values[epochs[1]])), float(np.nanstd(values))))
    if (tones := night.chin_tones()) is not None:
        rows.append(("chin EMG tone (× the night's typical epoch)", "ratio",
                     (float(tones[epochs[0]]), float(tones[epochs[1]])), float(np.std(tones))))
    events, events_source = night.scored_events()
    starts = night.epochs.starts
    inside = [sorted({e.type.replace("_", " ") for e in events
                      if e.onset < starts[i] + EPOCH_SEC and e.onset + e.duration > starts[i]})
              for i in epochs]
    return EpochPair((epochs[0], epochs[1]), (float(starts[epochs[0]]), float(starts[epochs[1]])),
                     (stage_name(stages[epochs[0]]), stage_name(stages[epochs[1]])), source,
                     [row for row in rows if not any(np.isnan(row[2]))], (inside[0], inside[1]),
                     events_source)
