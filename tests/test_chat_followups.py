"""Follow-ups on the bundled night that point back without naming what they mean: "show me
one" after an explanation finds that phenomenon, "how many of them were in REM?" counts the
last list in a narrower scope."""

from __future__ import annotations

import re

import numpy as np
import pytest

from app.chat.execute import series
from app.chat.norms import ahi_band
from app.chat.periods import stage_periods
from app.chat.plan import ChatError, clock
from app.chat.understand import around_the_one
from app.session import Session
from sleeplm_core.io.recording import STAGES, Event


def test_show_me_one_after_an_explanation_finds_that_phenomenon(demo) -> None:
    night, engine = demo
    session = Session(night)
    session.ask("what is a K-complex?", engine)
    answer = session.ask("show me one", engine)
    k_complexes = [e for e in night.scored_events()[0] if e.type == "k_complex"]
    assert f"**{len(k_complexes)}** k-complex events" in answer.text, answer.text
    listed = re.findall(r"^- \*\*(\d\d:\d\d:\d\d)", answer.text, re.M)
    assert listed and listed[0] in {clock(night, e.onset) for e in k_complexes}


def test_show_me_one_with_nothing_said_before_asks_for_a_question(demo) -> None:
    night, engine = demo
    assert "nothing earlier in this conversation" in Session(night).ask("show me one", engine).text


def test_how_many_of_them_counts_the_last_list_in_rem(demo) -> None:
    night, engine = demo
    session = Session(night)
    session.ask("where are the central apneas?", engine)
    text = session.ask("how many of them were in REM?", engine).text
    stages = night.stages()[0]
    rem = [e for e in night.scored_events()[0] if e.type == "central_apnea"
           and stages[night.epoch_at(e.onset)] == STAGES.index("REM")]
    noun = "central apnea event" + ("s" if len(rem) != 1 else "")
    assert f"**{len(rem)}** {noun} in REM" in text, text


def test_what_does_that_mean_explains_the_last_event_or_statistic(demo) -> None:
    night, engine = demo
    session = Session(night)
    session.ask("where are the arousals?", engine)
    assert session.ask("what does that mean?", engine).text.startswith("**Arousal.**")
    session.ask("what was the sleep efficiency?", engine)
    assert "total sleep time as a share of time in bed" in session.ask("explain that", engine).text
    session.ask("how many sleep cycles?", engine)
    assert "named no event or statistic" in session.ask("what does that mean?", engine).text


def test_the_ahi_is_given_with_its_band(demo) -> None:
    night, engine = demo
    text = Session(night).ask("what's a normal AHI?", engine).text
    assert ahi_band(night.summary().ahi) in text.split("\n")[0], text


def test_a_negative_epoch_is_refused_with_the_nights_range(demo) -> None:
    night, engine = demo
    with pytest.raises(ChatError, match=r"“epoch -3” is outside this recording.*epochs 0-959"):
        Session(night).ask("what happened at epoch -3", engine)


def test_thanks_and_a_bare_compare_get_a_line_of_their_own(demo) -> None:
    night, engine = demo
    session = Session(night)
    session.ask("where are the apneas?", engine)
    assert session.ask("thanks!", engine).text.startswith("You're welcome")
    assert session.ask("compare", engine).text.startswith("Compare what, and where?")
    # neither replaced the dialogue's last question
    assert "apnea events in REM" in session.ask("and in REM?", engine).text


def test_two_statistics_in_one_question_are_both_answered(demo) -> None:
    night, engine = demo
    text = Session(night).ask("what's the total sleep time and WASO?", engine).text
    s = night.summary()
    first, second = text.split("\n\n")[:2]
    assert first.startswith(f"Total sleep time: **{s.tst_min:.0f} min**")
    assert second.startswith(f"Wake after sleep onset (WASO): **{s.waso_min:.0f} min**")


