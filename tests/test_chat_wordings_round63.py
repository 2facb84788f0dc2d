"""Questions of stop 63, asked as a technician, an educator and a researcher would ask them of
nights not in the repo (synthetic nights written without their scoring). Each names what it
used to get. Expected answers are the ones the same question gets asked in full, or the
night's own scoring and signals, never typed in."""

from __future__ import annotations

import re

import numpy as np
import pytest
from scipy.stats import binomtest, mannwhitneyu

from app.chat import norms
from app.chat.events import events_for
from app.chat.measures import measure_columns
from app.chat.phenomena import phenomenon
from chat_dialogues import last_answer, scored_synthetic
from sleeplm_core.io.recording import STAGES

APNEAS = ("obstructive_apnea", "central_apnea", "mixed_apnea")


def _table(text: str, groups: str) -> dict[str, tuple[float, int]]:
    """(minutes asleep, events) of the table rows named by the regex ``groups``."""
    return {m[1]: (float(m[2]), int(m[3]))
            for m in re.finditer(rf"^\| ({groups}) \| ([\d.]+) \| (\d+) \|", text, re.M)}


def _rate_p(first: tuple[float, int], second: tuple[float, int]) -> float:
    (t1, k1), (t2, k2) = first, second
    return binomtest(k1, k1 + k2, t1 / (t1 + t2)).pvalue


def test_significance_of_the_supine_and_other_rates(demo) -> None:
    """"is that significant?" after the AHI on the back and off it asked for a comparison."""
    text = last_answer(demo, "what's the AHI supine vs non-supine?", "is that significant?")
    rows = _table(text, "supine|non-supine")
    p = _rate_p(rows["supine"], rows["non-supine"])
    assert text.startswith(f"**{'Yes' if p < 0.05 else 'No'}**: an exact test of equal event rates per "
                           f"minute asleep (on the back against off the back) gives **p = {p:.3g}**"), text[:160]
    assert last_answer(demo, "is the AHI significantly higher on her back?").startswith(text[:150])


def test_significance_of_the_earlier_and_later_hours(demo) -> None:
    """"is that significant?" after the AHI hour by hour asked for a comparison."""
    text = last_answer(demo, "AHI by hour", "is that significant?")
    m = re.search(r"Earlier hours \((\d\d:\d\d)–(\d\d:\d\d)\)", text)
    rows = [(r[1], float(r[2]), int(r[3])) for r in re.finditer(
        r"^\| (\d\d:\d\d)–\d\d:\d\d \| ([\d.]+) \| (\d+) \|", text, re.M)]
    split = next(i for i, row in enumerate(rows) if row[0] == m[2])
    early = (sum(r[1] for r in rows[:split]), sum(r[2] for r in rows[:split]))
    late = (sum(r[1] for r in rows[split:]), sum(r[2] for r in rows[split:]))
    p = _rate_p(early, late)
    assert text.startswith(f"**{'Yes' if p < 0.05 else 'No'}**: an exact test of equal event rates per "
                           f"minute asleep (in the earlier hours against in the later hours) gives "
                           f"**p = {p:.3g}**"), text[:200]


def test_significance_after_mean_lengths_tests_the_lengths(demo) -> None:
    """"is that significant?" after the mean apnea length in REM and NREM tested their rates."""
    night, _ = demo
    text = last_answer(demo, "what is the mean apnea duration in REM vs NREM?", "is that significant?")
    stages, _ = night.stages()
    rem, nrem = [], []
    events, _ = night.scored_events()
    for e in events:
        if e.type in APNEAS and e.onset < night.recording.duration:
            stage = STAGES[stages[night.epoch_at(e.onset)]] if stages[night.epoch_at(e.onset)] >= 0 else ""
            (rem if stage == "REM" else nrem if stage in ("N1", "N2", "N3") else []).append(e.duration)
    p = mannwhitneyu(rem, nrem, alternative="two-sided").pvalue
    assert text.startswith(f"**{'Yes' if p < 0.05 else 'No'}**: a Mann-Whitney test of the event lengths "
                           f"({len(rem)} in REM against {len(nrem)} in NREM) gives **p = {p:.3g}**"), text[:200]
    assert last_answer(demo, "were apneas significantly longer in REM?").startswith(text[:150])


def test_and_to_reach_rem_after_sleep_latency(demo) -> None:
    """"and to reach REM?" after "how long did it take to fall asleep?" repeated the sleep latency."""
    text = last_answer(demo, "how long did it take to fall asleep?", "and to reach REM?")
    assert text == last_answer(demo, "REM latency?"), text[:120]
    assert "REM latency is" in text


