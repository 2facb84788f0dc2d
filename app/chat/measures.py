"""Measures a question can name (heart rate, SpO2, band powers, ...) and the per-epoch
feature columns that hold them (``app.night.LoadedNight.feature_frame``)."""

from __future__ import annotations

import re

import pandas as pd

# Words -> feature-column (prefix, suffix) pairs, the most specific first.
MEASURES: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("hrv|rmssd|heart rate variab", (("heart.ecg.", "rmssd [ms]"),)),
    ("heart|hr\\b|pulse|cardiac|ecg", (("heart.heart_rate.", "mean [bpm]"), ("heart.ecg.", "rate [bpm]"))),
    ("spo2|oxygen|saturation", (("heart.spo2.", "mean [%]"),)),
    ("breath|resp|airflow", (("respiratory.channels.airflow.", "rate [breaths/min]"),
                             ("respiratory.channels.airflow.", "variability [%]"))),
    ("delta", (("brain.eeg.", ".delta [%]"),)), ("theta", (("brain.eeg.", ".theta [%]"),)),
    ("alpha", (("brain.eeg.", ".alpha [%]"),)), ("sigma|spindle", (("brain.eeg.", ".sigma [%]"),)),
    ("beta", (("brain.eeg.", ".beta [%]"),)),
    ("eog|eye", (("brain.eog.", ".rapid [%]"), ("brain.eog.", ".slow [%]"))),
    ("emg|muscle|chin", (("position_muscle.emg.", "burst_ratio [ratio]"),)),
    ("eeg|brain|band|power|spectr", tuple(("brain.eeg.", f".{b} [%]") for b in
                                          ("delta", "theta", "alpha", "sigma", "beta"))),
)


def names_measure(words: str) -> bool:
    """Whether ``words`` name a measure of :data:`MEASURES`."""
    return any(re.search(pattern, words, re.IGNORECASE) for pattern, _ in MEASURES)


def measure_columns(words: str, frame: pd.DataFrame) -> list[str]:
    """Feature columns the words name (EEG: band powers of its first channel)."""
    for pattern, pairs in MEASURES:
        if re.search(pattern, words, re.IGNORECASE):
            cols = []
            for prefix, suffix in pairs:
                found = [c for c in frame.columns if c.startswith(prefix) and c.endswith(suffix)]
                if found:
                    cols.append(found[0])
            if cols:
                return cols
    return []


# The measure each pattern of MEASURES names, in words (same order).
_NAMES = ("heart rate variability", "heart rate", "SpO2", "breathing", "delta power",
          "theta power", "alpha power", "sigma power", "beta power", "EOG", "chin EMG", "EEG")


def measure_name(words: str) -> str | None:
    """The measure ``words`` name, in words ("heart rate"), None when they name none."""
    return next((name for (pattern, _), name in zip(MEASURES, _NAMES)
                 if re.search(pattern, words, re.IGNORECASE)), None)
