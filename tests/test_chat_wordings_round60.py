"""Questions of stop 60, asked as a technician, an educator and a researcher would ask them of
nights not in the repo. Each names what it used to get. Expected answers are the ones the same
question gets asked in full, or the night's own scoring and signals, never typed in."""

from __future__ import annotations

import re

import pytest
from scipy.stats import spearmanr

from app.chat.understand import understand
from sleeplm_core.io.recording import EPOCH_SEC, STAGES
from chat_dialogues import last_answer, stage_epochs

_ROW_RE = re.compile(r"^\| ([^|]+?) \| ([\d.]+) \| ([\d.]+) \| ([\d.]+) \|$", re.M)


def _count(night, kind: str) -> int:
    return sum(1 for e in night.recording.events if e.type == kind)


@pytest.mark.parametrize("follow", ["what about legs", "what about the legs?", "and the legs?"])
def test_what_about_the_legs_after_the_ahi_counts_the_leg_movements(demo, follow) -> None:
    """After "what's the AHI?", "what about legs" got the AHI again."""
    night, _ = demo
    text = last_answer(demo, "what's the AHI?", follow)
    n = _count(night, "limb_movement")
    assert n > 0 and f"**{n}** leg movement events" in text
    assert not text.startswith("AHI")


@pytest.mark.parametrize("asked", ["are the leg movements linked to the breathing events?",
                                   "are the leg movements associated with breathing events?"])
def test_leg_movements_linked_to_breathing_events_are_the_tied_ones(demo, asked) -> None:
    """"are the leg movements linked to the breathing events?" measured breath amplitude
    during the leg movements. (Since stop 64 a yes-or-no "are they linked?" leads with the
    tied share of all the leg movements.)"""
    text = last_answer(demo, asked)
    assert text.endswith(last_answer(demo, "leg movements with a respiratory event")), text[:200]
    assert re.match(r"\*\*\d+\*\* of the \d+ leg movement events \(\*\*\d+ %\*\*\) are those with a respiratory event", text)


def test_arousals_linked_to_breathing_count_the_respiratory_ones(demo) -> None:
    """"are the arousals linked to the breathing events?" measured breathing during arousals."""
    text = last_answer(demo, "are the arousals linked to the breathing events?")
    same = last_answer(demo, "how many arousals were respiratory?")
    lead = re.match(r"\*\*(\d+)\*\* of the (\d+) arousals \(\*\*\d+ %\*\*\) were \*\*respiratory\*\*", text)
    assert lead is not None, text[:200]
    assert same.startswith(lead.group(0))


@pytest.mark.parametrize("asked", ["what stage had the most events", "which stage had the most events?"])
def test_which_stage_had_the_most_events_splits_the_events_by_stage(demo, asked) -> None:
    """"what stage had the most events" got the stage with the most sleep."""
    assert last_answer(demo, asked) == last_answer(demo, "in which stage were most events?")


def _split_rows(text: str) -> dict[str, tuple[float, float, float]]:
    return {m[1]: (float(m[2]), float(m[3]), float(m[4])) for m in _ROW_RE.finditer(text)}


@pytest.mark.parametrize("asked", ["T90 by stage", "time below 90% by stage"])
def test_t90_split_by_stage_adds_up_to_the_t90(demo, asked) -> None:
    """"T90 by stage" got the SpO2 mean per stage; there was no split of the time below a line."""
    night, _ = demo
    text = last_answer(demo, asked)
    rows = _split_rows(text)
    assert set(rows) == {"REM", "NREM", "N1", "N2", "N3"}
    for stage in ("REM", "N1", "N2", "N3"):
        # each stage's measured sleep is its scored minutes (SpO2 is read all night here)
        assert rows[stage][0] == pytest.approx(len(stage_epochs(night, stage)) * EPOCH_SEC / 60, abs=0.6)
    assert rows["NREM"][1] == pytest.approx(sum(rows[s][1] for s in ("N1", "N2", "N3")), abs=0.2)
    in_sleep = float(re.search(r"\((\d+\.\d) of \d+ min asleep", last_answer(demo, "how long below 90%")).group(1))
    assert rows["REM"][1] + rows["NREM"][1] == pytest.approx(in_sleep, abs=0.2)
    most = max(("REM", "N1", "N2", "N3"), key=lambda s: rows[s][1])
    assert f"the most in **{most}**" in text


@pytest.mark.parametrize("follow", ["when did that happen mostly", "when was most of it?",
                                    "by hour?"])
