"""Body temperature from a temperature channel (Sleep-EDF's rectal probe, a skin sensor).

Core temperature falls by a few tenths of a degree in sleep and reaches its nadir in the
second half of the night; a probe that slips or leaves the body reads the room instead,
in drops of one or two degrees over minutes. Only the first is the sleeper's, so samples
outside :data:`TEMP_RANGE_C`, or more than :data:`PROBE_SLIP_C` from the median of the
:data:`SLIP_WINDOW_SEC` around them, are left out (NaN). No caption states temperature:
it is read for the chat alone.
"""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pandas as pd

from sleeplm_core.io.recording import Signal

TEMP_RANGE_C = (30.0, 43.0)
"""Body temperatures read (°C); below, a probe out of the body reads the room."""
PROBE_SLIP_C = 0.5
"""Largest distance (°C) of a sample from the median of the minutes around it: core
temperature moves a few tenths of a degree an hour in sleep, a slipping probe by a degree or
more within minutes."""
SLIP_WINDOW_SEC = 900.0
"""Length of the window (s) whose median a sample is checked against: a slip shorter than
half of it is caught."""
_FAHRENHEIT_RE = re.compile(r"^(?:°|deg|degrees?)?\s*f(?:ahrenheit)?$", re.I)


def in_celsius(sig: Signal) -> Signal:
    """``sig`` in °C: converted from a Fahrenheit unit, else as it is."""
    if not _FAHRENHEIT_RE.match(sig.unit.strip()):
        return sig
    return replace(sig, data=(np.asarray(sig.data, dtype=float) - 32.0) * 5.0 / 9.0, unit="°C")


def body_temperature(sig: Signal) -> Signal:
    """``sig`` in °C (:func:`in_celsius`), with implausible samples and those of a slipping
    probe set to NaN."""
    values = np.asarray(in_celsius(sig).data, dtype=float)
    lo, hi = TEMP_RANGE_C
    values = np.where((values >= lo) & (values <= hi), values, np.nan)
    window = max(int(SLIP_WINDOW_SEC * sig.sfreq) | 1, 3)
    median = pd.Series(values).rolling(window, center=True, min_periods=1).median().to_numpy()
    values = np.where(np.abs(values - median) <= PROBE_SLIP_C, values, np.nan)
    return replace(sig, data=values, unit="°C")
