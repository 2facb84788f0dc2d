"""Questions of stop 55. Each names what it used to get. Expected figures are read from the
night's own scoring and events (or, for norms, from the table the answer cites), never typed
in."""

from __future__ import annotations

import re

import numpy as np
import pytest

from app.chat import norms
from app.chat.plan import clock, length_text, seconds
from app.chat.quiz import ROUND
from app.chat.understand import quiz_reply
from app.session import Session
from chat_dialogues import events_of, last_answer
from sleeplm_core.io.recording import EPOCH_SEC, STAGES

APNEAS = ("obstructive_apnea", "central_apnea", "mixed_apnea")
SLEEP = [STAGES.index(s) for s in STAGES[1:]]


def _in_sleep(night, events) -> list:
    codes = night.stages()[0]
    return [e for e in events if codes[night.epoch_at(e.onset)] in SLEEP]


def _arousal_index(night) -> tuple[float, int]:
    events, _ = night.scored_events()
    n = len(_in_sleep(night, [e for e in events if e.type == "arousal"]))
    asleep = float(np.isin(night.stages()[0], SLEEP).sum()) * EPOCH_SEC / 3600
    return n / asleep, n


def _awakenings(night) -> list[float]:
    """Lengths (min) of the wake runs between the first and the last sleep epoch."""
    codes = night.stages()[0]
    sleep = np.flatnonzero(np.isin(codes, SLEEP))
    runs, length = [], 0
    for code in codes[sleep[0]:sleep[-1] + 1]:
        if code == STAGES.index("W"):
            length += 1
        elif length:
            runs.append(length * EPOCH_SEC / 60)
            length = 0
    return runs


@pytest.mark.parametrize("questions", [("what is the arousal index?", "is that high?"),
                                       ("how many arousals were there?", "is that a lot?"),
                                       ("what is a normal arousal index?",)])
def test_the_arousal_index_is_read_against_sleepers_of_the_age(demo, questions) -> None:
    """"is that high?" after the arousal index gave the stage norms, with no word on arousals."""
    night = demo[0]
    index, n = _arousal_index(night)
    label, mean = norms.arousal_mean(night.recording.patient.age)
    way = ("close to the" if abs(index - mean) <= 0.1 * mean else "above the" if index > mean
           else "below the")
    text = last_answer(demo, *questions)
    assert text.startswith(f"This night's arousal index is **{index:.1f}/h** of sleep ({n} arousals "
                           f"in "), text
    assert f"**{way} mean of {mean:g}/h** of healthy sleepers aged {label}" in text, text
    assert "Boselli" in text and "N2:" not in text, text


def test_an_arousal_index_the_question_states_is_read_not_the_nights(demo) -> None:
    """"is an arousal index of 30 normal for a 70-year-old?" read the night's own 15/h."""
    label, mean = norms.arousal_mean(70)
    text = last_answer(demo, "is an arousal index of 30 normal for a 70-year-old?")
    assert text.startswith(f"An arousal index of **30/h** is **{'above' if 30 > 1.1 * mean else 'close to'} "
                           f"the mean of {mean:g}/h** of healthy sleepers aged {label} (70 years"), text
    assert f"This night's arousal index is **{_arousal_index(demo[0])[0]:.1f}/h**" in text, text


@pytest.mark.parametrize("question, value, band", [("is an AHI of 12 bad?", "12", "mild (5 to under 15/h)"),
                                                   ("my AHI is 31, is that severe?", "31", "severe (30/h or more)"),
                                                   ("what does an AHI of 4 mean?", "4", "below 5/h")])
def test_an_ahi_the_question_states_is_graded_before_the_nights(demo, question, value, band) -> None:
    """"is an AHI of 12 bad?" graded the night's 19.9/h alone."""
    text = last_answer(demo, question)
    assert text.startswith(f"An AHI of **{value}/h** is {band}"), text
    assert f"This night's own: AHI (apneas + hypopneas per hour of sleep): **{demo[0].summary().ahi:.1f}/h**" in text


