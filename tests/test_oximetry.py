"""Oximetry tokens: SpO2 beside each epoch, through the dataset, the trainer and the encoder."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from test_train import TINY_MODEL, build_tiny_dataset, tiny_config

from sleeplm_core.io.edf_write import write_edf
from sleeplm_core.io.epochs import make_epochs
from sleeplm_core.io.load import open_night
from sleeplm_core.io.montage import map_montage
from sleeplm_core.io.oximetry import OXIMETRY_SAMPLES, epoch_oximetry
from sleeplm_core.io.recording import Signal
from sleeplm_core.io.synth import SynthConfig, synth_night
from sleeplm_core.model import create_model
from sleeplm_core.model.factory import mini_config
from sleeplm_core.model.oximetry import PatchOximetry
from sleeplm_core.train.data import EpochDataset
from sleeplm_core.train.logbook import read_metrics
from sleeplm_core.train.loop import train
from sleeplm_core.train.store import DatasetError

OXI_MODEL = {**TINY_MODEL, "signal": {**TINY_MODEL["signal"], "oximetry_tokens": True}}


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_dataset(tmp_path_factory.mktemp("ds"))


def test_spo2_is_cut_into_half_second_cells_with_implausible_values_missing() -> None:
    # 4 Hz: each 0.5-s cell averages two samples; 1 Hz: each sample is held for two cells.
    fast = Signal("SpO2", np.tile([90.0, 92.0, 94.0, 94.0], 60), 4.0, "%")
    cells = epoch_oximetry(fast, grid_start=0.0, n_epochs=2)
    assert cells.shape == (2, OXIMETRY_SAMPLES)
    assert np.allclose(cells.ravel()[:4], [91.0, 94.0, 91.0, 94.0])
    slow = np.full(65, 95.0)
    slow[[3, 4, 5]] = [0.0, 120.0, np.nan]  # probe off, out of range, missing
    held = epoch_oximetry(Signal("SpO2", slow, 1.0, "%"), grid_start=1.0, n_epochs=2)
    assert np.isnan(held.ravel()[4:10]).all()  # seconds 3-5 after the 1-s grid start
    assert np.allclose(held.ravel()[:4], 95.0) and np.allclose(held.ravel()[10:], 95.0)
    short = epoch_oximetry(Signal("SpO2", np.full(20, 96.0), 1.0, "%"), 0.0, 1)
    assert np.isnan(short[0, 40:]).all() and np.allclose(short[0, :40], 96.0)


def test_epochs_carry_spo2_only_when_the_recording_has_it() -> None:
    rec = synth_night(SynthConfig(hours=0.5, seed=4))
    montage = map_montage(rec)
    epochs = make_epochs(rec, montage)
    assert epochs.spo2 is not None and epochs.spo2.shape == (len(epochs), OXIMETRY_SAMPLES)
    assert np.nanmin(epochs.spo2) >= 50.0 and np.nanmax(epochs.spo2) <= 100.0
    assert epochs.spo2_rows(slice(2, 4)).shape == (2, OXIMETRY_SAMPLES)
    without = make_epochs(rec, map_montage(rec, {"SPO2": "none"}))
    assert without.spo2 is None and without.spo2_rows(slice(0, 2)) is None


def test_a_falling_saturation_reads_as_a_drop_and_a_missing_one_reads_as_nothing() -> None:
    oxi = PatchOximetry(patch_size=128, sample_rate=64.0, num_patches=15, width=8)
    spo2 = torch.full((2, 60), 96.0)
    spo2[0, 20:40] = torch.linspace(96.0, 88.0, 20)
    spo2[0, 40:] = 88.0
    spo2[1] = float("nan")
    level, drop, step, trend = oxi.features(spo2)[0].unbind(-1)
    assert step[5:10].lt(0).all() and trend[5:10].lt(0).all()
    assert drop[10:].lt(-1.5).all() and drop[:5].eq(0).all()
    assert level[0] > level[12]
    assert oxi.features(spo2)[1].eq(0).all()


def test_a_model_with_oximetry_tokens_encodes_as_before_until_trained_then_reads_spo2() -> None:
    base_cfg, oxi_cfg = mini_config(), mini_config()
    oxi_cfg.signal.oximetry_tokens = True
    base, model = create_model(base_cfg, seed=0), create_model(oxi_cfg, seed=0)
    missing = model.load_state_dict(base.state_dict(), strict=False).missing_keys
    assert missing == ["biosignals.oximetry.proj.weight"]
    x = np.random.default_rng(0).standard_normal((3, 10, 1920)).astype(np.float32)
    spo2 = np.full((3, 60), 96.0, np.float32)
    spo2[1, 20:40] = np.linspace(96.0, 88.0, 20)
    spo2[2] = np.nan
    assert torch.equal(base.encode_signals(x), model.encode_signals(x, spo2=spo2))
    torch.nn.init.normal_(model.biosignals.oximetry.proj.weight, std=0.5)
    read, blind = model.encode_signals(x, spo2=spo2), model.encode_signals(x)
    assert not torch.allclose(read[:2], blind[:2])
    assert torch.allclose(read[2], blind[2])  # an epoch without SpO2 adds nothing
    with pytest.raises(Exception, match="SpO2 rows"):
        model.encode_signals(x, spo2=spo2[:2])


def test_the_dataset_stores_spo2_and_a_model_that_reads_it_trains_on_it(dataset: Path,
                                                                        tmp_path: Path) -> None:
    data = EpochDataset(dataset, "train")
    assert data.has_oximetry
    spo2 = data[0][4]
    assert spo2.shape == (OXIMETRY_SAMPLES,) and np.isfinite(spo2).all()
    state = train(tiny_config(dataset, tmp_path, 3, f"model_overrides={OXI_MODEL!r}"), progress=False)
    assert state.step == 3
    rows = [r for r in read_metrics(tmp_path / "metrics.jsonl") if r["split"] == "train"]
    assert all(np.isfinite(r["loss"]) for r in rows)
    weight = torch.load(tmp_path / "last.pt", weights_only=False)["model"]["biosignals.oximetry.proj.weight"]
    assert weight.abs().sum() > 0  # the zero-started projection learned from SpO2


def test_a_model_that_reads_spo2_is_refused_a_dataset_without_it(dataset: Path, tmp_path: Path) -> None:
    for spo2 in (dataset / "shards").glob("*/spo2.npy"):
        spo2.rename(spo2.with_name("spo2.moved"))
    try:
        with pytest.raises(DatasetError, match="oximetry_tokens"):
            train(tiny_config(dataset, tmp_path / "run", 1, f"model_overrides={OXI_MODEL!r}"),
                  progress=False)
        assert not (tmp_path / "run").exists()
        assert np.isnan(EpochDataset(dataset, "train")[0][4]).all()
    finally:
        for moved in (dataset / "shards").glob("*/spo2.moved"):
            moved.rename(moved.with_name("spo2.npy"))


def test_spo2_stored_as_a_fraction_is_read_as_percent_everywhere(tmp_path: Path) -> None:
    rec = synth_night(SynthConfig(hours=0.5, ahi=30.0, seed=5))
    label = next(label for label in rec.signals if label.lower() == "spo2")
    percent = np.asarray(rec.signals[label].data, dtype=np.float64)
    rec.signals[label] = Signal(label, percent / 100.0, rec.signals[label].sfreq, "")
    path = write_edf(rec, tmp_path / "fraction.edf")
    loaded, montage, epochs = open_night(path)
    warnings = [w for w in loaded.source["warnings"] if "fraction of 1" in w]
    assert len(warnings) == 1 and f"'{label}'" in warnings[0] and "median 0.9" in warnings[0]
    # The EDF stores 16-bit samples, so percent comes back to within the file's resolution.
    assert np.allclose(loaded.signals[label].data, percent, atol=0.05)
    assert np.nanmin(epochs.spo2) > 50.0 and np.nanmax(epochs.spo2) <= 100.0
    # A channel in percent is left as it is, with no warning.
    rec.signals[label] = Signal(label, percent, rec.signals[label].sfreq, "%")
    again, _, _ = open_night(write_edf(rec, tmp_path / "percent.edf"))
    assert not [w for w in again.source["warnings"] if "fraction" in w]
    assert np.allclose(again.signals[label].data, percent, atol=0.05)