def test_library_epochs_like_the_longest_apnea_search_from_its_epoch(demo) -> None:
    night, engine = demo
    text = Session(night).ask("find similar epochs to the longest apnea", engine).text
    longest = max((e for e in night.scored_events()[0] if e.type in ("obstructive_apnea",
                   "central_apnea", "mixed_apnea")), key=lambda e: e.duration)
    epoch = night.epoch_at(longest.onset)
    assert text.startswith(f"Library epochs closest to the longest apnea at "
                           f"{clock(night, longest.onset)} (epoch {epoch})"), text
    words = Session(night).ask("library examples of apnea", engine).text
    assert words.startswith("Library epochs closest to “apnea”")


def test_the_deepest_one_after_a_list_is_ranked_by_what_each_measures(demo) -> None:
    night, engine = demo
    session = Session(night)
    session.ask("where are the desaturations?", engine)
    picked = session.ask("the deepest one", engine).text
    asked = Session(night).ask("what was the deepest desaturation?", engine).text
    first = re.compile(r"^- \*\*(\d\d:\d\d:\d\d)", re.M)
    assert "the 1 deepest" in picked and first.search(picked)[1] == first.search(asked)[1]
    runs = session.ask("any SpO2 below 90%?", engine).text     # listed lowest first
    start = first.search(runs)[1]
    listed = session.ask("the deepest one", engine).text   # the run with the lowest SpO2
    window = re.search(r"Epoch \d+ \((\d\d:\d\d:\d\d)–(\d\d:\d\d:\d\d)\)", listed)
    assert listed.startswith("The most extreme of") and window[1] <= start < window[2], listed


def test_a_measure_then_and_what_came_before_refer_to_the_item_shown(demo) -> None:
    night, engine = demo
    session = Session(night)
    session.ask("where are the apneas?", engine)
    session.ask("zoom into the second one", engine)
    apneas = sorted((e for e in night.scored_events()[0] if e.type.endswith("apnea")),
                    key=lambda e: -e.duration)
    second = apneas[1]                      # the list shows the longest first
    then = session.ask("what was the heart rate then?", engine).text
    assert then.startswith("Mean heart rate during it: **") and (
        f"The {second.type.replace('_', ' ')} at **{clock(night, second.onset)}" in then), then
    session.ask("what was the lowest oxygen?", engine)
    before = session.ask("what happened before it?", engine).text
    spo2 = night.recording.signals[night.epochs.aux_mapping["SPO2"]]
    lowest = clock(night, int(np.argmin(spo2.data)) / spo2.sfreq)
    assert before.startswith("In the 60 s before the lowest SpO2") and f"at **{lowest}" in before
    assert session.ask("and then?", engine).text.startswith("In the 60 s after the lowest SpO2")


def test_the_difference_between_two_events_explains_and_shows_both(demo) -> None:
    night, engine = demo
    answer = Session(night).ask("what's the difference between a spindle and a K-complex?", engine)
    spindle, k_complex = answer.text.split("\n\n**K-complex.**")
    assert spindle.startswith("**Sleep spindle.**") and "Example in this night" in spindle
    assert "Example in this night" in k_complex and len(answer.highlights) == 2


def test_which_was_the_deepest_and_how_long_it_lasted(demo) -> None:
    night, engine = demo
    session = Session(night)
    session.ask("how many desaturations were there?", engine)
    text = session.ask("which was the deepest?", engine).text
    assert "the 1 deepest" in text and "N3 period" not in text, text
    assert "lasted **" in session.ask("how long did it last?", engine).text
    session.ask("where are the apneas?", engine)
    longest = max((e for e in night.scored_events()[0]
                   if e.type in ("obstructive_apnea", "central_apnea", "mixed_apnea")),
                  key=lambda e: e.duration)
    assert session.ask("when was the longest one?", engine).text.startswith("The longest of ")
    assert session.current == night.epoch_at(longest.onset)


def test_the_norms_again_for_another_age(demo) -> None:
    night, engine = demo
    session = Session(night)
    session.ask("is that normal?", engine)
    assert "healthy 70-year-olds" in session.ask("how about for a 70 year old?", engine).text