def test_a_rate_per_hour_of_sleep_counts_the_events_that_start_asleep(sc4001_unscored) -> None:
    """On SC4001 unscored, "what is the arousal index?" divided all 47 machine arousals, 4 of them
    in wake, by the time asleep (9.13/h) while "is that high?" read 43 (8.3/h)."""
    night = sc4001_unscored[0]
    events, _ = night.scored_events()
    arousals = [e for e in events if e.type == "arousal"]
    index, n = _arousal_index(night)
    awake = len(arousals) - n
    assert awake > 0   # the point of the test: some machine arousals start in wake
    text = last_answer(sc4001_unscored, "what is the arousal index?")
    assert text.startswith(f"**{index:.2f} per hour** of sleep: {n} arousal events starting in sleep "
                           f"in "), text
    assert f"(the {awake} that start in wake are not counted)" in text.split("\n")[0], text


def test_how_long_the_longest_was_leads_with_its_length(demo) -> None:
    """"how long was her longest apnea?" listed the five longest, with no length first."""
    night = demo[0]
    apneas = sorted(events_of(night, *APNEAS), key=lambda e: -e.duration)
    top = apneas[0]
    tied = sum(abs(e.duration - top.duration) < 0.5 for e in apneas[1:])
    text = last_answer(demo, "how long was her longest apnea?")
    if tied:
        assert text.startswith(f"**{tied + 1}** of the {len(apneas)} apnea events share the longest length, "
                               f"**{seconds(top.duration)}** (to the half second); one of them: "), text
    else:
        assert text.startswith(f"The longest apnea event lasted **{seconds(top.duration)}**: "
                               f"**{clock(night, top.onset)}–"), text


def test_a_length_many_events_share_names_none_the_longest(demo) -> None:
    """"where is the clearest spindle?" on a night whose spindles last at most 2 s named one
    as the longest, with "322 others lasted as long"."""
    night = demo[0]
    spindles = events_of(night, "spindle")
    top = max(e.duration for e in spindles)
    tied = sum(abs(e.duration - top) < 0.5 for e in spindles)
    assert tied > 1   # the point of the test: many spindles share the longest length
    text = last_answer(demo, "what was the longest spindle?")
    assert text.startswith(f"**{tied}** of the {len(spindles)} sleep spindle events share the longest length, "
                           f"**{seconds(top)}**"), text


def test_were_any_of_them_deep_leads_with_the_deepest_drop(demo) -> None:
    """"were any of them deep?" after the desaturations was off topic."""
    text = last_answer(demo, "were there any desaturations?", "were any of them deep?")
    lead = re.match(r"The deepest oxygen desaturation event fell \*\*([\d.]+) %\*\* below its baseline: "
                    r"\*\*(\d\d:\d\d:\d\d)–", text)
    assert lead is not None, text
    listed = re.search(r"the 1 deepest \(blue on the plots\):\n- \*\*(\d\d:\d\d:\d\d)–.*drop ([\d.]+) %", text)
    assert listed is not None and listed.groups() == lead.groups()[::-1], text


@pytest.mark.parametrize("question, rank, word", [("where was the first one?", 0, "earliest"),
                                                  ("when did the first one happen?", 0, "earliest"),
                                                  ("when was the last one?", -1, "latest")])
def test_when_was_the_first_one_means_in_time(demo, question, rank, word) -> None:
    """After the central apneas (shown longest first), "where was the first one?" was off
    topic and "when was the last one?" gave the sleep onset."""
    night = demo[0]
    central = sorted(events_of(night, "central_apnea"), key=lambda e: e.onset)
    text = last_answer(demo, "how many central apneas were there?", question)
    assert text.startswith(f"The {word} of {len(central)} (central apnea, {length_text(central[rank].duration)}) "
                           f"at **{clock(night, central[rank].onset)}–"), text


def test_when_was_the_second_one_means_the_second_listed(demo) -> None:
    """"what time was the second one?" gave the night's second in time (stop 55), where "show
    me the second one" gives the second listed; a middle place names the list's (stop 59)."""
    assert last_answer(demo, "how many central apneas were there?", "what time was the second one?") == \
        last_answer(demo, "how many central apneas were there?", "show me the second one")


