"""YASA baselines run on the same recordings as the model, for the evaluation tables.

* Staging: ``yasa.SleepStaging`` (LightGBM classifier shipped with YASA) on one
  EEG, plus EOG and chin EMG when the montage maps them and they are sampled at
  least at 50 Hz (a 1-Hz EMG envelope, as in Sleep-EDF, is not an EMG signal).
* Spindles: ``yasa.spindles_detect`` with its default thresholds on one EEG (the
  broadband filter capped below Nyquist for 50-Hz recordings).
"""

from __future__ import annotations

import logging

import mne
import numpy as np
import yasa

from sleeplm_core.errors import SleepLMError
from sleeplm_core.heads.metrics import Interval
from sleeplm_core.io.epochset import EpochSet
from sleeplm_core.io.recording import EPOCH_SEC, STAGES, Recording

log = logging.getLogger(__name__)

_EEG_SLOTS = ("EEG_C4", "EEG_C3")
_MIN_RATE_HZ = 50.0
_YASA_TO_STAGE = {"WAKE": "W", "N1": "N1", "N2": "N2", "N3": "N3", "REM": "REM"}


def _eeg_label(epochs: EpochSet) -> str:
    for slot in _EEG_SLOTS:
        if slot in epochs.mapping:
            return epochs.mapping[slot]
    raise SleepLMError(f"{epochs.recording_id}: no central EEG is mapped; YASA needs one "
                       "(map it with --map EEG_C3=LABEL)")


def yasa_stages(rec: Recording, epochs: EpochSet) -> np.ndarray:
    """Stage codes (index into STAGES) from ``yasa.SleepStaging`` for each epoch of ``epochs``."""
    eeg = _eeg_label(epochs)
    picks = {"eeg": eeg}
    for role, slot in (("eog", "EOG_L"), ("emg", "EMG_CHIN")):
        label = epochs.mapping.get(slot)
        if label and rec.signals[label].sfreq >= _MIN_RATE_HZ:
            picks[role] = label
    raw = _raw(rec, list(picks.values()))
    staging = yasa.SleepStaging(raw, eeg_name=eeg, eog_name=picks.get("eog"),
                                emg_name=picks.get("emg"))
    labels = staging.predict().hypno.to_numpy()
    log.info("YASA staging with %s", picks)
    codes = np.array([STAGES.index(_YASA_TO_STAGE[str(lab)]) for lab in labels])
    # YASA scores consecutive 30-s epochs from the start of the raw data.
    idx = np.floor(np.asarray(epochs.starts) / EPOCH_SEC).astype(int)
    return np.where(idx < len(codes), codes[np.minimum(idx, len(codes) - 1)], -1)


def yasa_spindles(rec: Recording, epochs: EpochSet) -> list[Interval]:
    """Spindles found by ``yasa.spindles_detect`` (default settings) on the central EEG."""
    signal = rec.signals[_eeg_label(epochs)]
    # YASA's broadband filter stops at 30 Hz, above Nyquist for 50-Hz recordings.
    broad = (1.0, min(30.0, 0.45 * signal.sfreq))
    found = yasa.spindles_detect(signal.data, sf=signal.sfreq, freq_broad=broad, verbose=False)
    if found is None:
        return []
    table = found.summary()
    return list(zip(table["Start"].astype(float), table["End"].astype(float)))


def _raw(rec: Recording, labels: list[str]) -> mne.io.RawArray:
    """An MNE Raw (volts) of ``labels``, resampled to the highest rate among them."""
    rate = max(rec.signals[lab].sfreq for lab in labels)
    n = int(min(rec.signals[lab].duration for lab in labels) * rate)
    rows = []
    for lab in labels:
        sig = rec.signals[lab]
        t = np.arange(n) / rate
        rows.append(np.interp(t, np.arange(len(sig.data)) / sig.sfreq, sig.data) * 1e-6)
    info = mne.create_info(labels, rate, ch_types="eeg")
    return mne.io.RawArray(np.asarray(rows), info, verbose="error")
