"""A home sleep test (airflow, belts, SpO2, pulse, position; no EEG) loaded without its
scoring: answers lead with the REI and say that the stages are the model's guess."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from app.chat import norms
from app.night import LoadedNight, _spectrogram, embed_night
from app.session import Session
from sleeplm_core.heads.summary import APNEA_TYPES
from sleeplm_core.io.edf_write import write_edf
from sleeplm_core.io.epochs import make_epochs
from sleeplm_core.io.load import load_recording
from sleeplm_core.io.montage import map_montage
from sleeplm_core.io.recording import EPOCH_SEC
from sleeplm_core.io.synth import SynthConfig, synth_night


@pytest.fixture(scope="module")
def home_test(demo, tmp_path_factory: pytest.TempPathFactory):
    """A 2-h home sleep test, scored by the generator, read back with the scoring dropped."""
    _, engine = demo
    path = Path(tmp_path_factory.mktemp("hst")) / "hst.edf"
    write_edf(synth_night(SynthConfig(hours=2.0, ahi=30.0, profile="hst", seed=77)), path)
    rec = load_recording(path)
    truth = [e for e in rec.events if e.type in APNEA_TYPES]
    rec.stages, rec.events = np.zeros(0, dtype=np.int8), []
    montage = map_montage(rec)
    epochs = make_epochs(rec, montage)
    night = LoadedNight("hst", rec, montage, epochs, _spectrogram(rec, epochs))
    embed_night(night, engine)
    return night, engine, truth


def test_the_summary_leads_with_the_rei(home_test) -> None:
    night, engine, _ = home_test
    assert not any(slot in night.epochs.mapping for slot in ("EEG_C3", "EEG_C4"))
    text = Session(night).ask("summarize the night", engine).text
    s = night.summary()
    events = [e for e in night.machine.events if e.type in APNEA_TYPES]
    assert s.rei == pytest.approx(len(events) / (s.tib_min / 60))
    assert text.startswith(f"**REI {s.rei:.1f}/h**") and "no EEG" in text


def test_the_ahi_question_gets_the_rei_first(home_test) -> None:
    night, engine, truth = home_test
    text = Session(night).ask("what is the AHI?", engine).text
    assert text.startswith("**REI") and "guessed sleep" in text
    # The machine's events per hour of recording are near the generator's own count.
    rei = night.summary().rei
    assert abs(rei - len(truth) / 2.0) < 0.35 * len(truth) / 2.0, (rei, len(truth))


def test_stage_answers_warn_without_eeg(home_test) -> None:
    night, engine, _ = home_test
    for question in ("how much deep sleep?", "why is epoch 100 N2?", "how many sleep cycles?"):
        assert "no EEG, so its sleep cannot be staged" in Session(night).ask(question,
                                                                             engine).text


def test_a_scored_night_gets_no_warning(demo) -> None:
    night, engine = demo
    for question in ("summarize the night", "how much deep sleep?"):
        text = Session(night).ask(question, engine).text
        assert "cannot be staged" not in text and "REI" not in text


def test_the_breathing_overview_grades_the_rei(home_test) -> None:
    night, engine, _ = home_test
    text = Session(night).ask("how was the breathing overall?", engine).text
    s = night.summary()
    assert f"- REI **{s.rei:.1f}/h**" in text and f"would be {s.ahi:.1f}/h" in text
    assert "- AHI **" not in text and "no EEG, so its sleep cannot be staged" in text


def test_severity_and_the_rei_by_name_grade_the_rei(home_test) -> None:
    night, engine, _ = home_test
    rei = night.summary().rei
    text = Session(night).ask("how bad is the sleep apnea?", engine).text
    assert f"REI: **{rei:.1f} events/h recorded" in text and "AHI:" not in text, text
    assert Session(night).ask("what's the REI?", engine).text.startswith(f"**REI {rei:.1f}/h**")


def test_worse_breathing_on_the_back_splits_the_events_by_position(home_test) -> None:
    night, engine, _ = home_test
    text = Session(night).ask("is the breathing worse on the back?", engine).text
    # the yes or no first (stop 60), then the REI's split
    lead, body = text.split("\n\n", 1)
    assert re.match(r"\*\*(?:Yes|No|Not clearly)\*\*: ", lead) and "a supine REI at least twice" in lead, lead
    assert body.startswith("REI by body position"), text


def test_a_split_without_eeg_is_per_hour_recorded(home_test) -> None:
    """"supine REI" counted per hour of the model's guessed sleep, and left out the events
    that fell in its guessed wake."""
    night, engine, _ = home_test
    text = Session(night).ask("what was the supine REI?", engine).text
    assert "per hour recorded in that group" in text and "min asleep" not in text, text
    found = re.findall(r"^\| (?:left|right|supine|prone|upright) \| ([\d.]+) \| (\d+) \|", text,
                       re.M)
    assert sum(float(m) for m, _ in found) == night.n_epochs * EPOCH_SEC / 60, found
    events = [e for e in night.machine.events if e.type in APNEA_TYPES]
    assert sum(int(n) for _, n in found) == len(events), found


def test_findings_without_eeg_leave_the_guessed_stages_out(home_test) -> None:
    night, engine, _ = home_test
    text = Session(night).ask("any red flags?", engine).text
    assert "REI **" in text and "stage statistics are not read" in text, text
    assert "healthy adults" not in text



def test_the_norms_without_eeg_are_not_read_against_guessed_stages(home_test) -> None:
    """"is this normal?" read the model's guessed stages against healthy sleepers' norms."""
    night, engine, _ = home_test
    text = Session(night).ask("is this normal?", engine).text
    assert text.startswith("This recording has no EEG, so sleep cannot be staged"), text
    assert "REM:" not in text and "typical" not in text, text
    assert f"Its REI is **{night.summary().rei:.1f}/h**" in text, text


def test_a_span_summary_without_eeg_leads_with_its_rei(home_test) -> None:
    night, engine, _ = home_test
    text = Session(night).ask("summarize the last hour", engine).text
    assert text.startswith("**REI ") and "per hour of the 1.0 h recorded" in text, text


def test_stage_transitions_are_not_counted_in_a_guess(home_test) -> None:
    """A home test's "how many transitions from REM to wake?" counted 83 changes of the
    model's guessed stages (17 per hour)."""
    night, engine, _ = home_test
    text = Session(night).ask("how many transitions from REM to wake?", engine).text
    assert text.startswith("This recording has no EEG") and "transition" in text
    assert not re.search(r"\*\*\d+\*\* transition", text)


