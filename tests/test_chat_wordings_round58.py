"""Questions of stop 58. Each names what it used to get. Expected answers are the ones the same
question gets asked in full, or the night's own scoring, never typed in."""

from __future__ import annotations

import re

import numpy as np
import pytest

from app.chat.report import SECTIONS, section_text
from app.session import Session
from sleeplm_core.io.recording import STAGES
from chat_dialogues import events_of, last_answer


@pytest.mark.parametrize("where", ["where were they?", "where?", "when were they?", "what times were they at?",
                                   "and when did they happen?"])
def test_where_were_they_lists_every_one_of_the_last_list(demo, where) -> None:
    """A bare "where?" or "when were they?" after a count was "not about this recording"."""
    night, _ = demo
    text = last_answer(demo, "how many central apneas?", where)
    assert text == last_answer(demo, "how many central apneas?", "list them")
    central = events_of(night, "central_apnea")
    assert central and f"have **{len(central)}** central apnea events" in text
    assert len(re.findall(r"^- \*\*\d\d:\d\d:\d\d–", text, re.M)) == len(central)


def test_where_was_it_is_the_one_shown(demo) -> None:
    """"where was it?" was off topic, where "when was it?" described the one shown."""
    assert last_answer(demo, "show me the longest apnea", "where was it?") == last_answer(
        demo, "show me the longest apnea", "when was it?")


@pytest.mark.parametrize("first, follow, whole", [
    ("how many apneas in REM?", "how many of them were central?", "how many central apneas in REM?"),
    ("how many apneas in N2?", "how many were obstructive?", "how many obstructive apneas in N2?"),
    ("how many apneas?", "and how many of those were mixed?", "how many mixed apneas?")])
def test_how_many_of_them_were_of_one_kind_counts_that_type_in_the_same_scope(demo, first, follow,
                                                                               whole) -> None:
    """"how many of them were central?" was off topic: "central" alone names no phenomenon.
    The follow-up may add the model's matches; the scored count and events are the same."""
    def scored(text: str) -> tuple[str, str]:
        lead, rest = text.split("\n", 1)
        return lead.split(" (blue")[0], rest.split("\n\n")[0]
    assert scored(last_answer(demo, first, follow)) == scored(last_answer(demo, whole))


@pytest.mark.parametrize("cause", ["spontaneous", "respiratory"])
def test_how_many_of_the_arousals_had_a_cause(demo, cause) -> None:
    """"how many of them were spontaneous?" after the arousal index was off topic, and "...
    respiratory?" measured the breathing during the arousals."""
    text = last_answer(demo, "what is the arousal index?", f"how many of them were {cause}?")
    lead = last_answer(demo, f"how many arousals were {cause}?").split(". ", 1)[0]
    assert re.match(rf"\*\*\d+\*\* of the \d+ arousals \(\*\*\d+ %\*\*\) were \*\*{cause}\*\*", lead)
    assert text.startswith(lead), text


@pytest.mark.parametrize("first, follow, whole", [
    ("what's the AHI?", "how does it compare in REM vs NREM?", "how does the AHI compare in REM vs NREM?"),
    ("what's the AHI?", "is it worse on the back?", "is the AHI worse on the back?"),
    ("what's the ODI?", "how does that change across the night?", "how does the ODI change across the night?"),
    ("what is the lowest heart rate?", "how does it compare between REM and NREM?",
     "how does the heart rate compare between REM and NREM?"),
    ("how many hypopneas were there?", "how does that compare in REM vs NREM?",
     "how do the hypopneas compare in REM vs NREM?")])
def test_a_split_of_it_splits_what_the_last_answer_measured(demo, first, follow, whole) -> None:
    """"how does it compare in REM vs NREM?" after the AHI compared EEG band powers: "it" was
    read as nothing, and the split fell back on the brain."""
    assert last_answer(demo, first, follow) == last_answer(demo, whole)


def _sections(text: str) -> dict[str, str]:
    return {m.group(1): m.group(2).strip() for m in re.finditer(r"^### ([^\n]+)\n(.*?)(?=^### |^\*Each|\Z)",
                                                                  text, re.M | re.S)}


@pytest.mark.parametrize("asked", ["write a report", "give me the full sleep report please",
                                   "what should I tell the doctor?", "can you write it up?"])
