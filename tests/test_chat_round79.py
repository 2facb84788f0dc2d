"""Stop 79: what probe O left and what probe P found on an insomnia night with periodic leg
movements and a central-apnea night, each fixed and held here."""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pytest

from app.chat import norms
from app.chat.understand import understand
from app.session import Session
from app.timeexpr import format_clock
from chat_dialogues import last_answer
from sleeplm_core.features.heart import SPO2_RANGE
from sleeplm_core.heads.summary import APNEA_TYPES
from sleeplm_core.io.recording import EPOCH_SEC, STAGES, Event
from sleeplm_core.scoring.association import arousal_causes
from sleeplm_core.scoring.limbs import periodic

W, N2 = STAGES.index("W"), STAGES.index("N2")


def _spo2(night, lo: float = 0.0, hi: float | None = None) -> np.ndarray:
    sig = night.recording.signals[night.epochs.aux_mapping["SPO2"]]
    data = np.asarray(sig.data[int(lo * sig.sfreq):None if hi is None else int(hi * sig.sfreq)], dtype=float)
    return data[(data >= SPO2_RANGE[0]) & (data <= SPO2_RANGE[1])]


def test_which_half_had_worse_sats_reads_their_nadirs(demo) -> None:
    """Probe O: "which had worse sats?" after two spans compared their means alone; after a
    comparison of two clock spans it gave the whole night's SpO2."""
    night, _ = demo
    half = night.recording.duration / 2
    lows = [_spo2(night, 0.0, half).min(), _spo2(night, half).min()]
    text = last_answer(demo, "compare the first half to the second half", "which had worse sats?")
    assert f"| SpO2 mean / lowest | {_spo2(night, 0.0, half).mean():.1f} % / {lows[0]:.1f} % |" in text
    assert f"lowest {lows[0]:.1f} against {lows[1]:.1f} %" in text.split("\n")[0]
    assert text.startswith("**Neither clearly**" if abs(lows[0] - lows[1]) < 0.5 else "**The ")


def test_worse_sats_after_two_clock_spans_names_the_lower_nadir(demo) -> None:
    text = last_answer(demo, "compare 23:00-01:00 with 03:00-05:00", "which had worse sats?")
    assert "SpO2 mean / lowest" in text and "over the whole night" not in text
    assert re.match(r"\*\*(?:23:00-01:00|03:00-05:00|Neither clearly)", text)


def test_which_stage_is_most_off_after_the_norms_ranks_the_stage_rows(demo) -> None:
    """Probe O: it classified epoch 0."""
    night, _ = demo
    _, rows = norms.compare_with_norms(night.summary(), int(night.recording.patient.age or 45))
    stages = [r for r in rows if r[0] in norms.ROW_OF_STAGE.values() and norms.off_by(r[1], r[3], r[4]) > 0]
    text = last_answer(demo, "show me the norms", "which stage is most off?")
    assert "Epoch 0" not in text
    if stages:
        worst = max(stages, key=lambda r: norms.off_by(r[1], r[3], r[4]))
        assert text.startswith("Furthest from its range (stages ranked") and f"**{worst[0]}** {worst[1]:.1f}" in text
    else:
        assert text.startswith("**None**")


@pytest.mark.parametrize("value, low, high, off", [(6.9, 17, 25, 1.2625), (20, 17, 25, 0.0), (17.6, 3, 10, 1.0857)])
def test_a_row_is_off_by_widths_of_its_range(value: float, low: float, high: float, off: float) -> None:
    assert norms.off_by(value, low, high) == pytest.approx(off, abs=1e-3)


