"""Brain level: EEG band powers, EOG slow-eye-movement power and rapid eye movements per epoch.

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

EOG: the share of 0.2-10 Hz power in the slow-eye-movement band 0.2-0.6 Hz (the
pendular drifts of drowsiness and N1), per EOG channel, and the number of rapid
eye movements that YASA's ``rem_detect`` finds in the epoch on the pair of eye
leads (``scoring.microevents.detect_rems``, as machine scoring runs it, but over every
epoch). Rapid eye movements are counted, not read from a band: the EEG that reaches
the eye leads in N2 and N3 fills the 1-5 Hz band too (its share was highest in N3 on
real and synthetic nights alike), while the detector asks that the two leads deflect
in opposite directions, as the eyes do and leaked EEG does not. The detector runs on
every epoch, whatever the stage, so the count describes the signal and not the
hypnogram (wake with open eyes has saccades as well).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
from scipy.signal import butter, hilbert, sosfiltfilt, welch

from sleeplm_core.features.schema import quantity
from sleeplm_core.features.signals import (
    complete_epochs, display_label, epoch_matrix, fill_gaps, in_microvolts, usable_channel,
)
from sleeplm_core.io.epochset import EpochSet
from sleeplm_core.io.recording import EPOCH_SEC, Recording, Signal
from sleeplm_core.scoring.microevents import detect_rems

log = logging.getLogger(__name__)

EEG_BANDS: tuple[tuple[float, float, str], ...] = (
    (0.5, 4.0, "delta"), (4.0, 8.0, "theta"), (8.0, 12.0, "alpha"),
    (12.0, 16.0, "sigma"), (16.0, 30.0, "beta"),
)
EEG_BAND_NAMES: tuple[str, ...] = tuple(name for _, _, name in EEG_BANDS)
EOG_SLOW_BAND: tuple[float, float] = (0.2, 0.6)
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
    """Slow-eye-movement power of one EOG channel in one epoch.

    Attributes:
        slow: % of the 0.2-10 Hz power in the 0.2-0.6 Hz band.
    """

    channel: str
    slow: float = quantity("%")


@dataclass(frozen=True)
class RapidEyeMovements:
    """Rapid eye movements that begin in one epoch.

    Attributes:
        channel: the eye leads they were detected on ("E1-M2 + E2-M1", or one bipolar lead).
        count: how many YASA's ``rem_detect`` found (its default thresholds).
    """

    channel: str
    count: int = quantity("count", 0, 0)


@dataclass(frozen=True)
class BrainFacts:
    """Brain-level facts of one epoch: one entry per present EEG and EOG channel, and the
    rapid eye movements of the eye-lead pair (None without a usable EOG)."""

    eeg: tuple[EegBands, ...] = ()
    eog: tuple[EogActivity, ...] = ()
    rems: RapidEyeMovements | None = None


def brain_features(rec: Recording, epochs: EpochSet,
                   notes: list[str] | None = None) -> list[BrainFacts | None]:
    """Brain facts per epoch; None where no EEG or EOG channel could be measured.

    ``notes`` receives one line per EEG channel whose bands were limited by its rate.
    """
    notes = notes if notes is not None else []
    eeg = [c for role in EEG_ROLES if (c := _eeg_channel(rec, epochs, role, notes)) is not None]
    eog = [c for role in EOG_ROLES if (c := _eog_channel(rec, epochs, role)) is not None]
    rems = _rem_counts(rec, epochs)
    out: list[BrainFacts | None] = []
    for i in range(len(epochs)):
        facts = BrainFacts(eeg=tuple(c[i] for c in eeg if c[i] is not None),
                           eog=tuple(c[i] for c in eog if c[i] is not None),
                           rems=rems[i] if rems is not None else None)
        out.append(facts if facts.eeg or facts.eog or facts.rems else None)
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


def eeg_window_power(sig: Signal, start: float, end: float,
                     segment_s: float = EEG_WINDOW_S) -> np.ndarray:
    """Relative power (%) of each band of :func:`eeg_bands` in each whole ``segment_s``-second
    segment from ``start`` to ``end`` (seconds from the recording's start), shape (n_bands,
    n_segments); no segment when the span is shorter than one. High-passed as the epochs are
    (the filter runs over 10 s more on each side, so its edges stay outside); a segment that
    touches a gap is NaN."""
    import yasa
    bands = eeg_bands(sig.sfreq)
    n = int(round(segment_s * sig.sfreq))
    a = max(0, int(round(start * sig.sfreq)))
    b = min(len(sig.data), int(round(end * sig.sfreq)))
    count = max(0, b - a) // n
    if count == 0:
        return np.zeros((len(bands), 0))
    pad = int(10 * sig.sfreq)
    lo, hi = max(0, a - pad), min(len(sig.data), b + pad)
    piece, finite = fill_gaps(Signal(sig.label, sig.data[lo:hi], sig.sfreq, sig.unit))
    sos = butter(4, EEG_HIGHPASS_HZ, "highpass", fs=sig.sfreq, output="sos")
    passed = sosfiltfilt(sos, piece.data)[a - lo:b - lo]
    segments = passed[:count * n].reshape(count, n)
    freqs, psd = welch(segments, fs=sig.sfreq, nperseg=n, window=EEG_WELCH["window"], axis=-1)
    power = 100.0 * yasa.bandpower_from_psd_ndarray(psd, freqs, bands=list(bands), relative=True)
    whole = finite[a - lo:a - lo + count * n].reshape(count, n).all(axis=1)
    return np.where(whole, power, np.nan)


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
    bands = ((*EOG_SLOW_BAND, "slow"), (*EOG_TOTAL, "total"))
    filled, finite = fill_gaps(sig)
    share, ok = _relative_power(filled, finite, epochs.starts, EOG_WINDOW_S, bands, {})
    label = display_label(sig.label)
    return [EogActivity(label, slow=float(share[0, i])) if ok[i] else None
            for i in range(share.shape[1])]


EYE_LEAD_STD_UV: tuple[float, float] = (0.1, 1e3)
"""Trimmed SD (µV) an eye lead needs for YASA's REM detector, which skips (and logs an error
for) a lead outside it: a flat lead, or one whose unit was not µV."""


def eye_leads(rec: Recording, epochs: EpochSet) -> tuple[Signal, Signal | None] | None:
    """The left and right eye leads (µV) for REM detection; right None: one lead, read as a
    bipolar lead across the eyes; None without a usable lead."""
    found = (usable_channel(rec, epochs, role, MIN_EOG_SFREQ, "rapid eye movements") for role in EOG_ROLES)
    leads = [in_microvolts(sig) for sig in found if sig is not None]
    leads = [sig for sig in leads if _detectable(sig)]
    if not leads:
        return None
    if len(leads) == 2 and leads[1].sfreq != leads[0].sfreq:
        leads = leads[:1]  # YASA needs one rate; one lead still shows the movements
    return leads[0], leads[1] if len(leads) == 2 else None


def _detectable(sig: Signal) -> bool:
    x = np.asarray(sig.data, dtype=float)
    x = x[np.isfinite(x)]
    if len(x) == 0:
        return False
    lo, hi = np.percentile(x, [5, 95])
    sd = float(np.std(x[(x >= lo) & (x <= hi)]))
    ok = EYE_LEAD_STD_UV[0] < sd < EYE_LEAD_STD_UV[1]
    if not ok:
        log.info("%s: trimmed SD %.3g µV, outside %s: no rapid eye movements read from it",
                 sig.label, sd, EYE_LEAD_STD_UV)
    return ok


def _rem_counts(rec: Recording, epochs: EpochSet) -> list[RapidEyeMovements | None] | None:
    """Rapid eye movements beginning in each complete epoch of the eye leads; None without EOG."""
    leads = eye_leads(rec, epochs)
    if leads is None:
        return None
    used = [sig for sig in leads if sig is not None]
    label = " + ".join(display_label(sig.label) for sig in used)
    starts = np.asarray(epochs.starts, dtype=float)
    onsets = np.sort([e.onset for e in detect_rems(*leads, stages=None)])
    # Onsets in [start, start + 30 s) of each epoch, as the heart and breathing features count
    # beats and breaths (epochs need not be contiguous: EDF+D).
    counts = np.searchsorted(onsets, starts + EPOCH_SEC) - np.searchsorted(onsets, starts)
    ok = np.ones(len(starts), dtype=bool)
    for sig in used:
        ok &= complete_epochs(np.isfinite(sig.data), sig.sfreq, starts)
    return [RapidEyeMovements(label, int(c)) if good else None for c, good in zip(counts, ok)]


SPINDLE_BAND_HZ = (11.0, 16.0)
"""Band a spindle's frequency is read in, Hz (AASM: 11-16 Hz)."""
_CONTEXT_SEC = 2.0
SLOW_WAVE_BAND_HZ = (0.3, 2.0)
"""Band a slow wave's amplitude is read in, Hz (AASM slow waves: 0.5-2 Hz; YASA's detector
filters from 0.3 Hz)."""
K_COMPLEX_BAND_HZ = (0.3, 4.0)
"""Band a K-complex's amplitude is read in, Hz: its sharp negative wave reaches above the
slow-wave band."""


