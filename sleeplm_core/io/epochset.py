"""The model's fixed input: 30-s epochs of the canonical montage at 64 Hz."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

CANONICAL_CHANNELS: tuple[str, ...] = (
    "ECG", "ABD", "THX", "AF", "EOG_L", "EOG_R", "EEG_C3", "EEG_C4", "EMG_CHIN", "POS",
)
"""Channel order of the released SleepLM model (index = input row)."""

AUX_CHANNELS: tuple[str, ...] = ("SPO2", "HR", "SNORE", "EMG_LEG", "TEMP")
"""Channels kept beside the model input: for captions (SpO2 %, pulse/HR bpm, snore, leg EMG)
and for the chat alone (body temperature, which no caption states)."""

MODEL_SFREQ = 64.0
"""Sampling rate of model input, in Hz."""

EPOCH_SAMPLES = 1920
"""Samples per 30-s epoch at :data:`MODEL_SFREQ`."""


@dataclass
class EpochSet:
    """A night cut into model-ready epochs.

    Attributes:
        data: float32 array (n_epochs, 10, 1920), z-scored per channel
            (see ``sleeplm_core.io.epochs``); absent channels are all zeros.
            May be a numpy memmap for long recordings.
        channel_mask: bool (10,), True where the canonical channel is present.
        quality: bool (n_epochs, 10), True where the epoch/channel is flagged
            (flat, clipped or non-finite stretch).
        starts: float64 (n_epochs,), epoch start in seconds from recording start.
        stages: int8 (n_epochs,), stage code per epoch, -1 unknown.
        recording_id: short identifier of the source recording.
        mapping: canonical name -> original label for each present channel.
        aux_mapping: auxiliary channel name (:data:`AUX_CHANNELS`) -> original
            label; these are not model input but feed the captions.
        quality_flags: reason ("flat", "clipped", "nonfinite") -> bool
            (n_epochs, 10); ``quality`` is their union.
        zscore: canonical name -> (median, scale) in the channel's physical
            unit, so ``data * scale + median`` restores physical values.
        spo2: float32 (n_epochs, 60) SpO2 in % at 2 Hz, NaN where missing
            (:mod:`sleeplm_core.io.oximetry`), or None without an SpO2 channel; the
            input of models with oximetry tokens.
    """

    data: np.ndarray
    channel_mask: np.ndarray
    quality: np.ndarray
    starts: np.ndarray
    stages: np.ndarray
    recording_id: str = ""
    mapping: dict[str, str] = field(default_factory=dict)
    aux_mapping: dict[str, str] = field(default_factory=dict)
    quality_flags: dict[str, np.ndarray] = field(default_factory=dict)
    zscore: dict[str, tuple[float, float]] = field(default_factory=dict)
    spo2: np.ndarray | None = None

    def __len__(self) -> int:
        return int(self.data.shape[0])

    @property
    def slots(self) -> dict[str, str]:
        """Every slot read -> its file label: the model's channels and the auxiliary ones."""
        return {**self.mapping, **self.aux_mapping}

    def spo2_rows(self, index: slice | np.ndarray) -> np.ndarray | None:
        """The SpO2 rows of the epochs ``index`` picks, None without SpO2."""
        return None if self.spo2 is None else self.spo2[index]
