"""Text query -> where in the night it happens.

1. Every epoch gets the cosine between its embedding and the query embedding.
2. Raw cosines of a contrastive model are small and shift from query to query, so
   they are calibrated against the night's own distribution: a robust z-score
   ((x - median) / (1.4826 * MAD)) or a percentile (0-100) of the epoch scores.
3. Optionally the best epochs are refined with 30-s windows starting every
   ``stride_sec`` seconds inside them: each ``stride_sec`` bin gets the mean
   cosine of the windows that cover it. Window embeddings are encoded on demand
   (a few hundred ms per query on two cores) unless the night precomputed them.
4. Bins at or above the threshold seed runs, which grow over the neighbouring bins
   at or above ``extend`` times the threshold (hysteresis, as spindle and event
   detectors do: an event's edges score lower than its core); runs closer than
   ``merge_gap`` are merged, runs longer than ``max_duration`` split at bin edges
   into pieces no longer than it (a piece whose peak is below the threshold, only
   grown or bridged bins, is dropped), runs shorter than ``min_duration`` dropped,
   and the ``top_k`` runs with the highest peak score are returned as regions.

A night encoded by a model with dense tokens (``EmbeddedNight.has_dense``) skips
steps 1-3: every dense bin (2 s) gets the cosine of its own embedding with the
query, and the model's trained sigmoid turns it into the chance that the bin holds
the event (calibration "probability", threshold the model's ``dense_threshold``, an
operating point measured on synthetic tuning nights, 0.5 when none was, or the
model's own operating point for the query's phrase when it measured one, with its
shortest and longest region, and its rival phrase: a region where the rival's mean
chance beats the phrase's own by the model's margin is the rival's event, and is
dropped). Its defaults keep single-bin regions (a 1-s spindle lights one or two bins)
and bridge one-bin dips; see :data:`EPOCH_DEFAULTS` and :data:`DENSE_DEFAULTS`. With
``refine`` (the default) those bins are then placed to half a second: the epochs that
hold a bin a region could reach are encoded again shifted by 0.5, 1 and 1.5 s, and each
0.5-s sub-bin scores the lowest of the four bins that cover it (:func:`sub_bin_track`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from sleeplm_core.errors import ModelError
from sleeplm_core.heads.encoder import EncodeText, batches
from sleeplm_core.heads.night import SUB_BIN_SEC, EmbeddedNight
from sleeplm_core.io.recording import EPOCH_SEC
from sleeplm_core.scoring.intervals import runs

CALIBRATIONS: tuple[str, ...] = ("zscore", "percentile", "probability")
"""zscore and percentile are relative to the night; probability is the dense-token
model's own sigmoid (dense tracks only)."""

DEFAULT_THRESHOLDS: dict[str, float] = {"zscore": 2.0, "percentile": 95.0, "probability": 0.5}
"""Threshold used when :attr:`LocalizeConfig.threshold` is None, per calibration."""


@dataclass(frozen=True)
class TrackDefaults:
    """What a None in :class:`LocalizeConfig` means for one kind of track.

    Attributes:
        calibration: calibration of the track.
        min_duration: shortest region kept, seconds.
        merge_gap: runs at most this far apart are merged, seconds.
        extend: a run grows over neighbouring bins scoring at least this fraction of
            the threshold (1: no growth).
        max_duration: longer runs are split into several regions, seconds (inf: never).
    """

    calibration: str
    min_duration: float
    merge_gap: float
    extend: float
    max_duration: float = math.inf


EPOCH_DEFAULTS = TrackDefaults("zscore", 10.0, 10.0, 1.0)
"""Epoch and shifted-window tracks: a 30-s embedding cannot resolve shorter regions."""

