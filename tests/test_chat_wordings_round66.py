"""Questions of stop 66, asked as a technician, an educator and a researcher would ask them of
nights not in the repo (synthetic nights written without their scoring), then checked on the
bundled night. Each names what it used to get. Expected answers are the ones the same question
gets asked in another wording, or the night's own scoring and signals, never typed in."""

from __future__ import annotations

import re

import numpy as np
import pytest

from chat_dialogues import last_answer
from sleeplm_core.io.recording import STAGES


def test_a_share_of_sleep_time_below_a_line(demo) -> None:
    """"what percentage of sleep time below 88%?" answered the total sleep time: "sleep time"
    was read as the statistic."""
    text = last_answer(demo, "what percentage of sleep time below 88%?")
    assert text == last_answer(demo, "what's the T88?")
    m = re.match(r"T88: \*\*([\d.]+) min\*\* asleep, \*\*([\d.]+) % of sleep\*\*", text)
    assert m is not None, text[:200]
    # the lead's minutes are the sleep's, as in the stretches' own line
    assert f"**{m[2]} % of sleep** ({m[1]} of " in text


@pytest.mark.parametrize(("asked", "same"), [
    ("what is the mean heart rate asleep?", "mean heart rate during sleep"),
    ("lowest SpO2 awake", "lowest SpO2 during wake"),
])
def test_asleep_and_awake_after_the_measure(demo, asked, same) -> None:
    """"mean heart rate asleep" measured the whole night: a state right after the measure, with
    no "in" or "during", was not read as a scope."""
    text = last_answer(demo, asked)
    assert text == last_answer(demo, same)
    assert "in N1/N2/N3/REM" in text or "in W" in text, text[:200]


def test_non_rem_after_rem(demo) -> None:
    """"what about non-REM?" after "and in REM?" repeated the REM answer: "REM" inside
    "non-REM" was read as REM."""
    asked = last_answer(demo, "is it worse on the back?", "and in REM?", "what about non-REM?")
    assert asked == last_answer(demo, "is it worse on the back?", "and in REM?", "and in NREM?")
    assert "in N1/N2/N3" in asked and "in REM" not in asked, asked[:300]


def test_show_the_third_rem_period(demo) -> None:
    """"show me the third REM period" listed every REM period and showed none."""
    listed = last_answer(demo, "how many REM periods were there?")
    third = re.findall(r"^- \*\*(\d\d:\d\d:\d\d–\d\d:\d\d:\d\d)\*\*", listed, re.M)[2]
    text = last_answer(demo, "how many REM periods were there?", "show me the third REM period")
    assert text.startswith(f"**{third}**"), text[:200]


@pytest.mark.parametrize("asked", ["do the REM periods get longer across the night?",
                                   "are later REM periods longer?",
                                   "does REM increase as the night goes on?"])
def test_rem_periods_lengthening_in_other_words(demo, asked) -> None:
    """These were not understood ("none matches ...") or listed the periods without an answer;
    "did REM get longer through the night?" answered them."""
    assert last_answer(demo, asked) == last_answer(demo, "did REM get longer through the night?")


def test_did_they_get_longer_after_the_periods(demo) -> None:
    """"did they get longer through the night?" after the REM periods answered about all sleep
    periods."""
    text = last_answer(demo, "how many REM periods were there?", "did they get longer through the night?")
    assert text == last_answer(demo, "did REM get longer through the night?")
    lengths = [float(m) for m in re.findall(r"\(([\d.]+) min\)", text.split("\n\n", 2)[2])]
    assert text.startswith(f"**{'Yes' if lengths[-1] > lengths[0] else 'No'}**: the last REM period"), text[:200]


def test_a_spindles_own_frequency_and_amplitude(demo) -> None:
    """"what frequency?" after a spindle gave the EEG's peak frequency per stage; "what was its
    amplitude?" was not understood."""
    shown = last_answer(demo, "show me a typical spindle")
    hz = re.search(r"spindle, ([\d.]+) Hz", shown)[1]
    assert last_answer(demo, "show me a typical spindle", "what frequency?").startswith(
        f"Its frequency: **{hz} Hz**.")
    assert last_answer(demo, "show me a typical spindle", "what was its frequency?").startswith(
        f"Its frequency: **{hz} Hz**.")
    text = last_answer(demo, "show me a typical spindle", "what was its amplitude?")
    m = re.match(r"Its amplitude \(peak to peak\): \*\*([\d.]+) µV\*\*", text)
    assert m is not None, text[:200]
    # within the range the spindles' amplitudes compare at
    means = last_answer(demo, "compare spindle amplitude in N2 and N3")
    assert "µV" in means and 5 < float(m[1]) < 500


