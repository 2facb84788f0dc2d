"""Captions: facts -> text -> the same facts, on random facts, synthetic nights and SC4001."""

from __future__ import annotations

import dataclasses
import json
import math
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sleeplm_core.captions.caption import CaptionError, parse_caption, render_caption
from sleeplm_core.captions.levels import LEVELS
from sleeplm_core.captions.night import caption_night, caption_variants
from sleeplm_core.cli import main
from sleeplm_core.features.brain import BrainFacts, EegBands, EogActivity, RapidEyeMovements
from sleeplm_core.features.heart import EcgBeats, HeartFacts, HeartRate, Oxygen
from sleeplm_core.features.position_muscle import (
    BodyPosition, ChinEmg, PositionChange, PositionMuscleFacts,
)
from sleeplm_core.features.respiratory import SOURCES, Breathing, RespiratoryFacts
from sleeplm_core.features.schema import TREND_DIRECTIONS, Trend, numeric_fields, precision
from sleeplm_core.features.stage_event import EventSpan, StageEventFacts
from sleeplm_core.io.edf_write import write_edf
from sleeplm_core.io.epochs import make_epochs
from sleeplm_core.io.events import EVENT_TYPES
from sleeplm_core.io.load import open_night
from sleeplm_core.io.montage import map_montage
from sleeplm_core.io.position import POSITION_NAMES
from sleeplm_core.io.recording import STAGES
from sleeplm_core.io.synth import SynthConfig, synth_night

SC = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "real" / "sleep_edf_sc4001"
APPROX = re.compile(r"\b(roughly|about|around|approximately) \d")

# ---- random facts -------------------------------------------------------------------

pct = st.floats(0.0, 100.0)
seconds = st.floats(0.0, 30.0)
label = st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_ ",
                min_size=1, max_size=12).map(str.strip).filter(bool)
trends = st.lists(st.builds(Trend, st.sampled_from(TREND_DIRECTIONS), seconds, seconds),
                  max_size=4).map(tuple)

brain_facts = st.builds(
    BrainFacts,
    st.lists(st.builds(EegBands, label, pct, pct, pct, pct, pct), max_size=3).map(tuple),
    st.lists(st.builds(EogActivity, label, pct), max_size=2).map(tuple),
    st.none() | st.builds(RapidEyeMovements, st.lists(label, min_size=1, max_size=2).map(" + ".join),
                          st.integers(0, 60)),
).filter(lambda f: f.eeg or f.eog or f.rems)
heart_facts = st.builds(
    HeartFacts,
    st.none() | st.builds(EcgBeats, st.floats(25, 220), st.floats(0, 500)),
    st.none() | st.builds(HeartRate, st.floats(25, 220), st.floats(25, 220), st.floats(25, 220),
                          trends),
    st.none() | st.builds(Oxygen, st.floats(50, 100), st.floats(50, 100), trends),
).filter(lambda f: f.ecg or f.heart_rate or f.spo2)
respiratory_facts = st.builds(
    RespiratoryFacts,
    st.lists(st.builds(Breathing, st.sampled_from(tuple(SOURCES.values())), st.floats(2, 60),
                       st.floats(0, 300)), max_size=3).map(tuple),
    st.none() | st.floats(0.0, 1.0),
).filter(lambda f: f.channels or f.flatness is not None)
position = st.sampled_from(POSITION_NAMES)
position_facts = st.builds(
    PositionMuscleFacts,
    st.none() | st.builds(ChinEmg, st.floats(10, 100), st.floats(1, 50), st.floats(0, 240)),
    st.none() | st.builds(BodyPosition, position,
                          st.lists(st.builds(PositionChange, position, seconds),
                                   max_size=3).map(tuple)),
).filter(lambda f: f.emg or f.position)
event_type = st.sampled_from(EVENT_TYPES) | st.text("abcdefghijklmnopqrstuvwxyz_", min_size=1,
                                                    max_size=15)
stage_facts = st.builds(
    StageEventFacts, st.none() | st.sampled_from(STAGES),
    st.lists(st.builds(EventSpan, event_type, seconds, seconds), max_size=4).map(tuple),
)
FACTS = {"brain": brain_facts, "heart": heart_facts, "respiratory": respiratory_facts,
         "position_muscle": position_facts, "stage_event": stage_facts}


