"""Plan: tie a query to the loaded night (epoch masks, seconds), refusing what cannot be.

The plan holds everything execute needs and nothing it must guess: the epochs in
scope, the span in seconds, the scope in words, and the epoch on screen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import numpy as np

from app.chat.periods import stage_periods
from app.chat.query import SLEEP_STATS, Intent, Query, Scope
from app.chat.results import Episode
from app.chat.timespan import LONGEST_PERIOD, NightClock, TimeSpan, period_stage, resolve
from app.night import LoadedNight
from app.timeexpr import DAY_SEC, format_clock
from sleeplm_core.errors import SleepLMError
from sleeplm_core.heads.cycles import SleepCycles, sleep_cycles
from sleeplm_core.io.recording import EPOCH_SEC, STAGES


class ChatError(SleepLMError):
    """A question that cannot be answered on this night as asked (one line, with the fix)."""


@dataclass(frozen=True)
class Where:
    """A resolved scope.

    Attributes:
        mask: bool per epoch, True inside the scope.
        span: (start, end) seconds of the time restriction, the whole night without one.
        text: the scope in words, "" for the whole night.
        overlap: an item is inside when any part of it is (:attr:`TimeSpan.overlap`), else
            when its start is.
    """

    mask: np.ndarray
    span: tuple[float, float]
    text: str
    overlap: bool = False

    def contains(self, night: LoadedNight, start: float, end: float | None = None) -> bool:
        """Whether an item starting at ``start`` and ending at ``end`` (seconds) is inside the
        scope: by its start, or with :attr:`overlap` by any part of it."""
        if self.overlap and end is not None and start < self.span[0] < end:
            start = self.span[0]   # it runs into the span: read where it enters
        return bool(self.mask[night.epoch_at(start)]) and self.span[0] <= start < self.span[1]


@dataclass(frozen=True)
class Plan:
    """A query tied to the night: its scope, the comparison's scopes and the epoch on screen."""

    query: Query
    where: Where
    current: int
    groups: tuple[Where, ...] = field(default_factory=tuple)


def clock(night: LoadedNight, seconds: float) -> str:
    return format_clock(seconds, night.recording.start_time)


def source_name(source: str) -> str:
    """Plain words for where stages or events come from."""
    return {"scored": "human-scored", "predicted": "model-predicted (SleepLM zero-shot)",
            "none": "no"}.get(source, source)


LONG_OUTSIDE_MIN = 180.0
"""Recording time outside the main sleep episode (min) above which whole-night statistics
mislead: the summary warns that time in bed counts all of it, and the findings read the main
sleep episode instead."""
ONE_NIGHT_H = 12.0
"""Hours up to which a recording may be one night in bed (a 22-h Sleep-EDF file is not)."""
SPLIT_SLEEP_SHARE = 0.10
"""Share of a night's sleep that, lying outside its main sleep episode, makes that episode a
part of the night, not the night (probe P: an 8-h insomnia night, awake 80 min from 03:01, was
read as 22:30-03:01 and lost 75 of its 171 min of sleep; the sleep after a long awakening is
the same night's)."""


def split_night(night: LoadedNight, e: Episode) -> bool:
    """A night in bed whose sleep goes on after a long awakening (insomnia): hours outside its
    main sleep episode that hold a tenth of its sleep or more, in a recording no longer than a
    night."""
    asleep = float((night.stages()[0] >= STAGES.index("N1")).sum()) * EPOCH_SEC / 60
    return (night.recording.duration <= ONE_NIGHT_H * 3600 and asleep > 0
            and e.other_sleep_min >= SPLIT_SLEEP_SHARE * asleep)


def beyond_one_night(night: LoadedNight, e: Episode) -> bool:
    """Whether the recording runs hours beyond its main sleep episode ``e`` (a day-long file, or
    hours of wake before or after the night), so that whole-recording figures mislead; a night
    split by a long awakening does not."""
    return e.beyond_sleep_min >= LONG_OUTSIDE_MIN and not split_night(night, e)

