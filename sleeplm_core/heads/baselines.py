"""YASA baselines run on the same recordings as the model, for the evaluation tables.

Both go through the machine-scoring package, the project's one YASA path
(:mod:`sleeplm_core.scoring`):

* Staging: ``yasa.SleepStaging`` on the preferred EEG (central, else frontal,
  else parietal/occipital; see :mod:`sleeplm_core.scoring.channels`) plus EOG and
  chin EMG when usable, every channel resampled to 100 Hz (YASA refuses < 80 Hz).
* Spindles: ``yasa.spindles_detect`` with YASA's default thresholds on the same
  EEG over the whole recording (the tuned thresholds are the machine scoring's).
"""

from __future__ import annotations

import numpy as np

from sleeplm_core.errors import SleepLMError
from sleeplm_core.heads.metrics import Interval
from sleeplm_core.io.epochset import EpochSet
from sleeplm_core.io.recording import Recording, Signal
from sleeplm_core.scoring.channels import eeg_labels, montage_slots, pick
from sleeplm_core.scoring.microevents import SpindleConfig, detect_spindles
from sleeplm_core.scoring.result import MachineScoring
from sleeplm_core.scoring.staging import StagingConfig, stage_channels, yasa_staging


def yasa_stages(rec: Recording, epochs: EpochSet) -> np.ndarray:
    """Stage codes (index into STAGES) from ``yasa.SleepStaging`` for each epoch of ``epochs``."""
    slots = montage_slots(rec, epochs.slots)
    chosen, why = stage_channels(rec, slots, StagingConfig())
    if not chosen:
        raise SleepLMError(f"{epochs.recording_id}: YASA cannot stage: {why}; "
                           "map an EEG with --map EEG_C3=LABEL")
    staged = yasa_staging(chosen)
    return MachineScoring(stages=staged.codes).stages_at(epochs.starts)


def yasa_spindles(rec: Recording, epochs: EpochSet) -> list[Interval]:
    """Spindles found by ``yasa.spindles_detect`` (default settings) on the preferred EEG."""
    eeg = _eeg(rec, epochs)
    return [(e.onset, e.offset) for e in detect_spindles(eeg, None, SpindleConfig())]


def _eeg(rec: Recording, epochs: EpochSet) -> Signal:
    eeg, why = pick(rec, eeg_labels(rec), StagingConfig().eeg)
    if eeg is None:
        raise SleepLMError(f"{epochs.recording_id}: no usable EEG for YASA ({why}); "
                           "map one with --map EEG_C3=LABEL")
    return eeg