@pytest.mark.parametrize(("asked", "rank"), [("what was the lowest heart rate?", "lowest"),
                                             ("what was the highest heart rate?", "highest")])
def test_when_after_a_signal_extreme(demo, asked, rank) -> None:
    """"when?" after the lowest heart rate said the last answer listed nothing."""
    first = last_answer(demo, asked)
    clock = re.search(rf"{rank} \*\*[\d.]+ bpm\*\* at (\d\d:\d\d:\d\d)", first)[1]
    text = last_answer(demo, asked, "when?")
    # since stop 74 the moment it was read, not "the first of 2" spanning 30 s
    assert text.startswith(f"The {rank} heart rate was read at **{clock}**;"), text[:120]


def test_are_they_in_nrem_or_rem(demo) -> None:
    """"are they in NREM or REM?" after the hypopneas answered yes with one epoch's stage."""
    text = last_answer(demo, "list the hypopneas", "are they in NREM or REM?")
    assert text == last_answer(demo, "hypopneas in REM vs NREM"), text[:150]
    assert "REM" in text and "NREM" in text and not text.startswith("**Yes**")


def test_is_the_odi_normal(demo) -> None:
    """"is that normal for a 70 year old?" after the ODI led with the AHI."""
    night, _ = demo
    odi = night.summary().odi
    text = last_answer(demo, "what is the ODI?", "is that normal for a 70 year old?")
    assert text.startswith(f"**ODI: {odi:.1f}/h**, {'above' if odi >= 5 else 'within'} the under-5/h"), text[:100]
    assert "healthy 70-year-olds" in text


def test_how_severe_for_an_age(demo) -> None:
    """"how severe is that for a 70 year old?" after the AHI gave the night's summary."""
    text = last_answer(demo, "what is the AHI?", "how severe is that for a 70 year old?")
    assert text == last_answer(demo, "what is the AHI?", "how severe is that?")
    assert "AHI band" in text


def _stage_mean(night, words: str, unit: str, stages: tuple[str, ...]) -> float:
    frame = night.feature_frame()
    col = next(c for c in measure_columns(words, frame) if c.endswith(f"[{unit}]"))
    codes, _ = night.stages()
    return float(np.nanmean(frame[col].to_numpy(dtype=float)[np.isin(codes, [STAGES.index(s) for s in stages])]))


def test_why_the_heart_slows_in_deep_sleep(demo) -> None:
    """"why does the heart slow down in deep sleep?" gave N3's heart rate without a why."""
    night, _ = demo
    text = last_answer(demo, "why does the heart slow down in deep sleep?")
    assert text.startswith("**Why the heart slows in sleep, and speeds up in REM.**"), text[:80]
    assert f"N3 **{_stage_mean(night, 'heart rate', 'bpm', ('N3',)):.1f} bpm**" in text
    assert last_answer(demo, "why is the heart rate higher in REM?") == text


def test_why_breathing_is_irregular_in_rem(demo) -> None:
    """"why does breathing become irregular in REM?" gave REM's AHI and breathing rate."""
    night, _ = demo
    text = last_answer(demo, "why does breathing become irregular in REM?")
    assert text.startswith("**Why breathing is irregular in REM.**"), text[:80]
    rem = _stage_mean(night, "breathing", "%", ("REM",))
    nrem = _stage_mean(night, "breathing", "%", ("N1", "N2", "N3"))
    assert f"NREM **{nrem:.1f} %**, REM **{rem:.1f} %**" in text


def test_is_there_any_on_this_night_after_a_definition(demo) -> None:
    """"is there any on this night?" after "what is cheyne-stokes breathing?" was not understood."""
    text = last_answer(demo, "what is cheyne-stokes breathing?", "is there any on this night?")
    assert text == last_answer(demo, "what is cheyne-stokes breathing?", "show me on this night")
    assert text.startswith("Cheyne-Stokes breathing: "), text[:80]
    spindles = last_answer(demo, "what is a sleep spindle?", "did the patient have any?")
    assert spindles == last_answer(demo, "what is a sleep spindle?", "show me on this night")


def test_the_longest_run(demo) -> None:
    """"show me the longest run" searched the model for the word "run"."""
    text = last_answer(demo, "list the hypopneas", "show me the longest run")
    assert text == last_answer(demo, "list the hypopneas", "show me the longest one"), text[:120]
    assert "best matches" not in text


