"""Stop 78: what stop 77 left, and what probe O found on two new nights, each fixed and held here."""

from __future__ import annotations

import re

import numpy as np
import pytest

from app.chat.plan import clock
from app.chat.learner import without_remark
from app.chat.render import render
from app.chat.report_edit import report_edit
from app.chat.results import Retrieval
from chat_dialogues import last_answer, stage_epochs
from app.chat.understand import understand
from sleeplm_core.index.search import Hit
from sleeplm_core.io.recording import EPOCH_SEC, STAGES
from sleeplm_core.scoring.channels import is_central_eeg


@pytest.mark.parametrize("label, central", [
    ("C3-M2", True), ("EEG C4-A1", True), ("Cz-A1", True), ("EEG Fpz-Cz", False), ("EEG Pz-Oz", False),
    ("F4-M1", False), ("EEG", False),
])
def test_central_leads_are_told_from_frontal_and_parietal_ones(label: str, central: bool) -> None:
    assert is_central_eeg(label) is central


@pytest.mark.parametrize("question", ["spindle density in N2?", "how many spindles?"])
def test_machine_spindles_on_a_frontal_lead_say_the_count_may_read_low_once(sc4001_unscored, question: str) -> None:
    """Seed 13142 (Sleep-EDF montage): 0.22 machine spindles per minute of N2 against a true 3.63,
    said with no caveat."""
    text = last_answer(sc4001_unscored, question)
    assert text.count("not a central lead") == 1 and "EEG Fpz-Cz" in text and "on some nights far low" in text


def test_machine_spindles_on_a_central_lead_carry_no_lead_caveat(demo_unscored) -> None:
    text = last_answer(demo_unscored, "spindle density in N2?")
    assert "per minute" in text and "not a central lead" not in text


@pytest.mark.parametrize("stage", ["N1", "REM", "W"])
def test_a_search_by_epoch_says_how_many_matches_share_its_stage(demo, stage: str) -> None:
    """Probe M: "find epochs like this" listed neighbours of another stage without saying so."""
    night, _ = demo
    epoch = int(stage_epochs(night, stage)[3])
    text = last_answer(demo, f"go to epoch {epoch}", "find epochs like this one")
    listed = re.findall(r"^- [+-]\d\.\d{3} · .*?, stage (\w+), ", text, re.M)
    said = re.search(r"\*\*(\d+) of (\d+)\*\* are stage (\w+), as epoch (\d+) is \(human-scored\)", text)
    assert listed and said and int(said[2]) == len(listed) and said[3] == stage and int(said[4]) == epoch
    assert int(said[1]) == sum(s == stage for s in listed)
    assert ("the others are" in text) is (int(said[1]) < len(listed))


def test_a_search_cut_to_a_stage_does_not_count_its_stage(demo) -> None:
    night, _ = demo
    epoch = int(stage_epochs(night, "N2")[3])
    text = last_answer(demo, f"go to epoch {epoch}", "find epochs like this one in REM")
    assert "stage REM" in text and "are stage" not in text


def test_matches_of_another_stage_are_counted_and_named(demo) -> None:
    """The list's matches of another stage, as a search from an N2 epoch of a library of mixed stages
    meets them: counted by stage, with the search cut to its stage offered."""
    night, _ = demo
    meta = {"recording": "other", "time_s": 0.0, "clock": "", "kind": "synthetic", "licence": "MIT", "caption": ""}
    hits = [Hit(0.99, n, {**meta, "epoch": n, "stage": stage}) for n, stage in enumerate(["N2", "N1", "N2", "W", "N1"])]
    text = render(Retrieval("epoch 5", hits, searched_stage=("N2", "scored")), night).text
    assert "**2 of 5** are stage N2, as epoch 5 is (human-scored); the others are N1 2, W 1" in text
    assert "*epochs like this in N2*" in text


