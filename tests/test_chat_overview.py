"""Report-style questions on the bundled night: a body system over the whole night ("how
was the breathing overall?"), the AHI's severity band, a latency to any stage, "the events"
split by stage or hour, and an ordinal that names a phenomenon."""

from __future__ import annotations

import re
from dataclasses import replace
from collections import Counter

import numpy as np
import pytest

from app.chat.norms import ahi_band
from app.chat.plan import ChatError, clock
from app.chat.render import SOREMP_MIN, render
from app.chat.results import StagePeriods
from app.session import Session
from sleeplm_core.io.recording import EPOCH_SEC, STAGES

APNEA_TYPES = ("obstructive_apnea", "central_apnea", "mixed_apnea")
AHI_TYPES = (*APNEA_TYPES, "hypopnea")


def _channel(night, slot: str) -> np.ndarray:
    return np.asarray(night.recording.signals[night.epochs.aux_mapping[slot]].data, dtype=float)


def _stage_of_samples(night, n: int, sfreq: float) -> np.ndarray:
    epochs = np.clip(np.searchsorted(night.epochs.starts, np.arange(n) / sfreq, side="right") - 1,
                     0, night.n_epochs - 1)
    return night.stages()[0][epochs]


@pytest.mark.parametrize(("ahi", "band"), [(4.9, "below 5/h"), (5.0, "mild"), (14.9, "mild"),
                                           (15.0, "moderate"), (29.9, "moderate"),
                                           (30.0, "severe"), (75.0, "severe")])
def test_ahi_bands_follow_the_aasm_cut_offs(ahi: float, band: str) -> None:
    assert ahi_band(ahi).startswith(band)


def test_breathing_overview_states_the_nights_respiratory_numbers(demo) -> None:
    night, engine = demo
    text = Session(night).ask("how was the breathing overall?", engine).text
    s = night.summary()
    assert text.startswith("The breathing over the whole night:")
    assert f"AHI **{s.ahi:.1f}/h** ({s.n_apneas_hypopneas} apneas and hypopneas" in text
    assert ahi_band(s.ahi) in text
    counts = Counter(e.type for e in night.scored_events()[0])
    for kind in AHI_TYPES:
        assert f"{counts[kind]} {kind.replace('_', ' ')}s" in text
    assert f"ODI **{s.odi:.1f}/h**" in text
    spo2 = _channel(night, "SPO2")
    assert f"lowest **{spo2.min():.1f} %**" in text
    # T90 as a share of sleep, from the SpO2 samples themselves
    sfreq = night.recording.signals[night.epochs.aux_mapping["SPO2"]].sfreq
    asleep = _stage_of_samples(night, len(spo2), sfreq) >= STAGES.index("N1")
    t90 = 100 * np.sum(asleep & (spo2 < 90)) / np.sum(asleep)
    assert re.search(rf"SpO2 under 90 % for [\d.]+ min, {t90:.1f} % of sleep \(T90\)", text), text
    assert "respiratory.channels" not in text   # feature paths are named in words


def test_heart_overview_reads_rate_asleep_and_awake_and_the_beats(demo) -> None:
    night, engine = demo
    text = Session(night).ask("summarize the heart", engine).text
    pulse = _channel(night, "HR")
    assert f"heart rate mean **{pulse.mean():.1f} bpm**" in text
    sfreq = night.recording.signals[night.epochs.aux_mapping["HR"]].sfreq
    stages = _stage_of_samples(night, len(pulse), sfreq)
    asleep, awake = pulse[stages >= 1].mean(), pulse[stages == 0].mean()
    assert f"asleep {asleep:.1f} bpm against awake {awake:.1f} bpm" in text
    assert "ectopic beats" in text and "not a rhythm diagnosis" in text


def test_overview_follow_ups_scope_switch_system_or_name_a_signal(demo) -> None:
    night, engine = demo
    session = Session(night)
    session.ask("how did the patient breathe?", engine)
    assert session.ask("and the heart?", engine).text.startswith("The heart over the whole night")
    rem = session.ask("and in REM?", engine).text
    assert rem.startswith("In REM") and "whole night" not in rem.split("\n")[0]
    assert session.ask("what about the breathing rate?", engine).text.startswith("Breathing rate")