def test_awakenings_followed_up_by_length(demo) -> None:
    """After the awakenings, "were any of those long?" and "how many lasted more than 5
    minutes?" were off topic; "when was the last one?" then named the one left."""
    night = demo[0]
    runs = _awakenings(night)
    assert len(runs) == night.summary().awakenings
    session = Session(night)
    session.ask("how many times did she wake up?", demo[1])
    text = session.ask("were any of those long?", demo[1]).text
    assert text.startswith(f"The longest of {len(runs)} (W, {max(runs):.1f} min) at "), text
    long = [r for r in runs if r >= 5]
    text = session.ask("how many lasted more than 5 minutes?", demo[1]).text
    assert f"**{len(long)}** awakening{'s' * (len(long) != 1)} lasting 5 min or more" in text, text
    if len(long) == 1:
        assert session.ask("when was the last one?", demo[1]).text.startswith(f"The only one (W, {long[0]:.1f} min)")


def test_which_is_higher_names_the_higher_side_of_the_last_comparison(demo) -> None:
    """"which is higher?" after heart rate in N3 against REM was off topic."""
    session = Session(demo[0])
    first = session.ask("heart rate in deep sleep compared to REM", demo[1]).text
    n3, rem = (float(x) for x in re.search(r"in N3: \*\*([\d.]+)\*\*.* in REM: \*\*([\d.]+)\*\*",
                                            first).groups())
    text = session.ask("which is higher?", demo[1]).text
    higher, lower = ("REM", "N3") if rem > n3 else ("N3", "REM")
    assert text.startswith(f"**Higher in {higher}** than in {lower}: heart rate"), text


def test_which_is_higher_with_nothing_compared_says_what_to_ask(demo) -> None:
    text = last_answer(demo, "which is higher?")
    assert text.startswith("There are no two sides just before to weigh"), text


@pytest.mark.parametrize("questions, kind", [
    (("how many central apneas were there?", "what happened before and after the apnea?"), "central apnea"),
    (("show me the longest hypopnea", "what happened around it?"), "hypopnea")])
def test_before_and_after_reads_both_sides_of_the_one_shown(demo, questions, kind) -> None:
    """"what happened before and after the apnea?" listed the apneas; "what happened around
    it?" was off topic."""
    night = demo[0]
    first = max(events_of(night, kind.replace(" ", "_")), key=lambda e: e.duration)
    text = last_answer(demo, *questions)
    at = f"at **{clock(night, first.onset)}–"
    before, after = text.split("\n\nIn the 60 s after ")
    assert before.startswith(f"In the 60 s before the {kind}") and at in before, text
    assert after.startswith(f"the {kind} {at}"), text


def test_how_does_that_compare_to_the_ahi_gives_both(demo) -> None:
    """"how does that compare to the AHI?" after the ODI said both sides were the whole night."""
    s = demo[0].summary()
    text = last_answer(demo, "what's the ODI?", "how does that compare to the AHI?")
    assert text.startswith(f"ODI (desaturations ≥3 % per hour of sleep): **{s.odi:.1f}/h**"), text
    assert f"AHI (apneas + hypopneas per hour of sleep): **{s.ahi:.1f}/h**" in text, text


def test_is_that_enough_after_deep_sleep_reads_its_norm(demo) -> None:
    """"is that enough?" after the amount of N3 was off topic."""
    pct = demo[0].summary().stage_pct["N3"]
    text = last_answer(demo, "how much deep sleep did she get?", "is that enough?")
    assert text.startswith(f"**N3 (slow-wave sleep): {pct:.1f} % of sleep**"), text


@pytest.mark.parametrize("reply, stage", [("N2", "N2"), ("I think it's REM", "REM"), ("stage 3", "N3"),
                                          ("S4", "N3"), ("wake", "W"), ("W", "W"), ("deep sleep", "N3"),
                                          ("REM sleep, I think", "REM"), ("light sleep", None),
                                          ("what is N2?", None), ("how much N2?", None)])
