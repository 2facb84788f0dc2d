"""Execute helper for "are the apneas clustered?": whether a kind's events bunch together in
time more than events falling at random would.

Sleep (or, on a home test without EEG, the recording) is cut into consecutive stretches of
``WINDOW_EPOCHS`` epochs of it, wake skipped, so that a long awakening does not pass for a gap
between clusters. Events falling at random (a Poisson process over sleep) give counts per
stretch whose variance equals their mean; the ratio of the two, the index of dispersion, is
above 1 when events bunch and below 1 when they recur more regularly than chance, and
``(k - 1) * ratio`` follows a chi-square law with ``k - 1`` degrees of freedom under chance
(Cox & Lewis 1966, The Statistical Analysis of Series of Events)."""

from __future__ import annotations

import numpy as np
from scipy.stats import chi2

from app.chat.results import Dispersion
from app.night import LoadedNight

WINDOW_EPOCHS = 20
"""Epochs of sleep per stretch: 10 min, long enough to hold a few events at a moderate index."""

MIN_STRETCHES = 6
"""Fewer stretches than this (an hour of sleep) cannot tell clustering from chance."""

MIN_EVENTS = 5
"""Fewer events than this cannot either."""


def dispersion(night: LoadedNight, onsets: list[float], counted: np.ndarray,
               over: str = "sleep") -> Dispersion | None:
    """The index of dispersion of ``onsets`` (seconds) over the epochs ``counted`` (bool per
    epoch: the scope's sleep, or on a home test its recording, as ``over`` says), in stretches of
    ``WINDOW_EPOCHS`` of them; None when there are too few events or stretches to judge."""
    epochs = np.flatnonzero(counted)
    k = len(epochs) // WINDOW_EPOCHS
    if k < MIN_STRETCHES:
        return None
    stretch_of = np.full(night.n_epochs, -1)
    stretch_of[epochs[:k * WINDOW_EPOCHS]] = np.arange(k * WINDOW_EPOCHS) // WINDOW_EPOCHS
    hits = stretch_of[[night.epoch_at(t) for t in onsets]] if onsets else np.zeros(0, int)
    counts = np.bincount(hits[hits >= 0], minlength=k)
    n = int(counts.sum())
    if n < MIN_EVENTS:
        return None
    mean = n / k
    ratio = float(counts.var(ddof=1) / mean)
    statistic = (k - 1) * ratio
    top = np.sort(counts)[::-1][:max(1, round(k / 5))]
    return Dispersion(n, k, WINDOW_EPOCHS * 0.5, ratio, float(chi2.sf(statistic, k - 1)),
                      float(chi2.cdf(statistic, k - 1)), float(top.sum() / n), len(top), over)
