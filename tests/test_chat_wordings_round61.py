"""Questions of stop 61, asked as a technician, an educator and a researcher would ask them of
nights not in the repo (three synthetic nights written without their scoring, SC4001 without its
hypnogram). Each names what it used to get. Expected answers are the ones the same question gets
asked in full, or the night's own scoring and signals, never typed in."""

from __future__ import annotations

import re

import numpy as np
import pytest
from scipy.stats import chi2

from app.session import Session
from chat_dialogues import last_answer



def test_the_stretch_without_respiratory_events_says_events(demo) -> None:
    """"the longest stretch without breathing events" said "without respiratorys"."""
    text = last_answer(demo, "show me the longest stretch without breathing events")
    assert text.startswith("The longest stretch without respiratory events: "), text[:100]


@pytest.mark.parametrize("asked", ["which stager did you use", "what staging software did you use?",
                                   "what did you use to stage it?"])
def test_which_stager_did_you_use_is_how_the_night_was_scored(sc4001_unscored, asked) -> None:
    """"which stager did you use" described epoch 0."""
    assert last_answer(sc4001_unscored, asked) == last_answer(sc4001_unscored, "what stager was used")


@pytest.mark.parametrize("follow", ["is that based on 4% or 3% hypopneas?", "which hypopnea rule?"])
def test_which_hypopnea_rule_is_the_rules_table(demo, follow) -> None:
    """"is that based on 4% or 3% hypopneas?" after the AHI labelled epoch 0 with the two
    phrases through the model; "which hypopnea rule?" listed the hypopneas."""
    assert last_answer(demo, "what's the AHI?", follow) == last_answer(demo, "AHI 3 % vs 4 %?")


def test_the_rules_table_names_the_machines_rule(demo, demo_unscored) -> None:
    """The table said "the scoring's own hypopnea rule is not recorded in the file" of a night
    the machine scored by a rule it knows."""
    from sleeplm_core.scoring.respiratory import RespiratoryConfig
    rules = RespiratoryConfig()
    machine = last_answer(demo_unscored, "what hypopnea rule did you use")
    assert (f"scored hypopneas by AASM rule 1A: the airflow down by at least "
            f"{100 * (1 - rules.hypopnea_ratio):.0f} % for at least {rules.min_sec:g} s") in machine
    assert "not recorded in the file" in last_answer(demo, "what hypopnea rule did you use")


def _dispersion(night, kinds: tuple[str, ...]) -> tuple[int, float, int]:
    """Events of ``kinds`` starting in sleep, their variance-to-mean ratio over 20-epoch
    stretches of sleep, and the number of stretches."""
    stages = night.stages()[0]
    sleep = np.flatnonzero(stages > 0)
    k = len(sleep) // 20
    stretch = np.full(night.n_epochs, -1)
    stretch[sleep[:k * 20]] = np.arange(k * 20) // 20
    hits = [stretch[night.epoch_at(e.onset)] for e in night.scored_events()[0] if e.type in kinds]
    counts = np.bincount([h for h in hits if h >= 0], minlength=k)
    return int(counts.sum()), counts.var(ddof=1) / counts.mean(), k


@pytest.mark.parametrize(("asked", "kinds"), [
    ("are the apneas clustered?", ("obstructive_apnea", "central_apnea", "mixed_apnea")),
    ("do the arousals come in clusters?", ("arousal",)),
    ("are the spindles bunched together?", ("spindle",))])
def test_are_they_clustered_reads_their_spread_over_sleep(demo, asked, kinds) -> None:
    """"are the apneas clustered?" listed the longest apneas."""
    night, _ = demo
    text = last_answer(demo, asked)
    n, ratio, k = _dispersion(night, kinds)
    if chi2.sf((k - 1) * ratio, k - 1) < 0.01:
        verdict = "**Yes, clustered**"
    elif chi2.cdf((k - 1) * ratio, k - 1) < 0.01:
        verdict = "**No: more evenly than chance**"
    else:
        verdict = "**Not clearly**"
    assert text.startswith(verdict), text[:120]
    assert f"the {n} " in text[:80] and f"**{ratio:.1f}** times their mean" in text
    assert "The 10-min stretch" in text   # then where they bunch
    assert last_answer(demo, "are events clustered in REM?") != text


