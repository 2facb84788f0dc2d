"""What each arousal is tied to: a breathing event, a leg movement, or nothing (spontaneous).

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

from sleeplm_core.heads.summary import APNEA_TYPES
from sleeplm_core.io.recording import Event

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
