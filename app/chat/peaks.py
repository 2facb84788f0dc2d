"""Execute step for "what's the alpha peak frequency?", "the dominant frequency in N2", "the
aperiodic slope in REM": the EEG's spectrum per stage, parameterised by FOOOF (Donoghue et al.
2020) into its 1/f (aperiodic) background and the peaks of the rhythms standing above it.

The raw spectrum of sleep EEG always peaks at the lowest frequencies, so "the dominant
frequency" is read as the strongest peak above the background (alpha in relaxed wake, sigma
in N2), with the raw maximum beside it.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, replace

import numpy as np
from scipy.signal import welch

from app.chat.measures import POSTERIOR_RE
from app.chat.plan import Plan
from app.chat.results import Message, PeakFrequencies, PeakRow
from app.night import LoadedNight
from sleeplm_core.io.recording import EPOCH_SEC, STAGES
from sleeplm_core.scoring.channels import eeg_labels, pick
from sleeplm_core.scoring.staging import StagingConfig

BANDS = {"delta": (1.0, 4.0), "theta": (4.0, 8.0), "alpha": (8.0, 12.0), "sigma": (12.0, 16.0),
         "beta": (16.0, 30.0)}
"""Bands a peak may be asked in (Hz); the alpha band is where an adult's individual alpha
frequency lies (Klimesch 1999: 8-12 Hz, about 10 Hz)."""


@dataclass(frozen=True)
class PeakConfig:
    """Spectrum and FOOOF settings.

    Attributes:
        fit_range: frequencies fitted (Hz); the top is lowered to 2 Hz under Nyquist.
        win_sec: Welch window (s); 4 s gives 0.25-Hz bins.
        max_epochs: epochs per stage averaged, evenly spread (the spectrum settles well before).
        min_epochs: fewer epochs of a stage give no row.
        peak_width_hz: narrowest and widest peak (Hz); alpha and sigma peaks are 1-3 Hz wide.
        max_peaks: peaks fitted per spectrum.
        min_peak_height: least height of a peak over the background (log10 power; 0.1 is
            a quarter above it).
    """

    fit_range: tuple[float, float] = (1.0, 30.0)
    win_sec: float = 4.0
    max_epochs: int = 120
    min_epochs: int = 4
    peak_width_hz: tuple[float, float] = (1.0, 8.0)
    max_peaks: int = 6
    min_peak_height: float = 0.1


def band_of(hz: float) -> str:
    """The band a frequency lies in."""
    return next((name for name, (lo, hi) in BANDS.items() if lo <= hz < hi), "beta")


def peak_frequencies(plan: Plan, night: LoadedNight,
                     config: PeakConfig = PeakConfig()) -> PeakFrequencies | Message:
    """Per stage in scope: the strongest peak above the 1/f background (in the asked band),
    the raw spectrum's maximum and the background's exponent."""
    band_name = plan.query.target if plan.query.target in BANDS else ""
    labels = eeg_labels(night.recording)
    if band_name == "alpha":
        # the alpha rhythm is largest over the back of the head (AASM: wake is read at O1/O2)
        labels = sorted(labels, key=lambda label: not POSTERIOR_RE.search(label))
    eeg, why = pick(night.recording, labels, StagingConfig().eeg)
    if eeg is None:
        return Message("no_signal", f"EEG fast enough for a spectrum ({why})")
    stages, source = night.stages()
    asked = plan.query.scope.stages or (("W",) if band_name == "alpha" else STAGES)
    if 0 < (span := int(plan.where.mask.sum())) < config.min_epochs:
        # "what frequency is dominant in this epoch?": a 30-s epoch's 4-s windows still give a
        # spectrum, if a rougher one than a stage's many epochs
        config = replace(config, min_epochs=span)
    rows = [row for stage in asked
            if (row := _stage_row(night, eeg.data, eeg.sfreq, plan.where.mask
                                  & (stages == STAGES.index(stage)), stage, band_name, config))
            is not None]
    if not rows:
        return Message("empty_scope", plan.where.text or " or ".join(asked))
    return PeakFrequencies(band_name, eeg.label, rows, source, plan.where.text,
                           plan.query.note == "slope")


def _fooof(peak_width_hz: tuple[float, float], max_peaks: int, min_peak_height: float):
    # fooof 1.1 warns of its successor on import and sets every warning to "always" for the
    # whole process; the record keeps both inside this block.
    with warnings.catch_warnings(record=True):
        from fooof import FOOOF
    return FOOOF(peak_width_limits=peak_width_hz, max_n_peaks=max_peaks,
                 min_peak_height=min_peak_height, verbose=False)


def _stage_row(night: LoadedNight, data: np.ndarray, sfreq: float, mask: np.ndarray,
               stage: str, band_name: str, config: PeakConfig) -> PeakRow | None:
    idx = np.flatnonzero(mask)
    if len(idx) < config.min_epochs:
        return None
    chosen = idx[np.linspace(0, len(idx) - 1, min(len(idx), config.max_epochs)).astype(int)]
    n = int(round(EPOCH_SEC * sfreq))
    starts = np.round(night.epochs.starts[chosen] * sfreq).astype(int)
    windows = np.stack([data[s:s + n] for s in starts if s + n <= len(data)]).astype(float)
    freqs, psd = welch(windows, sfreq, nperseg=int(round(config.win_sec * sfreq)))
    psd = psd.mean(axis=0)
    fit_range = (config.fit_range[0], min(config.fit_range[1], sfreq / 2 - 2.0))
    fitted = (freqs >= fit_range[0]) & (freqs <= fit_range[1])
    if not np.all(psd[fitted] > 0):
        return None  # a flat lead in this stage: no spectrum to read
    model = _fooof(config.peak_width_hz, config.max_peaks, config.min_peak_height)
    model.fit(freqs, psd, list(fit_range))
    peaks = [(float(cf), float(pw)) for cf, pw, _ in np.atleast_2d(model.get_params("peak_params"))
             if np.isfinite(cf)]
    lo, hi = BANDS.get(band_name, fit_range)
    inside = [p for p in peaks if lo <= p[0] < hi]
    best = max(inside, key=lambda p: p[1]) if inside else None
    return PeakRow(stage, len(windows), best[0] if best else None, 10 ** best[1] if best else 0.0,
                   float(freqs[fitted][np.argmax(psd[fitted])]),
                   float(model.get_params("aperiodic_params", "exponent")),
                   float(model.get_params("r_squared")), sorted(p[0] for p in peaks))