def test_a_report_gathers_each_sections_own_answer(demo, asked) -> None:
    """"write a report" was the one-line summary; "what should I tell the doctor?" off topic."""
    night, engine = demo
    text = Session(night).ask(asked, engine).text
    assert text.startswith(f"## Sleep study report: {night.name}")
    sections = _sections(text)
    assert list(sections) == [s.heading for s in SECTIONS]
    for section in SECTIONS:
        alone = Session(night).ask(section.question, engine).text
        assert sections[section.heading] == section_text(section, alone), section.heading
    assert "not a diagnosis" in text.rsplit("\n\n", 1)[1]


def test_a_report_is_not_asked_by_a_figure_of_its_own(demo) -> None:
    assert "Sleep study report" not in last_answer(demo, "report the AHI")
    assert "Sleep study report" not in last_answer(demo, "what did the report say about REM?")


def test_a_follow_up_after_the_report_refers_to_what_stands_out(demo) -> None:
    night, engine = demo
    session = Session(night)
    session.ask("write a report", engine)
    assert session.ask("zoom into the first one", engine).text == last_answer(
        demo, "what stands out?", "zoom into the first one")


def test_the_oxygen_nadir_after_an_event_is_its_lowest_value(demo) -> None:
    """"what was the oxygen nadir after it?" led with the mean SpO2 after the event ("nadir"
    ranked as "strongest", which a falling signal does not have)."""
    text = last_answer(demo, "show me the longest apnea", "what was the oxygen nadir after it?")
    assert text == last_answer(demo, "show me the longest apnea", "what was the lowest oxygen after it?")
    lowest = re.search(r"SpO2 mean [\d.]+ % \(lowest ([\d.]+),", text)
    assert lowest is not None and text.startswith(f"Lowest SpO2 in the 60 s after it: **{lowest.group(1)} %**")


def test_whats_the_difference_after_two_figures_compares_them(demo) -> None:
    """"what's the difference?" after the SpO2 in REM, then in NREM, was off topic."""
    asked = ("average SpO2 during REM?", "and during NREM?", "what's the difference?")
    assert last_answer(demo, *asked) == last_answer(demo, "compare spo2 in REM and NREM")
    assert "difference **" in last_answer(demo, *asked)


@pytest.mark.parametrize("asked, position, rows", [
    ("what percent of the apneas happened on her back?", "on the back (supine)", ("supine",)),
    ("how many of the hypopneas were on her left side?", "on the left side", ("left",))])
def test_a_share_of_events_in_a_position_leads_with_that_share(demo, asked, position, rows) -> None:
    """"what percent of the apneas happened on her back?" gave the minutes in each position:
    "percent" was read as a band power's share."""
    text = last_answer(demo, asked)
    table = dict(re.findall(r"^\| (\w+) \| [\d.]+ \| (\d+) \|", text, re.M))
    total, events = sum(map(int, table.values())), sum(int(table.get(r, 0)) for r in rows)
    assert re.match(rf"\*\*\w+ {re.escape(position)}: [\d.]+/h\*\*, {events} of the {total} events "
                    rf"\({100 * events / total:.0f} %\)", text), text


@pytest.mark.parametrize("asked, kind, stages", [
    ("explain sleep spindles to a student", "spindle", ("N2",)),
    ("what does an arousal look like?", "arousal", STAGES[1:])])
def test_a_teaching_example_is_drawn_from_its_own_stage(sc4001_unscored, asked, kind, stages) -> None:
    """On an unscored night the machine finds spindles in short wake too; the typical example
    was the one nearest the median length wherever it fell (a spindle "in stage W")."""
    night, engine = sc4001_unscored
    events, _ = night.scored_events()
    staged = night.stages()[0]
    at = {round(e.onset, 3): STAGES[staged[night.epoch_at(e.onset)]] for e in events if e.type == kind}
    assert set(at.values()) & set(stages) and set(at.values()) - set(stages), at   # a real choice
    answer = Session(night).ask(asked, engine)
    shown = [h for h in answer.highlights if round(h.start, 3) in at]
    assert shown and at[round(shown[0].start, 3)] in stages, answer.text


