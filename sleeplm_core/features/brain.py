"""Brain level: EEG band powers and EOG eye-movement power per epoch.

EEG bands (Hz): delta 0.5-4, theta 4-8, alpha 8-12, sigma 12-16, beta 16-30;
each is a percentage of the power from 0.5 Hz to the top edge of the highest
band measured (the bands add up to 100 %). A band whose top edge reaches the
Nyquist frequency is left out (None) and the night's notes say so: at 50 Hz
(DREAMS) beta is not measured and the four others are % of 0.5-16 Hz.

Power comes from Welch periodograms of each epoch with YASA's settings (4-s
Hamming windows, median average), after a zero-phase 0.3-Hz high-pass of the
whole night. The high-pass removes electrode drift, whose leakage through the
window sidelobes would otherwise be counted as delta; it sits below the 0.5-Hz
delta edge, so the band itself is untouched. Per epoch the result matches
``yasa.bandpower(..., bandpass=True)`` (its 0.5-30 Hz FIR filter per epoch) within
1.5 percentage points per band on SC4001 and DREAMS excerpt3 (tests/test_captions_rates.py).

EOG bands (Hz): slow eye movements 0.2-0.6 (the pendular drifts of drowsiness
and N1) and REM saccades 1-5 (the steep flanks of rapid eye movements, the
band YASA's REM detector filters to); each is a percentage of the 0.2-10 Hz
EOG power, so they need not add up to 100 %.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.signal import butter, hilbert, sosfiltfilt, welch

from sleeplm_core.features.schema import quantity
from sleeplm_core.features.signals import (
    complete_epochs, display_label, epoch_matrix, fill_gaps, usable_channel,
)
from sleeplm_core.io.epochset import EpochSet
from sleeplm_core.io.recording import Recording, Signal

EEG_BANDS: tuple[tuple[float, float, str], ...] = (
    (0.5, 4.0, "delta"), (4.0, 8.0, "theta"), (8.0, 12.0, "alpha"),
    (12.0, 16.0, "sigma"), (16.0, 30.0, "beta"),
)
EEG_BAND_NAMES: tuple[str, ...] = tuple(name for _, _, name in EEG_BANDS)
EOG_BANDS: tuple[tuple[float, float, str], ...] = ((0.2, 0.6, "slow"), (1.0, 5.0, "rapid"))
EOG_TOTAL: tuple[float, float] = (0.2, 10.0)
EEG_ROLES: tuple[str, ...] = ("EEG_C3", "EEG_C4")
EOG_ROLES: tuple[str, ...] = ("EOG_L", "EOG_R")
# Welch windows: 4 s resolves the 0.5-Hz delta edge; EOG needs 10 s for 0.2 Hz.
EEG_WINDOW_S = 4.0
EOG_WINDOW_S = 10.0
# Below this rate theta's 8-Hz top edge is (nearly) at Nyquist: delta alone is no spectrum.
MIN_EEG_SFREQ = 20.0
MIN_EOG_SFREQ = 20.0
EEG_HIGHPASS_HZ = 0.3
# YASA's Welch settings (yasa.spectral._DEFAULT_WELCH_KWARGS), so powers compare with it.
EEG_WELCH = {"window": "hamming", "average": "median"}


@dataclass(frozen=True)
class EegBands:
    """Relative band power of one EEG channel in one epoch (% of the power from
    0.5 Hz to the top measured band edge); None for a band above Nyquist."""

    channel: str
    delta: float | None = quantity("%", default=None)
    theta: float | None = quantity("%", default=None)
    alpha: float | None = quantity("%", default=None)
    sigma: float | None = quantity("%", default=None)
    beta: float | None = quantity("%", default=None)


@dataclass(frozen=True)
class EogActivity:
    """Eye-movement power of one EOG channel in one epoch (% of 0.2-10 Hz power).

    Attributes:
        slow: slow-eye-movement band 0.2-0.6 Hz.
        rapid: REM-saccade band 1-5 Hz.
    """

    channel: str
    slow: float = quantity("%")
    rapid: float = quantity("%")


@dataclass(frozen=True)
class BrainFacts:
    """Brain-level facts of one epoch: one entry per present EEG and EOG channel."""

    eeg: tuple[EegBands, ...] = ()
    eog: tuple[EogActivity, ...] = ()


def brain_features(rec: Recording, epochs: EpochSet,
                   notes: list[str] | None = None) -> list[BrainFacts | None]:
    """Brain facts per epoch; None where no EEG or EOG channel could be measured.

    ``notes`` receives one line per EEG channel whose bands were limited by its rate.
    """
    notes = notes if notes is not None else []
    eeg = [c for role in EEG_ROLES if (c := _eeg_channel(rec, epochs, role, notes)) is not None]
    eog = [c for role in EOG_ROLES if (c := _eog_channel(rec, epochs, role)) is not None]
    out: list[BrainFacts | None] = []
    for i in range(len(epochs)):
        facts = BrainFacts(eeg=tuple(c[i] for c in eeg if c[i] is not None),
                           eog=tuple(c[i] for c in eog if c[i] is not None))
        out.append(facts if facts.eeg or facts.eog else None)
    return out


def eeg_bands(sfreq: float) -> tuple[tuple[float, float, str], ...]:
    """The :data:`EEG_BANDS` whose top edge lies below the Nyquist frequency of ``sfreq`` Hz."""
    return tuple(b for b in EEG_BANDS if b[1] < sfreq / 2)


def eeg_relative_power(sig: Signal, starts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Relative power (%) of each band of :func:`eeg_bands`, shape (n_bands, n_epochs),
    and which epochs were complete; high-passed and windowed as the module docstring says."""
    filled, finite = fill_gaps(sig)
    sos = butter(4, EEG_HIGHPASS_HZ, "highpass", fs=sig.sfreq, output="sos")
    passed = Signal(sig.label, sosfiltfilt(sos, filled.data), sig.sfreq, sig.unit)
    return _relative_power(passed, finite, starts, EEG_WINDOW_S, eeg_bands(sig.sfreq), EEG_WELCH)