def test_when_was_most_of_the_time_below_90_follows_the_last_threshold(demo, follow) -> None:
    """After "how long below 90%", "when did that happen mostly" described the first stretch
    listed."""
    text = last_answer(demo, "how long below 90%", follow)
    assert text == last_answer(demo, "which hour had the most time below 90%?")
    rows = _split_rows(text)
    assert len(rows) >= 6 and all(re.match(r"\d\d:\d\d–\d\d:\d\d", g) for g in rows)
    top = max(rows, key=lambda g: rows[g][1])
    assert f"the most in **{top}**" in text


@pytest.mark.parametrize("follow", ["when did they mostly happen?", "when were most of them?"])
def test_when_did_they_mostly_happen_splits_the_last_events_by_hour(demo, follow) -> None:
    """"when did they mostly happen?" after the apneas was read as off topic."""
    assert last_answer(demo, "show me the apneas", follow) == last_answer(demo, "apneas by hour")


@pytest.mark.parametrize("asked", ["when in the night were the leg movements?",
                                   "when in the night did the apneas happen?"])
def test_when_in_the_night_splits_the_events_by_hour(asked) -> None:
    """"when in the night were the leg movements?" listed the longest ones."""
    q = understand(asked)
    assert q.by == "hour" and q.phenomenon in ("limb_movement", "apnea")


@pytest.mark.parametrize("asked", ["does snoring track the AHI over the night?",
                                   "does the snoring correlate with the AHI?"])
def test_snoring_against_the_ahi_hour_by_hour(demo, asked) -> None:
    """"does snoring track the AHI over the night?" got the AHI alone."""
    night, _ = demo
    text = last_answer(demo, asked)
    rows = [tuple(float(x) for x in m.groups()[1:]) for m in re.finditer(
        r"^\| (\d\d:\d\d–\d\d:\d\d) \| ([\d.]+) \| (\d+) \| ([\d.]+) \| ([\d.]+) \|$", text, re.M)]
    ahi_events = int(re.search(r"from (\d+) apneas and hypopneas", last_answer(demo, "what's the AHI?")).group(1))
    assert sum(r[1] for r in rows) == ahi_events
    kept = [r for r in rows if r[0] >= 15]
    rho = spearmanr([r[3] for r in kept], [r[2] for r in kept])[0]
    # the table's one-decimal means can tie where the unrounded ones do not
    stated = float(re.search(r"\*\*ρ = ([+-]\d\.\d\d)\*\*", text).group(1))
    assert stated == pytest.approx(rho, abs=0.05) and f"{len(kept)} hours with at least 15 min" in text
    # "does it track the AHI?" after the snoring reads the snoring
    assert last_answer(demo, "did the patient snore?", "does it track the AHI?") == last_answer(
        demo, "does the snoring loudness track the AHI?")


@pytest.mark.parametrize("follow", ["when was the most severe one?", "which one was the most severe?",
                                    "the most extreme one"])
def test_the_most_severe_one_is_picked_from_the_list(demo, follow) -> None:
    """"when was the most severe one?" after the desaturations got the night's summary."""
    assert last_answer(demo, "show me the desaturations", follow) == last_answer(
        demo, "show me the desaturations", "which was the worst one?")


def test_how_long_is_it_after_the_channels_is_the_recording(demo) -> None:
    """"how long is it" after the channel list said there was nothing to pick from."""
    night, _ = demo
    text = last_answer(demo, "which channels are there?", "how long is it")
    hours = night.recording.duration / 3600
    assert text.startswith(f"The recording runs **{hours:.1f} h**")


def test_is_that_a_lot_after_the_spindle_density_says_what_it_can_be_read_against(demo) -> None:
    """"is that a lot?" after the spindle density repeated the density."""
    text = last_answer(demo, "how many spindles per minute of N2?", "is that a lot?")
    assert "There is no single normal spindle density" in text
    assert text.split("\n\n")[0] == last_answer(demo, "how many spindles per minute of N2?").split("\n\n")[0]


@pytest.mark.parametrize("follow", ["which one was denser?", "which half had the higher density?"])
def test_which_was_denser_after_two_halves_compares_their_spindle_density(demo, follow) -> None:
    """"which one was denser?" after comparing the halves was read as off topic."""
    text = last_answer(demo, "compare the first half and the second half", follow)
    assert text == last_answer(demo, "compare spindle density in the first half and the second half")
    assert "per minute of sleep" in text