def test_the_example_pool_is_the_phenomenons_stage_then_sleep_then_all() -> None:
    from app.chat.execute import _in_its_stage, rank_items
    from app.chat.phenomena import phenomenon
    from app.chat.results import Item

    def item(start: float, stage: str, length: float = 1.0) -> Item:
        return Item(start, start + length, "event", "scored", stage)

    wake, n2, rem = item(0, "W"), item(60, "N2"), item(120, "REM")
    assert _in_its_stage([wake, n2, rem], phenomenon("spindle")) == [n2]
    assert _in_its_stage([wake, rem], phenomenon("spindle")) == [rem]     # in sleep, at least
    assert _in_its_stage([wake], phenomenon("spindle")) == [wake]
    assert _in_its_stage([wake, n2, rem], phenomenon("arousal")) == [n2, rem]
    # "a good example": nearest the median length, those in sleep first
    typical, _ = rank_items([item(0, "W", 1.0), item(60, "N2", 3.0), item(90, "N2", 0.5)], "typical")
    assert [i.stage for i in typical] == ["N2", "N2", "W"]


def test_how_many_times_counts_the_last_answer(demo) -> None:
    """"how many times?" was off topic."""
    assert last_answer(demo, "did the oxygen drop below 90?", "how many times?") == last_answer(
        demo, "did the oxygen drop below 90?", "how many were there?")


def test_how_much_of_it_was_usable_is_the_recordings_quality(demo) -> None:
    """"how much of it was usable?" described an item that was not there ("of it")."""
    text = last_answer(demo, "how much of it was usable?")
    assert text == last_answer(demo, "how much of the recording was usable?")
    assert "have no flagged channel" in text, text


@pytest.mark.parametrize("asked", ["what else should be done?", "what are the next steps?",
                                   "what should we do next?"])
def test_what_to_do_next_is_a_clinicians_call(demo, asked) -> None:
    """"what else should be done?" was off topic, with the list of what can be asked."""
    assert last_answer(demo, asked).startswith("I can't diagnose or advise on treatment")


def test_what_to_do_in_the_app_is_not_medical(demo) -> None:
    assert not last_answer(demo, "what should I do to see the hypnogram?").startswith("I can't diagnose")


@pytest.mark.parametrize("first, follow, whole", [
    ("what's the heart rate overall?", "did it spike after apneas?",
     "what did the heart rate do after the apneas?"),
    ("what was the oxygen like?", "does it drop during the hypopneas?",
     "what did the spo2 do during the hypopneas?")])
def test_did_it_react_to_events_reads_the_signal_around_them(demo, first, follow, whole) -> None:
    """"did it spike after apneas?" after the heart rate listed the apneas."""
    text = last_answer(demo, first, follow)
    assert text == last_answer(demo, whole)
    assert re.match(r"(?:Heart rate|SpO2) around the \d+ (?:apnea|hypopnea) events", text), text


def _span_rows(text: str) -> dict[str, tuple[str, str]]:
    return {m.group(1): (m.group(2), m.group(3)) for m in re.finditer(
        r"^\| ([\w ]+?) \| ([\d.]+)(?: min)?[^|]*\| ([\d.]+)(?: min)?[^|]*\|$", text, re.M)}


@pytest.mark.parametrize("compared, asked, row, fewer", [
    ("compare the first and last sleep cycle", "which had more N3?", "N3", False),
    ("compare the first half with the second half", "which half had fewer arousals?", "arousals", True),
    ("compare the first half with the second half", "which one had more apneas?", "apneas and hypopneas",
     False)])
def test_which_had_more_names_the_side_of_that_row(demo, compared, asked, row, fewer) -> None:
    """"which had more N3?" after two parts of the night were compared gave the night's N3."""
    table = last_answer(demo, compared)
    first, second = (float(v) for v in _span_rows(table)[row])
    text = last_answer(demo, compared, asked)
    assert text.endswith(table), text
    labels = re.match(r"(.+?) against (.+?), stages", table).groups()
    if first == second:
        assert text.startswith("**Neither**"), text
    else:
        side = labels[0] if (first < second) == fewer else labels[1]
        less = "less" if row == "N3" else "fewer"
        assert text.startswith(f"**{side[0].upper() + side[1:]}** had {less if fewer else 'more'} {row}:"), text


@pytest.mark.parametrize("follow, row", [("what about REM?", "REM"), ("and the WASO?", "Wake after sleep onset"),
                                         ("and N3?", "N3 (slow-wave sleep)")])
def test_a_norm_follow_up_reads_the_row_it_names(demo, follow, row) -> None:
    """"what about REM?" after "is her sleep efficiency normal?" repeated the efficiency."""
    text = last_answer(demo, "is her sleep efficiency normal?", follow)
    assert text.startswith(f"**{row}: "), text
    assert "Sleep efficiency" not in text.split("\n\n")[0]


