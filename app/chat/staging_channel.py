"""Execute step for "which EEG channel is best for staging?": the file's EEG leads in the
order the machine staging reads them (central first, as YASA's classifier was trained on
central leads; then frontal, parietal and occipital), whether each is usable, and the one the
staging used."""

from __future__ import annotations

from app.chat.plan import Plan
from app.chat.results import Message, StagingChannel
from app.night import LoadedNight
from sleeplm_core.scoring.channels import eeg_labels, unusable
from sleeplm_core.scoring.staging import StagingConfig


def staging_channel(plan: Plan, night: LoadedNight) -> StagingChannel | Message:
    """The night's EEG leads, most preferred for staging first, and the one used."""
    rec = night.recording
    labels = eeg_labels(rec)
    if not labels:
        return Message("no_signal", "EEG")
    limits = StagingConfig().eeg
    leads = tuple((label, unusable(rec.signals[label], limits) or "") for label in labels)
    used = night.machine.stage_source if night.machine is not None and night.machine.has_stages else ""
    return StagingChannel(leads, used)
