"""How close each respiratory event and desaturation came to the cut of the rule that scored it.

A scorer signing off a night re-reads the events whose call hangs on a cut: an apnea whose
airflow barely fell below the apnea threshold (a hypopnea otherwise), an obstructive apnea whose
effort was absent for most of it (central otherwise), a hypopnea whose flow fell just past 30 %
or whose only tie is a desaturation just past 3 points, an event a second longer than the 10 s
that make one. Each is measured the way the machine scorer measures it
(:mod:`sleeplm_core.scoring.respiratory`, :mod:`sleeplm_core.scoring.desaturation`), so a
margin here is the distance from the cut the machine applied; for a human-scored event it is
how the machine's measure reads that event.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sleeplm_core.io.recording import Event, Signal
from sleeplm_core.scoring.channels import resampled
from sleeplm_core.scoring.desaturation import DesaturationConfig, desaturation_depth
from sleeplm_core.scoring.respiratory import RespiratoryConfig, amplitude_ratio

APNEAS = ("obstructive_apnea", "central_apnea", "mixed_apnea")
"""Event types scored by the apnea rule."""


@dataclass(frozen=True)
class MarginConfig:
    """How near a cut, on either side, a measure must be to count as borderline (an event far on
    the wrong side of a cut, which a human scorer may have scored all the same, is not borderline).

    Attributes:
        seconds: an event lasting less than the rule's shortest plus this (s).
        flow_share: a median airflow ratio this close to the apnea or hypopnea cut (share of
            the baseline breaths: 0.05 = 5 points of %).
        absent_share: a share of an apnea with effort absent this close to the 80 % that makes
            it central.
        desat_points: a desaturation this close to the 3-point drop (percentage points).
        arousal_sec: a hypopnea's only arousal starting this close to the end of the window
            that ties it (s).
    """

    seconds: float = 1.5
    flow_share: float = 0.05
    absent_share: float = 0.1
    desat_points: float = 0.5
    arousal_sec: float = 2.0


@dataclass(frozen=True)
class RuleMargin:
    """One event near one cut.

    Attributes:
        event: the event.
        rule: which cut: "duration", "apnea_flow", "hypopnea_flow", "effort", "desaturation"
            (a desaturation event's own depth), "tie_desaturation" or "tie_arousal" (what ties
            a hypopnea).
        measured, cut, unit: the event's measure and the rule's cut, in ``unit`` ("s", "%" of
            the baseline breaths, "% of it" for effort, "points" of SpO2).
        otherwise: what the event would be on the other side of the cut ("not scored",
            "a hypopnea", "central", "obstructive").
        width: how far from the cut, in ``unit``, a measure still counts as borderline
            (:class:`MarginConfig`), so that events near different cuts can be ranked together.
    """

    event: Event
    rule: str
    measured: float
    cut: float
    unit: str
    otherwise: str
    width: float

    @property
    def closeness(self) -> float:
        """Distance from the cut as a share of the borderline window (0 = on the cut)."""
        return abs(self.measured - self.cut) / self.width

    @property
    def drops_event(self) -> bool:
        """Whether the other side of the cut would not score the event at all."""
        return self.otherwise == "not scored"


@dataclass(frozen=True)
class Breath:
    """The breathing channels the margins read (any may be None): airflow or the summed belts
    standing in for it, and the belts."""

    flow: Signal | None
    belts: tuple[Signal, ...] = ()


def _ratio(sig: Signal, config: RespiratoryConfig) -> np.ndarray:
    return amplitude_ratio(resampled(sig, config.rate_hz), config)


def _median_in(ratio: np.ndarray, event: Event, rate: float) -> float:
    seg = ratio[int(event.onset * rate): int(event.offset * rate)]
    return float(np.median(seg)) if len(seg) else float("nan")


def _effort_absent(belts: list[np.ndarray], event: Event, rate: float, config: RespiratoryConfig) -> float:
    """Share of the event with effort absent on the larger belt (the scorer's typing)."""
    lo, hi = int(event.onset * rate), int(event.offset * rate)
    parts = [b[lo:hi] for b in belts if hi <= len(b) and hi > lo]
    if not parts:
        return float("nan")
    return float(np.mean(np.max(parts, axis=0) <= config.effort_absent_ratio))


def _duration(e: Event, shortest: float, m: MarginConfig) -> list[RuleMargin]:
    if abs(e.duration - shortest) < m.seconds:
        return [RuleMargin(e, "duration", e.duration, shortest, "s", "not scored", m.seconds)]
    return []


def _apnea(e: Event, flow: np.ndarray | None, belts: list[np.ndarray], r: RespiratoryConfig,
           m: MarginConfig) -> list[RuleMargin]:
    out = []
    if flow is not None and abs((f := _median_in(flow, e, r.rate_hz)) - r.apnea_ratio) < m.flow_share:
        out.append(RuleMargin(e, "apnea_flow", 100 * f, 100 * r.apnea_ratio, "%", "a hypopnea", 100 * m.flow_share))
    absent = _effort_absent(belts, e, r.rate_hz, r)
    if np.isfinite(absent) and e.type != "mixed_apnea" and abs(absent - 0.8) < m.absent_share:
        other = "obstructive" if e.type == "central_apnea" else "central"
        out.append(RuleMargin(e, "effort", 100 * absent, 80.0, "% of it", other, 100 * m.absent_share))
    return out


def _hypopnea(e: Event, flow: np.ndarray | None, spo2: Signal | None, desaturations: list[Event],
              arousals: list[Event], r: RespiratoryConfig, d: DesaturationConfig,
              m: MarginConfig) -> list[RuleMargin]:
    out = []
    if flow is not None and abs((f := _median_in(flow, e, r.rate_hz)) - r.hypopnea_ratio) < m.flow_share:
        out.append(RuleMargin(e, "hypopnea_flow", 100 * f, 100 * r.hypopnea_ratio, "%", "not scored",
                              100 * m.flow_share))
    desats = [x for x in desaturations if e.onset <= x.onset <= e.offset + r.desat_after_sec]
    rousals = [x for x in arousals if e.onset <= x.onset <= e.offset + r.arousal_after_sec]
    if desats and not rousals and spo2 is not None:
        depth = max(desaturation_depth(spo2.data, spo2.sfreq, x.onset, x.duration, d) for x in desats)
        if np.isfinite(depth) and abs(depth - d.drop) < m.desat_points:
            out.append(RuleMargin(e, "tie_desaturation", depth, d.drop, "points", "not scored", m.desat_points))
    if rousals and not desats:
        late = min(x.onset for x in rousals) - e.offset
        if abs(late - r.arousal_after_sec) < m.arousal_sec:
            out.append(RuleMargin(e, "tie_arousal", late, r.arousal_after_sec, "s", "not scored", m.arousal_sec))
    return out


def rule_margins(events: list[Event], breath: Breath, spo2: Signal | None,
                 respiratory: RespiratoryConfig = RespiratoryConfig(),
                 desaturation: DesaturationConfig = DesaturationConfig(),
                 margins: MarginConfig = MarginConfig()) -> list[RuleMargin]:
    """Every cut that an apnea, hypopnea or desaturation of ``events`` lies near, in time order.

    Args:
        events: the night's events; the desaturations and arousals among them are what tie
            its hypopneas.
        breath: the airflow (or summed belts) and belts, as the machine scorer reads them.
        spo2: the SpO2 channel (%), for the depth of desaturations.
    """
    flow = _ratio(breath.flow, respiratory) if breath.flow is not None else None
    belts = [_ratio(b, respiratory) for b in breath.belts]
    desaturations = [e for e in events if e.type == "desaturation"]
    arousals = [e for e in events if e.type == "arousal"]
    out: list[RuleMargin] = []
    for e in sorted(events, key=lambda x: x.onset):
        if e.type in APNEAS:
            out += _duration(e, respiratory.min_sec, margins) + _apnea(e, flow, belts, respiratory, margins)
        elif e.type == "hypopnea":
            out += _duration(e, respiratory.min_sec, margins) + _hypopnea(
                e, flow, spo2, desaturations, arousals, respiratory, desaturation, margins)
        elif e.type == "desaturation" and spo2 is not None:
            out += _duration(e, desaturation.min_duration, margins)
            depth = desaturation_depth(spo2.data, spo2.sfreq, e.onset, e.duration, desaturation)
            if np.isfinite(depth) and abs(depth - desaturation.drop) < margins.desat_points:
                out.append(RuleMargin(e, "desaturation", depth, desaturation.drop, "points", "not scored",
                                      margins.desat_points))
    return out
