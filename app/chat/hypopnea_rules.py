"""Execute step for "AHI 3 % vs 4 %?", "what would the AHI be with the 4 % rule?": the
night's apneas with its hypopneas as scored, and re-read under the AASM's two oxygen rules
(``sleeplm_core.scoring.hypopnea_rule``), each as an index per hour of sleep."""

from __future__ import annotations

from app.chat.events import unscored_reason
from app.chat.plan import Plan
from app.chat.results import HypopneaRules, Message
from app.chat.sleep_breathing import sleep_breathing, spo2_channel
from app.night import LoadedNight
from sleeplm_core.scoring.hypopnea_rule import RULE_DROPS, hypopneas_with_drop


def hypopnea_rules(plan: Plan, night: LoadedNight) -> HypopneaRules | Message:
    """The AHI with the hypopneas as scored and with those tied to a >= 3 % and a >= 4 %
    desaturation; refused without scored breathing or a usable SpO2 channel."""
    if why := unscored_reason(night, ("hypopnea",)):
        return Message("not_scored", "breathing", {"why": why})
    signal, channel, why = spo2_channel(night)
    breath = sleep_breathing(night)
    if signal is None or why:
        return Message("no_signal", "SpO2") if signal is None else Message("uncalibrated", why)
    hypopneas = [e for e in breath.breathing if e.type == "hypopnea"]
    apneas = len(breath.breathing) - len(hypopneas)
    desats = [e for e in breath.events if e.type == "desaturation"]
    counted = {drop: len(hypopneas_with_drop(hypopneas, desats, signal.data, signal.sfreq, drop))
               for drop in RULE_DROPS}
    return HypopneaRules(apneas, len(hypopneas), counted, breath.hours, breath.recorded,
                         breath.source, channel)
