"""Wordings that were misread or answered in part (stop 45): each names what it used to get,
and is answered from the bundled night."""

from __future__ import annotations

import re

import numpy as np
import pytest

from app.chat.periods import awakening_runs
from app.chat.plan import clock
from app.chat.understand import understand
from app.session import Session
from sleeplm_core.io.recording import EPOCH_SEC, Event
from sleeplm_core.scoring.association import AssociationConfig


@pytest.mark.parametrize("question", [
    "how many arousals were followed by an awakening?",
    "did the arousals wake her up?",
    "what fraction of arousals ended in wakefulness?",
])
def test_arousals_followed_by_an_awakening_are_counted(demo, monkeypatch, question: str) -> None:
    """It counted every arousal of the night, not the ones that led into an awakening. The
    bundled night's arousals all end in sleep, so two are added: one 5 s before an
    awakening's first wake epoch and one inside another's; a third 20 s before an
    awakening is outside the 15-s lead."""
    night, engine = demo
    events, source = night.scored_events()
    stages = night.stages()[0]
    onsets = [float(night.epochs.starts[a])
              for a, _ in awakening_runs(stages, np.ones(len(stages), bool))]
    added = [Event(onsets[0] - 5.0, 4.0, "arousal"), Event(onsets[2] + 10.0, 4.0, "arousal"),
             Event(onsets[4] - 20.0, 4.0, "arousal")]
    monkeypatch.setattr(night, "scored_events", lambda: (events + added, source))
    lead = AssociationConfig().awakening_lead_sec
    arousals = [e.onset for e in events + added if e.type == "arousal"]
    led = sum(any(t - lead <= a < t + EPOCH_SEC for t in onsets) for a in arousals)
    assert 2 <= led < len(arousals)
    text = Session(night).ask(question, engine).text
    assert text.startswith(f"**{led}** of the {len(arousals)} human-scored arousals"), text
    assert f"**{len(onsets)}** awakenings" in text, text


def test_the_arousals_tied_to_awakenings_follow_the_causes_of_awakenings(demo) -> None:
    night, engine = demo
    text = Session(night).ask("what caused the awakenings?", engine).text
    assert text.startswith("From the ") and "arousals (0 %) led into an awakening" in text, text


def test_arousals_followed_by_another_event_are_not_awakenings() -> None:
    assert understand("how many arousals were followed by a desaturation?").measure != (
        "awakening_causes")


@pytest.fixture(scope="module")
def analogue_position(demo):
    """The bundled night with its position channel written as a sensor's voltage per posture
    (as DREAMS files hold it), which the loader does not guess."""
    from dataclasses import replace

    from app.night import LoadedNight, _spectrogram, embed_night
    from sleeplm_core.io.epochs import make_epochs
    from sleeplm_core.io.montage import map_montage

    night, engine = demo
    label = night.montage.mapping["POS"]
    signals = dict(night.recording.signals)
    signals[label] = replace(signals[label], data=0.37 * signals[label].data + 0.21)
    rec = replace(night.recording, signals=signals)
    montage = map_montage(rec)
    epochs = make_epochs(rec, montage)
    loaded = LoadedNight("analogue", rec, montage, epochs, _spectrogram(rec, epochs))
    embed_night(loaded, engine)
    return loaded, engine


@pytest.mark.parametrize("question", ["AHI by body position", "did they sleep on their back?",
                                      "how many times did she change position?"])
def test_an_unreadable_position_channel_is_named_with_its_fix(analogue_position,
                                                              question: str) -> None:
    """DREAMS 3's analogue POS was answered "This recording has no body position channel"."""
    night, engine = analogue_position
    text = Session(night).ask(question, engine).text
    assert text.startswith("I cannot read body position on this recording: its position values ("
                           ), text
    assert "no body position channel" not in text and "re-export the channel" in text


