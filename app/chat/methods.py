"""Execute step for "which detector found the spindles?", "what threshold?", "how were the
apneas scored here?": who scored this night's events of a kind and, for the machine scorer,
the rule it applied with its numbers.

The numbers are read from :class:`~sleeplm_core.scoring.config.ScoringConfig`, the settings
the app machine-scores with, so the answer cannot drift from what ran.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from app.chat.events import events_for, unscored_reason
from app.chat.phenomena import phenomenon
from app.chat.plan import Plan
from app.chat.results import Message, ScoringMethod
from app.night import LoadedNight
from sleeplm_core.scoring.config import ScoringConfig


def _spindle(c: ScoringConfig) -> str:
    t = c.spindles.thresh
    lo, hi = c.spindles.freq_sp
    return (f"YASA's `spindles_detect` on one EEG lead, in {lo:g}-{hi:g} Hz, {c.spindles.duration[0]:g}-"
            f"{c.spindles.duration[1]:g} s long, where three measures pass together: relative sigma power ≥ "
            f"{t['rel_pow']:g} of 1-30 Hz, moving correlation with the sigma-filtered signal ≥ {t['corr']:g}, "
            f"moving RMS ≥ {t['rms']:g} SD above its mean (YASA's defaults are 0.2, 0.65 and 1.5; these were "
            f"tuned on the DREAMS spindle excerpts: by-event F1 0.38 leave-one-out, against 0.35 with the "
            f"defaults)")


def _slow_wave(c: ScoringConfig) -> str:
    s = c.slow_waves
    return (f"YASA's `sw_detect` on one EEG lead in N2 and N3: negative peak {s.amp_neg[0]:g}-{s.amp_neg[1]:g} µV, "
            f"peak to peak {s.amp_ptp[0]:g}-{s.amp_ptp[1]:g} µV, in 0.3-1.5 Hz (YASA's defaults)")


def _k_complex(c: ScoringConfig) -> str:
    return _slow_wave(c) + "; a K-complex is such a wave found in N2 alone (the AASM's own rule reads its shape by eye)"


def _rems(c: ScoringConfig) -> str:
    r = c.rems
    return (f"YASA's `rem_detect` on the two EOG leads in REM epochs only: a negative correlation of the two, "
            f"amplitude {r.amplitude[0]:g}-{r.amplitude[1]:g} µV, {r.duration[0]:g}-{r.duration[1]:g} s long")


def _breathing(c: ScoringConfig) -> str:
    r = c.respiratory
    return (f"the AASM 2.6 rules as this app implements them: the airflow's (else the belts') envelope against "
            f"its {r.baseline_pct:g}th percentile over the {r.baseline_sec:g} s before; an apnea where it stays at or "
            f"below {r.apnea_ratio:g} of that baseline, a hypopnea at or below {r.hypopnea_ratio:g} (a ≥ 30 % drop) "
            f"with a ≥ 3 % desaturation starting within {r.desat_after_sec:g} s of its end or an arousal within "
            f"{r.arousal_after_sec:g} s, each {r.min_sec:g}-{r.max_sec:g} s long; an apnea is typed by the belts' "
            f"effort against their own baseline: central when it stays under {r.effort_absent_ratio:g} through "
            f"80 % of the event, mixed when absent in its first third and back in its last, obstructive otherwise "
            f"(and without belts)")


def _desaturation(c: ScoringConfig) -> str:
    d = c.desaturation
    return (f"SpO2 falling ≥ {d.drop:g} percentage points below its highest value of the {d.baseline_sec:g} s "
            f"before, for {d.min_duration:g} s or more (values outside 50-100 % dropped first)")


def _arousal(c: ScoringConfig) -> str:
    a = c.arousals
    return (f"an abrupt shift of EEG frequency: alpha ({a.alpha_hz[0]:g}-{a.alpha_hz[1]:g} Hz) plus beta "
            f"({a.beta_hz[0]:g}-{a.beta_hz[1]:g} Hz) power at {a.ratio:g} times its median of the minute before, "
            f"{a.min_sec:g}-{a.max_sec:g} s long, after {a.stable_sec:g} s of sleep without one (the AASM's 3 s, "
            f"10 s of stable sleep)")


def _limb(c: ScoringConfig) -> str:
    m = c.limbs
    return (f"the AASM leg-movement rule on the tibialis EMG: its envelope {m.onset_uv:g} µV above the resting "
            f"level of the surrounding minute to start and back under {m.offset_uv:g} µV to end, "
            f"{m.min_sec:g}-{m.max_sec:g} s long; periodic in series of 4 or more, onsets 5-90 s apart")


_RULES: dict[str, Callable[[ScoringConfig], str]] = {
    "spindle": _spindle, "slow_wave": _slow_wave, "k_complex": _k_complex, "rapid_eye_movement": _rems,
    "obstructive_apnea": _breathing, "central_apnea": _breathing, "mixed_apnea": _breathing,
    "hypopnea": _breathing, "desaturation": _desaturation, "arousal": _arousal, "limb_movement": _limb,
}
"""The machine scorer's rule for each event type it scores, in words with its numbers."""


