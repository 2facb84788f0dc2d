"""Stop 76: what stop 75 left, and what stop 76's probes of follow-ups found, each fixed and held
here."""

from __future__ import annotations

import re

import numpy as np
import pytest

from app.chat.plan import clock
from app.chat.understand import understand
from chat_dialogues import last_answer


def _spo2(night) -> tuple[np.ndarray, np.ndarray]:
    """(seconds, %) of the night's SpO2 channel, read from the recording itself."""
    s = night.recording.signals["SpO2"]
    values = np.asarray(s.data, dtype=float)
    return np.arange(values.size) / s.sfreq, values


@pytest.mark.parametrize("text, ordinal, rank", [
    ("and the second lowest?", 1, "lowest"), ("second lowest?", 1, "lowest"),
    ("what about the 3rd longest one", 2, "longest"), ("when was the second highest?", 1, "highest"),
    ("and the third deepest?", 2, "strongest"),
])
def test_the_nth_of_a_ranking_is_a_step_in_the_last_list(text: str, ordinal: int, rank: str) -> None:
    """"and the second lowest?" was the SpO2 question again, answered with the same nadir."""
    query = understand(text)
    assert (query.intent.value, query.ref.value, query.ordinal, query.note) == (
        "navigate", "focus", ordinal, f"nth:{rank}")


def test_the_second_lowest_spo2_is_the_lowest_reading_of_another_dip(demo) -> None:
    night, _ = demo
    text = last_answer(demo, "what was the lowest oxygen?", "and the second lowest?")
    m = re.match(r"The second lowest of \d+ \(SpO2 (\d+\.\d) %\) at \*\*(\d\d:\d\d:\d\d)\*\*", text)
    assert m, text[:200]
    t, v = _spo2(night)
    nadir = int(np.argmin(v))
    second = [i for i in range(v.size) if clock(night, float(t[i])) == m.group(2)]
    assert second and abs(v[second[0]] - float(m.group(1))) < 0.051
    # a separate dip: between the two the saturation climbs half the way back to the median
    a, b = sorted((nadir, second[0]))
    assert v[a:b + 1].max() >= v[nadir] + (np.median(v) - v[nadir]) / 2
    # and no reading outside the nadir's own dip is lower
    half = v[nadir] + (np.median(v) - v[nadir]) / 2
    above = np.flatnonzero(v >= half)
    lo, hi = above[above < nadir].max() + 1, above[above > nadir].min()
    outside = np.r_[v[:lo], v[hi:]]
    assert outside.min() == pytest.approx(float(m.group(1)), abs=0.051)


def test_the_lowest_spo2_lists_its_dips_and_when_reads_the_one_in_focus(demo) -> None:
    text = last_answer(demo, "what was the lowest oxygen?")
    listed = re.findall(r"^- \*\*(\d+\.\d) %\*\* at \*\*(\d\d:\d\d:\d\d)\*\*", text, re.M)
    assert len(listed) == 5 and [float(x) for x, _ in listed] == sorted(float(x) for x, _ in listed)
    when = last_answer(demo, "what was the lowest oxygen?", "and the second lowest?", "when?")
    assert when.startswith(f"The SpO2 {listed[1][0]} % was read at **{listed[1][1]}**")
    assert "lasted" not in when


def test_the_second_longest_after_the_longest_apneas_is_the_second_listed(demo) -> None:
    listed = last_answer(demo, "longest apneas")
    spans = re.findall(r"^- \*\*(\d\d:\d\d:\d\d)–(\d\d:\d\d:\d\d)\*\* \((\d+) s", listed, re.M)
    assert len(spans) >= 2 and int(spans[0][2]) >= int(spans[1][2])
    text = last_answer(demo, "longest apneas", "and the second longest?")
    assert text.startswith("The second longest of ") and f"**{spans[1][0]}–{spans[1][1]}**" in text


@pytest.mark.parametrize("text", ["which stager is right?", "who's right, yasa or the model?",
                                  "which staging should I trust?", "is yasa or the model right?",
                                  "which hypnogram is correct here?", "so which is right?"])
def test_which_stager_is_right_races_the_stagings(text: str) -> None:
    """"which stager is right?" was read as the stage of the epoch on screen."""
    query = understand(text)
    assert (query.intent.value, query.topic, query.note) == ("recording", "scoring", "which_right")


def test_which_stager_is_right_on_a_scored_night_is_the_race_against_the_scoring(demo) -> None:
    text = last_answer(demo, "which stager is right?")
    assert "closer to the human-scored stages" in text and "Cohen's κ" in text


def test_the_best_and_worst_hour_say_which_short_hours_are_not_ranked(demo) -> None:
    text = last_answer(demo, "worst hour for breathing?", "and the best?")
    rows = re.findall(r"^\| (\d\d:\d\d–\d\d:\d\d) \| (\d+\.\d) \|", text, re.M)
    short = [hour for hour, minutes in rows if float(minutes) < 30]
    assert short, "the test needs an hour with under 30 min asleep"
    lead = text.split("\n\n")[0]
    assert lead.startswith("Lowest rate: ") and "ranked over hours with 30 min asleep or more" in lead
    assert all(hour in lead for hour in short) if len(short) < 3 else f"{len(short)} had less" in lead
