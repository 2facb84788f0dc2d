"""Measures a question can name (heart rate, SpO2, band powers, ...) and the per-epoch
feature columns that hold them (``app.night.LoadedNight.feature_frame``)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from app.chat.results import Message
from sleeplm_core.features.brain import EEG_BAND_NAMES
from sleeplm_core.features.schema import column_words

@dataclass(frozen=True)
class Measure:
    """A measure: the words that name it (a regex), its name in answers, the feature-column
    (prefix, suffix) pairs that hold it, and whether a night without it may answer with the
    next measure the words name (``fallback``; never for heart rate variability, which the
    heart rate beside its name does not stand in for)."""

    pattern: str
    name: str
    columns: tuple[tuple[str, str], ...]
    fallback: bool = True


EEG_PREFIX = "brain.eeg."
"""Prefix of the per-channel EEG band-power feature columns ("brain.eeg.C4-M1.delta [%]")."""
# The most specific first: "heart rate variability" before "heart rate".
MEASURES: tuple[Measure, ...] = (
    Measure("hrv|rmssd|sdnn|heart rate variab", "heart rate variability", (("heart.ecg.", "rmssd [ms]"),),
            fallback=False),
    Measure("heart|hr\\b|pulse|cardiac|ecg", "heart rate",
            (("heart.heart_rate.", "mean [bpm]"), ("heart.ecg.", "rate [bpm]"))),
    Measure("spo2|oxygen|saturation", "SpO2", (("heart.spo2.", "mean [%]"),)),
    Measure("snor", "snoring loudness", (("respiratory.snore.", "loudness [dB]"),)),
    Measure("temp(?:erature)?s?\\b|thermo", "body temperature", (("body.temperature.", "mean [°C]"),)),
    # "is breathing more irregular in REM?": the breath-to-breath variability, not the rate
    Measure("(?:breath\\w*|resp\\w*|airflow)\\s+(?:(?:is|was|more|less|much|rate)\\s+){0,2}(?:variab|irregular)"
            "|irregular (?:breath|resp)", "breathing variability",
            (("respiratory.channels.airflow.", "variability [%]"),)),
    Measure("breath|resp|airflow", "breathing", (("respiratory.channels.airflow.", "rate [breaths/min]"),
                                                 ("respiratory.channels.airflow.", "variability [%]"))),
    *(Measure(f"{b}|spindle" if b == "sigma" else b, f"{b} power", ((EEG_PREFIX, f".{b} [%]"),))
      for b in EEG_BAND_NAMES),
    Measure("eog|eye", "EOG", (("brain.rems.", "count [count]"), ("brain.eog.", ".slow [%]"))),
    # "how low is the chin in REM?": the tone, not the bursts
    Measure("(?:chin|muscle|emg) (?:tone|amplitude|level)|atoni|how (?:low|high|relaxed|active) (?:is |was |does )?"
            "(?:the )?chin|low chin|chin (?:is |was |goes |get\\w* )?(?:low|lower|high|higher|relax\\w*|quiet\\w*)",
            "chin EMG tone", (("position_muscle.chin_tone.", "spread [ratio]"),)),
    Measure("emg|muscle|chin", "chin EMG", (("position_muscle.emg.", "burst_ratio [ratio]"),)),
    # a 1-Hz chin envelope has no bursts to count, yet its spread still reads tone
    Measure("emg|muscle|chin", "chin EMG tone", (("position_muscle.chin_tone.", "spread [ratio]"),)),
    Measure("eeg|brain|band|power|spectr", "EEG", tuple((EEG_PREFIX, f".{b} [%]") for b in EEG_BAND_NAMES)),
)


def _named(words: str) -> Measure | None:
    return next((m for m in MEASURES if _names(m, words)), None)


def _names(measure: Measure, words: str) -> bool:
    # Word starts only: "chin" is not in "machine", "hr" not in "three".
    return re.search(rf"\b(?:{measure.pattern})", words, re.IGNORECASE) is not None


def names_measure(words: str) -> bool:
    """Whether ``words`` name a measure of :data:`MEASURES`."""
    return _named(words) is not None


POSTERIOR_RE = re.compile(r"\b(?:EEG\s+)?(?:O[12z]|P[34z]|Pz-Oz)\b", re.I)
"""A parietal or occipital EEG label: where the alpha rhythm is largest (AASM: wake is read at
O1/O2)."""


def measure_columns(words: str, frame: pd.DataFrame) -> list[str]:
    """Feature columns the words name (EEG: band powers of the channel they name, else of its
    first channel, alpha power of a parietal or occipital one when the file has it); a measure
    the frame lacks falls through to the next one the words name."""
    for measure in MEASURES:
        if not _names(measure, words):
            continue
        cols = [_named_channel(found, prefix, suffix, words) or preferred_column(found, suffix)
                for prefix, suffix in measure.columns
                if (found := [c for c in frame.columns if c.startswith(prefix) and c.endswith(suffix)])]
        if cols or not measure.fallback:
            return cols
    return []


def _named_channel(columns: list[str], prefix: str, suffix: str, words: str) -> str | None:
    """The column of the channel the words name by its label or its first electrode ("delta
    power on Pz-Oz", "alpha at O2"), None when they name none of them."""
    for col in columns:
        label = col[len(prefix):len(col) - len(suffix)].strip(".")
        if label and any(re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", words, re.IGNORECASE)
                         for name in {label, label.split("-")[0]} if len(name) >= 2):
            return col
    return None


def preferred_column(columns: list[str], suffix: str) -> str:
    """The column to read among one measure's channels: the first, but for alpha power a
    posterior channel's when there is one."""
    if suffix.endswith(".alpha [%]"):
        return next((c for c in columns if POSTERIOR_RE.search(column_words(c))), columns[0])
    return columns[0]


def measure_name(words: str) -> str | None:
    """The measure ``words`` name, in words ("heart rate"), None when they name none."""
    measure = _named(words)
    return measure.name if measure else None


def column_name(col: str) -> str:
    """A feature column in words: its measure's name, and what of it the column holds where
    the name does not say ("heart.spo2.mean [%]" -> "SpO2 (mean)", "brain.rems.count
    [count]" -> "EOG (rapid eye movements count)"); other columns by their path."""
    words = column_words(col).split()
    for measure in MEASURES:
        for prefix, suffix in measure.columns:
            if col.startswith(prefix) and col.endswith(suffix):
                stems = {w[:4] for w in measure.name.lower().split()}
                rest = " ".join(w for w in words if w and w.lower()[:4] not in stems)
                return measure.name + (f" ({rest})" if rest else "")
    return " ".join(words)


def missing_measure(words: str) -> Message:
    """Why the measure ``words`` name has no values: the night lacks its channel, or the words
    name no measure. (A chin channel too slow for bursts still gives its tone, a measure of its
    own, so no measure here is present yet unreadable.)"""
    name = measure_name(words)
    return Message("no_measure", words) if name is None else Message("no_signal", name)
