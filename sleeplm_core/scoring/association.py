"""What each arousal is tied to: a breathing event, a leg movement, or nothing (spontaneous);
and which events of one kind are tied to events of another ("hypopneas with a desaturation").

* Leg movement: the AASM rule (Scoring Manual 2.6, movement rules): an arousal and a leg
  movement are associated when less than :attr:`AssociationConfig.limb_gap_sec` separates
  the end of one from the onset of the other.
* Breathing event: the arousal starts during an apnea or hypopnea or within
  :attr:`AssociationConfig.respiratory_after_sec` of its end. The AASM names no interval
  here; 5 s is a common convention of scoring software, stated as such.

A respiratory tie wins over a leg-movement one, as arousal indices usually count them.
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


def tied_after_sec(kind: str, other: str, rule: RespiratoryConfig = RespiratoryConfig()) -> float:
    """Seconds after one event's end within which the other may start and still be tied to
    it: the respiratory scoring's windows of the AASM hypopnea rule, for a desaturation when
    either is one (the oximeter lags behind breathing), else for an arousal."""
    return rule.desat_after_sec if "desaturation" in (kind, other) else rule.arousal_after_sec


def tied_mask(spans: np.ndarray, others: np.ndarray, after_sec: float) -> np.ndarray:
    """Which of ``spans`` ([n, 2] onset/offset seconds) are tied to one of ``others`` ([m, 2]):
    either starts during the other or within ``after_sec`` seconds of its end. Either order
    counts: a desaturation follows its apnea, an apnea may start inside a long fall of SpO2.
    Returns a boolean array of length n."""
    spans, others = np.reshape(spans, (-1, 2)), np.reshape(others, (-1, 2))
    on, off = spans[:, :1], spans[:, 1:]
    other_on, other_off = others[:, 0], others[:, 1]
    other_first = (on >= other_on) & (on <= other_off + after_sec)
    span_first = (other_on >= on) & (other_on <= off + after_sec)
    return np.any(other_first | span_first, axis=1)
