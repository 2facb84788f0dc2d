"""Epoching: resampling, alignment to the scoring, robust z-score, masks and memmap."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sleeplm_core.io import epochs as epochs_module
from sleeplm_core.io.epochs import make_epochs
from sleeplm_core.io.epochset import CANONICAL_CHANNELS, EPOCH_SAMPLES
from sleeplm_core.io.load import load_recording
from sleeplm_core.io.montage import map_montage
from sleeplm_core.io.recording import Recording, Signal

PSG = Path(__file__).resolve().parent / "fixtures" / "io" / "SC4001E0-PSG-first10min.edf"
C3, POS, ECG = (CANONICAL_CHANNELS.index(s) for s in ("EEG_C3", "POS", "ECG"))


@pytest.fixture(scope="module")
def real():
    return load_recording(PSG)


def _with(rec: Recording, label: str, data: np.ndarray, sfreq: float) -> Recording:
    signals = {**rec.signals, label: Signal(label, data, sfreq)}
    return Recording(signals, rec.start_time, rec.duration, rec.stages, rec.stage_offset, list(rec.events), dict(rec.source))


def test_shape_mask_and_robust_zscore(real):
    epochs = make_epochs(real, map_montage(real))
    assert epochs.data.shape == (20, 10, EPOCH_SAMPLES) and epochs.data.dtype == np.float32
    eeg = epochs.data[:, C3].ravel()
    q25, q50, q75 = np.percentile(eeg, [25, 50, 75])
    assert abs(q50) < 0.05 and abs((q75 - q25) - 1.349) < 0.1
    assert not epochs.channel_mask[ECG] and not epochs.data[:, ECG].any()
    median, scale = epochs.zscore["EEG_C3"]
    native = real.signals["EEG Fpz-Cz"].data
    assert median == pytest.approx(np.median(native)) and scale > 0


def test_resampling_keeps_the_waveform_and_removes_aliases(real):
    t = np.arange(int(real.duration * 256)) / 256.0
    # 10 Hz stays; 100 Hz is above the 32-Hz Nyquist of the output and must not alias.
    signal = 20 * np.sin(2 * np.pi * 10 * t) + 20 * np.sin(2 * np.pi * 100 * t)
    rec = _with(real, "C3-M2", signal, 256.0)
    epochs = make_epochs(rec, map_montage(rec))
    x = epochs.data[5, C3].astype(np.float64)
    spectrum = np.abs(np.fft.rfft(x)) / len(x)
    freqs = np.fft.rfftfreq(len(x), 1 / 64)
    peak = freqs[np.argmax(spectrum)]
    alias = spectrum[np.argmin(np.abs(freqs - 28))]  # 100 Hz folds to 28 Hz at 64 Hz
    assert peak == pytest.approx(10.0) and alias < 0.01 * spectrum.max()


def test_epochs_align_to_the_scoring(real):
    rec = _with(real, "C3-M2", real.signals["EEG Fpz-Cz"].data, 100.0)
    rec.stages, rec.stage_offset = np.array([2, 3, 4], dtype=np.int8), 45.0
    epochs = make_epochs(rec, map_montage(rec))
    assert epochs.starts[:3].tolist() == [15.0, 45.0, 75.0] and len(epochs) == 19
    assert epochs.stages[:5].tolist() == [-1, 2, 3, 4, -1]


def test_flat_and_clipped_epochs_are_flagged_not_removed(real):
    data = real.signals["EEG Fpz-Cz"].data.copy()
    data[0:3000] = 5.0  # epoch 0 flat
    limit = np.max(data)
    data[3000:3600] = limit  # epoch 1 sits on the range limit for 6 s
    rec = _with(real, "C3-M2", data, 100.0)
    epochs = make_epochs(rec, map_montage(rec))
    assert epochs.quality_flags["flat"][:, C3].tolist()[:3] == [True, False, False]
    assert epochs.quality_flags["clipped"][:, C3].tolist()[:3] == [False, True, False]
    assert epochs.quality[:2, C3].all() and len(epochs) == 20
    flat = epochs.data[0, C3, 100:1800]  # away from the filter's reach past both edges
    assert np.allclose(flat, flat[0], atol=1e-3) and abs(flat[0]) > 0.01  # kept, not zeroed


def test_position_codes_held_not_filtered(real):
    codes = np.repeat([2.0, 0.0, 1.0, 3.0], 150)  # 1 Hz, 600 s
    rec = _with(real, "Position", codes, 1.0)
    epochs = make_epochs(rec, map_montage(rec))
    pos = epochs.data[:, POS]
    assert set(np.unique(pos).tolist()) == {0.0, 1.0, 2.0, 3.0}
    assert pos[0].tolist() == [2.0] * EPOCH_SAMPLES and pos[-1].tolist() == [3.0] * EPOCH_SAMPLES
    assert "POS" not in epochs.zscore


def test_large_sets_are_memory_mapped(real, tmp_path, monkeypatch):
    monkeypatch.setattr(epochs_module, "MEMMAP_BYTES", 1024)
    epochs = make_epochs(real, map_montage(real), memmap_dir=tmp_path)
    assert isinstance(epochs.data, np.memmap) and list(tmp_path.iterdir())
    in_ram = make_epochs(real, map_montage(real))
    assert np.array_equal(np.asarray(epochs.data), in_ram.data)


def test_default_memmap_leaves_no_file_behind(real, tmp_path, monkeypatch):
    monkeypatch.setattr(epochs_module, "MEMMAP_BYTES", 1024)
    monkeypatch.setattr(epochs_module.tempfile, "tempdir", str(tmp_path))
    epochs = make_epochs(real, map_montage(real))
    assert isinstance(epochs.data, np.memmap) and not list(tmp_path.iterdir())
    assert np.isfinite(np.asarray(epochs.data)).all()


def _night(real: Recording, wake_before: int, wake_after: int, sleep: int = 120) -> Recording:
    """One C3 channel at 100 Hz: loud wake (100 uV) around quiet N2 (20 uV), scored."""
    rng = np.random.default_rng(7)
    parts = [100 * rng.standard_normal(wake_before * 3000), 20 * rng.standard_normal(sleep * 3000),
             100 * rng.standard_normal(wake_after * 3000)]
    stages = np.array([0] * wake_before + [2] * sleep + [0] * wake_after, dtype=np.int8)
    data = np.concatenate(parts)
    return Recording({"C3-M2": Signal("C3-M2", data, 100.0)}, real.start_time, len(data) / 100.0,
                     stages, 0.0, [], {})


def test_zscore_reference_is_the_sleep_window_not_the_day_around_it(real):
    # The same night recorded with 30 min of wake on each side, and inside 5 h of wake:
    # its sleep window (sleep +-30 min) holds the same samples, so the same input.
    short = _night(real, 60, 60)
    long = _night(real, 60, 60)
    rng = np.random.default_rng(11)
    pad_before, pad_after = 100 * rng.standard_normal(240 * 3000), 100 * rng.standard_normal(360 * 3000)
    c3 = long.signals["C3-M2"]
    long = Recording({"C3-M2": Signal("C3-M2", np.concatenate([pad_before, c3.data, pad_after]), 100.0)},
                     long.start_time, long.duration + 600 * 30,
                     np.concatenate([np.zeros(240, np.int8), long.stages, np.zeros(360, np.int8)]),
                     0.0, [], {})
    a, b = make_epochs(short, map_montage(short)), make_epochs(long, map_montage(long))
    assert a.zscore["EEG_C3"] == b.zscore["EEG_C3"]
    inner = slice(2, 238)                 # away from the resampling filter's edges
    assert np.allclose(a.data[inner, C3], b.data[240 + inner.start:240 + inner.stop, C3], atol=1e-5)
    # z-scored over the whole day instead, the night's EEG would shrink by the wake share
    whole = make_epochs(long, map_montage(long), reference=slice(None))
    assert whole.zscore["EEG_C3"][1] > 2 * b.zscore["EEG_C3"][1]
    assert np.std(whole.data[300:420, C3]) < 0.5 * np.std(b.data[300:420, C3])


def test_unscored_recordings_and_named_references(real):
    night = _night(real, 60, 60)
    night.stages = np.full(len(night.stages), -1, dtype=np.int8)     # unscored: every epoch
    every = make_epochs(night, map_montage(night))
    assert every.zscore == make_epochs(night, map_montage(night), reference=slice(0, 240)).zscore
    sleep_only = make_epochs(night, map_montage(night), reference=slice(60, 180))
    native = night.signals["C3-M2"].data[60 * 3000:180 * 3000]
    q25, q50, q75 = np.percentile(native, [25, 50, 75])
    assert sleep_only.zscore["EEG_C3"] == pytest.approx((q50, (q75 - q25) / 1.349))