@pytest.fixture(scope="module")
def central_night(demo, tmp_path_factory: pytest.TempPathFactory):
    """A 3-h night whose events are half central apneas, read without its scoring (the machine
    scores it) and with it."""
    from app.night import embed_night, read_night
    from sleeplm_core.io.edf_write import write_edf
    from sleeplm_core.io.synth import SynthConfig, synth_night

    rec = synth_night(SynthConfig(hours=3.0, ahi=30.0, age=60.0, seed=207, frac_central=0.5, frac_hypopnea=0.45))
    folder = tmp_path_factory.mktemp("central")
    edf = write_edf(rec, folder / "central.edf", hypnogram_path=folder / "central_scoring.edf")
    nights = read_night(edf, "central-unscored"), read_night(edf, "central", hypnogram=folder / "central_scoring.edf")
    for night in nights:
        embed_night(night, demo[1])
    return tuple((night, demo[1]) for night in nights)


def test_a_machine_central_share_near_half_says_the_truth_could_lie_either_side(central_night) -> None:
    """Seed 13041, unscored: the machine's 49 % central share was "not more than the half the ICSD-3
    asks for", against a true 60 %; on seeds 201-206 it read 4-11 points under the truth."""
    unscored, scored = central_night
    question = "does it meet the criteria for central sleep apnea?"
    machine = last_answer(unscored, question)
    share = int(re.search(r"central share: \*\*(\d+) %", machine)[1])
    assert ("could lie on either side" in machine) is (38 <= share <= 55)
    assert 38 <= share <= 55, "the night no longer tests the caveat: pick a seed whose machine share is near half"
    assert "could lie on either side" not in last_answer(scored, question)


def _report_turns(demo, *edits: str) -> list[str]:
    """The answers to "write a report" and then to each edit, in one session."""
    from app.session import Session

    night, engine = demo
    session = Session(night)
    return [session.ask(q, engine).text for q in ("write a report", *edits)]


@pytest.mark.parametrize("text, kind, part", [
    ("make it shorter", "shorter", ""), ("can you make it shorter?", "shorter", ""), ("too long", "shorter", ""),
    ("just the key points", "shorter", ""), ("in plain language", "plain", ""), ("rewrite it for the patient", "plain", ""),
    ("just the breathing part", "only", "breathing"), ("show me the arousals section", "only", "arousals"),
    ("remove the oxygen part", "drop", "oxygen"), ("without the leg movements", "drop", "leg movements"),
    ("no heart stuff please", "drop", "heart"), ("remove the dreams part", "drop", "dreams"),
])
def test_edits_of_a_report_are_read(text: str, kind: str, part: str) -> None:
    assert report_edit(text) == (kind, part)


@pytest.mark.parametrize("text", ["show me the apneas", "only in REM", "what is the AHI?", "explain REM in plain words"])
def test_questions_of_their_own_are_no_report_edit(text: str) -> None:
    assert report_edit(text) is None


def test_a_shorter_report_keeps_its_figures_and_drops_the_rest(demo) -> None:
    """Probe N: "make it shorter" after a report fell back."""
    whole, short = _report_turns(demo, "make it shorter")
    assert short.startswith("## Sleep study report: synthetic_night (shorter)") and len(short) < 0.75 * len(whole)
    assert re.findall(r"^### .+$", short, re.M) == re.findall(r"^### .+$", whole, re.M)
    within = re.search(r"^- within the typical range: (.+)$", short, re.M)[1].split(", ")
    assert within and all(re.search(rf"^- {re.escape(name)}: .*— within the typical", whole, re.M) for name in within)
    figures = set(re.findall(r"\*\*[^*]+\*\*", short))
    assert figures and figures <= set(re.findall(r"\*\*[^*]+\*\*", whole))