DENSE_DEFAULTS = TrackDefaults("probability", 0.0, 2.0, 0.5)
"""Dense tracks (2-s bins): any run of bins counts (spindles last 0.5-2 s, so a 10-s
floor would drop them all), a single sub-threshold bin inside an event is bridged, and
runs grow down to half the threshold. On the synthetic tuning nights (seeds 950, 951)
growth raised by-event F1 at IoU 0.3 with the release 3 model from 0.81 to 0.90
(apnea), 0.36 to 0.50 (desaturation) and 0.77 to 0.89 (hypopnea): the model's
probability is highest in an event's core, and regions cut at the core's edges were
too short to overlap the scored event."""


@dataclass(frozen=True)
class LocalizeConfig:
    """Localization settings; None means the default of the track kind
    (:data:`EPOCH_DEFAULTS`, :data:`DENSE_DEFAULTS`) or of the calibration
    (:data:`DEFAULT_THRESHOLDS`).

    Attributes:
        calibration: one of :data:`CALIBRATIONS`; "probability" needs a dense track.
        threshold: calibrated score a bin needs (z units, percentile 0-100, or probability).
        min_duration: shortest region kept, in seconds.
        max_duration: a longer region is split at bin edges into regions no longer
            than this, in seconds (at least one bin each; ``math.inf``: never split).
        merge_gap: regions separated by at most this many seconds are merged.
        extend: regions grow over neighbouring bins scoring at least ``extend`` x
            ``threshold`` (1: no growth; meaningful for zscore and probability).
        top_k: regions returned, best first.
        dense: use the night's dense bins when it has them (False: epochs and windows).
        refine: read below the track's own bins when the night has an encoder: shifted
            30-s windows on an epoch track, 0.5-s sub-bins on a dense one.
        refine_epochs: at most this many best epochs are refined (epoch tracks).
        refine_percentile: only epochs at or above this percentile of the night's
            raw scores are refined.
    """

    calibration: str | None = None
    threshold: float | None = None
    min_duration: float | None = None
    max_duration: float | None = None
    merge_gap: float | None = None
    extend: float | None = None
    top_k: int = 10
    dense: bool = True
    refine: bool = True
    refine_epochs: int = 16
    refine_percentile: float = 90.0

    def calibration_for(self, dense: bool) -> str:
        """The calibration used on a dense (or epoch) track."""
        if self.calibration is not None:
            return self.calibration
        return (DENSE_DEFAULTS if dense else EPOCH_DEFAULTS).calibration

    def resolved(self, track: Track) -> LocalizeConfig:
        """A copy with every None replaced by the default for ``track`` (a probability
        track's default threshold, shortest and longest region are the model's
        operating point it carries)."""
        defaults = DENSE_DEFAULTS if track.dense else EPOCH_DEFAULTS
        default = DEFAULT_THRESHOLDS[track.calibration]
        if track.calibration == "probability" and track.operating_point is not None:
            default = track.operating_point
        shortest = defaults.min_duration if track.min_duration is None else track.min_duration
        longest = defaults.max_duration if track.max_duration is None else track.max_duration
        return replace(self, calibration=track.calibration,
                       threshold=default if self.threshold is None else self.threshold,
                       min_duration=shortest if self.min_duration is None else self.min_duration,
                       max_duration=longest if self.max_duration is None else self.max_duration,
                       merge_gap=defaults.merge_gap if self.merge_gap is None else self.merge_gap,
                       extend=defaults.extend if self.extend is None else self.extend)


@dataclass(frozen=True)
class Region:
    """A stretch of the night that matches a query.

    Attributes:
        start, end: seconds from the recording start.
        score: peak calibrated score inside the region (z, percentile or probability).
        cosine: peak raw cosine similarity inside the region.
        epochs: indices of the epochs the region overlaps.
        source: "similarity" or "caption" (event times read from a generated caption).
    """

    start: float
    end: float
    score: float
    cosine: float
    epochs: tuple[int, ...]
    source: str = "similarity"

    @property
    def duration(self) -> float:
        return self.end - self.start


