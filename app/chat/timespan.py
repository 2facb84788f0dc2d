"""Time expressions in chat questions, and their resolution to recording seconds.

Parsing is pure text work and knows nothing about the loaded night; resolution
needs the recording's wall-clock start and length. A clock range that crosses
midnight ("between 11 pm and 1 am") is read forward in time, as a technician
means it; "after 3 am" runs to the end of the night, "before 1 am" from its start.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import numpy as np

from app.timeexpr import DAY_SEC

TimeKind = Literal["clock", "after", "before", "elapsed", "from_end", "epoch", "fraction",
                   "current", "cycle", "episode", "period", "before_onset", "after_onset", "item",
                   "run", "least_sure", "stage_epoch", "before_final", "rem_latency"]

_MERIDIEM = r"(am|pm|a\.m\.|p\.m\.)"
_CLOCK = rf"(\d{{1,2}})(?::(\d{{2}}))?(?::(\d{{2}}))?\s*{_MERIDIEM}?"
# A clock a user means as one: with minutes, a meridiem or "o'clock".
_FIRM_CLOCK = rf"(\d{{1,2}})(?::(\d{{2}}))?(?::(\d{{2}}))?\s*(?:{_MERIDIEM}|o'?clock)"
_RANGE_RE = re.compile(
    rf"\b(?:between|from)\s+{_CLOCK}\s+(?:and|to|until|till|-)\s+{_CLOCK}", re.IGNORECASE)
# "3:15 to 3:45", "1am-2am": a range without between/from, only when a clock is firm, since
# "from 88 to 92" and "60-100 bpm" are numbers.
_BARE_RANGE_RE = re.compile(rf"\b{_CLOCK}\s*(?:to|until|till|-|–)\s*{_CLOCK}", re.IGNORECASE)
_OPEN_RE = re.compile(rf"\b(after|since|from|past|later than|before|until|till|earlier than)\s+"
                      rf"{_CLOCK}(?!\d|\.\d)(?!\s*(?:min\w*|hours?|h\b|s\b|sec\w*|%|percent|bpm))",
                      re.IGNORECASE)
_POINT_RE = re.compile(rf"\b(?:at|around|near|about|to|on)\s+{_CLOCK}", re.IGNORECASE)
_BARE_CLOCK_RE = re.compile(rf"\b(\d{{1,2}}):(\d{{2}})(?::(\d{{2}}))?\s*{_MERIDIEM}?", re.IGNORECASE)
_BARE_FIRM_RE = re.compile(rf"\b{_FIRM_CLOCK}", re.IGNORECASE)
# "epoch -3" is read (and refused as outside the night) rather than taken for the current one.
_EPOCH_RE = re.compile(r"\bepochs?\s+#?(-?\d+)(?:\s*(?:-|to|through|and)\s*(\d+))?", re.IGNORECASE)
NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                "eight": 8, "nine": 9, "ten": 10, "fifteen": 15, "twenty": 20, "thirty": 30, "few": 3, "a few": 3,
                "couple of": 2, "a couple of": 2}
"""Counts in words, as the chat's patterns name them ("the two hours after 3", "go back three epochs")."""
_SPAN_RE = re.compile(
    r"\b(?:the\s+)?(first|last|final)\s+(?:(\d+|one|two|three|four|five|six|ten|fifteen|twenty"
    r"|thirty)\s+)?(hours?|minutes?|mins?)\b", re.IGNORECASE)
# "without the first hour", "after the first two hours": the rest of the night
_REST_LEAD_RE = re.compile(r"\b(?:after|without|exclud(?:e|es|ing)|except(?: for)?|apart from|other than|beyond|past"
                           r"|ignor(?:e|es|ing)|leav(?:e|ing) out|minus|not counting|but|from the end of|drop(?:ping)?"
                           r"|remov(?:e|ing)|skip(?:ping)?|discard(?:ing)?|cut(?:ting)? (?:out|off)|tak(?:e|ing) (?:out|away))"
                           r"\s*$", re.IGNORECASE)
_THIRD_RE = re.compile(r"\b(?:the\s+)?(first|second|middle|last|final)\s+third\b"
                       r"(?:\s+of\s+the\s+night)?", re.IGNORECASE)
