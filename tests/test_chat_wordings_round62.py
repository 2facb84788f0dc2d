"""Questions of stop 62, asked as a technician, an educator and a researcher would ask them of
nights not in the repo (synthetic nights written without their scoring). Each names what it
used to get. Expected answers are the ones the same question gets asked in full, or the
night's own scoring and signals, never typed in."""

from __future__ import annotations

import re

import numpy as np
import pytest
from scipy.stats import spearmanr

from app.chat import norms
from app.chat.measures import measure_columns
from chat_dialogues import last_answer
from sleeplm_core.io.recording import EPOCH_SEC, STAGES

WORST_HOUR = "what's the worst hour for breathing?"


def _hour(demo) -> tuple[str, str]:
    """The worst hour for breathing, as its clock times."""
    m = re.search(r"Highest rate: \*\*(\d\d:\d\d)–(\d\d:\d\d)\*\*", last_answer(demo, WORST_HOUR))
    return m[1], m[2]


def _numbered(text: str) -> list[str]:
    return re.findall(r"^\d+\. .*$", text, re.M)


def test_findings_in_that_hour_are_the_hours(demo) -> None:
    """"anything unusual in that hour?" after the worst hour gave the whole night's findings,
    norms included."""
    night, _ = demo
    start, end = _hour(demo)
    text = last_answer(demo, WORST_HOUR, "anything unusual in that hour?")
    assert text.startswith(f"What stands out in {start}–{end} ("), text[:100]
    assert "total sleep time" not in text and "healthy" not in text
    # the hour's own rate, set beside the night's rather than graded on the AASM's whole-night scale
    s0, s1 = _seconds(night, start, end)
    hour = night.span_summary(night.epoch_at(s0), night.epoch_at(s1 - EPOCH_SEC) + 1).ahi
    assert f"AHI **{hour:.1f}/h** here (the whole night: {night.summary().ahi:.1f}/h)" in text
    assert _numbered(text) == _numbered(last_answer(demo, f"anything unusual between {start} and {end}?"))


def _seconds(night, start: str, end: str) -> tuple[float, float]:
    """Seconds from the recording start of two clock times on the night."""
    t0 = night.recording.start_time
    day = t0.hour * 3600 + t0.minute * 60 + t0.second
    out = []
    for clock in (start, end):
        h, m = map(int, clock.split(":"))
        out.append((h * 3600 + m * 60 - day) % 86400)
    return out[0], out[1]


def test_a_span_without_findings_says_norms_are_for_nights(demo) -> None:
    """The quietest stretch read against whole-night norms would fail them all."""
    text = last_answer(demo, "anything unusual in the first 10 minutes?")
    assert text.startswith("What stands out in the first 10 minutes"), text[:100]
    assert "nothing crosses a limit I check there" in text and "describe whole nights" in text


@pytest.mark.parametrize("asked", ["anything unusual in the first half?", "what stands out in the second half?"])
def test_findings_of_a_named_span_read_that_span(demo, asked) -> None:
    """"anything unusual in the first half?" gave the whole night against the age norms."""
    text = last_answer(demo, asked)
    assert text.startswith("What stands out in the "), text[:80]
    assert "against published norms" not in text


def test_the_previous_rem_period_is_the_one_before(demo) -> None:
    """"compare it with the previous REM period" after the second compared it with all REM."""
    text = last_answer(demo, "describe the second REM period", "compare it with the previous REM period")
    assert "in the second REM period vs in the first REM period" in text, text[:120]
    after = last_answer(demo, "describe the first REM period", "compare it with the next one")
    assert "in the first REM period vs in the second REM period" in after, after[:120]
    none = last_answer(demo, "describe the first REM period", "compare it with the previous one")
    assert none.startswith("That is the night's first period of its stage"), none


@pytest.mark.parametrize(("first", "follow", "same"), [
    ("what is a sleep spindle?", "show me on this night", "where are the spindles?"),
    ("what is an arousal?", "where are they?", "where are the arousals?"),
    ("what is an arousal?", "show them", "where are the arousals?"),
    ("what is a K-complex?", "where are they in this recording?", "where are the K-complexes?")])
