"""Execute step for "is the study technically adequate?" on an attended PSG: for each use of
the study (sleep staging, breathing events, leg movements, heart rhythm), the hours its
channels were usable together, and how much sleep, REM and supine sleep it sampled.

A home test without EEG is judged by the AASM's portable-monitoring bar instead
(:mod:`app.chat.recording`); the AASM sets no hours for an in-lab study, so the same 4 h of
usable signal is the bar used here, and said to be borrowed.
"""

from __future__ import annotations

import numpy as np

from app.chat.breakdown import positions
from app.chat.phenomena import word_list
from app.chat.plan import EEG_SLOTS
from app.chat.results import StudyAdequacy, StudyUse
from app.night import LoadedNight
from sleeplm_core.features.heart import SPO2_RANGE, in_range_share
from sleeplm_core.io.epochset import CANONICAL_CHANNELS
from sleeplm_core.io.recording import EPOCH_SEC, STAGES
from sleeplm_core.scoring.channels import unusable
from sleeplm_core.scoring.config import ScoringConfig

_SHARPENING = {"EOG_L": "left EOG", "EOG_R": "right EOG", "EMG_CHIN": "chin EMG"}
"""Channels staging reads beside the EEG when present (REM and wake are harder without them)."""


def _clean(night: LoadedNight, slot: str) -> np.ndarray | None:
    """Epochs whose ``slot`` channel carries no quality flag; None when the night lacks it."""
    if slot not in night.epochs.mapping:
        return None
    return ~night.epochs.quality[:, CANONICAL_CHANNELS.index(slot)]


def usable_airflow(night: LoadedNight) -> np.ndarray | None:
    """Unflagged airflow epochs; None without an airflow a breathing scorer can read (none, or
    one sampled too coarsely to show a breath)."""
    label = night.epochs.mapping.get("AF")
    if label not in night.recording.signals or unusable(night.recording.signals[label],
                                                        ScoringConfig().breathing) is not None:
        return None
    return _clean(night, "AF")


def valid_spo2(night: LoadedNight) -> np.ndarray | None:
    """Epochs whose SpO2 reads 50-100 % in over half its samples; None without an SpO2."""
    label = night.epochs.aux_mapping.get("SPO2")
    if label not in night.recording.signals:
        return None
    sig = night.recording.signals[label]
    return np.array([in_range_share(sig.data[int(t * sig.sfreq):int((t + EPOCH_SEC) * sig.sfreq)],
                                    SPO2_RANGE) > 0.5 for t in night.epochs.starts])


def _any(*masks: np.ndarray | None) -> np.ndarray | None:
    held = [m for m in masks if m is not None]
    return np.logical_or.reduce(held) if held else None


def _use(name: str, needed: dict[str, np.ndarray | None], sharpen: tuple[str, ...] = ()) -> StudyUse:
    """One use of the study: its needed channels usable together (hours), and the channels it
    lacks ("" when none); ``sharpen`` names channels it reads when present but can do without."""
    lacking = [word for word, mask in needed.items() if mask is None]
    hours = None if lacking else float(np.logical_and.reduce(list(needed.values())).sum()) * EPOCH_SEC / 3600
    return StudyUse(name, hours, word_list(lacking, "or") if lacking else "",
                    word_list(list(sharpen), "or") if sharpen else "")


def _uses(night: LoadedNight) -> tuple[StudyUse, ...]:
    eeg = _any(*(_clean(night, slot) for slot in EEG_SLOTS))
    without = tuple(word for slot, word in _SHARPENING.items() if slot not in night.epochs.mapping)
    flow = "usable airflow" if "AF" in night.epochs.mapping else "airflow"
    effort = _any(_clean(night, "THX"), _clean(night, "ABD"))
    legs = (np.ones(night.n_epochs, bool) if night.epochs.aux_mapping.get("EMG_LEG") in night.recording.signals
            else None)
    return (
        _use("sleep staging", {"EEG": eeg}, without),
        _use("breathing events", {flow: usable_airflow(night), "breathing effort": effort, "SpO2": valid_spo2(night)}),
        _use("leg movements", {"leg EMG": legs}),
        _use("heart rhythm", {"ECG": _clean(night, "ECG")}),
    )


def study_adequacy(night: LoadedNight) -> StudyAdequacy:
    """Each use's usable hours, and the sleep, REM and supine sleep the study sampled."""
    stages, source = night.stages()
    stages = np.asarray(stages)
    asleep = (stages >= STAGES.index("N1")) & (stages < len(STAGES))
    minutes = EPOCH_SEC / 60
    labels = positions(night)
    supine = None if labels is None else float((asleep & (labels == "supine")).sum()) * minutes
    return StudyAdequacy(_uses(night), night.recording.duration / 3600, float(asleep.sum()) * minutes,
                         float((stages == STAGES.index("REM")).sum()) * minutes, supine, source)
