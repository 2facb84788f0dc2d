"""Execute step for "what channel shows it best?" after a K-complex, a spindle or slow waves:
each EEG lead's peak-to-peak amplitude of the event in focus (or of the night's first events of
its kind), the largest first, beside where the AASM reads it.

An EEG burst shows best where it is largest, and which lead that is depends on the montage:
K-complexes and slow waves are frontal maxima and spindles central, so a file with only
Fpz-Cz and Pz-Oz (Sleep-EDF) shows them differently from one with F4, C4 and O2.
"""

from __future__ import annotations

import numpy as np

from app.chat.events import events_for
from app.chat.phenomena import phenomenon
from app.chat.plan import Plan
from app.chat.results import BestLead, Message
from app.night import LoadedNight
from sleeplm_core.features.brain import K_COMPLEX_BAND_HZ, SLOW_WAVE_BAND_HZ, SPINDLE_BAND_HZ, burst_amplitude
from sleeplm_core.scoring.channels import eeg_labels

MAX_EVENTS = 50
"""Events measured at most on each lead when none is in focus (the night's first of the kind)."""

_BANDS = {"spindle": SPINDLE_BAND_HZ, "k_complex": K_COMPLEX_BAND_HZ, "slow_waves": SLOW_WAVE_BAND_HZ}
"""The band each burst's amplitude is read in, by phenomenon key."""
_WHERE_READ = {
    "spindle": "central leads (C3/C4), where spindles are largest",
    "k_complex": "frontal leads (F3/F4), where K-complexes are largest; central ones show them too",
    "slow_waves": "frontal leads (F3/F4), where slow waves are largest, which the N3 rule reads",
}
"""Where the AASM manual recommends reading each burst, in words."""


def best_lead(plan: Plan, night: LoadedNight) -> BestLead | Message:
    """Each EEG lead's mean peak-to-peak amplitude (µV) of the events of the question's kind in
    its scope (the event in focus), the largest first."""
    phen = phenomenon(plan.query.phenomenon)
    if phen is None or phen.key not in _BANDS:
        return Message("no_reference", "no_lead_kind")
    events, _ = events_for(night, phen.event_types)
    lo, hi = plan.where.span
    chosen = [e for e in events if e.type in phen.event_types and e.onset < hi and e.offset > lo][:MAX_EVENTS]
    if not chosen:
        return Message("no_reference", "no_lead_kind")
    band = _BANDS[phen.key]
    leads = [(label, _mean_amplitude(night, label, chosen, band)) for label in eeg_labels(night.recording)
             if night.recording.signals[label].sfreq > 2 * band[1]]
    ranked = tuple(sorted(((label, v) for label, v in leads if v is not None), key=lambda kv: -kv[1]))
    return BestLead(phen.title, len(chosen), plan.query.scope.time is not None, ranked, _WHERE_READ[phen.key],
                    sorted({e.source for e in chosen if e.source}))


def _mean_amplitude(night: LoadedNight, label: str, events: list, band: tuple[float, float]) -> float | None:
    values = [v for e in events if (v := night.burst(burst_amplitude, label, e.onset, e.offset, band)) is not None]
    return float(np.mean(values)) if values else None