@pytest.mark.parametrize(("asked", "same"), [
    ("show me an arousal with a leg movement", "show me a limb movement arousal"),
    ("list the arousals after apneas", "list the respiratory arousals")])
def test_arousals_named_by_what_came_with_them(demo, asked, same) -> None:
    """"show me an arousal with a leg movement" showed any arousal; "the arousals after apneas"
    listed the apneas."""
    assert last_answer(demo, asked) == last_answer(demo, same)


def test_how_many_hits_after_a_library_search(demo) -> None:
    """"how many hits?" after a library search was taken for a question off the recording."""
    search = "find epochs with an obstructive apnea in the library"
    text = last_answer(demo, search, "how many hits?")
    assert text == last_answer(demo, search, "how many did you find?")
    assert "of the library's" in text


def test_which_part_of_the_staging_is_least_certain(demo_unscored) -> None:
    """"which part is least certain?" after the staging's confidence was off the recording."""
    text = last_answer(demo_unscored, "how confident is the staging?", "which part is least certain?")
    assert text.startswith("The longest uncertain stretches (blue):\n- **"), text[:80]
    assert text == last_answer(demo_unscored, "where is the staging least certain?")
    assert not last_answer(demo_unscored, "how confident is the staging?").startswith("The longest")


def test_what_stages_did_she_go_through(demo) -> None:
    """"what stages did she go through?" read the first epoch's stage."""
    text = last_answer(demo, "what stages did she go through?")
    assert text == last_answer(demo, "what stages were there?"), text[:100]
    assert not text.startswith("Epoch")


def test_was_there_an_apnea_near_the_event_shown(demo) -> None:
    """"was there an apnea?" after "what happened before it?" listed the night's apneas; an apnea
    that began before the window and ran into it was left out."""
    night, _ = demo
    first = last_answer(demo, "show me the deepest desaturation")
    start, end = re.search(r"\*\*(\d\d:\d\d:\d\d)–(\d\d:\d\d:\d\d)\*\* \(desaturation", first).groups()
    text = last_answer(demo, "show me the deepest desaturation", "what happened before it?", "was there an apnea?")
    assert "in the 30 s either side of the desaturation shown" in text, text[:200]
    t0 = night.recording.start_time
    day = t0.hour * 3600 + t0.minute * 60 + t0.second
    lo, hi = ((int(c[:2]) * 3600 + int(c[3:5]) * 60 + int(c[6:]) - day) % 86400 for c in (start, end))
    events, _ = night.scored_events()
    near = [e for e in events if e.type in APNEAS and e.onset < hi + 31 and e.onset + e.duration > lo - 30]
    assert f"**{len(near)}** apnea event" in text, (len(near), text[:200])


def test_how_severe_alone(demo) -> None:
    """"how severe?" after the AHI gave the AHI again with the night's summary."""
    assert last_answer(demo, "what is the AHI?", "how severe?") == last_answer(demo, "what is the AHI?",
                                                                               "how severe is that?")


def test_what_types_were_they(demo) -> None:
    """"what types were they?" after the apneas was taken for a question off the recording."""
    night, _ = demo
    events, _ = night.scored_events()
    counts = {t: sum(e.type == t for e in events) for t in APNEAS}
    text = last_answer(demo, "list the apneas", "what types were they?")
    top = max(counts, key=counts.get)
    assert text.startswith(f"By type: **{counts[top]}** {top.replace('_', ' ')}s, "), text[:120]
    assert f"({sum(counts.values())} in all)." in text.split("\n")[0]
    assert last_answer(demo, "list the apneas", "by type?") == text
    assert last_answer(demo, "how many of each type of apnea?").startswith(text.split("\n")[0])
    refused = last_answer(demo, "what type?")
    assert refused.startswith("The last answer listed no events of more than one type"), refused


@pytest.fixture(scope="module")
def six_year_old(demo, tmp_path_factory: pytest.TempPathFactory):
    """A 6-year-old's scored hour with many leg movements: the age only in the file's header."""
    return scored_synthetic(demo, tmp_path_factory.mktemp("six"), "six", hours=1.0, seed=6363, age=6.0,
                            limb_movement_index=30.0)