@dataclass(frozen=True)
class Track:
    """A score per time bin.

    Attributes:
        starts: bin start times in seconds.
        width: bin width in seconds.
        cosine: raw cosine per bin.
        calibrated: calibrated score per bin.
        calibration: how ``calibrated`` was made (one of :data:`CALIBRATIONS`).
        dense: True for a track of the model's dense bins.
        operating_point: for a probability track, the model's ``dense_threshold``.
        min_duration: for a probability track, the model's shortest region for the
            query in seconds (None: the track kind's default).
        max_duration: for a probability track, the model's longest region for the
            query in seconds (None: the track kind's default).
    """

    starts: np.ndarray
    width: float
    cosine: np.ndarray
    calibrated: np.ndarray
    calibration: str = "zscore"
    dense: bool = False
    operating_point: float | None = None
    min_duration: float | None = None
    max_duration: float | None = None


@dataclass(frozen=True)
class Rival:
    """A sibling phrase that takes a query's regions where its chance is higher.

    Attributes:
        phrase: the rival phrase (e.g. "central apnea" for "obstructive apnea").
        track: its probability track, on the same bins as the query's.
        margin: a region is the rival's when the rival's mean probability over its bins
            minus the query's own is at least this.
    """

    phrase: str
    track: Track
    margin: float


@dataclass(frozen=True)
class Localization:
    """Result of one query on one night.

    Attributes:
        query: the text.
        epochs: per-epoch track (30-s bins), what the night overview plots; on a dense
            night its cosine is the epoch embedding's and its score the best of its bins'.
        fine: the dense or refined track, or None when refinement was off.
        regions: best regions first.
        config: the settings used, every default filled in for the track searched.
        rivals: the model's rival phrases for the query, with their tracks; pass them
            to :func:`find_regions` when searching the track again (e.g. inside a time
            scope).
    """

    query: str
    epochs: Track
    fine: Track | None
    regions: list[Region]
    config: LocalizeConfig = LocalizeConfig()
    rivals: tuple[Rival, ...] = ()


def calibrate(scores: np.ndarray, method: str, reference: np.ndarray | None = None) -> np.ndarray:
    """Express ``scores`` relative to ``reference`` (defaults to ``scores`` itself)."""
    ref = np.asarray(scores if reference is None else reference, dtype=float)
    ref = ref[np.isfinite(ref)]
    if method == "zscore":
        med = np.median(ref)
        spread = 1.4826 * np.median(np.abs(ref - med))
        spread = spread if spread > 0 else (ref.std() or 1.0)
        return (scores - med) / spread
    if method == "percentile":
        return 100.0 * np.searchsorted(np.sort(ref), scores, side="right") / len(ref)
    if method == "probability":
        raise ValueError("calibration 'probability' is the dense-token model's own; this track "
                         "has none (use zscore or percentile, or a model with dense tokens)")
    raise ValueError(f"unknown calibration {method!r}; use one of {CALIBRATIONS}")


def localize(night: EmbeddedNight, query: str, encode_text: EncodeText,
             config: LocalizeConfig = LocalizeConfig()) -> Localization:
    """Score every epoch (or dense bin) of ``night`` against ``query`` and find the best regions."""
    query_vec = encode_text([query])[0]
    cosine = night.vectors @ query_vec
    starts = night.epochs.starts
    rivals: tuple[Rival, ...] = ()
    if config.dense and night.has_dense:
        bins = dense_track(night, query_vec, config.calibration_for(dense=True), query)
        coarse = Track(starts, EPOCH_SEC, cosine, epoch_maxima(bins.calibrated, len(starts)),
                       bins.calibration, dense=False)
        windows = (_sub_bin_windows(night, bins, config.resolved(bins))
                   if config.refine and night.sub_bins_for(query) else None)
        fine = bins if windows is None else sub_bin_track(night, bins, query_vec, windows, query)
        if fine.calibration == "probability":
            rivals = _rival_tracks(night, query, encode_text, windows)
    else:
        method = config.calibration_for(dense=False)
        if method == "probability":
            raise ModelError("calibration 'probability' needs a model with dense tokens and "
                             "their vectors; use zscore or percentile")
        coarse = Track(starts, EPOCH_SEC, cosine, calibrate(cosine, method), method)
        fine = None
        if config.refine and night.encode is not None and len(cosine):
            fine = refined_track(night, cosine, query_vec, config, method)
    track = fine if fine is not None else coarse
    used = config.resolved(track)
    regions = find_regions(track, used, rivals)
    return Localization(query, coarse, fine, [_with_epochs(r, starts) for r in regions], used,
                        rivals)