def assert_same_facts(parsed, original, approximate: bool = True) -> None:
    """Equal, with each number allowed the error of its printed rounding."""
    assert type(parsed) is type(original)
    numbers = numeric_fields(type(original))
    for f in dataclasses.fields(original):
        a, b = getattr(parsed, f.name), getattr(original, f.name)
        if f.name in numbers and b is not None:
            tol = 0.5 * 10.0 ** -precision(type(original), f.name, approximate) + 1e-9
            assert abs(a - b) <= tol, (f.name, a, b)
        elif isinstance(b, tuple):
            assert len(a) == len(b), f.name
            for x, y in zip(a, b):
                assert_same_facts(x, y, approximate)
        elif dataclasses.is_dataclass(b):
            assert_same_facts(a, b, approximate)
        else:
            assert a == b, (f.name, a, b)


@pytest.mark.parametrize("level", LEVELS)
def test_random_facts_survive_render_and_parse(level):
    @settings(max_examples=150, deadline=None)
    @given(facts=FACTS[level], seed=st.integers(0, 2**32 - 1))
    def check(facts, seed):
        text = render_caption(level, facts, np.random.default_rng(seed))
        assert_same_facts(parse_caption(text), facts)
        exact = render_caption(level, facts, np.random.default_rng(seed), approx_prob=0.0)
        assert not APPROX.search(exact)
        assert_same_facts(parse_caption(exact, level), facts, approximate=False)

    check()


def test_unreadable_text_and_unknown_level_raise_caption_error():
    with pytest.raises(CaptionError, match="no sentence matches"):
        parse_caption("The patient slept well. Nothing else to say.")
    with pytest.raises(CaptionError, match="unknown"):
        parse_caption("Sleep stage: N2.", level="dreams")


def test_a_fact_missing_from_a_generated_caption_reads_as_nan():
    facts = parse_caption("EEG activity (C3-M2): delta at 61.20%, theta at 20.00%.")
    band = facts.eeg[0]
    assert (band.channel, band.delta, band.theta) == ("C3-M2", 61.2, 20.0)
    assert math.isnan(band.alpha) and math.isnan(band.beta)


def test_number_styles_and_phrasings_vary_with_the_seed():
    facts = EegBands("C3-M2", 65.157, 18.5, 6.2, 4.1, 6.043)
    texts = {render_caption("brain", BrainFacts((facts,)), np.random.default_rng(s))
             for s in range(40)}
    assert len(texts) > 30
    assert any(APPROX.search(t) for t in texts)
    assert any("65.16%" in t for t in texts)
    assert any("roughly 65%" in t or "about 65%" in t or "around 65%" in t for t in texts)


# ---- synthetic night -------------------------------------------------------------

@pytest.fixture(scope="module")
def synthetic():
    rec = synth_night(SynthConfig(hours=1.0, seed=11, ahi=40.0, sleep_latency_min=2.0))
    montage = map_montage(rec)
    epochs = make_epochs(rec, montage)
    return rec, montage, epochs, caption_night(rec, epochs, seed=3, n_variants=2, montage=montage)


def test_every_true_event_is_in_the_stage_event_caption_within_a_second(synthetic):
    rec, _, epochs, night = synthetic
    parsed = [parse_caption(c, "stage_event") for c in night.level("stage_event", 1)]
    for event in rec.events:
        for i in np.flatnonzero((epochs.starts < event.offset) & (epochs.starts + 30 > event.onset)):
            start = max(event.onset, epochs.starts[i]) - epochs.starts[i]
            end = min(event.offset, epochs.starts[i] + 30) - epochs.starts[i]
            assert any(s.type == event.type and abs(s.start - start) < 1 and abs(s.end - end) < 1
                       for s in parsed[i].events), (event, i)
    assert [p.stage for p in parsed] == [STAGES[s] for s in epochs.stages]


def test_all_five_levels_are_captioned_and_variants_differ(synthetic):
    rec, _, epochs, night = synthetic
    apneas = [e for e in rec.events if e.type.endswith("_apnea")]
    for i, epoch in enumerate(night.epochs):
        levels = LEVELS
        if "respiratory" not in epoch.captions:
            # an epoch with too few breaths to time on every channel has no breathing facts:
            # only one held in an apnea for most of its 30 s
            lo, hi = epochs.starts[i], epochs.starts[i] + 30
            assert any(min(hi, e.offset) - max(lo, e.onset) >= 20 for e in apneas), i
            levels = tuple(lv for lv in LEVELS if lv != "respiratory")
        assert tuple(epoch.captions) == levels
        for level, (first, second) in epoch.captions.items():
            assert_same_facts(parse_caption(first), epoch.facts[level])
            assert_same_facts(parse_caption(second), epoch.facts[level])
    distinct = sum(e.captions["heart"][0] != e.captions["heart"][1] for e in night.epochs)
    assert distinct > 0.9 * len(night)
    assert sum("respiratory" in e.captions for e in night.epochs) > 0.95 * len(night)


