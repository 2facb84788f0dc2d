"""ECGs with known beats, for the rhythm tests: sinus rhythm, and any RR series drawn
as QRS complexes in noise."""

from __future__ import annotations

import numpy as np
from scipy.ndimage import gaussian_filter1d

from sleeplm_core.io.recording import Signal

FS = 256.0


def sinus_rr(n: int, seed: int) -> np.ndarray:
    """RR intervals (s) of sinus rhythm: a slow drift, a breathing swing of +-40 ms every
    4.3 beats and 10 ms of beat-to-beat noise."""
    rng = np.random.default_rng(seed)
    drift = gaussian_filter1d(rng.normal(0.0, 1.0, n), 60)
    swing = 0.04 * np.sin(np.arange(n) * 2 * np.pi / 4.3)
    return 1.0 + 0.08 * drift / np.abs(drift).max() + swing + rng.normal(0.0, 0.01, n)


def ecg_of(rr: np.ndarray, seed: int = 0, fs: float = FS) -> tuple[Signal, np.ndarray]:
    """An ECG (mV) with a QRS at every beat of ``rr``, its first beat at 1 s, in 20 uV of
    noise; and the true beat times."""
    beats = np.concatenate([[1.0], 1.0 + np.cumsum(rr)])
    x = np.random.default_rng(seed).normal(0.0, 0.02, int((beats[-1] + 2.0) * fs))
    k = np.arange(-int(0.05 * fs), int(0.05 * fs) + 1)
    qrs = np.exp(-0.5 * (k / (0.008 * fs)) ** 2) - 0.25 * np.exp(-0.5 * ((k - 0.02 * fs) / (0.01 * fs)) ** 2)
    for b in beats:
        x[int(round(b * fs)) + k] += qrs
    return Signal("ECG II", x, fs, "mV"), beats