def test_a_childs_plms_index_against_the_childs_threshold(six_year_old) -> None:
    """"is that high for a child?" after the PLM index gave the adult stage norms."""
    text = last_answer(six_year_old, "what's the PLM index?", "is that high for a child?")
    index = float(re.search(r"a PLMS index of \*\*([\d.]+)/h\*\*", text)[1])
    way = "above" if index > norms.PLMS_CHILD else "not above"
    assert f"This night's **{index:.1f}/h** is **{way}** the {norms.PLMS_CHILD:g}/h set for a child." in text
    assert "total sleep time" not in text
    assert f"**{way}** the {norms.PLMS_CHILD:g}/h" in last_answer(six_year_old, "is the PLMS index normal?")


def test_a_young_childs_arousal_index_has_no_reference(six_year_old) -> None:
    """"is that normal?" after a 6-year-old's arousal index asked for an age the header gives."""
    text = last_answer(six_year_old, "what's the arousal index?", "is that normal?")
    assert "At 6 years it has no reference here" in text and "Give an age" not in text, text[:200]


def test_how_much_sleep_a_child_needs(six_year_old) -> None:
    """"how much sleep does a child this age need?" gave the night's total sleep time."""
    lo, hi = norms.child_sleep_hours(6.0)
    text = last_answer(six_year_old, "how much sleep does a child this age need?")
    assert text.startswith("Sleep time: **") and f"the **{lo}-{hi} h** per 24 h the AASM recommends" in text
    assert last_answer(six_year_old, "how many hours should a 6 year old sleep?") == text
    assert last_answer(six_year_old, "how long does it take to fall asleep?") != text


@pytest.mark.parametrize(("first", "lead"), [
    ("what's the respiratory rate in sleep?", "Against the usual limits, the breathing rate averaged **"),
    ("what was the lowest SpO2?", "Against the usual limits, SpO2 fell to **"),
    ("what was the heart rate?", "Against the AASM's adult limits for the heart rate in sleep")])
def test_is_that_normal_after_a_signal(demo, first, lead) -> None:
    """"is that normal?" after the breathing rate, the SpO2 or the heart rate gave the stage
    norms."""
    text = last_answer(demo, first, "is that normal?")
    assert text.startswith(lead), text[:120]
    assert "total sleep time" not in text


def test_is_the_breathing_rate_normal(demo) -> None:
    """"is the breathing rate normal?" gave the stage norms."""
    night, _ = demo
    text = last_answer(demo, "is the breathing rate normal?")
    assert text.startswith("Against the usual limits, the breathing rate averaged **"), text[:120]
    assert "within the 12-20 breaths/min usual for adults at rest" in text or "the 12-20" in text


def test_significance_of_a_measure_on_the_back(demo) -> None:
    """"is that significant?" after the snoring on the back and off it repeated the split."""
    text = last_answer(demo, "is the snoring worse on the back?", "is that significant?")
    assert re.match(r"\*\*(Yes|No|Too few periods to tell)\*\*: on the back against off the back, snoring "
                    r"loudness( \(Welch's t-test over the \d+ and \d+ periods' means: p = [\d.e-]+, (not )?"
                    r"significant at 0\.05\)| \(too few periods on a side to test\))", text), text[:200]
    plain = last_answer(demo, "is the snoring worse on the back?")
    assert text.endswith(plain.split("\n\n", 1)[1]) and "Welch" not in plain


def test_when_she_fell_back_asleep(demo) -> None:
    """"how long until she fell back asleep?" after the longest awakening gave sleep onset."""
    first = last_answer(demo, "what's the longest awakening?")
    start, end = re.search(r"runs \*\*(\d\d:\d\d:\d\d)–(\d\d:\d\d:\d\d)\*\*", first).groups()
    for asked in ("how long until she fell back asleep?", "when did she fall back asleep?"):
        text = last_answer(demo, "what's the longest awakening?", asked)
        assert f"at **{start}–{end}** lasted **" in text, (asked, text[:150])
    assert last_answer(demo, "when did she fall back asleep?") == last_answer(demo, "list the awakenings")


def test_how_much_delta_is_there_reads_the_epoch_shown(demo) -> None:
    """"how much delta is there?" after a clear N3 epoch gave delta by stage over the night."""
    text = last_answer(demo, "find a clear N3 epoch", "how much delta is there?")
    assert text == last_answer(demo, "find a clear N3 epoch", "how much delta in this epoch?"), text[:120]
    assert last_answer(demo, "how much delta is there?").startswith("By stage")