@pytest.mark.parametrize("asked", ["would you call this severe OSA", "is this severe sleep apnea?",
                                   "does this count as mild OSA?"])
def test_naming_a_grade_grades_the_night(demo, asked) -> None:
    """"is this severe sleep apnea?" summarised the epoch on screen; "would you call this severe
    OSA" the night."""
    assert last_answer(demo, asked) == last_answer(demo, "how severe is the apnea?")


def test_why_not_after_can_you_stage_it_says_what_is_missing(sc4001_unscored) -> None:
    """"why not?" after "can you stage this night?" said how to ask for an epoch's evidence."""
    assert (last_answer(sc4001_unscored, "can you stage this night?", "why not?")
            == last_answer(sc4001_unscored, "which sensors are missing?"))


@pytest.mark.parametrize("follow", ["how sure are you that it's central?", "is it really obstructive?",
                                    "could it be a central one?"])
def test_doubting_an_apneas_type_shows_its_belts(demo, follow) -> None:
    """"how sure are you that it's central?" after the longest apnea was not understood. Since
    stop 68 the type it claims is answered yes or no before the belts."""
    text = last_answer(demo, "what's the longest apnea", follow)
    verdict = re.match(r"\*\*(?:Yes|No)\*\*: it was scored an? \w+ apnea[^.]*\. ", text)
    assert verdict is not None, text[:200]
    choice = last_answer(demo, "what's the longest apnea", "was it obstructive or central")
    assert text[verdict.end():] == re.sub(r"^It was scored \*\*an? \w+ apnea\*\*[^.]*\. ", "", choice)


def test_events_in_that_hour_are_the_kind_the_hour_was_picked_for(demo) -> None:
    """"how many events in that hour" after the worst hour for breathing counted every scored
    event (spindles and desaturations too)."""
    night, _ = demo
    hours = last_answer(demo, "when was the worst hour for breathing")
    hour = re.search(r"Highest rate: \*\*(\d\d:\d\d)–(\d\d:\d\d)\*\*", hours)
    rows = {m[1]: int(m[3]) for m in re.finditer(r"^\| (\d\d:\d\d–\d\d:\d\d) \| ([\d.]+) \| (\d+) \|", hours, re.M)}
    text = last_answer(demo, "when was the worst hour for breathing", "how many events in that hour")
    assert f"**{rows[f'{hour[1]}–{hour[2]}']}** respiratory events in {hour[1]}–{hour[2]}" in text, text[:200]


def test_no_cause_looked_for_is_said_so(sc4001_unscored) -> None:
    """"what caused the arousals?" on a night without breathing or leg channels said most were
    "**no scored cause**"."""
    text = last_answer(sc4001_unscored, "what caused the arousals?")
    assert text.startswith("**No cause could be looked for**: none of the "), text[:100]
    assert "Most of the" not in text


@pytest.mark.parametrize(("asked", "same"), [
    ("what was the heart rate at sleep onset", "what was the heart rate in the first minute of sleep"),
    ("what was the SpO2 when she fell asleep", "what was the SpO2 in the first minute of sleep"),
    ("heart rate at the final awakening?", "what was the heart rate in the last minute of sleep")])
def test_a_signal_at_sleep_onset_is_read_there(demo, asked, same) -> None:
    """"what was the heart rate at sleep onset" gave the time of sleep onset."""
    text = last_answer(demo, asked)
    assert text == last_answer(demo, same) and "minute of sleep (" in text.split("\n")[0], text[:100]


def test_the_temperature_at_sleep_onset(sc4001) -> None:
    """"what's the temperature at sleep onset" ("what's", unlike "what was") was read as the
    time of sleep onset."""
    text = last_answer(sc4001, "what's the temperature at sleep onset")
    assert text.startswith("Body temperature, in the first minute of sleep"), text[:100]
    assert text == last_answer(sc4001, "what was the temperature in the first minute of sleep")