_THIRDS = {"first": 0, "second": 1, "middle": 1, "last": 2, "final": 2}
_HALF_RE = re.compile(r"\b(?:the\s+)?(first|second|1st|2nd|last)\s+half\b(?:\s+of\s+the\s+night)?",
                      re.IGNORECASE)
# "the hour after 4 am", "the 30 minutes before 3": a length of time tied to a clock.
# ("awakenings longer than 2 min after 3am" is a length, then the open end "after 3am")
_ANCHORED_RE = re.compile(
    r"(?<!than )(?<!over )(?<!least )(?<!under )(?<!exceeding )(?<!\d )(?<!\d)"
    r"\b(?:the\s+|an?\s+)?(?:(\d+|one|two|three|four|five|six|ten|fifteen|twenty|thirty)\s+)?"
    rf"(hours?|minutes?|mins?)\s+(after|following|before|around)\s+{_CLOCK}"
    r"(?!\s*(?:min\w*|hours?|h\b|s\b|sec\w*|%|percent|bpm))", re.IGNORECASE)
# "hours 3 to 5", "hour 2", "the third hour": hours counted from the recording's start, the
# first being hour 1 (a clock needs "at", a colon or a meridiem, so these are never clocks).
_HOURS_RANGE_RE = re.compile(r"\bhours?\s+(\d{1,2})\s*(?:to|through|thru|until|till|-|–|and)\s*(\d{1,2})\b"
                             r"(?!\s*(?::|am\b|pm\b|o'?clock))", re.IGNORECASE)
_HOUR_NUMBER_RE = re.compile(r"\bhour\s+(?:number\s+)?(\d{1,2})\b(?!\s*(?::|am\b|pm\b|o'?clock))", re.IGNORECASE)
_NTH_HOUR_RE = re.compile(r"\b(?:the\s+)?(second|third|fourth|fifth|sixth|seventh|eighth|ninth|2nd|3rd|4th|5th|6th"
                          r"|7th|8th|9th)\s+hour\b", re.IGNORECASE)
_PART_RE = re.compile(
    r"\b(early (?:in|part of) the night|(?:the )?(?:beginning|start|middle|end) of the night"
    r"|late (?:in|part of) the night|towards? (?:the )?morning|early morning)\b", re.IGNORECASE)
_CYCLE_ORDINALS = {"first": 0, "1st": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2, "fourth": 3,
                   "4th": 3, "fifth": 4, "5th": 4, "sixth": 5, "6th": 5, "seventh": 6, "7th": 6,
                   "eighth": 7, "8th": 7, "ninth": 8, "9th": 8, "last": -1, "final": -1}
# "the first NREM period" is the NREM part of the first cycle (Feinberg & Floyd): the cycle,
# whose words keep "NREM" for the stages
_CYCLE_RE = re.compile(rf"\b(?:the\s+)?({'|'.join(_CYCLE_ORDINALS)})\s+(?:sleep\s+|nrem[- ]?rem\s+)?"
                       rf"cycle\b|\bcycle\s+(\d)\b"
                       rf"|\b(?:the\s+)?({'|'.join(_CYCLE_ORDINALS)})\s+(?:nrem|non[- ]?rem)\s+(?:sleep\s+)?"
                       rf"(?:period|episode|bout)\b", re.IGNORECASE)
# "the first REM period", "the last N3 episode": one of a stage's periods (``start`` its index).
_PERIOD_RE = re.compile(rf"\b(?:the\s+)?({'|'.join(_CYCLE_ORDINALS)}|longest)\s+(rem|n[123]|deep|slow[- ]wave)"
                        rf"(?:\s+sleep)?\s+(?:period|episode|bout)\b", re.IGNORECASE)
# "wake before sleep onset", "after falling asleep": either side of the first sleep.
_ONSET_SIDE_RE = re.compile(r"\b(before|after|since)\s+(?:(?:the\s+)?sleep\s+onset|falling asleep|"
                            r"(?:she|he|they|the patient|i|we)\s+fell asleep|sleep\s+(?:began|started))\b"
                            r"|\b(pre)-?sleep\b(?!\s+(?:spindles?|apn))", re.IGNORECASE)
