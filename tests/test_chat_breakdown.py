"""Indices split by body position, stage and clock hour; the deepest desaturations; periodic
leg movements. On the bundled synthetic night (the session's ``demo`` fixture)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from scipy.stats import spearmanr

from app.chat.execute import with_frequencies
from app.chat.measures import MEASURES, measure_name
from app.chat.plan import clock
from app.chat.query import Intent
from app.chat.results import Item
from app.chat.understand import understand
from app.session import Session
from sleeplm_core.heads.summary import APNEA_TYPES
from sleeplm_core.io.recording import EPOCH_SEC, STAGES, Event
from sleeplm_core.scoring.association import arousal_causes
from sleeplm_core.scoring.desaturation import desaturation_depth
from sleeplm_core.scoring.limbs import periodic

POSITION = "position_muscle.position.position"


@pytest.mark.parametrize(("text", "by", "stat", "phen"), [
    ("how long was the patient supine?", "position", None, None),
    ("what position did they sleep in most?", "position", None, None),
    ("is the apnea worse when supine?", "position", None, "apnea"),
    ("supine AHI?", "position", "ahi", None),
    ("what is the AHI in REM vs NREM?", "stage", "ahi", None),
    ("which hour had the most apneas?", "hour", None, "apnea"),
    ("hourly desaturations", "hour", None, "desaturation"),
    ("where are the sleep spindles densest?", "hour", None, "spindle"),
    ("where were the apneas most frequent?", "hour", None, "apnea"),
])
def test_breakdowns_are_understood(text: str, by: str, stat: str | None, phen: str | None) -> None:
    q = understand(text)
    assert (q.intent, q.by, q.stat, q.phenomenon) == (Intent.BREAKDOWN, by, stat, phen)


@pytest.mark.parametrize("text", ["how much time was spent in each stage?",
                                  "describe the muscle and position during REM",
                                  "where are the apneas?"])
def test_other_questions_are_not_breakdowns(text: str) -> None:
    assert understand(text).intent != Intent.BREAKDOWN


def _unscored_without_breathing(night):
    """The demo night as if nobody scored it and its airflow could not be read."""
    machine = replace(night.machine, skipped=["respiratory: no usable airflow or effort belt"],
                      events=[e for e in night.machine.events if e.type not in APNEA_TYPES])
    return replace(night, recording=replace(night.recording, events=[]), machine=machine,
                   _summary={})


def _rows(text: str) -> dict[str, list[str]]:
    return {m[0].strip(): [c.strip() for c in m[1:]] for m in
            (line.strip("|").split("|") for line in text.splitlines() if line.startswith("| "))}


def test_supine_ahi_counts_the_events_in_supine_sleep(demo) -> None:
    night, engine = demo
    text = Session(night).ask("supine AHI?", engine).text
    stages = night.stages()[0]
    supine = night.feature_frame()[POSITION].to_numpy() == "supine"
    asleep = stages >= 1
    n = sum(1 for e in night.recording.events if e.type in APNEA_TYPES
            and supine[night.epoch_at(e.onset)] and asleep[night.epoch_at(e.onset)])
    minutes = float((supine & asleep).sum()) * EPOCH_SEC / 60
    row = _rows(text)["supine"]
    mean = np.mean([e.duration for e in night.recording.events if e.type in APNEA_TYPES
                    and supine[night.epoch_at(e.onset)] and asleep[night.epoch_at(e.onset)]])
    assert row == [f"{minutes:.1f}", str(n), f"{n / (minutes / 60):.1f}", f"{mean:.0f} s"]
    assert "Cartwright" in text and "non-supine" in _rows(text)


def test_rem_and_nrem_ahi_add_up_to_the_summary(demo) -> None:
    night, engine = demo
    rows = _rows(Session(night).ask("what is the AHI in REM vs NREM?", engine).text)
    assert int(rows["REM"][1]) + int(rows["NREM"][1]) == night.summary().n_apneas_hypopneas
    assert sum(int(rows[s][1]) for s in ("N1", "N2", "N3")) == int(rows["NREM"][1])


def _ah_in(night, mask: np.ndarray) -> tuple[int, float]:
    """Apneas and hypopneas starting in the masked sleep epochs, and those epochs' minutes."""
    counted = mask & (night.stages()[0] >= 1)
    n = sum(1 for e in night.recording.events if e.type in APNEA_TYPES
            and counted[night.epoch_at(e.onset)])
    return n, float(counted.sum()) * EPOCH_SEC / 60


