"""Execute step for "how long did SpO2 take to recover after the longest apnea?": the fall
and return of SpO2 around the item in focus, read from the SpO2 channel."""

from __future__ import annotations

from app.chat.plan import Plan
from app.chat.results import Item, Message, SpO2Recovery
from app.night import LoadedNight
from sleeplm_core.scoring.desaturation import ResaturationConfig, resaturation

RECOVERY = ResaturationConfig()
"""Where the nadir and the recovery are looked for (stated in the answer)."""


def spo2_recovery(plan: Plan, night: LoadedNight, aux_slot: str) -> SpO2Recovery | Message:
    """The SpO2 baseline before the item in focus, its nadir and when it came back.

    ``aux_slot`` is the montage's name for the SpO2 channel; a night without one is refused.
    """
    channel = night.epochs.aux_mapping.get(aux_slot)
    if not channel or channel not in night.recording.signals:
        return Message("no_signal", "SpO2")
    sig = night.recording.signals[channel]
    start, end = plan.where.span
    item = Item(start, end, plan.query.note or "event", "scored")
    found = resaturation(sig.data, sig.sfreq, start, end, RECOVERY)
    if found is None:
        return Message("no_valid_spo2", item.label)
    return SpO2Recovery(item, found, RECOVERY)
