"""Slow-oscillation–sigma coupling read by YASA's sw_detect on signals whose coupling is known."""

from __future__ import annotations

import numpy as np
import pytest

from sleeplm_core.io.recording import Signal
from sleeplm_core.scoring.coupling import phase_stats, rayleigh_p, so_sigma_coupling

FS = 100.0
MINUTES = 10


def _eeg(envelope_phase: np.ndarray | None, seed: int = 0) -> Signal:
    """0.8-Hz slow waves of 120 µV peak to peak, 5 µV noise, and 13.5-Hz bursts whose envelope
    peaks where ``envelope_phase`` (radians) is 0."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(MINUTES * 60 * FS)) / FS
    so_phase = 2 * np.pi * 0.8 * t
    bursts = 0.0 if envelope_phase is None else 12 * ((1 + np.cos(envelope_phase)) / 2) ** 3 * np.sin(
        2 * np.pi * 13.5 * t)
    return Signal("C4-M1", 60 * np.cos(so_phase) + bursts + rng.normal(0, 5, len(t)), FS, "uV")


def _so_phase() -> np.ndarray:
    return 2 * np.pi * 0.8 * np.arange(int(MINUTES * 60 * FS)) / FS


N3 = np.full(MINUTES * 2, 3)


@pytest.mark.parametrize("locked_deg", [0.0, -90.0, 60.0, 150.0])
def test_the_preferred_phase_is_where_the_bursts_were_put(locked_deg) -> None:
    found = so_sigma_coupling(_eeg(_so_phase() - np.radians(locked_deg)), N3)
    assert found is not None and found.overall.waves > 400
    error = (found.overall.phase_deg - locked_deg + 180) % 360 - 180
    assert abs(error) < 15, found.overall
    assert found.overall.vector_length > 0.8 and found.overall.rayleigh_p < 1e-6
    assert set(found.by_stage) == {"N3"} and found.by_stage["N3"].waves == found.overall.waves


def test_bursts_unrelated_to_the_slow_waves_have_no_preferred_phase() -> None:
    rng = np.random.default_rng(3)
    t = np.arange(int(MINUTES * 60 * FS)) / FS
    # bursts whose envelope follows its own random walk of phase, not the slow waves'
    drifting = 2 * np.pi * 0.8 * t + np.cumsum(rng.normal(0, 0.08, len(t)))
    found = so_sigma_coupling(_eeg(drifting, seed=1), N3)
    assert found is not None and found.overall.vector_length < 0.2, found.overall


def test_only_the_included_stages_are_searched() -> None:
    eeg = _eeg(_so_phase())
    assert so_sigma_coupling(eeg, np.full(MINUTES * 2, -1)) is None
    half = np.where(np.arange(MINUTES * 2) < MINUTES, 3, 0)   # N3, then wake
    found = so_sigma_coupling(eeg, half)
    whole = so_sigma_coupling(eeg, N3)
    assert 0.4 * whole.overall.waves < found.overall.waves < 0.6 * whole.overall.waves


def test_rayleigh_and_phase_statistics() -> None:
    rng = np.random.default_rng(0)
    uniform = rng.uniform(-np.pi, np.pi, 500)
    assert rayleigh_p(uniform) > 0.05
    assert rayleigh_p(rng.normal(0.5, 0.3, 50)) < 1e-6
    stats = phase_stats(np.array([0.1, -0.1, np.nan, 0.0]), np.array([0.2, 0.0, 0.5, 0.4]))
    assert stats.waves == 3 and abs(stats.phase_deg) < 1e-9 and stats.coupled == 2
    assert phase_stats(np.array([np.nan]), np.array([0.3])) is None
