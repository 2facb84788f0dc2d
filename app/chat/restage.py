"""Execute step for "stage it using Pz-Oz", "can you restage with the other EEG channel?": YASA's
staging run again on another EEG lead of the file (the same EOG and chin EMG beside it), set
against the staging the app uses, epoch by epoch, and against a human scoring when there is one.
The app keeps its own lead: YASA's classifier was trained on central leads, which it prefers."""

from __future__ import annotations

import re

import numpy as np

from app.chat.agreement import paired_kappa
from app.chat.plan import Plan
from app.chat.results import Message, Restaged
from app.night import LoadedNight
from sleeplm_core.io.recording import EPOCH_SEC, STAGES
from sleeplm_core.scoring.channels import eeg_labels, unusable
from sleeplm_core.scoring.staging import StagingConfig, stage_channels, yasa_staging

OTHER_LEAD = "other"
"""The lead a question names as "the other EEG channel": the first usable one not in use."""


def _squeezed(words: str) -> str:
    return re.sub(r"[^a-z0-9]", "", words.lower())


def _lead(asked: str, labels: list[str], used: str, night: LoadedNight) -> str | None:
    """The file's EEG label the question names ("Pz-Oz", "pzoz", "the other"), None if none."""
    limits = StagingConfig().eeg
    usable = [label for label in labels if not unusable(night.recording.signals[label], limits)]
    if _squeezed(asked) == OTHER_LEAD:
        return next((label for label in usable if label != used), None)
    wanted = _squeezed(asked.removeprefix("EEG ").removeprefix("eeg "))
    return next((label for label in labels if wanted and wanted in _squeezed(label)), None)


def _minutes(codes: np.ndarray) -> dict[str, float]:
    return {s: float(np.sum(codes == i)) * EPOCH_SEC / 60 for i, s in enumerate(STAGES)}


def restage(plan: Plan, night: LoadedNight) -> Restaged | Message:
    """The night staged on the lead asked for, against the staging in use."""
    rec = night.recording
    config = StagingConfig()
    chosen, why = stage_channels(rec, night.epochs.slots, config)
    if not chosen or night.machine is None or not night.machine.has_stages:
        return Message("no_signal", f"an EEG the staging can read ({why or 'none staged'})")
    used, labels = chosen["eeg"].label, eeg_labels(rec)
    lead = _lead(plan.query.target or OTHER_LEAD, labels, used, night)
    if lead is None and labels:
        asked = plan.query.target or OTHER_LEAD
        return Message("no_lead", f"other than {used}" if _squeezed(asked) == OTHER_LEAD else f"“{asked}”",
                       {"leads": ", ".join(labels)})
    if lead is None:
        return Message("no_signal", "EEG")
    if lead == used:
        return Restaged(lead, used, None, 0, 0, {}, {}, None, None, "")
    if reason := unusable(rec.signals[lead], config.eeg):
        return Message("no_signal", f"a usable {lead} ({reason})")
    staged = yasa_staging({**chosen, "eeg": rec.signals[lead]}, config)
    starts = night.epochs.starts
    before = night.machine.stages_at(starts)
    index = np.floor(np.asarray(starts) / EPOCH_SEC).astype(int)
    after = np.where((index >= 0) & (index < len(staged.codes)), staged.codes[np.clip(index, 0, len(staged.codes) - 1)], -1)
    both = (before >= 0) & (after >= 0)
    kappa, epochs = paired_kappa(before, after)
    human = night.scored()
    return Restaged(lead, used, kappa, int(np.sum(both & (before != after))), epochs,
                    _minutes(before[both]), _minutes(after[both]),
                    None if human is None else paired_kappa(human, before)[0],
                    None if human is None else paired_kappa(human, after)[0], staged.source)