@pytest.mark.parametrize(("dialogue", "where"), [
    (["what was the AHI in REM?"], "REM"),
    (["what was the AHI?", "and in REM?"], "REM"),
    (["AHI between 2 and 3 am"], "2-3"),
])
def test_an_index_asked_in_a_scope_counts_that_scope(demo, dialogue: list[str], where: str) -> None:
    night, engine = demo
    session = Session(night)
    for text in dialogue:
        answer = session.ask(text, engine).text
    if where == "REM":
        mask = night.stages()[0] == STAGES.index("REM")
    else:
        t0 = night.recording.start_time
        clock = (night.epochs.starts + t0.hour * 3600 + t0.minute * 60 + t0.second) % 86400
        mask = (clock >= 2 * 3600) & (clock < 3 * 3600)
    n, minutes = _ah_in(night, mask)
    assert f"**{n / (minutes / 60):.1f}/h**, {n} apneas and hypopneas" in answer
    total = night.summary()
    assert f"Over the whole night: {total.ahi:.1f}/h ({total.n_apneas_hypopneas} in" in answer


def test_a_position_index_inside_a_stage(demo) -> None:
    night, engine = demo
    rem = night.stages()[0] == STAGES.index("REM")
    supine = night.feature_frame()[POSITION].to_numpy() == "supine"
    n, minutes = _ah_in(night, rem & supine)
    answer = Session(night).ask("what is the supine REM AHI?", engine).text
    lead, answer = answer.split("\n\n", 1)   # the position asked leads (stop 54)
    assert lead.startswith(f"**AHI on the back (supine) in REM: {n / (minutes / 60):.1f}/h**"), lead
    assert answer.startswith("AHI by body position in REM")
    assert _rows(answer)["supine"][:3] == [f"{minutes:.1f}", str(n), f"{n / (minutes / 60):.1f}"]


def test_sleep_efficiency_in_a_span_counts_that_span(demo) -> None:
    night, engine = demo
    answer = Session(night).ask("what was the sleep efficiency in the second half?", engine).text
    stages = night.stages()[0]
    second = night.epochs.starts >= night.recording.duration / 2
    asleep = float((second & (stages >= 1)).sum()) * EPOCH_SEC / 60
    recorded = float((second & (stages >= 0)).sum()) * EPOCH_SEC / 60
    assert f"**{asleep:.1f} min** asleep of {recorded:.1f} min recorded" in answer
    assert f"**{100 * asleep / recorded:.1f} %**" in answer
    assert f"whole night's efficiency: {night.summary().se_pct:.1f} %" in answer


def test_an_index_in_a_span_without_sleep_says_so(demo) -> None:
    night, engine = demo
    answer = Session(night).ask("AHI in the first 10 minutes", engine).text
    assert answer.startswith("There is no sleep in the first 10 minutes") and "no AHI" in answer


def test_a_split_follow_up_keeps_what_was_counted(demo) -> None:
    night, engine = demo
    session = Session(night)
    session.ask("what was the AHI?", engine)
    rem = night.stages()[0] == STAGES.index("REM")
    n_rem, _ = _ah_in(night, rem)
    n_nrem, _ = _ah_in(night, ~rem)
    answer = session.ask("and in REM vs NREM?", engine).text
    assert f"**{n_rem}** in REM" in answer and f"**{n_nrem}** in N1/N2/N3" in answer
    # The comparison's sides do not stay on as a scope: the next split is the whole night's.
    rows = _rows(session.ask("what about on the back?", engine).text)
    assert rows["supine"] == _rows(Session(night).ask("supine AHI?", engine).text)["supine"]
    session.ask("how many hypopneas?", engine)
    rows = _rows(session.ask("by position?", engine).text)
    supine = night.feature_frame()[POSITION].to_numpy() == "supine"
    asleep = night.stages()[0] >= 1
    assert int(rows["supine"][1]) == sum(1 for e in night.recording.events if e.type == "hypopnea"
                                         and (supine & asleep)[night.epoch_at(e.onset)])