def test_a_report_cut_to_one_part_or_without_one(demo) -> None:
    _, breathing, no_oxygen, no_heart = _report_turns(demo, "just the breathing part", "remove the oxygen part",
                                                      "drop the heart section")
    assert re.findall(r"^### (.+)$", breathing, re.M) == ["Breathing", "Breathing by position", "Breathing by stage"]
    assert not re.search(r"spo2|desaturation|\bODI\b", no_oxygen, re.I) and "### Heart" in no_oxygen
    numbers = [int(n) for n in re.findall(r"^(\d+)\. ", no_oxygen, re.M)]
    assert numbers == list(range(1, len(numbers) + 1))
    assert "### Heart" not in no_heart and "### Breathing" in no_heart


def test_a_report_in_plain_words_explains_each_part_before_its_figures(demo) -> None:
    _, plain = _report_turns(demo, "in plain language")
    sections = plain.split("\n### ")[1:]
    assert sections and all("\n*In plain words:* " in s for s in sections)
    assert "**19.9/h**" in plain


def test_an_edit_after_another_question_is_not_read_as_one_of_the_report(demo) -> None:
    _, _, edit = _report_turns(demo, "how many apneas?", "make it shorter")
    assert "Sleep study report" not in edit


def test_a_part_the_report_lacks_is_named_with_the_parts_it_has(demo) -> None:
    _, edit = _report_turns(demo, "remove the dreams part")
    assert edit.startswith("The report has no part on “dreams”") and "Leg movements" in edit


@pytest.mark.parametrize("first, which", [("how low did the sat go", "lowest"), ("lowest heart rate?", "lowest"),
                                          ("highest heart rate?", "highest")])
def test_the_worst_of_a_signals_dips_is_its_extreme(demo, first: str, which: str) -> None:
    """Probe O: "show me the worst one" after the lowest saturations went to the least extreme of the
    five dips listed (87.3 % at 23:21:30 for a nadir of 83.7 % at 06:14:26)."""
    listed = last_answer(demo, first)
    at = re.search(rf"The {which} value falls at \*\*(\d\d:\d\d:\d\d)\*\*", listed)[1]
    worst = last_answer(demo, first, "show me the worst one")
    assert worst.startswith(f"The most extreme of 5 ({which} ") and f"at **{at}**" in worst.split("\n")[0]


@pytest.mark.parametrize("text, start, end", [
    ("between 11 pm and midnight what stages?", 23, 0), ("stages between 11 pm and 00:00", 23, 0),
    ("AHI between 11 pm and 1", 23, 1), ("between 10 and 11 pm", 22, 23), ("from 1 pm to 3", 13, 15),
])
def test_the_end_of_a_clock_range_takes_no_meridiem_that_would_make_it_a_day_long(text: str, start: int, end: int) -> None:
    """Probe O: "between 11 pm and midnight" ran to noon (00:00 read as 12 pm), so its stages were
    the rest of the night's."""
    t = understand(text).scope.time
    assert (t.start, t.end) == (start * 3600.0, end * 3600.0)


@pytest.mark.parametrize("text", ["between 11 pm and midnight what stages?", "sleep stages in the first 3 hours",
                                  "what stages between 1 and 2 am?", "what stages during the last hour?",
                                  "what stages did she have?"])
def test_the_stages_of_a_span_are_its_hypnogram(text: str) -> None:
    """They were one epoch's model stage, or N2's periods."""
    assert understand(text).intent.value == "summary"


def _stage_minutes(night, start: float, end: float) -> dict[str, float]:
    stages = np.asarray(night.stages()[0])
    starts = night.epochs.starts
    inside = stages[(starts >= start) & (starts < end)]
    return {s: float(np.sum(inside == STAGES.index(s))) * EPOCH_SEC / 60 for s in STAGES}


def test_the_stages_between_11_pm_and_midnight_are_that_hours(demo) -> None:
    night, _ = demo
    start = night.epochs.starts[night.epoch_at(0.0)] + 30 * 60.0   # 23:00 on the demo (from 22:30)
    minutes = _stage_minutes(night, start, start + 3600.0)
    text = last_answer(demo, "between 11 pm and midnight what stages?")
    assert f"N2 {minutes['N2']:.1f} min" in text and f"N3 {minutes['N3']:.1f} min" in text