def test_severity_question_gives_the_band_and_no_diagnosis(demo) -> None:
    """It opened with a refusal ("I can't diagnose ..."), as if a diagnosis had been asked."""
    night, engine = demo
    text = Session(night).ask("how severe is the apnea?", engine).text
    assert text.startswith("Graded by the index alone") and ahi_band(night.summary().ahi) in text
    assert "not a diagnosis" in text and "can't diagnose" not in text
    # a diagnosis asked for is still declined, with the same figures
    asked = Session(night).ask("does the patient have sleep apnea?", engine).text
    assert "can't diagnose" in asked and ahi_band(night.summary().ahi) in asked


def test_position_wordings_give_the_ahi_by_body_position(demo) -> None:
    """"is it positional OSA?" was refused as a diagnosis; "is the OSA worse on the back?"
    and "which hour was worst?" were off topic; "did they sleep on their back?" gave sleep time."""
    night, engine = demo
    for question, lead in (("is it positional OSA?", r"\*\*(?:Yes|No), by the usual definition of positional"),
                           ("is the OSA worse on the back?", r"\*\*(?:Yes|No|Not clearly)\*\*: ")):
        # the yes or no leads (stop 54), then the AHI by position
        text = Session(night).ask(question, engine).text
        assert re.match(lead, text), (question, text)
        assert text.split("\n\n")[1].startswith("AHI by body position"), question
    assert Session(night).ask("did they sleep on their back?", engine).text.startswith(
        "By body position")
    assert Session(night).ask("which hour was worst?", engine).text.startswith(
        "Respiratory event by clock hour")


def test_latency_to_n3_is_sleep_onset_to_its_first_epoch(demo) -> None:
    night, engine = demo
    stages = night.stages()[0]
    onset = night.epochs.starts[np.flatnonzero(stages >= 1)[0]]
    first_n3 = night.epochs.starts[np.flatnonzero(stages == STAGES.index("N3"))[0]]
    text = Session(night).ask("how long did it take to reach N3?", engine).text
    assert (f"N3 latency is **{(first_n3 - onset) / 60:.1f} min**" in text
            and clock(night, first_n3) in text), text


def test_an_ordinal_naming_a_phenomenon_finds_it_anew(demo) -> None:
    night, engine = demo
    session = Session(night)
    session.ask("what happened around 2:30?", engine)
    answer = session.ask("take me to the first apnea", engine)
    first = min(e.onset for e in night.scored_events()[0] if e.type in APNEA_TYPES)
    assert "earliest" in answer.text and clock(night, first) in answer.text, answer.text


def test_the_events_split_by_stage_are_the_ahis(demo) -> None:
    night, engine = demo
    text = Session(night).ask("are events clustered in REM?", engine).text
    assert text.startswith("AHI by stage")
    stages = night.stages()[0]
    rem = [e for e in night.scored_events()[0] if e.type in AHI_TYPES
           and stages[night.epoch_at(e.onset)] == STAGES.index("REM")]
    minutes = np.sum(stages == STAGES.index("REM")) * EPOCH_SEC / 60
    assert f"| REM | {minutes:.1f} | {len(rem)} |" in text, text


def test_rem_density_is_rapid_eye_movements_per_minute_of_rem(demo) -> None:
    night, engine = demo
    text = Session(night).ask("what was the REM density?", engine).text
    assert text.startswith("**"), text   # the density asked for first
    n, minutes = re.search(r"per minute\*\* of sleep in REM: (\d+) .* in ([\d.]+) min asleep",
                           text).groups()
    rem_min = np.sum(night.stages()[0] == STAGES.index("REM")) * EPOCH_SEC / 60
    assert float(minutes) == pytest.approx(rem_min) and int(n) > 0


def test_soremp_answer_reads_the_rem_latency_against_15_min(demo) -> None:
    night, engine = demo
    text = Session(night).ask("were there any sleep-onset REM periods?", engine).text
    latency = night.summary().rem_latency_min
    assert latency > SOREMP_MIN and text.startswith("**No**") and f"{latency:.1f} min" in text
    short = StagePeriods("latency", ("REM",), 600.0, 8.0, [], "scored", soremp=True)
    answer = render(short, night).text
    assert answer.startswith("**Yes**") and "not a narcolepsy diagnosis" in answer


def test_lowest_saturation_is_placed_in_its_stage(demo) -> None:
    night, engine = demo
    text = Session(night).ask("when did the lowest saturation happen and in what stage?", engine).text
    spo2 = _channel(night, "SPO2")
    sfreq = night.recording.signals[night.epochs.aux_mapping["SPO2"]].sfreq
    at = int(np.argmin(spo2)) / sfreq
    stage = STAGES[night.stages()[0][night.epoch_at(at)]]
    assert (f"The lowest value falls at **{clock(night, at)}** (epoch {night.epoch_at(at)}), in "
            f"**{stage}**.") in text, text