def test_a_split_follow_up_of_a_measure_splits_the_measure(demo) -> None:
    night, engine = demo
    session = Session(night)
    session.ask("did the patient snore?", engine)
    answer = session.ask("what about on the back?", engine).text
    frame = night.feature_frame()
    loud = pd.to_numeric(frame.loc[frame[POSITION] == "supine", "respiratory.snore.loudness [dB]"])
    assert f"| supine | {loud.mean():.1f} |" in answer
    # Asked first, a bare split has nothing to split.
    assert Session(night).ask("by position?", engine).text.startswith("There is nothing")


def test_either_or_comparison_of_an_index(demo) -> None:
    night, engine = demo
    answer = Session(night).ask("was the ODI higher in the first or the second half?", engine).text
    assert "in the first half" in answer and "in the second half" in answer
    # an either-or names the side first (stop 54), then the two halves' counts
    lead, body = answer.split("\n\n", 1)
    assert re.match(r"\*\*(?:Higher|Lower|About the same) in the first half", lead), lead
    assert body.startswith("Desaturations (counted in sleep)"), body


@pytest.mark.parametrize(("text", "family", "kind", "stage"), [
    ("what percentage of apneas were central?", ("obstructive_apnea", "central_apnea",
                                                 "mixed_apnea"), "central_apnea", None),
    ("what fraction of the apneas in REM were obstructive?",
     ("obstructive_apnea", "central_apnea", "mixed_apnea"), "obstructive_apnea", "REM"),
    ("how many of the events were hypopneas?", APNEA_TYPES, "hypopnea", None),
])
def test_the_share_of_a_kind_of_breathing_event(demo, text: str, family: tuple[str, ...],
                                                kind: str, stage: str | None) -> None:
    night, engine = demo
    stages = night.stages()[0]
    events = [e for e in night.recording.events if e.type in family and (
        stage is None or stages[night.epoch_at(e.onset)] == STAGES.index(stage))]
    n = sum(e.type == kind for e in events)
    answer = Session(night).ask(text, engine).text
    assert answer.startswith(f"**{n}** of the {len(events)} ")
    assert f"(**{100 * n / len(events):.0f} %**) are {kind.replace('_', ' ')}s" in answer
    assert "event events" not in answer


def test_the_share_of_events_in_a_stage(demo) -> None:
    night, engine = demo
    rem = night.stages()[0] == STAGES.index("REM")
    hypopneas = [e for e in night.recording.events if e.type == "hypopnea"]
    n = sum(bool(rem[night.epoch_at(e.onset)]) for e in hypopneas)
    answer = Session(night).ask("what percentage of the hypopneas were in REM?", engine).text
    assert answer.startswith(f"**{n}** of the night's {len(hypopneas)} hypopnea events "
                             f"(**{100 * n / len(hypopneas):.0f} %**) are in REM")


def test_a_follow_up_naming_an_apnea_type_keeps_the_scope(demo) -> None:
    night, engine = demo
    session = Session(night)
    session.ask("how many apneas?", engine)
    session.ask("and in REM?", engine)
    rem = night.stages()[0] == STAGES.index("REM")
    n = sum(1 for e in night.recording.events if e.type == "obstructive_apnea"
            and rem[night.epoch_at(e.onset)])
    answer = session.ask("only the obstructive ones", engine).text
    assert f"**{n}** obstructive apnea events in REM" in answer


def test_position_time_adds_up_to_the_sleep(demo) -> None:
    night, engine = demo
    text = Session(night).ask("how long was the patient supine?", engine).text
    rows = _rows(text)
    asleep = sum(float(v[1]) for k, v in rows.items() if k not in ("body position", "non-supine"))
    assert asleep == pytest.approx(night.summary().tst_min, abs=0.1)
    assert "most sleep was **supine**" in text


def test_hours_cover_the_night_and_name_the_busiest(demo) -> None:
    night, engine = demo
    text = Session(night).ask("which hour had the most apneas?", engine).text
    rows = {k: v for k, v in _rows(text).items() if k != "clock hour"}
    apneas = [e for e in night.recording.events if e.type in ("obstructive_apnea", "central_apnea",
                                                              "mixed_apnea")]
    asleep = night.stages()[0] >= 1
    assert sum(int(v[1]) for v in rows.values()) == sum(asleep[night.epoch_at(e.onset)]
                                                        for e in apneas)
    busiest = max(rows, key=lambda k: int(rows[k][1]))
    total = sum(int(v[1]) for v in rows.values())
    share = 100 * int(rows[busiest][1]) / total
    assert f"Most events: **{busiest}** ({rows[busiest][1]} of {total}, {share:.0f} %)" in text