@pytest.mark.parametrize("asked", ["how long until the first spindle", "how long till first apnea?"])
def test_how_long_until_the_first_event(demo, asked) -> None:
    """"how long until the first spindle" listed the longest spindles."""
    what = asked.split("first ")[1].rstrip("?")
    assert last_answer(demo, asked) == last_answer(demo, f"how long after sleep onset was the first {what}?")


@pytest.mark.parametrize(("first", "row"), [("what's the REM latency", "REM latency"),
                                            ("what's the sleep efficiency", "Sleep efficiency")])
def test_is_that_short_reads_the_figures_norm(demo, first, row) -> None:
    """"is that short?" after the REM latency was not understood ("is that low?" after the
    efficiency was, and stays)."""
    follow = "is that short?" if "latency" in first else "is that low?"
    assert last_answer(demo, first, follow).startswith(f"**{row}: "), first


@pytest.mark.parametrize("follow", ["is that long?", "how does it compare with the others?", "is that unusual?"])
def test_one_event_against_the_nights_others(demo, follow) -> None:
    """"is that long?" after the longest apnea gave the night's sleep norms; "how does it
    compare with the others?" was not understood."""
    night, _ = demo
    lengths = np.array([e.duration for e in night.scored_events()[0]
                        if e.type in ("obstructive_apnea", "central_apnea", "mixed_apnea")])
    text = last_answer(demo, "what's the longest apnea", follow)
    assert f"lasted **{lengths.max():.0f} s**: the longest of the night's {len(lengths)} apnea events" in text
    assert f"a median **{np.median(lengths):.0f} s**" in text


def test_the_deepest_desaturation_against_the_others_has_its_depth(demo) -> None:
    night, _ = demo
    n = sum(e.type == "desaturation" for e in night.scored_events()[0])
    text = last_answer(demo, "show me the deepest desaturation", "is that unusual?")
    assert f"is the deepest of the {n} (median fall" in text, text


def test_which_stage_does_it_confuse_is_the_models_confusion(sc4001_unscored) -> None:
    """"which stage does it confuse most" after the disagreements described epoch 0."""
    text = last_answer(sc4001_unscored, "where does the model disagree with YASA", "which stage does it confuse most")
    assert text == last_answer(sc4001_unscored, "which stage does the model confuse most?")
    # since stop 68 the stage asked for leads, then the table
    assert text.startswith("The least agreement is on **"), text[:200]
    assert text.split("\n\n", 1)[1].startswith("**Machine-scored (YASA"), text[:300]


def test_the_new_follow_ups_keep_a_session_going(demo) -> None:
    """A technician's conversation through this stop's follow-ups, in one session."""
    night, engine = demo
    session = Session(night)
    for question in ("what's the AHI?", "which hypopnea rule?", "are the apneas clustered?",
                     "what's the longest apnea", "is that long?", "how sure are you that it's central?",
                     "what was the heart rate at sleep onset"):
        assert not session.ask(question, engine).text.startswith("That question is not about"), question


@pytest.mark.parametrize("asked", ["what's the spindle density in N2 on C3 vs C4",
                                   "spindles on C3-M2 versus C4-M1"])
def test_two_leads_named_run_the_detector_on_each(demo, asked) -> None:
    """"spindle density in N2 on C3 vs C4" gave the preferred lead's density alone."""
    assert last_answer(demo, asked) == last_answer(demo, "spindle density in N2 on each channel")


@pytest.mark.parametrize(("asked", "same"), [
    ("what stands out about the heart?", "anything abnormal with the heart?"),
    ("anything notable in the breathing?", "any problems with her breathing?")])
def test_what_stands_out_about_a_system_judges_that_system(demo, asked, same) -> None:
    """"what stands out about the heart?" listed the whole night's findings."""
    assert last_answer(demo, asked) == last_answer(demo, same)


def test_the_heart_rate_at_the_apneas_is_read_around_them(demo) -> None:
    """"how does the heart rate change at the apneas" listed the longest apneas."""
    assert (last_answer(demo, "how does the heart rate change at the apneas")
            == last_answer(demo, "how did the heart rate respond to apneas?"))


@pytest.mark.parametrize("asked", ["are there arousals after most apneas?", "what percentage of apneas end in an arousal",
                                   "do arousals follow the apneas?"])