def test_the_difference_between_two_stages_names_their_hallmarks_then_measures(demo) -> None:
    night, engine = demo
    text = Session(night).ask("explain the difference between N2 and N3", engine).text
    assert text.startswith("- **N2** is marked by the sleep spindle:")
    assert "- **N3** is marked by the slow waves:" in text and "On this night, mean per epoch" in text
    plain = Session(night).ask("compare heart rate in N2 and N3", engine).text
    assert plain.startswith("Mean per epoch") and "marked by" not in plain


def test_why_questions_about_a_signal_around_events_explain_then_measure(demo) -> None:
    night, engine = demo
    text = Session(night).ask("why does oxygen drop after an apnea?", engine).text
    assert "circulation time from lungs to finger" in text.split("\n\n")[0]
    assert "On this night: SpO2 around the" in text
    assert "cyclical variation of heart rate" in Session(night).ask(
        "why does the heart rate rise after apneas?", engine).text
    plain = Session(night).ask("what was the heart rate during apneas?", engine).text
    assert plain.startswith("Heart rate around")


def test_the_epoch_with_the_highest_feature_is_found_from_the_features(demo) -> None:
    night, engine = demo
    text = Session(night).ask("which epoch has the highest delta power?", engine).text
    frame = night.feature_frame()
    col = next(c for c in frame.columns if c.startswith("brain.eeg.") and c.endswith(".delta [%]"))
    values = frame[col].to_numpy(dtype=float)
    top = int(np.nanargmax(values))
    assert f"highest **{values[top]:.1f} %**" in text
    assert f"(epoch {top}), in **{STAGES[night.stages()[0][top]]}**" in text, text


def test_when_was_the_patient_on_their_back_lists_the_supine_periods(demo) -> None:
    night, engine = demo
    text = Session(night).ask("when was the patient on their back?", engine).text
    frame = night.feature_frame()
    supine = frame["position_muscle.position.position"].astype("string").to_numpy() == "supine"
    assert f"**{supine.sum() * EPOCH_SEC / 60:.1f} min** in total" in text, text
    first = night.epochs.starts[np.flatnonzero(supine)[0]]
    assert clock(night, first) in text


def _rem_periods(night) -> list[tuple[float, float]]:
    """REM runs less than 15 min apart joined, in seconds, computed here from the stages."""
    stages, starts = night.stages()[0], night.epochs.starts
    rem = np.flatnonzero(stages == STAGES.index("REM"))
    runs = np.split(rem, np.flatnonzero(np.diff(rem) > 1) + 1)
    periods = [[starts[r[0]], starts[r[-1]] + EPOCH_SEC] for r in runs]
    merged = [periods[0]]
    for a, b in periods[1:]:
        if a - merged[-1][1] < 15 * 60:
            merged[-1][1] = b
        else:
            merged.append([a, b])
    return [tuple(p) for p in merged]


def test_a_question_scoped_to_one_rem_period_counts_inside_it(demo) -> None:
    night, engine = demo
    lo, hi = _rem_periods(night)[-1]
    apneas = [e for e in night.scored_events()[0] if e.type in APNEA_TYPES and lo <= e.onset < hi]
    text = Session(night).ask("how many apneas in the last REM period?", engine).text
    assert f"**{len(apneas)}** apnea events in the last REM period" in text, text


def test_the_first_and_last_rem_periods_are_compared_and_a_missing_one_refused(demo) -> None:
    night, engine = demo
    text = Session(night).ask("compare heart rate in the first and last REM periods", engine).text
    assert "in the first REM period vs in the last REM period" in text, text
    n = len(_rem_periods(night))
    with pytest.raises(ChatError, match=rf"this night has {n} REM periods"):
        Session(night).ask("what happened in the ninth REM period?", engine)


def test_a_latency_inside_a_span_counts_from_the_first_sleep_there(demo) -> None:
    night, engine = demo
    stages, starts = night.stages()[0], night.epochs.starts
    half = len(stages) // 2
    onset = starts[half + np.flatnonzero(stages[half:] >= 1)[0]]
    first_rem = starts[half + np.flatnonzero(stages[half:] == STAGES.index("REM"))[0]]
    text = Session(night).ask("what was the REM latency in the second half?", engine).text
    assert f"REM latency in the second half is **{(first_rem - onset) / 60:.1f} min**" in text, text


@pytest.mark.parametrize("text", ["was the heart rate higher at the start or the end of the night?",
                                  "was the heart rate higher at the start of the night or at the end?",
                                  "was the heart rate faster at the beginning or end of the night?"])