def test_a_classification_of_a_span_on_a_scored_night_leads_with_the_scoring(demo) -> None:
    night, _ = demo
    text = last_answer(demo, "classify the epochs between 1 and 2 am")
    minutes = _stage_minutes(night, 2.5 * 3600.0, 3.5 * 3600.0)
    top = max(minutes, key=minutes.get)
    assert text.startswith("Between 1 and 2 am (120 epochs), the human-scored stages: ")
    assert f"the most common is **{top}**" in text and "The model's zero-shot stage there:" in text


def test_follow_ups_on_a_span_read_that_span(demo) -> None:
    """Probe O: "how much N3 there?" after the first 3 hours, and "what stage dominated?" after an
    hour, gave the whole night's."""
    night, _ = demo
    n3 = _stage_minutes(night, 0.0, 3 * 3600.0)["N3"]
    assert f"**{n3:.1f} min** of N3 in the first 3 hours" in last_answer(demo, "sleep stages in the first 3 hours",
                                                                        "how much N3 there?")
    text = last_answer(demo, "between 3 and 4 am, how many apneas?", "what stage dominated?")
    assert text.startswith("Between 3 and 4 am: most of the sleep was")


def _count(text: str) -> int:
    return int(re.search(r"have \*\*(\d+)\*\* hypopnea events", text)[1])


def test_hypopneas_tied_to_both_a_desaturation_and_an_arousal(demo) -> None:
    """Probe O: "and an arousal too?" after the hypopneas with a desaturation gave those with an
    arousal (58 for a true 33 with both); the one-question form read only the desaturation."""
    desat = _count(last_answer(demo, "how many hypopneas had a desat?"))
    desat_only = _count(last_answer(demo, "how many hypopneas had a desaturation but no arousal?"))
    both = _count(last_answer(demo, "how many hypopneas had a desat?", "and an arousal too?"))
    assert 0 < both < desat and both + desat_only == desat
    assert _count(last_answer(demo, "how many hypopneas had both a desaturation and an arousal?")) == both
    assert _count(last_answer(demo, "hypopneas with an arousal and a desaturation")) == both
    assert _count(last_answer(demo, "how many hypopneas had a desat?", "how many had an arousal as well?")) == both


def test_another_tie_after_a_tie_with_an_exclusion_sets_both_aside(demo) -> None:
    """Probe O: "arousal only", then "and with a 3% desat?" gave 0 hypopneas "with an oxygen
    desaturation and without an oxygen desaturation"."""
    text = last_answer(demo, "the hypopneas - how many were scored on arousal only?", "and with a 3% desat?")
    assert "without" not in text.split("(mean")[0]
    assert _count(text) == _count(last_answer(demo, "how many hypopneas had a desat?"))


@pytest.mark.parametrize("question", ["spindle density in the first half vs the second half",
                                      "does spindle density differ between first and second half?"])
def test_spindles_by_half_are_counted_per_minute_of_n2(demo, question: str) -> None:
    """Probe O: per minute of all sleep, a second half with more REM and wake read as 1.6 times
    poorer in spindles (2.91 against 1.77/min) where N2 held 3.61 against 3.59."""
    text = last_answer(demo, question)
    first = re.search(r"\*\*(\d+)\*\* in N2 in the first half \((\d+) min asleep", text) or re.search(
        r"in N2 in the first half \((\d+) in (\d+) min of sleep\)", text)
    alone = last_answer(demo, "spindle density in N2 in the first half")
    assert first and re.search(rf"^\*\*[\d.]+ per minute\*\* of sleep in N2 in the first half: {first[1]} ", alone)


@pytest.mark.parametrize("text, plain", [("write a report for the pediatrician", False),
                                         ("write a report for the parents", True),
                                         ("summarize the night for the parents", True)])
