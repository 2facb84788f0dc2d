"""The app's night: an unscored recording's model input is z-scored over the machine
scoring's sleep window, as a scored recording's is over its own."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from app.night import _reference_machine_window, read_night
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