def test_a_quiz_reply_is_one_stage(reply, stage) -> None:
    assert quiz_reply(reply) == stage


def test_a_quiz_asks_an_epoch_and_marks_the_reply(demo) -> None:
    """"quiz me" showed the help."""
    night, engine = demo
    codes = night.stages()[0]
    session = Session(night)
    asked = session.ask("quiz me", engine)
    epoch = int(re.match(r"\*\*Quiz 1\.\*\* What stage is epoch (\d+) ", asked.text).group(1))
    assert asked.jump == epoch and STAGES[codes[epoch]] == ROUND[0], asked.text
    assert "stage hidden" in session.viewer_title() and "scored" not in session.viewer_title()
    marked = session.ask(STAGES[codes[epoch]], engine).text
    assert marked.startswith(f"**Correct.** Epoch {epoch} ("), marked
    assert "scored " in session.viewer_title()
    second = session.ask("give me another quiz question", engine).text
    other = int(re.match(r"\*\*Quiz 2\.\*\* What stage is epoch (\d+) ", second).group(1))
    assert STAGES[codes[other]] == ROUND[1], second
    wrong = next(s for s in STAGES if s != STAGES[codes[other]])
    marked = session.ask(wrong, engine).text
    assert marked.startswith(f"**Not quite**: you said {wrong}. Epoch {other} (") and (
        f"is **{STAGES[codes[other]]}** in the human-scored hypnogram") in marked, marked


def test_a_quiz_closes_on_any_other_question(demo) -> None:
    session = Session(demo[0])
    session.ask("quiz me", demo[1])
    session.ask("what is the AHI?", demo[1])
    text = session.ask("N2", demo[1]).text
    assert not text.startswith(("**Correct", "**Not quite")), text


@pytest.mark.parametrize("question", ["what's the non-supine AHI?", "what was the AHI off her back?"])
def test_the_ahi_off_the_back_is_the_non_supine_rate(demo, question) -> None:
    """"what's the non-supine AHI?" gave the supine AHI; "what was the AHI off her back?" the
    whole night's."""
    night = demo[0]
    text = last_answer(demo, question)
    m = re.match(r"\*\*AHI non-supine: ([\d.]+)/h\*\*, (\d+) of the \d+ events \(\d+ %\) in ([\d.]+) min"
                 r" asleep there", text)
    assert m is not None, text
    supine = re.search(r"Supine ([\d.]+)/h against ([\d.]+)/h off the back", text)
    assert supine is not None and supine.group(2) == m.group(1), text
    assert float(m.group(1)) != pytest.approx(night.summary().ahi, abs=0.05)


@pytest.mark.parametrize("question, pick", [("which sleep cycle was the longest?", max),
                                            ("what was the shortest sleep cycle?", min)])
def test_the_longest_cycle_is_named_first(demo, question, pick) -> None:
    """"which sleep cycle was the longest?" gave the count and every cycle, none named."""
    text = last_answer(demo, question)
    cycles = re.findall(r"- (cycle \d+): \*\*(\d\d:\d\d:\d\d)–(\d\d:\d\d:\d\d)\*\* \((\d+) min; REM from", text)
    assert len(cycles) >= 2, text
    name, start, end, minutes = pick(cycles, key=lambda c: int(c[3]))
    word = "longest" if pick is max else "shortest"
    assert text.startswith(f"The {word} complete cycle is **{name}**, **{start}–{end}** (**{minutes} min**)"), text


def test_epochs_like_the_current_one_search_from_the_epoch_on_screen(demo) -> None:
    """"find epochs similar to the current one" searched the words "similar current"."""
    session = Session(demo[0])
    session.ask("zoom to epoch 300", demo[1])
    text = session.ask("find epochs similar to the current one", demo[1]).text
    assert "“similar current”" not in text and "epoch 300" in text.split("\n")[0], text