def test_is_there_a_trend(demo) -> None:
    """"is there a trend?" after the heart rate hour by hour was off the recording, and "does the
    heart rate fall across the night?" answered no yes or no."""
    from scipy.stats import spearmanr

    night, _ = demo
    from app.chat.breakdown import night_groups

    text = last_answer(demo, "how does the heart rate change through the night?", "is there a trend?")
    frame = night.feature_frame()
    hr = frame[measure_columns("heart rate", frame)[0]].to_numpy(dtype=float)
    means = [np.nanmean(hr[mask]) for mask in night_groups(night, "hour").values()]
    rho, p = spearmanr(range(len(means)), means)
    assert f"Spearman ρ = {rho:+.2f} (p = {p:.2g}, {len(means)} hours" in text, text[:300]
    verdict = "No clear trend" if p >= 0.05 else ("Yes" if rho < 0 else "No")
    assert last_answer(demo, "does the heart rate fall across the night?").startswith(f"**{verdict}"), text[:80]
    assert last_answer(demo, "what was the heart rate?", "is there a trend?").split("\n\n")[0] == text.split("\n\n")[0]
    spo2 = last_answer(demo, "how does the heart rate change through the night?", "is there a trend?", "and the SpO2?")
    assert "over the night SpO2 (mean) moves" in spo2.split("\n\n")[0], spo2[:150]
    assert last_answer(demo, "is there a trend?").startswith("There is no measure just before")


def test_which_had_more_after_two_periods(demo) -> None:
    """"which had more eye movements?" after two REM periods were compared listed the night's."""
    text = last_answer(demo, "compare the first and last REM period", "which had more eye movements?")
    assert text == last_answer(demo, "eye movements in the first REM period vs the last REM period"), text[:150]
    assert "in the first REM period" in text and "in the last REM period" in text


def test_how_many_per_minute_in_a_stage_after_events(demo) -> None:
    """"how many per minute in N2?" after the spindles gave the N2 periods."""
    text = last_answer(demo, "any spindles?", "how many per minute in N2?")
    assert text == last_answer(demo, "how many spindles per minute in N2?"), text[:120]
    assert text.startswith("**") and "per minute** of sleep in N2" in text.split("\n")[0]


def test_events_in_the_period_shown(demo) -> None:
    """"how many eye movements in it?" after the longest REM period said "in REM"."""
    night, _ = demo
    shown = last_answer(demo, "was there any REM?", "how long was the longest?")
    start, end = re.search(r"at \*\*(\d\d:\d\d:\d\d)–(\d\d:\d\d:\d\d)\*\*", shown).groups()
    text = last_answer(demo, "was there any REM?", "how long was the longest?", "how many eye movements in it?")
    m = re.search(r"\*\*(\d+)\*\* rapid eye movement events in that REM period", text)
    assert m, text[:200]
    t0 = night.recording.start_time
    day = t0.hour * 3600 + t0.minute * 60 + t0.second
    lo, hi = ((int(c[:2]) * 3600 + int(c[3:5]) * 60 + int(c[6:]) - day) % 86400 for c in (start, end))
    types = phenomenon("rem").event_types
    events, _ = events_for(night, types)
    assert int(m[1]) == sum(e.type in types and lo <= e.onset < hi for e in events) > 0


def test_which_stage_the_machine_is_least_sure_of(demo_unscored) -> None:
    """"which stage is YASA least sure about?" gave the staging's confidence without an answer first."""
    night, _ = demo_unscored
    text = last_answer(demo_unscored, "which stage is YASA least sure about?")
    listed = re.search(r"By stage: ((?:(?:W|N1|N2|N3|REM) \d\.\d\d(?:, )?)+)", text)[1]
    per = dict(re.findall(r"(W|N1|N2|N3|REM) (\d\.\d\d)", listed))
    hardest = min(per, key=lambda s: float(per[s]))
    assert text.startswith(f"The machine staging is least sure of **{hardest}** (mean probability {per[hardest]}"), text[:150]
    assert not last_answer(demo_unscored, "how confident is the staging?").startswith("The machine staging is least")


def test_what_a_recording_needs_to_score_events(demo, sc4001_read) -> None:
    """"what would you need?" after apneas could not be scored, and "what do you need to score
    apneas?", were answered with the channel table or not at all."""
    sc4001 = sc4001_read
    text = last_answer(sc4001, "what do you need to score apneas?")
    assert text.startswith("To score apneas the machine scorer needs an airflow channel (thermistor or nasal "
                           "pressure) or an effort belt sampled at 4 Hz or more. This recording does not: "), text
    assert last_answer(sc4001, "any apneas?", "what would you need?") == text
    assert last_answer(demo, "what channels do you need to score spindles?").endswith(
        "This recording has that, so they are scored here.")
    assert last_answer(demo, "what would you need?").startswith("Needed for what?")