def test_the_deepest_desaturation_is_the_deepest_measured(demo) -> None:
    night, engine = demo
    answer = Session(night).ask("when was the deepest desaturation?", engine)
    spo2 = night.recording.signals[night.epochs.aux_mapping["SPO2"]]
    depths = [desaturation_depth(spo2.data, spo2.sfreq, e.onset, e.duration)
              for e in night.recording.events if e.type == "desaturation"]
    best = max(d for d in depths if d is not None)
    assert f"drop {best:.1f} % from baseline" in answer.text and "the 1 deepest" in answer.text


def test_periodic_series_follow_the_aasm_intervals() -> None:
    onsets = np.array([0, 20, 40, 60, 300, 310, 320, 700, 704, 708, 712, 716], dtype=float)
    # Four 20-s gaps make a series; three movements do not; 4-s gaps are too short.
    assert periodic(onsets).tolist() == [True] * 4 + [False] * 8
    assert periodic(onsets[::-1]).tolist() == ([False] * 8 + [True] * 4)


def test_plms_index_is_reported_with_leg_movements(demo) -> None:
    night, engine = demo
    text = Session(night).ask("what's the PLM index?", engine).text
    lm = np.array([e.onset for e in night.recording.events if e.type == "limb_movement"])
    stages = night.stages()[0]
    member = periodic(lm) & (stages[[night.epoch_at(t) for t in lm]] >= 1)
    tst_h = float(np.sum(stages >= 1)) * EPOCH_SEC / 3600
    assert f"**{int(member.sum())}** of the leg movements in sleep belong to periodic" in text
    assert f"PLMS index of **{member.sum() / tst_h:.1f}/h**" in text
    assert re.search(r"\*\*[\d.]+ per hour\*\* of sleep", text)


def test_a_comparison_of_events_counts_each_side(demo) -> None:
    night, engine = demo
    text = Session(night).ask("compare spindles in the first and second half", engine).text
    half = night.recording.duration / 2
    spindles = [e for e in night.recording.events if e.type == "spindle"]
    first = sum(1 for e in spindles if e.onset < half)
    assert f"**{first}** in the first half" in text
    assert f"**{len(spindles) - first}** in the second half" in text
    assert "per minute of sleep" in text


def test_a_comparison_of_stage_time_keeps_the_stage_on_both_sides(demo) -> None:
    night, engine = demo
    text = Session(night).ask("how long was N3 in the first half vs the second half?", engine).text
    stages = night.stages()[0]
    half = len(stages) // 2
    minutes = [float(np.sum(part == STAGES.index("N3"))) * EPOCH_SEC / 60
               for part in (stages[:half], stages[half:])]
    assert (f"**{minutes[0]:.1f} min** in N3 in the first half against **{minutes[1]:.1f} min** "
            f"in N3 in the second half") in text


def test_one_stage_compared_over_time_is_its_amount_and_two_stages_their_eeg(demo) -> None:
    night, engine = demo
    text = Session(night).ask("compare REM in the first and last third", engine).text
    stages, starts = night.stages()[0], night.epochs.starts
    third = night.recording.duration / 3
    minutes = [float(np.sum((stages == STAGES.index("REM")) & inside)) * EPOCH_SEC / 60
               for inside in (starts < third, starts >= 2 * third)]
    assert (f"**{minutes[0]:.1f} min** in REM in the first third against **{minutes[1]:.1f} min** "
            f"in REM in the last third") in text
    assert "delta power (EEG " in Session(night).ask("compare N2 and N3", engine).text


def test_apnea_lengths_by_stage_and_types(demo) -> None:
    night, engine = demo
    text = Session(night).ask("were apneas longer in REM?", engine).text
    stages = night.stages()[0]
    rem = [e.duration for e in night.recording.events if e.type in ("obstructive_apnea",
           "central_apnea", "mixed_apnea") and stages[night.epoch_at(e.onset)] == STAGES.index("REM")]
    assert f"Mean length: REM {np.mean(rem):.0f} s against NREM" in text
    counts = Session(night).ask("how many obstructive vs central apneas?", engine).text
    n = {t: sum(1 for e in night.recording.events if e.type == t)
         for t in ("obstructive_apnea", "central_apnea")}
    assert (f"obstructive apnea {n['obstructive_apnea']}" in counts
            and f"central apnea {n['central_apnea']}" in counts)