def test_is_the_eeg_slower_in_the_second_half(demo) -> None:
    """"is the EEG slower in the second half?" was not understood; "is delta power higher in the
    second half?" set the half against the whole night, not the other half."""
    text = last_answer(demo, "is the EEG slower in the second half?")
    assert text == last_answer(demo, "is delta power higher in the second half?")
    m = re.search(r"in the second half: \*\*([\d.]+)\*\* .* vs in the first half: \*\*([\d.]+)\*\*", text)
    assert m is not None, text
    second, first = float(m[1]), float(m[2])
    verdict = text.split(":", 1)[0]
    assert verdict in ("**Yes**", "**No**", "**Not clearly**")
    assert verdict != ("**No**" if second > first else "**Yes**")


@pytest.mark.parametrize("asked", ["was it followed by an arousal?", "did it end with an arousal?"])
def test_followed_by_an_arousal(demo, asked) -> None:
    """"was it followed by an arousal?" after the longest apnea listed every arousal of the night."""
    text = last_answer(demo, "show me the longest apnea", asked)
    assert text == last_answer(demo, "show me the longest apnea", "was there an arousal after it?")
    assert text.startswith(("**Yes**", "**No**")), text[:200]


def test_events_per_hour_are_the_ahi(demo) -> None:
    """"how many events per hour?" counted every detector's events (spindles, eye movements) per
    hour; "in the first half compared to the second" did the same and wrote "Scored event
    events"."""
    night, _ = demo
    ahi = re.search(r"AHI ([\d.]+)/h", last_answer(demo, "summarize the night"))[1]
    assert last_answer(demo, "how many events per hour?").startswith(
        f"AHI (apneas + hypopneas per hour of sleep): **{ahi}/h**")
    halves = last_answer(demo, "how many events per hour in the first half of the night compared to the second?")
    assert halves == last_answer(demo, "AHI in the first half of the night vs the second half")
    assert "event events" not in halves


def test_rem_events_longer_than_nrem_ones(demo) -> None:
    """"are REM events longer than NREM ones?" buried the lengths behind the rates ("longer
    than" was read as a bound)."""
    text = last_answer(demo, "are REM events longer than NREM ones?")
    assert text.startswith("**Mean length: REM "), text[:200]
    assert text.split("\n\n", 1)[0] == last_answer(demo, "were events longer in REM?").split("\n\n", 1)[0]


def test_how_often_one_stage_went_to_another(demo) -> None:
    """"how often did N2 go to wake?" gave the minutes of N2; "how many times did N2 go to
    wake?" listed the awakenings under the heading of N2 periods."""
    night, _ = demo
    stages, _ = night.stages()
    sleep = np.flatnonzero(stages >= 1)
    seq = stages[sleep[0]: sleep[-1] + 1]
    seq = seq[seq >= 0]
    changes = [(a, b) for a, b in zip(seq[:-1], seq[1:]) if a != b]
    n2_w = sum(1 for a, b in changes if (STAGES[a], STAGES[b]) == ("N2", "W"))
    for asked in ("how often did N2 go to wake?", "how many times did N2 go to wake?"):
        assert last_answer(demo, asked).startswith(f"**{n2_w}** transitions from N2 to W"), asked


def test_the_most_common_transition_and_shifts_per_hour(demo) -> None:
    """"what's the most common transition?" and "how many shifts per hour?" were not understood."""
    assert last_answer(demo, "what's the most common transition?") == last_answer(
        demo, "what is the most common stage transition?")
    text = last_answer(demo, "how many shifts per hour?")
    assert text == last_answer(demo, "how many stage shifts per hour?")
    assert text.startswith("Stage shifts: **"), text[:100]


def test_their_density_after_a_count(demo) -> None:
    """"and their density per minute of N2?" after the spindles listed the N2 periods."""
    text = last_answer(demo, "how many sleep spindles were there?", "and their density per minute of N2?")
    assert text == last_answer(demo, "spindle density per minute of N2")
    assert re.match(r"\*\*[\d.]+ per minute\*\* of sleep in N2", text), text[:100]


def test_show_it_after_the_hypnogram_explained(demo) -> None:
    """"show it" after "what is a hypnogram?" said there was no event to find an example of."""
    text = last_answer(demo, "what is a hypnogram?", "show it")
    assert text == last_answer(demo, "show me the hypnogram")


