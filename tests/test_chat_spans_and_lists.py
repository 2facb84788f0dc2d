"""A technician's questions about parts of the bundled night: every item of the last list,
a span named by its end, the busiest stretch, how a stage breaks up, what each awakening
came with, and what happened around a clock time."""

from __future__ import annotations

import re

import numpy as np

from app.chat.execute import odi_by_depth
from app.chat.timespan import AROUND_SEC
from app.chat.periods import awakening_runs
from app.chat.plan import clock
from app.session import Session
from sleeplm_core.heads.summary import APNEA_TYPES
from sleeplm_core.io.recording import EPOCH_SEC, STAGES
from sleeplm_core.scoring.intervals import runs

_LINE_RE = re.compile(r"^- \*\*(\d\d:\d\d:\d\d)", re.M)


def test_list_them_lists_every_event_of_the_last_count_in_time_order(demo) -> None:
    """It was off topic."""
    night, engine = demo
    session = Session(night)
    session.ask("how many hypopneas?", engine)
    text = session.ask("list them", engine).text
    onsets = sorted(e.onset for e in night.scored_events()[0] if e.type == "hypopnea")
    assert 5 < len(onsets) <= 100
    assert _LINE_RE.findall(text) == [clock(night, t) for t in onsets], text


def test_list_them_after_the_awakenings_lists_every_one(demo) -> None:
    """It listed ten and '… and N more'."""
    night, engine = demo
    session = Session(night)
    session.ask("how many times did they wake up?", engine)
    text = session.ask("list them", engine).text
    n = night.summary().awakenings
    assert n > 10 and f"All {n} W periods" in text and "more" not in text, text
    assert len(_LINE_RE.findall(text)) == n


def test_and_in_the_last_two_after_the_first_two_hours_reads_the_last_two_hours(demo) -> None:
    """It repeated the first two hours' events."""
    night, engine = demo
    session = Session(night)
    session.ask("how many apneas in the first two hours?", engine)
    text = session.ask("and in the last two?", engine).text
    end = night.recording.duration
    n = sum(1 for e in night.scored_events()[0] if e.type in ("obstructive_apnea", "central_apnea",
                                                              "mixed_apnea")
            and end - 7200 <= e.onset)
    assert "in the last two hours" in text and f"**{n}** apnea" in text, text


def test_the_worst_ten_minutes_is_the_stretch_with_the_most_breathing_events(demo) -> None:
    """It was off topic."""
    night, engine = demo
    text = Session(night).ask("show me the worst 10 minutes", engine).text
    onsets = np.sort([e.onset for e in night.scored_events()[0] if e.type in APNEA_TYPES])
    starts = night.epochs.starts
    counts = np.searchsorted(onsets, starts + 600) - np.searchsorted(onsets, starts)
    best = int(np.argmax(counts))
    assert text.startswith("The 10-min stretch with the most"), text
    assert f"{clock(night, starts[best])}–{clock(night, starts[best] + 600)}**, " \
           f"**{counts[best]}** events" in text, text


def test_how_fragmented_was_rem_counts_its_bouts_and_what_broke_its_periods(demo) -> None:
    """It gave the whole night's stage shifts."""
    night, engine = demo
    text = Session(night).ask("how fragmented was REM?", engine).text
    stages = night.stages()[0]
    bouts = runs(stages == STAGES.index("REM"))
    assert f"REM comes in **{len(bouts)}** unbroken bouts" in text, text
    shortest = min(b - a for a, b in bouts) * EPOCH_SEC / 60
    assert f"{shortest:.1f}" in text or "shorter than 2 min" in text


def test_what_woke_the_patient_with_nothing_before_ties_every_awakening(demo) -> None:
    """It asked for a full question."""
    night, engine = demo
    text = Session(night).ask("what woke the patient?", engine).text
    stages = night.stages()[0]
    n = len(awakening_runs(stages, np.ones(len(stages), bool)))
    assert f"**{n}** awakenings" in text, text
    counted = [int(k) for k in re.findall(r"\*\*(\d+)\*\* with ", text)]
    assert sum(counted) == n, text