def test_band_power_is_compared_as_a_measure_not_as_events(demo) -> None:
    night, engine = demo
    text = Session(night).ask("compare delta power in N2 and N3", engine).text
    assert "delta power (EEG " in text and "events in the" not in text


def test_arousal_causes_follow_the_association_rules() -> None:
    events = [Event(100, 20, "obstructive_apnea"), Event(124, 5, "arousal"),    # 4 s after: resp.
              Event(200, 3, "limb_movement"), Event(203.3, 4, "arousal"),       # 0.3 s gap: limb
              Event(300, 2, "limb_movement"), Event(303, 4, "arousal"),         # 1 s gap: neither
              Event(400, 15, "hypopnea"), Event(410, 4, "arousal")]             # during it
    assert [c for _, c in arousal_causes(events)] == ["respiratory", "limb movement",
                                                      "spontaneous", "respiratory"]


def test_arousal_answer_counts_causes(demo) -> None:
    night, engine = demo
    text = Session(night).ask("how many arousals were associated with apneas?", engine).text
    tied = Counter(c for _, c in arousal_causes(night.recording.events))
    assert f"**{tied['respiratory']}** respiratory" in text and "By cause:" in text
    assert sum(tied.values()) == sum(1 for e in night.recording.events if e.type == "arousal")


def test_what_caused_the_arousals_leads_with_the_largest_cause(demo) -> None:
    night, engine = demo
    text = Session(night).ask("what caused most of the arousals?", engine).text
    tied = Counter(c for _, c in arousal_causes(night.recording.events))
    top, n = tied.most_common(1)[0]
    assert text.startswith(f"Most of the {sum(tied.values())} arousals were **{top}** ({n}, "), text
    listing = Session(night).ask("where are the arousals?", engine).text
    assert not listing.startswith("Most of the")   # a plain list leads with the events


def test_arousals_are_not_called_spontaneous_where_breathing_was_not_scored(demo) -> None:
    night, engine = demo
    unscored = _unscored_without_breathing(night)
    text = Session(unscored).ask("what triggered the arousals?", engine).text
    assert "no scored cause" in text and "spontaneous" not in text.split("(")[0]
    assert "Not every cause could be looked for: respiratory: no usable airflow" in text


def test_stage_minutes_by_hour_and_the_longest_awakening(demo) -> None:
    night, engine = demo
    text = Session(night).ask("which hour had the most N3?", engine).text
    rows = {k: v for k, v in _rows(text).items() if k != "clock hour"}
    n3 = float(np.sum(night.stages()[0] == STAGES.index("N3"))) * EPOCH_SEC / 60
    assert sum(float(v[0]) for v in rows.values()) == pytest.approx(n3)
    top = max(rows, key=lambda k: float(rows[k][0]))
    assert f"most N3 by clock hour in **{top}**" in text
    awake = Session(night).ask("when was the longest awakening?", engine).text
    assert "the longest uninterrupted W period (after sleep onset" in awake


def test_a_measure_per_stage_and_per_hour(demo) -> None:
    night, engine = demo
    text = Session(night).ask("which stage has the highest heart rate?", engine).text
    frame = night.feature_frame()
    stages = night.stages()[0]
    hr = pd.to_numeric(frame["heart.heart_rate.mean [bpm]"], errors="coerce").to_numpy()
    # Wake is a stage of its own in a measure's split (the heart beats fastest awake).
    means = {s: np.nanmean(hr[stages == STAGES.index(s)]) for s in STAGES}
    top = max(means, key=means.get)
    assert f"highest in **{top}** ({means[top]:.1f})" in text
    assert text.count("mean per epoch") == 1  # pulse and ECG rate are one table, not two
    assert "**heart rate (mean)** (bpm" in text   # in words, not the feature column's path
    trend = Session(night).ask("what's the delta power trend across the night?", engine).text
    assert "**delta power (EEG " in trend and ")** (%, mean per epoch)" in trend
    assert "| clock hour | mean |" in trend


def test_spindle_trend_is_per_minute(demo) -> None:
    night, engine = demo
    text = Session(night).ask("how do spindles change across the night?", engine).text
    assert "per minute of that group's sleep" in text and "| per minute |" in text


