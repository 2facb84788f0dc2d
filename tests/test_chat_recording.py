"""Chat answers about the recording itself and the hypnogram's structure: channels, who
scored the night and how sure the machine staging is, signal quality, sleep cycles,
spindle frequency and density, time ranges, and long recordings.

Most run on the bundled synthetic night (the session's ``demo`` fixture, tests/conftest.py).
"""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pytest

from app.chat.plan import ChatError
from app.chat.query import Intent
from app.chat.understand import understand
from app.session import Session
from app.timeexpr import format_clock
from sleeplm_core.features.brain import (K_COMPLEX_BAND_HZ, SLOW_WAVE_BAND_HZ, burst_amplitude,
                                         burst_frequency)
from sleeplm_core.heads.cycles import sleep_cycles
from sleeplm_core.io.recording import EPOCH_SEC, STAGES, Signal

W, N1, N2, N3, REM = range(5)


def _hypnogram(*runs: tuple[int, float]) -> np.ndarray:
    """Stage codes from (stage, minutes) runs."""
    return np.concatenate([np.full(int(m * 2), s) for s, m in runs])


# -- the cycle rules -----------------------------------------------------------------------
def test_cycles_follow_the_nrem_rem_rules() -> None:
    stages = _hypnogram((W, 20), (N2, 60), (REM, 3), (N2, 70), (REM, 20), (N2, 10), (REM, 4),
                        (N2, 40), (W, 30))
    found = sleep_cycles(stages)
    # The short first REM closes cycle 1; REM 10 min after the second REM period joins it
    # (less than 15 min apart), and the last 40 min of NREM is an incomplete cycle.
    assert [(c.start, c.end, c.rem_start) for c in found.cycles] == [
        (40, 166, 160), (166, 374, 306), (374, 454, None)]
    assert found.n_complete == 2
    assert found.cycles[1].stage_min["REM"] == 24.0


def test_a_later_rem_period_under_five_minutes_closes_no_cycle() -> None:
    stages = _hypnogram((N2, 60), (REM, 10), (N2, 60), (REM, 2), (N2, 60), (REM, 10))
    assert [c.rem_start for c in sleep_cycles(stages).cycles] == [120, 384]


def test_cycles_count_in_the_main_sleep_episode_only() -> None:
    # A 30-min afternoon nap, 5 h of wake, then the night.
    stages = _hypnogram((W, 60), (N2, 30), (W, 300), (N2, 80), (REM, 20), (N2, 80), (REM, 20))
    found = sleep_cycles(stages)
    assert found.episode == (780, 1180) and found.other_sleep_min == 30.0
    assert found.n_complete == 2


# -- spindle frequency --------------------------------------------------------------------
@pytest.mark.parametrize("freq", [11.8, 13.5, 14.6])
def test_burst_frequency_reads_a_spindle_in_background_eeg(freq: float) -> None:
    fs, rng = 128.0, np.random.default_rng(3)
    t = np.arange(int(20 * fs)) / fs
    background = np.cumsum(rng.normal(0, 4, len(t)))  # 1/f^2-like, dominated by slow waves
    background -= np.convolve(background, np.ones(64) / 64, mode="same")
    burst = slice(int(9 * fs), int(10 * fs))
    eeg = background.copy()
    eeg[burst] += 30 * np.sin(2 * np.pi * freq * t[burst]) * np.hanning(int(fs))
    sig = Signal("C3-M2", eeg, fs, "uV")
    assert burst_frequency(sig, 9.0, 10.0) == pytest.approx(freq, abs=0.3)


def test_burst_frequency_refuses_what_it_cannot_read() -> None:
    sig = Signal("Fpz-Cz", np.zeros(3000), 30.0, "uV")
    assert burst_frequency(sig, 10, 11) is None  # 30 Hz cannot show 11-16 Hz
    fast = Signal("Fpz-Cz", np.full(3000, np.nan), 100.0, "uV")
    assert burst_frequency(fast, 10, 11) is None and burst_frequency(fast, 10, 10.1) is None


@pytest.mark.parametrize(("ptp", "band"), [(80.0, SLOW_WAVE_BAND_HZ), (150.0, SLOW_WAVE_BAND_HZ),
                                         (120.0, K_COMPLEX_BAND_HZ)])