def dense_track(night: EmbeddedNight, query_vec: np.ndarray, method: str,
                query: str = "") -> Track:
    """Cosine of every dense bin with the query, calibrated by ``method``.

    "probability" is the model's sigmoid of the cosine; zscore and percentile are
    relative to all bins of the night. A probability track carries the model's
    operating point for ``query`` (:meth:`EmbeddedNight.threshold_for` and
    :meth:`EmbeddedNight.min_duration_for`, :meth:`EmbeddedNight.max_duration_for`).
    """
    n, bins, dim = night.dense.shape
    # float16 has no BLAS path; a float32 copy of one epoch chunk at a time stays small
    cosine = np.concatenate([night.dense[sl].reshape(-1, dim).astype(np.float32) @ query_vec
                             for sl in batches(n, 256)]) if n else np.zeros(0, np.float32)
    offsets = night.dense_seconds * np.arange(bins)
    bin_starts = (night.epochs.starts[:, None] + offsets).ravel()
    return _calibrated(night, bin_starts, night.dense_seconds, cosine, method, query)


def _calibrated(night: EmbeddedNight, starts: np.ndarray, width: float, cosine: np.ndarray,
                method: str, query: str) -> Track:
    own = method == "probability"
    calibrated = (np.asarray(night.probability(cosine), dtype=float) if own
                  else calibrate(cosine, method))
    return Track(starts, width, cosine, calibrated, method, dense=True,
                 operating_point=night.threshold_for(query) if own else None,
                 min_duration=night.min_duration_for(query) if own else None,
                 max_duration=night.max_duration_for(query) if own else None)


def _sub_bin_windows(night: EmbeddedNight, bins: Track, config: LocalizeConfig) -> np.ndarray:
    """The shifted windows a sub-bin track needs: on a probability track only those that
    cover epochs holding a bin at or above the lowest level a region may reach (a sub-bin
    never scores above its own bin), elsewhere every epoch (calibration reads all)."""
    n = len(night.epochs)
    if bins.calibration != "probability":
        return np.arange(n)
    low = config.threshold * min(config.extend, 1.0)
    hot = np.flatnonzero(epoch_maxima(bins.calibrated, n) >= low)
    # the first 1.5 s of an epoch lie in the previous epoch's shifted windows
    return np.union1d(hot, hot[hot > 0] - 1).astype(int)