def test_the_most_similar_match_and_its_signals(demo) -> None:
    """"which one is most similar?" after a library search listed the matches again; "show me
    its signals" then described this night's epoch on screen."""
    search = "find epochs like this one in the library"
    text = last_answer(demo, search, "which one is most similar?")
    assert re.match(r"The first of \d+ \(", text), text[:120]
    assert text == last_answer(demo, search, "show me the best match")
    signals = last_answer(demo, search, "which one is most similar?", "show me its signals")
    assert signals == last_answer(demo, search, "which one is most similar?", "what stage is it?")
    assert not signals.startswith("About the current epoch")


def test_are_any_matches_from_real_recordings(demo) -> None:
    """"are any from real recordings?" after a library search gave the night's summary."""
    search = "find spindles in N2 in other nights"
    text = last_answer(demo, search, "are any from real recordings?")
    assert text == last_answer(demo, search, "how similar are they?"), text[:120]
    assert "**by kind**" in text


def test_how_good_is_the_model_and_one_it_got_wrong(demo) -> None:
    """"how good is the model on this night?" was not understood; "show me one it got wrong"
    after the model against the scoring asked for an event."""
    text = last_answer(demo, "how good is the model on this night?")
    assert text == last_answer(demo, "how well does the model stage this night?"), text[:120]
    wrong = last_answer(demo, "how good is the model on this night?", "show me one it got wrong")
    assert wrong.startswith("The model's zero-shot stage differs from the human-scored one on **"), wrong[:150]


def test_the_central_apnea_index_against_its_threshold(demo) -> None:
    """"is that high?" after the central apnea index gave the AHI against the stage norms."""
    night, _ = demo
    stages, _ = night.stages()
    events, _ = night.scored_events()
    n = sum(e.type == "central_apnea" and stages[night.epoch_at(e.onset)] >= STAGES.index("N1") for e in events)
    index = n / (night.summary().tst_min / 60)
    text = last_answer(demo, "what's the central apnea index?", "is that high?")
    side = "above" if index >= norms.CENTRAL_APNEA_INDEX else "below"
    assert f"This night's **{index:.1f}/h** is **{side}** the 5/h. A central apnea index of 5/h" in text, text[:300]
    assert "total sleep time" not in text


def test_an_event_with_the_one_shown(demo) -> None:
    """"any arousal with it?" after the deepest desaturation listed the night's arousals."""
    text = last_answer(demo, "show me the deepest desaturation", "any arousal with it?")
    assert "in the 30 s either side of the desaturation shown" in text, text[:200]
    assert text == last_answer(demo, "show me the deepest desaturation", "and an arousal next to it?")


@pytest.mark.parametrize(("listed", "explained"), [("list the apneas", "what is an apnea?"),
                                                   ("show me a K-complex", "what is a k-complex?")])
def test_what_causes_them(demo, listed, explained) -> None:
    """"what causes them?" after apneas or a K-complex was taken for a question off the recording."""
    assert last_answer(demo, listed, "what causes them?") == last_answer(demo, explained)


def test_is_a_childs_breathing_normal(six_year_old) -> None:
    """"is the breathing normal for a child?" read the adult bands (or the adult norms)."""
    for asked in ("is the breathing normal for a child?", "is the breathing normal?"):
        text = last_answer(six_year_old, asked)
        assert text.startswith("Breathing, by the AASM's pediatric rule: the obstructive AHI is **"), (asked, text[:120])
    rate = last_answer(six_year_old, "is the breathing rate normal?")
    assert "a range that does not apply to a child" in rate, rate[:300]


def test_any_events_in_the_period_shown(demo) -> None:
    """"any eye movements?" after a REM period's length listed the whole night's."""
    first = last_answer(demo, "show me the first REM period", "how long did it last?")
    text = last_answer(demo, "show me the first REM period", "how long did it last?", "any eye movements?")
    assert "rapid eye movement events in that REM period" in text, (first[:100], text[:200])
    assert "that REM period" not in last_answer(demo, "any eye movements?")


def test_how_a_childs_sleep_differs(six_year_old) -> None:
    """"how is a child's sleep different from an adult's?" gave the adult norms' refusal."""
    lo, hi = norms.child_sleep_hours(6.0)
    text = last_answer(six_year_old, "how is a child's sleep different from an adult's?")
    assert text.startswith("**How a child's sleep differs from an adult's.**"), text[:100]
    assert f"against the {lo}-{hi} h a day the AASM recommends at 6 years." in text