def test_after_a_definition_they_are_found_in_the_night(demo, first, follow, same) -> None:
    """"show me on this night" after a definition showed the hypnogram, "where are they?" said
    nothing was listed, and "show them" called the explanation's one example "the only one"."""
    text = last_answer(demo, first, follow)
    assert text == last_answer(demo, same), text[:150]
    assert "The only one" not in text


def test_a_stage_on_this_night_is_its_periods(demo) -> None:
    assert (last_answer(demo, "what is REM sleep?", "show me on this night")
            == last_answer(demo, "list the REM periods"))
    assert (last_answer(demo, "what is a sleep cycle?", "show me on this night")
            == last_answer(demo, "how many sleep cycles?"))


@pytest.mark.parametrize("asked", ["is the chin quiet in REM?", "was she paralysed during REM?",
                                   "in REM, is the chin EMG flat?"])
def test_a_quiet_chin_in_rem_is_the_atonia_rule(demo, asked) -> None:
    """"is the chin quiet in REM?" listed the REM periods."""
    assert last_answer(demo, asked) == last_answer(demo, "any REM sleep without atonia?")


def test_still_in_rem_is_not_about_the_chin(demo) -> None:
    assert "REM-without-atonia" not in last_answer(demo, "was the patient still in REM?")


def test_rem_rebound_reads_rems_share_and_latency(demo) -> None:
    """"is there REM rebound?" listed the REM periods."""
    night, _ = demo
    s = night.summary()
    age = night.recording.patient.age
    share, latency = (norms.range_of(row, None if age is None else int(age)) for row in ("REM", "REM latency"))
    text = last_answer(demo, "is there REM rebound?")
    assert text.startswith("**REM rebound**"), text[:80]
    assert f"REM is **{s.stage_pct['REM']:.1f} %** of sleep (typical {share[1]:g}–{share[2]:g} %)" in text
    assert f"latency **{s.rem_latency_min:.1f} min**" in text
    signs = s.stage_pct["REM"] > share[2] or s.rem_latency_min < latency[1]
    assert ("as a rebound would show" in text) == signs
    assert ("nothing here points to a rebound" in text) == (not signs)


def _plms_index(demo) -> str:
    return re.search(r"a PLMS index of \*\*([\d.]+)/h\*\*", last_answer(demo, "PLMS index?"))[1]


@pytest.mark.parametrize("asked", ["RLS?", "any restless legs?", "restless legs syndrome?"])
def test_restless_legs_alone_is_the_diagnosis_question(demo, asked) -> None:
    """A bare "RLS?" listed the longest leg movements; "does she have restless legs?" gave a
    count of leg movements with no rate."""
    text = last_answer(demo, asked)
    assert text == last_answer(demo, "does the patient have restless legs?")
    assert text.startswith("Restless legs syndrome is diagnosed from what the person reports"), text[:80]
    assert f"PLMS index: **{_plms_index(demo)}/h of sleep" in text


@pytest.mark.parametrize(("asked", "row"), [("insomnia?", "sleep efficiency"), ("narcolepsy?", "REM latency")])
def test_a_disorder_named_alone_gives_what_it_is_judged_on(demo, asked, row) -> None:
    """"insomnia?" listed the arousals and "narcolepsy?" was called off topic."""
    text = last_answer(demo, asked)
    assert text.startswith("I can't diagnose"), text[:80]
    assert f"- {row}: **" in text


def test_sigma_power_against_the_spindle_count_per_epoch(demo) -> None:
    """The spindle count was read as sigma power: "both sides ... are sigma power"."""
    night, _ = demo
    frame = night.feature_frame()
    sigma = frame[measure_columns("sigma power", frame)[0]].to_numpy(float)
    counts = np.zeros(night.n_epochs)
    for event in night.scored_events()[0]:
        if event.type == "spindle":
            counts[night.epoch_at(event.onset)] += 1
    stages = night.stages()[0]
    asleep = (stages >= STAGES.index("N1")) & np.isfinite(sigma)
    rho = spearmanr(sigma[asleep], counts[asleep])[0]
    text = last_answer(demo, "is there a correlation between sigma power and spindle count per epoch?")
    assert "against **sleep spindle count per epoch**" in text, text[:150]
    assert f"Spearman **ρ = {rho:+.2f}**" in text and f"{int(asleep.sum())} epochs" in text


