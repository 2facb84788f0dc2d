"""The app's night: an unscored recording's model input is z-scored over the machine
scoring's sleep window, as a scored recording's is over its own; the start-up's machine
scoring is cached apart from the model and runs beside a scored night's encoding."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

import app.main
from app.main import ServeConfig, build_app
from app.night import _reference_machine_window, machine_score, read_night, scoring_cache
from sleeplm_core.io.edf_write import write_edf
from sleeplm_core.io.synth import SynthConfig, synth_night
from sleeplm_core.io.epochs import make_epochs
from sleeplm_core.scoring.result import MachineScoring


def _machine(n_epochs: int, sleep: slice, stray: tuple[int, ...] = ()) -> MachineScoring:
    stages = np.zeros(n_epochs, dtype=np.int8)
    stages[sleep] = 2
    stages[list(stray)] = 1
    return MachineScoring(stages=stages, stage_source="test")


def test_unscored_night_takes_the_machine_sleep_window(synthetic_edf: Path) -> None:
    night = read_night(synthetic_edf, "unscored")
    night.recording.stages = np.zeros(0, dtype=np.int8)            # nobody scored it
    before = make_epochs(night.recording, night.montage)           # every epoch is the reference
    night.epochs = before
    # main sleep period 80-100, padded by 30 min: epochs 20-120 (the end); the stray N1
    # epoch at 5 would have stretched a first-to-last window to the start
    night.machine = _machine(len(before), slice(80, 100), stray=(5,))
    _reference_machine_window(night)
    expected = make_epochs(night.recording, night.montage, reference=slice(20, 120))
    assert night.epochs is not before
    assert night.epochs.zscore == expected.zscore != before.zscore
    assert np.array_equal(night.epochs.data, expected.data)


def test_scored_night_keeps_its_own_reference(synthetic_edf: Path) -> None:
    night = read_night(synthetic_edf, "scored")
    assert night.recording.has_scoring
    before = night.epochs
    night.machine = _machine(len(before), slice(70, 80))
    _reference_machine_window(night)
    assert night.epochs is before


def test_machine_scoring_cache_is_read_back_and_keyed_on_the_file(
        synthetic_edf: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    calls: list[int] = []

    def fake_score(rec, epochs, progress=None) -> MachineScoring:  # noqa: ANN001
        calls.append(1)
        return _machine(10, slice(2, 8))

    monkeypatch.setattr("app.night.score_night", fake_score)
    cache = scoring_cache(synthetic_edf)
    assert tmp_path in cache.parents
    first = read_night(synthetic_edf, "first")
    machine_score(first, cache=cache)
    second = read_night(synthetic_edf, "second")
    machine_score(second, cache=cache)
    assert len(calls) == 1 and cache.is_file()
    assert np.array_equal(second.machine.stages, first.machine.stages)
    copy = tmp_path / "night.edf"
    copy.write_bytes(synthetic_edf.read_bytes())
    before = scoring_cache(copy)
    mtime = copy.stat().st_mtime_ns + 10**9                     # an edited file
    os.utime(copy, ns=(mtime, mtime))
    assert scoring_cache(copy) != before


@pytest.fixture(scope="module")
def unscored_edf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 30-min synthetic PSG whose scoring went to a separate hypnogram file."""
    folder = tmp_path_factory.mktemp("unscored")
    rec = synth_night(SynthConfig(hours=0.5, seed=12))
    return write_edf(rec, folder / "unscored.edf", hypnogram_path=folder / "unscored-hyp.edf")


@pytest.mark.parametrize("scored", [True, False])
def test_start_scores_before_encoding_only_an_unscored_night(
        scored: bool, short_synthetic_edf: Path, unscored_edf: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    edf = short_synthetic_edf if scored else unscored_edf
    scored_when_encoding: list[bool] = []
    encode = app.main.encode_night

    def watched(night, *args, **kwargs) -> None:  # noqa: ANN001
        scored_when_encoding.append(night.machine is not None)
        encode(night, *args, **kwargs)

    monkeypatch.setattr(app.main, "encode_night", watched)
    _, config = build_app(ServeConfig(night=str(edf)))
    night = config.default
    assert night.recording.has_scoring is scored
    assert night.machine is not None and night.machine.has_stages
    assert night.embedded is not None and len(night.predicted) == night.n_epochs
    assert scoring_cache(edf).is_file()
    if not scored:  # its epochs are re-cut over the machine's sleep window first
        assert scored_when_encoding == [True]