def test_arousals_after_the_apneas_are_the_tied_share(demo, asked) -> None:
    """These listed the longest apneas."""
    assert last_answer(demo, asked) == last_answer(demo, "what percentage of apneas were followed by an arousal?")


@pytest.mark.parametrize(("shown", "kind"), [("show me a K-complex", "K-complex"), ("show me a spindle", "spindle")])
def test_is_it_a_good_example_reads_the_rule_against_it(demo, shown, kind) -> None:
    """"is it a good example" after a K-complex was not understood."""
    assert last_answer(demo, shown, "is it a good example") == last_answer(demo, shown, f"why is that a {kind}?")


@pytest.mark.parametrize(("asked", "stage"), [("what proportion of N3 was in the first third of the night", "N3"),
                                              ("what share of REM was in the second half?", "REM")])
def test_the_share_of_a_stage_in_a_span_is_of_the_stages_minutes(demo, asked, stage) -> None:
    """"what share of REM was in the second half?" gave REM's share of that half's sleep only."""
    night, _ = demo
    text = last_answer(demo, asked)
    total = night.summary().stage_min[stage]
    part = float(re.search(rf"\*\*([\d.]+) min\*\* of {stage}", text)[1])
    assert text.startswith(f"**{100 * part / total:.0f} %** of the night's {total:.1f} min of {stage} fell in the "), text[:120]


def test_slow_wave_activity_between_two_cycles_is_nrem_delta(demo) -> None:
    """"how much slow wave activity in cycle 1 vs cycle 3" compared the cycles' minutes of sleep."""
    text = last_answer(demo, "how much slow wave activity in cycle 1 vs cycle 3")
    assert text.startswith("Mean per epoch, in N1/N2/N3 in cycle 1 vs in N1/N2/N3 in cycle 3:\n- delta power"), text[:120]
    assert last_answer(demo, "how much delta power in N3?") == last_answer(demo, "delta power in N3")


@pytest.mark.parametrize("follow", ["what was the oxygen during it", "oxygen at its lowest during that"])
def test_during_it_after_a_list_is_the_first_listed(demo, follow) -> None:
    """After "longest hypopnea", "what was the oxygen during it" read every hypopnea of the night
    and "oxygen at its lowest during that" the whole night. Since stop 76 a bare "longest
    hypopnea" names the one, so "it" is that one, not the first of a list."""
    text = last_answer(demo, "longest hypopnea", follow)
    first = last_answer(demo, "longest hypopnea").split("\n- **")[1].split("**")[0]
    assert "SpO2 during it: **" in text.split("\n")[0] and f"hypopnea at **{first}**" in text, text[:200]
    assert "(the first listed)" not in text


@pytest.mark.parametrize(("asked", "same"), [
    ("explain the sleep stages simply", "what are the sleep stages?"),
    ("summarize the night in plain words for students", "summarize the night"),
    ("explain N3 briefly", "explain N3")])
def test_how_to_say_it_changes_nothing_asked(demo, asked, same) -> None:
    """"explain the sleep stages simply" explained the sleep spindle ("in plain words for
    students" after a summary was already read through, and stays)."""
    assert last_answer(demo, asked) == last_answer(demo, same)


def test_a_teachers_opening_question_gets_the_stages(demo) -> None:
    """"I'm teaching a class tomorrow. what should I show first?" found nothing to refer to."""
    assert (last_answer(demo, "I'm teaching a class tomorrow. what should I show first?")
            == last_answer(demo, "what are the sleep stages?"))


def test_an_example_of_each_of_two_kinds(demo) -> None:
    """"show me an obstructive one and a central one" showed one mixed apnea, and "what's the
    difference in effort?" after it was not understood."""
    assert (last_answer(demo, "show me an obstructive one and a central one")
            == last_answer(demo, "show me an obstructive apnea and a central one"))
    effort = last_answer(demo, "show me an obstructive one and a central one", "what's the difference in effort?")
    assert effort.startswith("Breath amplitude during them"), effort[:100]


