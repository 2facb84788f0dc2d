"""Questions of stop 53. Each names what it used to get. Expected figures are read from the
night's own signals and feature table, never typed in."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest

from app.chat.direction import direction_lead, pooled
from app.chat.measures import column_name
from app.chat.periods import awakening_runs
from app.chat.plan import clock
from app.chat.understand import understand
from app.chat.query import Intent
from app.session import Session
from sleeplm_core.features.temperature import body_temperature
from sleeplm_core.io.recording import STAGES

SLEEP = [STAGES.index(s) for s in ("N1", "N2", "N3", "REM")]


def _ask(pair, question: str) -> str:
    night, engine = pair
    return Session(night).ask(question, engine).text


def _column(night, words: str) -> np.ndarray:
    frame = night.feature_frame()
    name = next(c for c in frame.columns if " [" in c and column_name(c) == words)
    return pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype=float)


def _means(values: np.ndarray, mask: np.ndarray) -> float:
    return float(np.nanmean(values[mask]))


def test_a_lead_reads_the_size_of_the_difference() -> None:
    """Under a fifth of the epochs' spread is no difference either way; a difference the
    other way is a No; "either" asks no yes or no."""
    small = direction_lead("lower", "heart rate", "bpm", ("in REM", (60.1, 5.0, 100)),
                           ("in NREM", (60.0, 5.0, 300)))
    assert small.startswith("**Not clearly**"), small
    other_way = direction_lead("lower", "heart rate", "bpm", ("in REM", (66.0, 3.0, 100)),
                               ("in NREM", (60.0, 3.0, 300)))
    assert other_way.startswith("**No**: heart rate was higher in REM than in NREM: 66.0 against "
                                "60.0 bpm (+6.0 bpm), 2.0 sd"), other_way
    either = direction_lead("either", "snoring", "dB", ("in REM", (20.0, 2.0, 10)),
                            ("in NREM", (30.0, 2.0, 10)))
    assert either.startswith("**Lower in REM** than in NREM: snoring 20.0 against 30.0 dB"), either
    mean, sd, n = pooled([(1.0, 0.0, 1), (3.0, 0.0, 1)])
    assert (mean, n) == (2.0, 2) and math.isclose(sd, 1.0)


def test_a_signal_change_during_sleep_is_set_against_wake(demo) -> None:
    """"did his pulse fall during sleep?" gave the heart rate in sleep alone, with nothing to
    set it against."""
    night, _ = demo
    stages, _ = night.stages()
    hr = _column(night, "heart rate (mean)")
    asleep, awake = _means(hr, np.isin(stages, SLEEP)), _means(hr, stages == STAGES.index("W"))
    assert asleep < awake - 1   # the fixture's premise
    for question in ("did his pulse fall during sleep?", "did her heart rate drop during sleep?"):
        text = _ask(demo, question)
        assert text.startswith(f"**Yes**: heart rate (mean) was lower in N1/N2/N3/REM than in W: "
                               f"{asleep:.1f} against {awake:.1f} bpm"), text


def test_a_half_of_the_night_is_set_against_the_other(sc4001) -> None:
    """"is the temperature lower in the second half of the night?" gave the second half alone."""
    night, _ = sc4001
    temp = _column(night, "body temperature (mean)")
    half = night.n_epochs // 2
    first, second = np.nanmean(temp[:half]), np.nanmean(temp[half:])
    text = _ask(sc4001, "is the temperature lower in the second half of the night?")
    verdict = "No" if second > first else "Yes"
    assert text.startswith(f"**{verdict}**: body temperature (mean) was "), text
    assert re.search(r"\*\*(?:Yes|No)\*\*.*: ([\d.]+) against ([\d.]+) °C", text.split("\n")[0])


@pytest.mark.parametrize(("question", "stage", "other"), [
    ("was the heart rate higher in REM?", "REM", "NREM"),
    ("is the heart rate lower in N3?", "N3", "N1/N2/REM"),
])
def test_a_stage_question_answers_its_way_first(demo, question, stage, other) -> None:
    """These gave the table by stage with the highest and lowest stage first (wake and N3),
    never the stage asked about."""
    night, _ = demo
    stages, _ = night.stages()
    hr = _column(night, "heart rate (mean)")
    named = _means(hr, stages == STAGES.index(stage))
    # REM is set against NREM, an NREM stage against the other sleep stages
    rest = ("N1", "N2", "N3") if stage == "REM" else [s for s in ("N1", "N2", "N3", "REM") if s != stage]
    others = _means(hr, np.isin(stages, [STAGES.index(s) for s in rest]))
    way = "higher" if named > others else "lower"
    text = _ask(demo, question)
    asked = "higher" if "higher" in question else "lower"
    assert text.startswith(f"**{'Yes' if way == asked else 'No'}**: heart rate (mean) was {way} in "
                           f"{stage} than in {other}: {named:.1f} against {others:.1f} bpm"), text
    assert "| stage | mean | sd | epochs |" in text   # the table follows


def test_different_in_a_stage_is_a_breakdown_with_its_verdict(demo) -> None:
    """"is the breathing rate different in REM?" described REM's breathing with nothing to set
    it against."""
    assert understand("is the breathing rate different in REM?").intent == Intent.BREAKDOWN
    text = _ask(demo, "is the breathing rate different in REM?")
    assert re.match(r"\*\*(?:Yes|Not clearly)\*\*: breathing \(airflow rate\)", text), text


def test_worse_asks_no_yes_or_no(demo) -> None:
    """"was the snoring worse in REM?": worse is louder for snoring, lower for SpO2; the answer
    says which way it went, not a yes that may mean the opposite."""
    night, _ = demo
    stages, _ = night.stages()
    snore = _column(night, "snoring loudness")
    rem = _means(snore, stages == STAGES.index("REM"))
    nrem = _means(snore, np.isin(stages, [STAGES.index(s) for s in ("N1", "N2", "N3")]))
    way = "Higher" if rem > nrem else "Lower"
    text = _ask(demo, "was the snoring worse in REM?")
    assert text.startswith(f"**{way} in REM** than in NREM: snoring loudness"), text


def test_the_amount_of_a_stage_against_the_norms(demo) -> None:
    """"is the amount of N2 typical?" showed a typical N2 epoch."""
    for question in ("is the amount of N2 typical?", "is her N3 typical for her age?"):
        assert understand(question).intent == Intent.NORMAL, question
    text = _ask(demo, "is the amount of N2 typical?")
    assert text.startswith("**N2: "), text
    # "show me a typical N2" still shows one
    assert understand("show me a typical N2").stage_event == "example"


def test_the_circadian_nadir_is_the_temperature_low(sc4001) -> None:
    """"what is the circadian nadir?" classified the epoch on screen."""
    night, _ = sc4001
    temp = body_temperature(night.recording.signals["Temp rectal"])
    t = np.arange(len(temp.data)) / temp.sfreq
    keep = np.isfinite(temp.data) & (t < night.epochs.starts[-1] + 30)
    minute = pd.Series(temp.data[keep]).groupby(np.floor(t[keep] / 60)).mean()
    grid = minute.reindex(range(int(minute.index[0]), int(minute.index[-1]) + 1))
    smooth = grid.rolling(30, center=True, min_periods=24).mean()
    text = _ask(sc4001, "what is the circadian nadir?")
    assert f"lowest **{np.nanmin(temp.data[keep]):.2f} °C**" in text, text
    assert f"The lowest 30-min mean, which one reading's noise cannot set, is **{smooth.min():.2f} °C**" \
        in text, text
    assert "circadian low" in text


def test_a_slow_signal_hovering_at_the_line_is_one_stretch(sc4001) -> None:
    """"temperature above 37" listed 45 stretches, most of a few seconds, inside one warm
    quarter of an hour."""
    night, _ = sc4001
    temp = body_temperature(night.recording.signals["Temp rectal"]).data
    t = np.arange(len(temp))
    hit = np.flatnonzero(np.nan_to_num(temp) > 37.0)
    raw = np.split(hit, np.flatnonzero(np.diff(hit) > 1) + 1)
    merged = [raw[0]]
    for run in raw[1:]:
        if t[run[0]] - t[merged[-1][-1]] - 1 < 60:
            merged[-1] = np.concatenate([merged[-1], run])
        else:
            merged.append(run)
    assert len(raw) > 2 * len(merged)   # the fixture's premise: the probe hovers at 37 °C
    text = _ask(sc4001, "temperature above 37")
    assert text.startswith(f"**{len(merged)}** stretches of body temperature above 37 °C"), text
    assert "breaks under 60 s are bridged" in text


@pytest.mark.parametrize(("question", "lead"), [
    ("when was she most restless?", "Most fragmented by clock hour"),
    ("when was her sleep most disturbed?", "Most fragmented by clock hour"),
    ("was he tossing and turning?", "Stage shifts:"),
])
def test_restless_is_the_nights_fragmentation(sc4001, question, lead) -> None:
    """"when was she most restless?" answered that leg movements were not scored (no leg EMG);
    "when was her sleep most disturbed?" listed the longest arousals, with no time."""
    assert _ask(sc4001, question).startswith(lead)
    # restless legs stay leg movements, and a user's own labels stay labels
    assert understand("label the current epoch as calm or restless").intent == Intent.CLASSIFY
    assert understand("restless leg movements?").phenomenon == "limb_movement"


def test_wake_after_she_fell_asleep_is_the_waso(sc4001) -> None:
    """"how much wake was there after she fell asleep?" listed the wake periods (mean 2.4 min)
    with no total."""
    assert understand("how much wake was there after she fell asleep?").stat == "waso"
    summary = _ask(sc4001, "what's the WASO?")
    waso = re.search(r"WASO: \*\*([\d.]+) min\*\*|WASO \*\*([\d.]+) min\*\*|WASO ([\d.]+) min", summary)
    assert waso is not None, summary
    value = next(g for g in waso.groups() if g)
    assert f"{value} min" in _ask(sc4001, "how much wake was there after she fell asleep?")
    # the count of awakenings stays a count
    assert understand("how many times did she wake up after she fell asleep?").how_many


def test_sleeping_better_in_a_half_sets_the_halves_side_by_side(sc4001) -> None:
    """"did she sleep better in the second half?" summarized the second half alone."""
    text = _ask(sc4001, "did she sleep better in the second half?")
    assert text.startswith("The first half against the second half"), text
    assert "| asleep |" in text


def test_the_next_period_of_a_stage_moves_the_viewer(sc4001) -> None:
    """"go to the next REM period" listed every REM period and moved nothing."""
    night, engine = sc4001
    stages, _ = night.stages()
    rem = stages == STAGES.index("REM")
    session = Session(night)
    here = session.ask("zoom to 03:00", engine).jump
    answer = session.ask("go to the next REM period", engine)
    # the first epoch of a REM run after the epoch on screen, with no REM start between
    assert answer.jump is not None and answer.jump > here, answer.text
    assert rem[answer.jump] and not rem[answer.jump - 1], answer.text
    assert not any(rem[e] and not rem[e - 1] for e in range(here + 1, answer.jump))
    assert answer.text.startswith("The next REM period, **"), answer.text
    again = session.ask("go to the next REM period", engine)
    assert again.jump is not None and again.jump > answer.jump and rem[again.jump]
    back = session.ask("previous REM period", engine)
    assert back.jump == answer.jump, back.text


def test_rem_periods_getting_longer_answers_first_and_last(sc4001) -> None:
    """"did REM get longer through the night?" listed the REM periods with no answer."""
    text = _ask(sc4001, "did REM get longer through the night?")
    lengths = [float(m) for m in re.findall(r"\(([\d.]+) min\)", text.split("\n\n", 2)[2])]
    way = "longer" if lengths[-1] > lengths[0] else "shorter"
    assert text.startswith(f"**{'Yes' if way == 'longer' else 'No'}**: the last REM period "
                           f"({lengths[-1]:.1f} min) was {way} than the first ({lengths[0]:.1f} min)"), text


def test_what_woke_her_at_a_clock_minute(demo) -> None:
    """"what woke her up at 04:53?" (the awakening began at 04:53:30) answered that there was
    no wake at 04:53, as the epoch at 04:53:00 was sleep."""
    night, _ = demo
    stages, _ = night.stages()
    starts = night.epochs.starts
    runs = awakening_runs(stages, np.ones(night.n_epochs, dtype=bool))
    # an awakening starting on the half minute, when there is one: "at HH:MM" misses its epoch
    halfway = [r for r in runs if clock(night, float(starts[r[0]])).endswith(":30")]
    a, b = (halfway or runs)[0]
    minute = clock(night, float(starts[a]))[:5]   # "HH:MM", the half-minute dropped
    text = _ask(demo, f"what woke her up at {minute}?")
    assert text.startswith("From the human-scored hypnogram: **1** awakening at "
                           f"{clock(night, float(starts[a]))}"), text
    assert f"**{clock(night, float(starts[a]))}–{clock(night, float(starts[b]) + 30)}**" in text
    # a time with no awakening near it names the nearest
    quiet = next(t for t in range(int(starts[0]), int(starts[-1]), 600)
                 if all(abs(float(starts[r[0]]) - t) > 600 for r in runs))
    nearest = min(runs, key=lambda r: abs(float(starts[r[0]]) - quiet))
    text = _ask(demo, f"what woke her at {clock(night, float(quiet))[:5]}?")
    assert f"the nearest awakening starts at {clock(night, float(starts[nearest[0]]))}" in text, text


def test_before_or_after_a_clock_time_counts_both_sides(demo) -> None:
    """"were there more spindles before or after 2 am?" listed the spindles after 2 am alone."""
    text = _ask(demo, "were there more spindles before or after 2 am?")
    m = re.search(r"\*\*(\d+)\*\* before 2 am .* against \*\*(\d+)\*\* after 2 am", text)
    assert m is not None, text
    night, _ = demo
    events, _ = night.scored_events()
    # the two sides cover the night: every scored spindle is on one of them
    spindles = [e for e in events if e.type == "spindle"]
    assert int(m.group(1)) + int(m.group(2)) == len(spindles)


def test_a_position_question_answers_its_way_first(demo) -> None:
    """"was the snoring louder on his back?" gave the table by position with the highest and
    lowest positions first, never supine against the rest."""
    text = _ask(demo, "was the snoring louder on his back?")
    m = re.match(r"\*\*(Yes|No|Not clearly)\*\*: snoring loudness (?:was (higher|lower) on the back than off "
                 r"the back|on the back and off the back differ)", text)
    assert m is not None, text
    rows = dict(re.findall(r"\| (supine|non-supine) \| ([\d.]+) \|", text))
    if m.group(1) != "Not clearly":
        assert (m.group(2) == "higher") == (float(rows["supine"]) > float(rows["non-supine"]))


def test_how_a_signal_responds_to_events_is_read_around_them(demo) -> None:
    """"how did the heart rate respond to apneas?" listed the apneas, with no heart rate."""
    text = _ask(demo, "how did the heart rate respond to apneas?")
    assert text.startswith("Heart rate around the ") and "in the 30 s after each ends" in text, text


def test_eye_movements_outside_rem_were_never_searched(sc4001_unscored) -> None:
    """"were there eye movements in N1?" on a machine-scored night answered "0", though the
    machine detector never looks outside REM."""
    text = _ask(sc4001_unscored, "were there eye movements in N1?")
    assert text.startswith("**Rapid eye movements events were not scored in N1 on this night**"), text
    assert "REM epochs only" in text
    assert "were not scored" not in _ask(sc4001_unscored, "how many rapid eye movements in REM?")


def test_which_epochs_the_machine_found_hardest(demo) -> None:
    """"which epochs did YASA find hardest?" described the epoch on screen."""
    assert understand("which epochs did YASA find hardest?").topic == "scoring"


@pytest.mark.parametrize("question", ["did slow wave amplitude decline across the night?",
                                      "were desaturations deeper in REM?"])
def test_an_event_measure_between_two_parts_answers_its_way(demo, question) -> None:
    """These listed the slow waves by hour (their count, not their size) and the REM
    desaturations (with no depth against NREM's)."""
    text = _ask(demo, question)
    assert re.match(r"\*\*(?:Yes|No|Not clearly)\*\*: (?:slow wave amplitude|desaturation depth)", text), text
    assert "Welch's t-test" in text


def test_the_first_stage_after_sleep_onset(sc4001) -> None:
    """"what was the first stage after sleep onset?" listed the awakenings after sleep onset."""
    night, _ = sc4001
    stages, _ = night.stages()
    first = int(np.flatnonzero(np.isin(stages, SLEEP))[0])
    text = _ask(sc4001, "what was the first stage after sleep onset?")
    assert f"is at **{clock(night, float(night.epochs.starts[first]))}**" in text, text
    assert f"that epoch is **{STAGES[stages[first]]}**" in text


def test_a_dialogue_steps_picks_and_grades(demo) -> None:
    """"and the one after?" re-ran the first list; "which was the lowest?" after SpO2 stretches
    was not understood; "compare it with the first half" after the ODI compared the EEG;
    "is that severe?" after the AHI gave the night's summary."""
    night, engine = demo
    session = Session(night)
    session.ask("show me the longest apnea", engine)
    second = session.ask("show me the next one", engine).text
    third = session.ask("and the one after?", engine).text
    assert second.startswith("The second listed of ") and third.startswith("The third listed of "), third
    session = Session(night)
    runs = session.ask("heart rate above 70", engine).text
    listed = re.findall(r"- \*\*(\d\d:\d\d:\d\d)–[\d:]+\*\* \([^,]+, highest ([\d.]+) bpm", runs)
    top = max(listed, key=lambda run: float(run[1]))[0]
    picked = session.ask("which was the highest?", engine)
    assert picked.text.startswith("The most extreme of "), picked.text
    lo, hi = re.search(r"Epoch \d+ \((\d\d:\d\d:\d\d)–(\d\d:\d\d:\d\d)\)", picked.text).groups()
    assert lo <= top < hi, (top, picked.text)
    session = Session(night)
    odi = re.search(r"ODI \(desaturations ≥3 % per hour of sleep\): \*\*([\d.]+)/h\*\*",
                    session.ask("what's the ODI?", engine).text).group(1)
    halves = session.ask("compare it with the first half", engine).text
    assert halves.startswith("Desaturations (counted in sleep)") and f"{odi} per hour of sleep" in halves
    session = Session(night)
    session.ask("what was the AHI?", engine)
    assert "AHI band: **" in session.ask("is that severe?", engine).text
    session.ask("what was the WASO?", engine)
    assert session.ask("is that bad?", engine).text.startswith("**Wake after sleep onset: ")


def test_longer_in_rem_leads_with_the_lengths(demo) -> None:
    """"were apneas longer in REM?" led with the apnea rates by stage; the lengths came last."""
    night, _ = demo
    stages, _ = night.stages()
    events, _ = night.scored_events()
    apneas = [e for e in events if e.type.endswith("apnea") and e.type != "hypopnea"
              and stages[night.epoch_at(e.onset)] >= STAGES.index("N1")]
    rem = [e.duration for e in apneas if stages[night.epoch_at(e.onset)] == STAGES.index("REM")]
    nrem = [e.duration for e in apneas if stages[night.epoch_at(e.onset)] != STAGES.index("REM")]
    text = _ask(demo, "were apneas longer in REM?")
    assert text.startswith(f"**Mean length: REM {np.mean(rem):.0f} s against NREM {np.mean(nrem):.0f} s.**"), text


def test_the_t90_leads_with_the_time(demo) -> None:
    """"what's the T90?" led with the count of stretches below 90 %; the time came after it."""
    text = _ask(demo, "what's the T90?")
    m = re.match(r"T90: \*\*([\d.]+) min\*\* asleep, \*\*([\d.]+) % of sleep\*\*", text)
    assert m is not None, text
    # the same figures the stretches' line gives (the minutes are those asleep since stop 66)
    assert f"({m.group(1)} of " in text and f"**{m.group(2)} % of sleep**" in text


@pytest.mark.parametrize(("question", "title"), [
    ("what is an epoch?", "**Epoch.**"),
    ("why 30 seconds?", "**Epoch.**"),
    ("what is the AASM?", "**The AASM.**"),
    ("what does SleepLM do?", "**SleepLM, the model in this app.**"),
    ("what is the model?", "**SleepLM, the model in this app.**"),
])
def test_an_educators_terms(demo, question, title) -> None:
    """"what is an epoch?" described the epoch on screen; "why 30 seconds?" and "what is the
    AASM?" were off topic; "what does SleepLM do?" was spelt into "sleep" and summarized the
    night."""
    assert _ask(demo, question).startswith(title)
    # the epoch on screen is still the epoch on screen
    assert understand("what stage is this epoch?").intent == Intent.CLASSIFY


def test_how_it_differs_from_another_event(demo) -> None:
    """"how is it different from an apnea?" after "what is a hypopnea?": both, side by side
    (a regression check of the dialogue's "it"; this already held before stop 53)."""
    night, engine = demo
    session = Session(night)
    session.ask("what is a hypopnea?", engine)
    text = session.ask("how is it different from an apnea?", engine).text
    assert text.startswith("**Hypopnea.**") and "\n\n**Apnea.**" in text, text


def test_the_ahi_band_gives_the_scale(demo) -> None:
    """"what's a normal AHI?" gave the night's band with no word on what is normal."""
    assert "(under 5/h normal, then mild, moderate and from 30/h severe)" in _ask(demo, "what's a normal AHI?")


@pytest.mark.parametrize("question", ["can I trust the hypnogram?", "how accurate is YASA?",
                                      "could you score the breathing?"])
def test_trusting_the_machine_scoring(sc4001_unscored, sc4001, question) -> None:
    """"can I trust the hypnogram?" summarized the night, "how accurate is YASA?" was off
    topic and "could you score the breathing?" classified the epoch on screen."""
    text = _ask(sc4001_unscored, question)
    # a question naming events gets their yes or no first (stop 67)
    lead = "**No**: respiratory events cannot be scored on this night" if "breathing" in question else ""
    assert text.startswith(lead), text
    assert text.split("\n\n")[1 if lead else 0].startswith("This night has **no human scoring**"), text
    assert "YASA's staging against expert scoring, as this project measured it" in text
    assert "respiratory: no usable airflow" in text   # what the machine could not score, and why
    # a night with a human scoring is not read against YASA's record
    assert "as this project measured it" not in _ask(sc4001, question)


def test_whats_missing_lists_the_absent_channels(sc4001) -> None:
    """"what's missing from this recording?" summarized the night."""
    text = _ask(sc4001, "what's missing from this recording?")
    assert "No channel for: " in text and "ECG" in text.split("No channel for: ")[1], text


def test_what_rem_sleep_is_for(demo) -> None:
    """"why do we have REM sleep?" defined rapid eye movements."""
    for question in ("why do we have REM sleep?", "what is REM sleep for?"):
        assert _ask(demo, question).startswith("**What REM sleep is for.**"), question
    assert _ask(demo, "what is REM sleep?").startswith("**REM sleep.**")
