"""Body temperature from a temperature channel: units, the plausible range and a slipping
probe, on a made-up night and on SC4001's rectal probe."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from sleeplm_core.features.signals import epoch_means
from sleeplm_core.features.temperature import PROBE_SLIP_C, SLIP_WINDOW_SEC, body_temperature
from sleeplm_core.io.load import load_recording
from sleeplm_core.io.recording import Signal

DEMO = Path(__file__).resolve().parents[1] / "assets" / "demo"


def _night(unit: str = "degC", hours: float = 2.0) -> Signal:
    """A core temperature falling by 0.3 °C an hour from 37.0 °C, at 1 Hz."""
    t = np.arange(int(hours * 3600), dtype=float)
    return Signal("Temp", 37.0 - 0.3 * t / 3600, 1.0, unit)


def test_a_steady_fall_is_kept_whole() -> None:
    sig = body_temperature(_night())
    assert sig.unit == "°C" and np.isfinite(sig.data).all()


def test_fahrenheit_is_converted() -> None:
    celsius = _night()
    fahrenheit = Signal("Temp", celsius.data * 9 / 5 + 32, 1.0, "degF")
    assert np.allclose(body_temperature(fahrenheit).data, celsius.data)


def test_a_slipping_probe_and_the_room_are_left_out() -> None:
    sig = _night()
    data = sig.data.copy()
    slip = slice(1800, 1800 + int(SLIP_WINDOW_SEC / 2) - 60)   # a drop shorter than half the window
    data[slip] -= 2 * PROBE_SLIP_C
    data[5000:5100] = 24.0                                       # out of the body: the room
    read = body_temperature(Signal("Temp", data, 1.0, "degC")).data
    assert np.isnan(read[slip]).all() and np.isnan(read[5000:5100]).all()
    kept = np.ones(len(data), bool)
    kept[slip] = kept[5000:5100] = False
    assert np.isfinite(read[kept]).all()


def test_epoch_means_skip_epochs_without_a_reading() -> None:
    data = np.r_[np.full(30, 36.0), np.full(30, np.nan), np.full(30, 37.0)]
    means = epoch_means(data, 1.0, np.array([0.0, 30.0, 60.0]), 30.0)
    assert means[0] == 36.0 and np.isnan(means[1]) and means[2] == 37.0


def test_sc4001s_probe_slips_are_caught() -> None:
    """The rectal probe of the bundled real night reads 34.7-35 °C for a few minutes twice
    while the body sat near 36.5-37 °C: no such drop is physiological."""
    raw = load_recording(DEMO / "SC4001E0_inbed.edf").signals["Temp rectal"]
    read = body_temperature(raw).data
    assert np.nanmin(raw.data) < 35.0 < np.nanmin(read)
    assert np.isfinite(read).mean() > 0.97