def test_any_pauses_after_the_heart_reads_beat_pauses_else_breathing(demo) -> None:
    night, engine = demo
    session = Session(night)
    session.ask("summarize the heart", engine)
    heart = session.ask("any pauses?", engine).text
    assert "between beats" in heart and "apnea events" not in heart, heart
    assert "apnea events" in Session(night).ask("any pauses?", engine).text


def test_compare_with_normal_after_a_statistic_checks_the_norms(demo) -> None:
    """"how does that compare with normal?" compared the whole night with itself."""
    night, engine = demo
    session = Session(night)
    session.ask("what is the WASO?", engine)
    text = session.ask("how does that compare with normal?", engine).text
    assert "published norms" in text and "wake after sleep onset" in text, text
    assert " vs the whole night" not in text, text


def test_a_comparison_of_a_part_with_itself_says_so(demo) -> None:
    night, engine = demo
    session = Session(night)
    session.ask("what was the heart rate?", engine)
    text = session.ask("compare it with the whole night", engine).text
    assert text.startswith("Both sides of that comparison are the whole night"), text
    assert "in REM" in session.ask("compare it with REM", engine).text


def test_what_was_happening_after_a_move_is_about_the_epoch_on_screen(demo) -> None:
    night, engine = demo
    session = Session(night)
    session.ask("zoom to 02:00", engine)
    breathing = session.ask("what was happening in the breathing?", engine).text
    assert breathing.startswith("In this epoch") and "02:00:00 to 02:00:30" in breathing, breathing
    heart = session.ask("what is going on with the heart?", engine).text
    assert "**heart** — 1 epoch (02:00:00 to 02:00:30)" in heart, heart
    # asked anew, the same words measure the whole night
    anew = Session(night).ask("what was happening in the breathing?", engine).text
    assert "over the whole night" in anew, anew


def test_the_window_after_an_event_states_its_lowest_saturation(demo) -> None:
    """"how low did the oxygen go after it?" gave only the window's mean SpO2."""
    night, engine = demo
    session = Session(night)
    session.ask("list the five longest apneas", engine)
    session.ask("show the second one", engine)
    text = session.ask("how low did the oxygen go after it?", engine).text
    m = re.search(r"\((\d\d:\d\d:\d\d)–(\d\d:\d\d:\d\d)\)", text)
    s = series(night, "spo2")
    t = np.array([clock(night, x) for x in s.times])
    inside = (t >= m.group(1)) & (t < m.group(2)) & np.isfinite(s.values)
    assert f"SpO2 mean {s.values[inside].mean():.1f} % (lowest {s.values[inside].min():.1f}," in text, text


def test_what_happened_in_it_after_showing_a_cycle_is_that_cycle(demo) -> None:
    """"show me the second cycle" then "what happened in it?" described the first cycle,
    listing every change of stage in its 8370 s."""
    night, engine = demo
    session = Session(night)
    session.ask("how many sleep cycles were there?", engine)
    shown = session.ask("show me the second cycle", engine).text
    span = re.search(r"\*\*(\d\d:\d\d:\d\d–\d\d:\d\d:\d\d)\*\*", shown).group(1)
    text = session.ask("what happened in it?", engine).text
    assert text.startswith(f"The second cycle at **{span}** lasted **"), text
    assert " min**; human-scored stages N2 " in text and " 30 s," not in text, text
    before = session.ask("what happened just before it?", engine).text
    assert f"before the second cycle at **{span}**" in before, before


def test_which_of_them_and_the_longest_of_those_refer_to_the_list(demo) -> None:
    """"which of them were in REM?" classified an epoch; "show me the longest of those"
    searched the model for the word "those"."""
    night, engine = demo
    session = Session(night)
    session.ask("how many hypopneas were there?", engine)
    in_rem = session.ask("which of them were in REM?", engine).text
    n = sum(e.type == "hypopnea" and night.stages()[0][night.epoch_at(e.onset)] == 4
            for e in night.scored_events()[0])
    assert f"**{n}** hypopnea events in REM" in in_rem, in_rem
    longest = session.ask("show me the longest of those", engine)
    assert "“those”" not in longest.text and longest.text.startswith("The longest of "), longest.text


