"""Cut a mapped recording into model-ready 30-s epochs at 64 Hz.

For each filled montage slot:

1. **Resample** to 64 Hz with ``scipy.signal.resample_poly`` (polyphase FIR
   with its default Kaiser-window anti-aliasing low-pass). Non-finite samples
   are replaced by the channel median before filtering so that one NaN does
   not smear over the filter length; their epochs are flagged ``nonfinite``.
2. **Robust z-score** per recording and channel: ``(x - median) / (IQR / 1.349)``
   with median and inter-quartile range taken over the finite native-rate
   samples of the **reference period** (at most :data:`ROBUST_SAMPLES` evenly
   spaced ones, which pins quartiles far below the z-score's resolution;
   IQR / 1.349 equals the standard deviation for Gaussian data but ignores
   artefacts). A channel with zero IQR falls back
   to its standard deviation, and to 1 when it is constant. The reference period
   is the sleep window (:func:`~sleeplm_core.io.stages.sleep_window`: scored sleep
   +-30 min) when the recording is scored, else the whole recording, or the epochs
   the caller names (the app passes the machine scoring's sleep window for an
   unscored night). Why: the same EEG must reach the model in the same units
   whatever precedes or follows the night. Sleep-EDF's SC4001 holds about 14 h of
   daytime wake around its night; z-scored over all of it, its sleep EEG came out
   on another scale than in the overnight recordings the model trained on, and the
   model read most of the night as REM (zero-shot kappa 0.23, 0.50 over the sleep
   window).
3. **Body position** (POS) is not z-scored: it is decoded to the released codes
   (0 right, 1 left, 2 supine, 3 prone, 4 upright, -1 unknown, see
   :mod:`sleeplm_core.io.position`) and resampled by sample-and-hold so that
   codes stay integers.

SpO2, when mapped, is kept beside the input at 2 Hz in % (:mod:`sleeplm_core.io.oximetry`).

Epochs start at ``stage_offset`` modulo 30 s, so they coincide with the scored
epochs; epochs before or after the scoring get stage -1. Missing slots are
zeros with ``channel_mask`` False. Sets larger than :data:`MEMMAP_BYTES` are
written to a float32 memmap instead of RAM.
"""

from __future__ import annotations

import logging
import os
import tempfile
from fractions import Fraction
from pathlib import Path

import numpy as np
from scipy.signal import resample_poly

from sleeplm_core.errors import RecordingError
from sleeplm_core.io.epochset import CANONICAL_CHANNELS, EPOCH_SAMPLES, MODEL_SFREQ, EpochSet
from sleeplm_core.io.montage import Montage
from sleeplm_core.io.oximetry import epoch_oximetry
from sleeplm_core.io.position import decode_position
from sleeplm_core.io.quality import QUALITY_FLAGS, epoch_bounds, quality_flags
from sleeplm_core.io.recording import EPOCH_SEC, UNKNOWN_STAGE, Recording, Signal
from sleeplm_core.io.stages import sleep_window

log = logging.getLogger(__name__)

MEMMAP_BYTES = 256 * 1024**2
"""Epoch arrays above this size (bytes) are memory-mapped (about 23 h of input)."""

IQR_TO_SD = 1.349
"""Inter-quartile range of a standard normal distribution."""

ROBUST_SAMPLES = 1_000_000
"""Most samples used to estimate a channel's median and IQR."""

_LEVEL_SLOTS = frozenset({"POS"})


def make_epochs(rec: Recording, montage: Montage, memmap_dir: str | Path | None = None,
                reference: slice | None = None) -> EpochSet:
    """Build the :class:`EpochSet` of ``rec`` as mapped by ``montage``.

    Args:
        rec: the loaded recording.
        montage: its channel mapping (:func:`~sleeplm_core.io.montage.map_montage`).
        memmap_dir: folder for the memmap of large sets, kept there for the caller;
            by default an anonymous file in the system temp folder, removed with the mapping.
        reference: epochs whose samples set each channel's z-score (see the module
            docstring); by default the scored sleep window, else every epoch.

    Raises:
        RecordingError: the recording is shorter than one 30-s epoch.
    """
    grid_start = rec.stage_offset % EPOCH_SEC
    n_epochs = int(np.floor((rec.duration - grid_start) / EPOCH_SEC + 1e-9))
    if n_epochs < 1:
        raise RecordingError(
            f"{rec.source.get('path', 'recording')}: {rec.duration:.1f} s of signal is shorter than one "
            f"{EPOCH_SEC:.0f}-s epoch; use a longer recording"
        )
    shape = (n_epochs, len(CANONICAL_CHANNELS))
    data = _allocate(shape + (EPOCH_SAMPLES,), memmap_dir)
    flags = {name: np.zeros(shape, dtype=bool) for name in QUALITY_FLAGS}
    zscore: dict[str, tuple[float, float]] = {}
    stages = _epoch_stages(rec, grid_start, n_epochs)
    window = sleep_window(stages) if reference is None else reference
    window = slice(*window.indices(n_epochs)[:2])
    if window.stop <= window.start:
        window = slice(0, n_epochs)
    for row, slot in enumerate(CANONICAL_CHANNELS):
        if slot not in montage.mapping:
            continue
        signal = rec.signals[montage.mapping[slot]]
        if slot in _LEVEL_SLOTS:
            values, channel_flags = _position(signal, montage, grid_start, n_epochs)
        else:
            values, channel_flags, zscore[slot] = _waveform(signal, grid_start, n_epochs, window)
        data[:, row, :] = values.reshape(n_epochs, EPOCH_SAMPLES)
        for name, flag in channel_flags.items():
            flags[name][:, row] = flag
    return EpochSet(
        data=data,
        channel_mask=np.array([slot in montage.mapping for slot in CANONICAL_CHANNELS]),
        quality=np.logical_or.reduce(list(flags.values())),
        starts=grid_start + EPOCH_SEC * np.arange(n_epochs),
        stages=stages,
        recording_id=str(rec.source.get("id", "")),
        mapping=dict(montage.mapping),
        aux_mapping=dict(montage.aux_mapping),
        quality_flags=flags,
        zscore=zscore,
        spo2=(epoch_oximetry(rec.signals[montage.aux_mapping["SPO2"]], grid_start, n_epochs)
              if "SPO2" in montage.aux_mapping else None),
    )


