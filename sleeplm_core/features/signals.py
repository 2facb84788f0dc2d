"""Access to a recording's native-rate signals, cut into the EpochSet's epochs.

Features are computed from the physical-unit signals of the
:class:`~sleeplm_core.io.recording.Recording` at their own sampling rate, not
from the z-scored 64-Hz model input, so amplitudes and high frequencies
(EMG, ECG) survive. The EpochSet says which file channel plays which role
(``mapping``/``aux_mapping``) and where each epoch starts.
"""

from __future__ import annotations

import logging
import re

import numpy as np

from sleeplm_core.io.epochset import EpochSet
from sleeplm_core.io.recording import EPOCH_SEC, Recording, Signal

log = logging.getLogger(__name__)

_MODALITY_PREFIX = re.compile(r"^(EEG|EOG|EMG|ECG|EKG)[\s_:-]+", re.IGNORECASE)


def channel(rec: Recording, epochs: EpochSet, name: str) -> Signal | None:
    """The signal playing canonical or auxiliary role ``name``, or None if absent."""
    label = epochs.mapping.get(name) or epochs.aux_mapping.get(name)
    if label is None:
        return None
    return rec.signals.get(label)


def display_label(label: str) -> str:
    """Channel label as captions print it: the file label without a modality prefix.

    "EEG Fpz-Cz" becomes "Fpz-Cz"; a label that is only a modality word stays whole.
    Parentheses and ". " would break the caption grammar (channel names sit in
    parentheses; ". " ends a sentence), so they become brackets and ".".
    """
    short = _MODALITY_PREFIX.sub("", label.strip()) or label.strip()
    return short.replace("(", "[").replace(")", "]").replace(". ", ".")


def epoch_matrix(sig: Signal, starts: np.ndarray, length: float = EPOCH_SEC) -> np.ndarray:
    """Samples of every epoch as a (n_epochs, n_samples) array.

    Args:
        sig: the channel.
        starts: epoch starts in seconds, shape (n_epochs,).
        length: window length in seconds.

    Samples past the end of the recording repeat the last sample; the
    EpochSet only holds complete epochs, so this affects rounding at most.
    """
    n = int(round(length * sig.sfreq))
    first = np.round(np.asarray(starts) * sig.sfreq).astype(np.int64)
    idx = np.clip(first[:, None] + np.arange(n)[None, :], 0, len(sig.data) - 1)
    return sig.data[idx]


def epoch_means(values: np.ndarray, sfreq: float, starts: np.ndarray,
                length: float = EPOCH_SEC) -> np.ndarray:
    """Mean of the finite ``values`` (sampled at ``sfreq`` Hz) over each epoch starting at
    ``starts`` (s), in the values' unit; NaN for an epoch with none, as a channel with gaps
    or a slow signal whose samples were left out has."""
    out = np.full(len(starts), np.nan)
    for k, start in enumerate(np.asarray(starts, dtype=float)):
        seg = values[max(int(start * sfreq), 0):max(int((start + length) * sfreq), 0)]
        if np.isfinite(seg).any():
            out[k] = float(np.nanmean(seg))
    return out


def epoch_grid(starts: np.ndarray, rate: float, length: float = EPOCH_SEC) -> np.ndarray:
    """Times (s, from recording start) of a regular grid inside each epoch, (n_epochs, n)."""
    offsets = np.arange(int(round(length * rate))) / rate
    return np.asarray(starts, dtype=float)[:, None] + offsets[None, :]


def sample_times(sig: Signal) -> np.ndarray:
    """Time of every sample of ``sig`` in seconds from the recording start."""
    return np.arange(len(sig.data)) / sig.sfreq


def usable_channel(rec: Recording, epochs: EpochSet, role: str, min_sfreq: float,
                   what: str) -> Signal | None:
    """The channel in ``role`` if present and sampled at ``min_sfreq`` Hz or faster.

    A slower channel is left out (logged), because ``what`` cannot be measured
    from it without inventing detail (Sleep-EDF's 1-Hz EMG envelope has no spectrum).
    """
    sig = channel(rec, epochs, role)
    if sig is not None and sig.sfreq < min_sfreq:
        log.info("%s sampled at %g Hz, below %g Hz: %s left out", sig.label, sig.sfreq,
                 min_sfreq, what)
        return None
    return sig


_TO_MICROVOLT = {"mv": 1e3, "v": 1e6}


def in_microvolts(sig: Signal) -> Signal:
    """``sig`` in µV when its unit is mV or V (a synthetic night in memory keeps the unit
    its EDF would be written with; read from a file it would already be µV)."""
    factor = _TO_MICROVOLT.get(sig.unit.strip().lower())
    return sig if factor is None else Signal(sig.label, np.asarray(sig.data) * factor, sig.sfreq, "uV")


def fill_gaps(sig: Signal) -> tuple[Signal, np.ndarray]:
    """``sig`` with non-finite samples (EDF+D gaps) set to its median, and the
    per-epoch-testable mask of samples that were finite.

    Whole-night filters turn one NaN into a night of NaN, so gaps are filled
    before filtering; :func:`complete_epochs` then drops the epochs they touch.
    """
    finite = np.isfinite(sig.data)
    if finite.all():
        return sig, finite
    fill = float(np.median(sig.data[finite])) if finite.any() else 0.0
    return Signal(sig.label, np.where(finite, sig.data, fill), sig.sfreq, sig.unit), finite


def complete_epochs(finite: np.ndarray, sfreq: float, starts: np.ndarray,
                    length: float = EPOCH_SEC) -> np.ndarray:
    """True for each epoch whose samples are all finite, shape (n_epochs,)."""
    bad = np.concatenate(([0], np.cumsum(~finite)))
    first = np.clip(np.round(np.asarray(starts) * sfreq).astype(np.int64), 0, len(finite))
    last = np.clip(first + int(round(length * sfreq)), 0, len(finite))
    return (bad[last] - bad[first]) == 0