def test_a_signal_during_them_is_read_around_the_listed_events(demo) -> None:
    night, engine = demo
    session = Session(night)
    session.ask("how many hypopneas in REM?", engine)
    text = session.ask("what was the heart rate during them?", engine).text
    assert text.startswith("Heart rate around the") and "hypopnea events in REM" in text, text
    assert "nothing earlier" in Session(night).ask("what was the heart rate during them?",
                                                   engine).text


def test_how_long_was_it_after_a_described_period_is_that_period(demo) -> None:
    night, engine = demo
    session = Session(night)
    session.ask("tell me about the second REM period", engine)
    text = session.ask("how long was it?", engine).text
    assert text.startswith("The second REM period at **") and "lasted **" in text, text
    apneas = session.ask("any apneas in it?", engine).text
    assert "apnea events in the second REM period" in apneas, apneas


def test_before_the_longest_event_in_one_question(demo) -> None:
    night, engine = demo
    longest = max((e for e in night.recording.events if e.type == "desaturation"),
                  key=lambda e: e.duration)
    one = Session(night).ask("what happened just before the longest desaturation?", engine)
    two = Session(night)
    two.ask("show me the longest desaturation", engine)
    two.ask("zoom into the first one", engine)
    steps = two.ask("what happened just before it?", engine)
    assert one.text == steps.text
    assert one.text.startswith("In the 60 s before the desaturation at ")
    assert clock(night, longest.onset) in one.text


def test_after_an_unranked_or_unknown_thing_is_not_split() -> None:
    assert around_the_one("what happened after the longest desaturation?") is not None
    assert around_the_one("what happened after the apneas?") is None
    assert around_the_one("what happened before the REM?") is None
    assert around_the_one("what happened during the longest apnea?") == (
        "show me the longest apnea", "what happened during it?")
    assert around_the_one("what happened before the longest REM period?") == (
        "show me the longest REM period", "what happened before it?")
    assert around_the_one("what woke the patient at the longest awakening?") == (
        "show me the longest awakening", "what happened just before it?")


def _periods(night, stage: str) -> list[tuple[int, int]]:
    stages = night.stages()[0]
    return stage_periods(stages, [STAGES.index(stage)], np.ones(len(stages), bool))


def test_before_a_stage_period_reads_the_time_before_that_period(demo) -> None:
    """"what happened before the longest REM period?" described the period itself."""
    night, engine = demo
    a, b = max(_periods(night, "REM"), key=lambda p: p[1] - p[0])
    text = Session(night).ask("what happened before the longest REM period?", engine).text
    assert text.startswith(f"In the 60 s before the REM at **{clock(night, night.epochs.starts[a])}")


def test_before_the_last_period_is_the_last_not_the_first_listed(demo) -> None:
    night, engine = demo
    last = _periods(night, "N3")[-1][0]
    text = Session(night).ask("what happened just before the last N3 period?", engine).text
    assert text.startswith(f"In the 60 s before the N3 at **{clock(night, night.epochs.starts[last])}")


def test_and_a_central_one_after_an_obstructive_apnea(demo) -> None:
    night, engine = demo
    session = Session(night)
    session.ask("show me an obstructive apnea", engine)
    text = session.ask("and a central one", engine).text
    n = sum(1 for e in night.recording.events if e.type == "central_apnea")
    assert f"**{n}** central apnea events" in text and "obstructive apnea," not in text