_SYNTHETIC_CHECK = "against the true events of three unseen synthetic nights (seeds 2001-2003, docs/evaluation.md)"
_CHECKED: dict[str, str] = {
    # stop 77's study (docs/evaluation.md): recall by overlap 0.44-0.96 over 13 synthetic nights
    # after the stable-sleep fix (0.87 on the eight held out), precision 0.82-0.98; stop 79: 0.17
    # (precision 1.00) on seed 13546, a random montage with one 200-Hz EEG
    "arousal": f"by-event F1 0.76-0.92 {_SYNTHETIC_CHECK}, and on 14 later synthetic nights it found "
               f"17-96 % of the true arousals (87 % on the eight it was not tuned on, 17 % on one with a single "
               f"200-Hz EEG and no occipital lead; the ones it found were 82-100 % right), missing most where the arousal's alpha is "
               f"faint, so a low count may be the "
               f"detector's; no real night here has arousals scored, so it is unchecked on real EEG",
    "limb_movement": f"by-event F1 1.00 {_SYNTHETIC_CHECK}; unchecked on a real leg EMG",
    "obstructive_apnea": f"apneas by-event F1 0.90-0.96, hypopneas 0.85-0.90, {_SYNTHETIC_CHECK}; no real night "
                         f"here has breathing events scored",
    "desaturation": f"by-event F1 0.95-0.97 {_SYNTHETIC_CHECK}",
    "spindle": f"by-event F1 0.69-0.72 {_SYNTHETIC_CHECK}, and 0.38 on the real DREAMS excerpts",
    "k_complex": "by-event F1 0.38 against the true K-complexes of four synthetic nights (seeds 9201-9204); no "
                 "real night here has K-complexes scored",
}
"""How well the machine scorer finds each event type, where it was checked; types that share a
rule share a line (the apnea kinds and hypopneas under the obstructive apnea's)."""
_CHECKED.update(dict.fromkeys(("central_apnea", "mixed_apnea", "hypopnea"), _CHECKED["obstructive_apnea"]))


def scoring_method(plan: Plan, night: LoadedNight, config: ScoringConfig = ScoringConfig()) -> ScoringMethod | Message:
    """Who scored the night's events of the question's kind, with the tool and lead of each
    machine-scored one and the rule its tool applied."""
    phen = phenomenon(plan.query.phenomenon)
    if phen is None or not phen.event_types:
        return Message("no_reference", "no_needs")
    if why := unscored_reason(night, phen.event_types):
        return Message("not_scored", phen.title, {"why": why, "cannot": "say how they were found"})
    events, source = events_for(night, phen.event_types)
    tools = Counter(e.source or "human-scored" for e in events if e.type in phen.event_types)
    rules = tuple(dict.fromkeys(_RULES[t](config) for t in phen.event_types if t in _RULES))
    if set(phen.event_types) & {"central_apnea", "obstructive_apnea", "mixed_apnea"}:
        rules += (_belts_here(night),)
    checked = tuple(dict.fromkeys(_CHECKED[t] for t in phen.event_types if t in _CHECKED))
    return ScoringMethod(phen.title, source, tuple(tools.items()), rules, checked)


def _belts_here(night: LoadedNight) -> str:
    """Which effort belts this recording holds, and what that leaves of an apnea's type."""
    held = {role: night.epochs.mapping.get(role) for role in ("THX", "ABD")}
    names = [label for label in held.values() if label]
    if len(names) == 2:
        return f"this recording's belts: {names[0]} and {names[1]}, so each apnea is typed by the larger of the two"
    if names:
        missing = "thoracic" if not held["THX"] else "abdominal"
        return (f"this recording has one belt, {names[0]} (no {missing} belt): each apnea is typed by it, which "
                f"shows effort absent or present as well, but not the two belts moving against each other "
                f"(paradox), a sign of obstruction a second belt would add")
    return "this recording has no effort belt, so every apnea is reported as obstructive: its type cannot be read"