def test_one_that_is_not_respiratory_shows_an_arousal_of_another_cause(demo) -> None:
    """Probe O: "show me one that's not respiratory" after an arousal showed the same one."""
    night, _ = demo
    causes = {round(e.onset, 3): c for e, c in arousal_causes(night.recording.events)}
    text = last_answer(demo, "show me an arousal", "show me one that's not respiratory")
    shown = re.search(r"- \*\*(\d\d:\d\d:\d\d)", text)[1]
    onset = next(t for t in causes if format_clock(t, night.recording.start_time)[:8] == shown)
    assert causes[onset] != "respiratory"
    assert f"**{sum(c != 'respiratory' for c in causes.values())}** non-respiratory arousal events" in text


def test_how_many_arousals_were_not_respiratory_counts_the_rest(demo) -> None:
    night, _ = demo
    causes = [c for _, c in arousal_causes(night.recording.events)]
    others = sum(c != "respiratory" for c in causes)
    assert last_answer(demo, "how many arousals were not respiratory?").startswith(
        f"**{others}** of the {len(causes)} arousals")


def test_the_patient_not_breathing_rules_out_no_cause() -> None:
    assert understand("when was the patient not breathing?").phenomenon != "arousal"


def test_events_counted_in_a_span_lead_with_the_breathing_events(demo) -> None:
    """Probe O: "how many events in the first 2 hours of sleep" led with 152 events of every kind,
    46 desaturations and 45 arousals among them, beside an hour table of 61 breathing events."""
    text = last_answer(demo, "how many events in the first 2 hours of sleep")
    m = re.match(r"\*\*(\d+)\*\* apneas and hypopneas in the first 2 hours of sleep, the events a breathing index "
                 r"counts; with the other scored kinds \((.+)\), \*\*(\d+)\*\* events in all\.", text)
    night, _ = demo
    onset = night.epochs.starts[np.flatnonzero(night.stages()[0] >= STAGES.index("N1"))[0]]
    breathing = [e for e in night.recording.events if e.type in APNEA_TYPES and onset <= e.onset < onset + 7200]
    assert m and int(m[1]) == len(breathing) and "desaturation" in m[2]


def test_mean_duration_in_rem_vs_nrem_after_the_apneas_compares_their_lengths(demo) -> None:
    """Probe O: the EEG's band powers."""
    night, _ = demo
    stages = night.stages()[0]
    kinds = {"REM": [], "NREM": []}
    for e in night.recording.events:
        if e.type in ("obstructive_apnea", "central_apnea", "mixed_apnea"):
            code = stages[night.epoch_at(e.onset)]
            if code >= STAGES.index("N1"):
                kinds["REM" if code == STAGES.index("REM") else "NREM"].append(e.duration)
    text = last_answer(demo, "mean apnea duration?", "mean duration in REM vs NREM?")
    assert text.startswith(f"Mean length: **{np.mean(kinds['REM']):.0f} s** in REM ({len(kinds['REM'])}) against "
                           f"**{np.mean(kinds['NREM']):.0f} s** in N1/N2/N3 ({len(kinds['NREM'])})")
    assert "delta power" not in text


def test_leg_movements_related_to_breathing_use_the_half_second_rule(demo) -> None:
    """Probe O: the breathing events were listed; the AASM excludes a leg movement within 0.5 s
    of a breathing event from the periodic count."""
    night, _ = demo
    breathing = [e for e in night.recording.events if e.type in APNEA_TYPES]
    legs = [e for e in night.recording.events if e.type == "limb_movement"]
    tied = sum(any(l.onset < b.offset + 0.5 and l.offset > b.onset - 0.5 for b in breathing) for l in legs)
    text = last_answer(demo, "are the leg movements related to respiratory events?")
    assert text.startswith(f"**{tied}** of the {len(legs)} leg movement events") and "within 0.5 s" in text


def test_the_nadir_names_the_breathing_event_that_caused_it(demo) -> None:
    """Probe O: "what was happening then?" at the nadir named its desaturation only."""
    night, _ = demo
    text = last_answer(demo, "lowest sat", "what was happening then?")
    m = re.search(r"It falls in the desaturation \*\*[\d:]+–[\d:]+\*\*, which follows the (\w+ apnea|hypopnea) "
                  r"\*\*([\d:]+)–([\d:]+)\*\*", text)
    assert m and "its likely cause" in text


