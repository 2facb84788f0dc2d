"""Plain-word summaries of a level's facts, and the fact key they give a caption.

Template captions of one level differ mostly in their numbers, which a sentence
encoder barely separates. Each caption therefore ends with one summary sentence
that states the same facts in binned words ("high delta", "airflow absent for
18 s"). The summary is derived from the facts (no random choice), so the parser
can ignore it without losing anything, and captions whose summaries agree up to
their numbers share a *fact key*: the contrastive loss treats them as positives
of each other instead of pushing near-duplicate texts apart.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

from sleeplm_core.features.brain import BrainFacts
from sleeplm_core.features.heart import HeartFacts
from sleeplm_core.features.night import Facts
from sleeplm_core.features.position_muscle import PositionMuscleFacts
from sleeplm_core.features.respiratory import RespiratoryFacts
from sleeplm_core.features.stage_event import StageEventFacts

SUMMARY_LEAD = "In words:"
"""Start of the summary sentence; :func:`caption_key` finds the summary by it."""

BINS = ("low", "moderate", "high")
EEG_EDGES: dict[str, tuple[float, float]] = {
    "delta": (30.0, 75.0), "theta": (10.0, 30.0), "alpha": (10.0, 30.0),
    "sigma": (4.0, 8.0), "beta": (5.0, 12.0),
}
"""Relative band power (%) edges low|moderate|high, set between the stage medians of
the synthetic nights (e.g. alpha: N2 6 %, N1 12 %, W 66 %)."""
SLOW_EYE_EDGES: tuple[float, float] = (20.0, 50.0)
"""Slow-eye-movement share of EOG power (%) edges low|moderate|high."""
REM_COUNT_WORDS: tuple[tuple[int, str], ...] = ((4, "many"), (1, "a few"), (0, "no"))
"""Rapid eye movements in an epoch -> word, first matching lower bound: YASA's detector finds a
median of 6-11 per epoch of synthetic REM and 8 in wake, 0-1 in N1-N3 with two eye leads, and
8.4 per 30 s in YASA's real REM EOG sample."""

STAGE_WORDS: dict[str, str] = {
    "W": "wake with alpha rhythm and muscle tone",
    "N1": "light N1 sleep with theta and slow eye movements",
    "N2": "N2 sleep with sleep spindles and K-complexes",
    "N3": "deep N3 slow-wave sleep with high-amplitude delta waves",
    "REM": "REM sleep with rapid eye movements and muscle atonia",
}
"""AASM hallmarks of each stage, in the words a user (or a zero-shot prompt) uses."""
EVENT_WORDS: dict[str, str] = {
    "obstructive_apnea": "obstructive apnea, airflow absent for {duration} s",
    "central_apnea": "central apnea, airflow absent for {duration} s without effort",
    "mixed_apnea": "mixed apnea, airflow absent for {duration} s",
    "hypopnea": "hypopnea, airflow reduced for {duration} s",
    "desaturation": "oxygen desaturation, saturation falling for {duration} s",
    "arousal": "arousal, EEG speeding up for {duration} s",
    "spindle": "sleep spindle present",
    "k_complex": "K-complex present",
    "limb_movement": "limb movement for {duration} s",
}
"""Event type -> words; ``{duration}`` is the event's whole seconds inside the epoch."""

_NUMBER = re.compile(r"\b\d+(?:\.\d+)?\b")
"""A free-standing number (not the digit of a name such as "N3")."""


def binned(value: float, edges: tuple[float, float]) -> str:
    """``low``, ``moderate`` or ``high`` for ``value`` against (low|moderate, moderate|high)."""
    return BINS[int(value >= edges[0]) + int(value >= edges[1])]


def summary(facts: Facts) -> str:
    """The summary sentence of one level's facts ("In words: ...."), "" when it says nothing."""
    words = _WORDERS[type(facts)](facts)
    return f"{SUMMARY_LEAD} {'; '.join(words)}." if words else ""