def test_the_machine_scored_events_are_named_without_a_machine_staging(home_test) -> None:
    """A home test's scoring answer said the machine could not stage it, and not which of
    its events it did score."""
    night, engine, _ = home_test
    text = Session(night).ask("which events were machine scored?", engine).text
    n = sum(e.type == "hypopnea" for e in night.machine.events)
    assert "could not stage it" in text and f"hypopnea {n}" in text, text


def test_events_one_per_epoch_have_no_busiest_epoch(home_test) -> None:
    night, engine, _ = home_test
    epochs = [night.epoch_at(e.onset) for e in night.machine.events if e.type.endswith("apnea")]
    assert len(epochs) > 1 and len(set(epochs)) == len(epochs)   # 2 h of scattered apneas
    text = Session(night).ask("which epoch had the most apneas?", engine).text
    assert text.startswith(f"No epoch holds more than one apnea event: the {len(epochs)} "), text


def test_the_kind_of_study_is_read_from_its_usable_channels(home_test, demo) -> None:
    """"what kind of study is this?" gave the REI and the summary."""
    night, engine, _ = home_test
    text = Session(night).ask("what kind of study is this?", engine).text
    assert text.startswith("This is a **home sleep apnea test** (the AASM's type III"), text
    full, engine = demo
    assert Session(full).ask("is this a PSG?", engine).text.startswith(
        "This is a **full polysomnogram (PSG)**")


def test_how_about_supine_after_the_rei_splits_it_by_position(home_test) -> None:
    """It was off topic (the REI again)."""
    night, engine, _ = home_test
    session = Session(night)
    session.ask("what is the REI?", engine)
    text = session.ask("how about supine?", engine).text
    # the supine rate first (per hour recorded, as every rate of a home test), then the split
    assert text.startswith("**REI on the back (supine): ") and "min recorded there" in text, text
    assert "\n\nREI by body position" in text and "| supine |" in text, text


def test_mostly_obstructive_is_the_obstructive_share_with_untyped_hypopneas_named(
        home_test) -> None:
    """"were the events mostly obstructive?" listed every event, desaturations included."""
    night, engine, _ = home_test
    events = night.scored_events()[0]
    obstructive = sum(e.type == "obstructive_apnea" for e in events)
    respiratory = [e for e in events if e.type in (*APNEA_TYPES, "hypopnea")]
    hypopneas = sum(e.type == "hypopnea" for e in respiratory)
    text = Session(night).ask("were the events mostly obstructive?", engine).text
    verdict = "**Yes**: " if obstructive > len(respiratory) / 2 else "**No**: "
    assert text.startswith(f"{verdict}**{obstructive}** of the {len(respiratory)} respiratory events"), text
    assert f"The {hypopneas} hypopneas among them are not typed" in text


