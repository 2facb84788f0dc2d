"""Respiratory level: breathing rate and regularity per belt and airflow, and
inspiratory flow flatness.

Breaths are found once over the whole night on the signal band-passed to
0.1-1 Hz (6-60 breaths/min): a breath starts where the signal rises above
+h after last having been below -h, with h a tenth of the night's typical
breath amplitude. Onsets with this hysteresis are robust to flat-topped
(flow-limited) breaths, which give a peak detector double peaks, and shallow
hypopnea breaths still count while noise on a flat trace does not. An epoch's
rate uses the breath intervals wholly inside it (60 / mean interval);
variability is their coefficient of variation.

Flatness is measured on airflow only: for each inspiration (the run of
positive flow that contains a breath onset) the mean flow divided by the
peak flow. A sine-like breath gives about 0.64, a flow-limited, flat-topped
breath approaches 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.signal import butter, sosfiltfilt

from sleeplm_core.features.schema import quantity
from sleeplm_core.features.signals import (
    complete_epochs, fill_gaps, usable_channel,
)
from sleeplm_core.io.epochset import EpochSet
from sleeplm_core.io.recording import EPOCH_SEC, Recording, Signal

SOURCES: dict[str, str] = {"THX": "thoracic belt", "ABD": "abdominal belt", "AF": "airflow"}
"""Canonical channel -> name the captions use, in caption order."""
BREATH_BAND_HZ = (0.1, 1.0)
FLOW_BAND_HZ = (0.05, 3.0)  # wider, so flat inspiratory tops are not smoothed round
MIN_SFREQ = 4.0  # below this, breath timing is quantised to >= 0.25 s
HYSTERESIS = 0.1


@dataclass(frozen=True)
class Breathing:
    """Breathing on one respiratory channel in one epoch.

    Attributes:
        source: "thoracic belt", "abdominal belt" or "airflow".
        rate: breaths per minute, 60 / mean breath interval.
        variability: coefficient of variation of breath intervals, in %.
    """

    source: str
    rate: float = quantity("breaths/min", 1, 0)
    variability: float = quantity("%", 1, 0)


@dataclass(frozen=True)
class RespiratoryFacts:
    """Respiratory facts of one epoch.

    Attributes:
        channels: breathing per present channel, in :data:`SOURCES` order.
        flatness: median inspiratory flatness (mean / peak flow, ratio), None
            without airflow.
    """

    channels: tuple[Breathing, ...] = ()
    flatness: float | None = quantity("ratio", 2, 1, default=None)


def respiratory_features(rec: Recording, epochs: EpochSet) -> list[RespiratoryFacts | None]:
    """Respiratory facts per epoch; None where no channel gives a measure."""
    per_source: list[list[Breathing | None]] = []
    flatness: list[float | None] = [None] * len(epochs)
    for role, source in SOURCES.items():
        sig = usable_channel(rec, epochs, role, MIN_SFREQ, f"{source} breathing")
        if sig is None:
            continue
        filled, finite = fill_gaps(sig)
        complete = complete_epochs(finite, sig.sfreq, epochs.starts)
        onsets = _breath_onsets(_bandpass(filled, BREATH_BAND_HZ), sig.sfreq)
        breathing = _breathing(onsets / sig.sfreq, epochs.starts, source)
        per_source.append([b if ok else None for b, ok in zip(breathing, complete)])
        if role == "AF":
            flat = _flatness(_bandpass(filled, FLOW_BAND_HZ), onsets, sig.sfreq, epochs.starts)
            flatness = [f if ok else None for f, ok in zip(flat, complete)]
    out: list[RespiratoryFacts | None] = []
    for i in range(len(epochs)):
        chans = tuple(b[i] for b in per_source if b[i] is not None)
        out.append(RespiratoryFacts(chans, flatness[i]) if chans or flatness[i] is not None
                   else None)
    return out


def _bandpass(sig: Signal, band: tuple[float, float]) -> np.ndarray:
    high = min(band[1], 0.45 * sig.sfreq)
    sos = butter(2, (band[0], high), btype="bandpass", fs=sig.sfreq, output="sos")
    return sosfiltfilt(sos, sig.data - np.mean(sig.data))


def _breath_onsets(x: np.ndarray, sfreq: float) -> np.ndarray:
    """Sample indices of breath onsets over the night."""
    # The threshold comes from the whole night, not from the epochs asked for, so an
    # epoch's breaths do not depend on which other epochs are described with it.
    window = int(EPOCH_SEC * sfreq)
    whole = x[: max(window, len(x) // window * window)]
    spread = np.std(whole.reshape(-1, min(window, len(whole))), axis=1)
    # Peak-to-trough amplitude of a sine is 2*sqrt(2) times its standard deviation.
    h = HYSTERESIS * 2.0 * np.sqrt(2.0) * float(np.median(spread))
    state = np.where(x > h, 1, np.where(x < -h, -1, 0))
    # Carry the last definite state through the band between -h and +h.
    last = np.maximum.accumulate(np.where(state != 0, np.arange(len(x)), 0))
    held = state[last]
    return np.flatnonzero((held[1:] == 1) & (held[:-1] == -1)) + 1


def _breathing(onset_t: np.ndarray, starts: np.ndarray, source: str) -> list[Breathing | None]:
    intervals = np.diff(onset_t)
    # Only intervals wholly inside the epoch: one that began in an apnea before the
    # epoch would otherwise lower its rate.
    first = np.searchsorted(onset_t[:-1], starts)
    last = np.searchsorted(onset_t[1:], starts + EPOCH_SEC)
    out: list[Breathing | None] = []
    for a, b in zip(first, last):
        seg = intervals[a:b]
        if len(seg) < 2:
            out.append(None)
            continue
        out.append(Breathing(source, 60.0 / float(seg.mean()),
                             100.0 * float(seg.std() / seg.mean())))
    return out


def _flatness(flow: np.ndarray, onsets: np.ndarray, sfreq: float,
              starts: np.ndarray) -> list[float | None]:
    positive = flow > 0
    edges = np.flatnonzero(np.diff(positive.astype(np.int8))) + 1
    run_start = np.concatenate(([0], edges))
    run_end = np.concatenate((edges, [len(flow)]))
    inspirations = onsets[positive[onsets]]
    runs = [flow[run_start[r]:run_end[r]]
            for r in np.searchsorted(run_start, inspirations, side="right") - 1]
    ratios = np.array([run.mean() / run.max() for run in runs])
    t = inspirations / sfreq
    first = np.searchsorted(t, starts)
    last = np.searchsorted(t, starts + EPOCH_SEC)
    return [float(np.median(ratios[a:b])) if b - a >= 2 else None for a, b in zip(first, last)]