def test_burst_amplitude_reads_a_slow_wave_over_fast_activity(ptp: float, band) -> None:
    # One 1-Hz cycle (a 1-s slow wave) of the given peak-to-peak size in 10-30 Hz noise,
    # which the band removes; a second, smaller wave 8 s later must not count.
    fs, rng = 100.0, np.random.default_rng(5)
    t = np.arange(int(40 * fs)) / fs
    eeg = rng.normal(0, 6, len(t))
    eeg -= np.convolve(eeg, np.ones(10) / 10, mode="same")   # keep only the fast part
    for start, size in ((20.0, ptp), (28.0, 40.0)):
        wave = slice(int(start * fs), int((start + 1) * fs))
        eeg[wave] += -size / 2 * np.sin(2 * np.pi * t[wave])
    sig = Signal("C3-M2", eeg, fs, "uV")
    assert burst_amplitude(sig, 20.0, 21.0, band) == pytest.approx(ptp, rel=0.12)
    assert burst_amplitude(sig, 28.0, 29.0, band) == pytest.approx(40.0, rel=0.3)


def test_burst_amplitude_refuses_what_it_cannot_read() -> None:
    sig = Signal("Fpz-Cz", np.full(3000, np.nan), 100.0, "uV")
    assert burst_amplitude(sig, 10, 11, SLOW_WAVE_BAND_HZ) is None
    assert burst_amplitude(Signal("x", np.zeros(3000), 100.0), 10, 10.1, SLOW_WAVE_BAND_HZ) is None


# -- understanding (the phrasing table, tests/test_chat_understand.py, has the rows) -----
@pytest.mark.parametrize("text", ["where are the apneas?", "were there any arousals in REM?",
                                  "was the oxygen saturation low?", "how many leg movements?",
                                  "describe the heart during REM", "has REM been reached?"])
def test_questions_about_the_sleep_are_not_about_the_recording(text: str) -> None:
    assert understand(text).intent != Intent.RECORDING


# -- answers on the demo night -------------------------------------------------------------
def test_channels_answer_lists_every_channel_with_its_rate(demo) -> None:
    night, engine = demo
    text = Session(night).ask("which channels are in this file?", engine).text
    for sig in night.recording.signals.values():
        assert f"| {sig.label} | {sig.sfreq:g} |" in text
    assert f"**{len(night.recording.signals)} channels**" in text
    # A rate asked of one kind of channel is answered first, for those channels only.
    eeg = [sig for sig in night.recording.signals.values()
           if night.epochs.mapping.get("EEG_C3") == sig.label or night.epochs.mapping.get("EEG_C4") == sig.label]
    lead = Session(night).ask("what's the sampling rate of the EEG?", engine).text.split("\n")[0]
    assert lead == "; ".join(f"**{sig.label}** at **{sig.sfreq:g} Hz**" for sig in eeg) + ".", lead


def test_scoring_answer_gives_the_machine_confidence_and_its_doubts(demo) -> None:
    night, engine = demo
    answer = Session(night).ask("how confident are you in the staging?", engine)
    conf = night.machine.confidence
    assert f"**{np.nanmean(conf):.2f}**" in answer.text
    assert "comes with a scoring" in answer.text and "κ" in answer.text
    # Each highlighted stretch is machine-staged below 0.6 from its first to its last epoch.
    assert answer.highlights
    for h in answer.highlights:
        idx = [night.epoch_at(t) for t in np.arange(h.start, h.end, EPOCH_SEC)]
        proba = night.machine.proba_at(night.epochs.starts[idx])
        assert np.all(np.nanmax(proba, axis=1) < 0.6)


def test_the_hardest_stage_to_score_is_the_least_sure_one(demo) -> None:
    night, engine = demo
    text = Session(night).ask("which stage was hardest for you to score?", engine).text
    per = dict(re.findall(r"\b(W|N1|N2|N3|REM) (\d\.\d\d)\b", text.split("By stage: ")[1]))
    hardest = min(per, key=lambda s: float(per[s]))
    assert f"least sure stage is **{hardest}**" in text, text


def test_quality_answer_finds_a_planted_flat_lead(demo) -> None:
    night, engine = demo
    flags = {k: v.copy() for k, v in night.epochs.quality_flags.items()}
    flags["flat"][100:140, 6] = True  # EEG_C3 flat for 20 min
    epochs = replace(night.epochs, quality_flags=flags,
                     quality=np.logical_or.reduce(list(flags.values())))
    answer = Session(replace(night, epochs=epochs)).ask("any artifacts or bad signals?", engine)
    assert "EEG_C3 (C3-M2): flat 40 of 960 epochs" in answer.text
    # "how much time was valid?" was off topic: the epochs with no flagged channel
    valid = Session(replace(night, epochs=epochs)).ask("how much time was valid?", engine).text
    clean = int((~epochs.quality.any(axis=1)).sum())
    assert valid.startswith(f"**{clean * EPOCH_SEC / 3600:.1f} h** of the 8.0 h "
                            f"(**{100 * clean / 960:.0f} %**) have no flagged channel; SpO2 reads "
                            f"50-100 % in **100 %** of its samples"), valid
    assert clean <= 920
    h = answer.highlights[0]
    assert (h.start, h.end) == (float(night.epochs.starts[100]), float(night.epochs.starts[139]) + 30)
    clean = Session(night).ask("any artifacts or bad signals?", engine).text
    assert "No flat, clipped or missing stretch" in clean


