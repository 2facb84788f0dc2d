"""Questions about parts of the night as a scorer asks them, on the bundled night: two spans
compared by what they hold, the time either side of sleep onset, "why?" after a stage, a
band's power where the viewer is, and both ends of the sleep period in one answer."""

from __future__ import annotations

import re

import numpy as np

from app.chat.periods import stage_periods
from app.chat.plan import clock
from app.session import Session
from sleeplm_core.heads.cycles import sleep_cycles
from sleeplm_core.io.recording import EPOCH_SEC, STAGES


def _minutes(night, lo: int, hi: int, stage: str) -> float:
    stages = night.stages()[0]
    return float(np.sum(stages[lo:hi] == STAGES.index(stage))) * EPOCH_SEC / 60


def test_first_and_last_cycle_are_compared_by_their_stage_minutes(demo) -> None:
    night, engine = demo
    text = Session(night).ask("how does the first sleep cycle compare to the last?", engine).text
    cycles = sleep_cycles(night.stages()[0]).cycles
    first, last = cycles[0], cycles[-1]
    rows = dict(re.findall(r"^\| (N3|REM) \| (.+) \|$", text, re.M))
    cells = {s: [float(x) for x in re.findall(r"([\d.]+) min", rows[s])] for s in rows}
    assert cells["N3"] == [_minutes(night, first.start, first.end, "N3"),
                           _minutes(night, last.start, last.end, "N3")], text
    assert cells["REM"] == [_minutes(night, first.start, first.end, "REM"),
                            _minutes(night, last.start, last.end, "REM")], text
    assert "delta power" not in text   # the cycles are not compared by their EEG


def test_first_and_last_rem_periods_are_compared_by_length_and_events(demo) -> None:
    night, engine = demo
    text = Session(night).ask("compare the first and last REM periods", engine).text
    lengths = re.search(r"^\| length \| (\d+) min \| (\d+) min \|$", text, re.M)
    assert lengths is not None, text
    assert int(lengths.group(1)) < int(lengths.group(2))   # REM periods lengthen over the night
    assert re.search(r"^\| apneas and hypopneas \| \d+ ", text, re.M), text


def test_a_named_measure_still_compares_that_measure(demo) -> None:
    night, engine = demo
    text = Session(night).ask("compare heart rate in the first and second half", engine).text
    assert "heart rate" in text and "| length |" not in text, text


def test_wake_before_and_after_sleep_onset_are_two_scopes(demo) -> None:
    night, engine = demo
    text = Session(night).ask("compare wake before sleep onset with wake after", engine).text
    stages = night.stages()[0]
    sleep = np.flatnonzero(stages >= STAGES.index("N1"))
    before = int(np.sum(stages[:sleep[0]] == 0))
    after = int(np.sum(stages[sleep[0]:sleep[-1] + 1] == 0))
    assert f"{before} epochs)" in text and f"{after} epochs)" in text, text


def test_awake_before_falling_asleep_is_the_sleep_latency(demo) -> None:
    night, engine = demo
    text = Session(night).ask("how long was she awake before falling asleep?", engine).text
    onset = night.epochs.starts[np.flatnonzero(night.stages()[0] >= 1)[0]]
    assert (f"the sleep onset latency is **{onset / 60:.1f} min**" in text
            and f"first sleep epoch at **{clock(night, onset)}**" in text), text


def test_sleep_onset_and_final_awakening_in_one_question(demo) -> None:
    night, engine = demo
    text = Session(night).ask("when did she fall asleep and when did she wake up for good?",
                              engine).text
    sleep = np.flatnonzero(night.stages()[0] >= 1)
    assert clock(night, night.epochs.starts[sleep[0]]) in text
    assert clock(night, night.epochs.starts[sleep[-1]] + EPOCH_SEC) in text, text