EEG_SLOTS = ("EEG_C3", "EEG_C4")
"""Model slots an EEG fills; without one, sleep cannot be staged by the AASM rules."""


def seconds(duration: float) -> str:
    """A short span in words: tenths under 10 s, since spindles and K-complexes last about a
    second and whole seconds would hide their length."""
    return f"{duration:.1f} s" if duration < 10 else f"{duration:.0f} s"


def length_text(duration: float) -> str:
    """An event's or a span's length (s) in words: :func:`seconds`, minutes from 10 min."""
    return seconds(duration) if duration < 600 else f"{duration / 60:.1f} min"


_PREPOSITIONS = ("in", "between", "from", "after", "before", "during", "until", "since", "around")
"""Words a scope's text may already start with ("between 3 and 4"), else it reads "in" it."""


def scope_bounds(where: Where) -> tuple[int, int] | None:
    """The first epoch and the one after the last of a scope (a span read as if the lights
    went off and on at its edges), None for a scope with no epoch."""
    inside = np.flatnonzero(where.mask)
    return (int(inside[0]), int(inside[-1]) + 1) if len(inside) else None


def span_phrase(text: str) -> str:
    """A scope's text as a phrase after a noun ("between 3 and 4", "in the first half")."""
    return text if text.split(" ", 1)[0] in _PREPOSITIONS else f"in {text}"


def has_eeg(night: LoadedNight) -> bool:
    """Whether the night's montage holds an EEG channel, which sleep is staged from."""
    return any(slot in night.epochs.mapping for slot in EEG_SLOTS)


def stages_guessed(night: LoadedNight, source: str) -> bool:
    """Whether stages from ``source`` are the model's guess on a night without EEG (a home
    sleep test), where per-hour-of-sleep figures rest on that guess."""
    return source == "predicted" and not has_eeg(night)


def night_clock(night: LoadedNight, current: int) -> NightClock:
    return NightClock(night.recording.start_time, night.recording.duration, night.epochs.starts,
                      current)


def cycle_span(time: TimeSpan, night: LoadedNight) -> tuple[float, float]:
    """Seconds of an NREM-REM cycle (:mod:`sleeplm_core.heads.cycles`); one the night does not
    have is refused, naming how many it has."""
    cycles = sleep_cycles(night.stages()[0]).cycles
    index = int(time.start)
    if not -len(cycles) <= index < len(cycles):
        raise ChatError(f"this night has {len(cycles)} NREM-REM cycle{'s' * (len(cycles) != 1)}, "
                        f"so there is no “{time.text.strip()}”; ask about cycles 1-{len(cycles)}"
                        if cycles else "this night has no NREM-REM cycle to look in; ask about "
                        "a time instead")
    c, starts = cycles[index], night.epochs.starts
    return float(starts[c.start]), float(starts[c.end - 1]) + EPOCH_SEC


def main_sleep_episode(night: LoadedNight) -> Episode:
    """The night's main sleep episode, and how much of the recording and its sleep lie outside."""
    return episode_of(night, sleep_cycles(night.stages()[0]))


def reading_span(night: LoadedNight) -> tuple[int, int, str]:
    """The epochs a reading of the whole night (its findings, its norms) covers: the main
    sleep episode of a recording that runs hours beyond it (Sleep-EDF's 22-h files), else the
    whole night; and that span in words ("" for the whole night)."""
    e = main_sleep_episode(night)
    # A night split by a long awakening (insomnia) is still one night, read whole.
    if e.end <= e.start or not beyond_one_night(night, e):
        return 0, night.n_epochs, ""
    lo, hi = night.epoch_at(e.start), night.epoch_at(e.end - EPOCH_SEC) + 1
    return lo, hi, (f"the main sleep period, {clock(night, e.start)[:5]}-{clock(night, e.end)[:5]}"
                    f" (the recording runs {night.recording.duration / 3600:.1f} h)")