def test_sleep_time_without_eeg_is_not_measured_and_the_guess_says_how_rough(home_test) -> None:
    """"how much did they sleep?" led with the model's guess as if measured."""
    night, engine, _ = home_test
    for question, stat in (("how much did they sleep?", "total sleep time"),
                           ("what's the sleep efficiency?", "sleep efficiency")):
        text = Session(night).ask(question, engine).text
        assert text.startswith("**Not measured**: without EEG"), text
        assert f"so a rough one: {stat}: **" in text, text


def test_the_odi_without_eeg_is_per_hour_recorded(home_test) -> None:
    """It was per hour of the model's guessed sleep, beside an REI per hour recorded."""
    night, engine, _ = home_test
    text = Session(night).ask("what's the ODI?", engine).text
    m = re.match(r"ODI \*\*([\d.]+)/h\*\* of the ([\d.]+) h recorded", text)
    assert m, text
    desaturations = [e for e in night.scored_events()[0] if e.type == "desaturation"]
    assert float(m.group(1)) == pytest.approx(len(desaturations) / (night.summary().tib_min / 60),
                                              abs=0.06)


def test_how_sleep_was_found_says_the_stages_are_a_guess(home_test) -> None:
    """"so how do you know when they were asleep?" gave the model's minutes of sleep as if
    measured (stop 48); now how the stages were found: without EEG, the model's guess."""
    night, engine, _ = home_test
    text = Session(night).ask("so how do you know when they were asleep?", engine).text
    assert "The machine could not stage it" in text and "model's zero-shot guess" in text, text
    assert "(the REI)" in text


def test_what_a_full_psg_would_change(home_test) -> None:
    """"what would change if this were a full PSG?" was not understood (stop 48)."""
    night, engine, _ = home_test
    text = Session(night).ask("what would change if this were a full PSG?", engine).text
    assert text.startswith("**Home sleep apnea test (HSAT).**") and "REI" in text, text
    listed = re.findall(r"\*\*([^*]+)\*\* \([\d.]+ Hz\)", text.split("In this file:")[1])
    assert listed and all(label in night.recording.signals for label in listed), text
    assert not any("EEG" in label for label in listed)


def test_how_sleep_changes_with_age_leaves_the_guessed_stages_out(home_test) -> None:
    night, engine, _ = home_test
    text = Session(night).ask("how does sleep change with age?", engine).text
    assert text.startswith("**How a healthy night changes with age.**"), text
    assert "| REM (%) | 19–27 | 17–25 | 15–24 | 14–23 | – |" in text and "has no EEG" in text, text


def test_why_the_rei_is_an_estimate_is_how_sleep_was_found(home_test) -> None:
    """"why is it an estimate?" after the REI was off topic."""
    night, engine, _ = home_test
    session = Session(night)
    session.ask("what's the REI?", engine)
    text = session.ask("why is it an estimate?", engine).text
    assert "Without EEG, sleep and wake are not measured here" in text, text


def test_no_two_stagings_without_eeg(home_test) -> None:
    night, engine, _ = home_test
    text = Session(night).ask("show the confusion matrix", engine).text
    assert text.startswith("There are no two stagings of this night to compare: the machine could not stage"), text


def test_an_explanation_says_why_the_night_has_no_example(home_test) -> None:
    """"what does a spindle look like?" on a night without EEG said "I found no example"."""
    night, engine, _ = home_test
    text = Session(night).ask("what does a spindle look like?", engine).text
    assert text.startswith("**Sleep spindle.**"), text
    assert "This night's sleep spindle events could not be scored, so I have no example to show: " \
           "spindles: no EEG" in text, text


def test_why_not_after_events_that_could_not_be_scored(home_test) -> None:
    """"why not?" after "any spindles?" was off topic; since stop 66 it leads with what the
    scorer needs and this file lacks (before, with the definition of a spindle and the reason last)."""
    night, engine, _ = home_test
    session = Session(night)
    assert "were not scored on this night" in session.ask("any spindles?", engine).text
    text = session.ask("why not?", engine).text
    assert text == Session(night).ask("what do you need to score spindles?", engine).text
    assert text.startswith("To score sleep spindles") and "EEG" in text, text


@pytest.mark.parametrize("question, said", [
    ("how many apneas were central?", "By stage (the model's guess: no EEG): "),
    ("what was the lowest oxygen?", "(the model's guess: no EEG)."),
])
def test_a_guessed_stage_is_said_to_be_one(home_test, question, said) -> None:
    """An event list's split by stage and the stage of the lowest SpO2 read the model's
    guessed stages as if scored."""
    night, engine, _ = home_test
    assert said in Session(night).ask(question, engine).text