def test_cycles_answer_matches_the_cycle_rules(demo) -> None:
    night, engine = demo
    answer = Session(night).ask("how many sleep cycles were there?", engine)
    found = sleep_cycles(night.stages()[0])
    assert f"**{found.n_complete}** complete NREM-REM cycle" in answer.text
    starts = [format_clock(float(night.epochs.starts[c.start]), night.recording.start_time)
              for c in found.cycles]
    assert [format_clock(h.start, night.recording.start_time) for h in answer.highlights] == starts
    follow = Session(night)
    follow.ask("how many sleep cycles were there?", engine)
    assert follow.ask("zoom to the second one", engine).jump == found.cycles[1].start


def test_spindle_answer_gives_frequencies_and_density(demo) -> None:
    night, engine = demo
    text = Session(night).ask("how many spindles per minute in N2?", engine).text
    stages = night.stages()[0]
    n2_min = float(np.sum(stages == STAGES.index("N2"))) * EPOCH_SEC / 60
    n = sum(1 for e in night.recording.events if e.type == "spindle"
            and stages[night.epoch_at(e.onset)] == STAGES.index("N2"))
    assert text.startswith(f"**{n / n2_min:.2f} per minute** of sleep in N2: {n} sleep spindle "
                           f"events starting in sleep in {n2_min:.1f} min asleep."), text
    mean = float(re.search(r"mean \*\*([\d.]+) Hz\*\*", text).group(1))
    assert 11.5 <= mean <= 14.5  # the generator's spindles: 12-13.5 Hz per sleeper


def test_slow_waves_come_from_the_machine_when_the_scoring_has_none(demo) -> None:
    night, engine = demo
    assert not any(e.type == "slow_wave" for e in night.recording.events)
    answer = Session(night).ask("where are the slow waves?", engine)
    machine = [e for e in night.machine.events if e.type == "slow_wave"]
    assert f"**{len(machine)}** slow wave events" in answer.text
    assert "machine-scored" in answer.text


def test_a_backwards_clock_range_is_refused_with_the_right_order(demo) -> None:
    night, engine = demo
    with pytest.raises(ChatError, match=r"runs backwards.*between 02:00 and 04:00"):
        Session(night).ask("how many apneas between 4 and 2 am?", engine)
    # Across midnight forward is not backwards.
    assert "apnea" in Session(night).ask("apneas between 11 pm and 1 am", engine).text


def test_a_clock_range_opens_the_range(demo) -> None:
    night, engine = demo
    answer = Session(night).ask("show me 3:15 to 3:45", engine)
    lo = 4.75 * 3600  # 03:15 is 4 h 45 min after the 22:30 start
    assert "**03:15:00–03:45:00** (30.0 min" in answer.text
    assert (answer.highlights[0].start, answer.highlights[0].end) == (lo, lo + 1800)
    assert answer.window == 600 and answer.jump == night.epoch_at(lo + 900)
    stages = night.stages()[0][night.epoch_at(lo):night.epoch_at(lo + 1800)]
    top = STAGES[np.bincount(stages, minlength=5).argmax()]
    assert f"stages: {top} " in answer.text


def test_longest_rem_period_is_named(demo) -> None:
    night, engine = demo
    text = Session(night).ask("when was the longest REM period?", engine).text
    assert "the longest REM period runs" in text
    spans = [float(m) for m in re.findall(r"\(([\d.]+) min\)", text.split("All")[1])]
    assert re.search(r"\(\*\*([\d.]+) min\*\*\)", text).group(1) == f"{max(spans):.1f}"


def _with_stray_sleep(night):
    """The night with 2.5 h of wake before its sleep, one stray sleep epoch in them."""
    stages = np.asarray(night.epochs.stages).copy()
    stages[:300] = W
    stages[10] = N2
    return replace(night, epochs=replace(night.epochs, stages=stages), _summary={}), stages


def _with_wake_after(night):
    """The stray-sleep night with its last hour awake too: more than 3 h outside its main
    sleep period, as a 22-h Sleep-EDF file."""
    long, stages = _with_stray_sleep(night)
    stages[-120:] = W
    return replace(long, epochs=replace(long.epochs, stages=stages), _summary={}), stages