def test_is_the_model_better_than_yasa_holds_both_against_the_expert(sc4001_read) -> None:
    """"is the model better than YASA?" was not understood."""
    from sklearn.metrics import cohen_kappa_score
    night, _ = sc4001_read
    human, machine, model = night.scored(), night.machine_stages(), night.predicted
    both = (human >= 0) & (machine >= 0) & (model >= 0)
    k_machine, k_model = (cohen_kappa_score(human[both], s[both]) for s in (machine, model))
    text = last_answer(sc4001_read, "is the model better than YASA?")
    better, worse = ("Machine-scored", k_model) if k_machine > k_model else ("Model-predicted", k_machine)
    assert text.startswith(f"**{better}"), text[:80]
    assert f"Cohen's κ **{max(k_machine, k_model):.2f}** against **{worse:.2f}**" in text
    assert last_answer(sc4001_read, "which is closer to the expert, YASA or the model?") == text


def test_is_the_model_better_than_yasa_without_an_expert_says_so(sc4001_unscored) -> None:
    text = last_answer(sc4001_unscored, "is the model better than YASA?")
    assert "no human scoring to hold YASA and the model against" in text, text[:200]


def test_does_agreement_drop_at_the_end_reads_it_by_thirds_and_hours(sc4001_read) -> None:
    """"does agreement drop at the end of the night?" described the last stretch of the night."""
    night, _ = sc4001_read
    human, machine = night.scored(), night.machine_stages()
    idx = np.flatnonzero((human >= 0) & (machine >= 0))
    first, last = (np.mean(human[part] == machine[part]) for part in (np.array_split(idx, 3)[0], np.array_split(idx, 3)[2]))
    text = last_answer(sc4001_read, "does agreement drop at the end of the night?")
    way = "lower" if last < first - 0.05 else "higher" if last > first + 0.05 else "about the same"
    assert text.startswith(f"Agreement of machine-scored (YASA, EEG Fpz-Cz) with the human-scored stages is **{way}**")
    assert f"(**{100 * last:.0f} %** of its {len(np.array_split(idx, 3)[2])} epochs)" in text
    assert "| first third |" in text and re.search(r"^\| 0[0-6]:00–0[1-7]:00 \|", text, re.M)


@pytest.mark.parametrize("turns", [("how many epochs does the expert score as N3?", "and YASA?"),
                                   ("how much N3 did the expert score vs YASA?",)])
def test_a_stages_minutes_by_each_staging(sc4001_read, turns) -> None:
    """"and YASA?" after the expert's N3 repeated the expert's; "how much N3 did the expert
    score vs YASA?" gave the expert's alone."""
    night, _ = sc4001_read
    text = last_answer(sc4001_read, *turns)
    expert = float(np.sum(night.scored() == 3)) / 2
    yasa = float(np.sum(night.machine_stages() == 3)) / 2
    assert text.startswith(f"N3: human-scored **{expert:.1f} min**; machine-scored (YASA, EEG Fpz-Cz) **{yasa:.1f} min**"), text[:150]


def test_which_stage_is_worst_after_an_agreement(sc4001_read) -> None:
    """"which stage is worst?" after YASA against the expert described epoch 0."""
    assert (last_answer(sc4001_read, "how well does YASA agree with the expert on this night?", "which stage is worst?")
            == last_answer(sc4001_read, "which stage do they disagree on most?"))


def test_how_old_alone_reads_the_header(demo) -> None:
    """A bare "how old" was not understood."""
    assert last_answer(demo, "how old") == last_answer(demo, "how old is the patient?")


@pytest.mark.parametrize("asked", ["what's her BMI", "how heavy is he?", "what is the patient's weight"])
def test_what_an_edf_header_never_holds_is_said_so(demo, asked) -> None:
    """"what's her BMI" was not understood."""
    text = last_answer(demo, asked)
    assert text.startswith("**Not in the file**: an EDF header holds the patient's sex and birth date"), text[:100]
    assert last_answer(demo, "how old is the patient?") in text


@pytest.mark.parametrize("asked", ["any leg cramps?", "did she have night cramps?"])
def test_leg_cramps_are_explained_and_said_to_be_unmeasured(demo, asked) -> None:
    """"any leg cramps?" listed the scored leg movements as if they were cramps."""
    text = last_answer(demo, asked)
    assert text.startswith("**Sleep-related leg cramps.**") and "No detector in this app reads it" in text, text[:200]