def test_a_report_for_a_named_reader(demo, text: str, plain: bool) -> None:
    """Probe O: "write a report for the pediatrician" gave the one-paragraph summary."""
    answer = last_answer(demo, text)
    assert answer.startswith("## Sleep study report: synthetic_night") and ("*In plain words:*" in answer) is plain


@pytest.mark.parametrize("text", ["compare first half of the night to the second half",
                                  "compare the first half to the second half"])
def test_compare_one_half_to_the_other(text: str) -> None:
    """Probe O: "... to the second half" fell back where "... with the second half" worked."""
    groups = understand(text).groups
    assert groups and [(g.time.start, g.time.end) for g in groups] == [(0.0, 0.5), (0.5, 1.0)]


def test_a_rem_ahi_on_little_rem_says_how_few_events_it_rests_on(demo) -> None:
    """Probe O: a REM AHI of 40.0/h from 12 events in 18 min of REM, with no word of it."""
    text = last_answer(demo, "AHI in REM vs NREM in the first 3 hours")
    m = re.search(r"\*\*Only ([\d.]+) min of REM\*\*: the REM AHI rests on (\d+) events? \(95 % interval "
                  r"([\d.]+)-([\d.]+)/h\)", text)
    row = re.search(r"^\| REM \| ([\d.]+) \| (\d+) \| ([\d.]+) \|", text, re.M)
    assert m and row and m[1] == row[1] and m[2] == row[2] and float(m[3]) < float(row[3]) < float(m[4])
    assert "Only" not in last_answer(demo, "AHI in REM vs NREM")   # 81.5 min of REM


@pytest.mark.parametrize("text", ["is that enough REM to trust the REM AHI?", "is the REM AHI reliable with so little REM?"])
def test_whether_the_rem_ahi_can_be_trusted_is_the_ahi_by_stage(text: str) -> None:
    query = understand(text)
    assert query.intent.value == "breakdown" and query.by == "stage"


def test_a_childs_severity_is_graded_by_the_obstructive_ahi(child, demo) -> None:
    """Probe O: "what severity?" on a 10-year-old's night said only that the adult bands do not apply."""
    from app.chat import norms

    night, _ = child
    stages = np.asarray(night.stages()[0])
    asleep = [e for e in night.recording.events if e.type in ("obstructive_apnea", "mixed_apnea", "hypopnea")
              and stages[night.epoch_at(e.onset)] > 0]
    oahi = len(asleep) / (np.sum(stages > 0) * EPOCH_SEC / 3600)
    text = last_answer(child, "what severity?")
    m = re.search(r"- obstructive AHI: \*\*([\d.]+)/h of sleep \((\d+) obstructive and mixed apneas and hypopneas\): (.+)\*\*", text)
    assert m and float(m[1]) == pytest.approx(oahi, abs=0.05) and int(m[2]) == len(asleep)
    assert m[3] == norms.child_band(float(m[1]))
    assert "obstructive AHI:" not in last_answer(demo, "what severity?")


@pytest.mark.parametrize("oahi, band", [(0.5, "normal"), (1.0, "mild"), (4.9, "mild"), (5.0, "moderate"), (12.0, "severe")])
def test_the_pediatric_bands(oahi: float, band: str) -> None:
    from app.chat import norms

    assert norms.child_band(oahi).startswith(band)


def test_a_childs_heart_rate_against_the_adult_limits_says_they_are_an_adults(child, demo) -> None:
    assert "These limits are an adult's: the file's header gives age 10" in last_answer(child, "is the heart rate normal?")
    assert "These limits are an adult's" not in last_answer(demo, "is the heart rate normal?")


def _position_at(night, seconds: float) -> str:
    """The position channel's reading at ``seconds``, as the recording holds it."""
    from sleeplm_core.io.position import POSITION_NAMES, decode_position

    sig = night.recording.signals["Position"]
    codes, _ = decode_position(np.asarray(sig.data[int(seconds * sig.sfreq):][:1], dtype=float))
    return POSITION_NAMES[int(codes[0])]


