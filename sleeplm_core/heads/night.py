"""A night's epochs with cached signal embeddings, including shifted windows.

Sub-epoch localization needs embeddings of 30-s windows that start between epoch
boundaries. They are cut from the model-ready epochs by concatenating an epoch
with the next one and taking 1920 samples from an offset, so no re-reading or
re-filtering of the recording is needed (the epochs are z-scored with night-wide
statistics, so neighbours join without a step). Window embeddings are computed
on demand and cached, because a query usually touches only a few epochs.

A model with dense tokens (``SleepLM.has_dense``) embeds every patch time (2 s for
sleeplm-mini) in the same encoder pass as the epoch; such a night keeps those
vectors (float16, 960 x 15 x 256 x 2 B = 7 MB for 8 h) and the model's calibration
(cosine -> chance that a bin holds the text's event), and localizes on them instead
of on shifted windows. A dense bin is as coarse as the events it should find (a
spindle lasts 0.5-2 s), so those vectors are also computed for the epochs shifted by
0.5, 1 and 1.5 s (:meth:`EmbeddedNight.shifted_dense`, on demand and cached like the
windows), which lets localization place an event to half a second.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from sleeplm_core.heads.encoder import SignalTextModel, encode_dense, encode_epochs
from sleeplm_core.io.epochset import MODEL_SFREQ, EpochSet
from sleeplm_core.io.oximetry import OXIMETRY_SFREQ
from sleeplm_core.io.recording import EPOCH_SEC

EncodeEpochs = Callable[[np.ndarray, np.ndarray | None], np.ndarray]
"""Model-ready windows (n, 10, 1920) and their SpO2 (n, 60) or None -> L2-normalised
embeddings (n, dim)."""

EncodeDense = Callable[[np.ndarray, np.ndarray | None], np.ndarray]
"""Model-ready windows (n, 10, 1920) and their SpO2 (n, 60) or None -> L2-normalised
dense bin embeddings float16 (n, bins, dim)."""

SUB_BIN_SEC = 0.5
"""Step between the shifted copies of a dense bin, seconds: whole samples at the model's
64 Hz and at the oximetry input's 2 Hz."""

SHIFTED_CHUNK = 64
"""Epochs whose shifted windows are cut and encoded together (3 x 64 windows, 15 MB)."""

Probability = Callable[[np.ndarray], np.ndarray]
"""Dense-text cosines -> chance that each bin holds the text's event (``SleepLM.dense_probability``)."""


def _phrase(query: str) -> str:
    """The key of a query phrase in the model's per-phrase operating points (lower case,
    no outer spaces)."""
    return query.strip().lower()