def episode_of(night: LoadedNight, found: SleepCycles) -> Episode:
    """The main sleep episode of cycles already found on the night's stages."""
    lo, hi = found.episode
    starts = night.epochs.starts
    start, end = (float(starts[lo]), float(starts[hi - 1]) + EPOCH_SEC) if hi > lo else (0.0, 0.0)
    # the cycles' episode is the whole night (a long awakening inside it included)
    return Episode(start, end, found.other_sleep_min,
                   (night.recording.duration - (end - start)) / 60)


def episode_span(night: LoadedNight) -> tuple[float, float]:
    """Seconds of the main sleep episode; a night without sleep is refused."""
    lo, hi = sleep_cycles(night.stages()[0]).episode
    if hi <= lo:
        raise ChatError("this night has no sleep, so no main sleep period; ask about a time instead")
    starts = night.epochs.starts
    return float(starts[lo]), float(starts[hi - 1]) + EPOCH_SEC


def period_span(time: TimeSpan, night: LoadedNight) -> tuple[float, float]:
    """Seconds of one period of a stage ("the first REM period"); one the night does not have
    is refused, naming how many it has."""
    stage = period_stage(time)
    stages = night.stages()[0]
    # a 22-h recording's periods are those of its main sleep period (its naps are no REM
    # period of the night)
    lo, hi, _ = reading_span(night)
    inside = (np.arange(len(stages)) >= lo) & (np.arange(len(stages)) < hi)
    periods = stage_periods(stages, [STAGES.index(stage)], inside)
    index = int(time.start)
    if index == LONGEST_PERIOD and periods:
        index = max(range(len(periods)), key=lambda i: periods[i][1] - periods[i][0])
    if not -len(periods) <= index < len(periods):
        raise ChatError(f"this night has {len(periods)} {stage} period{'s' * (len(periods) != 1)}, "
                        f"so there is no “{time.text.strip()}”; ask *how many {stage} periods?*")
    a, b = periods[index]
    starts = night.epochs.starts
    return float(starts[a]), float(starts[b]) + EPOCH_SEC


def run_span(night: LoadedNight, current: int) -> tuple[float, float]:
    """Seconds of the unbroken run of the stage of epoch ``current`` ("how long have they
    been in this stage?")."""
    stages = night.stages()[0]
    a = b = int(current)
    while a > 0 and stages[a - 1] == stages[current]:
        a -= 1
    while b + 1 < len(stages) and stages[b + 1] == stages[current]:
        b += 1
    starts = night.epochs.starts
    return float(starts[a]), float(starts[b]) + EPOCH_SEC


def sleep_onset(night: LoadedNight) -> float | None:
    """Seconds of the first sleep epoch (of the main sleep period on a 22-h recording), None
    for a night without sleep."""
    lo, _, _ = reading_span(night)
    sleep = np.flatnonzero(night.stages()[0][lo:] >= STAGES.index("N1"))
    return float(night.epochs.starts[lo + sleep[0]]) if len(sleep) else None


BEFORE_FINAL_SEC = 120.0
"""Seconds read before the final awakening ("what woke her up at the end?")."""


def onset_side_span(time: TimeSpan, night: LoadedNight) -> tuple[float, float]:
    """Seconds before sleep onset (the first sleep epoch), from it to the final awakening (the
    end of the last sleep epoch), from it to the first REM epoch (to the final awakening without
    REM), or the :data:`BEFORE_FINAL_SEC` before the final awakening; a night without sleep is
    refused."""
    sleep = np.flatnonzero(night.stages()[0] >= STAGES.index("N1"))
    if not len(sleep):
        raise ChatError("this night has no sleep, so no sleep onset; ask about a time instead")
    starts = night.epochs.starts
    # the main sleep period's onset: a 22-h recording's lone afternoon sleep epoch is no onset
    onset = sleep_onset(night) or float(starts[sleep[0]])
    if time.kind == "before_onset":
        if onset <= 0.0:
            raise ChatError("sleep starts with the recording's first epoch, so nothing lies "
                            "before sleep onset; ask about a time instead")
        return 0.0, onset
    final = float(starts[sleep[-1]]) + EPOCH_SEC
    if time.kind == "rem_latency":
        # sleep onset to the first REM epoch after it: the REM latency
        rem = np.flatnonzero((night.stages()[0] == STAGES.index("REM")) & (starts >= onset))
        return onset, float(starts[rem[0]]) if len(rem) else final
    if time.kind == "before_final":
        if final >= night.recording.duration - 1e-6:
            raise ChatError("the recording ends asleep, so there is no final awakening to look before; "
                            "ask e.g. *what happened in the last 10 minutes?*")
        return max(onset, final - BEFORE_FINAL_SEC), final
    return onset, final