def test_the_position_during_one_ranked_event_and_then_at_the_nadir(demo) -> None:
    """Probe O: "was the patient on her back during the longest apnea?" and "and at the nadir?"
    gave the apnea-by-position table."""
    from app.session import Session

    night, engine = demo
    session = Session(night)
    first = session.ask("was the patient on her back during the longest apnea?", engine).text
    nadir = session.ask("and at the nadir?", engine).text
    longest = max((e for e in night.recording.events if e.type.endswith("apnea") and e.type != "hypopnea"),
                  key=lambda e: (e.duration, -e.onset))
    at = re.search(r"The lowest SpO2 was read at \*\*(\d\d):(\d\d):(\d\d)\*\*", nadir)
    assert first.startswith(("Yes.", "No.")) and clock(night, longest.onset) in first and at
    seconds = (int(at[1]) * 3600 + int(at[2]) * 60 + int(at[3]) - 22.5 * 3600) % 86400
    assert nadir.startswith("Yes." if _position_at(night, seconds) == "supine" else "No.")


def test_did_the_ahi_improve_on_her_side_is_the_positional_split() -> None:
    query = understand("did the AHI improve when she turned onto her side?")
    assert query.intent.value == "breakdown" and query.by == "position"


def test_show_one_and_explain_how_it_differs(demo) -> None:
    """Probe O: the one-question form showed an obstructive apnea and explained nothing."""
    from app.chat.compound import compound

    assert compound("show me a central apnea and explain how it differs from obstructive") == (
        "show me a central apnea", "how does it differ from obstructive?")
    text = last_answer(demo, "show me a central apnea and explain how it differs from obstructive")
    shown = re.search(r"^- \*\*[\d:–]+\*\* \([\d.]+ s, (\w+ apnea), stage", text, re.M)
    assert shown and shown[1] == "central apnea"
    assert "In an obstructive apnea they keep working against a closed upper airway" in text


@pytest.mark.parametrize("text", ["is the staging manual or automatic?", "is this staging done by a human or the machine?",
                                  "is the staging automatic?", "was this scored by a human?"])
def test_whether_the_staging_is_manual_is_who_scored_it(demo_unscored, text: str) -> None:
    """Probe O: "is the staging manual or automatic?" answered "staging manual 100 %" from the
    model's text tower, on a machine-staged night."""
    assert last_answer(demo_unscored, text).startswith("This night has **no human scoring**")


def test_machine_awakenings_by_cause_count_the_longer_ones_apart(demo_unscored) -> None:
    """Probe O (unscored): "how many awakenings were caused by apneas?" gave 23 of 34 with a
    breathing event, most of the 34 single wake epochs the machine put inside sleep; the scorer
    had 2 of 15."""
    text = last_answer(demo_unscored, "how many awakenings were caused by apneas?")
    m = re.search(r"\*\*(\d+)\*\* awakenings\. .*\*\*(\d+)\*\* of them are a single 30-s epoch.*counting wake runs of a "
                  r"minute or more, \*\*(\d+)\*\* awakenings, of which (.+?)\.", text)
    assert m and int(m[1]) == int(m[2]) + int(m[3])
    assert sum(int(n) for n in re.findall(r"\*\*(\d+)\*\*", m[4])) == int(m[3])


