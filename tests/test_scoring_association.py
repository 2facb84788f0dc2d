"""What an awakening is tied to (sleeplm_core.scoring.association.awakening_causes)."""

from __future__ import annotations

import numpy as np
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


def test_a_leg_movement_and_an_arousal_are_tied_by_the_aasm_half_second() -> None:
    """Leg movements "with an arousal" used the hypopnea rule's 10 s, so they disagreed with
    the arousals' causes, which read the AASM's 0.5 s."""
    from sleeplm_core.scoring.association import tied_after_sec, tied_mask

    assert tied_after_sec("limb_movement", "arousal") == tied_after_sec("arousal", "limb_movement") == 0.5
    assert tied_after_sec("hypopnea", "arousal") == 10.0
    legs = np.array([(100.0, 102.0), (200.0, 202.0)])
    arousals = np.array([(102.3, 110.0), (206.0, 214.0)])   # 0.3 s and 4 s after the movements
    assert tied_mask(legs, arousals, tied_after_sec("limb_movement", "arousal")).tolist() == [True, False]


def test_an_arousal_leads_into_an_awakening_when_it_starts_in_its_window() -> None:
    from sleeplm_core.scoring.association import arousals_into_awakenings
    arousals = [_event("arousal", t, 5.0) for t in (980.0, 990.0, 1029.0, 1030.0, 2000.0)]
    # the window of an awakening at 1000 s: from 15 s before its wake epoch to the epoch's end
    assert arousals_into_awakenings([1000.0], arousals, 30.0).tolist() == [
        False, True, True, False, False]
    assert arousals_into_awakenings([], arousals).tolist() == [False] * 5
    assert arousals_into_awakenings([1000.0], []).shape == (0,)


def test_a_desaturation_that_ended_before_a_hypopnea_is_not_its_own() -> None:
    """The tie read the window either way, so a desaturation ending 9 s before a hypopnea
    began counted as that hypopnea's (a hypopnea at 03:28:16 of the bundled night was shown
    with the fall of 03:27:49-03:28:07 "tied to it"); the machine scorer's own rule reads it
    after the event only. A leg movement and an arousal stay tied either way (AASM)."""
    from sleeplm_core.scoring.association import breathing_leads, tied_mask

    hypopnea = np.array([(100.0, 120.0)])
    desats = np.array([(75.0, 91.0), (110.0, 130.0), (140.0, 160.0), (155.0, 170.0)])
    # ended 9 s before it / overlapping / starting 20 s after its end / 35 s after
    assert tied_mask(desats, hypopnea, 30.0, spans_lead=False).tolist() == [False, True, True, False]
    assert tied_mask(hypopnea, desats[:1], 30.0, spans_lead=True).tolist() == [False]
    assert tied_mask(hypopnea, desats[2:3], 30.0, spans_lead=True).tolist() == [True]
    assert tied_mask(desats, hypopnea, 30.0).tolist() == [True, True, True, False]
    assert breathing_leads(("hypopnea",), ("desaturation",)) is True
    assert breathing_leads(("arousal",), ("obstructive_apnea", "hypopnea")) is False
    assert breathing_leads(("limb_movement",), ("arousal",)) is None