# "the main sleep period": on a recording that holds naps or a whole day, the night's sleep.
_EPISODE_RE = re.compile(r"\b(?:the\s+)?main\s+(?:sleep\s+)?(?:period|episode|bout|block)\b"
                         r"|\b(?:the\s+)?main\s+sleep\b", re.IGNORECASE)
# "what is the alpha power here?": a question that ends on "here" asks about the view.
# ("how sure are you about the AHI on this one?", "spindle detection for this one": the recording)
_CURRENT_RE = re.compile(r"\b(?:this|current|the current|that)\s+(?:epoch|window)\b|(?<!\bon )(?<!\bfor )\bthis one\b"
                         r"|\b(?:the|this) (?:current|displayed|visible) one\b|\bthe one (?:on screen|shown|displayed)\b"
                         r"|\bright here\b|\bon (?:the )?screen\b"
                         # "what does N3 look like here?", "what is X and what is it here?" are
                         # this recording, not this epoch
                         r"|(?<!look like )(?<!looks like )(?<!is it )(?<!is that )(?<!are they )"
                         r"\bhere\W*$", re.IGNORECASE)


LONGEST_PERIOD = -2
"""``TimeSpan("period").start`` for a stage's longest period."""


def period_stage(span: TimeSpan) -> str:
    """The stage a ``period`` span names: "REM", "N1", "N2", or "N3" (deep, slow-wave)."""
    if m := re.search(r"\b(rem|n[12])\b", span.text, re.IGNORECASE):
        return m.group(1).upper()
    return "N3"


@dataclass(frozen=True)
class TimeSpan:
    """A time span named in a question, before it is tied to a recording.

    Attributes:
        kind: how ``start``/``end`` are measured:
            ``clock`` seconds after midnight (wall clock);
            ``after``/``before`` a wall-clock second (``start``) to the night's end / from
            its start;
            ``elapsed`` seconds from the recording start;
            ``item`` seconds from the recording start of something an answer showed (an
            event, a period), which is never read as a part of the night;
            ``from_end`` seconds before the recording end (``start`` > ``end``);
            ``epoch`` epoch indices (``end`` inclusive);
            ``fraction`` fraction of the night in [0, 1];
            ``current`` the epoch on screen (start/end unused);
            ``cycle`` an NREM-REM cycle, ``start`` its 0-based index (-1 the last); the
            plan resolves it, since it needs the hypnogram;
            ``episode`` the main sleep episode (``sleeplm_core.heads.cycles``), resolved
            by the plan likewise;
            ``period`` one period of a stage (``app.chat.periods``), ``start`` its 0-based
            index (-1 the last, -2 the longest), the stage named in ``text``; the plan
            resolves it.
            ``before_onset`` / ``after_onset`` the recording before sleep onset / from it to
            the final awakening, resolved by the plan from the hypnogram.
            ``run`` the unbroken stretch of the stage of the epoch on screen, resolved by the
            plan likewise.
            ``least_sure`` the epoch the machine staging is least sure of (``start`` 1: most
            sure), among those it stages as the stage named in ``text`` if any, resolved by the
            plan from its stage probabilities.
            ``before_final`` the minutes before the final awakening, resolved by the plan
            from the hypnogram.
            ``rem_latency`` sleep onset to the first REM epoch, resolved by the plan likewise.
            ``stage_epoch`` one epoch of a stage, ``start`` its 0-based index among them (-1
            the last), the stage named in ``text`` ("the first N2 epoch"); the plan resolves it.
        start: start of the span in the unit of ``kind``.
        end: end of the span, or None for a point in time.
        text: the words that named it.
        within: the span a ``fraction``, ``elapsed`` or ``from_end`` span is a part of ("the
            second half of the main sleep period"), None for the whole recording.
        overlap: an event is in the span when any part of it is, not only its start (the
            seconds around an event shown: an apnea that began before them and runs into
            them is near it).
    """

    kind: TimeKind
    start: float = 0.0
    end: float | None = None
    text: str = ""
    within: TimeSpan | None = None
    overlap: bool = False


