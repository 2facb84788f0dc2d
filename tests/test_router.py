"""Chat routing: a table of phrasings with the intent and arguments each must give."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pytest

from app.router import Intent, route
from app.timeexpr import NightClock, TimeSpan, format_clock, parse_time, resolve

L, D, S, C, SU, CO, H, U = (Intent.LOCATE, Intent.DESCRIBE, Intent.SIMILAR, Intent.CLASSIFY,
                            Intent.SUMMARIZE, Intent.COMPARE, Intent.HELP, Intent.UNSUPPORTED)

# (question, intent, expected arguments: only the keys given are checked)
TABLE: list[tuple[str, Intent, dict]] = [
    ("where are the longest apneas?", L, {"target": "apneas", "rank": "longest", "modality": "respiratory"}),
    ("where are the apneas?", L, {"target": "apneas", "rank": None}),
    ("show a clear example of REM sleep", L, {"target": "rem sleep", "count": 1, "rank": "strongest", "stages": ()}),
    ("find sleep spindles", L, {"target": "sleep spindles", "modality": "brain"}),
    ("when does the patient have desaturations?", L, {"target": "desaturations"}),
    ("find spindles in N2", L, {"target": "spindles", "stages": ("N2",)}),
    ("show me K-complexes during stage 2", L, {"target": "k-complexes", "stages": ("N2",)}),
    ("where are the arousals in REM sleep", L, {"target": "arousals", "stages": ("REM",), "modality": "stage_event"}),
    ("find apneas between 1 and 2 am", L, {"target": "apneas", "time": ("clock", 3600, 7200)}),
    ("show hypopneas in the first hour", L, {"target": "hypopneas", "time": ("elapsed", 0, 3600)}),
    ("find slow waves in the last 2 hours", L, {"target": "slow waves", "time": ("from_end", 7200, 0)}),
    ("highlight alpha rhythm", L, {"target": "alpha rhythm", "modality": "brain"}),
    ("top 5 obstructive apneas", L, {"target": "obstructive apneas", "count": 5}),
    ("earliest 3 hypopneas", L, {"target": "hypopneas", "count": 3, "rank": "earliest"}),
    ("where did breathing stop in the first 10 minutes?", L, {"count": None, "time": ("elapsed", 0, 600)}),
    ("are there any central apneas?", L, {"target": "central apneas"}),
    ("snoring", L, {"target": "snoring", "modality": "respiratory"}),
    ("sawtooth waves", L, {"target": "sawtooth waves"}),
    ("rapid eye movements in the second half of the night", L, {"target": "rapid eye movements", "time": ("fraction", 0.5, 1.0)}),
    ("leg movements during deep sleep", L, {"target": "leg movements", "stages": ("N3",), "modality": "position_muscle"}),
    ("find 3 examples of arousals", L, {"target": "arousals", "count": 3}),
    ("where is the heart rate highest?", L, {"target": "heart rate highest", "modality": "heart"}),
    ("describe epoch 300", D, {"time": ("epoch", 300, None), "target": ""}),
    ("what happens at 02:15?", D, {"time": ("clock", 2 * 3600 + 15 * 60, None)}),
    ("how is breathing during REM?", D, {"target": "breathing", "stages": ("REM",), "modality": "respiratory"}),
    ("how is the heart rate in N3", D, {"target": "heart rate", "stages": ("N3",), "modality": "heart"}),
    ("describe the brain activity in the first hour", D, {"target": "brain activity", "modality": "brain", "time": ("elapsed", 0, 3600)}),
    ("what is going on in this epoch", D, {"time": ("current", 0, None)}),
    ("tell me about the EEG at 11:30 pm", D, {"modality": "brain", "time": ("clock", 23.5 * 3600, None)}),
    ("show me 03:40", D, {"time": ("clock", 3 * 3600 + 40 * 60, None)}),
    ("explain epochs 100-110", D, {"time": ("epoch", 100, 110)}),
    ("find epochs like this one in the library", S, {"time": ("current", 0, None)}),
    ("similar epochs to epoch 42", S, {"time": ("epoch", 42, None)}),
    ("retrieve examples of spindles from the library", S, {"target": "spindles"}),
    ("what stage is it at 02:15?", C, {"time": ("clock", 8100, None)}),
    ("which sleep stage is epoch 120", C, {"time": ("epoch", 120, None)}),
    ("classify the current epoch", C, {"time": ("current", 0, None)}),
    ("is this REM?", C, {}),
    ("summarize the night", SU, {}),
    ("what is the AHI?", SU, {}),
    ("give me the sleep statistics", SU, {}),
    ("how well did the patient sleep", SU, {}),
    ("what is the sleep efficiency", SU, {}),
    ("heart rate in REM vs N3", CO, {"target": "heart rate", "modality": "heart", "groups": (("REM",), ("N3",))}),
    ("compare breathing in N2 versus REM", CO, {"target": "breathing", "groups": (("N2",), ("REM",))}),
    ("EEG in the first hour vs the last hour", CO, {"modality": "brain", "groups": ((), ())}),
    ("what is the difference between deep sleep and REM sleep", CO, {"groups": (("N3",), ("REM",))}),
    ("help", H, {}),
    ("what can you do?", H, {}),
    ("", H, {}),
    ("what's the weather tomorrow?", U, {}),
    ("should I prescribe melatonin for this sleep?", U, {}),
    ("tell me a joke", U, {}),
]


@pytest.mark.parametrize(("text", "intent", "args"), TABLE, ids=[t[0] or "<empty>" for t in TABLE])
def test_route_table(text: str, intent: Intent, args: dict) -> None:
    r = route(text)
    assert r.intent == intent, r
    for key, expected in args.items():
        if key == "stages":
            assert r.where.stages == expected, r
        elif key == "time":
            t = r.where.time if r.intent != Intent.COMPARE else None
            assert t is not None, r
            kind, start, end = expected
            assert (t.kind, t.start, t.end) == (kind, start, end), t
        elif key == "groups":
            assert r.groups is not None, r
            assert tuple(g.stages for g in r.groups) == expected, r.groups
        else:
            assert getattr(r, key) == expected, r


def test_table_is_large_and_covers_every_intent() -> None:
    assert len(TABLE) >= 40
    assert {i for _, i, _ in TABLE} == set(Intent)


def test_compare_of_times_keeps_both_spans() -> None:
    r = route("EEG in the first hour vs the last hour")
    assert r.groups is not None
    assert (r.groups[0].time.kind, r.groups[1].time.kind) == ("elapsed", "from_end")


def _night(start: datetime | None) -> NightClock:
    return NightClock(start, 8 * 3600.0, np.arange(960) * 30.0, current_epoch=10)


def test_clock_time_resolves_across_midnight() -> None:
    night = _night(datetime(2026, 1, 1, 22, 30, 0))
    assert resolve(TimeSpan("clock", 2 * 3600 + 15 * 60), night) == (3.75 * 3600, 3.75 * 3600 + 30)
    assert resolve(parse_time("between 11 pm and 1 am"), night) == (1800.0, 9000.0)


def test_point_in_time_snaps_to_its_epoch() -> None:
    night = _night(datetime(2026, 1, 1, 22, 30, 0))
    start, end = resolve(TimeSpan("clock", 23 * 3600 + 40), night)
    assert (start, end) == (1830.0, 1860.0)


def test_spans_without_clock_and_relative_spans() -> None:
    night = _night(None)
    assert resolve(parse_time("at 02:15"), night) == (8100.0, 8130.0)
    assert resolve(parse_time("the last hour"), night) == (7 * 3600.0, 8 * 3600.0)
    assert resolve(parse_time("epoch 300"), night) == (9000.0, 9030.0)
    assert resolve(parse_time("this epoch"), night) == (300.0, 330.0)
    assert resolve(parse_time("first half of the night"), night) == (0.0, 4 * 3600.0)


def test_format_clock() -> None:
    assert format_clock(3.75 * 3600, datetime(2026, 1, 1, 22, 30, 0)) == "02:15:00"
    assert format_clock(3725.0, None) == "+1:02:05"
