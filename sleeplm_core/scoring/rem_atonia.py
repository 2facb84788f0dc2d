"""Chin muscle tone in REM sleep: REM sleep without atonia (AASM Manual 2.6).

The AASM scores a REM epoch as without atonia when it shows either

- sustained muscle activity: at least half of the epoch with a chin EMG amplitude above
  the minimum amplitude seen in NREM sleep; or
- excessive transient muscle activity: at least 5 of its 10 three-second mini-epochs hold a
  burst of 0.1-5 s at least four times the background EMG amplitude.

The manual leaves "amplitude", "minimum in NREM" and "background" to the scorer's eye; here
they are numbers (our operationalisation, stated so that a reader can weigh it):

- the amplitude is the rectified chin EMG, high-passed at 10 Hz, averaged over 0.1 s (µV);
- an epoch's level is the median of that amplitude (the level half of the epoch exceeds);
- the minimum in NREM is the 5th percentile of the NREM epochs' levels; where the stages are
  a machine's, only the NREM epochs it is sure of count, since true REM it staged N2 would
  pull that minimum down to REM's own tone and make atonic REM read as "without atonia";
- the background is the median of the REM epochs' levels (the night's REM tone).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.signal import butter, sosfiltfilt

from sleeplm_core.io.recording import EPOCH_SEC, STAGES, Signal
from sleeplm_core.scoring.intervals import moving_mean, runs

_MINI_SEC = 3.0


@dataclass(frozen=True)
class AtoniaConfig:
    """The rule's numbers (Hz, seconds, ratios, counts).

    Attributes:
        highpass_hz: the EMG's high-pass edge (skipped where the rate does not allow it).
        smooth_sec: the amplitude's averaging window.
        burst_ratio: a burst reaches this multiple of the background.
        burst_sec: shortest and longest burst.
        min_mini_epochs: mini-epochs with a burst that make an epoch transient.
        nrem_percentile: the percentile of NREM epoch levels taken as their minimum.
        min_rate_hz: slowest EMG read: a 0.1-s burst over a 10-Hz high-pass needs it
            (Sleep-EDF's 1-Hz submental channel is an envelope, not an EMG).
    """

    highpass_hz: float = 10.0
    smooth_sec: float = 0.1
    burst_ratio: float = 4.0
    burst_sec: tuple[float, float] = (0.1, 5.0)
    min_mini_epochs: int = 5
    nrem_percentile: float = 5.0
    min_rate_hz: float = 25.0


@dataclass(frozen=True)
class RemAtonia:
    """Chin tone in each REM epoch of a night.

    Attributes:
        epochs: indices of the REM epochs judged (those with EMG under them).
        sustained, transient: bool per judged epoch, each criterion met.
        phasic_share: share of the judged epochs' 3-s mini-epochs holding a burst.
        rem_level, nrem_level: median epoch level in REM (the background of the burst
            rule) and in NREM, µV.
        nrem_minimum: the sustained rule's reference, µV.
        source: the chin EMG's label.
        nrem_epochs: NREM epochs under the EMG.
        nrem_reference: how many of them the minimum was taken over (all unless the caller
            restricted them).
    """

    epochs: np.ndarray
    sustained: np.ndarray
    transient: np.ndarray
    phasic_share: float
    rem_level: float
    nrem_level: float
    nrem_minimum: float
    source: str
    nrem_epochs: int
    nrem_reference: int

    @property
    def without_atonia(self) -> np.ndarray:
        """bool per judged epoch: either criterion met."""
        return self.sustained | self.transient


def rem_atonia(emg: Signal, stages: np.ndarray, starts: np.ndarray,
               config: AtoniaConfig = AtoniaConfig(),
               reference: np.ndarray | None = None) -> RemAtonia | None:
    """Chin tone of every REM epoch (``stages``: codes per 30-s epoch starting at ``starts``
    seconds); None without REM or NREM epochs under the EMG.

    ``reference`` (bool per epoch) restricts the NREM epochs the sustained rule's minimum is
    taken over, e.g. to those a machine staging is sure of; all NREM epochs when None.
    """
    amp = _amplitude(emg, config)
    fs = emg.sfreq
    per_epoch = int(round(EPOCH_SEC * fs))
    first = np.round(np.asarray(starts) * fs).astype(int)
    inside = first + per_epoch <= len(amp)
    rem = np.flatnonzero(inside & (stages == STAGES.index("REM")))
    nrem = np.flatnonzero(inside & np.isin(stages, [STAGES.index(s) for s in ("N1", "N2", "N3")]))
    if not len(rem) or not len(nrem):
        return None
    levels = {i: float(np.median(amp[first[i]:first[i] + per_epoch])) for i in np.concatenate([rem, nrem])}
    nrem_levels = np.array([levels[i] for i in nrem])
    ref = nrem if reference is None else nrem[np.asarray(reference, dtype=bool)[nrem]]
    if not len(ref):
        return None
    nrem_minimum = float(np.percentile([levels[i] for i in ref], config.nrem_percentile))
    background = float(np.median([levels[i] for i in rem]))
    sustained = np.array([levels[i] > nrem_minimum for i in rem])
    phasic = np.array([_mini_bursts(amp[first[i]:first[i] + per_epoch], fs, background, config)
                       for i in rem])
    return RemAtonia(rem, sustained, phasic.sum(axis=1) >= config.min_mini_epochs,
                     float(phasic.mean()), background, float(np.median(nrem_levels)),
                     nrem_minimum, emg.label, len(nrem), len(ref))


def _amplitude(emg: Signal, config: AtoniaConfig) -> np.ndarray:
    """Rectified, high-passed EMG averaged over ``config.smooth_sec``, in the signal's unit."""
    x = np.nan_to_num(np.asarray(emg.data, dtype=float))
    if emg.sfreq > 2.5 * config.highpass_hz:
        x = sosfiltfilt(butter(4, config.highpass_hz, "highpass", fs=emg.sfreq, output="sos"), x)
    return moving_mean(np.abs(x), int(round(config.smooth_sec * emg.sfreq)))


def _mini_bursts(amp: np.ndarray, fs: float, background: float,
                 config: AtoniaConfig) -> np.ndarray:
    """bool per 3-s mini-epoch of one epoch: it holds a burst of the allowed length."""
    per_mini = int(round(_MINI_SEC * fs))
    out = np.zeros(int(EPOCH_SEC / _MINI_SEC), dtype=bool)
    lo, hi = (int(round(s * fs)) for s in config.burst_sec)
    for a, b in runs(amp > config.burst_ratio * background):
        if lo <= b - a <= hi:
            out[min(a // per_mini, len(out) - 1)] = True
    return out