def _clock_seconds(hour: str, minute: str | None, second: str | None, ampm: str | None) -> float:
    h = int(hour) % 24
    # "between 11 pm and 00:00" ("midnight"): a 24-h clock takes no meridiem from the other end
    if ampm and 1 <= int(hour) <= 12:
        h = h % 12 + (12 if ampm.lower().startswith("p") else 0)
    return h * 3600.0 + int(minute or 0) * 60.0 + int(second or 0)


def _parse_range(match: re.Match[str]) -> TimeSpan:
    g = match.groups()
    # "between 1 and 2 am": the meridiem written once applies to both ends.
    start = _clock_seconds(g[0], g[1], g[2], g[3] or g[7])
    end = _clock_seconds(g[4], g[5], g[6], g[7] or g[3])
    if g[3] and not g[7]:
        # "between 11 pm and 1": 1 am, two hours on, not 1 pm fourteen hours on
        bare = _clock_seconds(g[4], g[5], g[6], None)
        end = min(end, bare, key=lambda e: (e - start) % 86400.0)
    return TimeSpan("clock", start, end, match.group(0))


def _parse_span(match: re.Match[str], before: str = "") -> TimeSpan:
    """"the first hour", "the last 30 minutes"; after "without" or "after" (``before``: the
    words before the match), the rest of the night: "after the first hour" runs from its end to
    the night's, "without the last hour" from the night's start to that hour's."""
    which, count, unit = match.group(1).lower(), match.group(2), match.group(3).lower()
    n = 1 if count is None else int(NUMBER_WORDS.get(count.lower(), count))
    seconds = n * (3600.0 if unit.startswith("h") else 60.0)
    rest = _REST_LEAD_RE.search(before) is not None
    if which == "first":
        if rest:
            return TimeSpan("elapsed", seconds, math.inf, f"after {match.group(0).strip()}")
        return TimeSpan("elapsed", 0.0, seconds, match.group(0))
    if rest:
        return TimeSpan("from_end", math.inf, seconds, f"before {match.group(0).strip()}")
    return TimeSpan("from_end", seconds, 0.0, match.group(0))


# Early/middle/late are thirds; the very beginning and end are the first/last eighth.
_PARTS: dict[str, tuple[float, float]] = {"early": (0.0, 1 / 3), "beginning": (0.0, 1 / 8),
                                          "start": (0.0, 1 / 8), "middle": (1 / 3, 2 / 3),
                                          "late": (2 / 3, 1.0), "end": (7 / 8, 1.0),
                                          "toward": (2 / 3, 1.0)}


def _parse_part(match: re.Match[str]) -> TimeSpan:
    words = match.group(1).lower().removeprefix("the ")
    key = "early" if words == "early morning" else next(k for k in _PARTS if words.startswith(k))
    lo, hi = _PARTS[key]
    return TimeSpan("fraction", lo, hi, match.group(0))


def _anchored(match: re.Match[str]) -> TimeSpan | None:
    """"the hour after 4 am": a clock range of that length after, before or around the
    clock; None for a bare number past 12 ("the minutes after 25"), as for open ends."""
    count, unit, word, *g = match.groups()
    if not (g[1] or g[3]) and int(g[0]) > 12:
        return None
    n = 1 if count is None else int(NUMBER_WORDS.get(count.lower(), count))
    length = n * (3600.0 if unit.lower().startswith("h") else 60.0)
    at = _clock_seconds(*g)
    start = {"before": at - length, "around": at - length / 2}.get(word.lower(), at)
    return TimeSpan("clock", start % DAY_SEC, (start + length) % DAY_SEC, match.group(0))


def _open_ended(match: re.Match[str]) -> TimeSpan | None:
    word, g = match.group(1).lower(), match.groups()[1:]
    if not (g[1] or g[3]) and int(g[0]) > 12:
        return None
    kind = "before" if word in ("before", "until", "till", "earlier than") else "after"
    return TimeSpan(kind, _clock_seconds(*g), None, match.group(0))


