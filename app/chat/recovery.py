"""Execute steps for "how long did SpO2 take to recover after the longest apnea?": the fall
and return of SpO2 around the item in focus, read from the SpO2 channel; and for "how fast
did the oxygen recover after the apneas?": the same around each such event of sleep."""

from __future__ import annotations

import numpy as np

from app.chat.phenomena import phenomenon
from app.chat.plan import Plan
from app.chat.results import Item, Message, SpO2Recoveries, SpO2Recovery
from app.chat.sleep_breathing import sleep_breathing, spo2_channel
from app.night import LoadedNight
from sleeplm_core.scoring.desaturation import ResaturationConfig, resaturation

RECOVERY = ResaturationConfig()
"""Where the nadir and the recovery are looked for (stated in the answer)."""


def spo2_recovery(plan: Plan, night: LoadedNight) -> SpO2Recovery | Message:
    """The SpO2 baseline before the item in focus, its nadir and when it came back; a night
    without a usable SpO2 channel is refused."""
    sig, _, _ = spo2_channel(night)
    if sig is None:
        return Message("no_signal", "SpO2")
    start, end = plan.where.span
    item = Item(start, end, plan.query.note or "event", "scored")
    found = resaturation(sig.data, sig.sfreq, start, end, RECOVERY)
    if found is None:
        return Message("no_valid_spo2", item.label)
    return SpO2Recovery(item, found, RECOVERY)


def spo2_recoveries(plan: Plan, night: LoadedNight) -> SpO2Recoveries | Message:
    """How long SpO2 took to come back after each event of the asked kind (desaturations when
    none is named) in sleep: nadir to recovery, over the night."""
    signal, _, why = spo2_channel(night)
    if signal is None or why:
        return Message("no_signal", "SpO2") if signal is None else Message("uncalibrated", why)
    phen = phenomenon(plan.query.phenomenon)
    types = phen.event_types if phen is not None and phen.event_types else ("desaturation",)
    breath = sleep_breathing(night)
    stages = night.stages()[0]
    events = [e for e in breath.events if e.type in types and plan.where.contains(night, e.onset)
              and (breath.recorded or stages[night.epoch_at(e.onset)] > 0)]
    found = [(e, r) for e in events
             if (r := resaturation(signal.data, signal.sfreq, e.onset, e.offset, RECOVERY)) is not None]
    times = np.array([r.recovered_at - r.nadir_at for _, r in found if r.recovered_at is not None])
    slowest = max(((e, r) for e, r in found if r.recovered_at is not None),
                  key=lambda er: er[1].recovered_at - er[1].nadir_at, default=None)
    name = phen.title.lower() if phen is not None and phen.event_types else "desaturation"
    return SpO2Recoveries(name, len(found), times.tolist(),
                          len(found) - len(times), slowest and Item(
                              slowest[0].onset, slowest[0].offset, name, breath.source),
                          slowest and slowest[1], RECOVERY, plan.where.text, breath.source,
                          [r.nadir_at - e.offset for e, r in found],
                          plan.query.rank == "lowest", plan.query.target or "")