@pytest.mark.parametrize("question", ["find epochs with alpha intrusion in N3",
                                      "which N3 epochs have the highest alpha power?"])
def test_epochs_of_most_alpha_in_a_stage_are_listed(demo, question) -> None:
    """Both gave N3's mean alpha against the whole night's, no epoch; the second, once its
    stage was read, the night's top epochs of any stage."""
    text = last_answer(demo, question)
    listed = re.findall(r"\*\*\d\d:\d\d:\d\d–\d\d:\d\d:\d\d\*\* \((?:epoch \d+, )?([\d.]+) %, stage (\w+)\)", text)
    assert len(listed) == 5 and {stage for _, stage in listed} == {"N3"}, text
    values = [float(v) for v, _ in listed]
    assert values == sorted(values, reverse=True), text


def test_and_the_centrals_after_a_share_is_their_share(demo) -> None:
    """"and the centrals?" after the obstructive apneas' share said "0 of the 14 central apnea
    events are obstructive apneas"."""
    night = demo[0]
    n_all, n_central = len(events_of(night, *APNEAS)), len(events_of(night, "central_apnea"))
    text = last_answer(demo, "how many obstructive apneas?", "what percentage of all apneas is that?",
                       "and the centrals?")
    assert text.startswith(f"**{n_central}** of the {n_all} apnea events (**{100 * n_central / n_all:.0f} %**) "
                           f"are central apneas"), text


def test_compare_them_compares_the_last_two_scopes(demo) -> None:
    """"compare them" after the heart in REM, then in N3, asked what to compare."""
    text = last_answer(demo, "describe the heart during REM", "and in N3?", "compare them")
    assert text.startswith("Mean per epoch, in REM vs in N3:\n- heart rate"), text


def test_a_stage_after_a_one_scope_comparison_is_that_scope(demo) -> None:
    """"heart rate in REM" (read as REM against the rest of sleep), then "and in N2?" raised a
    TypeError: the follow-up took the last comparison's two groups, which it had none of."""
    text = last_answer(demo, "heart rate in REM", "and in N2?", "how do they compare?")
    assert text.startswith("Mean per epoch, in REM vs in N2:\n- heart rate"), text
    assert last_answer(demo, "heart rate in REM", "and in N2?").startswith("Heart rate, in N2 (")


def test_how_long_did_it_take_after_sleep_onset_is_the_latency(demo) -> None:
    """"how long did it take?" after "when did she fall asleep?" was off topic."""
    sol = demo[0].summary().sol_min
    text = last_answer(demo, "when did she fall asleep?", "how long did it take?")
    assert f"the sleep onset latency is **{sol:.1f} min**" in text, text


def test_a_new_kind_after_another_starts_at_its_most_typical(demo) -> None:
    """"now show me a K-complex" after "show me another" (spindle) showed the second most
    typical K-complex: the skip of the spindles carried over."""
    text = last_answer(demo, "show me a sleep spindle", "show me another", "now show me a K-complex")
    assert text.startswith("The human-scored events have **") and "k-complex events" in text, text
    assert "the 1 most typical (nearest the median length) (blue" in text, text


def test_the_difference_between_two_kinds_shown_in_turn(demo) -> None:
    """"what's the difference between them?" after a spindle, then a K-complex, was off topic."""
    text = last_answer(demo, "show me a sleep spindle", "show me another", "now show me a K-complex",
                       "what's the difference between them?")
    assert text.startswith("**Sleep spindle.**") and "**K-complex.**" in text, text


def test_how_to_tell_two_stages_shown_apart(demo) -> None:
    """"how do I tell them apart?" after wake's clearest epoch, then N1's, was off topic."""
    text = last_answer(demo, "show me what wake looks like", "and N1?", "how do I tell them apart?")
    assert text == last_answer(demo, "how do I tell W from N1?"), text


@pytest.mark.parametrize("question, stage", [("summarize the breathing in REM", "REM"),
                                             ("how was the breathing in N3?", "N3")])