def test_a_count_names_events_only_with_a_count_word(demo) -> None:
    """Without a count, "spindle activity" stays a band's power."""
    text = last_answer(demo, "is sigma power correlated with spindle activity?")
    assert "count per epoch" not in text


@pytest.mark.parametrize(("first", "follow", "same"), [
    ("how loud was the snoring?", "when was it loudest?", "when was the snoring highest?"),
    ("how loud was the snoring?", "when was it at its worst?", "when was the snoring highest?"),
    ("what was the lowest oxygen?", "when was it lowest?", "when was the SpO2 lowest?"),
    ("what was the SpO2?", "when was it worst?", "when was the SpO2 lowest?"),
    ("what was the heart rate in REM?", "when did it peak?", "when was the heart rate highest in REM?")])
def test_when_was_it_at_an_extreme_is_that_signals_moment(demo, first, follow, same) -> None:
    """"when was it loudest?" after the snoring was off topic, "when was it lowest?" after the
    SpO2 not understood, "when was it worst?" the breathing's worst hour."""
    text = last_answer(demo, first, follow)
    assert text == last_answer(demo, same)
    assert re.search(r"The (highest|lowest) value falls at \*\*", text), text[-200:]


def test_the_snoring_at_its_loudest_is_its_moment(demo) -> None:
    """"when was the snoring loudest?" gave the stretches of snoring over 10 dB."""
    assert last_answer(demo, "when was the snoring loudest?") == last_answer(demo, "when was the snoring highest?")


def test_when_was_it_worst_after_events_stays_the_worst_hour(demo) -> None:
    assert (last_answer(demo, "where are the apneas?", "when was it worst?")
            == last_answer(demo, "when was the breathing worst?"))


def test_the_longest_alone_is_the_lists_longest(demo) -> None:
    """"show me the longest" after a list asked what to look for."""
    assert (last_answer(demo, "any central apneas?", "show me the longest")
            == last_answer(demo, "any central apneas?", "show me the longest one"))


@pytest.mark.parametrize("asked", ["what was the heart rate in the worst hour?",
                                   "how many central apneas in the worst hour?"])
def test_the_worst_hour_named_is_found_first(demo, asked) -> None:
    """"the heart rate in the worst hour" read the whole night."""
    start, end = _hour(demo)
    then = asked.replace("the worst hour", "that hour")
    text = last_answer(demo, asked)
    assert text == last_answer(demo, WORST_HOUR, then)
    assert f"{start}–{end}" in text, text[:120]


def test_the_breathing_in_a_span_is_its_overview(demo) -> None:
    """"describe the breathing in the worst hour" gave the night's breathing rate; a span's
    AHI is set beside the night's, not graded on the AASM's whole-night bands."""
    night, _ = demo
    start, end = _hour(demo)
    text = last_answer(demo, "describe the breathing in the worst hour")
    assert text.startswith(f"The breathing in {start}–{end}:"), text[:80]
    s0, s1 = _seconds(night, start, end)
    hour = night.span_summary(night.epoch_at(s0), night.epoch_at(s1 - EPOCH_SEC) + 1).ahi
    assert f"AHI **{hour:.1f}/h**" in text and f"the whole night's is {night.summary().ahi:.1f}/h" in text
    whole = last_answer(demo, "how was the breathing overall?")
    assert whole.startswith("The breathing over the whole night:") and "on the AASM's adult scale" in whole


@pytest.mark.parametrize(("asked", "same"), [
    ("what stage was she in between 1 and 3?", "how much of each stage between 1 and 3?"),
    ("what stages were there in the first hour?", "how much of each stage in the first hour?"),
    ("what stages were there?", "how much of each stage?")])
def test_the_stages_of_a_span_are_its_hypnogram(demo_unscored, asked, same) -> None:
    """On an unscored night "what stage was she in between 1 and 3?" gave the model's zero-shot
    reading of each epoch, and "what stages were there?" the N1 periods."""
    text = last_answer(demo_unscored, asked)
    assert text == last_answer(demo_unscored, same)
    # not the model's reading of each epoch (a "not settled" note may name the model's figures)
    assert "classified the model's zero-shot stage" not in text and "the **machine-scored" in text.split("\n")[0]


def test_the_stage_at_a_moment_stays_that_epoch(demo) -> None:
    assert last_answer(demo, "what stage was she in at 1 am?").startswith("Epoch ")


