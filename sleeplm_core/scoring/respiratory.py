"""Apneas and hypopneas by the AASM 2.6 rules, from airflow and effort belts.

* Amplitude: the peak-to-peak envelope of the band-passed airflow (0.05-2 Hz)
  over a window one typical breath long (the night's dominant breathing period,
  from its spectrum), so the rule depends neither on the waveform shape nor on a
  fixed breathing rate.
* Baseline: a high percentile of the envelope over the preceding 2 minutes, so a
  run of events (AHI 30 leaves little normal breathing) does not drag it down.
* Apnea: envelope <= 10 % of baseline (a >= 90 % drop) for >= 10 s. Typed by the
  effort belts during it: absent throughout (central), absent then resumed (mixed),
  present (obstructive).
* Hypopnea: envelope <= 70 % of baseline (a >= 30 % drop) for >= 10 s, not an
  apnea, with a >= 3 % desaturation or an arousal that starts from the event onset
  to 30 s (desaturation) or 10 s (arousal) after its end (AASM 1A rule).
* Without airflow, the summed belts (RIPsum) stand in, as the AASM allows.

Events are not filtered by stage here: the machine hypnogram calls many
event-fragmented sleep epochs wake (measured on synthetic nights: apnea F1 0.72
with the filter, 0.95 without), and the AHI counts only events that start in
sleep anyway (``sleeplm_core.heads.summary``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.ndimage import maximum_filter1d, minimum_filter1d, percentile_filter
from scipy.signal import butter, sosfiltfilt, welch

from sleeplm_core.io.recording import Event, Signal
from sleeplm_core.scoring.channels import resampled
from sleeplm_core.scoring.intervals import close_gaps, moving_mean, runs


@dataclass(frozen=True)
class RespiratoryConfig:
    """AASM respiratory rules (times in seconds, ratios of the baseline amplitude).

    Attributes:
        rate_hz: working rate every breathing channel is resampled to.
        band_hz: band-pass applied before the envelope.
        breath_hz: band searched for the night's dominant breathing rate (6-42 /min).
        breath_cycles: envelope window in typical breaths.
        baseline_sec: look-back of the baseline.
        baseline_pct: percentile of the envelope taken as the baseline.
        apnea_ratio: envelope/baseline at or below which flow is absent. The AASM's
            >= 90 % drop is on peak signal excursions; the smoothed envelope keeps
            some noise and the edges of the last breaths, so its cut is higher
            (tuned on synthetic seeds 11-13).
        hypopnea_ratio: envelope/baseline at or below which flow is reduced (>= 30 % drop).
        min_sec, max_sec: shortest and longest event.
        merge_sec: reductions separated by less than this are one event.
        effort_absent_ratio: effort envelope/baseline below which effort is absent.
        desat_after_sec, arousal_after_sec: how long after the event end its
            desaturation or arousal may start.
    """

    rate_hz: float = 10.0
    band_hz: tuple[float, float] = (0.05, 2.0)
    breath_hz: tuple[float, float] = (0.1, 0.7)
    breath_cycles: float = 1.0
    baseline_sec: float = 120.0
    baseline_pct: float = 80.0
    apnea_ratio: float = 0.25
    hypopnea_ratio: float = 0.7
    min_sec: float = 10.0
    max_sec: float = 120.0
    merge_sec: float = 3.0
    effort_absent_ratio: float = 0.25
    desat_after_sec: float = 30.0
    arousal_after_sec: float = 10.0


@dataclass(frozen=True)
class Breathing:
    """Breathing channels for the rules: flow (or RIPsum) and the belts, any may be None."""

    flow: Signal | None
    thorax: Signal | None
    abdomen: Signal | None

    def belts(self, rate: float) -> list[np.ndarray]:
        """Each belt present, at ``rate`` Hz."""
        return [resampled(s, rate) for s in (self.thorax, self.abdomen) if s is not None]


def breath_period(x: np.ndarray, config: RespiratoryConfig) -> float:
    """The night's dominant breathing period in seconds (peak of the Welch spectrum)."""
    freqs, power = welch(x, fs=config.rate_hz, nperseg=int(64 * config.rate_hz))
    band = (freqs >= config.breath_hz[0]) & (freqs <= config.breath_hz[1])
    return 1.0 / float(freqs[band][np.argmax(power[band])])