# "the second half of the main sleep period", "the last hour of the first cycle": a part of
# another span; "of the night" is the whole recording, which the plain patterns read.
_NESTED_RE = re.compile(
    r"\b(?:the\s+)?(?:(?:first|second|1st|2nd|last)\s+half|(?:first|second|middle|last|final)"
    r"\s+third|(?:first|last|final)\s+(?:(?:\d+|one|two|three|four|five|six|ten|fifteen|twenty"
    r"|thirty)\s+)?(?:hours?|minutes?|mins?))\s+of\s+(?!(?:the\s+)?(?:night|recording)\b)",
    re.IGNORECASE)
# "the second half of sleep", "of the sleep period": sleep onset to the final awakening.
_SLEEP_PERIOD_RE = re.compile(r"^(?:the\s+)?(?:sleep(?:\s+period)?|night'?s\s+sleep)\b",
                              re.IGNORECASE)
_CONTAINERS = ("episode", "cycle", "period", "after_onset", "before_onset", "clock", "after",
               "before", "epoch")


def parse_time(text: str) -> TimeSpan | None:
    """Find the first time expression in ``text``; None when it names no time."""
    if (m := _NESTED_RE.search(text)) and (span := _nested(m, text[m.end():])):
        return span
    if (span := _counted_hours(text)) is not None and span.within is not None:
        return span   # "hours 2 to 3 after sleep onset" before "after sleep onset" alone
    return _parse_plain(text)


def _nested(match: re.Match[str], rest: str) -> TimeSpan | None:
    """A part ("the second half") of the span named after "of"; None when none is named."""
    if m := _SLEEP_PERIOD_RE.match(rest):
        within = TimeSpan("after_onset", 0.0, None, m.group(0))
    else:
        within = _parse_plain(rest)
    part = _parse_plain(match.group(0))
    if within is None or within.kind not in _CONTAINERS or part is None or (
            within.kind == "clock" and within.end is None):
        return None
    words = f"{match.group(0)}{within.text.strip()}"
    return TimeSpan(part.kind, part.start, part.end, words, within)


# "what happened before the final awakening?": the minutes that led to it
_BEFORE_FINAL_RE = re.compile(r"\b(?:just |right |shortly |in the minutes? )?before (?:the|her|his|their) final"
                              r" (?:awakening|wake[- ]up)\b", re.IGNORECASE)


# "hour 4 of sleep", "the third hour after sleep onset": hours counted from sleep onset
_OF_SLEEP_RE = re.compile(r"\s+(?:of|into|after)\s+(?:(?:the|her|his|their)\s+)?(?:sleep(?:\s+period)?"
                          r"(?:\s+onset)?|falling\s+asleep)\b", re.IGNORECASE)


def _counted_hours(text: str) -> TimeSpan | None:
    """"hours 3 to 5" (2-5 h into the recording), "hour 2", "the third hour"; counted from
    sleep onset when followed by "of sleep"; else None."""
    if (m := _HOURS_RANGE_RE.search(text)) and 1 <= int(m.group(1)) <= int(m.group(2)):
        first, last = int(m.group(1)) - 1, int(m.group(2))
    elif (m := _HOUR_NUMBER_RE.search(text)) and int(m.group(1)) >= 1:
        first, last = int(m.group(1)) - 1, int(m.group(1))
    elif m := _NTH_HOUR_RE.search(text):
        first = _CYCLE_ORDINALS[m.group(1).lower()]
        last = first + 1
    else:
        return None
    if tail := _OF_SLEEP_RE.match(text, m.end()):
        return TimeSpan("elapsed", first * 3600.0, last * 3600.0, m.group(0) + tail.group(0),
                        TimeSpan("after_onset", 0.0, None, "sleep onset"))
    return TimeSpan("elapsed", first * 3600.0, last * 3600.0, m.group(0))


# "the 3am hour", "the 5 o'clock hour", "the hour from 2am": that clock hour, not its first epoch
_CLOCK_HOUR_RE = re.compile(rf"\b(?:the\s+)?{_FIRM_CLOCK}\s+hour\b", re.IGNORECASE)
_HOUR_OF_CLOCK_RE = re.compile(rf"\bthe\s+hour\s+(?:of|from|starting(?:\s+at)?|beginning(?:\s+at)?|after)\s+"
                               rf"{_FIRM_CLOCK}", re.IGNORECASE)