def test_what_percentage_is_that_takes_the_last_count_as_a_share(demo) -> None:
    """It was off topic: the scope's share of all such events, or a type's share of apneas."""
    night, engine = demo
    events = night.scored_events()[0]
    stages = night.stages()[0]
    obstructive = [e for e in events if e.type == "obstructive_apnea"]
    nrem = [e for e in obstructive if stages[night.epoch_at(e.onset)] in (1, 2, 3)]
    session = Session(night)
    session.ask("how many obstructive apneas were there in REM?", engine)
    session.ask("and in NREM?", engine)
    text = session.ask("what percentage is that?", engine).text
    assert text.startswith(f"**{len(nrem)}** of the night's {len(obstructive)} obstructive apnea "
                           f"events (**{100 * len(nrem) / len(obstructive):.0f} %**)"), text
    central = [e for e in events if e.type == "central_apnea"]
    apneas = [e for e in events if e.type.endswith("_apnea")]
    session.ask("how many central apneas?", engine)
    share = session.ask("as a percentage?", engine).text
    assert share.startswith(f"**{len(central)}** of the {len(apneas)} apnea events"), share
    session.ask("how many spindles?", engine)
    assert "A share needs a count" in session.ask("what share is that?", engine).text


def test_another_one_shows_the_next_example_and_a_stage_s_clearest_epoch(demo) -> None:
    """"and another one" repeated the explanation's example; "show me the clearest example"
    after a stage's definition was off topic."""
    night, engine = demo
    arousals = {e.onset: e.duration for e in night.scored_events()[0] if e.type == "arousal"}
    med = float(np.median(list(arousals.values())))
    session = Session(night)
    shown = [session.ask("what is an arousal? show me one", engine).highlights[0].start]
    for text in ("and another one", "another", "show me another"):
        shown.append(session.ask(text, engine).items[0].start)
    assert len(set(shown)) == 4 and set(shown) <= set(arousals), shown
    # each the next nearest the median length
    gaps = [round(abs(arousals[t] - med), 6) for t in shown]
    assert gaps == sorted(gaps) and gaps[-1] <= sorted(abs(d - med) for d in arousals.values())[3] + 1e-9
    session.ask("what does N3 look like here?", engine)
    example = session.ask("show me the clearest example", engine).text
    assert re.match(r"Epoch \d+ \([\d:–]+\) is \*\*N3\*\*", example), example


def test_the_transition_into_the_first_n3_reads_the_eeg_before_and_during_it(demo) -> None:
    """"describe the transition into the first N3" listed the N3 periods; the minute before
    a stage period now leads with the EEG's band shares, per epoch, against the period's."""
    night, engine = demo
    assert around_the_one("describe the transition into the first N3") == (
        "show me the first N3", "what happened just before it?")
    a, b = _periods(night, "N3")[0]
    text = Session(night).ask("describe the transition into the first N3", engine).text
    assert text.startswith(f"In the 60 s before the N3 at **{clock(night, night.epochs.starts[a])}")
    frame = night.feature_frame()
    col = next(c for c in frame.columns if c.startswith("brain.eeg.") and c.endswith("delta [%]"))
    before = frame[col].to_numpy(dtype=float)[a - 2:a].mean()
    during = frame[col].to_numpy(dtype=float)[a:b + 1].mean()
    assert f"Measured then: delta power (EEG {col.split('.')[2]}) mean {before:.1f} %" in text, text
    assert f"against {during:.1f} during it" in text and during > before


def test_what_woke_the_patient_after_an_awakening_reads_the_minute_before_it(demo) -> None:
    """It listed every wake period of the night."""
    night, engine = demo
    session = Session(night)
    session.ask("when was the longest awakening?", engine)
    text = session.ask("what woke the patient?", engine).text
    assert text.startswith("In the 60 s before the W"), text


def test_how_many_were_there_after_an_explanation_counts_it_in_the_night(demo) -> None:
    """It repeated the explanation."""
    night, engine = demo
    session = Session(night)
    session.ask("what's an arousal?", engine)
    text = session.ask("how many were there per hour?", engine).text
    arousals = [e for e in night.scored_events()[0] if e.type == "arousal"]
    rate = len(arousals) / (night.summary().tst_min / 60)
    assert text.startswith(f"**{rate:.2f} per hour** of sleep: {len(arousals)} arousal"), text
    session.ask("what is a sleep cycle?", engine)
    text = session.ask("how many did this night have?", engine).text
    assert re.search(r"\*\*\d+\*\* complete NREM-REM cycles", text), text