@pytest.mark.parametrize("pair", ["demo_unscored", "sc4001_unscored"])
def test_halves_of_a_machine_staged_night_say_where_the_model_puts_sleep_apart(pair: str, request) -> None:
    """Probe O (seed 13243 unscored): the halves' AHI read 41.1 -> 45.8/h on YASA's 158 and 72 min
    asleep, with no word that the model put 163 and 98 there (the truth fell, 40.1 -> 34.3)."""
    night, engine = request.getfixturevalue(pair)
    text = last_answer((night, engine), "compare the first half of the night with the second half")
    model = np.asarray(night.model_check().stages()[0])
    epoch_at = {}
    for i, start in enumerate(night.epochs.starts):
        epoch_at.setdefault(clock(night, float(start))[:5], i)
    header = next(line for line in text.splitlines() if line.startswith("| |"))
    bounds = [(epoch_at[a], epoch_at.get(b, len(model))) for a, b in re.findall(r"\((\d\d:\d\d)–(\d\d:\d\d)\)", header)]
    mine = [int(m) for m in re.search(r"^\| asleep \| (\d+) min \| (\d+) min \|", text, re.M).groups()]
    theirs = [float(np.isin(model[a:b], (1, 2, 3, 4)).sum()) * EPOCH_SEC / 60 for a, b in bounds]
    gaps = [abs(t - m) - 30 * (b - a) * EPOCH_SEC / 60 / 480 for t, m, (a, b) in zip(theirs, mine, bounds)]
    said = re.search(r"\*\*Not settled\*\*: the model's zero-shot staging puts (\d+) and (\d+) min asleep in them, "
                     r"against the machine staging's (\d+) and (\d+)", text)
    if min(abs(g) for g in gaps) > 1:   # the night is not on the cut, where rounding decides
        assert bool(said) == any(g >= 0 for g in gaps)
    if said:
        assert [int(x) for x in said.groups()] == [round(t) for t in theirs] + mine


def test_one_misstaged_epoch_inside_a_first_rem_does_not_make_it_lone(sc4001_unscored) -> None:
    """Probe O (seed 13243 unscored): machine REM, W, REM from 23:59:30 was called "a lone 0.5-min
    run", and the latency "may be" 433.5 min; the scorer had 2.5 min of REM there (latency 74.5)."""
    night, _ = sc4001_unscored
    stages = np.asarray(night.stages()[0])
    first = int(np.flatnonzero(stages == STAGES.index("REM"))[0])
    assert stages[first + 1] != STAGES.index("REM") and stages[first + 2] == STAGES.index("REM")
    assert "a lone" not in last_answer(sc4001_unscored, "REM latency?")


def test_the_deepest_of_the_desaturations_past_a_depth_is_the_deepest(demo) -> None:
    """Probe O: "the deepest one" after the desaturations of 3 % or more gave the longest."""
    listed = last_answer(demo, "how many desaturations of 3% or more?")
    deepest = last_answer(demo, "how many desaturations of 3% or more?", "show me the deepest one")
    depth = float(re.search(r"fell \*\*([\d.]+) %\*\* below its baseline", deepest)[1])
    alone = last_answer(demo, "what was the deepest desaturation?")
    assert "The longest" not in deepest and f"**{depth:.1f} %**" in alone.split("\n")[0] and listed


def test_how_deep_the_desaturation_after_one_ranked_apnea_was(demo) -> None:
    """Probe O: the longest desaturation tied to any apnea, with no depth."""
    text = last_answer(demo, "how deep was the desat after the longest apnea?")
    alone = last_answer(demo, "show me the longest apnea", "how deep was the desaturation after it?")
    depth = re.search(r"down \*\*([\d.]+) points\*\* from its baseline", text)
    assert depth and depth[0] in alone


def test_hypopneas_meeting_the_4_percent_rule(demo) -> None:
    """Probe O: "how many hypopneas meet 4% only?" listed every hypopnea."""
    assert _count(last_answer(demo, "how many hypopneas meet 4% only?")) == _count(
        last_answer(demo, "how many hypopneas had a 4% desaturation?"))


def test_model_matches_for_words_nothing_scores_say_they_are_no_finding(demo) -> None:
    """Probe O: "is there paradoxical breathing?" gave five model matches at p = 0.92-0.95, bare."""
    text = last_answer(demo, "is there paradoxical breathing?")
    assert text.startswith("The model's best matches for “paradoxical breathing”") and "not findings" in text
    assert "not findings" not in last_answer(demo, "where are the apneas?")