def _parse_plain(text: str) -> TimeSpan | None:
    if m := _CLOCK_HOUR_RE.search(text) or _HOUR_OF_CLOCK_RE.search(text):
        start = _clock_seconds(*m.groups())
        return TimeSpan("clock", start, start + 3600.0, m.group(0))
    if m := _EPOCH_RE.search(text):
        end = float(m.group(2)) if m.group(2) else None
        return TimeSpan("epoch", float(m.group(1)), end, m.group(0))
    if m := _RANGE_RE.search(text):
        return _parse_range(m)
    if (m := _BARE_RANGE_RE.search(text)) and any(m.group(i) for i in (2, 4, 6, 8)):
        return _parse_range(m)
    if (m := _ANCHORED_RE.search(text)) and (span := _anchored(m)):
        return span
    if (m := _OPEN_RE.search(text)) and (span := _open_ended(m)):
        return span
    if m := _POINT_RE.search(text):
        if m.group(2) or m.group(4):  # "at 3" alone is too ambiguous to be a time
            return TimeSpan("clock", _clock_seconds(*m.groups()), None, m.group(0))
    if m := _BARE_CLOCK_RE.search(text):
        return TimeSpan("clock", _clock_seconds(*m.groups()), None, m.group(0))
    if m := _BARE_FIRM_RE.search(text):
        return TimeSpan("clock", _clock_seconds(*m.groups()), None, m.group(0))
    if m := _BEFORE_FINAL_RE.search(text):
        return TimeSpan("before_final", text="the minutes before the final awakening")
    if m := _ONSET_SIDE_RE.search(text):
        before = (m.group(1) or m.group(2)).lower() in ("before", "pre")
        return TimeSpan("before_onset" if before else "after_onset", 0.0, None, m.group(0))
    if m := _PERIOD_RE.search(text):
        word = m.group(1).lower()
        index = LONGEST_PERIOD if word == "longest" else _CYCLE_ORDINALS[word]
        return TimeSpan("period", float(index), None, m.group(0))
    if m := _EPISODE_RE.search(text):
        return TimeSpan("episode", 0.0, None, m.group(0))
    if m := _CYCLE_RE.search(text):
        word = m.group(1) or m.group(3)
        index = _CYCLE_ORDINALS[word.lower()] if word else int(m.group(2)) - 1
        return TimeSpan("cycle", float(index), None, m.group(0))
    if m := _SPAN_RE.search(text):
        return _parse_span(m, text[:m.start()])
    if span := _counted_hours(text):
        return span
    if m := _THIRD_RE.search(text):
        k = _THIRDS[m.group(1).lower()]
        return TimeSpan("fraction", k / 3, (k + 1) / 3, m.group(0))
    if m := _HALF_RE.search(text):
        first = m.group(1).lower() in ("first", "1st")
        return TimeSpan("fraction", 0.0 if first else 0.5, 0.5 if first else 1.0, m.group(0))
    if m := _PART_RE.search(text):
        return _parse_part(m)
    if m := _CURRENT_RE.search(text):
        words = m.group(0)
        return TimeSpan("current", text="this epoch" if words.lower().startswith("here") else words)
    return None


@dataclass(frozen=True)
class NightClock:
    """What a time span needs to know about the loaded night.

    Attributes:
        start_time: wall-clock start of the recording, None if the file has none.
        duration: recording length in seconds.
        epoch_starts: start of each model epoch in seconds from recording start.
        current_epoch: index of the epoch on screen.
    """

    start_time: datetime | None
    duration: float
    epoch_starts: np.ndarray
    current_epoch: int = 0


def _clock_to_elapsed(clock_sec: float, night: NightClock) -> float:
    if night.start_time is None:
        # Without a wall clock the best reading of "02:15" is 2 h 15 min into the night.
        return clock_sec
    t0 = night.start_time
    start_clock = t0.hour * 3600.0 + t0.minute * 60.0 + t0.second
    return (clock_sec - start_clock) % DAY_SEC