def sub_bin_track(night: EmbeddedNight, bins: Track, query_vec: np.ndarray,
                  windows: np.ndarray, query: str = "") -> Track:
    """``bins`` at :data:`SUB_BIN_SEC` resolution: each sub-bin scores the lowest cosine of
    the 2-s bins that cover it, its own and those of the shifted ``windows``.

    A bin scores high when an event covers enough of it, wherever the event sits inside;
    only the stretch every covering bin agrees on is the event's, so the minimum places a
    1-s spindle to half a second where a 2-s bin cannot (by-event F1 of "sleep spindle" at
    IoU 0.3, release 10, synthetic tuning nights 950/951: 0.69 on 2-s bins, 0.84 so; the
    DREAMS expert's spindles: 0.18 and 0.32 over thresholds 0.5-0.99). Sub-bins outside
    ``windows`` keep their bin's cosine. ``query`` picks the model's operating point, as
    in :func:`dense_track`.
    """
    n, n_bins, _ = night.dense.shape
    per = night.sub_bins
    cells = np.repeat(bins.cosine.reshape(n, n_bins), per, axis=1)   # (n, bins * per)
    if len(windows):
        shifted = night.shifted_dense(windows).astype(np.float32) @ query_vec   # (m, per-1, bins)
        flat = np.concatenate([cells, np.full((1, cells.shape[1]), np.inf)]).ravel()
        width = cells.shape[1]
        for k in range(1, per):
            # window i shifted by k sub-bins: its bin b covers sub-bins k + per*b .. +per-1
            at = (windows[:, None, None] * width + k + per * np.arange(n_bins)[None, :, None]
                  + np.arange(per)[None, None, :])                       # (m, bins, per)
            values = np.repeat(shifted[:, k - 1, :, None], per, axis=2)
            ok = np.isfinite(values)
            np.minimum.at(flat, np.minimum(at[ok], len(flat) - 1), values[ok])
        cells = flat[:-width].reshape(n, width)
    starts = (night.epochs.starts[:, None] + SUB_BIN_SEC * np.arange(n_bins * per)).ravel()
    return _calibrated(night, starts, SUB_BIN_SEC, cells.ravel(), bins.calibration, query)


def _rival_tracks(night: EmbeddedNight, query: str, encode_text: EncodeText,
                  windows: np.ndarray | None) -> tuple[Rival, ...]:
    """Each rival phrase the model holds for ``query``, with its dense probability track on
    the same bins as the query's (sub-bins over ``windows`` when given)."""
    out = []
    for phrase, margin in night.rivals_for(query).items():
        vec = encode_text([phrase])[0]
        track = dense_track(night, vec, "probability", phrase)
        if windows is not None:
            track = sub_bin_track(night, track, vec, windows, phrase)
        out.append(Rival(phrase, track, margin))
    return tuple(out)


def rival_excess(region: Region, own: Track, rival: Track) -> float:
    """``rival``'s mean calibrated score over the bins of ``region`` minus ``own``'s (both
    tracks on the same bins); -inf for a region that holds no bin."""
    inside = (own.starts >= region.start) & (own.starts < region.end)
    if not inside.any():
        return -math.inf
    return float(rival.calibrated[inside].mean() - own.calibrated[inside].mean())


def drop_outranked(regions: list[Region], own: Track, rivals: Sequence[Rival]) -> list[Region]:
    """``regions`` of ``own`` less those where a rival's :func:`rival_excess` reaches its
    margin."""
    return [r for r in regions
            if not any(rival_excess(r, own, rival.track) >= rival.margin for rival in rivals)]


def epoch_maxima(values: np.ndarray, n_epochs: int) -> np.ndarray:
    """Per-epoch maximum of a dense track's values (bins are stored epoch-major)."""
    if not n_epochs:
        return np.zeros(0)
    return np.asarray(values, dtype=float).reshape(n_epochs, -1).max(axis=1)


def refined_track(night: EmbeddedNight, cosine: np.ndarray, query_vec: np.ndarray,
                  config: LocalizeConfig, method: str = "zscore") -> Track:
    """Cosine per ``stride_sec`` bin, from shifted windows around the best epochs.

    Bins outside the refined epochs keep their epoch's cosine. Calibration uses
    the epoch-level distribution, because refined bins are a biased sample.
    """
    shifts = night.shifts
    floor = np.percentile(cosine, config.refine_percentile)
    best = np.argsort(-cosine)[:config.refine_epochs]
    best = best[cosine[best] >= floor]
    todo = np.unique(best)
    fine = np.repeat(cosine, shifts).astype(float)
    total = np.zeros_like(fine)
    count = np.zeros_like(fine)
    for i, rows in zip(todo, night.window_vectors(todo) @ query_vec):
        for s, value in enumerate(rows):
            if np.isfinite(value):
                cover = slice(i * shifts + s, min((i + 1) * shifts + s, len(fine)))
                total[cover] += value
                count[cover] += 1
    fine = np.where(count > 0, total / np.maximum(count, 1), fine)
    bin_starts = (night.epochs.starts[:, None] + night.stride_sec * np.arange(shifts)).ravel()
    return Track(bin_starts, night.stride_sec, fine,
                 calibrate(fine, method, reference=cosine), method)