@pytest.mark.parametrize("asked", ["what stage transitions happened most often?",
                                   "what is the most common stage transition?"])
def test_the_most_common_transition_is_the_transition_matrix(demo, asked) -> None:
    """"what stage transitions happened most often?" got the commonest stage and the shift count."""
    text = last_answer(demo, asked)
    assert text == last_answer(demo, "the stage transition matrix")
    assert "Most common:" in text


@pytest.mark.parametrize("asked", ["how long was each cycle?", "how long were the cycles?"])
def test_how_long_was_each_cycle_lists_the_cycles(demo, asked) -> None:
    """"how long was each cycle?" was read as off topic."""
    assert last_answer(demo, asked) == last_answer(demo, "how many sleep cycles?")


@pytest.mark.parametrize("asked", ["posterior dominant rhythm frequency", "what is the PDR?"])
def test_the_posterior_dominant_rhythm_is_wakes_alpha_peak(demo, asked) -> None:
    """"posterior dominant rhythm frequency" gave every stage's strongest peak, on a frontal lead."""
    assert last_answer(demo, asked) == last_answer(demo, "what's the alpha peak frequency in wake?")


def test_what_is_the_alpha_like_in_wake_measures_it(demo) -> None:
    """"what's the alpha like during wake?" defined the alpha rhythm."""
    night, _ = demo
    text = last_answer(demo, "what's the alpha like during wake?")
    assert "**alpha power" in text and "| in W |" in text
    n = int(re.search(r"^\| in W \| [\d.]+ \| [\d.]+ \| (\d+) \|$", text, re.M).group(1))
    assert n == len(stage_epochs(night, "W"))


def test_is_that_high_after_the_hypoxic_burden_says_no_cut_off_is_set(demo) -> None:
    """"is that high?" after the hypoxic burden gave the night's stages against age norms."""
    text = last_answer(demo, "what's the hypoxic burden?", "is that high?")
    lead, body = text.split("\n\n", 1)
    assert lead.startswith("**No clinical cut-off is set for the hypoxic burden**")
    assert body == last_answer(demo, "what's the hypoxic burden?")


def test_is_it_lower_in_rem_after_a_measure_compared_reads_that_measure(demo) -> None:
    """"is it lower in REM?" after "RMSSD in REM vs NREM" classified epoch 0 as REM or not."""
    first = last_answer(demo, "RMSSD in REM vs NREM")
    rem, nrem = (float(x) for x in re.search(r"in REM: \*\*([\d.]+)\*\*.*?in N1/N2/N3: \*\*([\d.]+)\*\*", first).groups())
    text = last_answer(demo, "RMSSD in REM vs NREM", "is it lower in REM?")
    assert text.startswith("**Yes**" if rem < nrem else "**No**"), text[:120]
    assert "heart rate variability" in text.split("\n\n")[0]


def test_and_after_apneas_keeps_the_signal_read_around_the_events(demo) -> None:
    """"and after apneas?" after the heart rate around arousals listed the apneas."""
    assert last_answer(demo, "how does heart rate change after arousals?", "and after apneas?") == \
        last_answer(demo, "how does heart rate change after apneas?")


@pytest.mark.parametrize("asked", ["what's the lag between apnea end and nadir?",
                                   "what is the delay from apnea end to the lowest SpO2?"])
def test_the_lag_to_the_nadir_is_the_recovery_reading(demo, asked) -> None:
    """"what's the lag between apnea end and nadir?" listed the apneas."""
    text = last_answer(demo, asked)
    assert text == last_answer(demo, "how long after the apneas did the oxygen bottom out?")
    assert re.match(r"SpO2 reached its nadir a median \*\*\d+ s\*\* after each apnea ended", text)


@pytest.mark.parametrize("asked", ["what is a normal AHI?", "is the AHI normal?"])
def test_a_normal_ahi_is_the_index_with_its_band(demo, asked) -> None:
    """"what is a normal AHI?" after the sleep efficiency read the efficiency against the norms."""
    text = last_answer(demo, "what is sleep efficiency?", asked)
    assert text == last_answer(demo, "what's the AHI?")
    assert "under 5/h normal" in text


