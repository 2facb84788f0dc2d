"""The command line feeds the model what the app does: an unscored night's epochs are
z-scored over YASA's main sleep period, a scored night's over its own sleep window.
Real files: Sleep-EDF SC4001 (22 h, read from ../shared, never copied) and synthetic EDF."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest

from sleeplm_core.heads.baselines import yasa_stages
from sleeplm_core.heads.inputs import model_input, open_model_night
from sleeplm_core.io.epochs import make_epochs
from sleeplm_core.io.load import open_night
from sleeplm_core.io.montage import map_montage
from sleeplm_core.io.stages import sleep_window
from sleeplm_core.io.synth import SynthConfig, synth_night

SC = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "real" / "sleep_edf_sc4001"


@pytest.mark.skipif(not (SC / "SC4001E0-PSG.edf").is_file(), reason="needs ../shared/data/real")
def test_unscored_day_long_file_is_scaled_over_the_machine_night() -> None:
    rec, montage, whole = open_night(SC / "SC4001E0-PSG.edf")
    assert not rec.has_scoring
    _, _, cut = open_model_night(SC / "SC4001E0-PSG.edf")
    window = sleep_window(yasa_stages(rec, whole), main_period=True)
    expected = make_epochs(rec, montage, reference=window)
    assert cut.zscore == expected.zscore != whole.zscore
    assert np.array_equal(cut.data[::97], expected.data[::97])
    # the machine's window sits on the expert's night, not on the 14 h of daytime wake
    expert = sleep_window(open_night(SC / "SC4001E0-PSG.edf", hypnogram=SC / "SC4001EC-Hypnogram.edf")[2].stages,
                          main_period=True)
    assert abs(window.start - expert.start) <= 20 and abs(window.stop - expert.stop) <= 120
    assert window.stop - window.start < len(whole) / 2


def test_scored_night_keeps_its_own_reference(synthetic_edf: Path) -> None:
    _, _, plain = open_night(synthetic_edf)
    rec, _, epochs = open_model_night(synthetic_edf)
    assert rec.has_scoring and epochs.zscore == plain.zscore
    assert np.array_equal(epochs.data, plain.data)


def test_night_yasa_cannot_stage_keeps_the_whole_recording(caplog: pytest.LogCaptureFixture) -> None:
    rec = synth_night(SynthConfig(hours=0.5, seed=3, profile="hst"))   # a home test: no EEG
    rec.stages = np.zeros(0, dtype=np.int8)
    montage = map_montage(rec)
    epochs = make_epochs(rec, montage)
    with caplog.at_level(logging.WARNING, logger="sleeplm_core.heads.inputs"):
        assert model_input(rec, montage, epochs) is epochs
    assert "whole recording" in caplog.text