def test_does_the_snoring_track_the_apneas_is_hour_by_hour(demo) -> None:
    """"does snoring track the apneas" listed the longest apneas."""
    text = last_answer(demo, "does snoring track the apneas")
    assert text.startswith("**snoring loudness** against the **apnea rate**, hour by hour: Spearman"), text[:120]


def test_swa_shorthand_is_nrem_delta(demo) -> None:
    assert (last_answer(demo, "swa in the first cycle vs the third")
            == last_answer(demo, "slow-wave activity in the first cycle vs the third"))


@pytest.mark.parametrize(("age", "hours"), [(8, "9-12"), (4, "10-13"), (15, "8-10")])
def test_a_childs_sleep_time_against_the_aasms_recommended_hours(demo, age, hours) -> None:
    """A child's night said only that the adult ranges do not fit."""
    night, _ = demo
    tst = night.summary().tst_min / 60
    text = last_answer(demo, f"is this normal for a {age} year old?")
    lo, hi = (int(h) for h in hours.split("-"))
    side = "short of" if tst < lo else "above" if tst > hi else "within"
    assert f"Sleep time: **{tst:.1f} h** asleep this night, {side} the **{hours} h** per 24 h the AASM" in text, text


def test_pediatric_criteria_read_the_night_as_a_childs(demo) -> None:
    """"what pediatric criteria apply" was not understood."""
    assert last_answer(demo, "what pediatric criteria apply") == last_answer(demo, "is this normal for a child?")


@pytest.mark.parametrize("turns", [("when was the temperature lowest", "how much did it drop"),
                                   ("how much did the temperature drop overnight",)])
def test_how_much_the_temperature_dropped(sc4001, turns) -> None:
    """"how much did it drop" after the temperature's low repeated the night's statistics."""
    night, _ = sc4001
    text = last_answer(sc4001, *turns)
    m = re.match(r"\*\*Body temperature fell ([\d.]+) °C\*\*: from a mean of ([\d.]+) °C over the first 30 min of "
                 r"sleep \(from (\d\d:\d\d:\d\d)\) to the lowest 30-min mean, \*\*([\d.]+) °C\*\*", text)
    assert m is not None, text[:200]
    assert float(m[1]) == pytest.approx(float(m[2]) - float(m[4]), abs=0.011)
    signal = night.recording.signals[night.epochs.aux_mapping["TEMP"]]
    onset = night.epochs.starts[np.flatnonzero(night.stages()[0] > 0)[0]]
    i = int(onset * signal.sfreq)
    assert float(m[2]) == pytest.approx(float(np.mean(signal.data[i:i + int(1800 * signal.sfreq)])), abs=0.02)


def test_how_much_the_heart_rate_fell_during_sleep(demo) -> None:
    text = last_answer(demo, "how much did the heart rate fall during sleep")
    assert re.match(r"\*\*Heart rate (?:fell|rose) [\d.]+ bpm\*\*: from a mean of", text), text[:120]


@pytest.mark.parametrize("first", [(), ("how many desaturations",)])
def test_what_stage_is_it_after_moving_the_viewer_is_that_epoch(demo, first) -> None:
    """"show me 4:30", then "what stage is it": found nothing to refer to, or, after a list, the
    first listed event's stage; "why" after it was not understood."""
    asked = (*first, "show me 4:30", "what stage is it")
    text = last_answer(demo, *asked)
    same = last_answer(demo, "show me 4:30", "what stage is this?")
    assert text == same and text.startswith("Epoch "), text[:120]
    why = last_answer(demo, *asked, "why")
    assert why.startswith(same.split(":")[0]) and "**" in why and "hypnogram" in why, why[:150]


def test_what_woke_her_then_is_what_came_before_the_awakening(demo) -> None:
    """"what woke her then" after the longest awakening described the awakening itself."""
    turns = ("list all awakenings longer than 2 minutes", "which was the longest")
    assert last_answer(demo, *turns, "what woke her then") == last_answer(demo, *turns, "what woke her")