def test_a_long_recording_warns_that_time_in_bed_counts_all_of_it(demo) -> None:
    night, engine = demo
    long, stages = _with_stray_sleep(night)
    text = Session(long).ask("summarize the night", engine).text
    first = format_clock(float(night.epochs.starts[np.flatnonzero(stages[11:] >= 1)[0] + 11]),
                         night.recording.start_time)
    assert f"The main sleep episode runs **{first}–" in text
    assert "0.5 min of sleep lie outside it" in text
    assert "lights-off" not in Session(night).ask("summarize the night", engine).text


def test_why_an_epoch_is_n3_shows_its_slow_waves(demo) -> None:
    night, engine = demo
    stages = night.stages()[0]
    waves = [e for e in night.machine.events if e.type == "slow_wave"]

    def coverage(i: int) -> float:
        lo = float(night.epochs.starts[i])
        return 100 * sum(min(e.offset, lo + 30) - e.onset for e in waves
                         if lo <= e.onset < lo + 30) / 30

    n3 = max(np.flatnonzero(stages == N3), key=coverage)
    text = Session(night).ask(f"why is epoch {n3} scored N3?", engine).text
    assert f"Epoch {n3} (" in text and "is **N3** in the human-scored hypnogram" in text
    assert f"slow waves cover **{coverage(n3):.0f} %**" in text and coverage(n3) >= 20
    assert "N3 is scored on slow waves" in text and "not scored" not in text
    wake = int(np.flatnonzero(stages == W)[-1])
    text = Session(night).ask(f"why is epoch {wake} N3?", engine).text
    assert "is **W**" in text and "It is not scored N3 there." in text
    assert "W is scored on alpha rhythm" in text


def test_a_cycle_is_a_time_scope(demo) -> None:
    night, engine = demo
    found = sleep_cycles(night.stages()[0])
    c = found.cycles[1]
    lo, hi = float(night.epochs.starts[c.start]), float(night.epochs.starts[c.end - 1]) + 30
    n = sum(1 for e in night.recording.events if e.type == "spindle" and lo <= e.onset < hi)
    session = Session(night)
    assert f"**{n}** sleep spindle events in cycle 2" in session.ask("spindles in cycle 2",
                                                                      engine).text
    answer = session.ask("zoom to the second cycle", engine)
    assert (answer.highlights[0].start, answer.highlights[0].end) == (lo, hi)
    with pytest.raises(ChatError, match=f"this night has {len(found.cycles)} NREM-REM cycles.*"
                                        f"ask about cycles 1-{len(found.cycles)}"):
        session.ask("how many spindles in the ninth cycle?", engine)


def test_follow_ups_move_to_another_cycle_and_another_topic(demo) -> None:
    night, engine = demo
    found = sleep_cycles(night.stages()[0])
    last = found.cycles[-1]
    n3 = float(np.sum(night.stages()[0][last.start:last.end] == N3)) * EPOCH_SEC / 60
    session = Session(night)
    session.ask("how much N3 in the first cycle?", engine)
    assert f"**{n3:.1f} min** of N3 in the last cycle" in session.ask("and in the last one?",
                                                                       engine).text
    session = Session(night)
    session.ask("which channels are in this file?", engine)
    assert "comes with a scoring" in session.ask("and the scoring?", engine).text


def test_stage_shifts_lights_t90_and_scoped_sleep(demo) -> None:
    night, engine = demo
    stages = night.stages()[0]
    sleep = np.flatnonzero(stages >= 1)
    span = stages[sleep[0]:sleep[-1] + 1]
    shifts = int(np.sum(span[1:] != span[:-1]))
    assert f"Stage shifts: **{shifts}** changes" in Session(night).ask(
        "how many stage shifts were there?", engine).text
    lights = Session(night).ask("when were the lights turned off?", engine).text
    assert "no lights-off or lights-on mark" in lights and "**22:30:00**" in lights
    spo2 = night.recording.signals[night.epochs.aux_mapping["SPO2"]]
    below = float(np.sum(spo2.data < 90)) / spo2.sfreq / 60
    t90 = Session(night).ask("what is the T90?", engine).text
    assert "SpO2 below 90 %" in t90 and f"**{below:.1f} min** in total" in t90
    first = float(np.sum(stages[:360] >= 1)) * EPOCH_SEC / 60
    amount = Session(night).ask("how much sleep in the first 3 hours?", engine).text
    assert f"**{first:.1f} min** of N1/N2/N3/REM in the first 3 hours" in amount
    assert "of sleep and" not in amount


def test_export_questions_point_to_the_exports_tab(demo) -> None:
    night, engine = demo
    for question in ("export the events", "can I download the hypnogram as csv?"):
        assert "The *Exports* tab downloads" in Session(night).ask(question, engine).text
    assert f"**{night.n_epochs}** epochs of 30 s" in Session(night).ask(
        "how many epochs are there?", engine).text