def test_the_breathing_in_a_stage_leads_with_its_events_and_oxygen(demo, question, stage) -> None:
    """"summarize the breathing in REM" gave the whole night's summary; "how was the breathing
    in N3?" only the belts' rates, no event and no SpO2."""
    night = demo[0]
    codes = night.stages()[0]
    inside = [e for e in events_of(night, *APNEAS, "hypopnea")
              if codes[night.epoch_at(e.onset)] == STAGES.index(stage)]
    minutes = float((codes == STAGES.index(stage)).sum()) * EPOCH_SEC / 60
    text = last_answer(demo, question)
    assert text.startswith(f"In {stage}:\n\nAHI **{len(inside) / (minutes / 60):.1f}/h** in {stage} "
                           f"({len(inside)} apneas and hypopneas in {minutes:.0f} min asleep); ODI **"), text
    assert "SpO2 mean **" in text.split("\n\n")[1], text


def test_the_breathing_in_a_stage_of_a_night_that_cannot_score_it_says_so(sc4001_unscored) -> None:
    text = last_answer(sc4001_unscored, "how was the breathing in REM?")
    assert text.startswith("In REM:\n\nNo AHI in REM: the breathing could not be scored."), text


def test_how_long_was_the_last_one_is_the_last_in_time(demo) -> None:
    """"how long was the last one?" after the REM periods was off topic (and, once read, its
    "long" ranked the longest)."""
    text = last_answer(demo, "how many REM periods?", "how long was the last one?")
    periods = re.findall(r"- \*\*(\d\d:\d\d:\d\d)–(\d\d:\d\d:\d\d)\*\* \(([\d.]+) min\)",
                         last_answer(demo, "list the REM periods"))
    start, end, minutes = periods[-1]
    assert text.startswith(f"The last of {len(periods)} (REM, {float(minutes):.1f} min) at **{start}–{end}**"), text


@pytest.mark.parametrize("question", ["are the slow waves smaller later in the night?",
                                      "are spindles faster later in the night?"])
def test_later_in_the_night_compares_the_halves(demo, question) -> None:
    """Both listed the events, no comparison."""
    text = last_answer(demo, question)
    assert re.match(r"\*\*(?:Yes|No|Not clearly)\*\*: .* in the second half", text), text
    assert text == last_answer(demo, question.replace("later in the night", "in the second half")), text


def test_the_patients_sex_and_the_models_staging_by_other_words(sc4001_unscored) -> None:
    """"what's her sex?" and "how does the staging of the model compare to YASA?" were off
    topic."""
    assert "**female, 33 years old**" in last_answer(sc4001_unscored, "what's her sex?")
    text = last_answer(sc4001_unscored, "how does the staging of the model compare to YASA?")
    assert text == last_answer(sc4001_unscored, "how does the model's staging compare to YASA?"), text
    assert "κ" in text, text


def _share(night, types, of_types=None, stages=None) -> tuple[int, int]:
    """(part, whole): events of ``types`` among ``of_types``, or those of ``types`` in ``stages``."""
    codes = night.stages()[0]
    if stages is None:
        return len(events_of(night, *types)), len(events_of(night, *of_types))
    whole = events_of(night, *types)
    part = [e for e in whole if STAGES[codes[night.epoch_at(e.onset)]] in stages]
    return len(part), len(whole)


@pytest.mark.parametrize("question", ["is it mostly central?", "are most of the apneas central?",
                                      "what percentage were central?"])
def test_a_bare_apnea_type_share_is_of_the_apneas(demo, question) -> None:
    """"is it mostly central?" and "what percentage were central?" were off topic; "are most
    of the apneas central?" listed the apneas."""
    part, whole = _share(demo[0], ("central_apnea",), APNEAS)
    text = last_answer(demo, question)
    verdict = ("**Yes**: " if part > whole / 2 else "**No**: ") if "most" in question else ""
    assert text.startswith(f"{verdict}**{part}** of the {whole} apnea events (**{100 * part / whole:.0f} %**) "
                           f"are central apneas"), text