@pytest.mark.parametrize(("asked", "unscored"), [
    ("how many sleep spindles did YASA find?", "how many sleep spindles were there?"),
    ("how many apneas according to YASA?", "how many apneas were there?"),
    ("what AHI did the machine score?", "what's the AHI?"),
])
def test_what_the_machine_found_on_a_scored_night(demo, demo_unscored, asked, unscored) -> None:
    """"how many sleep spindles did YASA find?" on a night with a human scoring gave the human
    scorer's spindles: the machine's are what the night without its scoring gets."""
    text = last_answer(demo, asked)
    assert text == last_answer(demo_unscored, unscored)
    assert "machine-scored" in text.split("\n", 1)[0] and text != last_answer(demo, unscored)
    # the staging the expert scored is still the one disagreements are read against
    assert "human-scored" in last_answer(demo, "where does YASA disagree with the expert?").split("\n", 1)[0]


def test_what_ended_the_longest_period(demo) -> None:
    """"what interrupted it?" after the longest N2 period was not understood, and "what happened
    in its last minute?" read the night's last minute: a period named by its rank was not the
    one in focus."""
    first = "when did the longest N2 bout start?"
    span = re.search(r"runs \*\*(\d\d:\d\d:\d\d)–(\d\d:\d\d:\d\d)\*\*", last_answer(demo, first))
    text = last_answer(demo, first, "what interrupted it?")
    assert text == last_answer(demo, first, "what happened right after it?")
    assert re.match(rf"In the 60 s after the N2 (?:\(the first listed\) )?at \*\*{span[1]}–{span[2]}\*\*", text), text[:200]
    assert last_answer(demo, first, "what happened in its last minute?").startswith(
        "In the last minute of that N2 period")


def test_the_next_epoch_and_the_one_after(demo) -> None:
    """"what's the next epoch?" restaged the epoch on screen, and "and the one after?" went
    back to it: the one-epoch list was stepped through, not the night."""
    assert last_answer(demo, "go to epoch 300", "what's the next epoch?").startswith("Epoch 301 (")
    assert last_answer(demo, "go to epoch 300", "what's the next epoch?", "and the one after?").startswith(
        "Epoch 302 (")


def test_are_you_sure_after_an_epochs_stage(demo) -> None:
    """"are you sure?" after "what stage is it?" was not understood."""
    text = last_answer(demo, "go to epoch 300", "what stage is it?", "are you sure?")
    assert text == last_answer(demo, "go to epoch 300", "what stage is it?", "why?")
    assert text.startswith("Epoch 300 (") and "staging: " in text, text[:200]


@pytest.mark.parametrize("asked", ["compare heart rate in wake and sleep", "heart rate in wake vs sleep"])
def test_wake_against_sleep_named_bare(demo, asked) -> None:
    """Sleep named without "in" after wake was dropped: only wake was measured."""
    assert last_answer(demo, asked) == last_answer(demo, "compare heart rate in wake and in sleep")


def test_a_signal_from_wake_to_sleep_is_no_stage_transition(sc4001_unscored) -> None:
    """"how did the breathing rate change from wake to sleep?" counted the stage changes from W."""
    text = last_answer(sc4001_unscored, "how did the breathing rate change from wake to sleep?")
    assert "transitions" not in text and "breathing" in text, text[:200]


def test_why_not_after_events_the_night_cannot_show(sc4001_unscored) -> None:
    """"why not?" after "any apneas?" on a night whose airflow is sampled at 1 Hz defined an
    apnea and gave the reason last."""
    text = last_answer(sc4001_unscored, "any apneas?", "why not?")
    assert text == last_answer(sc4001_unscored, "what do you need to score apneas?")
    assert "1 Hz" in text


def test_why_not_after_events_the_night_has_none_of(demo) -> None:
    """The same on a night that can show them is still the rule they are scored by (a guard on
    the change above, which it passed before as well)."""
    assert last_answer(demo, "any apneas in N3?", "why not?").startswith("**Apnea.**")


def test_a_library_hits_caption_and_its_neighbours(demo) -> None:
    """"what does its caption say?" and "find more like it" after a library hit of another
    recording read the loaded night's epoch on screen instead."""
    night, engine = demo
    search = "find epochs with obstructive apneas in REM in the library"
    first = re.search(r"· (\S+) epoch (\d+) \(", last_answer(demo, search))
    recording, epoch = first[1], int(first[2])
    assert recording != night.name   # the best hit lies in another recording
    meta = engine.library.metadata
    row = meta[(meta["recording"].astype(str) == recording) & (meta["epoch"].astype(int) == epoch)].iloc[0]
    text = last_answer(demo, search, "show me the best one", "what does its caption say?")
    assert text.startswith(f"The library's caption of epoch {epoch} of **{recording}**") and text.endswith(
        str(row["caption"])), text[:300]
    like = last_answer(demo, search, "show me the best one", "find more like it")
    assert like.startswith(f"Library epochs closest to epoch {epoch} of {recording}"), like[:200]
    assert f"· {recording} epoch {epoch} (" not in like   # the hit itself is no match of its own