def recut_over_sleep(rec: Recording, montage: Montage, epochs: EpochSet,
                     stages: np.ndarray) -> EpochSet:
    """``epochs`` cut again with each channel z-scored over the main sleep period of
    ``stages`` +-30 min (:func:`~sleeplm_core.io.stages.sleep_window` with
    ``main_period``), or ``epochs`` itself when that window spans every epoch.

    For a night without scoring: ``stages`` (one code per epoch of ``epochs``, -1 for
    none) come from a machine scoring, so the night reaches the model in the units a
    scored night would. The main period ignores stray machine-scored sleep epochs in
    daytime wake, which would stretch a first-to-last window over the whole file.
    """
    window = sleep_window(np.asarray(stages), main_period=True)
    if (window.start, window.stop) == (0, len(epochs)):
        return epochs
    log.info("%s: model input z-scored over the machine-scored sleep window, epochs %d-%d",
             epochs.recording_id, window.start, window.stop)
    return make_epochs(rec, montage, reference=window)


def _allocate(shape: tuple[int, int, int], memmap_dir: str | Path | None) -> np.ndarray:
    nbytes = int(np.prod(shape)) * 4
    if nbytes <= MEMMAP_BYTES:
        return np.zeros(shape, dtype=np.float32)
    with tempfile.NamedTemporaryFile(dir=memmap_dir, prefix="epochs-", suffix=".f32", delete=False) as fh:
        path = fh.name
    log.info("epoch array of %.0f MiB memory-mapped at %s", nbytes / 1024**2, path)
    data = np.lib.format.open_memmap(path, mode="w+", dtype=np.float32, shape=shape)
    if memmap_dir is None:
        # Nobody owns a file in the system temp folder: unlink it now so it goes away
        # with the mapping instead of piling up (POSIX keeps an open mapping valid).
        try:
            os.unlink(path)
        except OSError:
            log.warning("could not remove the temporary memmap %s; delete it when done", path)
    return data


def _epoch_stages(rec: Recording, grid_start: float, n_epochs: int) -> np.ndarray:
    stages = np.full(n_epochs, UNKNOWN_STAGE, dtype=np.int8)
    first = int(round((rec.stage_offset - grid_start) / EPOCH_SEC))
    scored = rec.stages[: max(0, n_epochs - first)]
    stages[first:first + len(scored)] = scored
    return stages


def robust_center_scale(x: np.ndarray) -> tuple[float, float]:
    """Median and IQR/1.349 of the finite samples of ``x`` (see module docstring)."""
    finite = x[:: max(1, len(x) // ROBUST_SAMPLES)]
    finite = finite[np.isfinite(finite)]
    if finite.size == 0:
        return 0.0, 1.0
    q25, q50, q75 = np.percentile(finite, [25, 50, 75])
    scale = (q75 - q25) / IQR_TO_SD
    if scale <= 0:
        scale = float(np.std(finite)) or 1.0
    return float(q50), float(scale)


def _fit_length(x: np.ndarray, n: int, fill: float) -> np.ndarray:
    if len(x) >= n:
        return x[:n]
    return np.concatenate([x, np.full(n - len(x), fill, dtype=x.dtype)])


def _waveform(signal: Signal, grid_start: float, n_epochs: int,
              reference: slice) -> tuple[np.ndarray, dict[str, np.ndarray], tuple[float, float]]:
    bounds = epoch_bounds(n_epochs, grid_start, EPOCH_SEC, signal.sfreq)
    native = _fit_length(signal.data, int(bounds[-1]), np.nan)
    center, scale = robust_center_scale(native[int(bounds[reference.start]):int(bounds[reference.stop])])
    flags = quality_flags(native, bounds, scale, waveform=True)
    clean = np.where(np.isfinite(native), native, center)
    ratio = Fraction(MODEL_SFREQ / signal.sfreq).limit_denominator(1000)
    # Padding with the mean instead of zeros keeps channels with a DC offset
    # from ramping up from zero over the first and last filter lengths.
    resampled = resample_poly(clean[bounds[0]:], ratio.numerator, ratio.denominator, padtype="mean")
    values = (_fit_length(resampled, n_epochs * EPOCH_SAMPLES, center) - center) / scale
    return values.astype(np.float32), flags, (center, scale)


def _position(signal: Signal, montage: Montage, grid_start: float, n_epochs: int) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    bounds = epoch_bounds(n_epochs, grid_start, EPOCH_SEC, signal.sfreq)
    native = _fit_length(signal.data, int(bounds[-1]), np.nan)
    codes, warning = decode_position(native, montage.position_codes)
    if warning and warning not in montage.warnings:
        montage.warnings.append(warning)
    times = grid_start + np.arange(n_epochs * EPOCH_SAMPLES) / MODEL_SFREQ
    held = codes[np.minimum((times * signal.sfreq).astype(np.int64), len(codes) - 1)]
    return held.astype(np.float32), quality_flags(native, bounds, 1.0, waveform=False)