def span_stage(time: TimeSpan) -> str | None:
    """The stage a span's words name ("the first N2 epoch", "the least certain REM epoch"),
    None for none."""
    m = re.search(r"\b(rem|n[123]|w)\b", time.text, re.IGNORECASE)
    return m.group(1).upper() if m else None


def stage_epoch_span(time: TimeSpan, night: LoadedNight) -> tuple[float, float]:
    """Seconds of one epoch of a stage ("the first N2 epoch"), in the answers' hypnogram."""
    stage = span_stage(time) or "W"
    stages, _ = night.stages()
    idx = np.flatnonzero(stages == STAGES.index(stage))
    index = int(time.start)
    if not -len(idx) <= index < len(idx):
        raise ChatError(f"this night has no {stage} epoch, so there is no “{time.text.strip()}”; "
                        f"ask *how much {stage}?*")
    start = float(night.epochs.starts[idx[index]])
    return start, start + EPOCH_SEC


def least_sure_span(time: TimeSpan, night: LoadedNight) -> tuple[float, float]:
    """Seconds of the epoch whose machine-staging probability of its chosen stage is lowest
    ("show me the most uncertain one") or, with ``time.start`` 1, highest ("the most confident
    REM epoch"), among the epochs it stages as the stage ``time.text`` names, if any; the first
    such epoch on a tie."""
    machine = night.machine
    proba = None if machine is None or not machine.has_stages else machine.proba_at(night.epochs.starts)
    if proba is None or not np.isfinite(proba).any():
        raise ChatError("the machine staging gave no stage probabilities on this night, so no epoch is "
                        "least sure; ask *how confident is the staging?*")
    sure = np.nanmax(np.where(np.isfinite(proba), proba, -np.inf), axis=1)
    ok = np.isfinite(sure)
    if (stage := span_stage(time)) is not None:
        ok &= np.argmax(np.where(np.isfinite(proba), proba, -np.inf), axis=1) == STAGES.index(stage)
        if not ok.any():
            raise ChatError(f"the machine staging calls no epoch {stage} on this night; ask *how "
                            f"confident is the staging?* for its other stages")
    pick = np.argmax(np.where(ok, sure, -np.inf)) if time.start == 1 else np.argmin(np.where(ok, sure, np.inf))
    start = float(night.epochs.starts[int(pick)])
    return start, start + EPOCH_SEC


BACKWARDS_SEC = 18 * 3600.0
"""A clock range longer than this read forward ("between 4 and 2 am") is taken as mistyped;
a whole night read across midnight ("between 8 pm and 9 am") stays well under it."""


