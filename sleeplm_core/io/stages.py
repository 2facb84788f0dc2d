"""Sleep-stage labels to stage codes, and stage intervals to a 30-s epoch grid.

Codes follow :data:`sleeplm_core.io.recording.STAGES`: 0 W, 1 N1, 2 N2, 3 N3,
4 REM, -1 unscored. Rechtschaffen & Kales S3 and S4 both become N3 (AASM).
Movement time, artefact, "?" and a bare "N" (NREM of unstated depth) are
stage labels that mean "unscored". A label that announces a stage but is not
one of these ("Sleep stage 5") is unscored too, and :func:`decode_stages`
names it in a warning instead of refusing the whole file.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from sleeplm_core.errors import RecordingError
from sleeplm_core.io.recording import EPOCH_SEC, UNKNOWN_STAGE

_STAGE_WORDS: dict[str, int] = {
    "w": 0, "wake": 0, "awake": 0,
    "1": 1, "n1": 1, "s1": 1,
    "2": 2, "n2": 2, "s2": 2,
    "3": 3, "4": 3, "n3": 3, "n4": 3, "s3": 3, "s4": 3, "sws": 3,
    "r": 4, "rem": 4,
    "?": UNKNOWN_STAGE, "n": UNKNOWN_STAGE, "unscored": UNKNOWN_STAGE, "unknown": UNKNOWN_STAGE,
    "movement": UNKNOWN_STAGE, "movement time": UNKNOWN_STAGE, "mt": UNKNOWN_STAGE,
    "artefact": UNKNOWN_STAGE, "artifact": UNKNOWN_STAGE, "no stage": UNKNOWN_STAGE,
}
# Prefixes that announce a stage label in EDF+/NSRR annotations ("Sleep stage 2",
# "Stage 2 sleep|2"); a label with such a prefix is a stage even when it does not decode.
_STAGE_PREFIX = re.compile(r"^(sleep stage|stage)\s*")
_NSRR_SUFFIX = re.compile(r"\s*(sleep)?\s*(\|.*)?$")


def _normalise(label: str) -> str:
    return re.sub(r"\s+", " ", label.strip().lower())


def is_stage_label(label: str) -> bool:
    """True when ``label`` names a sleep stage (known or not), not an event."""
    text = _normalise(label)
    return bool(_STAGE_PREFIX.match(text)) or _core(text) in _STAGE_WORDS


def _core(text: str) -> str:
    text = _STAGE_PREFIX.sub("", text)
    if text in _STAGE_WORDS:
        return text
    return _NSRR_SUFFIX.sub("", text) or text


def stage_code(label: str) -> int | None:
    """Stage code of a stage label ("Sleep stage 4" -> 3, "REM sleep|5" -> 4); None if unknown."""
    return _STAGE_WORDS.get(_core(_normalise(label)))


def decode_stages(labels: Sequence[str], source: str | Path = "scoring") -> tuple[list[int], list[str]]:
    """Stage codes of ``labels``; unknown labels become unscored.

    Returns:
        One code per label, and a warning naming each unknown label with its
        count (empty when every label is known).
    """
    codes = [stage_code(label) for label in labels]
    unknown = Counter(label.strip() for label, code in zip(labels, codes) if code is None)
    return [UNKNOWN_STAGE if c is None else c for c in codes], unknown_warning(source, unknown)


def unknown_warning(source: str | Path, unknown: Counter) -> list[str]:
    """The warning for stage labels or codes that were read as unscored (none if none)."""
    if not unknown:
        return []
    names = ", ".join(f"{label!r} x{n}" for label, n in unknown.most_common())
    return [f"{source}: unknown stage label(s) {names} marked unscored; "
            "use W, N1, N2, N3, R (or R&K 1-4, ?) for them to count"]


def stage_grid(
    intervals: Iterable[tuple[float, float, int]], source: str | Path = "scoring"
) -> tuple[np.ndarray, float]:
    """Turn (onset s, duration s, code) intervals into one code per 30-s epoch.

    The grid starts at the earliest onset (returned as the offset). An interval
    of duration 0 marks a single epoch. Epochs no interval covers are -1.

    Raises:
        RecordingError: two intervals give different stages to one epoch.
    """
    items = sorted(intervals)
    if not items:
        return np.zeros(0, dtype=np.int8), 0.0
    offset = items[0][0]
    first = [int(round((on - offset) / EPOCH_SEC)) for on, _, _ in items]
    counts = [max(1, int(round(dur / EPOCH_SEC))) for _, dur, _ in items]
    stages = np.full(max(f + c for f, c in zip(first, counts)), UNKNOWN_STAGE, dtype=np.int8)
    filled = np.zeros(len(stages), dtype=bool)
    for (onset, _, code), start, count in zip(items, first, counts):
        span = slice(start, start + count)
        clash = filled[span] & (stages[span] != code)
        if np.any(clash):
            raise RecordingError(
                f"{source}: two stage annotations disagree about the epoch at {onset:.0f} s; fix the scoring file"
            )
        stages[span], filled[span] = code, True
    return stages, float(offset)


MAIN_PERIOD_MIN = 10.0
"""Moving window, in minutes, of the sleep share that finds a main sleep period."""


def sleep_window(stages: np.ndarray, pad_min: float = 30.0, main_period: bool = False) -> slice:
    """Epochs from ``pad_min`` before the first to ``pad_min`` after the last sleep epoch
    (stage codes >= 1); every epoch when none is sleep.

    Sleep-EDF practice: it keeps hours of lights-on wake out of staging scores, and out
    of the reference period of the model input's z-score (:mod:`sleeplm_core.io.epochs`).
    With ``main_period`` the window pads the main sleep period instead: the epochs where
    a :data:`MAIN_PERIOD_MIN`-minute moving share of sleep is at least one half. Machine
    staging needs it: a stray N1 epoch in hours of daytime wake would otherwise stretch
    the window to it.
    """
    sleep = np.asarray(stages) >= 1
    if main_period:
        width = max(1, int(MAIN_PERIOD_MIN * 60 / EPOCH_SEC))
        sleep = np.convolve(sleep.astype(float), np.ones(width) / width, mode="same") >= 0.5
    asleep = np.flatnonzero(sleep)
    if not len(asleep):
        return slice(0, len(sleep))
    pad = int(round(pad_min * 60 / EPOCH_SEC))
    return slice(max(0, int(asleep[0]) - pad), min(len(sleep), int(asleep[-1]) + 1 + pad))