def test_splits_of_unscored_events_and_missing_measures_say_so(demo) -> None:
    night, engine = demo
    unscored = _unscored_without_breathing(night)
    text = Session(unscored).ask("what is the AHI in REM vs NREM?", engine).text
    assert text.startswith("**AHI events were not scored on this night**")
    assert "no usable airflow" in text
    rera = Session(unscored).ask("show me a RERA", engine).text
    assert "not scored on this night" in rera and "no machine detector" in rera
    # K-complexes are the machine's slow waves of N2 (they were "not scored")
    kc = Session(unscored).ask("show me a K-complex", engine).text
    assert "not scored on this night" not in kc, kc
    assert "YASA's sw_detect finds in machine-scored N2" in kc
    frame = night.feature_frame().drop(columns=[c for c in night.feature_frame().columns
                                                if c.startswith("heart.")])
    no_heart = replace(night, _frame=frame)
    for question in ("did heart rate go up during REM?", "which stage has the highest heart rate?"):
        assert "no heart rate channel" in Session(no_heart).ask(question, engine).text


def test_every_measure_has_a_name() -> None:
    assert [m.name for m in MEASURES if "power" in m.name] == [
        "delta power", "theta power", "alpha power", "sigma power", "beta power"]
    assert measure_name("sigma activity in N2") == "sigma power"
    assert measure_name("the spindle band") == "sigma power"
    assert measure_name("HRV in N3") == "heart rate variability"
    assert measure_name("what about the pulse") == "heart rate"
    assert measure_name("snoring") == "snoring loudness" and measure_name("sawtooth waves") is None


def test_heart_rate_during_and_after_apneas(demo) -> None:
    night, engine = demo
    text = Session(night).ask("what was the heart rate during apneas?", engine).text
    pulse = night.recording.signals[night.epochs.aux_mapping["HR"]]
    t = np.arange(len(pulse.data)) / pulse.sfreq
    apneas = [e for e in night.recording.events if e.type in ("obstructive_apnea",
                                                              "central_apnea", "mixed_apnea")]
    during = np.zeros(len(t), dtype=bool)
    for e in apneas:
        during |= (t >= e.onset) & (t < e.offset)
    assert (f"during the {len(apneas)} apnea events: mean **{pulse.data[during].mean():.1f} bpm**"
            in text)
    assert "in the 30 s after each ends" in text and "in the rest of sleep" in text


def test_a_signal_in_one_stage_is_measured_there(demo) -> None:
    night, engine = demo
    text = Session(night).ask("heart rate during REM", engine).text
    assert text.startswith("Heart rate, in REM")


def test_comparing_the_eyes_counts_rapid_eye_movements_from_the_eye_leads(demo) -> None:
    night, engine = demo
    text = Session(night).ask("compare the eyes in REM and N3", engine).text
    row = next(line for line in text.splitlines() if "rapid eye movements count" in line)
    rem, n3 = (float(v) for v in re.findall(r"\*\*([\d.]+)\*\*", row))
    # YASA's detector on E1-M2 + E2-M1 finds movements in REM and none in deep sleep, where
    # the 1-5 Hz share read before was at its highest
    assert rem >= 3.0 and n3 == 0.0


def test_the_rdi_adds_reras_to_the_ahi_and_says_when_none_are_scored(demo) -> None:
    night, engine = demo
    text = Session(night).ask("what is the RDI?", engine).text
    assert "RDI (apneas + hypopneas + RERAs per hour of sleep): **19.9/h**" in text
    assert "0 RERAs" in text and "the RDI equals the AHI" in text
    stages = night.stages()[0]
    rem = np.flatnonzero(stages == STAGES.index("REM"))[:20:2]
    reras = [Event(float(night.epochs.starts[i]) + 5.0, 10.0, "rera") for i in rem]
    scored = replace(night, recording=replace(night.recording, events=night.recording.events + reras),
                     _summary={})
    session = Session(scored)
    text = session.ask("what is the RDI?", engine).text
    tst_h = float(np.sum(stages >= 1)) * EPOCH_SEC / 3600
    assert f"**{(138 + 10) / tst_h:.1f}/h**" in text and "10 RERAs" in text
    assert "equals the AHI" not in text
    rem_h = len(np.flatnonzero(stages == STAGES.index("REM"))) * EPOCH_SEC / 3600
    text = session.ask("respiratory disturbance index in REM?", engine).text
    assert text.startswith("RDI in REM") and "apneas, hypopneas and RERAs" in text
    rem_ah = sum(1 for e in night.recording.events if e.type in APNEA_TYPES
                 and stages[night.epoch_at(e.onset)] == STAGES.index("REM"))
    assert f"**{(rem_ah + 10) / rem_h:.1f}/h**" in text, text