def test_a_childs_nadir_is_read_against_healthy_childrens(child) -> None:
    """Probe O: "is the nadir of 90% ok for a 10 year old?" was "not about this recording"."""
    night, _ = child
    low = _spo2(night).min()
    for question in ("is the nadir of 90% ok for a 10 year old?",):
        text = last_answer(child, question)
        assert text.startswith(f"**SpO2 nadir {low:.1f} %**") and "94.6 ± 2.2 %" in text and "Uliel" in text
    assert last_answer(child, "lowest sat", "is that ok for a child?").startswith(f"**SpO2 nadir {low:.1f} %**")


def test_a_childs_central_apneas_are_read_against_healthy_childrens(child) -> None:
    night, _ = child
    stages = night.stages()[0]
    asleep = float(np.sum(stages >= STAGES.index("N1"))) * EPOCH_SEC / 3600
    n = sum(e.type == "central_apnea" and stages[night.epoch_at(e.onset)] >= 1 for e in night.recording.events)
    for questions in (("any central apneas?", "are they significant in a child?"),
                      ("and the central apnea index, is it normal for a child?",)):
        text = last_answer(child, *questions)
        assert text.startswith(f"**Central apnea index {n / asleep:.1f}/h**") and "97.5th percentile 0.9/h" in text


def test_a_childs_sleep_time_judged_gives_the_hours_recommended(child) -> None:
    text = last_answer(child, "total sleep time, is it enough for a 10 year old?")
    assert "the AASM recommends at this age" in text.split("\n")[0] and "9-12 h" in text


def test_osa_in_an_adult_reads_the_adult_scale(child) -> None:
    text = last_answer(child, "would this be OSA in an adult?")
    assert text.startswith("**AHI: ") and "That is the adult scale" in text


def test_an_adults_nadir_judged_says_no_band_is_held(demo) -> None:
    night, _ = demo
    assert last_answer(demo, "is the nadir normal?").startswith(f"**SpO2 nadir {_spo2(night).min():.1f} %**")


def _split(night):
    """The demo night awake 80 min from its third hour, then 25 min asleep, then awake to the
    end: more than 3 h outside its main sleep episode, a tenth of its sleep among them."""
    stages = np.asarray(night.epochs.stages).copy()
    stages[360:520] = W
    stages[520:570] = N2
    stages[570:] = W
    return replace(night, epochs=replace(night.epochs, stages=stages), _summary={}), stages


def test_a_night_split_by_a_long_awakening_is_read_whole(demo) -> None:
    """Probe P: an 8-h insomnia night, awake 80 min from 03:01, was read as 22:30-03:01 and lost
    75 of its 171 min of sleep; its halves overlapped."""
    night, engine = demo
    split, stages = _split(night)
    session = Session(split)
    asleep = float(np.sum(stages >= 1)) * EPOCH_SEC / 60
    text = session.ask("show me the norms", engine).text
    assert f"total sleep time: **{asleep:.1f} min**" in text and "main sleep period" not in text
    assert "The main sleep episode runs" not in session.ask("summarize the night", engine).text


def test_the_sleep_after_a_time_is_its_efficiency_not_its_sleep_epochs(demo) -> None:
    """Probe P: "what about the sleep after 04:21?" after the efficiency gave 100 %."""
    night, _ = demo
    text = last_answer(demo, "sleep efficiency", "what about the sleep after 4 am?")
    m = re.search(r"\*\*([\d.]+) min\*\* asleep of ([\d.]+) min recorded", text)
    assert m and float(m[1]) < float(m[2]) and "N1/N2/N3/REM" not in text.split("\n")[0]


