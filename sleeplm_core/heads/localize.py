"""Text query -> where in the night it happens.

1. Every epoch gets the cosine between its embedding and the query embedding.
2. Raw cosines of a contrastive model are small and shift from query to query, so
   they are calibrated against the night's own distribution: a robust z-score
   ((x - median) / (1.4826 * MAD)) or a percentile (0-100) of the epoch scores.
3. Optionally the best epochs are refined with 30-s windows starting every
   ``stride_sec`` seconds inside them: each ``stride_sec`` bin gets the mean
   cosine of the windows that cover it. Window embeddings are encoded on demand
   (a few hundred ms per query on two cores) unless the night precomputed them.
4. Bins at or above the threshold form runs; runs closer than ``merge_gap`` are
   merged, runs shorter than ``min_duration`` dropped, and the ``top_k`` runs with
   the highest peak score are returned as regions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sleeplm_core.heads.encoder import EncodeText
from sleeplm_core.heads.night import EmbeddedNight
from sleeplm_core.io.recording import EPOCH_SEC
from sleeplm_core.scoring.intervals import runs

CALIBRATIONS: tuple[str, ...] = ("zscore", "percentile")


@dataclass(frozen=True)
class LocalizeConfig:
    """Localization settings.

    Attributes:
        calibration: one of :data:`CALIBRATIONS`.
        threshold: calibrated score a bin needs (z units, or percentile 0-100).
        min_duration: shortest region kept, in seconds.
        merge_gap: regions separated by at most this many seconds are merged.
        top_k: regions returned, best first.
        refine: use shifted windows below the epoch when the night has an encoder.
        refine_epochs: at most this many best epochs are refined.
        refine_percentile: only epochs at or above this percentile of the night's
            raw scores are refined.
    """

    calibration: str = "zscore"
    threshold: float = 2.0
    min_duration: float = 10.0
    merge_gap: float = 10.0
    top_k: int = 10
    refine: bool = True
    refine_epochs: int = 16
    refine_percentile: float = 90.0


@dataclass(frozen=True)
class Region:
    """A stretch of the night that matches a query.

    Attributes:
        start, end: seconds from the recording start.
        score: peak calibrated score inside the region (z or percentile).
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
    """

    starts: np.ndarray
    width: float
    cosine: np.ndarray
    calibrated: np.ndarray


@dataclass(frozen=True)
class Localization:
    """Result of one query on one night.

    Attributes:
        query: the text.
        epochs: per-epoch track (30-s bins), what the night overview plots.
        fine: the refined track, or None when refinement was off.
        regions: best regions first.
    """

    query: str
    epochs: Track
    fine: Track | None
    regions: list[Region]


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
    raise ValueError(f"unknown calibration {method!r}; use one of {CALIBRATIONS}")


def localize(night: EmbeddedNight, query: str, encode_text: EncodeText,
             config: LocalizeConfig = LocalizeConfig()) -> Localization:
    """Score every epoch of ``night`` against ``query`` and find the best regions."""
    query_vec = encode_text([query])[0]
    cosine = night.vectors @ query_vec
    starts = night.epochs.starts
    coarse = Track(starts, EPOCH_SEC, cosine, calibrate(cosine, config.calibration))
    fine = None
    if config.refine and night.encode is not None and len(cosine):
        fine = refined_track(night, cosine, query_vec, config)
    regions = find_regions(fine if fine is not None else coarse, config)
    return Localization(query, coarse, fine, [_with_epochs(r, starts) for r in regions])


def refined_track(night: EmbeddedNight, cosine: np.ndarray, query_vec: np.ndarray,
                  config: LocalizeConfig) -> Track:
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
                 calibrate(fine, config.calibration, reference=cosine))


def find_regions(track: Track, config: LocalizeConfig) -> list[Region]:
    """Threshold, merge, filter and rank the runs of a track (epochs left empty)."""
    above = runs(track.calibrated >= config.threshold)
    spans = _merge([(track.starts[a], track.starts[b - 1] + track.width, a, b) for a, b in above],
                   config.merge_gap)
    regions = [Region(start=float(s), end=float(e),
                      score=float(track.calibrated[a:b].max()),
                      cosine=float(track.cosine[a:b].max()), epochs=())
               for s, e, a, b in spans if e - s >= config.min_duration]
    return sorted(regions, key=lambda r: -r.score)[:config.top_k]


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


def _with_epochs(region: Region, starts: np.ndarray) -> Region:
    overlap = np.flatnonzero((starts < region.end) & (starts + EPOCH_SEC > region.start))
    return Region(region.start, region.end, region.score, region.cosine,
                  tuple(int(i) for i in overlap), region.source)