def test_whether_a_full_psg_is_needed_is_a_clinicians_call(home_test) -> None:
    """"is a full PSG needed?" was not understood."""
    night, engine, _ = home_test
    text = Session(night).ask("is a full PSG needed?", engine).text
    assert text.startswith("I can't diagnose or advise") and "REI" in text, text


def test_how_far_the_rei_holds_divides_by_the_guessed_sleep_too(home_test) -> None:
    """"how reliable is the REI?" on a home test: per hour recorded as reported, per hour of
    the model's guessed sleep beside it, and how the machine's breathing rules were checked."""
    night, engine, _ = home_test
    text = Session(night).ask("how reliable is the REI?", engine).text
    s = night.summary()
    assert text.startswith(f"**REI {s.rei:.1f}/h** as reported"), text
    events = [e for e in night.machine.events if e.type in APNEA_TYPES]
    asleep = night.predicted > 0
    rate = sum(bool(asleep[night.epoch_at(e.onset)]) for e in events) / (asleep.sum() * EPOCH_SEC / 3600)
    assert "| sleep as the model-predicted (SleepLM zero-shot) staging has it | " in text, text
    assert f"**{rate:.1f}/h**" in text, text
    assert "machine's respiratory rules against the true events" in text, text


def test_a_teaching_example_is_refused_on_guessed_stages(home_test) -> None:
    """An example of REM on a home test showed an epoch the model guessed, as if a class could
    learn the stage from it."""
    night, engine, _ = home_test
    text = Session(night).ask("show me a good example of REM", engine).text
    assert text.startswith("This night's stages are only the model's guess"), text


def test_how_to_tell_two_stages_apart_without_eeg_gives_their_hallmarks(home_test) -> None:
    """"how do I tell REM from N2?" on a night without EEG had no measure to compare."""
    night, engine, _ = home_test
    text = Session(night).ask("how do I tell REM from N2?", engine).text
    assert text.startswith("- **REM** is marked by the rapid eye movements") and "- **N2** is marked" in text
    assert text.endswith("This recording has no EEG or EOG, so neither can be measured on it."), text


@pytest.mark.parametrize("asked, value", [("is an REI of 12 mild?", 12.0), ("is an AHI of 40 severe?", 40.0)])
def test_a_stated_index_on_a_home_test_is_graded_before_the_rei(home_test, asked, value) -> None:
    """"is an REI of 12 mild?" on a home test gave the recording's REI alone."""
    night, engine, _ = home_test
    text = Session(night).ask(asked, engine).text
    assert text.startswith(f"An index of **{value:g}/h** (a home test's REI is graded on the AHI's "
                           f"scale) is {norms.graded(value, night)}."), text
    assert f"This recording's own: **REI {night.summary().rei:.1f}/h**" in text, text


def test_the_report_warns_once_that_sleep_was_guessed(home_test) -> None:
    """Each answer that rests on the guessed stages warns; the report, made of several, said it
    in two of its sections."""
    night, engine, _ = home_test
    text = Session(night).ask("write a report", engine).text
    assert text.count("no EEG, so its sleep cannot be staged") == 1
    assert text.index("no EEG, so its sleep cannot be staged") < text.index("### Recording")
    assert "\n\n\n" not in text


def test_is_it_positional_without_eeg_reads_the_rei_per_hour_recorded(home_test) -> None:
    """"is it positional?" on a home test gave the table without the yes or no (stop 60)."""
    night, engine, _ = home_test
    text = Session(night).ask("is it positional?", engine).text
    lead = text.split("\n\n")[0]
    assert re.match(r"\*\*(?:Yes|No), by the usual definition of positional apnea\*\* \(a supine REI "
                    r"at least twice the non-supine REI", lead), lead
    supine = re.search(r"^\| supine \| ([\d.]+) \| (\d+) \|", text, re.M)
    if supine:
        assert f"({supine.group(2)} in {float(supine.group(1)):.0f} min recorded)" in lead
    assert "of sleep" not in lead


def test_how_did_you_estimate_sleep_says_where_the_stages_come_from(home_test) -> None:
    """"how did you estimate sleep?" repeated the REI and the summary (stop 60)."""
    night, engine, _ = home_test
    text = Session(night).ask("how did you estimate sleep?", engine).text
    assert text == Session(night).ask("how reliable is the staging?", engine).text
    assert "the model's zero-shot guess from the other signals" in text


@pytest.mark.parametrize(("asked", "kind"), [("what's the ODI 4%", "desaturation"), ("ODI 3%", "desaturation"),
                                             ("how many apneas per hour?", "apnea")])