def test_a_position_channel_asked_for_is_there_but_unreadable(analogue_position) -> None:
    """It was a plain yes."""
    night, engine = analogue_position
    text = Session(night).ask("is there a body position channel?", engine).text
    assert re.match(r"\*\*Yes\*\*: \*\*[^*]+\*\* at \*\*[\d.]+ Hz\*\*, but position values \(",
                    text), text


def test_a_night_split_by_a_long_awakening_is_read_whole(demo, monkeypatch) -> None:
    """A 7.5-h night with an 82-min awakening was read over its "main sleep period" after the
    awakening: sleep onset 01:42 (the summary: 22:45, REM latency 18 min), the first REM 3 h
    late, the longest awakening left out, and the first 94 min of sleep called a nap."""
    from app.chat.plan import LONG_OUTSIDE_MIN, main_sleep_episode, reading_span
    from sleeplm_core.io.recording import STAGES

    night, engine = demo
    stages, source = night.stages()
    split = stages.copy()
    awake = slice(int(2.5 * 120), int(2.5 * 120) + 140)   # 70 min of wake, 2.5 h in
    split[awake] = STAGES.index("W")
    monkeypatch.setattr(night, "stages", lambda: (split, source))
    e = main_sleep_episode(night)
    # the case in question: the episode is the whole night around the awakening
    assert e.start == float(night.epochs.starts[np.flatnonzero(split >= 1)[0]])
    assert e.beyond_sleep_min < LONG_OUTSIDE_MIN
    assert reading_span(night) == (0, night.n_epochs, "")
    text = Session(night).ask("when did they fall asleep?", engine).text
    first = clock(night, float(night.epochs.starts[np.flatnonzero(split >= 1)[0]]))
    assert f"**{first}**" in text and "main sleep" not in text, text


def test_the_share_of_the_sleep_period_spent_awake_is_the_waso_over_the_period(demo) -> None:
    """It gave the wake of the whole recording (35.6 % where the period's was 33.3 %)."""
    night, engine = demo
    s = night.summary()
    text = Session(night).ask("what percentage of the sleep period was spent awake?", engine).text
    share = 100 * s.waso_min / (s.tst_min + s.waso_min)
    assert text.startswith(f"Wake after sleep onset: **{share:.1f} %** of the sleep period"), text


def test_how_deep_was_the_desaturation_after_it_reads_the_event_in_focus(demo) -> None:
    """It read "deep" as N3 and described the minute after the event."""
    night, engine = demo
    assert understand("how deep was the desaturation after it?").scope.stages == ()
    session = Session(night)
    # the longest hypopnea's only nearby fall ended before it began: the longest obstructive
    # apnea's overlaps it
    session.ask("show me the longest obstructive apnea", engine)
    text = session.ask("how deep was the desaturation after it?", engine).text
    assert text.startswith("Lowest SpO2 during it: **"), text
    assert "The desaturation tied to it" in text, text


@pytest.mark.parametrize(("question", "words"), [
    ("how much REM late in the night?", "late in the night"),
    ("how much REM early in the night?", "early in the night"),
    ("how much REM in the first hour?", "in the first hour"),
])
def test_a_part_of_the_night_reads_as_a_place_without_a_second_preposition(question: str,
                                                                          words: str) -> None:
    """"REM in late in the night"."""
    from app.chat.plan import scope_text
    assert scope_text(understand(question).scope).endswith(words)


def test_a_table_header_states_a_spans_clock_times_once(demo) -> None:
    """"the first half of the main sleep period (01:42-03:51) (01:42–03:51)"."""
    from test_chat_recording import _with_wake_after

    night, engine = demo
    long, _ = _with_wake_after(night)
    text = Session(long).ask("compare the first half of the night with the second half",
                             engine).text
    header = next(line for line in text.splitlines() if line.startswith("| |"))
    assert "main sleep period" in header, header
    assert len(re.findall(r"\d\d:\d\d[–-]\d\d:\d\d", header)) == 2, header
