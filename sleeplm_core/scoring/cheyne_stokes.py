"""Cheyne-Stokes breathing read from scored respiratory events (AASM Manual 2.6).

The AASM scores Cheyne-Stokes breathing when both hold:

- three or more consecutive central apneas or central hypopneas, separated by a
  crescendo-decrescendo change in breathing amplitude, with a cycle length (one event's
  start to the next's) of at least 40 s;
- five or more such central events per hour of sleep, over at least 2 h of monitoring.

This module reads the event side of the rule: runs of central apneas with no other
breathing event between them and a cycle of 40 s or more. A cycle longer than
``max_cycle_sec`` (our rule: 2 min; the AASM sets no upper limit) ends a run, since events
that far apart are no longer one waxing and waning pattern. The crescendo-decrescendo shape
of the breathing between the events is not measured: a person checks it on the airflow.
"""

from __future__ import annotations

from dataclasses import dataclass

from sleeplm_core.io.recording import Event

BREATHING_TYPES: tuple[str, ...] = ("obstructive_apnea", "central_apnea", "mixed_apnea",
                                    "hypopnea")
"""Event types that interrupt a run of central events when they fall between two."""


@dataclass(frozen=True)
class CheyneStokesConfig:
    """The rule's numbers (seconds, counts, events per hour, hours).

    Attributes:
        min_events: consecutive central events a run needs.
        min_cycle_sec, max_cycle_sec: shortest (AASM) and longest (ours) cycle in a run.
        min_rate: central events in runs per hour of sleep the AASM asks for.
        min_hours: monitoring the AASM asks for.
    """

    min_events: int = 3
    min_cycle_sec: float = 40.0
    max_cycle_sec: float = 120.0
    min_rate: float = 5.0
    min_hours: float = 2.0


def central_runs(events: list[Event], config: CheyneStokesConfig = CheyneStokesConfig()
                 ) -> list[list[Event]]:
    """Runs of consecutive central apneas (no other breathing event between, each cycle
    within the config's limits), in time order."""
    breathing = sorted((e for e in events if e.type in BREATHING_TYPES), key=lambda e: e.onset)
    found: list[list[Event]] = []
    run: list[Event] = []
    for event in breathing:
        cycle = event.onset - run[-1].onset if run else 0.0
        if (event.type == "central_apnea" and run
                and config.min_cycle_sec <= cycle <= config.max_cycle_sec):
            run.append(event)
            continue
        if len(run) >= config.min_events:
            found.append(run)
        run = [event] if event.type == "central_apnea" else []
    if len(run) >= config.min_events:
        found.append(run)
    return found