def _relative_power(sig: Signal, finite: np.ndarray, starts: np.ndarray, window_s: float,
                    bands: tuple[tuple[float, float, str], ...],
                    welch_kwargs: dict[str, str]) -> tuple[np.ndarray, np.ndarray]:
    """Band power of each epoch in % of the power between the outermost band edges,
    shape (n_bands, n_epochs), and which epochs were complete (no gap samples)."""
    import yasa  # on first use: importing it costs the app's cold start 1 s
    freqs, psd = welch(epoch_matrix(sig, starts), fs=sig.sfreq,
                       nperseg=int(window_s * sig.sfreq), axis=-1, **welch_kwargs)
    power = 100.0 * yasa.bandpower_from_psd_ndarray(psd, freqs, bands=list(bands), relative=True)
    # A flat epoch has no power to share out; YASA returns NaN for it.
    ok = complete_epochs(finite, sig.sfreq, starts) & np.all(np.isfinite(power), axis=0)
    return power, ok


def _eeg_channel(rec: Recording, epochs: EpochSet, role: str,
                 notes: list[str]) -> list[EegBands | None] | None:
    sig = usable_channel(rec, epochs, role, MIN_EEG_SFREQ, "EEG band powers")
    if sig is None:
        return None
    bands = eeg_bands(sig.sfreq)
    if len(bands) < len(EEG_BANDS):
        left_out = ", ".join(f"{name} ({lo:g}-{hi:g} Hz)" for lo, hi, name in EEG_BANDS[len(bands):])
        notes.append(f"{sig.label}: {left_out} lies above the {sig.sfreq / 2:g}-Hz Nyquist limit of its "
                     f"{sig.sfreq:g}-Hz rate and is left out; the other bands are % of "
                     f"0.5-{bands[-1][1]:g} Hz")
    power, ok = eeg_relative_power(sig, epochs.starts)
    label = display_label(sig.label)
    names = [name for _, _, name in bands]
    return [EegBands(label, **{name: float(p) for name, p in zip(names, power[:, i])})
            if ok[i] else None for i in range(power.shape[1])]


def _eog_channel(rec: Recording, epochs: EpochSet, role: str) -> list[EogActivity | None] | None:
    sig = usable_channel(rec, epochs, role, MIN_EOG_SFREQ, "EOG eye-movement power")
    if sig is None:
        return None
    # YASA divides by the power between the lowest and highest band edge, so the
    # total band is appended to make that 0.2-10 Hz; its own row is dropped.
    bands = EOG_BANDS + ((EOG_TOTAL[0], EOG_TOTAL[1], "total"),)
    filled, finite = fill_gaps(sig)
    share, ok = _relative_power(filled, finite, epochs.starts, EOG_WINDOW_S, bands, {})
    label = display_label(sig.label)
    return [EogActivity(label, slow=float(share[0, i]), rapid=float(share[1, i]))
            if ok[i] else None for i in range(share.shape[1])]


SPINDLE_BAND_HZ = (11.0, 16.0)
"""Band a spindle's frequency is read in, Hz (AASM: 11-16 Hz)."""
_CONTEXT_SEC = 2.0


def burst_frequency(sig: Signal, start: float, end: float,
                    band: tuple[float, float] = SPINDLE_BAND_HZ) -> float | None:
    """Frequency (Hz) of an EEG burst between ``start`` and ``end`` (seconds), in ``band``.

    As YASA's ``spindles_detect`` reads it: the median instantaneous frequency of the
    band-passed signal (Hilbert phase) over the burst. The filter runs over 2 s of
    context on each side, so its edges fall outside the burst. None when the burst is
    shorter than a quarter second, not finite, or the rate cannot show the band.
    """
    fs = sig.sfreq
    a, b = int(round(start * fs)), int(round(end * fs))
    pad = int(_CONTEXT_SEC * fs)
    lo = max(a - pad, 0)
    x = np.asarray(sig.data[lo:b + pad], dtype=float)
    if b - a < fs / 4 or fs / 2 <= band[1] * 1.1 or not np.all(np.isfinite(x)):
        return None
    sos = butter(4, band, btype="bandpass", fs=fs, output="sos")
    phase = np.unwrap(np.angle(hilbert(sosfiltfilt(sos, x - x.mean()))))
    inst = np.diff(phase) * fs / (2 * np.pi)
    return float(np.median(inst[a - lo:b - lo - 1]))
