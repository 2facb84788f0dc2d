"""Shared signal helpers: band-limited noise and per-second envelopes at any rate."""

from __future__ import annotations

import numpy as np
from scipy import fft


def band_components(
    white: np.ndarray, fs: float, bands: dict[str, tuple[float, float]]
) -> dict[str, np.ndarray]:
    """Split white noise into band-limited components with unit RMS.

    Disjoint frequency bands of Gaussian white noise are independent, so one FFT
    serves every band of a channel. Band edges are raised-cosine tapers 15 % of
    the band wide, which avoids ringing around events.

    Args:
        white: white noise, shape (n,).
        fs: sampling rate in Hz.
        bands: name -> (low, high) in Hz; ``high`` is clipped to Nyquist.
    """
    n = len(white)
    spectrum = fft.rfft(white, workers=1)
    freqs = fft.rfftfreq(n, 1.0 / fs)
    out = {}
    for name, (low, high) in bands.items():
        mask = _band_mask(freqs, low, min(high, fs / 2.0))
        component = fft.irfft(spectrum * mask, n=n, workers=1)
        out[name] = component / max(float(np.std(component)), 1e-12)
    return out


def _band_mask(freqs: np.ndarray, low: float, high: float) -> np.ndarray:
    taper = 0.15 * (high - low)
    rise = np.clip((freqs - (low - taper / 2)) / taper, 0.0, 1.0)
    fall = np.clip(((high + taper / 2) - freqs) / taper, 0.0, 1.0)
    return np.sin(0.5 * np.pi * rise) ** 2 * np.sin(0.5 * np.pi * fall) ** 2


def pink_noise(rng: np.random.Generator, n: int, fs: float, low: float = 0.3) -> np.ndarray:
    """1/f (pink) noise above ``low`` Hz with unit RMS."""
    spectrum = fft.rfft(rng.standard_normal(n), workers=1)
    freqs = fft.rfftfreq(n, 1.0 / fs)
    scale = np.where(freqs >= low, 1.0 / np.sqrt(np.maximum(freqs, low)), 0.0)
    pink = fft.irfft(spectrum * scale, n=n, workers=1)
    return pink / max(float(np.std(pink)), 1e-12)


def per_second_to_rate(values: np.ndarray, fs: float, n: int) -> np.ndarray:
    """Linearly interpolate a per-second envelope (value i at i + 0.5 s) to ``n`` samples at ``fs``."""
    t = np.arange(n) / fs
    return np.interp(t, np.arange(len(values)) + 0.5, values)


def smooth(values: np.ndarray, width: int) -> np.ndarray:
    """Moving average over ``width`` samples (same length, edges use shorter windows)."""
    if width <= 1:
        return values.astype(float)
    kernel = np.ones(width)
    return np.convolve(values, kernel, mode="same") / np.convolve(np.ones(len(values)), kernel, mode="same")


def place_waveforms(
    n: int, fs: float, onsets_s: np.ndarray, waveforms: list[np.ndarray]
) -> np.ndarray:
    """Sum short waveforms into an array of ``n`` samples, each starting at its onset (s)."""
    out = np.zeros(n)
    for onset, wave in zip(onsets_s, waveforms):
        start = int(round(onset * fs))
        stop = min(n, start + len(wave))
        if start < n:
            out[start:stop] += wave[: stop - start]
    return out