def test_what_would_a_central_one_look_like_after_an_obstructive_one(demo) -> None:
    """"what would a central one look like?" was read as off topic, and "how are they
    different?" after it too."""
    first = "show me what an obstructive apnea looks like"
    assert last_answer(demo, first, "what would a central one look like?") == last_answer(
        demo, first, "show me a central apnea")
    text = last_answer(demo, first, "what would a central one look like?", "how are they different?")
    assert text.startswith("**Obstructive apnea.**") and "**Central apnea.**" in text


def test_show_me_one_with_an_arousal_after_a_definition_ties_it(demo) -> None:
    """"show me one with an arousal" after "what's a hypopnea?" showed any hypopnea."""
    assert last_answer(demo, "what's a hypopnea?", "show me one with an arousal") == last_answer(
        demo, "show me a hypopnea with an arousal")


@pytest.mark.parametrize("follow, cycle", [("and the last?", "the last cycle"),
                                           ("and in the second?", "the second cycle")])
def test_a_bare_ordinal_after_a_cycle_asks_again_in_that_cycle(demo, follow, cycle) -> None:
    """"and the last?" after "how much N3 in the first cycle?" picked the last N3 period listed."""
    text = last_answer(demo, "how much N3 in the first cycle?", follow)
    assert text == last_answer(demo, f"how much N3 in {cycle}?")
    # with no cycle asked about, it still picks from the list
    assert last_answer(demo, "show me the apneas", "and the last?") == last_answer(
        demo, "show me the apneas", "the last one")


def test_the_first_nrem_period_is_the_first_cycles_nrem(demo) -> None:
    """"slow wave activity in the first NREM period" read NREM over the whole night."""
    night, _ = demo
    text = last_answer(demo, "slow wave activity in the first NREM period")
    assert text == last_answer(demo, "delta power in NREM in the first cycle").replace(
        "the first cycle", "the first NREM period")
    n = int(re.search(r"^\| in N1/N2/N3 in the first NREM period \| [\d.]+ \| [\d.]+ \| (\d+) \|$", text, re.M).group(1))
    assert 0 < n < sum(len(stage_epochs(night, s)) for s in ("N1", "N2", "N3"))
    assert last_answer(demo, "how much N3 in the first NREM period?") == last_answer(
        demo, "how much N3 in the first cycle?").replace("the first cycle", "the first NREM period")


@pytest.mark.parametrize("asked, parts", [
    ("rem% and n3%", ("rem%", "n3%")),
    ("plm index & arousal index", ("plm index", "arousal index")),
    ("any brady or tachy?", ("any brady", "any tachy?")),
    ("sleep onset? and latency to N2?", ("sleep onset?", "latency to N2?"))])
def test_terse_pairs_of_figures_answer_both(demo, asked, parts) -> None:
    """"rem% and n3%" gave REM alone, "plm index & arousal index" the arousal index alone, "any
    brady or tachy?" tachycardia alone."""
    text = last_answer(demo, asked)
    assert text == "\n\n".join(last_answer(demo, part) for part in parts)


@pytest.mark.parametrize("asked", ["is it N2 or N3?", "was HR higher in REM or N3?",
                                   "any desaturations or apneas?", "obstructive or central?"])
def test_an_or_between_anything_but_two_runs_is_one_question(asked) -> None:
    from app.chat.compound import compound
    assert compound(asked) is None


def test_how_many_are_there_after_a_library_search_counts_the_library(demo) -> None:
    """"how many are there?" after a library search repeated the matches; "how many did you
    find?" was read as off topic."""
    night, engine = demo
    meta = engine.library.metadata
    from app.chat.library import stated_event_types
    apneas = {"obstructive_apnea", "central_apnea", "mixed_apnea"}
    n = sum(1 for c in meta["caption"] if stated_event_types(c) & apneas)
    for follow in ("how many are there?", "how many did you find?"):
        text = last_answer(demo, "find epochs with apneas in the library", follow)
        assert text.startswith(f"**{n}** of the library's {len(meta)} epochs state apneas."), text[:160]


def test_only_from_other_nights_narrows_the_last_search(demo) -> None:
    """"only from other nights" after a library search searched the library for those words."""
    first = "find epochs with apneas in the library"
    assert last_answer(demo, first, "only from other nights") == last_answer(
        demo, f"{first} in other nights")


@pytest.mark.parametrize("follow", ["why is it bad?", "how much of the night is affected?"])
def test_quality_follow_ups_are_the_signal_check(demo, follow) -> None:
    """"why is it bad?" after the signal check was refused as a medical judgement; "how much of
    the night is affected?" was not understood."""
    assert last_answer(demo, "which channels are bad?", follow) == last_answer(demo, "which channels are bad?")