def test_start_or_end_of_the_night_compares_both(demo, text: str) -> None:
    """"higher at the start or the end of the night?" gave the end of the night alone."""
    night, engine = demo
    hr = night.feature_frame()["heart.heart_rate.mean [bpm]"].to_numpy(float)
    eighth = night.n_epochs // 8
    early, late = np.nanmean(hr[:eighth]), np.nanmean(hr[-eighth:])
    answer = Session(night).ask(text, engine).text
    # "higher at the start or the end?" asks which: the way it went leads (since stop 53)
    way = "Higher" if early > late else "Lower"
    assert answer.startswith(f"**{way} in the "), answer
    assert "Mean per epoch, in the " in answer and " vs in the end of the night" in answer
    assert f"**{early:.1f}**" in answer and f"**{late:.1f}**" in answer, answer
    assert f"difference **{early - late:+.1f} bpm**" in answer


@pytest.mark.parametrize("text", ["what's a normal spindle density?",
                                  "is the spindle density normal?"])
def test_a_normal_spindle_density_is_the_night_s_with_why_no_norm_fits(demo, text: str) -> None:
    """"what's a normal spindle density?" gave the norms of sleep stages and the AHI."""
    night, engine = demo
    answer = Session(night).ask(text, engine).text
    n = sum(e.type == "spindle" for e in night.scored_events()[0])
    assert answer.startswith("**") and f": {n} sleep spindle events" in answer, answer
    assert "There is no single normal spindle density" in answer.split("\n\n")[1]
    assert "sleep efficiency" not in answer


def test_plm_index_leads_with_the_periodic_movements(demo) -> None:
    """"PLM index" led with every leg movement per hour (the LM index)."""
    night, engine = demo
    text = Session(night).ask("PLM index", engine).text
    assert text.startswith("**") and "belong to periodic series" in text.split("\n\n")[0]
    assert "the LM index" in text
    lm = Session(night).ask("leg movements per hour", engine).text
    assert "the LM index" in lm.split("\n\n")[0]


def test_rem_related_apnea_states_the_ratio_and_its_rule(demo) -> None:
    night, engine = demo
    text = Session(night).ask("what is the AHI in REM vs NREM?", engine).text
    rem, nrem = (float(x) for x in re.search(r"REM ([\d.]+)/h against NREM ([\d.]+)/h",
                                             text).groups())
    assert f"(ratio {rem / nrem:.1f}; REM-related apnea" in text
    assert "ratio" not in Session(night).ask("spindles in REM vs NREM", engine).text


def _uncalibrated(night, slot: str):
    """The night with its ``slot`` channel as an uncalibrated file holds it (DREAMS's SAO2 and
    PR: centred near 0, in the right units by name only)."""
    label = night.epochs.aux_mapping[slot]
    sig = night.recording.signals[label]
    off = replace(sig, data=(sig.data - np.median(sig.data)) * 1e-3)
    rec = replace(night.recording, signals={**night.recording.signals, label: off})
    return replace(night, recording=rec, _summary={}), label


def test_an_uncalibrated_spo2_is_refused_with_why_not_read_as_its_few_plausible_samples(
        demo) -> None:
    """DREAMS excerpt 3's SAO2 (median -0.008) gave "SpO2 mean 69.6 %, lowest 51.6 %" from the
    few samples that happened to lie in 50-100, beside the quality answer's "not in %"."""
    night, engine = demo
    off, label = _uncalibrated(night, "SPO2")
    lowest = Session(off).ask("what was the lowest SpO2?", engine).text
    assert lowest.startswith("I cannot answer that from this recording. " + label), lowest
    assert "uncalibrated" in lowest and "**" not in lowest
    overview = Session(off).ask("describe the breathing", engine).text
    assert "SpO2 mean" not in overview and "T90" not in overview
    assert f"{label}: only 0% of its values" in overview
    # the human-scored desaturations still give the ODI
    assert f"ODI **{night.summary().odi:.1f}/h**" in overview


def test_an_uncalibrated_pulse_channel_gives_way_to_the_ecg_s_beats(demo) -> None:
    night, engine = demo
    off, label = _uncalibrated(night, "HR")
    text = Session(off).ask("what was the heart rate?", engine).text
    assert "sleepecg" in text and f"channel {label}" not in text, text
    beats = night.machine.heart_rate.data
    assert f"mean **{np.nanmean(beats):.1f} bpm**" in text
    overview = Session(off).ask("summarize the heart", engine).text
    assert f"{label}: only 0% of its values" in overview