def test_how_many_in_a_position_after_the_ahi_by_position(demo) -> None:
    """"how many were supine?" after the AHI by body position was off topic."""
    text = last_answer(demo, "were the apneas worse on her back?", "how many were supine?")
    assert text == last_answer(demo, "how many apneas and hypopneas were supine?")
    assert re.search(r"^\| supine \| [\d.]+ \| \d+ \|", text, re.M), text[:300]


def test_a_childs_total_sleep_leads_with_the_recommended_hours(demo) -> None:
    """"is the total sleep normal for a 9 year old?" led with every adult row, the sleep time
    sentence in the middle."""
    text = last_answer(demo, "is the total sleep normal for an 8 year old?")
    assert text.startswith(f"Sleep time: **{demo[0].summary().tst_min / 60:.1f} h** asleep"), text[:100]


def test_a_childs_breathing_after_its_index_leads_with_the_pediatric_rule(demo) -> None:
    """"is that abnormal for a child?" after the obstructive AHI led with the adult rows."""
    text = last_answer(demo, "what's the obstructive AHI?", "is that abnormal for an 8 year old?")
    assert text.startswith("Breathing, by the AASM's pediatric rule: the obstructive AHI is **"), text[:100]


def test_is_that_normal_after_the_ahi_leads_with_the_ahi(demo) -> None:
    """An adult's "is that normal?" after the AHI gave the sleep statistics first, the AHI last."""
    ahi = demo[0].summary().ahi
    text = last_answer(demo, "what's the AHI?", "is that normal?")
    assert text.startswith(f"**AHI: {ahi:.1f}/h**, {'above' if ahi >= 5 else 'within'} the under-5/h"), text[:100]


@pytest.mark.parametrize("asked", ["what's different about a child's sleep study?",
                                   "how does a pediatric sleep study differ?"])
def test_what_differs_for_a_child_is_the_childs_reading(demo, asked) -> None:
    """"what's different about a child's sleep study?" summarised the night."""
    assert last_answer(demo, asked) == last_answer(demo, "is this normal for a child?")


def test_are_they_periodic_after_leg_movements(demo) -> None:
    """"are they periodic?" after the leg movements was off topic."""
    assert (last_answer(demo, "any leg movements?", "are they periodic?")
            == last_answer(demo, "any leg movements?", "how many were periodic?"))


@pytest.mark.parametrize("stage", ["deep sleep", "REM"])
def test_which_cycle_had_the_most_after_the_cycles(demo, stage) -> None:
    """"which one had the most deep sleep?" after the cycles gave the night's N3."""
    assert (last_answer(demo, "how many sleep cycles?", f"which one had the most {stage}?")
            == last_answer(demo, f"which cycle had the most {stage}?"))


def test_where_the_stagings_disagree_leads_with_the_disagreement(sc4001_unscored) -> None:
    """"where do the model and YASA disagree?" gave the staging's confidence first and the
    disagreement last."""
    text = last_answer(sc4001_unscored, "where do the model and YASA disagree?")
    assert text.startswith("The model's zero-shot stage differs from the machine-scored"), text[:100]


@pytest.mark.parametrize("follow", ["what does YASA say?", "do they agree?"])
def test_the_other_stagers_word_on_an_epoch(sc4001_unscored, follow) -> None:
    """"what does YASA say?" and "do they agree?" after the model's stage of an epoch were off
    topic."""
    night, _ = sc4001_unscored
    text = last_answer(sc4001_unscored, "what does the model think this epoch is?", follow)
    assert text == last_answer(sc4001_unscored, "what stage is this epoch?")
    machine = STAGES[night.stages()[0][0]]
    model = re.search(r"The model's zero-shot stage: (\w+) \(", text)[1]
    assert text.startswith("Epoch 0 (") and f"**{machine}** in the machine-scored" in text
    assert text.endswith(f"so the model {'agrees' if model == machine else 'disagrees'} here.")


@pytest.mark.parametrize(("asked", "same"), [
    ("explain what happens in N2", "what is N2 sleep?"),
    ("what happens during deep sleep?", "what is deep sleep?"),
    ("explain sleep architecture to a beginner", "explain sleep architecture")])