@pytest.mark.parametrize("asked", ["what stage are the matches?", "are they all N2?"])
def test_the_stages_of_a_searchs_matches(demo, asked) -> None:
    """"what stage are the matches?" classified the epoch on screen; "are they all N2?" searched
    the night for the words "n2" for half a minute."""
    assert last_answer(demo, "search the library for spindles", asked) == last_answer(
        demo, "search the library for spindles", "how similar are they?")


def test_which_night_after_a_library_count(demo) -> None:
    """"which night are they from?" after "how many did you find?" summarized the loaded night."""
    search = "find epochs with obstructive apneas in REM in the library"
    assert last_answer(demo, search, "how many did you find?", "which night are they from?") == last_answer(
        demo, search, "how many did you find?")


def test_how_many_of_each_are_there(demo) -> None:
    """"how many of each are there?" after a difference explained was not understood ("how many
    of each?" was)."""
    asked = ("what is a K-complex?", "how is it different from a slow wave?")
    assert last_answer(demo, *asked, "how many of each are there?") == last_answer(demo, *asked, "how many of each?")


@pytest.mark.parametrize("asked", ["which EEG channel is best for staging?", "which channel do you recommend for staging?"])
def test_the_best_channel_for_staging(demo, sc4001_unscored, asked) -> None:
    """"which EEG channel is best for staging?" listed every channel of the file; the staging's
    own order of the EEG leads (central first) and the lead it used answer it."""
    from sleeplm_core.scoring.channels import eeg_labels

    for loaded in (demo, sc4001_unscored):
        night, _ = loaded
        first = eeg_labels(night.recording)[0]
        text = last_answer(loaded, asked)
        assert text.startswith(f"**{first}** is the EEG lead"), text[:200]
        assert f"EEG {first.removeprefix('EEG ')}" in night.machine.stage_source
        assert night.machine.stage_source in text


@pytest.mark.parametrize("asked", ["is breathing more irregular in REM?", "is breathing variability higher in REM?"])
def test_breathing_irregularity_is_its_variability(demo, asked) -> None:
    """Both were answered with the breathing rate, not its breath-to-breath variability."""
    text = last_answer(demo, asked)
    assert text.split(":", 1)[1].lstrip().startswith("breathing variability (airflow) was "), text[:200]


@pytest.mark.parametrize(("compared", "measure"), [("compare heart rate in REM and N3", "heart rate variability"),
                                                   ("compare breathing in REM and NREM", "breathing variability")])
def test_which_is_more_variable_after_a_comparison(demo, compared, measure) -> None:
    """"which is more variable?" after two parts of the night compared was not understood."""
    text = last_answer(demo, compared, "which is more variable?")
    m = re.match(rf"\*\*Higher in (\S+)\*\* than in (\S+): {measure} \([^)]*\) ([\d.]+) against ([\d.]+) ", text)
    assert m is not None, text[:200]
    assert float(m[3]) > float(m[4]) and {m[1], m[2]} <= {"REM", "N3", "N1/N2/N3"}


def test_no_norm_for_the_temperature_fall(sc4001_unscored) -> None:
    """"is that a normal drop?" after the temperature's fall listed the sleep norms."""
    text = last_answer(sc4001_unscored, "how much did the temperature drop?", "is that a normal drop?")
    assert text.startswith("I hold no published norm for the overnight course of body temperature"), text[:200]


def test_the_phase_after_the_coupling(sc4001_unscored) -> None:
    """"what's the phase?" after the spindle-slow-wave coupling described the epoch on screen."""
    asked = "is there coupling between spindles and slow oscillations?"
    text = last_answer(sc4001_unscored, asked, "what's the phase?")
    assert text == last_answer(sc4001_unscored, asked)
    assert re.search(r"mean slow-wave phase of \*\*[+-]\d+°\*\*", text), text[:200]


@pytest.mark.parametrize("asked", ["what would a human call it?", "what would the expert call it?"])
def test_what_a_human_would_call_it(demo, asked) -> None:
    """"what would a human call it?" after an epoch was not understood (since stop 69 the human
    scoring's call leads, then the epoch's evidence)."""
    night, _ = demo
    stage = STAGES[int(night.stages()[0][300])]
    text = last_answer(demo, "go to epoch 300", asked)
    from app.chat.plan import clock

    start = float(night.epochs.starts[300])
    assert text.startswith(f"The human scoring calls it **{stage}**.\n\nEpoch 300 ({clock(night, start)}–"
                           f"{clock(night, start + 30)}) is **{stage}** in the human-scored hypnogram"), text[:200]