@pytest.mark.parametrize("question, types, stages, where", [
    ("were the central apneas mostly in NREM?", ("central_apnea",), ("N1", "N2", "N3"), "N1/N2/N3"),
    ("were the hypopneas mostly in REM?", ("hypopnea",), ("REM",), "REM")])
def test_were_the_events_mostly_in_a_stage_is_their_share_there(demo, question, types, stages, where) -> None:
    """"were the central apneas mostly in NREM?" gave the centrals' share of NREM's apneas."""
    part, whole = _share(demo[0], types, stages=stages)
    text = last_answer(demo, question)
    verdict = "**Yes**: " if part > whole / 2 else "**No**: "
    assert text.startswith(f"{verdict}**{part}** of the night's {whole} "), text
    assert f"(**{100 * part / whole:.0f} %**) are in {where}" in text, text


def test_how_variable_was_it_after_a_signal_split_by_stage(demo) -> None:
    """"how variable was it?" after the heart rate in each stage was not understood."""
    text = last_answer(demo, "what's the heart rate in each stage?", "how variable was it?")
    assert text == last_answer(demo, "how variable was the heart rate?"), text
    assert text.startswith("Heart rate, over the whole night") and "coefficient of variation" in text, text


@pytest.mark.parametrize("question, same", [("did she sleep on her stomach?", "how long was the patient prone?"),
                                            ("was she ever prone?", "how long was the patient prone?"),
                                            ("did she sleep on her back?", "how long was the patient supine?")])
def test_did_she_sleep_in_a_position_is_her_time_in_it(demo, question, same) -> None:
    """"did she sleep on her stomach?" gave the sleep onset; "was she ever prone?" was off
    topic."""
    text = last_answer(demo, question)
    assert text == last_answer(demo, same) and text.startswith("By body position"), text


def test_which_position_was_worst_is_the_ahi_by_position(demo) -> None:
    """"which position was worst?" gave the minutes in each position, no index."""
    text = last_answer(demo, "which position was worst?")
    assert text == last_answer(demo, "which position had the highest AHI?"), text
    assert text.startswith("AHI by body position:") and "Highest rate: **" in text, text


def test_how_accurate_is_the_model_is_measured_on_this_night(sc4001_unscored) -> None:
    """"how accurate is the model?" and "what was the model trained on?" were off topic."""
    text = last_answer(sc4001_unscored, "how accurate is the model?")
    assert text == last_answer(sc4001_unscored, "how does the model's staging compare to the human scoring?")
    assert "Cohen's κ **" in text, text
    about = last_answer(sc4001_unscored, "what was the model trained on?")
    assert about.startswith("**SleepLM, the model in this app.**") and "synthetic nights" in about, about


def test_a_library_hit_of_another_recording_is_never_read_from_this_night(demo) -> None:
    """"what stage is it?" after a library hit of another recording was picked read this
    night's stage and body position at the same clock time."""
    session = Session(demo[0])
    session.ask("find epochs with spindles in N2 in the library", demo[1])
    picked = session.ask("show me the second one", demo[1]).text
    m = re.search(r"epoch (\d+) of \*\*(\S+)\*\* \(stage (\w+)\)", picked)
    assert m is not None and m.group(2) != demo[0].name, picked
    text = session.ask("what stage is it?", demo[1]).text
    assert text.startswith(f"Epoch {m.group(1)} of **{m.group(2)}** (stage {m.group(3)}), another recording"), text
    assert "Body position" not in text, text


def test_events_in_other_nights_are_searched_in_the_library_without_this_one(demo) -> None:
    """"find apneas in other nights" listed this night's apneas."""
    text = last_answer(demo, "find apneas in other nights")
    assert text.startswith("Library epochs closest to “apnea” in other recordings"), text
    recordings = re.findall(r"^- [+-][\d.]+ · (\S+) epoch", text, re.M)
    assert recordings and demo[0].name not in recordings, text


def test_which_night_has_the_most_is_the_librarys(demo) -> None:
    """"which night has the most spindles?" listed this night's spindles."""
    text = last_answer(demo, "which night has the most spindles?")
    assert text == last_answer(demo, "which night in the library has the most spindles?"), text
    assert "Most epochs with sleep spindles: **" in text, text


