"""Which channel each scorer reads, and whether it is usable.

EEG for staging and micro-events is chosen by :data:`EEG_PREFERENCE`, which
follows YASA's guidance for ``SleepStaging`` (trained on central derivations,
C4-M1 or C3-M2; a frontal derivation when no central exists, parietal and
occipital ones last because they carry less delta and fewer spindles). On
SC4001, Fpz-Cz + EOG gives kappa 0.81 against 0.62 for Pz-Oz (docs/evaluation.md).

Every other channel comes from the montage mapping (``sleeplm_core.io.montage``),
so a user's ``--map`` override is honoured here as everywhere else. A channel is
unusable when it is too slow for the scorer or flat; the reason becomes one
``skipped`` line.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from scipy.signal import resample_poly

from sleeplm_core.errors import MontageError
from sleeplm_core.io.aliases import label_keys
from sleeplm_core.io.montage import map_montage
from sleeplm_core.io.recording import Recording, Signal

EEG_PREFERENCE: tuple[str, ...] = (
    "c4", "c3", "cz", "c2", "c1",                      # central (YASA's recommendation)
    "fpz cz", "f4", "f3", "fz", "fp2", "fp1", "fpz",   # frontal
    "pz oz", "pz", "p4", "p3", "o2", "o1", "oz",       # parietal, occipital
    "t4", "t3", "eeg",
)
"""EEG label keys (``sleeplm_core.io.aliases.label_key``), most preferred first."""

CENTRAL_EEG_KEYS: tuple[str, ...] = EEG_PREFERENCE[:5]
"""The central derivations, where spindles are largest and YASA's detectors were validated."""


def is_central_eeg(label: str) -> bool:
    """Whether ``label`` is a central EEG derivation ("C3-M2", "EEG C4-A1"; not "EEG Fpz-Cz")."""
    return any(k in CENTRAL_EEG_KEYS for k in label_keys(label))


@dataclass(frozen=True)
class Usability:
    """Limits below which a channel is not scored.

    Attributes:
        min_rate_hz: lowest sampling rate, Hz.
        min_spread: smallest 1st-99th percentile range in the channel's unit
            (below it the channel is taken as flat or disconnected).
    """

    min_rate_hz: float
    min_spread: float


def unusable(sig: Signal, limits: Usability) -> str | None:
    """Why ``sig`` cannot be scored under ``limits`` ("sampled at 1 Hz", "flat"), None if usable."""
    if sig.sfreq < limits.min_rate_hz:
        return f"{sig.label} sampled at {sig.sfreq:g} Hz (needs >= {limits.min_rate_hz:g} Hz)"
    finite = sig.data[np.isfinite(sig.data)]
    if len(finite) < sig.sfreq * 60:
        return f"{sig.label} has under a minute of finite samples"
    lo, hi = np.percentile(finite[:: max(1, len(finite) // 200_000)], [1, 99])
    if hi - lo < limits.min_spread:
        return f"{sig.label} is flat"
    return None


def eeg_labels(rec: Recording) -> list[str]:
    """EEG channels of ``rec`` in :data:`EEG_PREFERENCE` order (unlisted labels left out)."""
    ranked = []
    for label in rec.signals:
        ranks = [EEG_PREFERENCE.index(k) for k in label_keys(label) if k in EEG_PREFERENCE]
        if ranks:
            ranked.append((min(ranks), label))
    return [label for _, label in sorted(ranked, key=lambda r: r[0])]


def montage_slots(rec: Recording, mapping: dict[str, str] | None = None) -> dict[str, str]:
    """Montage slot -> label: ``mapping`` (an EpochSet's mapping and aux_mapping) or the default map."""
    if mapping:
        return {slot: label for slot, label in mapping.items() if label in rec.signals}
    try:
        montage = map_montage(rec)
    except MontageError:
        return {}
    return montage.slots


def pick(rec: Recording, labels: list[str], limits: Usability) -> tuple[Signal | None, str]:
    """The first usable signal among ``labels``, else (None, why none was usable)."""
    reasons = []
    for label in labels:
        reason = unusable(rec.signals[label], limits)
        if reason is None:
            return rec.signals[label], ""
        reasons.append(reason)
    return None, "; ".join(reasons) if reasons else "no channel"


def resampled(sig: Signal, rate: float) -> np.ndarray:
    """``sig.data`` at ``rate`` Hz (polyphase, anti-aliased); NaNs become 0 first."""
    data = np.nan_to_num(np.asarray(sig.data, dtype=float))
    if abs(sig.sfreq - rate) < 1e-9:
        return data
    ratio = Fraction(rate / sig.sfreq).limit_denominator(1000)
    return resample_poly(data, ratio.numerator, ratio.denominator)
