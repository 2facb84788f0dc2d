"""Sleep stages from YASA's ``SleepStaging`` (LightGBM trained on thousands of PSG nights).

The EEG is the first usable channel in :data:`~sleeplm_core.scoring.channels.EEG_PREFERENCE`;
EOG and chin EMG are added when the montage maps them at a usable rate (a 1-Hz EMG
envelope, as in Sleep-EDF, is not an EMG signal). Every channel is resampled to
100 Hz first: YASA refuses rates below 80 Hz, and 100 Hz is the rate it resamples
to anyway, so a 50- or 64-Hz night is staged rather than refused.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass

import mne
import numpy as np

from sleeplm_core.io.recording import EPOCH_SEC, STAGES, Recording, Signal
from sleeplm_core.io.stages import sleep_window
from sleeplm_core.scoring.antropy_cache import import_antropy
from sleeplm_core.scoring.channels import Usability, eeg_labels, pick, resampled

log = logging.getLogger(__name__)

YASA_RATE_HZ = 100.0
"""Rate every staging channel is brought to (YASA's own working rate)."""

_YASA_TO_STAGE = {"WAKE": "W", "N1": "N1", "N2": "N2", "N3": "N3", "REM": "REM"}


@dataclass(frozen=True)
class StagingConfig:
    """Which channels YASA may stage from.

    Attributes:
        eeg: limits for the EEG (Hz, µV); 40 Hz keeps sigma (12-16 Hz) below Nyquist.
        eog, emg: limits for the optional EOG and chin EMG.
        pad_min: wake kept either side of the main sleep period when it is re-staged, min.
        restage_min: the recording must exceed the padded sleep period by this many
            minutes for the period to be re-staged on its own.
    """

    eeg: Usability = Usability(min_rate_hz=40.0, min_spread=2.0)
    eog: Usability = Usability(min_rate_hz=40.0, min_spread=2.0)
    emg: Usability = Usability(min_rate_hz=40.0, min_spread=0.5)
    pad_min: float = 60.0
    restage_min: float = 120.0


@dataclass(frozen=True)
class Staged:
    """Stages from one staging run.

    Attributes:
        codes: int8 code per 30-s epoch from the recording start (index into STAGES).
        proba: (n_epochs, 5) probabilities in STAGES order.
        source: tool, version and channels.
    """

    codes: np.ndarray
    proba: np.ndarray
    source: str


def stage_channels(rec: Recording, slots: dict[str, str],
                   config: StagingConfig) -> tuple[dict[str, Signal], str]:
    """{"eeg": ..., "eog": ..., "emg": ...} signals YASA will read, and why EEG is missing ("" if present)."""
    eeg, why = pick(rec, eeg_labels(rec), config.eeg)
    if eeg is None:
        return {}, f"no usable EEG ({why})" if why != "no channel" else "no EEG"
    chosen = {"eeg": eeg}
    for role, names, limits in (("eog", ("EOG_L", "EOG_R"), config.eog),
                                ("emg", ("EMG_CHIN",), config.emg)):
        sig, _ = pick(rec, [slots[n] for n in names if n in slots and slots[n] != eeg.label], limits)
        if sig is not None:
            chosen[role] = sig
    return chosen, ""


def named(role: str, label: str) -> str:
    """``label`` with its signal type in front unless it already says it ("EEG C3-M2", "EOG horizontal")."""
    return label if role.lower() in label.lower() else f"{role.upper()} {label}"


def _predict(rows: list[np.ndarray], chosen: dict[str, Signal]) -> tuple[np.ndarray, np.ndarray]:
    """YASA's stage codes and (n, 5) probabilities for equal-length 100-Hz rows (µV)."""
    import yasa  # on first use: importing it costs the app's cold start 1 s

    import_antropy()  # YASA's features need it; this import caches its compiled kernels
    info = mne.create_info([sig.label for sig in chosen.values()], YASA_RATE_HZ, ch_types="eeg")
    # MNE holds volts; the recording holds µV.
    raw = mne.io.RawArray(np.asarray(rows) * 1e-6, info, verbose="error")
    staging = yasa.SleepStaging(raw, eeg_name=chosen["eeg"].label,
                                eog_name=chosen["eog"].label if "eog" in chosen else None,
                                emg_name=chosen["emg"].label if "emg" in chosen else None)
    with warnings.catch_warnings():
        # YASA's shipped classifier was pickled with an older scikit-learn; YASA tests it as is.
        warnings.filterwarnings("ignore", category=UserWarning, module="sklearn")
        hypno = staging.predict()
    codes = np.array([STAGES.index(_YASA_TO_STAGE[str(lab)]) for lab in hypno.hypno.to_numpy()],
                     dtype=np.int8)
    ordered = hypno.proba[[name for name, _ in sorted(_YASA_TO_STAGE.items(),
                                                      key=lambda kv: STAGES.index(kv[1]))]]
    return codes, np.array(ordered, dtype=float)


def yasa_staging(chosen: dict[str, Signal], config: StagingConfig = StagingConfig()) -> Staged:
    """Run ``yasa.SleepStaging`` on the chosen signals (µV), each resampled to 100 Hz.

    YASA z-scores its features over the whole recording, which assumes a night in
    bed: hours of wake before lights off or after lights on (a 22-h Sleep-EDF file)
    shift them. When the first pass finds a sleep period that much shorter than the
    recording, that period (padded) is staged again on its own; outside it the
    first pass stands.
    """
    import yasa  # on first use: importing it costs the app's cold start 1 s
    rows = [resampled(sig, YASA_RATE_HZ) for sig in chosen.values()]
    n = min(len(r) for r in rows)
    rows = [r[:n] for r in rows]
    codes, proba = _predict(rows, chosen)
    period = sleep_window(codes, config.pad_min, main_period=True)
    if len(codes) - (period.stop - period.start) >= config.restage_min * 60 / EPOCH_SEC:
        per_epoch = int(EPOCH_SEC * YASA_RATE_HZ)
        inner = [r[period.start * per_epoch: period.stop * per_epoch] for r in rows]
        codes_in, proba_in = _predict(inner, chosen)
        codes[period.start: period.start + len(codes_in)] = codes_in
        proba[period.start: period.start + len(codes_in)] = proba_in
        log.info("re-staged the sleep period, epochs %d-%d", period.start, period.stop)
    source = f"YASA {yasa.__version__} SleepStaging, " + " + ".join(
        named(role, sig.label) for role, sig in chosen.items())
    log.info("staged %d epochs of %g s with %s", len(codes), EPOCH_SEC, source)
    return Staged(codes, proba, source)