def test_a_series_shown_answers_its_count_and_interval(demo) -> None:
    """Probe P: "how many movements in it?" after the longest series gave its minutes, and "what
    was the mean interval?" the fallback."""
    listed = last_answer(demo, "show me the longest PLM series")
    n, mean = re.search(r"\(\d+\.\d min, (\d+) leg movements, one every (\d+) s on average", listed).groups()
    for follow in ("how many movements in it?", "what was the mean interval?"):
        text = last_answer(demo, "show me the longest PLM series", follow)
        assert text.startswith(f"**{n}** leg movements in it, onsets one every **{mean} s** on average")
    assert "periodic series" in last_answer(demo, "how many PLM series?", "show me the longest series")


def test_a_series_named_by_its_minute_is_that_series(demo) -> None:
    listed = last_answer(demo, "show me the longest PLM series")
    start, n = re.search(r"- \*\*(\d\d:\d\d):\d\d–[\d:]+\*\* \(\d+\.\d min, (\d+) leg movements", listed).groups()
    h, m = map(int, start.split(":"))
    later = f"{h:02d}:{m + 1:02d}"   # a minute it runs through, not its first
    text = last_answer(demo, f"how many movements in the {later} series?")
    assert f"{n} leg movements, one every" in text and "**1** periodic series" in text


def _with_a_lone_leg_movement(night):
    """The demo night with one leg movement in N2 10 min before its first periodic one, no
    other within 90 s: the night's first leg movement, in no series."""
    legs = np.array(sorted(e.onset for e in night.recording.events if e.type == "limb_movement"))
    first = legs[periodic(legs)][0]
    stages = night.stages()[0]
    lone = next(t for t in np.arange(first - 600, first - 100, 30.0)
                if stages[night.epoch_at(t)] == N2 and np.min(np.abs(legs - t)) > 120)
    events = sorted([*night.recording.events, Event(float(lone), 2.0, "limb_movement")], key=lambda e: e.onset)
    return replace(night, recording=replace(night.recording, events=events), _summary={}), lone, first


def test_the_first_plm_is_the_first_periodic_one(demo) -> None:
    """Probe P: "when was the first PLM?" gave the first leg movement, which was in no series."""
    night, engine = demo
    with_lone, lone, first = _with_a_lone_leg_movement(night)
    text = Session(with_lone).ask("when was the first PLM?", engine).text
    shown = re.search(r"- \*\*(\d\d:\d\d:\d\d)", text)[1]
    assert shown == format_clock(float(first), night.recording.start_time)[:8]
    assert format_clock(float(lone), night.recording.start_time)[:8] in Session(with_lone).ask(
        "when was the first leg movement?", engine).text


def test_the_longest_wake_period_after_a_time_starts_after_it(demo) -> None:
    """Probe P: "longest wake period after 4 am" gave the night's longest, 03:01-04:21."""
    text = last_answer(demo, "longest wake period after 4 am")
    assert "after 4 am runs" in text
    first = re.search(r"runs \*\*(\d\d):(\d\d)", text)
    assert first and 4 <= int(first[1]) < 12


@pytest.mark.parametrize("question", ["mean LM duration in seconds", "LM index", "how many LMs in N1?"])
def test_lm_is_a_leg_movement(question: str) -> None:
    assert understand(question).phenomenon == "limb_movement"