def test_captions_depend_on_seed_and_epoch_not_on_the_rest_of_the_night(synthetic):
    rec, montage, epochs, night = synthetic
    pick = np.array([5, 17, 60])
    subset = dataclasses.replace(epochs, data=epochs.data[pick], quality=epochs.quality[pick],
                                 starts=epochs.starts[pick], stages=epochs.stages[pick])
    again = caption_night(rec, subset, seed=3, n_variants=2, montage=montage)
    assert [e.captions for e in again.epochs] == [night.epochs[i].captions for i in pick]
    other = caption_variants("brain", night.epochs[5].facts["brain"], seed=4,
                             start=float(epochs.starts[5]))
    assert other[0] != night.epochs[5].captions["brain"][0]


# ---- SC4001 ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def sc4001():
    rec, montage, epochs = open_night(SC / "SC4001E0-PSG.edf",
                                      hypnogram=SC / "SC4001EC-Hypnogram.edf")
    # Three epochs of each stage keep the test quick.
    pick = np.concatenate([np.flatnonzero(epochs.stages == s)[[0, 10, 20]] for s in range(5)])
    subset = dataclasses.replace(epochs, data=epochs.data[pick], quality=epochs.quality[pick],
                                 starts=epochs.starts[pick], stages=epochs.stages[pick])
    return subset, caption_night(rec, subset, seed=0, montage=montage)


def test_sc4001_has_brain_and_stage_captions_and_nothing_invented(sc4001):
    epochs, night = sc4001
    # No ECG, SpO2, belts or position; airflow and chin EMG are 1-Hz envelopes.
    assert night.features.present_levels() == ("brain", "stage_event")
    for epoch, code in zip(night.epochs, epochs.stages):
        assert set(epoch.captions) == {"brain", "stage_event"}
        brain = parse_caption(epoch.captions["brain"][0])
        assert [c.channel for c in brain.eeg] == ["Fpz-Cz", "Pz-Oz"]
        assert [c.channel for c in brain.eog] == ["horizontal"]
        assert parse_caption(epoch.captions["stage_event"][0]) == StageEventFacts(STAGES[code])


def test_sc4001_deep_sleep_is_slower_than_wake(sc4001):
    epochs, night = sc4001
    # Pz-Oz: Fpz-Cz in wake is dominated by eye-movement artefacts in the delta band.
    pz = [e.facts["brain"].eeg[1] for e in night.epochs]
    delta = np.array([c.delta for c in pz])
    beta = np.array([c.beta for c in pz])
    assert delta[epochs.stages == 3].mean() > delta[epochs.stages == 0].mean() + 20.0
    assert beta[epochs.stages == 0].mean() > 5.0 * beta[epochs.stages == 3].mean()


# ---- command line ----------------------------------------------------------------

def test_cli_writes_one_json_line_per_epoch(tmp_path):
    rec = synth_night(SynthConfig(hours=0.5, seed=4, dropout=("SpO2", "Pulse")))
    edf = write_edf(rec, tmp_path / "night.edf")
    out = tmp_path / "captions.jsonl"
    assert main(["captions", str(edf), "--out", str(out), "--variants", "2"]) == 0
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(lines) == len(rec.stages)
    assert [r["epoch"] for r in lines] == list(range(len(lines)))
    assert lines[3]["start_s"] == 90.0 and lines[3]["recording_id"]
    for record in lines:
        assert set(record["captions"]) == set(record["facts"]) == set(LEVELS)
        assert all(len(v) == 2 for v in record["captions"].values())
        assert record["facts"]["heart"]["spo2"] is None
        assert "SpO2" not in record["captions"]["heart"][0]


def test_cli_rejects_one_hypnogram_for_several_files(tmp_path, capsys):
    code = main(["captions", "a.edf", "b.edf", "--hypnogram", "h.txt", "--out",
                 str(tmp_path / "x.jsonl")])
    assert code == 2 and "run sleeplm captions once per file" in capsys.readouterr().err
