"""Snore loudness (``sleeplm_core.scoring.snore``): constructed sensors with snores at known
times, and the bundled night's snore channel against what its generator planned."""

from __future__ import annotations

import numpy as np
import pytest

from sleeplm_core.io.load import open_night
from sleeplm_core.io.recording import EPOCH_SEC, STAGES, Signal
from sleeplm_core.scoring.snore import SnoreConfig, snore_loudness

SNORING = (120.0, 240.0)
"""Seconds of the constructed sensors' snoring."""


def _sensor(envelope: bool, sfreq: float = 200.0, seconds: float = 360.0,
            seed: int = 0) -> Signal:
    """Quiet noise with 1.5-s snores every 4 s (breaths) inside :data:`SNORING`, 20 dB over
    it; a raw vibration sensor (80 Hz), or its rectified loudness envelope."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * sfreq)) / sfreq
    inspiring = ((t % 4.0) < 1.5) & (t >= SNORING[0]) & (t < SNORING[1])
    if envelope:
        return Signal("Snore", 1.0 + 0.2 * rng.random(len(t)) + 9.0 * inspiring, sfreq, "dB")
    data = rng.normal(0.0, 1.0, len(t)) + 10.0 * inspiring * np.sin(2 * np.pi * 80.0 * t)
    return Signal("Snore", data, sfreq, "uV")


@pytest.mark.parametrize("envelope", [False, True])
def test_snoring_is_loud_only_where_it_was_put(envelope: bool) -> None:
    loud = snore_loudness(_sensor(envelope))
    assert loud is not None and loud.envelope is envelope
    threshold = SnoreConfig().snoring_db
    inside = (loud.times >= SNORING[0] + 3) & (loud.times < SNORING[1] - 3)
    outside = (loud.times < SNORING[0] - 3) | (loud.times >= SNORING[1] + 3)
    # The loudest window of each breath cycle carries the snore through its expiration.
    assert np.all(loud.db[inside] >= threshold)
    assert np.all(loud.db[outside] < threshold)


def test_breathing_movement_on_a_raw_sensor_is_not_sound() -> None:
    # A piezo sensor also picks up the chest moving (0.25 Hz, far larger than the noise):
    # the high-pass keeps it from reading as snoring.
    sig = _sensor(False)
    t = np.arange(len(sig.data)) / sig.sfreq
    sig.data = sig.data + 50.0 * np.sin(2 * np.pi * 0.25 * t)
    loud = snore_loudness(sig)
    outside = (loud.times < SNORING[0] - 3) | (loud.times >= SNORING[1] + 3)
    assert np.all(loud.db[outside] < SnoreConfig().snoring_db)


def test_a_flat_or_empty_channel_gives_nothing_and_a_gap_is_unmeasured() -> None:
    assert snore_loudness(Signal("Snore", np.zeros(2000), 100.0, "uV")) is None
    assert snore_loudness(Signal("Snore", np.full(2000, np.nan), 100.0, "uV")) is None
    sig = _sensor(False)
    sig.data[int(30 * sig.sfreq):int(40 * sig.sfreq)] = np.nan
    loud = snore_loudness(sig)
    assert np.all(np.isnan(loud.db[31:39])) and np.isfinite(loud.db[:29]).all()


def test_the_bundled_nights_snore_follows_its_generator(demo_recording) -> None:
    # The generator makes the snore sensor silent in wake, softer in REM than in NREM
    # (0.6 of the level) and silent in apneas, when no air moves (io/synth/breathing.py).
    rec, epochs = demo_recording
    loud = snore_loudness(rec.signals["Snore"])
    stage = np.asarray(epochs.stages)[np.clip((loud.times // EPOCH_SEC).astype(int), 0,
                                              len(epochs) - 1)]
    snoring = loud.db >= SnoreConfig().snoring_db
    share = {s: float(np.mean(snoring[stage == STAGES.index(s)])) for s in STAGES}
    assert share["W"] < 0.05 and min(share[s] for s in ("N1", "N2", "N3", "REM")) > 0.8
    mean = {s: float(np.nanmean(loud.db[stage == STAGES.index(s)])) for s in ("N2", "REM")}
    assert mean["REM"] < mean["N2"] - 3.0
    during, before = [], []
    for e in rec.events:
        if e.type.endswith("apnea") and e.duration >= 16:
            during.append(np.nanmean(loud.db[int(e.onset) + 3:int(e.offset) - 3]))
            before.append(np.nanmean(loud.db[int(e.onset) - 30:int(e.onset) - 3]))
    assert len(during) > 20 and np.median(during) < np.median(before) - 10.0


@pytest.fixture(scope="module")
def demo_recording():
    from app.engine import DEMO_DIR

    rec, _, epochs = open_night(DEMO_DIR / "synthetic_night.edf")
    return rec, epochs
