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
from sleeplm_core.scoring.respiratory import RespiratoryConfig


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
                         breath.source, channel, _machine_rule(night) if breath.source != "scored" else "")


def _machine_rule(night: LoadedNight) -> str:
    """The rule ``sleeplm_core.scoring.respiratory`` scored hypopneas by, with its own numbers,
    and whether its arousal half could apply on this night."""
    rules = RespiratoryConfig()
    arousals = unscored_reason(night, ("arousal",))
    half = (f" (this night's arousals could not be scored ({arousals}), so only the desaturation "
            f"half applied)" if arousals else "")
    return (f"AASM rule 1A: the airflow down by at least {100 * (1 - rules.hypopnea_ratio):.0f} % for "
            f"at least {rules.min_sec:g} s, with a ≥3 % desaturation starting within "
            f"{rules.desat_after_sec:g} s of its end or an arousal within {rules.arousal_after_sec:g} s"
            f"{half}")
