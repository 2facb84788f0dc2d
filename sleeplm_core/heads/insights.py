"""Short paragraphs about a set of epochs at one caption level (modality).

The paragraph has two parts:

* what was measured: the mean (and range) over the chosen epochs of that level's
  features, with units, from :mod:`sleeplm_core.features` — every number in the
  paragraph comes from here;
* what the model says: sentences of the generated captions of those epochs that
  hold no digits, so a number the decoder made up never reaches the reader.

It also names the epochs it came from, so the app can show them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import pandas as pd

from sleeplm_core.captions.grammar import sentences
from sleeplm_core.captions.words import SUMMARY_LEAD
from sleeplm_core.captions.levels import LEVELS
from sleeplm_core.errors import SleepLMError
from sleeplm_core.features.schema import column_words
from sleeplm_core.io.recording import EPOCH_SEC, STAGES, Event

MISSING_SHARE = 0.5
"""Share of the night's epochs in which a feature must have a value for its absence from the
described epochs to be reported."""
_UNIT = re.compile(r"^(?P<name>.+) \[(?P<unit>[^\]]*)\]$")


@dataclass(frozen=True)
class InsightConfig:
    """Insight settings.

    Attributes:
        max_features: measured features named in the paragraph.
        max_sentences: model caption sentences quoted.
        max_events: scored events timed at the stage_event level (the longest); the
            rest are counted by type.
    """

    max_features: int = 6
    max_sentences: int = 2
    max_events: int = 4


@dataclass(frozen=True)
class Insight:
    """A paragraph and its evidence.

    Attributes:
        text: the paragraph.
        epochs: epoch indices it describes.
        measured: feature column -> mean over those epochs (units in the column name).
        quoted: caption sentences taken from the model.
    """

    text: str
    epochs: tuple[int, ...]
    measured: dict[str, float]
    quoted: tuple[str, ...]


def describe(epochs: Sequence[int], level: str, features: pd.DataFrame,
             starts: np.ndarray, captions: Sequence[str] | None = None,
             stages: np.ndarray | None = None, start_time: datetime | None = None,
             config: InsightConfig = InsightConfig(),
             events: Sequence[Event] | None = None,
             events_source: str = "scored") -> Insight:
    """Describe ``epochs`` at ``level``.

    Args:
        epochs: epoch indices (e.g. the union of a localization's regions).
        level: one of :data:`LEVELS`.
        features: ``NightFeatures.to_frame()`` of the night (one row per epoch).
        starts: epoch start times in seconds.
        captions: generated captions at ``level`` for the same ``epochs``, or None.
        stages: stage code per epoch (index into STAGES, -1 unknown), for the stage mix.
        start_time: recording start, to print clock times; else times from the start.
        events: the night's scored events (human, else machine); at the stage_event
            level the paragraph lists those that overlap ``epochs`` (stage_event features
            hold no measured numbers).
        events_source: who scored ``events``, in words ("human-scored", a machine label).
    """
    if level not in LEVELS:
        raise SleepLMError(f"unknown modality {level!r}; use one of {', '.join(LEVELS)}")
    idx = np.asarray(sorted(set(int(i) for i in epochs)), dtype=int)
    if not len(idx):
        raise SleepLMError("no epochs to describe; pick a region or an epoch first")
    measured = _measured(features, idx, level, config.max_features)
    quoted = _quoted(captions or [], config.max_sentences, _unmeasured(features, idx))
    what = (_events_text(idx, starts, events, events_source, start_time, config.max_events)
            if level == "stage_event" and events is not None
            else _measured_text(measured, features, idx, level))
    parts = [_where(idx, starts, start_time, stages), what]
    if quoted:
        parts.append("The model describes them as: " + " ".join(quoted))
    return Insight(" ".join(p for p in parts if p), tuple(idx.tolist()), measured, quoted)


def _where(idx: np.ndarray, starts: np.ndarray, start_time: datetime | None,
           stages: np.ndarray | None) -> str:
    first, last = float(starts[idx[0]]), float(starts[idx[-1]]) + EPOCH_SEC
    text = (f"{len(idx)} epoch{'s' if len(idx) > 1 else ''} "
            f"({_clock(first, start_time)} to {_clock(last, start_time)})")
    if stages is not None:
        mix = Counter(STAGES[s] for s in np.asarray(stages)[idx] if s >= 0)
        if mix:
            text += ", scored " + ", ".join(f"{n} x {s}" for s, n in mix.most_common())
    return text + "."


def _clock(seconds: float, start_time: datetime | None) -> str:
    if start_time is not None:
        return (start_time + timedelta(seconds=round(seconds))).strftime("%H:%M:%S")
    return str(timedelta(seconds=round(seconds)))


def _events_text(idx: np.ndarray, starts: np.ndarray, events: Sequence[Event], source: str,
                 start_time: datetime | None, limit: int) -> str:
    """The events that overlap the epochs ``idx``: the ``limit`` longest with their times
    (in time order), the rest counted by type. ``source`` says who scored them."""
    bounds = [(float(starts[i]), float(starts[i]) + EPOCH_SEC) for i in idx]
    inside = [e for e in events
              if any(e.onset < hi and e.offset > lo for lo, hi in bounds)]
    if not inside:
        # a night with no scoring and no machine scoring has no events to overlap
        return "No event overlaps them." if source in ("no", "none", "") else f"No {source} event overlaps them."
    # Apneas and arousals outlast the second-long spindles and K-complexes beside them.
    timed = sorted(sorted(inside, key=lambda e: -e.duration)[:limit], key=lambda e: e.onset)
    rest = Counter(_event_name(e) for e in inside if e not in timed)
    text = f"{source.capitalize()} events there: " + "; ".join(
        f"{_event_name(e)} {_clock(e.onset, start_time)}-{_clock(e.offset, start_time)}"
        f" ({e.duration:.0f} s)" for e in timed)
    if rest:
        text += "; and " + ", ".join(f"{n} {t}" for t, n in rest.most_common())
    return text + "."


def _event_name(event: Event) -> str:
    return event.type.replace("_", " ")


def _measured(features: pd.DataFrame, idx: np.ndarray, level: str, limit: int) -> dict[str, float]:
    cols = [c for c in features.columns if c.startswith(f"{level}.") and _UNIT.match(c)]
    rows = features.iloc[idx][cols].apply(pd.to_numeric, errors="coerce")
    means = rows.mean(skipna=True).dropna()
    return {c: float(v) for c, v in list(means.items())[:limit]}


def _measured_text(measured: dict[str, float], features: pd.DataFrame, idx: np.ndarray,
                   level: str) -> str:
    if not measured:
        return f"No {level.replace('_', '/')} features could be measured there (channels absent)."
    items = []
    for col, mean in measured.items():
        m = _UNIT.match(col)
        values = pd.to_numeric(features.iloc[idx][col], errors="coerce").dropna()
        spread = (f" (range {values.min():.1f}-{values.max():.1f})" if len(values) > 1
                  and values.max() > values.min() else "")
        unit = "" if m["unit"] in ("ratio", "") else f" {m['unit']}"
        items.append(f"{column_words(col)} {mean:.1f}{unit}{spread}")
    return "Measured (mean): " + "; ".join(items) + "." + _missing_text(features, idx, level)


def _missing_text(features: pd.DataFrame, idx: np.ndarray, level: str) -> str:
    """The ``level`` features that give no value in any of the epochs ``idx`` though they do
    in most of the night: the channel is there, so the gap is a finding (an airflow with no
    breath to time during an apnea), not an absent channel."""
    cols = [c for c in features.columns if c.startswith(f"{level}.") and _UNIT.match(c)]
    values = features[cols].apply(pd.to_numeric, errors="coerce")
    there = values.iloc[idx]
    gone = [c for c in cols if there[c].isna().all() and values[c].notna().mean() >= MISSING_SHARE]
    if not gone:
        return ""
    named = "; ".join(f"{column_words(c)} ({100 * values[c].notna().mean():.0f} %)" for c in gone)
    return f" Not measurable there, though most of the night's epochs have a value: {named}."


# What a model sentence speaks of, and the feature columns (by prefix) that measure it: a
# sentence on the heart rate of a night with no ECG or pulse channel is the decoder's habit,
# not a reading of the night.
_SPOKEN_OF: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = (
    (re.compile(r"\b(?:heart|pulse|cardiac|brady\w*|tachy\w*|hrv|rr interval\w*)\b", re.I),
     ("heart.ecg.", "heart.heart_rate.")),
    (re.compile(r"\b(?:oxygen|saturation|spo2|desaturat\w*)\b", re.I), ("heart.spo2.",)),
    (re.compile(r"\b(?:breath\w*|respirat\w*|airflow|flow)\b", re.I), ("respiratory.",)),
    (re.compile(r"\b(?:delta|theta|alpha|sigma|beta|eeg|spindles?|k-complex\w*|slow waves?)\b", re.I),
     ("brain.eeg.",)),
    (re.compile(r"\b(?:eye|eyes|eog)\b", re.I), ("brain.eog.", "brain.rems.")),
    (re.compile(r"\b(?:chin|muscle|emg|atonia)\b", re.I), ("position_muscle.emg.",)),
)


def _unmeasured(features: pd.DataFrame, idx: np.ndarray) -> tuple[re.Pattern[str], ...]:
    """The topics of :data:`_SPOKEN_OF` that no feature column measured over the epochs ``idx``."""
    rows = features.iloc[idx] if len(features) else features
    return tuple(pattern for pattern, prefixes in _SPOKEN_OF
                 if not any(c.startswith(prefixes) and rows[c].notna().any() for c in features.columns))


def _quoted(captions: Sequence[str], limit: int, unmeasured: tuple[re.Pattern[str], ...] = ()) -> tuple[str, ...]:
    """The model's sentences that hold no digit (a number it made up never reaches the reader)
    and speak of nothing ``unmeasured``, commonest first."""
    # the summary's lead ("In words:") is a training marker, not something the model says
    lead = SUMMARY_LEAD.lower()
    said = (s[len(lead):].strip() if s.lower().startswith(lead) else s
            for c in captions for s in sentences(c))
    counts = Counter(s for s in said if s and not any(ch.isdigit() for ch in s)
                     and not any(p.search(s) for p in unmeasured))
    return tuple(s for s, _ in counts.most_common(limit))