def clock_point(span: TimeSpan, night: NightClock) -> float | None:
    """Seconds from the recording start of a clock point ("at 01:44:38"), to the second;
    None for any other span."""
    if span.kind != "clock" or span.end is not None or span.within is not None:
        return None
    return _clock_to_elapsed(span.start, night)


def resolve(span: TimeSpan, night: NightClock) -> tuple[float, float]:
    """Turn a span into (start, end) seconds from the recording start, clipped to the night.

    A point in time resolves to the 30-s epoch that contains it. A start at or after
    the night's end is returned unclipped so that the caller can refuse it.
    """
    starts = night.epoch_starts
    epoch_len = float(np.median(np.diff(starts))) if len(starts) > 1 else 30.0
    if span.kind == "epoch":
        last = int(span.end) if span.end is not None else int(span.start)
        return _clip(_epoch_time(starts, int(span.start), epoch_len),
                     _epoch_time(starts, last, epoch_len) + epoch_len, night)
    if span.kind == "current":
        t = _epoch_time(starts, night.current_epoch, epoch_len)
        return _clip(t, t + epoch_len, night)
    if span.kind == "fraction":
        return _clip(span.start * night.duration, (span.end or 1.0) * night.duration, night)
    if span.kind == "from_end":
        return _clip(night.duration - span.start, night.duration - (span.end or 0.0), night)
    if span.kind in ("elapsed", "item"):
        return _clip(span.start, span.end if span.end is not None else span.start + epoch_len, night)
    start = _clock_to_elapsed(span.start, night)
    if (span.kind != "clock" or span.end is not None) and _before_start(start, night):
        # "between 10 pm and 7 am" on a night from 22:30: the range opens before the recording
        start -= DAY_SEC
    if span.kind == "after":
        return _clip(start, max(night.duration, start), night)
    if span.kind == "before":
        return _clip(0.0, start, night)
    if span.end is None:
        point = start - (start - float(starts[0] if len(starts) else 0.0)) % epoch_len
        return _clip(point, point + epoch_len, night)
    end = _clock_to_elapsed(span.end, night)
    if end <= start:
        end += DAY_SEC if night.start_time is not None else 0.0
    return _clip(start, end, night)


def _before_start(elapsed: float, night: NightClock) -> bool:
    """Whether a clock that maps past the night's end lies, in fact, shortly before its start
    (more than half a day past the start is earlier the same evening)."""
    return night.start_time is not None and elapsed >= night.duration and elapsed > DAY_SEC / 2


def _epoch_time(starts: np.ndarray, index: int, epoch_len: float) -> float:
    if len(starts) == 0:
        return index * epoch_len
    index = max(0, index)
    if index < len(starts):
        return float(starts[index])
    return float(starts[-1]) + (index - len(starts) + 1) * epoch_len


def _clip(start: float, end: float, night: NightClock) -> tuple[float, float]:
    start = max(0.0, start)
    if start >= night.duration:
        return start, start
    return start, min(night.duration, max(start, end))


AROUND_SEC = 300.0
"""Half-width of the span "what happened around 3 am?" describes."""


def around(span: TimeSpan) -> TimeSpan | None:
    """The ten minutes "around 3 am" names (``AROUND_SEC`` either side of a clock moment said
    with "around", "about" or "near"); None for any other span."""
    if span.kind != "clock" or span.end is not None or not span.text.lower().startswith(("around", "about", "near")):
        return None
    return TimeSpan("clock", (span.start - AROUND_SEC) % DAY_SEC, (span.start + AROUND_SEC) % DAY_SEC,
                    f"{span.text} (±{AROUND_SEC / 60:g} min)")


_SECONDS_RE = re.compile(r"\d:\d\d:\d\d")


def described_span(span: TimeSpan) -> TimeSpan:
    """The span "what happened ...?" describes at a clock moment: "around 3 am" the ten
    minutes about it (:func:`around`), "at 01:08" its whole minute, not the one epoch either
    starts (an apnea at 01:08:36 was "no breathing event"); a time to the second, or any other
    span, is itself."""
    if span.kind != "clock" or span.end is not None or _SECONDS_RE.search(span.text):
        return span
    return around(span) or TimeSpan("clock", span.start, (span.start + 60.0) % DAY_SEC, span.text)
