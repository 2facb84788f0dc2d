"""Central EEG (C3-M2, C4-M1) by sleep stage, in µV.

Each channel is a stage-weighted mix of band-limited noise (1/f background,
delta, theta, alpha, sigma, beta) plus the transients of the plan: spindles and
K-complexes in N2/N3 and sawtooth bursts in REM. Arousals add alpha and beta
(the AASM "abrupt shift to faster frequencies"). The two hemispheres share 60 %
of their noise, as neighbouring scalp derivations do.
"""

from __future__ import annotations

import numpy as np
from scipy.signal import sawtooth

from sleeplm_core.io.recording import Signal
from sleeplm_core.io.synth.hypnogram import REM
from sleeplm_core.io.synth.noise import band_components, per_second_to_rate, pink_noise, place_waveforms
from sleeplm_core.io.synth.schedule import NightPlan

BANDS: dict[str, tuple[float, float]] = {
    "delta": (0.5, 2.0), "theta": (4.0, 7.5), "alpha": (8.5, 11.5), "sigma": (12.0, 15.0), "beta": (16.0, 30.0),
}
"""Frequency bands (Hz) of the stage-weighted noise components."""

STAGE_RMS: dict[str, tuple[float, ...]] = {
    #        W     N1    N2    N3    REM
    "pink": (10.0, 12.0, 14.0, 14.0, 10.0),
    "delta": (3.0, 6.0, 10.0, 34.0, 5.0),
    "theta": (3.0, 9.0, 6.0, 4.0, 8.0),
    "alpha": (14.0, 4.0, 1.5, 1.0, 3.0),
    "sigma": (1.0, 1.0, 2.0, 1.0, 1.0),
    "beta": (4.0, 2.0, 1.0, 0.5, 2.0),
}
"""RMS amplitude (µV) of each component per stage. N3 delta is set so that its
waves reach 75-200 µV peak to peak, the AASM slow-wave criterion."""

AROUSAL_RMS = {"alpha": 14.0, "beta": 7.0}
"""Extra RMS (µV) of alpha and beta during an arousal."""

_SHARED = 0.6


def _spindle(fs: float, duration: float, freq: float, amplitude: float) -> np.ndarray:
    t = np.arange(int(duration * fs)) / fs
    envelope = np.sin(np.pi * t / duration) ** 2  # waxing-waning shape
    return amplitude * envelope * np.sin(2 * np.pi * freq * t)


def _k_complex(fs: float, duration: float, amplitude: float) -> np.ndarray:
    """A sharp negative wave followed by a slower positive one, in µV as recorded."""
    t = np.arange(int(duration * fs)) / fs
    negative = -np.exp(-(((t - 0.25 * duration) / (0.12 * duration)) ** 2))
    positive = 0.6 * np.exp(-(((t - 0.62 * duration) / (0.18 * duration)) ** 2))
    return amplitude * (negative + positive)


def _transients(plan: NightPlan, fs: float, n: int, rng: np.random.Generator) -> np.ndarray:
    spindles = plan.of_type("spindle")
    centre = rng.normal(13.0, 0.5)  # each sleeper has a typical spindle frequency
    waves = [
        _spindle(fs, e.duration, float(np.clip(centre + rng.normal(0, 0.6), 11.0, 16.0)), float(rng.uniform(15, 35)))
        for e in spindles
    ]
    kcs = plan.of_type("k_complex")
    waves += [_k_complex(fs, e.duration, float(rng.uniform(90, 180))) for e in kcs]
    onsets = np.array([e.onset for e in spindles + kcs])
    return place_waveforms(n, fs, onsets, waves)


def _sawtooth_bursts(plan: NightPlan, fs: float, n: int, rng: np.random.Generator) -> np.ndarray:
    """REM sawtooth waves: 2-6 Hz triangular bursts of a few seconds, about 2 per minute of REM."""
    rem_seconds = np.flatnonzero(plan.stage_s == REM)
    count = rng.poisson(len(rem_seconds) / 30.0)
    if not count:
        return np.zeros(n)
    onsets = np.sort(rng.choice(rem_seconds, size=count)).astype(float)
    waves = []
    for _ in onsets:
        t = np.arange(int(rng.uniform(1.5, 4.0) * fs)) / fs
        taper = np.sin(np.pi * t / t[-1]) if len(t) > 1 else np.ones(len(t))
        waves.append(rng.uniform(20, 40) * taper * sawtooth(2 * np.pi * rng.uniform(2.5, 4.5) * t, width=0.8))
    return place_waveforms(n, fs, onsets, waves)


def stage_gains(plan: NightPlan, table: dict[str, tuple[float, ...]], extra: dict[str, float], fs: float, n: int) -> dict[str, np.ndarray]:
    """Per-sample gains of each component: the stage value plus ``extra`` during arousals."""
    gains = {}
    for name, per_stage in table.items():
        per_second = np.asarray(per_stage)[plan.stage_s] + extra.get(name, 0.0) * plan.arousal_s
        gains[name] = per_second_to_rate(per_second, fs, n)
    return gains


def render_eeg(plan: NightPlan, fs: float, rng: np.random.Generator) -> tuple[Signal, Signal, np.ndarray]:
    """C3-M2 and C4-M1 in µV, plus C3's delta activity (µV), which also reaches the EOG."""
    n = len(plan.stage_s) * int(fs)
    gains = stage_gains(plan, STAGE_RMS, AROUSAL_RMS, fs, n)
    shared = rng.standard_normal((2, n))  # [0] feeds the bands, [1] the 1/f background
    transients = _transients(plan, fs, n, rng) + _sawtooth_bursts(plan, fs, n, rng)
    own_share = np.sqrt(1 - _SHARED**2)
    channels, delta = [], np.zeros(0)
    for label in ("C3-M2", "C4-M1"):
        # Mixing white noises keeps them white with unit variance, so the hemispheres
        # correlate by _SHARED in every band at the cost of one FFT per band.
        white = _SHARED * shared + own_share * rng.standard_normal((2, n))
        bands = band_components(white[0], fs, BANDS)
        mix = gains["pink"] * pink_noise(white[1], fs)
        for band in BANDS:
            mix += gains[band] * bands[band]
        if not delta.size:
            delta = gains["delta"] * bands["delta"]
        channels.append(Signal(label, mix + transients * rng.uniform(0.85, 1.0), fs, "uV"))
    return channels[0], channels[1], delta