@pytest.mark.parametrize("asked, stage", [("show me an epoch of N1", "N1"), ("find a REM epoch", "REM")])
def test_an_epoch_of_a_stage_is_its_example(demo, asked, stage) -> None:
    """"show me an epoch of N1" listed the N1 periods."""
    assert last_answer(demo, asked) == last_answer(demo, f"show me an example of {stage}")


@pytest.mark.parametrize("asked, plain", [("were there any breathing problems?", "is the breathing normal?"),
                                          ("any heart issues?", "is the heart rate normal?")])
def test_problems_of_a_body_system_are_its_overview(sc4001, asked, plain) -> None:
    """"were there any breathing problems?" on a night without breathing channels gave the
    model's matches for the words "breathing problems"."""
    text = last_answer(sc4001, asked)
    assert text == last_answer(sc4001, plain)
    assert "The model's best matches" not in text
    assert "not measurable" in text or "no heart-rate channel" in text, text


@pytest.mark.parametrize("terse, full", [("ahi rem", "AHI in REM"), ("mean hr nrem", "mean heart rate in NREM"),
                                         ("odi n2", "ODI in N2"), ("arousal idx", "arousal index")])
def test_a_technicians_shorthand_reads_as_the_full_question(demo, terse, full) -> None:
    """"ahi rem" gave the whole night's AHI, "mean hr nrem" the whole night's heart rate, and
    "arousal idx" the arousals' list without their index."""
    assert last_answer(demo, terse) == last_answer(demo, full)


def test_two_bare_figures_are_two_questions(demo) -> None:
    """"sol and rol" gave the REM latency alone."""
    text = last_answer(demo, "sol and rol")
    assert text == f"{last_answer(demo, 'sol')}\n\n{last_answer(demo, 'rol')}"
    assert "sleep onset latency" in text and "REM latency" in text


@pytest.mark.parametrize("first, follow, full", [
    ("spindles between 1 and 2 am", "density?", "how many were there per minute?"),
    ("how many hypopneas?", "index?", "how many were there per hour?"),
    ("show me the longest apnea", "how long", "how long was it?")])
def test_a_bare_follow_up_word_reads_the_last_answer(demo, first, follow, full) -> None:
    """"density?", "index?" and a bare "how long" were off topic."""
    assert last_answer(demo, first, follow) == last_answer(demo, first, full)


def test_a_stage_with_events_scopes_the_search_to_that_stage(demo) -> None:
    """"search the library for REM with rapid eye movements" put a wake epoch first: "REM" was
    read as the eye movements, not as the stage; "N3 with an arousal" listed N2's arousals."""
    night, engine = demo
    answer = Session(night).ask("search the library for REM with rapid eye movements", engine)
    assert answer.hits and all(h.meta["stage"] == "REM" for h in answer.hits)
    assert last_answer(demo, "find an epoch that looks like N3 with an arousal") == last_answer(
        demo, "find N3 epochs with an arousal")
    # "compare REM with N3" names two stages, not one with something
    assert last_answer(demo, "compare REM with N3") == last_answer(demo, "compare REM and N3")


def test_the_library_matches_are_counted_by_kind_of_recording(demo) -> None:
    """"how many of those are from real recordings?" gave the night's summary."""
    night, engine = demo
    session = Session(night)
    hits = session.ask("search the library for REM with rapid eye movements", engine).hits
    text = session.ask("how many of those are from real recordings?", engine).text
    kinds = [h.meta["kind"] for h in hits]
    assert f"real {kinds.count('real')}" in text and f"synthetic {kinds.count('synthetic')}" in text, text
    assert "rapid eye movement;" in text or "rapid eye movement " in text, text   # no raw type name


def test_show_me_both_after_two_stages_shows_an_example_of_each(demo) -> None:
    """"show me both" after the difference between N1 and REM had no event to find."""
    text = last_answer(demo, "what's the difference between N1 and REM?", "show me both")
    assert text == (f"{last_answer(demo, 'show me an example of N1')}\n\n"
                    f"{last_answer(demo, 'show me an example of REM')}")