def span_of(time: TimeSpan, night: LoadedNight, current: int) -> tuple[float, float]:
    """Seconds of a time span; a span outside the night is refused naming the night's span."""
    if time.within is not None:
        return part_span(time, span_of(time.within, night, current))
    if time.kind == "cycle":
        return cycle_span(time, night)
    if time.kind == "period":
        return period_span(time, night)
    if time.kind == "episode":
        return episode_span(night)
    if time.kind == "run":
        return run_span(night, current)
    if time.kind == "least_sure":
        return least_sure_span(time, night)
    if time.kind == "stage_epoch":
        return stage_epoch_span(time, night)
    if time.kind in ("before_onset", "after_onset", "before_final", "rem_latency"):
        return onset_side_span(time, night)
    if time.kind in _CLOCK_KINDS and (bad := _IMPOSSIBLE_CLOCK_RE.search(time.text)) is not None:
        # "at 25:70" would wrap to 02:10: a clock that does not exist is refused, not guessed
        raise ChatError(f"“{bad.group(0)}” is not a time of day (hours run 0-23, minutes and seconds 0-59); "
                        f"ask e.g. *at 02:10*")
    if time.kind == "clock" and time.end is not None and (time.end - time.start) % DAY_SEC == 0:
        # "between 2 and 2 am" read forward would be the whole day
        lo = f"{int(time.start) // 3600 % 24:02d}:{int(time.start) % 3600 // 60:02d}"
        hi = f"{(int(time.start) // 3600 + 1) % 24:02d}:{int(time.start) % 3600 // 60:02d}"
        raise ChatError(f"“{time.text.strip()}” starts and ends at the same time, so it holds nothing; "
                        f"ask e.g. *between {lo} and {hi}*")
    if (time.kind == "clock" and time.end is not None
            and (time.end - time.start) % DAY_SEC > BACKWARDS_SEC):
        # "between 4 and 2 am" read forward would run 22 h; it is the other order, mistyped.
        lo, hi = (f"{int(t) // 3600 % 24:02d}:{int(t) % 3600 // 60:02d}" for t in (time.end, time.start))
        raise ChatError(f"“{time.text.strip()}” runs backwards (its end comes before its start); "
                        f"ask e.g. *between {lo} and {hi}*")
    start, end = resolve(time, night_clock(night, current))
    last = night.recording.duration
    if start >= last or end <= start or (time.kind == "epoch" and not
                                         0 <= time.start < night.n_epochs):
        raise ChatError(f"“{time.text.strip()}” is outside this recording, which runs from "
                        f"{clock(night, 0.0)} to {clock(night, last)} (epochs 0-"
                        f"{night.n_epochs - 1}); ask about a time inside it")
    return start, end


_CLOCK_KINDS = ("clock", "after", "before")
_IMPOSSIBLE_CLOCK_RE = re.compile(r"(?<![:\d])(?:2[5-9]|[3-9]\d):\d\d\b|(?<![:\d])\d{1,2}:[6-9]\d\b"
                                  r"|(?<![:\d])\d{1,2}:\d\d:[6-9]\d\b"
                                  r"|(?<![:\d])(?:1[3-9]|2\d)(?::\d\d)?\s*[ap]\.?m\b", re.I)
"""A clock no day has ("25:70", "3:61", "14 pm"); 24:00 stays, as midnight."""


def part_span(time: TimeSpan, outer: tuple[float, float]) -> tuple[float, float]:
    """Seconds of a part ("the second half", "the last hour") of the span ``outer``, cut on
    its epoch grid so that two halves share no epoch."""
    a, b = outer
    if time.kind == "fraction":
        lo, hi = a + time.start * (b - a), a + (time.end or 1.0) * (b - a)
    elif time.kind == "from_end":
        lo, hi = b - time.start, b - (time.end or 0.0)
    else:
        lo, hi = a + time.start, a + (time.end if time.end is not None else EPOCH_SEC)
    lo, hi = min(max(lo, a), b), min(max(hi, a), b)   # "after the first hour" runs to the end

    def snap(t: float) -> float:
        return min(b, max(a, a + round((t - a) / EPOCH_SEC) * EPOCH_SEC))
    return snap(lo), snap(hi)


def scope_text(scope: Scope) -> str:
    parts = []
    # "in the first REM period" says its stage already
    named = (period_stage(scope.time),) if scope.time and scope.time.kind == "period" else ()
    if scope.stages and scope.stages != named:
        parts.append("in " + "/".join(scope.stages))
    if scope.time is not None:
        words = scope.time.text.strip()
        # "the first hour" reads as a place in a sentence only with a preposition.
        if not re.match(r"(?:after|before|between|from|at|around|near|about|since|until|till|to"
                        r"|on|during|in|over|past|later|earlier|(?:late|early|toward\w*)\s+(?:in"
                        r"|on|into))\b", words, re.IGNORECASE):
            words = "in " + words
        parts.append(words)
    return " ".join(parts)