def _band_passed(sig: Signal, start: float, end: float,
                 band: tuple[float, float]) -> tuple[np.ndarray, int, int] | None:
    """A burst between ``start`` and ``end`` (s) band-passed to ``band`` (Hz; 4th-order
    Butterworth, zero phase) with its context, and the burst's first and end index in it.
    The context (2 s, or three periods of the band's low edge when longer) keeps the
    filter's edges outside the burst. None when the burst is shorter than a quarter second,
    not finite, or the rate cannot show the band."""
    fs = sig.sfreq
    a, b = int(round(start * fs)), int(round(end * fs))
    pad = int(max(_CONTEXT_SEC, 3.0 / band[0]) * fs)
    lo = max(a - pad, 0)
    x = np.asarray(sig.data[lo:b + pad], dtype=float)
    if b - a < fs / 4 or fs / 2 <= band[1] * 1.1 or not np.all(np.isfinite(x)):
        return None
    sos = butter(4, band, btype="bandpass", fs=fs, output="sos")
    return sosfiltfilt(sos, x - x.mean()), a - lo, b - lo


def burst_frequency(sig: Signal, start: float, end: float,
                    band: tuple[float, float] = SPINDLE_BAND_HZ) -> float | None:
    """Frequency (Hz) of an EEG burst between ``start`` and ``end`` (seconds), in ``band``.

    As YASA's ``spindles_detect`` reads it: the median instantaneous frequency of the
    band-passed signal (Hilbert phase) over the burst. None when the burst cannot be read
    (:func:`_band_passed`).
    """
    found = _band_passed(sig, start, end, band)
    if found is None:
        return None
    y, i, j = found
    inst = np.diff(np.unwrap(np.angle(hilbert(y)))) * sig.sfreq / (2 * np.pi)
    return float(np.median(inst[i:j - 1]))


def burst_amplitude(sig: Signal, start: float, end: float,
                    band: tuple[float, float]) -> float | None:
    """Peak-to-peak amplitude of an EEG burst between ``start`` and ``end`` (seconds) in
    ``band`` (Hz), in the signal's unit (µV for EEG): the largest minus the smallest sample
    of the band-passed burst, as YASA's detectors report a slow wave's PTP. None when the
    burst cannot be read (:func:`_band_passed`)."""
    found = _band_passed(sig, start, end, band)
    if found is None:
        return None
    y, i, j = found
    return float(y[i:j].max() - y[i:j].min()) if j > i else None