def test_the_odi_by_depth_leaves_out_desaturations_starting_in_wake(demo, monkeypatch) -> None:
    """They counted in the ODI by depth, not in the summary's ODI: on an unscored night one
    answer read "ODI 29.5/h; by depth: ODI 3 % = 30.1/h"."""
    night, _ = demo
    tst_h = night.summary().tst_min / 60
    before = round(odi_by_depth(night)[3.0] * tst_h)
    stages, source = night.stages()
    desaturation = next(e for e in night.scored_events()[0] if e.type == "desaturation"
                        and stages[night.epoch_at(e.onset)] > 0)
    woken = stages.copy()
    woken[night.epoch_at(desaturation.onset)] = STAGES.index("W")
    monkeypatch.setattr(night, "stages", lambda: (woken, source))
    assert round(odi_by_depth(night)[3.0] * tst_h) == before - 1


def test_what_happened_around_a_clock_time_lists_the_events_of_ten_minutes(demo) -> None:
    """It described the one epoch at that time, without its events."""
    night, engine = demo
    session = Session(night)
    events = [e for e in night.scored_events()[0] if e.type in APNEA_TYPES]
    middle = events[len(events) // 2].onset
    hh, mm = clock(night, middle)[:5].split(":")
    text = session.ask(f"what happened around {hh}:{mm}?", engine).text
    assert f"(±{AROUND_SEC / 60:g} min)" in text, text
    assert re.search(r"Events \(.*\): \*\*\d+\*\* ", text), text
    assert clock(night, middle) in text


def test_list_them_after_the_worst_minutes_lists_the_busiest_stretch(demo) -> None:
    """It said the last answer listed nothing."""
    night, engine = demo
    session = Session(night)
    first = session.ask("show me the worst 10 minutes", engine).text
    n = int(re.search(r"\*\*(\d+)\*\* events", first).group(1))
    text = session.ask("list them", engine).text
    assert text.startswith("In the busiest 10-min stretch"), text
    head = text.split("\n")[2]
    breathing = re.findall(r"\*\*(\d+)\*\* (?:\w+ )?(?:apneas?|hypopneas?)\b", head)
    assert sum(int(k) for k in breathing) == n, text


def test_in_it_with_nothing_picked_is_the_recording(demo) -> None:
    """'what stages are in it?' after a summary said nothing had been listed."""
    night, engine = demo
    session = Session(night)
    session.ask("summarize the night", engine)
    text = session.ask("what stages are in it?", engine).text
    assert "Stages: W" in text, text


def test_and_per_hour_after_a_count_is_its_rate_and_the_heart_against_its_limits(demo) -> None:
    """'and per hour?' split the arousals by clock hour; 'is the heart rate normal?' gave the
    sleep norms, which hold no heart rate."""
    night, engine = demo
    session = Session(night)
    session.ask("how many arousals?", engine)
    text = session.ask("and per hour?", engine).text
    assert re.match(r"\*\*[\d.]+ per hour\*\* of sleep: \d+ arousal", text), text
    text = Session(night).ask("is the heart rate normal?", engine).text
    assert text.startswith("Against the AASM's adult limits for the heart rate in sleep"), text
    low, high = re.search(r"\*\*(\d+)-(\d+) bpm\*\*", text).groups()
    assert f"lowest {low} bpm" in text and f"highest {high} bpm" in text


def test_two_kinds_of_events_side_by_side(demo) -> None:
    """'compare obstructive and central apneas' listed every apnea; 'compare them with the
    centrals' after obstructive apneas said both sides were the whole night."""
    night, engine = demo
    events = night.scored_events()[0]
    counts = [sum(e.type == kind for e in events) for kind in ("obstructive_apnea", "central_apnea")]
    text = Session(night).ask("compare obstructive and central apneas", engine).text
    assert text.startswith("Obstructive apnea events against central apnea events"), text
    assert f"| count | {counts[0]} | {counts[1]} |" in text and "Welch's t-test" in text, text
    session = Session(night)
    session.ask("how many obstructive apneas?", engine)
    text = session.ask("compare them with the centrals", engine).text
    assert f"| count | {counts[0]} | {counts[1]} |" in text, text
