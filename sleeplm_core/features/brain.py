"""Brain level: EEG band powers and EOG eye-movement power per epoch.

EEG bands (Hz): delta 0.5-4, theta 4-8, alpha 8-12, sigma 12-16, beta 16-30;
each is a percentage of the 0.5-30 Hz power (the five add up to 100 %).

EOG bands (Hz): slow eye movements 0.2-0.6 (the pendular drifts of drowsiness
and N1) and REM saccades 1-5 (the steep flanks of rapid eye movements, the
band YASA's REM detector filters to); each is a percentage of the 0.2-10 Hz
EOG power, so they need not add up to 100 %.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import yasa
from scipy.signal import welch

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
EOG_BANDS: tuple[tuple[float, float, str], ...] = ((0.2, 0.6, "slow"), (1.0, 5.0, "rapid"))
EOG_TOTAL: tuple[float, float] = (0.2, 10.0)
EEG_ROLES: tuple[str, ...] = ("EEG_C3", "EEG_C4")
EOG_ROLES: tuple[str, ...] = ("EOG_L", "EOG_R")
# Welch windows: 4 s resolves the 0.5-Hz delta edge; EOG needs 10 s for 0.2 Hz.
EEG_WINDOW_S = 4.0
EOG_WINDOW_S = 10.0
# Below this rate the 30-Hz beta edge is above Nyquist.
MIN_EEG_SFREQ = 64.0
MIN_EOG_SFREQ = 20.0


@dataclass(frozen=True)
class EegBands:
    """Relative band power of one EEG channel in one epoch (% of 0.5-30 Hz power)."""

    channel: str
    delta: float = quantity("%")
    theta: float = quantity("%")
    alpha: float = quantity("%")
    sigma: float = quantity("%")
    beta: float = quantity("%")


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


def brain_features(rec: Recording, epochs: EpochSet) -> list[BrainFacts | None]:
    """Brain facts per epoch; None where no EEG or EOG channel could be measured."""
    eeg = [c for role in EEG_ROLES if (c := _eeg_channel(rec, epochs, role)) is not None]
    eog = [c for role in EOG_ROLES if (c := _eog_channel(rec, epochs, role)) is not None]
    out: list[BrainFacts | None] = []
    for i in range(len(epochs)):
        facts = BrainFacts(eeg=tuple(c[i] for c in eeg if c[i] is not None),
                           eog=tuple(c[i] for c in eog if c[i] is not None))
        out.append(facts if facts.eeg or facts.eog else None)
    return out


def _relative_power(sig: Signal, starts: np.ndarray, window_s: float,
                    bands: tuple[tuple[float, float, str], ...]) -> tuple[np.ndarray, np.ndarray]:
    """Band power of each epoch in % of the power between the outermost band edges,
    shape (n_bands, n_epochs), and which epochs were complete (no gap samples)."""
    filled, finite = fill_gaps(sig)
    freqs, psd = welch(epoch_matrix(filled, starts), fs=sig.sfreq,
                       nperseg=int(window_s * sig.sfreq), axis=-1)
    power = 100.0 * yasa.bandpower_from_psd_ndarray(psd, freqs, bands=list(bands), relative=True)
    # A flat epoch has no power to share out; YASA returns NaN for it.
    ok = complete_epochs(finite, sig.sfreq, starts) & np.all(np.isfinite(power), axis=0)
    return power, ok


def _eeg_channel(rec: Recording, epochs: EpochSet, role: str) -> list[EegBands | None] | None:
    sig = usable_channel(rec, epochs, role, MIN_EEG_SFREQ, "EEG band powers")
    if sig is None:
        return None
    power, ok = _relative_power(sig, epochs.starts, EEG_WINDOW_S, EEG_BANDS)
    label = display_label(sig.label)
    names = [name for _, _, name in EEG_BANDS]
    return [EegBands(label, **{name: float(p) for name, p in zip(names, power[:, i])})
            if ok[i] else None for i in range(power.shape[1])]


def _eog_channel(rec: Recording, epochs: EpochSet, role: str) -> list[EogActivity | None] | None:
    sig = usable_channel(rec, epochs, role, MIN_EOG_SFREQ, "EOG eye-movement power")
    if sig is None:
        return None
    # YASA divides by the power between the lowest and highest band edge, so the
    # total band is appended to make that 0.2-10 Hz; its own row is dropped.
    bands = EOG_BANDS + ((EOG_TOTAL[0], EOG_TOTAL[1], "total"),)
    share, ok = _relative_power(sig, epochs.starts, EOG_WINDOW_S, bands)
    label = display_label(sig.label)
    return [EogActivity(label, slow=float(share[0, i]), rapid=float(share[1, i]))
            if ok[i] else None for i in range(share.shape[1])]