@dataclass
class EmbeddedNight:
    """Epochs of one night with their embeddings.

    Attributes:
        epochs: the model-ready epochs.
        vectors: float32 (n_epochs, dim) L2-normalised epoch embeddings.
        encode: encodes windows for sub-epoch refinement; None disables refinement.
        stride_sec: step between window starts inside an epoch, in seconds; it must
            divide the 30-s epoch into whole samples at 64 Hz.
        dense: float16 (n_epochs, bins, dim) L2-normalised embeddings of the model's
            dense time bins, None when the model has no dense tokens.
        dense_seconds: width of one dense bin in seconds (0 without dense vectors).
        probability: the model's dense calibration, None without dense vectors.
        dense_threshold: the model's operating point on that probability (its default
            localization threshold).
        dense_thresholds: the model's operating points of single query phrases (lower
            case), which take precedence over ``dense_threshold`` for those queries.
        dense_min_durations: the model's shortest region (seconds) of single query
            phrases (lower case), measured with their operating points.
        dense_max_durations: the model's longest region (seconds) of single query
            phrases (lower case); longer regions are split into several.
        dense_rivals: per single query phrase (lower case), rival phrases and the
            margin by which a rival's mean chance over a region must exceed the
            phrase's own to drop that region (see ``ModelConfig.dense_rivals``).
        dense_whole_bins: query phrases (lower case) the model localizes on whole dense
            bins, without sub-bins (see ``ModelConfig.dense_whole_bins``).
        encode_dense: encodes windows into dense bin vectors for sub-bin localization;
            None disables it.
    """

    epochs: EpochSet
    vectors: np.ndarray
    encode: EncodeEpochs | None = None
    stride_sec: float = 5.0
    dense: np.ndarray | None = None
    dense_seconds: float = 0.0
    probability: Probability | None = None
    dense_threshold: float = 0.5
    dense_thresholds: dict[str, float] = field(default_factory=dict)
    dense_min_durations: dict[str, float] = field(default_factory=dict)
    dense_max_durations: dict[str, float] = field(default_factory=dict)
    dense_rivals: dict[str, dict[str, float]] = field(default_factory=dict)
    dense_whole_bins: frozenset[str] = frozenset()
    encode_dense: EncodeDense | None = None
    _windows: dict[int, np.ndarray] = field(default_factory=dict, repr=False)
    _shifted: dict[int, np.ndarray] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if self.dense is not None and (self.dense.shape[:1] != self.vectors.shape[:1]
                                       or self.dense_seconds <= 0 or self.probability is None):
            raise ValueError("dense vectors need one row per epoch, a bin width and a calibration")

    @classmethod
    def from_model(cls, model: SignalTextModel, epochs: EpochSet, batch_size: int = 64,
                   progress: Callable[[int], None] | None = None,
                   stride_sec: float = 5.0) -> EmbeddedNight:
        """Encode every epoch with ``model`` (one pass, dense bins included when the
        model has them) and keep the model for window refinement."""
        if _has_dense(model):
            vectors, dense = encode_dense(model, epochs.data, epochs.channel_mask, batch_size,
                                          progress, epochs.spo2)
        else:
            vectors = encode_epochs(model, epochs.data, epochs.channel_mask, batch_size, progress,
                                    epochs.spo2)
            dense = None
        return cls.from_vectors(model, epochs, vectors, dense, batch_size, stride_sec)

    @classmethod
    def from_vectors(cls, model: SignalTextModel, epochs: EpochSet, vectors: np.ndarray,
                     dense: np.ndarray | None = None, batch_size: int = 64,
                     stride_sec: float = 5.0) -> EmbeddedNight:
        """A night from embeddings computed earlier (e.g. a cache) by ``model``, which
        encodes the shifted windows and, with ``dense``, supplies the calibration."""
        def encode(windows: np.ndarray, spo2: np.ndarray | None) -> np.ndarray:
            return encode_epochs(model, windows, epochs.channel_mask, batch_size, spo2=spo2)

        def encode_bins(windows: np.ndarray, spo2: np.ndarray | None) -> np.ndarray:
            return encode_dense(model, windows, epochs.channel_mask, batch_size, spo2=spo2)[1]

        if dense is None:
            return cls(epochs, vectors, encode, stride_sec)
        if not _has_dense(model):
            raise ValueError("dense vectors were given but the model has no dense tokens")
        return cls(epochs, vectors, encode, stride_sec, dense.astype(np.float16, copy=False),
                   float(model.dense_seconds), model.dense_probability,
                   float(getattr(model, "dense_threshold", 0.5)),
                   dict(getattr(model, "dense_thresholds", {})),
                   dict(getattr(model, "dense_min_durations", {})),
                   dict(getattr(model, "dense_max_durations", {})),
                   dict(getattr(model, "dense_rivals", {})),
                   frozenset(getattr(model, "dense_whole_bins", ())), encode_bins)

    def threshold_for(self, query: str) -> float:
        """The model's operating point for ``query``: its own when the model measured
        one for that phrase, else the model's general one."""
        return self.dense_thresholds.get(_phrase(query), self.dense_threshold)

    def has_operating_point(self, query: str) -> bool:
        """True when the model measured its own operating point for ``query`` (a tuned
        event phrase such as "obstructive apnea", any case)."""
        return _phrase(query) in self.dense_thresholds

    def min_duration_for(self, query: str) -> float | None:
        """The model's shortest region for ``query`` in seconds, None when the model
        measured none for that phrase (the dense default applies)."""
        return self.dense_min_durations.get(_phrase(query))

    def max_duration_for(self, query: str) -> float | None:
        """The model's longest region for ``query`` in seconds, None when the model
        measured none for that phrase (regions are not split)."""
        return self.dense_max_durations.get(_phrase(query))

    def sub_bins_for(self, query: str) -> bool:
        """True when ``query``'s regions may be placed to 0.5 s (:meth:`shifted_dense`):
        the night can encode shifted bins and the model keeps no whole-bin rule for it."""
        return self.encode_dense is not None and _phrase(query) not in self.dense_whole_bins

    def rivals_for(self, query: str) -> dict[str, float]:
        """Rival phrases of ``query`` and their margins (empty when it has none)."""
        return dict(self.dense_rivals.get(_phrase(query), {}))

    @property
    def has_dense(self) -> bool:
        """True when the night holds the model's dense time-bin vectors."""
        return self.dense is not None

    @property
    def shifts(self) -> int:
        """Windows per epoch (the epoch itself included)."""
        return int(round(EPOCH_SEC / self.stride_sec))

    def contiguous_next(self) -> np.ndarray:
        """bool (n_epochs,): True where epoch i+1 starts exactly 30 s after epoch i."""
        gaps = np.diff(self.epochs.starts)
        return np.append(np.isclose(gaps, EPOCH_SEC), False)

    def window_vectors(self, epoch_idx: np.ndarray) -> np.ndarray:
        """Embeddings of the windows starting inside each given epoch.

        Returns float32 (len(epoch_idx), shifts, dim); row ``[i, s]`` is the window
        starting ``s * stride_sec`` after epoch ``epoch_idx[i]``. Shifted windows
        that would run past a gap or the end of the night are NaN.
        """
        if self.encode is None:
            raise ValueError("this night has no encoder; sub-epoch refinement is unavailable")
        todo = [int(i) for i in np.unique(epoch_idx) if int(i) not in self._windows]
        if todo:
            self._encode_windows(todo)
        return np.stack([self._windows[int(i)] for i in epoch_idx]) if len(epoch_idx) else \
            np.zeros((0, self.shifts, self.vectors.shape[1]), np.float32)

    def precompute_windows(self, progress: Callable[[int], None] | None = None,
                           chunk: int = 32) -> None:
        """Encode the shifted windows of every epoch now (e.g. in the background after
        loading), so that later queries refine without touching the model."""
        for start in range(0, len(self.epochs), chunk):
            todo = [i for i in range(start, min(start + chunk, len(self.epochs)))
                    if i not in self._windows]
            if todo:
                self._encode_windows(todo)
            if progress is not None:
                progress(min(chunk, len(self.epochs) - start))

    @property
    def sub_bins(self) -> int:
        """Shifted copies of each dense bin (the bin itself included): 4 for 2-s bins."""
        return int(round(self.dense_seconds / SUB_BIN_SEC)) if self.has_dense else 0

    def shifted_dense(self, window_idx: np.ndarray) -> np.ndarray:
        """Dense bin vectors of the epochs ``window_idx`` shifted by each sub-bin step.

        Returns float16 (len(window_idx), sub_bins - 1, bins, dim); row ``[i, k]`` holds
        the bins of the 30-s window starting ``(k + 1) * SUB_BIN_SEC`` after epoch
        ``window_idx[i]``. Windows that would run past a gap or the end of the night are
        NaN.
        """
        if self.encode_dense is None:
            raise ValueError("this night has no dense encoder; sub-bin localization is unavailable")
        todo = [int(i) for i in np.unique(window_idx) if int(i) not in self._shifted]
        for start in range(0, len(todo), SHIFTED_CHUNK):
            # a chunk at a time: a whole 8-h night's shifted windows would be 220 MB at once
            self._encode_shifted(todo[start:start + SHIFTED_CHUNK])
        shape = (self.sub_bins - 1, *self.dense.shape[1:])
        return (np.stack([self._shifted[int(i)] for i in window_idx]) if len(window_idx)
                else np.zeros((0, *shape), np.float16))

    def _encode_shifted(self, todo: list[int]) -> None:
        shifts = range(1, self.sub_bins)
        nxt = self.contiguous_next()
        valid = [i for i in todo if nxt[i]]
        windows = [self._cut(self.epochs.data, i, int(round(k * SUB_BIN_SEC * MODEL_SFREQ)))
                   for i in valid for k in shifts]
        spo2 = None
        if self.epochs.spo2 is not None:
            spo2 = np.stack([self._cut(self.epochs.spo2, i, int(round(k * SUB_BIN_SEC * OXIMETRY_SFREQ)))
                             for i in valid for k in shifts]) if valid else None
        encoded = self.encode_dense(np.stack(windows), spo2) if windows else None
        per = len(shifts)
        rows = {i: np.full((per, *self.dense.shape[1:]), np.nan, np.float16) for i in todo}
        for j, i in enumerate(valid):
            rows[i][:] = encoded[j * per:(j + 1) * per]
        self._shifted.update(rows)   # whole rows only: a reader never sees a half-filled one

    def _encode_windows(self, todo: list[int]) -> None:
        step = int(round(self.stride_sec * MODEL_SFREQ))
        per = self.shifts - 1
        nxt = self.contiguous_next()
        valid = [i for i in todo if nxt[i]]
        windows = [self._cut(self.epochs.data, i, s * step)
                   for i in valid for s in range(1, self.shifts)]
        spo2 = None
        if self.epochs.spo2 is not None:
            oxi_step = int(round(self.stride_sec * OXIMETRY_SFREQ))
            spo2 = [self._cut(self.epochs.spo2, i, s * oxi_step)
                    for i in valid for s in range(1, self.shifts)]
        encoded = (self.encode(np.stack(windows), None if spo2 is None else np.stack(spo2))
                   if windows else None)
        for i in todo:
            rows = np.full((self.shifts, self.vectors.shape[1]), np.nan, dtype=np.float32)
            rows[0] = self.vectors[i]
            self._windows[i] = rows
        for j, i in enumerate(valid):
            self._windows[i][1:] = encoded[j * per:(j + 1) * per]

    @staticmethod
    def _cut(rows: np.ndarray, i: int, offset: int) -> np.ndarray:
        """The stretch of ``rows[i]`` and ``rows[i + 1]`` one epoch long from ``offset``."""
        pair = np.concatenate([rows[i], rows[i + 1]], axis=-1)
        return pair[..., offset:offset + rows.shape[-1]]


def _has_dense(model: SignalTextModel) -> bool:
    return bool(getattr(model, "has_dense", False))