def test_a_typical_epoch_is_the_machine_stagers_surest(demo) -> None:
    night, engine = demo
    answer = Session(night).ask("show me what N3 looks like", engine)
    stages = night.stages()[0]
    idx = np.flatnonzero(stages == N3)
    proba = night.machine.proba_at(night.epochs.starts[idx])[:, N3]
    best = int(idx[int(np.nanargmax(proba))])
    assert f"Epoch {best} (" in answer.text and "surest N3" in answer.text
    assert answer.jump == best and "N3 is scored on slow waves" in answer.text


def test_a_stage_amount_says_when_its_longest_periods_were(demo) -> None:
    night, engine = demo
    answer = Session(night).ask("how much deep sleep was there, and when?", engine)
    first = answer.highlights[0]
    assert answer.text.index("The longest (blue): **") > 0
    assert (f"**{format_clock(first.start, night.recording.start_time)}–"
            f"{format_clock(first.end, night.recording.start_time)}** "
            f"({(first.end - first.start) / 60:.1f} min)") in answer.text
    assert (first.end - first.start) == max(h.end - h.start for h in answer.highlights)


def test_the_main_sleep_period_is_a_span_of_its_own(demo) -> None:
    night, engine = demo
    assert understand("how much N3 in the main sleep period?").scope.time.kind == "episode"
    long, stages = _with_stray_sleep(night)
    text = Session(long).ask("what was the sleep efficiency in the main sleep period?", engine).text
    first = int(np.flatnonzero(stages[11:] >= 1)[0]) + 11
    last = int(np.flatnonzero(stages >= 1)[-1])
    asleep = np.sum(stages[first:last + 1] >= 1) / 2
    assert "in the main sleep period" in text and f"**{asleep:.1f} min** asleep" in text, text
    assert f"of {(last + 1 - first) / 2:.1f} min recorded" in text


def test_a_span_is_summarised_as_its_own_night(demo) -> None:
    night, engine = demo
    long, stages = _with_stray_sleep(night)
    text = Session(long).ask("summarize the main sleep period", engine).text
    first = int(np.flatnonzero(stages[11:] >= 1)[0]) + 11
    last = int(np.flatnonzero(stages >= 1)[-1])
    span = stages[first:last + 1]
    assert text.startswith("In the main sleep period (its start taken as lights off, its end as lights "
                           "on): from the")
    assert f"time in bed {len(span) / 2:.0f} min, total sleep {np.sum(span >= 1) / 2:.0f} min" in text
    assert "sleep onset latency 0.0 min" in text, text
    whole = Session(long).ask("summarize the night", engine).text
    assert f"time in bed {len(stages) / 2:.0f} min" in whole


def test_any_sleep_is_every_sleep_stage_and_midnight_is_a_clock(demo) -> None:
    night, engine = demo
    q = understand("was there any sleep before 22:00?")
    assert q.scope.stages == ("N1", "N2", "N3", "REM")
    assert understand("how many apneas after midnight?").scope.time.start == 0.0
    assert understand("how long was the recording?").topic == "channels"


def test_without_a_human_scoring_the_model_is_compared_with_the_machine(demo) -> None:
    from sklearn.metrics import cohen_kappa_score
    night, engine = demo
    rec = replace(night.recording, stages=np.zeros(0, dtype=np.int8), events=[])
    unscored = replace(night, recording=rec, epochs=replace(night.epochs, stages=np.full(night.n_epochs, -1)),
                       _summary={})
    text = Session(unscored).ask("what is the kappa?", engine).text
    machine, predicted = unscored.machine_stages(), unscored.predicted
    both = (machine >= 0) & (predicted >= 0)
    kappa = cohen_kappa_score(machine[both], predicted[both])
    assert "With the machine staging as the reference" in text
    assert f"κ {kappa:.2f} ({int(both.sum())} epochs" in text, text
    scored = Session(night).ask("what is the kappa?", engine).text
    assert "Machine against the human scoring" in scored