def test_can_you_still_stage_it_is_about_the_scoring(demo) -> None:
    """"can you still stage it?" classified epoch 0."""
    assert last_answer(demo, "can you still stage it?") == last_answer(demo, "can you stage it?")


def test_is_that_high_after_an_arousal_index_in_a_stage_reads_the_arousal_norms(demo) -> None:
    """After "how many arousals?", "are they mostly in N2?", "is that high?" gave the stage norms."""
    text = last_answer(demo, "how many arousals?", "are they mostly in N2?", "is that high?")
    assert text.startswith("This night's arousal index is **")
    assert text == last_answer(demo, "what's the arousal index?", "is that high?")


def test_the_longest_wake_after_sleep_onset_is_one_awakening(demo) -> None:
    """"when was the longest wake after sleep onset?" gave the WASO; "how many minutes?" then
    the night's summary."""
    text = last_answer(demo, "when was the longest wake after sleep onset?")
    assert text == last_answer(demo, "when was the longest awakening?")
    span = re.search(r"runs \*\*(\d\d:\d\d:\d\d)–(\d\d:\d\d:\d\d)\*\* \(\*\*([\d.]+) min\*\*\)", text)
    follow = last_answer(demo, "when was the longest wake after sleep onset?", "how many minutes?")
    assert f"**{span.group(1)}–{span.group(2)}** lasted **{float(span.group(3)):.1f} min**" in follow


@pytest.mark.parametrize("follow", ["is it respiratory?", "was it spontaneous?", "is that one from a leg movement?"])
def test_is_it_respiratory_names_the_cause_of_the_arousal_in_focus(demo, follow) -> None:
    """"is it respiratory?" with an arousal in focus measured the breathing rate; "was it
    spontaneous?" was read as off topic."""
    night, _ = demo
    text = last_answer(demo, "show me the longest arousal", follow)
    cause = re.search(r"its cause by the association rule: \*\*(respiratory|limb movement|spontaneous)\*\*", text)
    assert cause is not None, text[:200]
    asked = "respiratory" if "respiratory" in follow else "spontaneous" if "spontaneous" in follow else "limb movement"
    assert text.startswith(f"**{'Yes' if cause.group(1) == asked else 'No'}**: its cause")
    # the cause is the one the night's arousal causes count it under
    causes = last_answer(demo, f"how many arousals were {cause.group(1).split()[0]}?")
    assert re.match(r"\*\*[1-9]\d*\*\* of the \d+ arousals", causes)


def test_the_most_interesting_thing_here_is_the_findings(demo) -> None:
    """"what's the most interesting thing here?" described the epoch on screen."""
    assert last_answer(demo, "what's the most interesting thing here?") == last_answer(demo, "what stands out?")


@pytest.mark.parametrize("asked, plain", [("why do central apneas happen?", "what is a central apnea?"),
                                          ("what causes hypopneas?", "what is a hypopnea?")])
def test_why_do_they_happen_explains_the_phenomenon(demo, asked, plain) -> None:
    """"why do central apneas happen?" listed the night's central apneas."""
    assert last_answer(demo, asked) == last_answer(demo, plain)


def test_where_the_oxygen_dropped_the_most_then_how_long_to_recover(demo) -> None:
    """"show me where the oxygen dropped the most" listed the longest desaturations, and "how
    long did it take to recover?" was read as off topic."""
    first = "show me where the oxygen dropped the most"
    assert last_answer(demo, first) == last_answer(demo, "show me the deepest desaturations")
    text = last_answer(demo, first, "how long did it take to recover?")
    assert text == last_answer(demo, first, "how long did it take the oxygen to recover after it?")
    assert "back within 1 point of the baseline" in text


def test_what_does_the_effort_look_like_reads_the_event_in_focus(demo) -> None:
    """"what does the effort look like?" after a central apnea was read as off topic."""
    first = "show me a central apnea"
    text = last_answer(demo, first, "what does the effort look like?")
    assert text == last_answer(demo, first, "what does the effort look like during it?")
    assert text.startswith("Breathing during it (median breath amplitude")


@pytest.mark.parametrize("first, follow, way", [
    ("compare heart rate after apneas and after arousals", "which had the bigger surge?", "rose"),
    ("how does the oxygen change after central vs obstructive apneas?", "which dropped more?", "fell")])