def test_why_after_a_stage_or_a_jump_gives_that_epochs_evidence(demo) -> None:
    night, engine = demo
    session = Session(night)
    session.ask("what stage is epoch 300?", engine)
    assert session.ask("why?", engine).text.startswith("Epoch 300 (")
    session.ask("zoom to 2 am", engine)
    epoch = session.current
    assert session.ask("how can you tell?", engine).text.startswith(f"Epoch {epoch} (")
    session.ask("where are the apneas?", engine)
    assert "evidence for an epoch's stage" in session.ask("why?", engine).text


def test_a_band_power_here_is_measured_on_the_epoch_on_screen(demo) -> None:
    night, engine = demo
    session = Session(night)
    session.ask("zoom to 2 am", engine)
    text = session.ask("what is the alpha power here?", engine).text
    frame = night.feature_frame()
    col = next(c for c in frame.columns if c.startswith("brain.eeg.") and c.endswith(".alpha [%]"))
    value = float(frame[col].iloc[session.current])
    assert f"**{value:.1f}** in this epoch" in text, text
    assert not text.startswith("**Alpha rhythm.**")


def test_alpha_over_the_night_is_split_by_stage_with_wake(demo) -> None:
    night, engine = demo
    text = Session(night).ask("what was the alpha power?", engine).text
    groups = re.findall(r"^\| (W|N1|N2|N3|REM) \| [\d.]+ \|", text, re.M)
    assert set(groups) == set(STAGES), text


def test_alpha_intrusion_reads_alpha_in_deep_sleep(demo) -> None:
    night, engine = demo
    text = Session(night).ask("was there alpha intrusion into deep sleep?", engine).text
    stages = night.stages()[0]
    assert "| in N3 | " in text and f"| {int(np.sum(stages == 3))} |" in text, text


def test_the_hypnogram_of_a_part_highlights_and_summarises_that_part(demo) -> None:
    """"show the hypnogram between midnight and 3" showed the whole night's numbers."""
    night, engine = demo
    answer = Session(night).ask("show the hypnogram between midnight and 3", engine)
    assert [(clock(night, h.start), clock(night, h.end)) for h in answer.highlights] == [
        ("00:00:00", "03:00:00")], answer.text
    t = night.recording.start_time
    lo = int((24 * 3600 - (t.hour * 3600 + t.minute * 60 + t.second)) % (24 * 3600) // EPOCH_SEC)
    n3 = _minutes(night, lo, lo + 360, "N3")   # midnight to 3 am: 360 epochs
    assert "time in bed 180 min" in answer.text and f"N3 {n3:.1f} min" in answer.text, answer.text
    whole = Session(night).ask("show the hypnogram", engine)
    assert whole.highlights == [] and "time in bed 480 min" in whole.text, whole.text


def test_a_rem_period_s_length_is_its_span_and_its_rem_minutes(demo) -> None:
    night, engine = demo
    stages = night.stages()[0]
    lo, hi = stage_periods(stages, [STAGES.index("REM")], np.ones(len(stages), bool))[1]
    answer = Session(night).ask("how long was the second REM period?", engine)
    starts = night.epochs.starts
    span = f"**{clock(night, starts[lo])}–{clock(night, starts[hi] + EPOCH_SEC)}**"
    assert answer.text.startswith(f"The second REM period runs {span} "
                                  f"(**{(hi + 1 - lo) * EPOCH_SEC / 60:.1f} min**)")
    assert f"holds {_minutes(night, lo, hi + 1, 'REM'):.1f} min of REM" in answer.text
    assert answer.jump == lo


def test_a_cycle_s_length_counts_the_events_starting_in_it(demo) -> None:
    night, engine = demo
    cycle = sleep_cycles(night.stages()[0]).cycles[0]
    text = Session(night).ask("how long did the first cycle last?", engine).text
    starts = night.epochs.starts
    lo, hi = starts[cycle.start], starts[cycle.end - 1] + EPOCH_SEC
    arousals = sum(1 for e in night.recording.events if e.type == "arousal" and lo <= e.onset < hi)
    assert f"(**{(hi - lo) / 60:.1f} min**)" in text and f"{arousals} arousals" in text