def amplitude_ratio(x: np.ndarray, config: RespiratoryConfig) -> np.ndarray:
    """Breath amplitude relative to the recent baseline (1 = normal, 0 = no breathing)."""
    rate = config.rate_hz
    sos = butter(2, config.band_hz, btype="bandpass", fs=rate, output="sos")
    y = sosfiltfilt(sos, x)
    width = max(2, int(round(config.breath_cycles * breath_period(y, config) * rate)))
    env = moving_mean(maximum_filter1d(y, width) - minimum_filter1d(y, width), width // 2)
    # Baseline at 1 Hz over a trailing window: a centred percentile filter shifted back.
    step = int(rate)
    coarse = env[::step]
    size = int(config.baseline_sec)
    base = percentile_filter(coarse, config.baseline_pct, size=size, origin=(size - 1) // 2,
                             mode="nearest")
    base = np.repeat(base, step)[: len(env)]
    floor = max(float(np.median(base)) * 0.05, 1e-12)
    return env / np.maximum(base, floor)


def amplitude_in_spans(sig: Signal, spans: list[tuple[float, float]],
                       config: RespiratoryConfig = RespiratoryConfig()) -> np.ndarray:
    """Median breath amplitude inside each span (start, end in s), in % of the channel's
    trailing baseline (:func:`amplitude_ratio`: 100 = the breaths of the minutes before, 0 = no
    breathing); NaN for a span outside the recording. One value per span."""
    ratio = amplitude_ratio(resampled(sig, config.rate_hz), config)
    out = np.full(len(spans), np.nan)
    for k, (start, end) in enumerate(spans):
        seg = ratio[max(0, int(start * config.rate_hz)):max(0, int(end * config.rate_hz))]
        if len(seg):
            out[k] = 100.0 * float(np.median(seg))
    return out


def _effort_ratio(breathing: Breathing, n: int, config: RespiratoryConfig) -> np.ndarray | None:
    """Effort relative to its baseline, the larger of the two belts (each belt on its own,
    so paradoxical, out-of-phase belts do not cancel); None without belts."""
    belts = breathing.belts(config.rate_hz)
    if not belts:
        return None
    m = min(len(b) for b in belts)
    ratio = np.max([amplitude_ratio(b[:m], config) for b in belts], axis=0)
    return np.pad(ratio, (0, max(0, n - m)), mode="edge")[:n]


def _apnea_type(effort: np.ndarray | None, start: int, stop: int, config: RespiratoryConfig) -> str:
    if effort is None:
        return "obstructive_apnea"
    absent = effort[start:stop] <= config.effort_absent_ratio
    if np.mean(absent) >= 0.8:
        return "central_apnea"
    third = max(1, (stop - start) // 3)
    if np.mean(absent[:third]) >= 0.8 and np.mean(absent[-third:]) < 0.5:
        return "mixed_apnea"
    return "obstructive_apnea"


def _spans(mask: np.ndarray, config: RespiratoryConfig) -> list[tuple[int, int]]:
    rate = config.rate_hz
    merged = close_gaps(mask, int(config.merge_sec * rate))
    return [(a, b) for a, b in runs(merged)
            if config.min_sec * rate <= b - a <= config.max_sec * rate]


def _follows(onsets: np.ndarray, start: float, end: float, after: float) -> bool:
    return bool(np.any((onsets >= start) & (onsets <= end + after)))


def detect_respiratory(breathing: Breathing, desaturations: list[Event],
                       arousals: list[Event], source: str,
                       config: RespiratoryConfig = RespiratoryConfig()) -> list[Event]:
    """Apneas (typed) and hypopneas, sorted by onset, each labelled with ``source``."""
    rate = config.rate_hz
    x = resampled(breathing.flow, rate)
    ratio = amplitude_ratio(x, config)
    effort = _effort_ratio(breathing, len(ratio), config)
    apneas = _spans(ratio <= config.apnea_ratio, config)
    events = [Event(a / rate, (b - a) / rate, _apnea_type(effort, a, b, config), source=source)
              for a, b in apneas]
    taken = np.zeros(len(ratio), dtype=bool)
    for a, b in apneas:
        taken[a:b] = True
    desat_on = np.array([e.onset for e in desaturations])
    arousal_on = np.array([e.onset for e in arousals])
    for a, b in _spans(ratio <= config.hypopnea_ratio, config):
        if taken[a:b].any():
            continue
        start, end = a / rate, b / rate
        if (_follows(desat_on, start, end, config.desat_after_sec)
                or _follows(arousal_on, start, end, config.arousal_after_sec)):
            events.append(Event(start, end - start, "hypopnea", source=source))
    return sorted(events, key=lambda e: e.onset)