def test_leg_movements_by_position_carry_no_positional_apnea_rule(demo) -> None:
    """Probe P: "PLMI supine vs non supine" ended on the positional apnea rule."""
    night, engine = demo
    legs = [e for e in night.recording.events if e.type == "limb_movement"]
    # the demo's leg movements all fall supine: half of them moved to where she lies on a side
    pos = night.recording.signals["Position"]
    side = np.flatnonzero(np.rint(np.asarray(pos.data)) != np.rint(np.asarray(pos.data))[int(legs[0].onset * pos.sfreq)])
    moved = [replace(e, onset=float(side[len(side) // 2 + 40 * i] / pos.sfreq)) if i % 2 else e for i, e in enumerate(legs)]
    others = [e for e in night.recording.events if e.type != "limb_movement"]
    shifted = replace(night, recording=replace(night.recording, events=sorted([*others, *moved], key=lambda e: e.onset)),
                      _summary={})
    text = Session(shifted).ask("PLMI supine vs non supine", engine).text
    assert "off the back (ratio" in text and "positional apnea" not in text
    assert "positional apnea" in last_answer(demo, "AHI supine vs non supine")


def test_machine_spindles_on_a_central_lead_say_they_may_read_low(demo_unscored) -> None:
    """Probe O and P: 2.31 and 1.41 machine spindles per minute of N2 against a true 3.60 and 3.41
    on C4-M1 and C3-M2, with no note."""
    text = last_answer(demo_unscored, "spindle density in N2?")
    assert "read 41-84 % of the true one" in text and "not a central lead" not in text
    assert "41-84 %" not in last_answer(demo_unscored, "spindle density in N2?".replace("spindle", "K-complex"))


def test_events_tied_to_machine_arousals_say_the_count_may_read_low(demo_unscored, demo) -> None:
    """Probe P: 4 central apneas with an arousal, of a true 48, with no note."""
    note = "so a count of events with an arousal may read low"
    assert note in last_answer(demo_unscored, "how many apneas had an arousal?")
    assert note not in last_answer(demo, "how many apneas had an arousal?")
    assert "17-96 %" in last_answer(demo_unscored, "arousal index per stage")


@pytest.fixture(scope="module")
def central_night(demo, tmp_path_factory: pytest.TempPathFactory):
    """Two scored hours of a 71-year-old whose apneas are mostly central."""
    from chat_dialogues import scored_synthetic

    return scored_synthetic(demo, tmp_path_factory.mktemp("central"), "central", hours=2.0, seed=7902, age=71.0,
                            ahi=35.0, frac_central=0.6, frac_hypopnea=0.3)


def test_the_findings_say_central_apneas_predominate(central_night, demo) -> None:
    """Probe P: a night with 91 % of its apneas central (CAI 15.3/h) gave only the AHI's band."""
    night, _ = central_night
    stages = night.stages()[0]
    asleep = [e for e in night.recording.events if e.type in APNEA_TYPES and stages[night.epoch_at(e.onset)] > 0]
    central = sum(e.type == "central_apnea" for e in asleep)
    cai = central / (np.sum(stages > 0) * EPOCH_SEC / 3600)
    assert cai >= norms.CENTRAL_APNEA_INDEX and central > len(asleep) / 2
    text = last_answer(central_night, "what stands out?")
    assert (f"central apneas predominate: **{central}** of the {len(asleep)} apneas and hypopneas "
            f"({100 * central / len(asleep):.0f} %), a central apnea index of **{cai:.1f}/h**") in text
    assert "central apneas predominate" not in last_answer(demo, "what stands out?")


def test_is_that_severe_after_the_oahi_grades_the_oahi_too(central_night) -> None:
    """Probe P: "OAHI", then "is that severe?" graded the AHI alone (27.9/h moderate, OAHI 12.6/h)."""
    night, _ = central_night
    oahi = float(re.search(r"\*\*([\d.]+) per hour\*\*", last_answer(central_night, "OAHI"))[1])
    text = last_answer(central_night, "OAHI", "is that severe?")
    assert f"- obstructive AHI: **{oahi:.1f}/h of sleep" in text and "- AHI: **" in text


def test_what_event_caused_the_nadir_is_what_came_before_it(demo) -> None:
    """Probe P: "position at the nadir?", then "what event caused it?" listed every event."""
    text = last_answer(demo, "what was the spo2 nadir?", "position at the nadir?", "what event caused it?")
    assert text.startswith("In the 60 s before the lowest SpO2") and "scored events (mean" not in text


def test_cycle_length_after_cheyne_stokes_is_the_breathing_cycle(demo) -> None:
    """Probe P: the NREM-REM cycles."""
    text = last_answer(demo, "any cheyne-stokes?", "cycle length?")
    assert "Cheyne-Stokes" in text and "NREM-REM cycles" not in text


@pytest.mark.parametrize("question", ["how sure are you about the AHI on this one?",
                                      "how good is spindle detection on this one?"])
def test_on_this_one_is_the_recording(question: str) -> None:
    """Probe P: "this one" was read as the epoch on screen ("0 spindles in this one")."""
    assert understand(question).scope.time is None
    assert understand("what stage is this one?").scope.time is not None


def test_a_plm_series_through_machine_wake_is_said(demo_unscored) -> None:
    """Probe P, seed 13445 unscored: 38 leg movements in epochs the machine staged wake (truth: none),
    left out of the PLMS index with no word."""
    night, engine = demo_unscored
    legs = sorted(e.onset for e in night.machine.events if e.type == "limb_movement")
    members = np.asarray(legs)[periodic(np.asarray(legs))]
    stages = night.machine.stages.copy()
    epoch = int((members[0] - night.machine.stage_offset) // EPOCH_SEC)
    stages[epoch] = W   # the first series' first movement now falls in machine-staged wake
    assert night.machine.stages[epoch] != W
    woke = replace(night, machine=replace(night.machine, stages=stages), _summary={})
    said = r"\*\*(\d+)\*\* more leg movements of the same series fall in epochs the machine staged wake"
    before = re.search(said, Session(night).ask("PLMI", engine).text)
    after = re.search(said, Session(woke).ask("PLMI", engine).text)
    assert after and int(after[1]) == (int(before[1]) if before else 0) + 1


def test_the_central_share_in_rem_is_that_types_share_there(central_night) -> None:
    """Probe P: "and the central share in REM?" after the AHI by stage gave REM's minutes."""
    night, _ = central_night
    stages = night.stages()[0]
    rem = [e for e in night.recording.events if e.type in APNEA_TYPES and stages[night.epoch_at(e.onset)] == STAGES.index("REM")]
    central = sum(e.type == "central_apnea" for e in rem)
    text = last_answer(central_night, "AHI in REM vs NREM", "and the central share in REM?")
    assert text.startswith(f"**{central}** of the {len(rem)} respiratory events in REM")


def test_a_signals_mean_in_a_stage_in_percent_is_measured(demo) -> None:
    """Probe P: "mean SpO2 in REM in %" gave REM's minutes."""
    night, _ = demo
    rem = night.stages()[0] == STAGES.index("REM")
    sig = night.recording.signals["SpO2"]
    values = np.concatenate([np.asarray(sig.data[int(t * sig.sfreq):int((t + EPOCH_SEC) * sig.sfreq)], dtype=float)
                             for t in night.epochs.starts[rem]])
    text = last_answer(demo, "mean SpO2 in REM in %")
    assert text.startswith("SpO2, in REM") and f"mean **{values.mean():.1f} %**" in text


def test_the_heart_rate_then_after_no_ecg_is_the_pulse_over_the_night(central_night) -> None:
    """Probe P: "is there an ECG?" ("No"), then "whats the heart rate then?": "listed nothing"."""
    text = last_answer(central_night, "is there an ECG?", "whats the heart rate then?")
    assert text.startswith("Heart rate, over the whole night")


def test_ahi_per_hour_of_the_night_is_by_clock_hour() -> None:
    query = understand("AHI per hour of the night table")
    assert query.by == "hour" and understand("AHI per hour").by is None


def test_where_she_lay_for_those_gives_each_events_position(central_night) -> None:
    """Probe P: "where was the patient lying for those?" after long central apneas classified an epoch."""
    night, engine = central_night
    longest = sorted((e for e in night.recording.events if e.type == "central_apnea"), key=lambda e: -e.duration)[:3]
    limit = int(longest[-1].duration)
    session = Session(night)
    session.ask(f"central apneas over {limit} s", engine)
    text = session.ask("where was the patient lying for those?", engine).text
    assert text.startswith("Body position during the ") and text.count("(central apnea): ") == len(
        [e for e in night.recording.events if e.type == "central_apnea" and e.duration >= limit])
    assert "Body position: **" in last_answer(central_night, "show me the longest apnea", "what position was she in?")


def test_is_this_rem_where_the_stagers_part_is_not_settled(demo_unscored) -> None:
    """Probe P, seed 13445 unscored: "is the REM at 22:30 real?" answered "Yes" for YASA's REM in
    the recording's first epoch, where the model (and the truth) read wake."""
    night, _ = demo_unscored
    machine, model = night.machine_stages(), np.asarray(night.predicted)
    rem = STAGES.index("REM")
    parted = np.flatnonzero((machine == rem) != (model == rem))
    agreed = np.flatnonzero((machine == rem) & (model == rem))
    assert len(parted) and len(agreed)
    session = Session(night)
    session.move(int(parted[0]))
    text = session.ask("is this REM?", demo_unscored[1]).text
    assert text.startswith("**Not settled**: ") and "by the model's zero-shot stage" in text
    session.move(int(agreed[0]))
    assert session.ask("is this REM?", demo_unscored[1]).text.startswith("**Yes**")


def test_the_time_between_events_is_their_onset_intervals(central_night) -> None:
    """Probe P: "median time between central apneas" and "... within 2 min of each other?" listed
    the events."""
    night, _ = central_night
    onsets = np.sort([e.onset for e in night.recording.events if e.type == "central_apnea"])
    gaps = np.diff(onsets)
    text = last_answer(central_night, "median time between central apneas")
    assert f"median **{np.median(gaps):.0f} s**" in text and f"over the {len(gaps)} intervals" in text
    close = last_answer(central_night, "how many central apneas were within 2 min of each other?")
    assert close.startswith(f"**{int(np.sum(gaps <= 120))}** of the {len(gaps)} intervals")
    assert understand("time between the apnea and the desaturation").measure != "event_gaps"


@pytest.fixture(scope="module")
def scored_home_test(demo, tmp_path_factory: pytest.TempPathFactory):
    """Two scored hours of a home sleep test (no EEG), a 58-year-old with moderate apnea."""
    from chat_dialogues import scored_synthetic

    return scored_synthetic(demo, tmp_path_factory.mktemp("hst"), "hst", hours=2.0, seed=7903, age=58.0, ahi=25.0,
                            profile="hst", position_changes=4)


def test_the_rei_in_a_span_is_per_hour_recorded(scored_home_test) -> None:
    """Probe Q: "REI in the first 2 hours" gave the AHI per hour of sleep (38.8/h on the unscored
    home test, where its own REI there was 16.5)."""
    night, _ = scored_home_test
    n = sum(e.type in APNEA_TYPES and e.onset < 3600 for e in night.recording.events)
    text = last_answer(scored_home_test, "REI in the first hour")
    assert text.startswith(f"REI in the first hour: **{n / 1.0:.1f}/h**, {n} apneas and hypopneas in 60.0 min recorded")


@pytest.mark.parametrize("question", ["REI supine vs lateral", "how many events per hour recorded while supine?",
                                      "REI between 1 and 2 am"])
def test_the_rei_asked_by_position_or_span_is_the_rei(question: str) -> None:
    assert understand(question).note == "rei"


def test_a_greeting_before_a_request_is_the_request(demo) -> None:
    """Probe Q: "hi, give me an overview of this night" gave the help."""
    assert "time in bed" in last_answer(demo, "hi, give me an overview of this night")


def test_hypopneas_that_had_an_arousal_only(demo) -> None:
    """Probe Q: "how many had an arousal only?" dropped "only" (48 for a true 18)."""
    query = understand("the hypopneas - how many had an arousal only?")
    assert query.together == "arousal" and query.lacking == "desaturation"


def test_worse_sats_give_the_worse_sides_figures_first() -> None:
    """Probe Q: "**The last 2 hours** had the worse oxygen: lowest 88.0 against 85.4 %"."""
    from app.chat.render import _worse_oxygen
    from app.chat.results import SpanColumn, SpanOxygen

    first = SpanColumn("the first 2 hours", (0.0, 7200.0), {}, {}, SpanOxygen(95.8, 88.0, 0.4))
    last = SpanColumn("the last 2 hours", (21600.0, 28800.0), {}, {}, SpanOxygen(95.1, 85.4, 1.9))
    text = _worse_oxygen(first, last)
    assert text.startswith("**The last 2 hours** had the worse oxygen: lowest 85.4 against 88.0 %, under 90 % for "
                           "1.9 against 0.4 min, mean 95.1 against 95.8 %")


def test_that_apnea_after_the_worst_dip_is_the_one_it_follows(demo) -> None:
    """Probe Q: "how long was that apnea?" after the lowest dip gave "0 apnea events"."""
    text = last_answer(demo, "how low did the sat go", "show me the worst one", "how long was that apnea?")
    assert "**1** apnea event in the 90 s before the lowest SpO2" in text


@pytest.mark.parametrize("first, follow", [("longest apnea", "how long did the desat last?"),
                                           ("show me the longest hypopnea", "what was the spo2 drop?")])
def test_the_desaturation_after_the_one_shown(demo, first: str, follow: str) -> None:
    """Probe Q: both listed every desaturation of the night."""
    text = last_answer(demo, first, follow)
    m = re.search(r"The desaturation tied to it, \*\*[\d:]+–[\d:]+\*\* \(([\d.]+) s; SpO2 lags the breathing\): down "
                  r"\*\*([\d.]+) points\*\*", text)
    assert (m or "no desaturation is tied to it" in text) and "desaturation events (mean" not in text


def test_an_index_the_channels_cannot_show_says_so(demo, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Probe Q: a scored Sleep-EDF-montage night (1-Hz airflow, no SpO2) gave AHI 2.9 and ODI 2.5
    with no word."""
    from chat_dialogues import scored_synthetic

    edf = scored_synthetic(demo, tmp_path_factory.mktemp("sedf"), "sedf", hours=1.0, seed=7904, age=33.0, ahi=10.0,
                           profile="sleep-edf")
    assert "This recording cannot show apneas and hypopneas: " in last_answer(edf, "AHI?")
    assert "This recording cannot show desaturations: " in last_answer(edf, "ODI?")
    assert "cannot show" not in last_answer(demo, "AHI?")


@pytest.mark.parametrize("question", ["heart rate in REM vs NREM", "t90 in REM", "mean spo2 in REM"])
def test_a_measure_in_a_guessed_stage_says_so(home_test, demo, question: str) -> None:
    """Probe Q: on a home test without EEG, the heart rate, SpO2 and T90 in REM rested on 270
    guessed REM epochs (135 min for a true 101.5) with no word."""
    assert last_answer(home_test, question).startswith("**By the model's guessed stages**: this recording has no EEG")
    assert "guessed stages" not in last_answer(demo, question)


def test_which_half_had_the_lower_nadir_compares_the_halves(demo) -> None:
    """Probe Q: "not about this recording"."""
    night, _ = demo
    half = night.recording.duration / 2
    lows = _spo2(night, 0.0, half).min(), _spo2(night, half).min()
    text = last_answer(demo, "which half had the lower nadir?")
    assert "| SpO2 mean / lowest |" in text and f"{min(lows):.1f}" in text.split("\n")[0]


def test_meeting_criteria_for_a_disorder_is_a_diagnosis_question() -> None:
    """Probe Q: "does this meet criteria for OSA?" was "not about this recording"."""
    assert understand("does this meet criteria for OSA?").condition_name == "sleep apnea"