def test_half_of_the_main_sleep_period_is_a_part_of_that_period(demo) -> None:
    """"the second half of the main sleep period" read as the whole main sleep period."""
    night, engine = demo
    time = understand("summarize the second half of the main sleep period").scope.time
    assert (time.kind, time.start, time.end, time.within.kind) == ("fraction", 0.5, 1.0, "episode")
    assert understand("summarize the first half of the night").scope.time.within is None
    long, stages = _with_stray_sleep(night)
    first = int(np.flatnonzero(stages[11:] >= 1)[0]) + 11
    last = int(np.flatnonzero(stages >= 1)[-1])
    middle = first + round((last + 1 - first) / 2)
    halves = [Session(long).ask(f"summarize the {which} half of the main sleep period", engine).text
              for which in ("first", "second")]
    for text, part in zip(halves, (stages[first:middle], stages[middle:last + 1])):
        assert text.startswith("In the ") and "half of the main sleep period (its start taken as" in text, text
        assert f"total sleep {np.sum(part >= 1) / 2:.0f} min" in text, (text, len(part))
    # the last hour of the period ends with its last sleep epoch
    last_hour = understand("AHI in the last hour of the main sleep period").scope.time
    assert (last_hour.kind, last_hour.start, last_hour.within.kind) == ("from_end", 3600.0, "episode")


def test_the_norms_of_a_long_recording_are_read_over_its_main_sleep_period(demo) -> None:
    """A 22-h file was read against the norms at 24 % sleep efficiency."""
    night, engine = demo
    longer, stages = _with_wake_after(night)
    first = int(np.flatnonzero(stages[11:] >= 1)[0]) + 11
    last = int(np.flatnonzero(stages >= 1)[-1])
    span = stages[first:last + 1]
    text = Session(longer).ask("is this normal?", engine).text
    assert "read over the main sleep period" in text, text
    efficiency = 100 * np.sum(span >= 1) / len(span)
    assert f"sleep efficiency: **{efficiency:.1f} %**" in text, text
    assert "- sleep onset latency" not in text, text


def test_and_the_waso_after_a_span_statistic_reads_the_same_span(demo) -> None:
    """"and the WASO?" after the efficiency in the main sleep period gave the 22-h file's."""
    night, engine = demo
    long, stages = _with_stray_sleep(night)
    first = int(np.flatnonzero(stages[11:] >= 1)[0]) + 11
    last = int(np.flatnonzero(stages >= 1)[-1])
    session = Session(long)
    session.ask("what was the sleep efficiency in the main sleep period?", engine)
    text = session.ask("and the WASO?", engine).text
    waso = np.sum(stages[first:last + 1] == W) / 2
    assert text.startswith(f"Wake after sleep onset in the main sleep period: **{waso:.1f} min**"), text
    anew = Session(long).ask("and the WASO?", engine).text
    assert anew.startswith("Wake after sleep onset (WASO): **"), anew