def test_reras_are_listed_from_the_scoring_never_from_the_model(demo) -> None:
    night, engine = demo
    assert understand("how many respiratory effort related arousals?").phenomenon == "rera"
    assert understand("any RERAs?").phenomenon == "rera"
    text = Session(night).ask("any RERAs?", engine).text
    assert "**0** respiratory effort-related arousal events" in text and "model" not in text
    starts = night.epochs.starts
    reras = [Event(float(starts[i]) + 5.0, 10.0, "rera") for i in range(100, 400, 60)]
    scored = replace(night, recording=replace(night.recording, events=night.recording.events + reras))
    text = Session(scored).ask("any RERAs?", engine).text
    assert "**5** respiratory effort-related arousal events" in text and "model" not in text


@pytest.mark.parametrize("text", ["what was the HRV in REM?", "what was the delta power in N3?",
                                  "RMSSD during sleep?", "alpha power after 4 am?"])
def test_a_feature_in_a_scope_is_a_scope_breakdown(text: str) -> None:
    q = understand(text)
    assert (q.intent, q.by) == (Intent.BREAKDOWN, "scope") and q.measure, q


def test_a_feature_in_a_scope_is_its_mean_there_against_the_night(demo) -> None:
    night, engine = demo
    text = Session(night).ask("what was the HRV in REM?", engine).text
    rmssd = pd.to_numeric(night.feature_frame()["heart.ecg.rmssd [ms]"], errors="coerce").to_numpy()
    rem = night.stages()[0] == STAGES.index("REM")
    assert (f"**{np.nanmean(rmssd[rem]):.1f}** in REM, against {np.nanmean(rmssd):.1f} over the "
            f"whole night") in text, text
    assert understand("what was the heart rate in REM?").intent == Intent.MEASURE  # a series


def test_a_per_minute_split_by_stage_states_rem_against_nrem_per_minute(demo) -> None:
    night, engine = demo
    text = Session(night).ask("spindle density per stage", engine).text
    stages = night.stages()[0]
    spindles = [e for e in night.scored_events()[0] if e.type == "spindle"]
    nrem = np.isin(stages, [1, 2, 3])
    count = sum(nrem[night.epoch_at(e.onset)] for e in spindles)
    rate = count / (nrem.sum() * EPOCH_SEC / 60)
    assert f"against NREM {rate:.1f}/min." in text, text


def test_worse_toward_morning_gives_the_earlier_and_later_hours_rates(demo) -> None:
    night, engine = demo
    text = Session(night).ask("did the breathing get worse toward morning?", engine).text
    rows = [(float(m), int(n)) for m, n in re.findall(
        r"^\| \d\d:\d\d–\d\d:\d\d \| ([\d.]+) \| (\d+) \|", text, re.M)]
    half = sum(m for m, _ in rows) / 2
    k = int(np.searchsorted(np.cumsum([m for m, _ in rows]), half)) + 1
    early = sum(n for _, n in rows[:k]) / (sum(m for m, _ in rows[:k]) / 60)
    late = sum(n for _, n in rows[k:]) / (sum(m for m, _ in rows[k:]) / 60)
    assert f"**{early:.1f}/h**, later (" in text and f"**{late:.1f}/h**." in text, text


@pytest.mark.parametrize(("text", "first", "second", "stages"), [
    ("what is the correlation between heart rate and delta power?", "heart rate", "delta power", ()),
    ("does SpO2 correlate with heart rate?", "SpO2", "heart rate", ()),
    ("correlation of sigma power and alpha power in N2", "sigma power", "alpha power", ("N2",)),
    ("is the heart rate related to the breathing rate in REM?", "heart rate", "breathing rate",
     ("REM",)),
])
def test_a_correlation_names_two_measures(text: str, first: str, second: str,
                                          stages: tuple[str, ...]) -> None:
    q = understand(text)
    assert (q.intent, q.by, q.measure, q.against, q.scope.stages) == (
        Intent.BREAKDOWN, "correlation", first, second, stages), q
    assert understand("is AHI related to sleep position?").by == "position"


