"""Position/muscle level: chin EMG spectrum and bursts, body position and turns.

Chin EMG is high-passed at 10 Hz (removing movement drift and most ECG
pickup). Per epoch:

- median frequency: the frequency splitting the 10 Hz-to-min(100 Hz, 0.45 x rate)
  Welch power in half, in Hz;
- burst intensity ratio: mean RMS of the loudest 10 % of 0.25-s windows over
  the median window RMS (1 for steady tone, large for phasic twitches);
- burst rate: how often the window RMS crosses above twice the epoch median, per minute.

The position channel is decoded by :func:`sleeplm_core.io.position.decode_position`
(released codes, or the montage's ``position_codes``); unknown stretches leave
the epoch's position out.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
from scipy.signal import butter, sosfiltfilt, welch

from sleeplm_core.features.schema import quantity
from sleeplm_core.features.signals import (
    channel, complete_epochs, epoch_grid, epoch_matrix, fill_gaps, usable_channel,
)
from sleeplm_core.io.epochset import EpochSet
from sleeplm_core.io.position import POSITION_NAMES, decode_position
from sleeplm_core.io.recording import EPOCH_SEC, Recording, Signal

log = logging.getLogger(__name__)

EMG_LOW_HZ = 10.0
EMG_HIGH_HZ = 100.0
MIN_EMG_SFREQ = 50.0  # a 1-Hz RMS envelope (Sleep-EDF) has no spectrum to speak of
RMS_WINDOW_S = 0.25
LOUD_SHARE = 0.10
BURST_FACTOR = 2.0
POSITION_GRID_HZ = 10.0


@dataclass(frozen=True)
class ChinEmg:
    """Chin EMG measures of one epoch."""

    median_frequency: float = quantity("Hz", 1, 0)
    burst_ratio: float = quantity("ratio", 2, 1)
    burst_rate: float = quantity("bursts/min", 1, 0)


@dataclass(frozen=True)
class PositionChange:
    """A turn into ``position`` at ``time`` seconds from the epoch start."""

    position: str
    time: float = quantity("s", 1, 1)


@dataclass(frozen=True)
class BodyPosition:
    """Position at the epoch start and every change inside the epoch."""

    position: str
    changes: tuple[PositionChange, ...] = ()


@dataclass(frozen=True)
class PositionMuscleFacts:
    """Position/muscle facts of one epoch; absent parts are None."""

    emg: ChinEmg | None = None
    position: BodyPosition | None = None


def position_muscle_features(
    rec: Recording, epochs: EpochSet, position_codes: dict[int, int] | None = None,
) -> list[PositionMuscleFacts | None]:
    """Position/muscle facts per epoch; None where neither part exists.

    Args:
        rec, epochs: the night.
        position_codes: raw position value -> released code (the Montage's), None
            when the file uses the released codes.
    """
    n = len(epochs)
    emg_sig = usable_channel(rec, epochs, "EMG_CHIN", MIN_EMG_SFREQ, "chin EMG")
    emg = _emg(emg_sig, epochs.starts) if emg_sig is not None else [None] * n
    pos_sig = channel(rec, epochs, "POS")
    pos = (_positions(pos_sig, epochs.starts, position_codes) if pos_sig is not None
           else [None] * n)
    return [PositionMuscleFacts(e, p) if (e or p) else None for e, p in zip(emg, pos)]


def _emg(sig: Signal, starts: np.ndarray) -> list[ChinEmg | None]:
    filled, finite = fill_gaps(sig)
    sos = butter(4, EMG_LOW_HZ, btype="highpass", fs=sig.sfreq, output="sos")
    x = epoch_matrix(Signal(sig.label, sosfiltfilt(sos, filled.data), sig.sfreq), starts)
    median_f, has_power = _median_frequency(x, sig.sfreq)
    ratio, rate = _bursts(x, sig.sfreq)
    ok = has_power & complete_epochs(finite, sig.sfreq, starts)
    return [ChinEmg(float(m), float(r), float(b)) if good else None
            for good, m, r, b in zip(ok, median_f, ratio, rate)]


def _median_frequency(x: np.ndarray, sfreq: float) -> tuple[np.ndarray, np.ndarray]:
    """Median frequency (Hz) of each row's EMG band power, and which rows had power."""
    freqs, psd = welch(x, fs=sfreq, nperseg=int(2 * sfreq), axis=-1)
    band = (freqs >= EMG_LOW_HZ) & (freqs <= min(EMG_HIGH_HZ, 0.45 * sfreq))
    cum = np.cumsum(psd[:, band], axis=1)
    return freqs[band][np.argmax(cum >= 0.5 * cum[:, -1:], axis=1)], cum[:, -1] > 0


def _bursts(x: np.ndarray, sfreq: float) -> tuple[np.ndarray, np.ndarray]:
    """Burst intensity ratio and burst rate (per minute) of each row."""
    win = int(RMS_WINDOW_S * sfreq)
    n_win = x.shape[1] // win
    rms = np.sqrt(np.mean(x[:, : n_win * win].reshape(len(x), n_win, win) ** 2, axis=2))
    med = np.median(rms, axis=1, keepdims=True)
    loud = np.sort(rms, axis=1)[:, -max(1, int(LOUD_SHARE * n_win)):]
    ratio = loud.mean(axis=1) / np.maximum(med[:, 0], 1e-12)
    above = rms > BURST_FACTOR * med
    onsets = np.count_nonzero(above[:, 1:] & ~above[:, :-1], axis=1) + above[:, 0]
    return ratio, onsets * 60.0 / EPOCH_SEC


def _positions(sig: Signal, starts: np.ndarray,
               position_codes: dict[int, int] | None) -> list[BodyPosition | None]:
    codes, warning = decode_position(sig.data, position_codes)
    if warning:
        log.info("%s: %s", sig.label, warning)
    grid_t = epoch_grid(starts, POSITION_GRID_HZ)
    grid = codes[np.clip(np.floor(grid_t * sig.sfreq).astype(np.int64), 0, len(codes) - 1)]
    return [_position_row(row) if np.all(row >= 0) else None for row in grid]


def _position_row(codes: np.ndarray) -> BodyPosition:
    turns = np.flatnonzero(np.diff(codes)) + 1
    changes = tuple(PositionChange(POSITION_NAMES[codes[i]], float(i / POSITION_GRID_HZ))
                    for i in turns)
    return BodyPosition(POSITION_NAMES[codes[0]], changes)
