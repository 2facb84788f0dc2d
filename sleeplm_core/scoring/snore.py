"""Snoring loudness from a snore sensor (a piezo vibration sensor or a microphone).

No field library reads a PSG snore channel, and the AASM manual scores snoring only as an
option, without a loudness rule, so this is a measurement, not scoring:

* Vibration: a raw sensor (zero-mean) is high-passed at 10 Hz (at a quarter of its rate
  below 40 Hz), so breathing movement and drift do not count as sound. A sensor recorded as
  a loudness envelope (never below zero) is read as it is.
* Loudness: RMS over 0.5-s windows, in dB over the sensor's quiet level, the 25th percentile
  of those windows over the whole recording. Snores are inspiratory, so the expirations
  between them and the quiet of wake set that level, and no hypnogram is needed. (The 10th
  percentile sat below the noise on an 8-Hz sensor, whose 4-sample windows scatter, and
  read 31 % of a synthetic night's silent wake as snoring; the 25th, 2 %.)
* Per second: the loudest window within one breath cycle (5 s) around it, so a run of
  snores reads as one stretch instead of alternating with each expiration.

A stretch counts as snoring at :attr:`SnoreConfig.snoring_db` over the quiet level (10 dB is a
tenfold power), the app's reading of "snoring", not a validated threshold: it has only been
checked on synthetic nights, whose snore sensor is silent in wake and in apneas.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
from scipy.ndimage import maximum_filter1d
from scipy.signal import butter, sosfiltfilt

from sleeplm_core.io.recording import Signal

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SnoreConfig:
    """How snore loudness is read (times in seconds, levels in dB).

    Attributes:
        highpass_hz: cut-off below which a raw sensor's content is movement, not sound
            (a quarter of the rate when that is lower).
        window_sec: RMS window.
        quiet_pct: percentile of the windows' RMS taken as the quiet level.
        breath_sec: span around each second whose loudest window it takes.
        snoring_db: loudness over the quiet level read as snoring.
        envelope_negative_share: a channel with fewer samples below zero than this share
            is a loudness envelope already.
    """

    highpass_hz: float = 10.0
    window_sec: float = 0.5
    quiet_pct: float = 25.0
    breath_sec: float = 5.0
    snoring_db: float = 10.0
    envelope_negative_share: float = 0.01


@dataclass(frozen=True)
class SnoreLoudness:
    """Snore loudness once per second.

    Attributes:
        label: the channel read.
        times: start of each second, in seconds from the recording start.
        db: loudness in dB over the quiet level (NaN where the channel has no data).
        quiet_level: the quiet level, in the channel's unit (RMS).
        envelope: whether the channel was read as a loudness envelope.
    """

    label: str
    times: np.ndarray
    db: np.ndarray
    quiet_level: float
    envelope: bool


def snore_loudness(sig: Signal, config: SnoreConfig = SnoreConfig()) -> SnoreLoudness | None:
    """Loudness of a snore channel per second; None when the channel never rises above its
    floor (flat, or no data)."""
    x = np.asarray(sig.data, dtype=float)
    finite = np.isfinite(x)
    if not finite.any():
        return None
    envelope = bool(np.mean(x[finite] < 0) < config.envelope_negative_share)
    sound = _sound(np.where(finite, x, 0.0), sig.sfreq, envelope, config)
    per = max(1, int(round(config.window_sec * sig.sfreq)))
    n_win = len(x) // per
    rms = np.sqrt(np.mean(sound[:n_win * per].reshape(n_win, per) ** 2, axis=1))
    valid = finite[:n_win * per].reshape(n_win, per).all(axis=1)
    quiet = float(np.percentile(rms[valid], config.quiet_pct)) if valid.any() else 0.0
    if not quiet > 0.0 or not np.max(rms[valid]) > quiet:
        log.info("%s: no snore signal above its floor; snoring not read", sig.label)
        return None
    win_sec = per / sig.sfreq
    size = max(1, int(round(config.breath_sec / win_sec))) | 1  # odd, so centred
    loud = maximum_filter1d(np.where(valid, rms, 0.0), size=size, mode="nearest")
    db = np.where(valid, 20.0 * np.log10(np.maximum(loud, quiet * 1e-3) / quiet), -np.inf)
    # The loudest window starting in each second; a second without a valid window is NaN.
    n_sec = int(len(x) / sig.sfreq)
    seconds = np.full(n_sec, -np.inf)
    second_of = (np.arange(n_win) * win_sec).astype(int)
    keep = second_of < n_sec
    np.maximum.at(seconds, second_of[keep], db[keep])
    seconds[np.isneginf(seconds)] = np.nan
    return SnoreLoudness(sig.label, np.arange(n_sec, dtype=float), seconds, quiet, envelope)


def _sound(x: np.ndarray, sfreq: float, envelope: bool, config: SnoreConfig) -> np.ndarray:
    """What a window's RMS is taken of: the envelope itself, or the high-passed vibration."""
    if envelope:
        return x
    cut = min(config.highpass_hz, sfreq / 4.0)
    sos = butter(2, cut, btype="highpass", fs=sfreq, output="sos")
    return sosfiltfilt(sos, x - np.mean(x))