def test_which_had_the_bigger_surge_after_two_kinds(demo, first, follow, way) -> None:
    """"which had the bigger surge?" after a signal around two kinds of event was read as off
    topic."""
    base = last_answer(demo, first)
    text = last_answer(demo, first, follow)
    lead, rest = text.split("\n\n", 1)
    assert rest == base
    shifts = {m[1]: float(m[2]) for m in re.finditer(
        r"around the \d+ (.+?) events.*?After the events, \S+(?: \S+)? runs ([+-][\d.]+)", base, re.S)}
    assert len(shifts) == 2, shifts
    top = (max if way == "rose" else min)(shifts, key=shifts.get)
    if (shifts[top] > 0) == (way == "rose"):
        assert lead.startswith(f"**After {top} events**") and f" {way} " in lead, lead
    else:
        assert lead.startswith("**Neither**"), lead


@pytest.mark.parametrize("first, follow, plain", [
    ("spindle density in N2", "how many per minute overall?", "how many spindles per minute of sleep?"),
    ("what's the arousal index in REM?", "the overall rate", "what's the arousal index?")])
def test_an_overall_rate_after_a_rate_in_a_stage_reads_all_of_sleep(demo, first, follow, plain) -> None:
    """"how many per minute overall?" after the N2 spindle density gave the night's summary."""
    text = last_answer(demo, first, follow)
    lead = text.split("\n\n")[0]
    assert lead == last_answer(demo, plain).split("\n\n")[0]
    assert " in N2:" not in lead and " in REM:" not in lead


def test_what_is_this_recording_is_the_recording(demo) -> None:
    """"what is this recording?" gave the night's summary."""
    assert last_answer(demo, "what is this recording?") == last_answer(demo, "what's in this recording?")


def test_an_overall_rate_after_a_measure_has_nothing_to_count(demo) -> None:
    """"how many per minute overall?" after a band power in a scope crashed on the empty scope."""
    text = last_answer(demo, "slow wave activity in the first NREM period", "how many per minute overall?")
    assert text == last_answer(demo, "what's in this recording?", "show me the second one")


def test_a_childs_norms_question_still_gives_the_nights_figures(demo) -> None:
    """"is the N3 normal for a 9 year old?" gave why the adult ranges do not fit and the
    breathing, without the night's N3."""
    text = last_answer(demo, "is the N3 normal for a 9 year old?")
    adult = last_answer(demo, "is the N3 normal?")
    n3 = re.search(r"N3 \(slow-wave sleep\): \*\*([\d.]+) %\*\*", adult).group(1)
    assert text.startswith(f"This night: **N3 (slow-wave sleep) {n3} %**, total sleep time")
    assert "they do not fit a 9-year-old" in text


def test_events_in_it_becomes_the_list_the_longest_one_picks_from(demo) -> None:
    """After "which hour had the most apneas?" and "events in it", "the longest one" picked the
    hour again."""
    text = last_answer(demo, "which hour had the most apneas?", "events in it", "longest one")
    assert re.match(r"The longest of \d+ \(", text), text[:120]


@pytest.mark.parametrize("terse, plain", [
    ("count", "how many were there?"), ("deepest", "the deepest one"),
    ("% of all desats", "what percentage of all desats is that?"),
    ("mean depth", "what is the mean depth of the desaturations in REM?")])
def test_terse_follow_ups_after_a_list(demo, terse, plain) -> None:
    """"count", "deepest", "% of all desats" and "mean depth" after "desats in REM" were read as
    off topic, as deep sleep, or as the whole list again."""
    assert last_answer(demo, "desats in REM", terse) == last_answer(demo, "desats in REM", plain)


@pytest.mark.parametrize("terse, plain", [
    ("when", "when was it?"), ("position", "what position was she in?"), ("stage", "what stage was it in?"),
    ("nadir?", "how low did the sat go?"), ("arousal after?", "was there an arousal after it?")])
def test_terse_follow_ups_about_the_event_in_focus(demo, terse, plain) -> None:
    first = ("desats in REM", "deepest")
    assert last_answer(demo, *first, terse) == last_answer(demo, *first, plain)


@pytest.mark.parametrize("asked, title", [
    ("why is the AHI higher in REM?", "Why breathing events depend on the sleep stage"),
    ("why is N3 mostly early in the night?", "Why deep sleep comes early in the night"),
    ("why does REM get longer toward morning?", "Why REM comes late in the night"),
    ("why are there more spindles in N2?", "Why spindles mark N2 sleep"),
    ("why does snoring stop during an apnea?", "Why snoring stops during an apnea")])