def test_a_kind_compared_to_another_one_is_the_pair_explained(demo) -> None:
    """"what does a central apnea look like compared to an obstructive one?" explained apneas in
    general, with one example of any type."""
    assert last_answer(demo, "what does a central apnea look like compared to an obstructive one?") == last_answer(
        demo, "what's the difference between a central apnea and an obstructive apnea?")


@pytest.mark.parametrize("first, follow, full", [
    ("what is WASO?", "what was hers?", "what is WASO?"),
    ("what is a K-complex?", "what about this patient?", "any k-complex?"),
    ("why do we have REM sleep?", "how much did she get?", "how much REM?")])
def test_hers_after_a_definition_is_the_nights_own(demo, first, follow, full) -> None:
    """"what was hers?" and "how much did she get?" were off topic or read the whole sleep."""
    assert last_answer(demo, first, follow) == last_answer(demo, full)


@pytest.mark.parametrize("asked, plain", [
    ("around 3 in the morning, what stage was she in?", "around 3 am, what stage was she in?"),
    ("what happened at 11 at night?", "what happened at 11 pm?"),
    ("how many apneas occurred within 30 minutes of falling asleep?",
     "how many apneas occurred in the first 30 minutes of sleep?")])
def test_times_in_words_read_as_their_clock(demo, asked, plain) -> None:
    """"around 3 in the morning" was no time (the answer was about epoch 0), and "within 30
    minutes of falling asleep" gave the sleep onset latency."""
    assert last_answer(demo, asked) == last_answer(demo, plain)


@pytest.mark.parametrize("moved, plain", [("back 5 minutes", "5 minutes earlier"),
                                          ("go forward 10 minutes", "10 minutes later"),
                                          ("skip ahead half an hour", "half an hour later")])
def test_moving_the_view_by_a_length(demo, moved, plain) -> None:
    """"back 5 minutes" went back to the view before ("go back"); "forward 10 minutes" was off topic."""
    assert last_answer(demo, "go to 2:15", moved) == last_answer(demo, "go to 2:15", plain)


def test_events_in_the_first_hours_of_sleep_are_counted(demo) -> None:
    """"how many spindles in the first 2 hours of sleep?" gave the minutes of sleep there."""
    night, _ = demo
    stages = night.stages()[0]
    onset = float(night.epochs.starts[int(np.flatnonzero(stages > 0)[0])])
    n = sum(onset <= e.onset < onset + 7200 for e in events_of(night, "spindle"))
    text = last_answer(demo, "how many spindles in the first 2 hours of sleep?")
    assert text.startswith(f"The human-scored events have **{n}** sleep spindle events in the first 2 hours of sleep")


@pytest.mark.parametrize("asked", ["what was the longest stretch without any apnea?", "longest apnea-free period",
                                   "how long did she go without an apnea?"])
def test_the_longest_stretch_without_an_event_is_the_longest_gap_in_the_sleep_episode(demo, asked) -> None:
    """"the longest stretch without any apnea" listed the apneas."""
    from app.chat.plan import main_sleep_episode
    from app.timeexpr import format_clock

    night, engine = demo
    episode = main_sleep_episode(night)
    spans = sorted((e.onset, e.onset + e.duration) for e in events_of(night, "obstructive_apnea", "central_apnea",
                                                                        "mixed_apnea")
                   if e.onset < episode.end and e.onset + e.duration > episode.start)
    edges = [episode.start] + [x for s in spans for x in s] + [episode.end]
    gaps = [(a, b) for a, b in zip(edges[::2], edges[1::2]) if b > a]
    start, end = max(gaps, key=lambda g: g[1] - g[0])
    answer = Session(night).ask(asked, engine)
    t0 = night.recording.start_time
    assert answer.text.startswith(f"The longest stretch without apneas: **{format_clock(start, t0)}–"
                                  f"{format_clock(end, t0)}**, **{(end - start) / 60:.1f} min**"), answer.text
    assert f"between the {len(spans)} human-scored apnea events" in answer.text
    assert answer.highlights and answer.highlights[0].start == pytest.approx(start)


def test_no_stretch_is_read_between_events_that_could_not_be_scored(sc4001_unscored) -> None:
    text = last_answer(sc4001_unscored, "longest stretch without apneas")
    assert text.startswith("**Apnea events were not scored on this night**") and "1 Hz" in text, text