def resolve_scope(scope: Scope, night: LoadedNight, current: int) -> Where:
    """The epochs and seconds of a scope."""
    mask = np.ones(night.n_epochs, dtype=bool)
    span = (0.0, night.recording.duration)
    if scope.stages:
        stages, _ = night.stages()
        mask &= np.isin(stages, [STAGES.index(s) for s in scope.stages])
    if scope.time is not None and scope.time.kind in NIGHT_PARTS and scope.time.within is None:
        scope = replace(scope, time=_of_main_period(scope.time, night))
    if scope.time is not None:
        span = span_of(scope.time, night, current)
        starts = night.epochs.starts
        mask &= (starts + EPOCH_SEC > span[0]) & (starts < span[1])
    return Where(mask, span, scope_text(scope), overlap=scope.time is not None and scope.time.overlap)


NIGHT_PARTS = ("fraction", "period", "elapsed", "from_end")
"""Time spans that are parts of the night ("the first half", "the first REM period", "the
first 90 minutes", "the last hour"), read in the main sleep period of a 22-h recording."""


def reads_main_period(time: TimeSpan | None, night: LoadedNight) -> bool:
    """Whether a scope's time is read inside the main sleep period: named so ("the main sleep
    period"), or a part of the night on a 22-h recording (:func:`_of_main_period`)."""
    if time is None:
        return False
    return time.kind == "episode" or (time.kind in NIGHT_PARTS and time.within is None
                                      and bool(reading_span(night)[2]))


def _of_main_period(time: TimeSpan, night: LoadedNight) -> TimeSpan:
    """"The first half", "the first 90 minutes" or "the first REM period" of a 22-h
    recording is that of its main sleep period, not of the file (as its findings and norms
    read it), and says so; of any other night, the night's."""
    lo, hi, words = reading_span(night)
    if not words:
        return time
    starts = night.epochs.starts
    own = re.sub(r"\s+of (?:the|this) (?:night|recording)\b", "", time.text.strip(), flags=re.I)
    outer = (float(starts[lo]), float(starts[hi - 1]) + EPOCH_SEC)
    if time.kind == "period":   # period_span reads the main sleep period itself
        return replace(time, text=f"{own} of the main sleep period ({clock(night, outer[0])[:5]}-"
                                  f"{clock(night, outer[1])[:5]})")
    # "the second half of the main sleep period (03:58-07:13)": the part's own clock times
    a, b = part_span(time, outer)
    text = f"{own} of the main sleep period ({clock(night, a)[:5]}-{clock(night, b)[:5]})"
    return replace(time, text=text, within=TimeSpan("episode", text="the main sleep period"))


def _sleep_stat_of_main_period(query: Query, night: LoadedNight) -> Query:
    """"What's the sleep efficiency?" of a 22-h recording without lights-off and lights-on
    marks is that of its main sleep period (SC4001: 79.8 %, not the file's 23.9 %), as its
    norms read it; the answer gives the whole recording's beside it."""
    if query.intent != Intent.SUMMARY or query.stat not in SLEEP_STATS or query.topic or (
            query.scope.time is not None):
        return query
    words = reading_span(night)[2]
    if not words:
        return query
    return replace(query, scope=replace(query.scope, time=TimeSpan("episode", text=f"over {words}")))


def make_plan(query: Query, night: LoadedNight, current: int) -> Plan:
    """Resolve the query's scope (and a comparison's two scopes) on the night."""
    query = _sleep_stat_of_main_period(query, night)
    where = resolve_scope(query.scope, night, current)
    groups = tuple(resolve_scope(g, night, current) for g in query.groups or ())
    return Plan(query, where, current, groups)