def test_the_correlation_is_spearman_over_sleep_and_within_each_stage(demo) -> None:
    """"what is the correlation between heart rate and delta power?" explained slow waves."""
    night, engine = demo
    text = Session(night).ask("what is the correlation between heart rate and delta power?",
                              engine).text
    frame = night.feature_frame()
    hr = frame["heart.heart_rate.mean [bpm]"].to_numpy(float)
    delta = frame[next(c for c in frame.columns if c.startswith("brain.eeg.")
                       and c.endswith(".delta [%]"))].to_numpy(float)
    stages = night.stages()[0]
    sleep = (stages >= 1) & np.isfinite(hr) & np.isfinite(delta)
    rho = spearmanr(hr[sleep], delta[sleep])[0]
    assert f"**ρ = {rho:+.2f}** (p < 0.001, {int(sleep.sum())} epochs)" in text, text
    n2 = sleep & (stages == 2)
    assert f"| N2 | {int(n2.sum())} | {spearmanr(hr[n2], delta[n2])[0]:+.2f} |" in text, text


def test_epochs_with_high_sigma_power_in_n2_are_listed_highest_first(demo) -> None:
    """"find epochs with high sigma power in N2" compared N2's mean with the night's."""
    night, engine = demo
    q = understand("find epochs with high sigma power in N2")
    assert (q.intent, q.rank, q.scope.stages) == (Intent.MEASURE, "highest", ("N2",)), q
    answer = Session(night).ask("find epochs with high sigma power in N2", engine)
    frame = night.feature_frame()
    col = next(c for c in frame.columns if c.startswith("brain.eeg.") and c.endswith(".sigma [%]"))
    values = frame[col].to_numpy(float)
    n2 = np.flatnonzero((night.stages()[0] == 2) & np.isfinite(values))
    best = n2[np.argsort(-values[n2], kind="stable")[:5]]
    listed = [int(e) for e in re.findall(r"\(epoch (\d+), [\d.]+ %, stage N2\)", answer.text)]
    assert listed == best.tolist(), answer.text
    assert [night.epoch_at(h.start) for h in answer.highlights] == listed


def test_a_measure_is_named_by_whole_words_only() -> None:
    """"machine" named the chin EMG, "three" the heart rate."""
    assert measure_name("which epochs is the machine least sure about?") is None
    assert measure_name("the three longest") is None
    assert measure_name("chin EMG in REM") == "chin EMG" and measure_name("snoring") == "snoring loudness"


def test_spindle_frequency_in_two_stages_is_compared_per_spindle(demo) -> None:
    """"what is the mean spindle frequency in N2 vs N3?" compared their counts."""
    night, engine = demo
    text = Session(night).ask("what is the mean spindle frequency in N2 vs N3?", engine).text
    assert text.startswith("Mean per spindle, in N2 vs in N3:"), text
    stages = night.stages()[0]
    for stage, code in (("N2", 2), ("N3", 3)):
        spindles = [Item(e.onset, e.offset, "spindle", "scored") for e in night.scored_events()[0]
                    if e.type == "spindle" and stages[night.epoch_at(e.onset)] == code]
        hz = [i.value for i in with_frequencies(night, spindles)[0] if i.value is not None]
        assert f"in {stage}: **{np.mean(hz):.1f}** (sd {np.std(hz):.1f}, {len(hz)} spindles)" in text


def test_a_measure_against_itself_is_not_correlated(demo) -> None:
    night, engine = demo
    text = Session(night).ask("what is the correlation between heart rate and pulse?", engine).text
    assert text.startswith("Both sides of that comparison are heart rate") and "ρ" not in text, text


def test_the_worst_hour_is_shown(demo) -> None:
    night, engine = demo
    q = understand("zoom to the worst hour")
    assert (q.intent, q.by, q.phenomenon) == (Intent.BREAKDOWN, "hour", "respiratory_event")
    answer = Session(night).ask("zoom to the worst hour", engine)
    worst = re.search(r"Highest rate: \*\*(\d\d:\d\d)–(\d\d:\d\d)\*\*", answer.text).group(1)
    assert len(answer.highlights) == 1
    assert night.epochs.starts[answer.jump] == pytest.approx(answer.highlights[0].start)
    assert clock(night, answer.highlights[0].start).startswith(worst)