@pytest.mark.parametrize("typed, meant", [("whats the worst part of the night", "what's the worst part of the night"),
                                          ("r there any apneas in deep sleep", "are there any apneas in deep sleep"),
                                          ("whats going on with her breathing", "how was the breathing overall?")])
def test_chat_shorthand_reads_as_spelt_out(demo, typed, meant) -> None:
    """"whats the worst part of the night" showed the hypnogram; "whats going on with her
    breathing" searched the model for the words "whats breathing"."""
    assert last_answer(demo, typed) == last_answer(demo, meant)


@pytest.mark.parametrize("question, meant", [
    ("any problems with her oxygen?", "is the breathing normal?"),
    ("anything abnormal with the heart?", "is the heart rate normal?"),
    ("did she sleep well?", "is this night normal?"),
    ("tell me something interesting about this night", "what stands out?"),
    ("what's the REM %", "what's the REM percentage?"),
    ("what was the longest time she stayed asleep?", "how long was her longest sleep bout?")])
def test_plain_questions_reach_their_answer(demo, question, meant) -> None:
    """Each got a wrong answer: a request for a threshold, the whole findings, the night's
    summary, REM explained, the longest wake period."""
    assert last_answer(demo, question) == last_answer(demo, meant)


def test_one_event_left_out_of_a_rate_is_singular(demo) -> None:
    """"the 1 that start in wake are not counted"."""
    text = last_answer(demo, "ODI 4%?")
    codes = demo[0].stages()[0]
    awake = sum(codes[demo[0].epoch_at(e.onset)] == 0 for e in events_of(demo[0], "desaturation"))
    if awake == 1:
        assert "(the 1 that starts in wake is not counted)" in text, text
    else:
        assert f"(the {awake} that start in wake are not counted)" in text or awake == 0, text


@pytest.mark.parametrize("question, meant", [("what did the machine find?", "which events were machine scored?"),
                                             ("did the staging struggle anywhere?",
                                              "which part of the night is least certain?")])
def test_an_unscored_nights_machine_scoring_in_other_words(sc4001_unscored, question, meant) -> None:
    """Both were off topic on SC4001 loaded unscored."""
    text = last_answer(sc4001_unscored, question)
    assert text == last_answer(sc4001_unscored, meant) and "no human scoring" in text, text


def test_where_are_they_densest_after_a_list(sc4001_unscored) -> None:
    """"where are they densest?" after YASA's spindles was off topic."""
    text = last_answer(sc4001_unscored, "how many spindles did YASA find?", "where are they densest?")
    assert text == last_answer(sc4001_unscored, "where are the sleep spindles densest?"), text
    assert "Highest rate: **" in text, text


def test_and_a_desaturation_after_events_tied_to_an_arousal(demo) -> None:
    """"and a desaturation?" after "how many hypopneas had an arousal?" gave the SpO2 around
    every desaturation."""
    text = last_answer(demo, "how many hypopneas had an arousal?", "and a desaturation?")
    alone = last_answer(demo, "how many hypopneas had a desaturation?")
    assert text.split("; the 5 longest")[0] == alone.split("; the 5 longest")[0], text
    assert "hypopnea events with an oxygen desaturation" in text, text


def test_a_long_awakening_is_a_wake_period_not_an_arousal(demo) -> None:
    """"was there a long awakening in the second half?" listed the arousals."""
    text = last_answer(demo, "was there a long awakening in the second half?")
    assert text.startswith("From the human-scored hypnogram: the longest uninterrupted W period"), text
    assert "in the second half" in text.split("\n")[0], text


def test_show_me_where_after_a_list_shows_its_first(demo) -> None:
    """"show me where" after the time under 88 % showed the hypnogram."""
    text = last_answer(demo, "how much time was spent below 88%?", "show me where")
    assert text.startswith("The first listed of ") and "(SpO2 < 88 %)" in text.split("\n")[0], text