def summary_of(text: str) -> str:
    """The caption's summary sentence ("In words: ..."), else the whole text."""
    at = text.find(SUMMARY_LEAD)
    if at < 0:
        return text
    end = text.find(". ", at)  # the summary's own numbers are whole seconds, never "18.5"
    return text[at:] if end < 0 else text[at:end + 1]


def caption_key(text: str) -> str:
    """The fact key of a caption: its summary with numbers blanked, else the whole text.

    Two captions with the same key state the same binned facts (captions without a
    summary, e.g. from an older dataset, only match themselves).
    """
    return text if SUMMARY_LEAD not in text else _NUMBER.sub("#", summary_of(text))


def _brain(facts: BrainFacts) -> list[str]:
    words = []
    mean = {band: _mean(getattr(ch, band) for ch in facts.eeg) for band in EEG_EDGES}
    measured = {band: value for band, value in mean.items() if value is not None}
    if measured:
        words.append(", ".join(f"{binned(v, EEG_EDGES[b])} {b}" for b, v in measured.items()))
        words.append(f"{max(measured, key=measured.__getitem__)} dominates the EEG")
    eye = []
    if (slow := _mean(ch.slow for ch in facts.eog)) is not None:
        eye.append(f"{binned(slow, SLOW_EYE_EDGES)} slow eye movements")
    if facts.rems is not None and not math.isnan(facts.rems.count):
        eye.append(f"{rem_count_word(facts.rems.count)} rapid eye movements")
    if eye:
        words.append(", ".join(eye))
    return words


def rem_count_word(count: float) -> str:
    """"many", "a few" or "no" for a count of rapid eye movements in one epoch."""
    return next(word for bound, word in REM_COUNT_WORDS if count >= bound)


def _mean(values: Iterable[float | None]) -> float | None:
    """Mean of the measured values (a band above a channel's Nyquist is None, NaN when parsed)."""
    kept = [v for v in values if v is not None and not math.isnan(v)]
    return sum(kept) / len(kept) if kept else None


def _heart(facts: HeartFacts) -> list[str]:
    words = []
    rate = facts.heart_rate.mean if facts.heart_rate else facts.ecg.rate if facts.ecg else None
    if rate is not None:
        words.append("slow heart rate" if rate < 60 else "fast heart rate" if rate > 100
                     else "normal heart rate")
    if facts.spo2:
        low = facts.spo2.minimum
        words.append("normal oxygen saturation" if low >= 94 else
                     "mildly low oxygen saturation" if low >= 90 else "low oxygen saturation")
        if any(t.direction == "decreasing" for t in facts.spo2.trends):
            words.append("saturation falling")
    return words


def _respiratory(facts: RespiratoryFacts) -> list[str]:
    if not facts.channels:
        return []
    rate = sum(ch.rate for ch in facts.channels) / len(facts.channels)
    variability = max(ch.variability for ch in facts.channels)
    words = ["slow breathing" if rate < 10 else "fast breathing" if rate > 20 else "normal breathing rate",
             "regular breaths" if variability < 5 else "irregular breaths" if variability < 20
             else "very irregular breaths"]
    if rate < 3:
        words[0] = "breathing nearly absent"
    return words


def _position_muscle(facts: PositionMuscleFacts) -> list[str]:
    words = []
    if facts.emg:
        rate = facts.emg.burst_rate
        words.append("no chin muscle bursts" if rate < 1 else "few chin muscle bursts" if rate < 4
                     else "frequent chin muscle bursts (twitches)")
    if facts.position:
        turned = " then turning" if facts.position.changes else ""
        words.append(f"lying {facts.position.position}{turned}")
    return words


def _stage_event(facts: StageEventFacts) -> list[str]:
    words = [STAGE_WORDS[facts.stage]] if facts.stage in STAGE_WORDS else []
    for event in facts.events:
        template = EVENT_WORDS.get(event.type, event.type.replace("_", " "))
        words.append(template.format(duration=max(1, round(event.end - event.start))))
    if not facts.events:
        words.append("no events")
    return words


_WORDERS = {BrainFacts: _brain, HeartFacts: _heart, RespiratoryFacts: _respiratory,
            PositionMuscleFacts: _position_muscle, StageEventFacts: _stage_event}
