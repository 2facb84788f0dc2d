"""Measured EEG waves: slow-wave and K-complex amplitudes (with a floor, the largest first),
spindle frequency and wave amplitude compared between two parts of the night, and events
shorter than a length. On the bundled synthetic night (the ``demo`` fixture)."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from app.chat.query import Intent
from app.chat.understand import understand
from app.session import Session


@pytest.mark.parametrize(("text", "phen", "floor", "rank"), [
    ("how big were the slow waves?", "slow_waves", None, "strongest"),
    ("mean K-complex amplitude", "k_complex", None, "strongest"),
    ("slow waves over 100 µV", "slow_waves", 100.0, "strongest"),
    ("how many slow waves above 150 uV in the first cycle?", "slow_waves", 150.0, "strongest"),
    ("where are the slow waves?", "slow_waves", None, None),
])
def test_wave_sizes_are_understood(text: str, phen: str, floor: float | None,
                                   rank: str | None) -> None:
    q = understand(text)
    assert (q.intent, q.phenomenon, q.min_amplitude, q.rank) == (Intent.LOCATE, phen, floor, rank)


def _listed(text: str) -> list[float]:
    return [float(v) for v in re.findall(r"(\d+) µV peak to peak", text)]


def test_slow_waves_are_listed_largest_first_with_their_mean(demo) -> None:
    night, engine = demo
    text = Session(night).ask("how big were the slow waves?", engine).text
    assert text.startswith("Amplitude on ")
    sizes = _listed(text)
    assert len(sizes) == 5 and sizes == sorted(sizes, reverse=True)
    mean, lo, hi = (float(v) for v in re.search(
        r"mean \*\*(\d+) µV\*\* \(SD \d+, (\d+)-(\d+)\)", text).groups())
    assert lo <= mean <= hi == sizes[0]
    # the generator draws slow waves from 75 µV up (docs/synthetic.md): most reach it
    n_large, n = (int(v) for v in re.search(r"(\d+) of (\d+) reach 75 µV", text).groups())
    assert n_large > 0.8 * n


def test_a_floor_keeps_only_the_larger_waves(demo) -> None:
    night, engine = demo
    count = lambda t: int(re.search(r"have \*\*(\d+)\*\* slow wave", t).group(1))  # noqa: E731
    every = Session(night).ask("how many slow waves?", engine).text
    large = Session(night).ask("how many slow waves over 100 µV?", engine).text
    assert 0 < count(large) < count(every)
    lowest = float(re.search(r"SD \d+, (\d+)-", large).group(1))
    assert lowest >= 100


def test_k_complexes_cite_their_own_convention(demo) -> None:
    night, engine = demo
    text = Session(night).ask("mean K-complex amplitude", engine).text
    assert "Bremer" in text and "slow-wave amplitude" not in text


@pytest.mark.parametrize(("text", "groups"), [
    ("were slow waves larger in N3 than N2?", (("N3",), ("N2",))),
    ("were the slow waves bigger in N3?", (("N3",), ("N2",))),
    ("were spindles faster in the second half?", ("the second half", "the first half")),
    ("were spindles faster in the second half than the first?",
     ("the second half", "the first half")),
    ("were apneas longer in the first half?", ("the first half", "the second half")),
])
def test_one_part_is_set_against_the_other(text: str, groups: tuple) -> None:
    q = understand(text)
    assert q.intent == Intent.COMPARE
    named = tuple(g.stages or g.time.text for g in q.groups)
    assert named == groups


def test_spindle_frequency_halves_are_compared_per_spindle(demo) -> None:
    night, engine = demo
    text = Session(night).ask("were spindles faster in the second half?", engine).text
    # the way it went leads (since stop 53), then the means
    assert text.startswith("**") and "\n\nMean per spindle, in the second half vs in the first half" in text
    late, early = (float(v) for v in re.findall(r"\*\*(\d+\.\d)\*\* \(sd", text))
    diff = float(re.search(r"difference \*\*([+-]\d+\.\d+) Hz", text).group(1))
    assert diff == pytest.approx(late - early, abs=0.1)   # the means are shown rounded
    assert "Welch" in text
    n_late, n_early = (int(v) for v in re.findall(r"(\d+) spindles\)", text))
    count = Session(night).ask("how many spindles in the second half?", engine).text
    assert f"**{n_late}** sleep spindle" in count


def test_slow_wave_amplitude_by_stage_names_its_unit(demo) -> None:
    night, engine = demo
    text = Session(night).ask("were slow waves larger in N3 than N2?", engine).text
    assert "slow wave amplitude, peak to peak" in text and "[µV]" in text
    assert re.search(r"in N3: \*\*\d+\.\d\*\* \(sd \d+\.\d, \d+ slow waves\)", text)


@pytest.mark.parametrize(("text", "longest"), [("hypopneas shorter than 15 seconds in N2", 15.0),
                                               ("how many apneas under 12 s?", 12.0)])
def test_shorter_than_is_a_longest_length(text: str, longest: float) -> None:
    q = understand(text)
    assert (q.intent, q.max_duration, q.min_duration) == (Intent.LOCATE, longest, None)


def test_shorter_events_are_listed_and_refined(demo) -> None:
    night, engine = demo
    session = Session(night)
    session.ask("where are the hypopneas?", engine)
    text = session.ask("only the ones shorter than 15 s", engine).text
    n = sum(1 for e in night.recording.events if e.type == "hypopnea" and e.duration < 15)
    assert f"**{n}** hypopnea events shorter than 15 s" in text
    assert understand("apneas longer than 20 s in REM").min_duration == 20.0
    assert understand("apneas longer than 20 s in REM").intent == Intent.LOCATE


def test_desaturation_depths_lead_when_asked(demo) -> None:
    night, engine = demo
    text = Session(night).ask("mean desaturation depth", engine).text
    assert text.startswith("Depth on ")
    drops = [float(v) for v in re.findall(r"drop (\d+\.\d) % from baseline", text)]
    assert len(drops) == 5 and drops == sorted(drops, reverse=True)
    mean, hi = (float(v) for v in re.search(r"mean \*\*(\d+\.\d) %\*\* \(SD [\d.]+, [\d.]+-([\d.]+)\)",
                                            text).groups())
    assert hi == drops[0] and mean < hi
    listed = Session(night).ask("where are the desaturations?", engine).text
    assert "Depth on" not in listed   # a plain list is not measured


def test_wave_and_depth_follow_ups_keep_what_was_measured(demo) -> None:
    night, engine = demo
    session = Session(night)
    session.ask("how big were the slow waves?", engine)
    session.ask("and in N2?", engine)
    text = session.ask("only the ones over 150 µV", engine).text
    assert re.search(r"have \*\*\d+\*\* slow wave events in N2", text)
    assert float(re.search(r"SD \d+, (\d+)-", text).group(1)) >= 150

    session = Session(night)
    session.ask("mean desaturation depth", engine)
    rem = session.ask("and in REM?", engine).text
    assert "the 5 deepest" in rem and "Depth on" in rem
    deepest = session.ask("show me the deepest one", engine)
    drops = [float(v) for v in re.findall(r"drop (\d+\.\d) %", rem)]
    assert f"drop {max(drops):.1f} % from baseline, stage REM" in deepest.text
    assert "N3 periods" not in deepest.text   # "deepest" is no deep sleep here


def test_a_night_measures_each_wave_once(demo) -> None:
    night, engine = demo
    fresh = replace(night, _bursts={})
    first = Session(fresh).ask("how big were the slow waves?", engine).text
    measured = len(fresh._bursts)
    n = int(re.search(r"have \*\*(\d+)\*\* slow wave", first).group(1))
    assert measured == n
    again = Session(fresh).ask("how big were the slow waves in N3?", engine).text
    assert len(fresh._bursts) == measured and "slow wave events in N3" in again