def test_why_questions_are_explained_on_the_night(demo, asked, title) -> None:
    """These "why" questions got a yes or no on the night's rates, an epoch's stage, or the
    apneas' definition, never the why."""
    assert last_answer(demo, asked).startswith(f"**{title}.**")


def test_why_spindles_in_n2_gives_the_nights_density_per_stage(demo) -> None:
    text = last_answer(demo, "why are there more spindles in N2?")
    n2 = re.search(r"\bN2 \*\*([\d.]+)\*\*", text).group(1)
    density = re.match(r"\*\*([\d.]+) per minute\*\* of sleep in N2", last_answer(demo, "spindle density in N2"))
    # per minute of N2 by where each spindle starts, as the density counts them
    assert float(n2) == pytest.approx(float(density.group(1)), abs=0.01)


def test_why_snoring_stops_reads_the_snoring_around_the_apneas(demo) -> None:
    text = last_answer(demo, "why does snoring stop during an apnea?")
    m = re.search(r"\*\*([\d.]+) dB\*\* during the (\d+) apneas against \*\*([\d.]+) dB\*\* in the 30 s before", text)
    assert m is not None, text[-300:]
    count = re.search(r"\*\*(\d+)\*\* apnea events", last_answer(demo, "how many apneas?"))
    assert 0 < int(m.group(2)) <= int(count.group(1))



def test_and_the_model_after_a_stager_against_the_expert(sc4001_read) -> None:
    """"and the model?" after YASA against the expert gave YASA again."""
    text = last_answer(sc4001_read, "how does YASA compare with the expert?", "and the model?")
    assert text == last_answer(sc4001_read, "how does the model compare with the expert?")
    assert text.startswith("**Human-scored stages against model-predicted (SleepLM zero-shot)**")
    hardest = last_answer(sc4001_read, "which stage is hardest for the model?")
    # since stop 68 the stage asked for leads, then the table
    assert hardest.startswith("The least agreement is on **"), hardest[:200]
    assert hardest.split("\n\n", 1)[1].startswith("**Human-scored stages against model-predicted (SleepLM zero-shot)**")


def test_an_n1_epoch_the_model_got_wrong_counts_the_scored_n1_epochs(sc4001_read) -> None:
    """"show me an N1 epoch the model got wrong" showed the machine's surest N1 epoch."""
    night, _ = sc4001_read
    stages, _ = night.stages()
    n1 = int(((stages == STAGES.index("N1")) & (night.predicted >= 0)).sum())
    wrong = int(((stages == STAGES.index("N1")) & (night.predicted >= 0)
                 & (night.predicted != STAGES.index("N1"))).sum())
    text = last_answer(sc4001_read, "show me an N1 epoch the model got wrong")
    assert f"differs from the human-scored one on **{wrong}** of {n1} epochs scored N1" in text


def test_what_did_yasa_say_is_the_epochs_stagings(sc4001_read) -> None:
    """"what did YASA say?" about the epoch on screen was read as off topic."""
    first = "show me an epoch YASA got wrong"
    assert last_answer(sc4001_read, first, "what did YASA say?") == last_answer(sc4001_read, first, "what did the expert say?")


@pytest.mark.parametrize("asked, plain", [
    ("what's the difference between AHI and RDI?", "what are the AHI and the RDI?"),
    ("how is the RDI different from the AHI?", "what are the RDI and the AHI?")])
def test_the_difference_between_two_indices_gives_both_defined(demo, asked, plain) -> None:
    """"what's the difference between AHI and RDI?" gave the AHI alone."""
    text = last_answer(demo, asked)
    assert text == last_answer(demo, plain)
    assert "AHI (apneas + hypopneas per hour of sleep)" in text
    assert "RDI (apneas + hypopneas + RERAs per hour of sleep)" in text


@pytest.mark.parametrize("follow, plain", [("what about the ECG?", "is there an ECG?"),
                                           ("and the leg EMG?", "is there a leg EMG?")])
def test_what_about_a_channel_after_the_signal_check(demo, follow, plain) -> None:
    """"what about the ECG?" after the signal check gave the check again."""
    text = last_answer(demo, "which channels are bad?", follow)
    assert text == last_answer(demo, plain)
    assert re.match(r"\*\*(?:Yes|No)\*\*", text)
