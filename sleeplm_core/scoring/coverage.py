"""Which scored-event types a recording's channels can show at all.

The model reads every event type in every epoch, whatever the montage: on a night
whose airflow is sampled at 1 Hz (Sleep-EDF's SC recordings) it still returns a chance
of a hypopnea per time bin, and that chance means nothing. The machine scorer skips
such a part with one line (:mod:`sleeplm_core.scoring.night`); this module applies the
same channel limits (:class:`~sleeplm_core.scoring.config.ScoringConfig`) per event
type, so that what the model reads there can be left out too.
"""

from __future__ import annotations

from sleeplm_core.io.recording import Recording
from sleeplm_core.scoring.channels import Usability, eeg_labels, montage_slots, pick
from sleeplm_core.scoring.config import ScoringConfig

_BREATHING_TYPES = ("obstructive_apnea", "central_apnea", "mixed_apnea", "hypopnea")
_EEG_TYPES = ("arousal", "spindle", "k_complex")


def blind_types(rec: Recording, slots: dict[str, str] | None = None,
                config: ScoringConfig = ScoringConfig()) -> dict[str, str]:
    """Event type -> why ``rec`` cannot show it, for every type it cannot show.

    Args:
        rec: the recording.
        slots: montage slot -> channel label (an EpochSet's ``mapping`` and
            ``aux_mapping``); None maps the montage by the default aliases.
        config: the channel limits (sampling rate in Hz, spread in the channel's unit).
    """
    slots = montage_slots(rec, slots)
    blind: dict[str, str] = {}
    why = _unusable(rec, [slots[s] for s in ("AF", "THX", "ABD") if s in slots], config.breathing)
    if why:
        blind.update(dict.fromkeys(_BREATHING_TYPES, f"no usable airflow or effort belt ({why})"))
    why = _unusable(rec, [slots["SPO2"]] if "SPO2" in slots else [], config.spo2)
    if why:
        blind["desaturation"] = f"no usable SpO2 ({why})"
    why = _unusable(rec, eeg_labels(rec), config.staging.eeg)
    if why:
        blind.update(dict.fromkeys(_EEG_TYPES, f"no usable EEG ({why})"))
    why = _unusable(rec, [slots["EMG_LEG"]] if "EMG_LEG" in slots else [], config.leg_emg)
    if why:
        blind["limb_movement"] = f"no usable leg EMG ({why})"
    return blind


def requirements(config: ScoringConfig = ScoringConfig()) -> dict[str, str]:
    """Event type -> the channel the machine scorer needs to score it, in words with its limit
    (the same limits :func:`blind_types` applies)."""
    breathing = (f"an airflow channel (thermistor or nasal pressure) or an effort belt sampled at "
                 f"{config.breathing.min_rate_hz:g} Hz or more")
    eeg = f"an EEG channel sampled at {config.staging.eeg.min_rate_hz:g} Hz or more"
    return {**dict.fromkeys(_BREATHING_TYPES, breathing),
            "desaturation": f"a pulse-oximeter SpO2 channel sampled at {config.spo2.min_rate_hz:g} Hz or more",
            **dict.fromkeys(_EEG_TYPES, eeg),
            "limb_movement": f"a leg (tibialis) EMG channel sampled at {config.leg_emg.min_rate_hz:g} Hz or more"}


def _unusable(rec: Recording, labels: list[str], limits: Usability) -> str:
    """Why none of ``labels`` is usable ("no channel" when there are none), "" if one is."""
    signal, why = pick(rec, labels, limits)
    return "" if signal is not None else why
