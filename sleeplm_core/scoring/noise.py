"""How noisy one electrophysiological channel is over a night.

Two readings a technician looks for when asking which lead is worst:

- **artefact windows**: the standard-deviation rule of YASA's artefact detector
  (``yasa.art_detect``, method ``"std"``) on 5-s windows, stage by stage when the night is
  staged, so that N3's large slow waves are not taken for artefact: a window is rejected when
  its log standard deviation lies over 3 SD from the channel's own windows of that stage. The
  centre and spread are the median and the scaled median absolute deviation here, where YASA
  takes the mean and SD: with those, a lead whose artefacts fill a tenth of its windows widens
  its own SD and hides half of them (measured: 3.5 % of windows found of 8.3 % written in);
- **mains hum**: the power within 1 Hz of 50 Hz and of 60 Hz against the power 2-5 Hz either
  side of it (dB), where the sampling rate reaches that far.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.signal import welch

from sleeplm_core.io.recording import EPOCH_SEC, Signal

MIN_WINDOWS = 20
"""Windows a stage needs for its own centre and spread; fewer are judged against the night."""
MIN_SPREAD_LOG10 = 0.1
"""Least spread of the windows' log10 SD: a lead as steady as an ECG would otherwise flag
windows a fifth louder than its median, so 3 spreads are at least a factor of two."""


@dataclass(frozen=True)
class NoiseConfig:
    """Settings of :func:`channel_noise`.

    Attributes:
        window_sec: artefact window length (s), YASA's default.
        threshold: log-SD z-score beyond which a window is an artefact, YASA's default.
        mains_hz: the mains frequencies looked at (Hz).
        hum_db: hum (dB over its neighbourhood) read as mains interference.
    """

    window_sec: float = 5.0
    threshold: float = 3.0
    mains_hz: tuple[float, ...] = (50.0, 60.0)
    hum_db: float = 10.0


@dataclass(frozen=True)
class ChannelNoise:
    """One channel's noise readings.

    Attributes:
        label: the channel's label in the file.
        artefact_share: share of 5-s windows rejected as artefact (0-1).
        windows: windows read.
        hum_db: the strongest mains line over its neighbourhood (dB), None where the
            sampling rate cannot show 50 Hz.
        hum_hz: that line's frequency (Hz), None likewise.
    """

    label: str
    artefact_share: float
    windows: int
    hum_db: float | None
    hum_hz: float | None


def channel_noise(signal: Signal, stages: np.ndarray | None, stage_start: float = 0.0,
                  config: NoiseConfig = NoiseConfig()) -> ChannelNoise:
    """The artefact share and mains hum of ``signal`` (µV or any unit: both are relative).

    Args:
        signal: the channel.
        stages: one stage code per 30-s epoch (W 0 ... REM 4, -1 unknown), None when the
            night is not staged: the windows are then judged against the whole night.
        stage_start: time of the first epoch of ``stages`` (s from the recording start).
        config: the settings.
    """
    x = np.nan_to_num(np.asarray(signal.data, dtype=float))
    hypno = _sample_stages(stages, stage_start, len(x), signal.sfreq) if stages is not None else None
    flags = _artefacts(x, signal.sfreq, hypno, config)
    hum_db, hum_hz = _hum(x, signal.sfreq, config)
    return ChannelNoise(signal.label, float(flags.mean()) if len(flags) else 0.0, len(flags), hum_db, hum_hz)


def _sample_stages(stages: np.ndarray, start: float, n: int, sfreq: float) -> np.ndarray:
    """The stage of every sample, -2 (YASA's "unscored") outside the scored epochs."""
    out = np.full(n, -2, dtype=int)
    for i, code in enumerate(stages):
        lo = int(round((start + i * EPOCH_SEC) * sfreq))
        if lo >= n:
            break
        out[max(lo, 0):min(lo + int(round(EPOCH_SEC * sfreq)), n)] = code if code >= 0 else -2
    return out


def _artefacts(x: np.ndarray, sfreq: float, hypno: np.ndarray | None, config: NoiseConfig) -> np.ndarray:
    """One bool per 5-s window judged, True where its log SD is an outlier among the windows of
    its stage (of the whole night when unstaged, or for a stage of too few windows); windows
    of unscored samples are not judged on a staged night."""
    step = int(round(config.window_sec * sfreq))
    n = len(x) // step
    if n == 0:
        return np.zeros(0, dtype=bool)
    log_sd = np.log10(np.maximum(x[:n * step].reshape(n, step).std(axis=1), 1e-9))
    groups = hypno[::step][:n] if hypno is not None else np.zeros(n, dtype=int)
    flags = np.zeros(n, dtype=bool)
    for code in np.unique(groups[groups >= 0]):
        inside = groups == code
        pool = inside if inside.sum() >= MIN_WINDOWS else groups >= 0
        flags[inside] = np.abs(_robust_z(log_sd[inside], log_sd[pool])) > config.threshold
    return flags[groups >= 0]


def _robust_z(values: np.ndarray, pool: np.ndarray) -> np.ndarray:
    """``values`` as z-scores against the median and scaled MAD of ``pool``."""
    centre = np.median(pool)
    spread = max(1.4826 * float(np.median(np.abs(pool - centre))), MIN_SPREAD_LOG10)
    return (values - centre) / spread


def _hum(x: np.ndarray, sfreq: float, config: NoiseConfig) -> tuple[float | None, float | None]:
    """(dB, Hz) of the strongest mains line against its neighbourhood; (None, None) where
    the Nyquist frequency is under any line's neighbourhood."""
    lines = [f for f in config.mains_hz if f + 5 < sfreq / 2]
    if not lines or len(x) < 4 * sfreq:
        return None, None
    freqs, power = welch(x, fs=sfreq, nperseg=int(4 * sfreq))
    best: tuple[float, float] | None = None
    for f in lines:
        peak = power[np.abs(freqs - f) <= 1].mean()
        around = power[(np.abs(freqs - f) >= 2) & (np.abs(freqs - f) <= 5)].mean()
        db = 10 * np.log10(peak / around) if around > 0 and peak > 0 else 0.0
        if best is None or db > best[0]:
            best = (float(db), f)
    return best if best is not None else (None, None)