def test_an_educators_wordings_explain(demo, asked, same) -> None:
    """"explain what happens in N2" defined the spindle; "... to a beginner" summarised the night."""
    assert last_answer(demo, asked) == last_answer(demo, same)


def test_what_happened_in_a_stage_stays_this_nights(demo) -> None:
    assert last_answer(demo, "what happened in REM?").startswith("In REM")


def test_arousal_and_awakening_set_apart_then_counted(demo) -> None:
    """"what's the difference between an arousal and an awakening?" defined the arousal alone,
    and "how many of each?" was off topic."""
    text = last_answer(demo, "what's the difference between an arousal and an awakening?")
    assert text.startswith("**Arousal or awakening.**") and "15 seconds" in text, text[:80]
    assert (last_answer(demo, "what's the difference between an arousal and an awakening?", "how many of each?")
            == last_answer(demo, "how many arousals and how many awakenings?"))
    assert (last_answer(demo, "how is a hypopnea different from an apnea?", "how many of each?")
            == last_answer(demo, "how many hypopneas and how many apneas?"))


@pytest.mark.parametrize(("first", "same"), [("what does alpha look like?", "where is there alpha?"),
                                             ("what is a sleep spindle?", "where are the sleep spindles densest?")])
def test_where_is_it_strongest_after_a_definition(demo, first, same) -> None:
    """"where is it strongest?" after "what does alpha look like?" was off topic."""
    assert last_answer(demo, first, "where is it strongest?") == last_answer(demo, same)


@pytest.mark.parametrize("asked", ["show me a spindle and a K-complex in the same epoch",
                                   "show me an epoch with a spindle and a K-complex"])
def test_two_kinds_in_one_epoch_are_one_tied_to_the_other(demo, asked) -> None:
    """"a spindle and a K-complex in the same epoch" showed any spindle."""
    assert last_answer(demo, asked) == last_answer(demo, "show me a spindle with a K-complex")
    assert last_answer(demo, "show me an apnea and a desaturation") != last_answer(
        demo, "show me an apnea with a desaturation")


@pytest.mark.parametrize(("count", "share"), [
    ("how many hypopneas had an arousal?", "what percentage of hypopneas had an arousal?"),
    ("how many apneas had a desaturation?", "what percentage of apneas had a desaturation?")])
def test_a_share_after_a_tied_count_is_of_all_of_them(demo, count, share) -> None:
    """"what share is that?" after "how many hypopneas had an arousal?" asked for a count in
    part of the night first."""
    text = last_answer(demo, count, "what share is that?")
    assert text == last_answer(demo, share)
    assert re.match(r"\*\*\d+\*\* of the \d+ ", text), text[:80]


@pytest.mark.parametrize("first", [("what's the ODI?", "how does it compare with the AHI?"),
                                   ("what's the AHI?", "what's the ODI?")])
def test_why_the_odi_and_the_ahi_differ(demo, first) -> None:
    """"why are they different?" after the ODI and the AHI was off topic."""
    assert (last_answer(demo, *first, "why are they different?")
            == last_answer(demo, "how many apneas and hypopneas had no desaturation and how many "
                                 "desaturations had no apnea or hypopnea?"))


def test_is_that_significant_after_the_ahi_in_rem_and_nrem(demo) -> None:
    """"is that significant?" after "AHI in REM vs NREM" asked for a comparison first; "is the AHI
    significantly higher in REM?" answered yes from the rates alone."""
    from scipy.stats import binomtest

    text = last_answer(demo, "AHI in REM vs NREM", "is that significant?")
    rows = {m[1]: (float(m[2]), int(m[3])) for m in re.finditer(r"^\| (REM|NREM) \| ([\d.]+) \| (\d+) \|", text, re.M)}
    (rem_min, rem_n), (nrem_min, nrem_n) = rows["REM"], rows["NREM"]
    p = binomtest(rem_n, rem_n + nrem_n, rem_min / (rem_min + nrem_min)).pvalue
    assert text.startswith(f"**{'Yes' if p < 0.05 else 'No'}**: an exact test of equal event rates per "
                           f"minute asleep (in REM against in NREM) gives **p = {p:.3g}**"), text[:150]
    assert last_answer(demo, "is the AHI significantly higher in REM than NREM?") == text
    assert "exact test" not in last_answer(demo, "was the AHI higher in REM?")
