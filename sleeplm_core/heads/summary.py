"""Night summary: AASM sleep statistics and respiratory indices.

Definitions (times in minutes, percentages 0-100), computed by
``yasa.Hypnogram.sleep_statistics`` where YASA has them:

* TIB, time in bed: length of the hypnogram (lights off to lights on).
* SPT, sleep period time: first to last sleep epoch.
* TST, total sleep time: N1 + N2 + N3 + REM minutes inside the SPT.
* SE, sleep efficiency: 100 * TST / TIB.
* SOL, sleep onset latency: start of the hypnogram to the first sleep epoch.
* WASO, wake after sleep onset: wake minutes inside the SPT.
* REM latency: first sleep epoch to the first REM epoch (the AASM definition;
  YASA's ``Lat_REM`` counts from lights off, so this is ``Lat_REM - SOL``).
* Stage minutes, and each stage as % of TST (W as % of TIB).
* Awakenings: wake runs of at least one epoch that start after sleep onset and
  end before the last sleep epoch (the final awakening is not counted).
* Stage shifts: changes from one stage to another (W, N1, N2, N3, REM) between the
  first and the last sleep epoch, unscored epochs skipped.
* AHI, apnea-hypopnea index: obstructive, central and mixed apneas plus
  hypopneas that start in a sleep epoch, per hour of TST.
* REI, respiratory event index: the AHI's events per hour of monitoring time (TIB),
  wherever they start; what a home sleep test without EEG reports, since it cannot
  stage sleep (AASM Scoring Manual 2.6, home sleep apnea testing).
* ODI, oxygen desaturation index: desaturations (>= 3 % drops; scored ones, or
  measured from SpO2 with :mod:`sleeplm_core.scoring.desaturation`) that start in a
  sleep epoch, per hour of TST.

Unscored epochs count towards TIB but never towards sleep or wake.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from sleeplm_core.errors import SleepLMError
from sleeplm_core.scoring.desaturation import detect_desaturations
from sleeplm_core.io.recording import EPOCH_SEC, STAGES, Event, Signal

APNEA_TYPES: tuple[str, ...] = ("obstructive_apnea", "central_apnea", "mixed_apnea", "hypopnea")
"""Event types counted by the AHI."""

_YASA_NAMES = {"W": "WAKE", "N1": "N1", "N2": "N2", "N3": "N3", "REM": "REM"}


@dataclass(frozen=True)
class NightSummary:
    """AASM statistics of one night (see the module docstring for definitions).

    Attributes:
        tib_min, spt_min, tst_min, sol_min, waso_min: minutes.
        rem_latency_min: minutes from sleep onset to the first REM epoch (NaN if no REM).
        se_pct: sleep efficiency, %.
        stage_min: minutes of each stage (W, N1, N2, N3, REM).
        stage_pct: % of TST for sleep stages, % of TIB for W.
        awakenings: count of wake runs inside the sleep period.
        stage_shifts: stage changes inside the sleep period.
        ahi: events/hour of TST, None when no respiratory events were given.
        rei: the same events per hour of TIB wherever they start, None with ``ahi``.
        rdi: apneas, hypopneas and respiratory-effort-related arousals (RERAs) per hour
            of TST, None with ``ahi``; n_reras: the RERAs counted in it.
        odi: desaturations/hour of TST, None when neither events nor SpO2 exist.
        n_apneas_hypopneas, n_desaturations: the counts behind the indices.
        source: where the hypnogram comes from: "scored", "predicted", or a
            machine-scoring label such as "machine-scored (YASA, EEG Fpz-Cz)".
        agreement: machine vs human scoring in one line (κ, event F1), "" when
            only one of them exists.
    """

    tib_min: float
    spt_min: float
    tst_min: float
    se_pct: float
    sol_min: float
    waso_min: float
    rem_latency_min: float
    stage_min: dict[str, float]
    stage_pct: dict[str, float]
    awakenings: int
    ahi: float | None
    odi: float | None
    n_apneas_hypopneas: int | None
    n_desaturations: int | None
    source: str
    agreement: str = ""
    rei: float | None = None
    stage_shifts: int = 0
    rdi: float | None = None
    n_reras: int = 0

    def rows(self) -> list[tuple[str, str, str]]:
        """(statistic, value, unit) rows for a table."""
        rows = [("TIB", self.tib_min, "min"), ("TST", self.tst_min, "min"),
                ("SE", self.se_pct, "%"), ("SOL", self.sol_min, "min"),
                ("WASO", self.waso_min, "min"), ("REM latency", self.rem_latency_min, "min"),
                ("Awakenings", self.awakenings, "count"),
                ("Stage shifts", self.stage_shifts, "count")]
        for stage in STAGES:
            rows.append((f"{stage}", self.stage_min[stage], "min"))
            rows.append((f"{stage} %", self.stage_pct[stage], "% TIB" if stage == "W" else "% TST"))
        rows += [("AHI", self.ahi, "events/h"), ("RDI", self.rdi, "events/h"),
                 ("REI", self.rei, "events/h"),
                 ("ODI", self.odi, "events/h")]
        rows = [(name, "n/a" if v is None or v != v else f"{v:.1f}" if isinstance(v, float)
                 else str(v), unit) for name, v, unit in rows]
        rows.append(("Source", self.source, ""))
        if self.agreement:
            rows.append(("Machine vs human", self.agreement, ""))
        return rows

    def to_dict(self) -> dict:
        return asdict(self)


def summarize_night(stages: np.ndarray, stage_offset: float = 0.0,
                    events: list[Event] | None = None, spo2: Signal | None = None,
                    respiratory_scored: bool = False, source: str = "scored",
                    agreement: str = "") -> NightSummary:
    """AASM statistics of a hypnogram, with AHI/ODI when events are given.

    Args:
        stages: stage codes per 30-s epoch (index into :data:`STAGES`), -1 unscored.
        stage_offset: start of the first epoch in seconds from the recording start
            (to place events on the hypnogram).
        events: scored or detected events (seconds from the recording start).
        spo2: SpO2 trace in %, used for the ODI when no desaturation is scored.
        respiratory_scored: the events file covers respiratory events, so an AHI
            of 0 is reported when it holds none (otherwise AHI is None).
        source: where the hypnogram comes from, carried into the result.
        agreement: machine vs human agreement line, carried into the result.
    """
    stages = np.asarray(stages, dtype=int)
    if not np.any(stages >= 0):
        raise SleepLMError("the hypnogram has no scored epoch; load a scoring file or "
                           "predict stages first")
    import yasa  # on first use: importing it costs the app's cold start 1 s
    names = np.array([_YASA_NAMES[STAGES[c]] if c >= 0 else "UNS" for c in stages])
    stats = yasa.Hypnogram(names, n_stages=5, freq=f"{int(EPOCH_SEC)}s").sleep_statistics()
    tst = float(stats["TST"])
    stage_min = {s: float(np.sum(stages == i)) * EPOCH_SEC / 60 for i, s in enumerate(STAGES)}
    stage_pct = {s: _percent(m, float(stats["TIB"]) if s == "W" else tst)
                 for s, m in stage_min.items()}
    events = events or []
    apneas = [e for e in events if e.type in APNEA_TYPES]
    ahi, n_ah = _index(stages, stage_offset, apneas, tst, bool(apneas) or respiratory_scored)
    rera_index, n_reras = _index(stages, stage_offset, [e for e in events if e.type == "rera"],
                                 tst, ahi is not None)
    desats = [e for e in events if e.type == "desaturation"]
    if not desats and spo2 is not None:
        desats = detect_desaturations(spo2.data, spo2.sfreq)
    odi, n_de = _index(stages, stage_offset, desats, tst, bool(desats) or spo2 is not None)
    return NightSummary(
        tib_min=float(stats["TIB"]), spt_min=float(stats["SPT"]), tst_min=tst,
        se_pct=float(stats["SE"]), sol_min=float(stats["SOL"]),
        waso_min=float(np.nan_to_num(stats["WASO"])),
        rem_latency_min=float(stats.get("Lat_REM", np.nan) - stats["SOL"]),
        stage_min=stage_min, stage_pct=stage_pct, awakenings=count_awakenings(stages),
        ahi=ahi, odi=odi, n_apneas_hypopneas=n_ah, n_desaturations=n_de, source=source,
        agreement=agreement, rei=None if ahi is None or float(stats["TIB"]) <= 0
        else len(apneas) / (float(stats["TIB"]) / 60), stage_shifts=count_stage_shifts(stages),
        rdi=None if ahi is None else ahi + (rera_index or 0.0), n_reras=n_reras or 0)


def count_stage_shifts(stages: np.ndarray) -> int:
    """Changes of stage between the first and the last sleep epoch (unscored epochs skipped)."""
    sleep = np.flatnonzero(stages >= 1)
    if len(sleep) == 0:
        return 0
    span = stages[sleep[0]:sleep[-1] + 1]
    scored = span[span >= 0]
    return int(np.sum(scored[1:] != scored[:-1]))


def count_awakenings(stages: np.ndarray) -> int:
    """Wake runs (>= 1 epoch) between the first and the last sleep epoch."""
    sleep = np.flatnonzero(stages >= 1)
    if len(sleep) == 0:
        return 0
    wake = stages[sleep[0]:sleep[-1] + 1] == 0
    return int(np.sum(np.diff(wake.astype(np.int8)) == 1))


def _percent(part: float, whole: float) -> float:
    return 100.0 * part / whole if whole > 0 else 0.0


def _index(stages: np.ndarray, offset: float, events: list[Event], tst_min: float,
           known: bool) -> tuple[float | None, int | None]:
    """Events starting in a sleep epoch per hour of TST, and their count (None if unknown)."""
    if not known:
        return None, None
    onsets = np.array([e.onset for e in events], dtype=float)
    idx = np.floor((onsets - offset) / EPOCH_SEC).astype(int)
    inside = (idx >= 0) & (idx < len(stages))
    n = int(np.sum(stages[idx[inside]] >= 1))
    return (n / (tst_min / 60) if tst_min > 0 else float("nan")), n
