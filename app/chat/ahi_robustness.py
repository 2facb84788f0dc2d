"""Execute step for "how reliable is the AHI?", "how sure are you of that number?" after the
AHI: the index re-read under each choice it rests on (the sleep it is divided by, as this
night's staging has it, as a second staging of the same night has it, or every hour recorded;
the oxygen rule a hypopnea must meet, and the events near a rule's cut), so that the spread shows
how far one figure holds."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from app.chat.borderline import borderline_events
from app.chat.events import unscored_reason
from app.chat.hypopnea_rules import hypopnea_rules
from app.chat.plan import Plan, source_name
from app.chat.results import AhiReading, AhiRobustness, HypopneaRules, Message, RuleMargins
from app.chat.sleep_breathing import sleep_breathing, spo2_channel
from app.night import LoadedNight
from sleeplm_core.heads.summary import APNEA_TYPES
from sleeplm_core.io.recording import EPOCH_SEC

MACHINE_BREATHING_CHECKED = (
    "The machine's respiratory rules against the true events of three unseen synthetic nights "
    "(docs/evaluation.md, seeds 2001-2003): by-event F1 0.90-0.96 for apneas and 0.85-0.90 for "
    "hypopneas. No real night here has its breathing scored by experts, so their accuracy on "
    "real breathing is not measured")
"""How far machine-scored apneas and hypopneas can be trusted, from the evaluation nights."""


def _second_staging(night: LoadedNight) -> tuple[np.ndarray, str] | None:
    """A staging of the night other than the one its indices use (the machine's beside a human
    scoring, the model's beside the machine's), None when there is none."""
    if night.scored() is not None:
        machine = night.machine_stages()
        return None if machine is None else (machine, night.machine.label())
    if night.machine_stages() is not None and night.predicted is not None:
        return night.predicted, "predicted"
    return None


def _other_sleep(night: LoadedNight, events: list, staging: tuple[np.ndarray, str]) -> AhiReading:
    """The AHI with sleep, and the events counted in it, as ``staging`` has them."""
    codes, source = staging
    asleep = [e for e in events if codes[night.epoch_at(e.onset)] > 0]
    hours = float(np.sum(codes > 0)) * EPOCH_SEC / 3600.0
    return AhiReading(f"sleep as the {source_name(source)} staging has it", len(asleep), hours)


def _rule_readings(plan: Plan, night: LoadedNight) -> list[AhiReading]:
    """The AHI with only the hypopneas tied to a desaturation of each AASM rule's depth, as
    :func:`~app.chat.hypopnea_rules.hypopnea_rules` counts them; none without a usable SpO2."""
    rules = hypopnea_rules(plan, night)
    if not isinstance(rules, HypopneaRules):
        return []
    return [AhiReading(f"hypopneas only with a ≥{drop:g} % desaturation"
                       + (" (AASM 1B, CMS)" if drop == 4 else " (AASM 1A without its arousals)"),
                       rules.apneas + n, rules.hours)
            for drop, n in rules.with_drop.items()]


def ahi_robustness(plan: Plan, night: LoadedNight) -> AhiRobustness | Message:
    """The night's AHI (REI on a home test) as reported, then re-read with each choice it rests
    on changed; refused when the breathing was not scored."""
    if why := unscored_reason(night, ("hypopnea",)):
        return Message("not_scored", "breathing", {"why": why, "cannot": "say how far an AHI holds"})
    breath = sleep_breathing(night)
    if breath.hours <= 0:
        return Message("empty_scope", "asleep in the machine or human staging")
    readings = [AhiReading("as reported", len(breath.breathing), breath.hours)]
    every = [e for e in breath.events if e.type in APNEA_TYPES]
    if breath.recorded and night.predicted is not None:
        # a home test's hours hold its wake too: per hour of the model's guessed sleep the
        # same events read higher, as an AHI would
        readings.append(_other_sleep(night, every, (night.predicted, "predicted")))
    if not breath.recorded:
        if (staging := _second_staging(night)) is not None:
            readings.append(_other_sleep(night, every, staging))
        readings.append(AhiReading("every hour recorded, wherever the events fall (as a home "
                                   "test's REI)", len(every), night.summary().tib_min / 60.0))
    readings += _rule_readings(plan, night)
    near = borderline_events(replace(plan, query=replace(plan.query, phenomenon=None)), night)
    if isinstance(near, RuleMargins) and near.dropped:
        readings.append(AhiReading(f"without the {near.dropped} that lie near a cut that would not score them "
                                   f"(*which events are borderline?*)", near.counted - near.dropped, near.hours))
    source = breath.source
    checked = MACHINE_BREATHING_CHECKED if source != "scored" else (
        "The events are the file's own scoring; the hypopnea rule its scorer used is not "
        "recorded in the file")
    if source != "scored" and spo2_channel(night)[2]:
        # the machine's hypopnea rule ties a desaturation or an arousal: without the oxygen,
        # only the arousal half could apply
        checked += (f". Without a usable SpO2 ({spo2_channel(night)[2]}) only hypopneas ending in an arousal could "
                    f"be scored, so this AHI is a lower bound: hypopneas that only lowered the oxygen are missing")
    return AhiRobustness(readings, breath.recorded, source, night.stages()[1], checked)
