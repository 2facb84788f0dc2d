"""Shared signal helpers: band-limited noise and per-second envelopes at any rate."""

from __future__ import annotations

import numpy as np
from scipy import fft


def white_spectrum(white: np.ndarray) -> np.ndarray:
    """The rfft that :func:`band_components`, :func:`spectral_peak` and :func:`pink_noise` take of ``white``
    (single precision); pass it as their ``spectrum`` when several shape the same noise."""
    return fft.rfft(white.astype(np.float32, copy=False), workers=1)


def band_components(
    white: np.ndarray, fs: float, bands: dict[str, tuple[float, float]], spectrum: np.ndarray | None = None
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
    # Single precision halves the FFT time; noise needs no more than 24-bit mantissas.
    spectrum = white_spectrum(white) if spectrum is None else spectrum
    freqs = fft.rfftfreq(n, 1.0 / fs)
    out = {}
    for name, (low, high) in bands.items():
        high = min(high, fs / 2.0)
        taper = 0.15 * (high - low)
        # Only the band's own bins are touched: full-length masks dominated the cost.
        lo, hi = np.searchsorted(freqs, [low - taper / 2, high + taper / 2])
        band = np.zeros_like(spectrum)
        band[lo:hi] = spectrum[lo:hi] * _band_mask_flat(freqs, lo, hi, low, high, taper)
        component = fft.irfft(band, n=n, workers=1)
        out[name] = component / max(float(np.std(component)), 1e-12)
    return out


def spectral_peak(white: np.ndarray, fs: float, centre: float, width: float,
                  spectrum: np.ndarray | None = None) -> np.ndarray:
    """Shape white noise into a Gaussian spectral peak (``centre`` Hz, SD ``width`` Hz) with unit RMS.

    Real rhythms such as alpha are peaks on the spectrum, not flat bands, so an
    estimated peak frequency lands on ``centre``.
    """
    n = len(white)
    spectrum = white_spectrum(white) if spectrum is None else spectrum
    freqs = fft.rfftfreq(n, 1.0 / fs)
    lo, hi = np.searchsorted(freqs, [centre - 4 * width, centre + 4 * width])
    band = np.zeros_like(spectrum)
    band[lo:hi] = spectrum[lo:hi] * np.exp(-0.5 * ((freqs[lo:hi] - centre) / width) ** 2).astype(np.float32)
    component = fft.irfft(band, n=n, workers=1)
    return component / max(float(np.std(component)), 1e-12)


def _band_mask_flat(freqs: np.ndarray, lo: int, hi: int, low: float, high: float, taper: float) -> np.ndarray:
    """``_band_mask(freqs[lo:hi], ...)`` as float32, computed only on the tapers.

    Between the tapers both clipped ramps are exactly 1 and the mask is the same constant (1.0), so
    only the bins within a margin of the tapers go through the formula: the values are the same to
    the bit, at a fraction of the cost for broad bands (EMG, muscle) at high rates."""
    margin = 1e-6 * taper
    inner_lo, inner_hi = np.searchsorted(freqs, [low + taper / 2 + margin, high - taper / 2 - margin])
    inner_lo, inner_hi = max(inner_lo, lo), min(inner_hi, hi)
    if inner_hi - inner_lo < 1024:
        return _band_mask(freqs[lo:hi], low, high, taper).astype(np.float32)
    mask = np.empty(hi - lo, dtype=np.float32)
    mask[: inner_lo - lo] = _band_mask(freqs[lo:inner_lo], low, high, taper)
    mask[inner_lo - lo: inner_hi - lo] = _band_mask(freqs[inner_lo: inner_lo + 1], low, high, taper)[0]
    mask[inner_hi - lo:] = _band_mask(freqs[inner_hi:hi], low, high, taper)
    return mask


def _band_mask(freqs: np.ndarray, low: float, high: float, taper: float) -> np.ndarray:
    rise = np.clip((freqs - (low - taper / 2)) / taper, 0.0, 1.0)
    fall = np.clip(((high + taper / 2) - freqs) / taper, 0.0, 1.0)
    return np.sin(0.5 * np.pi * rise) ** 2 * np.sin(0.5 * np.pi * fall) ** 2


def pink_noise(white: np.ndarray, fs: float, low: float = 0.3, exponent: float = 1.0,
               spectrum: np.ndarray | None = None) -> np.ndarray:
    """Shape white noise into 1/f^``exponent`` (power) noise above ``low`` Hz with unit RMS."""
    n = len(white)
    spectrum = white_spectrum(white) if spectrum is None else spectrum
    freqs = fft.rfftfreq(n, 1.0 / fs)
    scale = np.where(freqs >= low, np.maximum(freqs, low) ** (-exponent / 2.0), 0.0).astype(np.float32)
    pink = fft.irfft(spectrum * scale, n=n, workers=1)
    return pink / max(float(np.std(pink)), 1e-12)


_SAMPLE_TIMES: dict[tuple[int, float], np.ndarray] = {}


def sample_times(n: int, fs: float) -> np.ndarray:
    """``np.arange(n) / fs`` (read-only), kept while a night renders: every envelope at one rate shares it.
    :func:`forget_sample_times` drops them when the night is done."""
    key = (int(n), float(fs))
    t = _SAMPLE_TIMES.get(key)
    if t is None:
        t = np.arange(n) / fs
        t.flags.writeable = False
        _SAMPLE_TIMES[key] = t
    return t


def forget_sample_times() -> None:
    _SAMPLE_TIMES.clear()


def per_second_to_rate(values: np.ndarray, fs: float, n: int) -> np.ndarray:
    """Linearly interpolate a per-second envelope (value i at i + 0.5 s) to ``n`` samples at ``fs``."""
    t = sample_times(n, fs)
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
