"""What each arousal is tied to: a breathing event, a leg movement, or nothing (spontaneous);
and which events of one kind are tied to events of another ("hypopneas with a desaturation").

* Leg movement: the AASM rule (Scoring Manual 2.6, movement rules): an arousal and a leg
  movement are associated when less than :attr:`AssociationConfig.limb_gap_sec` separates
  the end of one from the onset of the other.
* Breathing event: the arousal starts during an apnea or hypopnea or within
  :attr:`AssociationConfig.respiratory_after_sec` of its end. The AASM names no interval
  here; 5 s is a common convention of scoring software, stated as such.

A respiratory tie wins over a leg-movement one, as arousal indices usually count them.

An awakening is a wake epoch, scored on 30 s: the arousal that starts it may lie anywhere in
that epoch or just before it. So an awakening is tied to an event overlapping the window
from :attr:`AssociationConfig.awakening_lead_sec` before the wake epoch to its end, with the
same precedence (a convention of this module, stated in every answer that uses it).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sleeplm_core.heads.summary import APNEA_TYPES
from sleeplm_core.io.recording import Event
from sleeplm_core.scoring.respiratory import RespiratoryConfig

CAUSES: tuple[str, ...] = ("respiratory", "limb movement", "spontaneous")


@dataclass(frozen=True)
class AssociationConfig:
    """Association windows, seconds."""

    respiratory_after_sec: float = 5.0
    limb_gap_sec: float = 0.5
    awakening_lead_sec: float = 15.0


def arousal_causes(events: list[Event], config: AssociationConfig = AssociationConfig()
                   ) -> list[tuple[Event, str]]:
    """Each arousal in ``events`` with its cause (one of :data:`CAUSES`), in onset order."""
    breathing = [e for e in events if e.type in APNEA_TYPES]
    limbs = [e for e in events if e.type == "limb_movement"]
    out = []
    for a in sorted((e for e in events if e.type == "arousal"), key=lambda e: e.onset):
        if any(b.onset <= a.onset <= b.offset + config.respiratory_after_sec for b in breathing):
            cause = "respiratory"
        elif any(max(a.onset - m.offset, m.onset - a.offset) < config.limb_gap_sec for m in limbs):
            cause = "limb movement"
        else:
            cause = "spontaneous"
        out.append((a, cause))
    return out


def awakening_causes(onsets: list[float], events: list[Event], epoch_sec: float = 30.0,
                     config: AssociationConfig = AssociationConfig()) -> list[str]:
    """The cause (one of :data:`CAUSES`) of each awakening, given the start of its first wake
    epoch in seconds; "spontaneous" when no breathing event or leg movement overlaps its
    window."""
    breathing = [(e.onset, e.offset) for e in events if e.type in APNEA_TYPES]
    limbs = [(e.onset, e.offset) for e in events if e.type == "limb_movement"]
    out = []
    for t in onsets:
        lo, hi = t - config.awakening_lead_sec, t + epoch_sec
        if any(on < hi and off > lo for on, off in breathing):
            out.append("respiratory")
        elif any(on < hi and off > lo for on, off in limbs):
            out.append("limb movement")
        else:
            out.append("spontaneous")
    return out


def events_into_awakenings(onsets: list[float], spans: np.ndarray, epoch_sec: float = 30.0,
                           config: AssociationConfig = AssociationConfig()) -> np.ndarray:
    """Which events led into an awakening, given the start of each awakening's first wake
    epoch in seconds and the events' (onset, offset) in seconds (n, 2): the event overlaps
    that epoch or the :attr:`AssociationConfig.awakening_lead_sec` before it, the window in
    which :func:`awakening_causes` finds an awakening's cause. One boolean per event."""
    spans = np.asarray(spans, dtype=float).reshape(-1, 2)
    wake = np.asarray(onsets, dtype=float)
    if not len(spans) or not len(wake):
        return np.zeros(len(spans), dtype=bool)
    lo, hi = wake - config.awakening_lead_sec, wake + epoch_sec
    return np.any((spans[:, :1] < hi) & (spans[:, 1:] > lo), axis=1)


def arousals_into_awakenings(onsets: list[float], arousals: list[Event], epoch_sec: float = 30.0,
                             config: AssociationConfig = AssociationConfig()) -> np.ndarray:
    """Which ``arousals`` led into an awakening, given the start of each awakening's first
    wake epoch in seconds: the arousal starts in that epoch or in the
    :attr:`AssociationConfig.awakening_lead_sec` before it (the window that ties an awakening
    to its cause in :func:`awakening_causes`). Returns a boolean array, one per arousal."""
    starts = np.array([a.onset for a in arousals], dtype=float)
    wake = np.asarray(onsets, dtype=float)
    if not len(starts) or not len(wake):
        return np.zeros(len(starts), dtype=bool)
    lo, hi = wake - config.awakening_lead_sec, wake + epoch_sec
    return np.any((starts[:, None] >= lo) & (starts[:, None] < hi), axis=1)


def tied_after_sec(kind: str, other: str, rule: RespiratoryConfig = RespiratoryConfig(),
                   config: AssociationConfig = AssociationConfig()) -> float:
    """Seconds after one event's end within which the other may start and still be tied to
    it: the AASM's leg-movement rules, between a leg movement and an arousal or a breathing
    event, 0.5 s either way (:attr:`AssociationConfig.limb_gap_sec`, as :func:`arousal_causes`
    reads it; a leg movement within 0.5 s of a breathing event is not scored as periodic); else
    the respiratory scoring's windows of the AASM hypopnea rule, for a desaturation when either
    is one (the oximeter lags behind breathing), otherwise for an arousal."""
    if "limb_movement" in (kind, other) and "desaturation" not in (kind, other):
        return config.limb_gap_sec
    return rule.desat_after_sec if "desaturation" in (kind, other) else rule.arousal_after_sec


def breathing_leads(kinds: tuple[str, ...], others: tuple[str, ...]) -> bool | None:
    """Which of two sets of event types comes first when they are tied: True when ``kinds``
    are breathing events (:data:`APNEA_TYPES`) and ``others`` the desaturations or arousals
    they cause, False the other way round, None when either may come first (a leg movement
    and an arousal: the AASM's rule reads the gap either way)."""
    follows = {"desaturation", "arousal"}
    if set(kinds) <= set(APNEA_TYPES) and set(others) <= follows:
        return True
    if set(others) <= set(APNEA_TYPES) and set(kinds) <= follows:
        return False
    return None


def tied_mask(spans: np.ndarray, others: np.ndarray, after_sec: float,
              spans_lead: bool | None = None) -> np.ndarray:
    """Which of ``spans`` ([n, 2] onset/offset seconds) are tied to one of ``others`` ([m, 2]):
    the two overlap (an apnea may start inside a long fall of SpO2), or the one that follows
    starts within ``after_sec`` seconds of the end of the one that leads. ``spans_lead`` says
    which leads (:func:`breathing_leads`): a desaturation follows its hypopnea, so one that
    ended before the hypopnea began is another event's; None lets either lead.
    Returns a boolean array of length n."""
    spans, others = np.reshape(spans, (-1, 2)), np.reshape(others, (-1, 2))
    on, off = spans[:, :1], spans[:, 1:]
    other_on, other_off = others[:, 0], others[:, 1]
    tied = (on <= other_off) & (other_on <= off)
    if spans_lead is not False:
        tied |= (other_on > off) & (other_on <= off + after_sec)
    if spans_lead is not True:
        tied |= (on > other_off) & (on <= other_off + after_sec)
    return np.any(tied, axis=1)