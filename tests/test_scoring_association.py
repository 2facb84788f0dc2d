"""What an awakening is tied to (sleeplm_core.scoring.association.awakening_causes)."""

from __future__ import annotations

import pytest

from sleeplm_core.io.recording import Event
from sleeplm_core.scoring.association import AssociationConfig, awakening_causes


def _event(kind: str, onset: float, duration: float) -> Event:
    return Event(onset, duration, kind)


@pytest.mark.parametrize(("events", "cause"), [
    # an apnea ending 10 s before the wake epoch: inside the 15-s lead
    ([_event("obstructive_apnea", 970.0, 20.0)], "respiratory"),
    # one ending 20 s before it: outside
    ([_event("obstructive_apnea", 960.0, 20.0)], "spontaneous"),
    # a hypopnea starting in the wake epoch
    ([_event("hypopnea", 1020.0, 15.0)], "respiratory"),
    # a leg movement 5 s before it, and one after the epoch
    ([_event("limb_movement", 993.0, 2.0)], "limb movement"),
    ([_event("limb_movement", 1031.0, 2.0)], "spontaneous"),
    # both: breathing first, as arousal indices count them
    ([_event("limb_movement", 995.0, 2.0), _event("central_apnea", 985.0, 20.0)], "respiratory"),
    # a desaturation alone is no cause
    ([_event("desaturation", 990.0, 20.0)], "spontaneous"),
])
def test_an_awakening_is_tied_to_what_overlaps_its_window(events, cause) -> None:
    assert awakening_causes([1000.0], events, 30.0) == [cause]


def test_the_lead_is_a_setting() -> None:
    apnea = [_event("mixed_apnea", 960.0, 20.0)]
    assert awakening_causes([1000.0], apnea, 30.0, AssociationConfig(awakening_lead_sec=25.0)) == [
        "respiratory"]
