"""Whether two groups of epochs differ in a measure by more than chance, for "is that
difference significant?". Epochs of one period (a run of consecutive epochs) are not
independent, so each period's mean counts once: a t-test over epochs would call almost any
difference between two stages significant."""

from __future__ import annotations

import numpy as np
from scipy.stats import binomtest, chi2, mannwhitneyu, ttest_ind

from app.chat.results import BreakdownRow, PairTest, PeriodTest
from sleeplm_core.scoring.intervals import runs


def period_test(values: np.ndarray, first: np.ndarray, second: np.ndarray) -> PeriodTest | None:
    """Welch's t-test of a per-epoch measure (``values``, one per epoch, NaN unmeasured)
    between the epochs of two masks, over their periods' means; None under two measured
    periods a side."""
    means = []
    for mask in (first, second):
        found = [float(np.nanmean(values[a:b])) for a, b in runs(mask) if np.isfinite(values[a:b]).any()]
        if len(found) < 2:
            return None
        means.append(found)
    return PeriodTest((len(means[0]), len(means[1])),
                      float(ttest_ind(means[0], means[1], equal_var=False).pvalue))


def rate_test(events: tuple[int, int], minutes: tuple[float, float]) -> float | None:
    """Two-sided exact test that two event counts, over ``minutes`` of sleep each, come from one
    Poisson rate: given their sum, the first count is binomial with the first side's share of
    the time. None without events or time on a side."""
    (k1, k2), (t1, t2) = events, minutes
    if k1 + k2 == 0 or t1 <= 0 or t2 <= 0:
        return None
    return float(binomtest(int(k1), int(k1 + k2), t1 / (t1 + t2)).pvalue)


def rate_ratio_interval(events: tuple[int, int], minutes: tuple[float, float],
                        level: float = 0.95) -> tuple[float, float] | None:
    """The ``level`` interval of the ratio of two Poisson rates (first over second), exact given
    the counts' sum: the first count is binomial with share p = r t1 / (r t1 + t2), so the
    Clopper-Pearson interval of p maps onto the ratio r. None without events on both sides."""
    (k1, k2), (t1, t2) = events, minutes
    if k1 == 0 or k2 == 0 or t1 <= 0 or t2 <= 0:
        return None
    ci = binomtest(int(k1), int(k1 + k2)).proportion_ci(confidence_level=level, method="exact")

    def ratio(p: float) -> float:
        return p / (1 - p) * t2 / t1 if p < 1 else float("inf")
    return ratio(ci.low), ratio(ci.high)


def rate_interval(events: int, minutes: float, level: float = 0.95) -> tuple[float, float] | None:
    """The exact (Garwood) ``level`` interval of a Poisson rate, events per hour, from ``events``
    over ``minutes``; None without time."""
    if minutes <= 0:
        return None
    tail = (1 - level) / 2
    low = chi2.ppf(tail, 2 * events) / 2 if events else 0.0
    high = chi2.ppf(1 - tail, 2 * events + 2) / 2
    return 60 * low / minutes, 60 * high / minutes


MIN_LENGTHS = 3
"""Fewest events a side for a test of two groups' lengths."""


def length_test(first: tuple[float, ...], second: tuple[float, ...]) -> float | None:
    """Two-sided Mann-Whitney U test that two groups' event lengths (s) come from one
    distribution (lengths are skewed, so no t-test); None under :data:`MIN_LENGTHS` a side."""
    if min(len(first), len(second)) < MIN_LENGTHS:
        return None
    return float(mannwhitneyu(first, second, alternative="two-sided").pvalue)


def pair_test(first: BreakdownRow, second: BreakdownRow, lengths: bool) -> PairTest | None:
    """The test of two groups' events: of their lengths when ``lengths``, else of their rates
    per minute asleep; None when a side lacks what the test needs."""
    if first.events is None or second.events is None:
        return None
    p = (length_test(first.durations, second.durations) if lengths
         else rate_test((first.events, second.events), (first.sleep_min, second.sleep_min)))
    if p is None:
        return None
    return PairTest((first.group, second.group), lengths, (first.events, second.events), p)