def test_a_signal_in_two_named_periods_is_compared(demo) -> None:
    """"heart rate during the longest REM period vs the longest N3 period" gave the REM
    period's heart rate alone."""
    text = last_answer(demo, "heart rate during the longest REM period vs the longest N3 period")
    assert text.startswith("Mean per epoch, in the longest REM period vs in the longest N3 period:"), text
    assert text == last_answer(demo, "compare the heart rate in the longest REM period and the longest N3 period")


@pytest.mark.parametrize("asked", ["caption epoch 300", "describe epoch 300 in words"])
def test_a_caption_request_gives_the_caption_heads_words_for_every_level(demo, asked) -> None:
    """"caption epoch 300" described the epoch without the model's words, and "generate a
    caption for this epoch" searched the library instead."""
    night, engine = demo
    text = last_answer(demo, asked)
    levels = list(night.features.present_levels())
    assert text.count("The model describes them as: ") == len(levels)
    for level in levels:
        # each level's generated caption, by its first clause (the answer keeps its summary)
        generated = night.generated_captions([300], level, engine)[0]
        gist = re.sub(r"^in words:\s*", "", generated, flags=re.I).split(".")[0].split(";")[0].strip()
        assert gist and gist in text, (level, gist)
    assert "Library epochs closest" not in last_answer(demo, "go to epoch 300", "generate a caption for this epoch")


@pytest.mark.parametrize("asked", ["how well does the model stage this night?", "what is the model's kappa?"])
def test_how_well_the_model_stages_is_its_agreement_with_the_scoring(demo, asked) -> None:
    """"how well does the model stage this night?" staged the current epoch; "what is the
    model's kappa?" gave the machine staging's confidence."""
    assert last_answer(demo, asked) == last_answer(demo, "how does the model's staging compare to the human scoring?")


@pytest.mark.parametrize("first, more, full", [
    ("what stands out?", "anything else?", "write a report"),
    ("what's the AHI?", "tell me more", "AHI by position and stage"),
    ("how many hypopneas?", "more detail", "list them"),
    ("what is a K-complex?", "what else?", "any k-complex?")])
def test_tell_me_more_is_the_next_layer_of_the_last_answer(demo, first, more, full) -> None:
    """"anything else?", "tell me more" and "more detail" were off topic."""
    expected = last_answer(demo, first, full) if full == "list them" else last_answer(demo, full)
    assert last_answer(demo, first, more) == expected


@pytest.mark.parametrize("asked, plain", [
    ("tell me everything about her breathing", "tell me about her breathing"),
    ("was it a good night of sleep?", "did she sleep well?"),
    ("what could have caused the poor efficiency?", "why is there so much wake?")])
def test_more_wordings_of_questions_already_answered(demo, asked, plain) -> None:
    """"tell me everything about her breathing" gave the model's matches for the words, "was it
    a good night of sleep?" the summary, "what could have caused the poor efficiency?" the
    efficiency again."""
    assert last_answer(demo, asked) == last_answer(demo, plain)


@pytest.mark.parametrize("first, follow, full", [
    ("what's her oxygen baseline?", "how low did it get?", "what was the lowest spo2?"),
    ("heart rate in REM", "how high did it go?", "what was the highest heart rate in REM?"),
    ("what does her snoring look like?", "is it worse in REM?", "is the snoring worse in REM?")])
def test_it_after_a_signal_is_that_signal(demo, first, follow, full) -> None:
    """"how low did it get?" after the oxygen named no measure; "is it worse in REM?" after
    snoring split the AHI."""
    assert last_answer(demo, first, follow) == last_answer(demo, full)


@pytest.mark.parametrize("tied, negated", [("how many hypopneas had a desaturation?", "how many didn't?"),
                                           ("how many apneas were followed by an arousal?", "and the rest?"),
                                           ("how many hypopneas without a desaturation?", "how many did not?")])
def test_how_many_did_not_counts_the_others(demo, tied, negated) -> None:
    """"how many didn't?" after a tie was off topic; the two counts make up all the events."""
    night, _ = demo
    count = re.compile(r"have \*\*(\d+)\*\* (\w+) events (with|without) ")
    first = count.search(last_answer(demo, tied))
    second = count.search(last_answer(demo, tied, negated))
    assert first and second and {first[3], second[3]} == {"with", "without"}
    kinds = ("hypopnea",) if first[2] == "hypopnea" else ("obstructive_apnea", "central_apnea", "mixed_apnea")
    assert int(first[1]) + int(second[1]) == len(events_of(night, *kinds))