def find_regions(track: Track, config: LocalizeConfig,
                 rivals: Sequence[Rival] = ()) -> list[Region]:
    """Threshold, merge, filter and rank the runs of a track (epochs left empty);
    None settings take the defaults of the track's kind and calibration. Regions a rival
    track outranks (:func:`drop_outranked`) are dropped before the best ``top_k`` are
    picked."""
    config = config.resolved(track)
    # growth needs a positive threshold to scale (a z threshold may be <= 0)
    low = config.threshold * config.extend if config.threshold > 0 else config.threshold
    grown = _contiguous_runs(track, track.calibrated >= low)
    above = [(a, b) for a, b in grown if track.calibrated[a:b].max() >= config.threshold]
    spans = _merge([(track.starts[a], track.starts[b - 1] + track.width, a, b) for a, b in above],
                   config.merge_gap)
    spans = [piece for span in spans for piece in _split(track, span, config)]
    regions = [Region(start=float(s), end=float(e),
                      score=float(track.calibrated[a:b].max()),
                      cosine=float(track.cosine[a:b].max()), epochs=())
               for s, e, a, b in spans if e - s >= config.min_duration]
    regions = drop_outranked(regions, track, rivals) if rivals else regions
    return sorted(regions, key=lambda r: -r.score)[:config.top_k]


def _contiguous_runs(track: Track, mask: np.ndarray) -> list[tuple[int, int]]:
    """Runs of True bins, cut where the bins are not back to back (a gap in the
    recording), so a region never claims time that was not recorded."""
    cut = np.zeros(len(mask), dtype=bool)
    cut[1:] = ~np.isclose(np.diff(track.starts), track.width)
    out: list[tuple[int, int]] = []
    for a, b in runs(mask):
        edges = [a, *(int(i) for i in np.flatnonzero(cut[a + 1:b]) + a + 1), b]
        out += list(zip(edges[:-1], edges[1:]))
    return out


def _merge(spans: list[tuple[float, float, int, int]],
           gap: float) -> list[tuple[float, float, int, int]]:
    merged: list[tuple[float, float, int, int]] = []
    for span in spans:
        if merged and span[0] - merged[-1][1] <= gap:
            prev = merged[-1]
            merged[-1] = (prev[0], span[1], prev[2], span[3])
        else:
            merged.append(span)
    return merged


def _split(track: Track, span: tuple[float, float, int, int],
           config: LocalizeConfig) -> list[tuple[float, float, int, int]]:
    """``span`` cut at bin edges into pieces of at most ``config.max_duration`` seconds
    (one bin at least), keeping the pieces that reach the threshold themselves."""
    start, end, a, b = span
    if end - start <= config.max_duration:
        return [span]
    step = max(1, int(config.max_duration // track.width))
    pieces = [(track.starts[i], track.starts[min(i + step, b) - 1] + track.width, i, min(i + step, b))
              for i in range(a, b, step)]
    return [p for p in pieces if track.calibrated[p[2]:p[3]].max() >= config.threshold]


def _with_epochs(region: Region, starts: np.ndarray) -> Region:
    overlap = np.flatnonzero((starts < region.end) & (starts + EPOCH_SEC > region.start))
    return Region(region.start, region.end, region.score, region.cosine,
                  tuple(int(i) for i in overlap), region.source)