def test_an_event_rate_is_per_hour_recorded(home_test, asked, kind) -> None:
    """"what's the ODI 4%" gave the desaturations per hour of the model's guessed sleep."""
    night, engine, _ = home_test
    text = Session(night).ask(asked, engine).text
    n = int(re.search(r"recorded: (\d+) ", text)[1])
    assert text.startswith(f"**{60 * n / night.summary().tib_min:.2f} per hour** recorded: {n} "), text[:200]
    assert "(no EEG: sleep is only guessed" in text and "of sleep" not in text.split("\n")[0]


def test_the_breathing_overview_gives_the_odi_and_the_rei_per_hour_recorded(home_test) -> None:
    """The overview's ODI, and "anything notable in the breathing?", read the guessed sleep (the
    AHI, not the REI)."""
    night, engine, _ = home_test
    s = night.summary()
    n = sum(e.type == "desaturation" for e in night.scored_events()[0])
    overview = Session(night).ask("summarize the breathing", engine).text
    assert f"ODI **{60 * n / s.tib_min:.1f}/h** ({n} desaturations ≥3 % per hour of the" in overview, overview
    notable = Session(night).ask("anything notable in the breathing?", engine).text
    assert notable.startswith(f"Against the usual limits, the REI of **{s.rei:.1f}/h**"), notable[:120]


def _ask(home_test, *questions: str) -> str:
    night, engine, _ = home_test
    session = Session(night)
    return [session.ask(q, engine).text for q in questions][-1]


def test_time_under_a_saturation_is_a_share_of_the_time_recorded(home_test) -> None:
    """"how long was she under 88%?" gave a share of the model's guessed sleep."""
    text = _ask(home_test, "what's the T90?")
    m = re.search(r"T90: \*\*([\d.]+) min\*\*, \*\*([\d.]+) % of the time recorded\*\*", text)
    assert m, text[:120]
    minutes = home_test[0].recording.duration / 60
    assert float(m[2]) == pytest.approx(100 * float(m[1]) / minutes, abs=0.1)
    assert "% of sleep" not in text


def test_the_breathing_overview_reads_per_time_recorded(home_test) -> None:
    """The overview's T90 and snoring were shares of the guessed sleep."""
    text = _ask(home_test, "how was the breathing overall?")
    assert "% of the time recorded (T90)" in text or "SpO2 under 90 %" not in text
    assert "% of sleep" not in text


def test_can_you_tell_sleep_from_wake_says_how_it_was_staged(home_test) -> None:
    """"can you tell sleep from wake?" gave the REI and the guessed hypnogram's numbers."""
    assert _ask(home_test, "can you tell sleep from wake?") == _ask(home_test, "can you stage this night?")


@pytest.mark.parametrize("question, lead", [
    ("REM latency", "**Not measured**: without EEG, REM, N1, N2 and N3 cannot be told apart"),
    ("how much REM?", "**Not measured**: without EEG, REM, N1, N2 and N3 cannot be told apart"),
    ("how many sleep cycles?", "**Not measured**: without EEG, REM, N1, N2 and N3 cannot be told apart"),
    ("when was the first N3?", "**Not measured**: without EEG, REM, N1, N2 and N3 cannot be told apart"),
    ("how many awakenings?", "**Not measured**: without EEG, sleep cannot be told from wake"),
    ("when did she fall asleep?", "**Not measured**: without EEG, sleep cannot be told from wake"),
    ("any SOREMPs?", "**Cannot be told** without EEG: a sleep-onset REM period (SOREMP)"),
])
def test_a_stage_answer_without_eeg_leads_with_not_measured(home_test, question, lead) -> None:
    """A 5-h home test answered "**Yes**" to "any SOREMPs?" and a REM latency of 0.0 min from the
    model's guess (its true REM latency was 192 min), with only the closing warning."""
    night, engine, _ = home_test
    text = Session(night).ask(question, engine).text
    assert text.startswith(lead), text
    assert "**Yes**" not in text and "**No**" not in text
    assert "κ 0.33" in text or "κ 0.45" in text


def test_the_severity_answers_odi_is_per_hour_recorded_like_its_rei(home_test) -> None:
    """Beside "REI 22.7 events/h recorded" the ODI read 36.4/h, per hour of the model's guessed
    sleep, without saying so (per hour recorded it was 20.5/h)."""
    night, engine, _ = home_test
    s = night.summary()
    text = Session(night).ask("how severe is the apnea?", engine).text
    assert f"- ODI: **{60 * s.n_desaturations / s.tib_min:.1f}/h recorded ({s.n_desaturations} " in text, text