def test_the_staging_confidence_of_a_span_is_read_over_that_span(demo) -> None:
    """"how confident is the staging between 2 and 4 am?" gave the whole night's figures."""
    night, engine = demo
    answer = Session(night).ask("how confident is the staging between 2 and 4 am?", engine)
    t = night.recording.start_time
    lo = int((2 * 3600 - (t.hour * 3600 + t.minute * 60 + t.second)) % (24 * 3600) // EPOCH_SEC)
    proba = night.machine.proba_at(night.epochs.starts[lo:lo + 240])
    inside = np.nanmax(proba, axis=1)
    assert f"between 2 and 4 am: mean probability of the chosen stage **{np.nanmean(inside):.2f}**" \
        in answer.text, answer.text
    assert f"**{np.nanmean(night.machine.confidence):.2f}**" in Session(night).ask(
        "how confident is the staging?", engine).text
    for h in answer.highlights:   # the doubts shown lie in the span
        assert lo * EPOCH_SEC <= h.start and h.end <= (lo + 240) * EPOCH_SEC, h


def test_naps_are_the_sleep_outside_the_main_sleep_period(demo) -> None:
    night, engine = demo
    long, stages = _with_stray_sleep(night)
    text = Session(long).ask("did they nap?", engine).text
    stray = format_clock(float(night.epochs.starts[10]), night.recording.start_time)
    assert "outside the main sleep period" in text and f"**{stray}–" in text, text
    assert "there is no N1/N2/N3/REM outside" in Session(night).ask("did they nap?", engine).text


def test_why_so_much_wake_splits_the_wake_around_sleep(demo) -> None:
    """"why is there so much wake?" showed the evidence for one epoch's stage."""
    night, engine = demo
    long, stages = _with_stray_sleep(night)
    s = long.summary()
    text = Session(long).ask("why is there so much wake?", engine).text
    after = s.stage_min["W"] - s.sol_min - s.waso_min
    assert text.startswith(f"Wake: **{s.stage_min['W']:.0f} min** of the {s.tib_min:.0f} min in bed: "
                           f"**{s.sol_min:.0f} min** before sleep onset, **{s.waso_min:.0f} min** "
                           f"after it"), text
    assert f"**{after:.0f} min** after the final awakening" in text, text


def test_a_long_recording_hour_by_hour_is_read_over_its_main_sleep_period(demo) -> None:
    """A 22-h recording split by hour gave 23 rows per band."""
    night, engine = demo
    longer, stages = _with_wake_after(night)
    text = Session(longer).ask("which hour had the most apneas?", engine).text
    assert "over the main sleep period" in text, text
    hours = re.findall(r"^\| (\d\d:\d\d)–\d\d:\d\d \|", text, re.M)
    last = int(np.flatnonzero(stages >= 1)[-1])
    end = format_clock(float(longer.epochs.starts[last]) + EPOCH_SEC, night.recording.start_time)
    assert hours and hours[-1] <= end[:5] and len(hours) <= 10, (hours, end)


def test_what_a_stage_looks_like_here_is_this_recordings_stage(demo) -> None:
    """"what does N3 look like here?" read "here" as the epoch on screen (a W epoch)."""
    night, engine = demo
    text = Session(night).ask("what does N3 look like here?", engine).text
    assert text.startswith("**N3") and "No epoch is" not in text, text


def test_a_long_recording_s_halves_are_those_of_its_main_sleep_period(demo) -> None:
    """"the first half" of a 22-h file was its first 11 h, mostly the day before the night."""
    night, engine = demo
    longer, stages = _with_wake_after(night)
    sleep = np.flatnonzero(stages >= 1)
    lo = int(np.flatnonzero(stages[11:] >= 1)[0] + 11)    # past the stray epoch
    hi = int(sleep[-1]) + 1
    mid = lo + round((hi - lo) / 2)
    text = Session(longer).ask("how much N3 in the first half?", engine).text
    n3 = float(np.sum(stages[lo:mid] == STAGES.index("N3"))) * EPOCH_SEC / 60
    t0 = night.recording.start_time
    span = (f"({format_clock(float(longer.epochs.starts[lo]), t0)[:5]}-"
            f"{format_clock(float(longer.epochs.starts[mid]), t0)[:5]})")
    assert f"**{n3:.1f} min** of N3 in the first half of the main sleep period {span}" in text, text
    # the demo night itself is no long recording: its halves stay its own
    plain = Session(night).ask("how much N3 in the first half?", engine).text
    assert "main sleep period" not in plain


def test_a_long_recording_s_awakenings_are_those_of_its_night(demo) -> None:
    night, engine = demo
    longer, stages = _with_wake_after(night)
    text = Session(longer).ask("what's the longest stretch of wake after sleep onset?", engine).text
    assert "over the main sleep period" in text
    assert "lights-off" not in text
    onset = Session(longer).ask("what was the first event of the night?", engine).text
    first = int(np.flatnonzero(stages[11:] >= 1)[0] + 11)
    assert format_clock(float(longer.epochs.starts[first]), night.recording.start_time) in onset


def test_a_long_recording_s_rem_periods_are_those_of_its_night(demo) -> None:
    """SC4001's "first REM period" was a 30-s REM epoch of the afternoon before its night."""
    night, engine = demo
    longer, stages = _with_wake_after(night)
    stages[5] = STAGES.index("REM")    # a stray REM epoch hours before the night
    longer = replace(longer, epochs=replace(longer.epochs, stages=stages), _summary={})
    text = Session(longer).ask("how long was the first REM period?", engine).text
    assert text.startswith("The first REM period of the main sleep period (")
    first = int(np.flatnonzero(stages[300:] == STAGES.index("REM"))[0] + 300)
    assert format_clock(float(longer.epochs.starts[first]), night.recording.start_time) in text


def test_a_long_recording_s_onset_and_latencies_are_those_of_its_night(demo) -> None:
    """SC4001's REM latency was 304 min, from a nap at 18:04 to a REM epoch at 23:08, where
    its norms read 89.5 min in its main sleep period."""
    night, engine = demo
    longer, stages = _with_wake_after(night)
    stages[5] = STAGES.index("REM")    # a stray REM epoch hours before the night
    longer = replace(longer, epochs=replace(longer.epochs, stages=stages), _summary={})
    starts, t0 = longer.epochs.starts, night.recording.start_time
    onset = int(np.flatnonzero(stages[11:] >= 1)[0] + 11)
    rem = int(np.flatnonzero(stages[onset:] == STAGES.index("REM"))[0] + onset)
    text = Session(longer).ask("how long did it take to fall asleep?", engine).text
    assert f"over the main sleep period, {format_clock(float(starts[onset]), t0)[:5]}" in text
    assert f"is at **{format_clock(float(starts[onset]), t0)}**" in text
    assert "no sleep onset latency" in text
    assert f"first sleep epoch, at **{format_clock(float(starts[5]), t0)}**" in text
    latency = Session(longer).ask("what is the REM latency?", engine).text
    assert f"is **{(rem - onset) * EPOCH_SEC / 60:.1f} min**" in latency, latency
    early = Session(longer).ask("how much N3 in the first 90 minutes?", engine).text
    n3 = float(np.sum(stages[onset:onset + 180] == STAGES.index("N3"))) * EPOCH_SEC / 60
    assert f"**{n3:.1f} min** of N3 in the first 90 minutes of the main sleep period" in early
    # the demo night counts from its recording start, as before
    assert "no sleep onset latency" not in Session(night).ask("how long did it take to fall "
                                                              "asleep?", engine).text


def test_a_long_recording_s_sleep_efficiency_is_that_of_its_night(demo) -> None:
    """SC4001's "what's the sleep efficiency?" was 23.9 %, over 22 h, where its norms read
    79.8 % in its main sleep period."""
    night, engine = demo
    longer, stages = _with_wake_after(night)
    onset = int(np.flatnonzero(stages[11:] >= 1)[0] + 11)
    end = int(np.flatnonzero(stages >= 1)[-1]) + 1
    inside = stages[onset:end]
    se = 100 * np.sum(inside >= 1) / np.sum(inside >= 0)
    text = Session(longer).ask("what's the sleep efficiency?", engine).text
    assert text.startswith("Sleep efficiency over the main sleep period, "), text
    assert f": **{se:.1f} %**" in text
    assert f"The whole night's efficiency: {longer.summary().se_pct:.1f} %" in text
    waso = Session(longer).ask("what was the WASO?", engine).text
    assert f"**{np.sum(inside == W) * EPOCH_SEC / 60:.1f} min**" in waso
    # a night without hours outside its sleep keeps its own statistic
    assert not Session(night).ask("what's the sleep efficiency?", engine).text.startswith(
        "Sleep efficiency over")


def _unscored(night):
    rec = replace(night.recording, stages=np.zeros(0, dtype=np.int8), events=[])
    return replace(night, recording=rec, epochs=replace(night.epochs,
                                                        stages=np.full(night.n_epochs, -1)),
                   _summary={})


def test_where_the_model_and_the_reference_disagree(demo) -> None:
    """"where do the machine and the model disagree?" was off topic."""
    night, engine = demo
    for text, reference in (("where do the model and the scoring differ?", night.scored()),
                            ("where do the machine and the model disagree?", None)):
        scored = night if reference is not None else _unscored(night)
        ref = reference if reference is not None else scored.machine_stages()
        both = (ref >= 0) & (scored.predicted >= 0)
        n = int(np.sum(both & (ref != scored.predicted)))
        answer = Session(scored).ask(text, engine)
        assert "differs from the" in answer.text and f"on **{n}** of {int(both.sum())} epochs" \
            in answer.text, answer.text
        for h in answer.highlights:
            i = scored.epoch_at(h.start)
            assert ref[i] != scored.predicted[i]


def test_an_unscored_night_names_its_machine_scored_events(demo) -> None:
    night, engine = demo
    unscored = _unscored(night)
    text = Session(unscored).ask("which events were machine scored?", engine).text
    n = sum(e.type == "hypopnea" for e in night.machine.events)
    assert "Machine-scored events, which my answers about events use:" in text
    assert f"hypopnea {n}" in text
    assert "Machine-scored events" not in Session(night).ask("who scored this night?",
                                                             engine).text


def test_the_n_longest_periods_list_that_many(demo) -> None:
    """"list the 5 longest wake bouts" listed ten, under "All 11 W periods"."""
    night, engine = demo
    text = Session(night).ask("list the 5 longest wake bouts", engine).text
    awakenings = Session(night).ask("how many awakenings?", engine).text
    n = int(re.search(r"\*\*(\d+)\*\* awakening", awakenings).group(1))
    assert f"The 5 longest of the {n} W periods" in text, text
    listed = re.findall(r"^- \*\*.*\(([\d.]+) min\)$", text, re.M)
    assert len(listed) == 5 and [float(x) for x in listed] == sorted(map(float, listed),
                                                                      reverse=True)


@pytest.mark.parametrize("text", ["how long is the recording?", "how many hours were recorded?",
                                  "when did the recording start?"])
def test_the_recording_s_length_leads_its_channels(demo, text: str) -> None:
    """It answered with the channel table alone."""
    night, engine = demo
    answer = Session(night).ask(text, engine).text
    hours = night.recording.duration / 3600
    assert answer.startswith(f"The recording runs **{hours:.1f} h** "
                             f"({night.recording.duration / 60:.0f} min), from **"), answer
    assert "| channel | Hz |" in answer
    plain = Session(night).ask("which channels are in this file?", engine).text
    assert not plain.startswith("The recording runs")