def test_which_of_two_spans_had_worse_sats_compares_them(demo) -> None:
    """Probe O: "which had worse sats?" after the events of the first and the last 2 hours gave the
    whole night's SpO2."""
    text = last_answer(demo, "how many events in the first 2 hours of sleep", "and the last 2 hours?",
                       "which had worse sats?")
    # stop 79: by each span's nadir and time under 90 %, not the means alone
    assert "| SpO2 mean / lowest | 95.6 % / 87.1 % | 95.5 % / 87.3 % |" in text
    assert text.startswith("**Neither clearly**: the nadirs are within half a point (lowest 87.1 against 87.3 %")


def test_epochs_like_one_within_this_night(demo) -> None:
    """Probe O: "find more like this in this night" searched the library's other nights, and
    "find other events like the longest apnea in this night" listed the apneas."""
    from dataclasses import replace as swap

    from app.session import Session

    night, engine = demo
    for eng in (engine, swap(engine, library=None)):   # the library is not needed
        session = Session(night)
        text = session.ask("find other events like the longest apnea in this night", eng).text
        assert text.startswith("Epochs of this night closest to the longest apnea at "), text
        rows = re.findall(r"^- ([+-][\d.]+) · epoch (\d+) \(\*\*([\d:]+)\*\*, stage (\w+)\): (.+)$", text, re.M)
        focus = int(re.search(r"\(epoch (\d+)\)", text.split("\n")[0])[1])
        assert len(rows) == 6 and [float(r[0]) for r in rows] == sorted((float(r[0]) for r in rows), reverse=True)
        for _, epoch, at, stage, held in rows:
            e = int(epoch)
            start = float(night.epochs.starts[e])
            kinds = {ev.type.replace("_", " ") for ev in night.recording.events
                     if ev.onset < start + EPOCH_SEC and ev.offset > start}
            assert abs(e - focus) > 1 and at == clock(night, start) and stage == STAGES[night.stages()[0][e]]
            assert set(held.split(", ")) == kinds if kinds else held == "no scored event"
        second = int(rows[1][1])
        assert session.ask("show me the second one", eng).text.split("\n")[0].count(f"Epoch {second} ") == 1


@pytest.mark.parametrize("text, reads", [
    ("hey, how did this pt sleep?", "how did this patient sleep?"), ("give me the impression", "what stands out?"),
    ("any signal problems?", "any bad signals?"), ("what severity would you call it?", "what severity?"),
    ("hypoventilation?", "any hypoventilation?"), ("a 3 pt drop", "a 3 pt drop"),
])
def test_a_technicians_phrasings_read_as_their_questions(text: str, reads: str) -> None:
    """Probe O: each fell back (the help, "not about this recording", or the summary)."""
    from app.chat.learner import standard_english

    assert standard_english(without_remark(text)) == reads


def test_the_models_matches_keep_the_asked_length(demo) -> None:
    """Probe O: "count the apneas longer than 40 s" found none scored, then model matches of 14 s."""
    text = last_answer(demo, "count the apneas longer than 40 s")
    lengths = [int(s) for s in re.findall(r"^- \*\*[\d:–]+\*\* \((\d+) s, p = ", text, re.M)]
    assert "**0** apnea events lasting 40 s or more" in text and all(n >= 40 for n in lengths)


def test_were_they_all_of_a_type_reads_the_events_just_listed(demo) -> None:
    """Probe O: "count the apneas longer than 40 s", "list them", "were they all obstructive?" fell back."""
    night, _ = demo
    long = [e for e in night.recording.events if e.type in ("obstructive_apnea", "central_apnea", "mixed_apnea")
            and e.duration >= 30]
    obstructive = sum(e.type == "obstructive_apnea" for e in long)
    text = last_answer(demo, "count the apneas longer than 30 s", "list them", "were they all obstructive?")
    assert text.startswith(f"**{obstructive}** of the {len(long)} apnea events lasting 30 s or more")