def test_describe_it_after_a_pick_describes_that_item(demo) -> None:
    """It was off topic."""
    night, engine = demo
    session = Session(night)
    session.ask("how many sleep cycles?", engine)
    session.ask("which was the longest?", engine)
    text = session.ask("describe it", engine).text
    assert text.startswith("The cycle ") and "During it: SpO2 mean" in text, text


def test_a_researchers_follow_ups_measure_the_last_events(demo) -> None:
    """'what frequency were they?' gave each stage's spectral peaks; 'does it decline across
    the night?' gave the night against the norms."""
    night, engine = demo
    session = Session(night)
    session.ask("how many spindles in N2?", engine)
    text = session.ask("what frequency were they?", engine).text
    assert text.startswith("Frequency on ") and " Hz" in text.split("\n")[0], text
    text = session.ask("does it decline across the night?", engine).text
    assert text.startswith("Sleep spindle by clock hour"), text


def test_a_technicians_chain_about_the_last_events_and_a_stage(demo) -> None:
    """'what caused it?' listed rapid eye movements before the apnea behind a desaturation;
    'which position were most of them in?' gave the time in each position; 'what's the mean
    duration?' the night's summary; 'how much was there?' after N3 was off topic."""
    night, engine = demo
    session = Session(night)
    session.ask("how many obstructive apneas in N2?", engine)
    text = session.ask("what's the mean duration?", engine).text
    assert text.startswith("Obstructive apnea events in N2, length: mean **"), text
    text = session.ask("which position were most of them in?", engine).text
    assert text.startswith("Obstructive apnea by body position in N2"), text
    session.ask("show me N3", engine)
    text = session.ask("how much was there?", engine).text
    n3 = night.summary().stage_min["N3"]
    assert f"**{n3:.1f} min** of N3" in text, text


def test_the_context_of_an_event_lists_the_scorers_findings_first(demo, monkeypatch) -> None:
    """A burst of rapid eye movements listed first hid the apnea behind a desaturation (an
    unscored night's machine scoring reads hundreds of them in REM)."""
    night, engine = demo
    events, source = night.scored_events()
    first = min((e for e in events if e.type == "desaturation"), key=lambda e: e.onset)
    added = [Event(first.onset - 30.0, 15.0, "obstructive_apnea")] + [
        Event(first.onset - 55.0 + k, 0.5, "rapid_eye_movement") for k in range(8)]
    monkeypatch.setattr(night, "scored_events",
                        lambda: (sorted(events + added, key=lambda e: e.onset), source))
    text = Session(night).ask("what happened just before the first desaturation?", engine).text
    listed = re.search(r"Events then: ([a-z ]+?) \*\*", text)
    assert listed and listed.group(1) != "rapid eye movement", text
    assert "more (rapid eye movement" in text, text


def test_one_of_each_after_a_difference_draws_both_examples(demo) -> None:
    """It was not understood."""
    night, engine = demo
    session = Session(night)
    explained = session.ask("how is a hypopnea different from an apnea?", engine)
    answer = session.ask("show me one of each", engine)
    assert answer.text.count("Example in this night") == 2, answer.text
    assert len(answer.highlights) == 2
    # the next example of each, not the explanations and their examples again
    assert "airflow" not in answer.text and answer.text != explained.text
    shown = {(h.start, h.end) for h in explained.highlights}
    assert not shown & {(h.start, h.end) for h in answer.highlights}


def test_how_fast_was_it_gives_the_picked_events_own_measure(demo) -> None:
    """It gave the item's length and the signals during it, not its frequency, amplitude or
    depth."""
    night, engine = demo
    session = Session(night)
    session.ask("what does a spindle look like?", engine)
    text = session.ask("how fast was it?", engine).text
    assert re.match(r"Its frequency: \*\*1[1-6]\.\d Hz\*\*\. The spindle", text), text
    session = Session(night)
    session.ask("what was the deepest desaturation?", engine)
    text = session.ask("how deep was it?", engine).text
    assert re.match(r"Its depth below its baseline: \*\*\d+\.\d points\*\*\. The desaturation",
                    text), text
