"""High-rate channels (above :data:`HIGH_RATE_HZ`) rendered at a lower internal rate, then upsampled.

An 8-h night at 512 Hz has 14.7 M samples per channel, and rendering EEG, EOG
and ECG sample by sample at that rate took 26 s of CPU. Nights drawn above
256 Hz therefore render those channels at :data:`INTERNAL_HZ` and upsample them
in the frequency domain, where the rest of the high band and the recording
chain are added at the channel's own rate:

* the band above the internal Nyquist frequency is filled with Gaussian noise
  that continues the channel's own spectrum (a power law in frequency, level
  fitted on the top of the rendered band; ``exponent`` 0 gives the flat floor
  of the ECG's electrode noise), so the channel has energy up to its own
  Nyquist frequency, shaped by the amplifier's low-pass as a real recording is;
* the amplifier (mains hum, first-order high-pass, second-order low-pass; the
  same Butterworth filters and settings as
  :func:`~sleeplm_core.io.synth.artefacts.amplifier`) is applied as its
  frequency response at the output rate, and the hum sits on its exact bin.

EMG channels are broadband (20 Hz to Nyquist) with a per-second envelope, so
they stay rendered at their own rate; above 256 Hz their noise is cut by a
Butterworth high-pass instead of two FFTs
(:func:`~sleeplm_core.io.synth.eog_emg.render_chin_emg`). Nights at 256 Hz
and below never come here and are unchanged sample for sample
(``tests/test_synth_rates.py`` pins them).
"""

from __future__ import annotations

import numpy as np
from scipy import fft

from sleeplm_core.io.synth.artefacts import amplifier_sections
from sleeplm_core.io.synth.config import ChannelRates
from sleeplm_core.io.synth.variation import NightVariation

HIGH_RATE_HZ = 256.0
"""Rates above this are rendered at :data:`INTERNAL_HZ` and upsampled."""

INTERNAL_HZ = 128.0
"""Internal rate of high-rate EEG, EOG and ECG: its 64-Hz Nyquist frequency is above every EEG band and
transient the generator renders (0.5-30 Hz, spindles, K-complexes, sawtooth waves); above it the
channel's spectrum is continued as noise."""

FIT_BAND = (0.6, 0.95)
"""Share of the internal Nyquist frequency over which the tail's level is fitted."""


def internal_rates(rates: ChannelRates) -> ChannelRates:
    """``rates`` with EEG, EOG and ECG above :data:`HIGH_RATE_HZ` lowered to :data:`INTERNAL_HZ`."""
    def inner(fs: float) -> float:
        return INTERNAL_HZ if fs > HIGH_RATE_HZ else fs

    return ChannelRates(eeg=inner(rates.eeg), eog=inner(rates.eog), emg=rates.emg, ecg=inner(rates.ecg),
                        resp=rates.resp, snore=rates.snore, oximetry=rates.oximetry, position=rates.position)


def amplifier_response(n_seconds: int, fs: float, var: NightVariation) -> np.ndarray | None:
    """Complex response of the amplifier's filters at ``fs``, as
    :func:`~sleeplm_core.io.synth.artefacts.amplifier` applies them, at the rfft bins of
    ``n_seconds`` s (None: no filter)."""
    sections = amplifier_sections(fs, var)
    if sections is None:
        return None
    # sosfreqz's polynomial evaluation in complex128 took a second per 7 M bins; the same rational
    # response in single precision, section by section, is exact to ~1e-6.
    n_bins = int(n_seconds * fs) // 2 + 1
    w = (2.0 * np.pi / (n_seconds * fs)) * np.arange(n_bins, dtype=np.float32)
    z = np.empty(n_bins, dtype=np.complex64)  # z^-1 on the unit circle
    z.real, z.imag = np.cos(w), -np.sin(w)
    response = np.ones(n_bins, dtype=np.complex64)
    for b0, b1, b2, _, a1, a2 in sections.astype(np.float32):
        response *= (b0 + z * (b1 + z * b2)) / (1.0 + z * (a1 + z * a2))
    return response


def upsample(x: np.ndarray, fs_in: float, fs_out: float, rng: np.random.Generator, exponent: float,
             var: NightVariation | None = None, response: np.ndarray | None = None) -> np.ndarray:
    """``x`` (at ``fs_in``) at ``fs_out``: its spectrum plus a power-law tail above ``fs_in / 2``; with
    ``var``, the night's mains hum is added; with ``response`` (:func:`amplifier_response` at the output
    bins, computed once per rate), the amplifier's filters are applied."""
    n_in = len(x)
    n_seconds = n_in / fs_in
    n_out = int(round(n_seconds * fs_out))
    spectrum = fft.rfft(x.astype(np.float32), workers=1)
    m = len(spectrum) - 1  # the input's Nyquist bin is left out (its phase is not defined)
    out = np.zeros(n_out // 2 + 1, dtype=np.complex64)
    out[:m] = spectrum[:m]
    # Continue the spectrum: mean power over the top of the rendered band, extrapolated as f^-exponent.
    lo, hi = int(FIT_BAND[0] * m), int(FIT_BAND[1] * m)
    level = float(np.mean(np.abs(spectrum[lo:hi]) ** 2)) if hi > lo else 0.0
    f_ref = 0.5 * (lo + hi) / n_seconds
    tail = out[m:]
    scale = np.float32(np.sqrt(level / 2.0))
    if exponent:
        bins = np.arange(m, len(out), dtype=np.float32) / np.float32(f_ref * n_seconds)
        scale = scale * bins ** np.float32(-exponent / 2.0)
    tail.real = scale * rng.standard_normal(len(tail), dtype=np.float32)
    tail.imag = scale * rng.standard_normal(len(tail), dtype=np.float32)
    gain = n_out / n_in  # rfft is unnormalised: the output's irfft divides by n_out, the input had n_in
    if var is not None:
        if var.line_uv and var.line_hz < fs_out / 2.0:
            k = int(round(var.line_hz * n_seconds))
            phase = rng.uniform(0, 2 * np.pi)
            out[k] += -1j * var.line_uv * np.sqrt(2.0) * n_out / 2.0 * np.exp(1j * phase) / gain
    if response is not None:
        out *= response
    return fft.irfft(out, n=n_out, workers=1).astype(np.float64) * gain
