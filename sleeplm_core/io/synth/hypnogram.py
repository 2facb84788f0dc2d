"""Hypnogram generator: a time-of-night and cycle-phase dependent Markov chain.

The transition tables are fitted on expert Sleep-EDF hypnograms (see
:func:`fit_transition_tables`) and stored as JSON next to this module, so a
night is sampled without touching the data. Each 30-s transition is conditioned
on the previous stage, the hours since sleep onset and the minutes since the
last REM epoch (or sleep onset). The second context is what makes NREM/REM
cycles of about 90 min appear: REM is unlikely right after a REM period and
likely an hour or more later.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sleeplm_core.io.recording import EPOCH_SEC

logger = logging.getLogger(__name__)

TABLES_PATH = Path(__file__).with_name("stage_transitions.json")
"""Fitted transition tables shipped with the package."""

HOUR_EDGES = (1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0)
"""Upper edges (hours since sleep onset) of the time-of-night bins; the last bin is open."""

PHASE_EDGES_MIN = (30.0, 60.0, 90.0)
"""Upper edges (minutes since the last REM epoch) of the cycle-phase bins."""

N_STAGES = 5
W, N1, N2, N3, REM = range(N_STAGES)
_EPOCH_MIN = EPOCH_SEC / 60.0
_PSEUDOCOUNT = 5.0
"""Weight of the pooled (context-free) row mixed into each context row, so that
rare contexts fall back to the night-average behaviour instead of to noise."""

# Sleep-EDF codes: 0 W, 1 S1, 2 S2, 3 S3, 4 S4, 5 REM; S3+S4 merge into N3 (AASM).
_RK_TO_AASM = np.array([W, N1, N2, N3, N3, REM])


@dataclass(frozen=True)
class TransitionTables:
    """Transition probabilities P(next | previous, hour bin, phase bin).

    Attributes:
        probs: array (n_hour_bins, n_phase_bins, 5, 5); rows sum to 1.
        nights: names of the hypnograms the tables were fitted on.
    """

    probs: np.ndarray
    nights: tuple[str, ...]

    @classmethod
    def load(cls, path: Path = TABLES_PATH) -> TransitionTables:
        payload = json.loads(path.read_text())
        return cls(probs=np.asarray(payload["probs"], dtype=float), nights=tuple(payload["nights"]))

    def save(self, path: Path = TABLES_PATH) -> None:
        payload = {
            "description": "P(next stage | previous stage, hours since sleep onset, minutes "
            "since last REM); stages W, N1, N2, N3, REM; see sleeplm_core/io/synth/hypnogram.py",
            "hour_edges_h": list(HOUR_EDGES),
            "phase_edges_min": list(PHASE_EDGES_MIN),
            "nights": list(self.nights),
            "probs": np.round(self.probs, 5).tolist(),
        }
        path.write_text(json.dumps(payload, indent=1) + "\n")


def _context(minutes_asleep: float, minutes_since_rem: float) -> tuple[int, int]:
    hour_bin = int(np.searchsorted(HOUR_EDGES, minutes_asleep / 60.0, side="right"))
    phase_bin = int(np.searchsorted(PHASE_EDGES_MIN, minutes_since_rem, side="right"))
    return hour_bin, phase_bin


def _sleep_period(stages: np.ndarray) -> np.ndarray:
    """The hypnogram from the first to the last non-wake epoch (lights-off wake cut)."""
    asleep = np.flatnonzero(stages != W)
    return stages[asleep[0]: asleep[-1] + 1] if asleep.size else stages[:0]


def _count_transitions(stages: np.ndarray, counts: np.ndarray) -> None:
    since_rem = 0.0
    for i in range(1, len(stages)):
        prev = stages[i - 1]
        since_rem = 0.0 if prev == REM else since_rem + _EPOCH_MIN
        hour_bin, phase_bin = _context(i * _EPOCH_MIN, since_rem)
        counts[hour_bin, phase_bin, prev, stages[i]] += 1


def fit_transition_tables(csv_paths: list[Path]) -> TransitionTables:
    """Fit the tables on Sleep-EDF per-second hypnogram CSVs (codes 0-5, one per second).

    Only the sleep period (first to last sleep epoch) is used: the converter kept
    an arbitrary amount of wake around it, which would otherwise inflate W->W.
    """
    shape = (len(HOUR_EDGES) + 1, len(PHASE_EDGES_MIN) + 1, N_STAGES, N_STAGES)
    counts = np.zeros(shape)
    for path in csv_paths:
        per_second = np.loadtxt(path, dtype=int)
        epochs = _RK_TO_AASM[per_second.reshape(-1, int(EPOCH_SEC))[:, 0]]
        _count_transitions(_sleep_period(epochs), counts)
    pooled = counts.sum(axis=(0, 1))
    pooled = pooled / pooled.sum(axis=1, keepdims=True)
    smoothed = counts + _PSEUDOCOUNT * pooled
    probs = smoothed / smoothed.sum(axis=-1, keepdims=True)
    logger.info("fitted stage transitions on %d nights, %d transitions", len(csv_paths), counts.sum())
    return TransitionTables(probs=probs, nights=tuple(p.name.split("-")[0] for p in csv_paths))


def _age_weights(age: float) -> np.ndarray:
    """Multipliers on P(-> stage) that shift the Sleep-EDF young-adult tables to ``age``.

    Slow-wave sleep falls by roughly 2 % of its share per year after young
    adulthood, wake after sleep onset rises and REM falls slightly (Ohayon et al.,
    Sleep 2004, meta-analysis); the tables were fitted on 25-34-year-olds.
    """
    years = age - 30.0
    weights = np.ones(N_STAGES)
    weights[N3] = float(np.clip(1.0 - 0.02 * years, 0.1, 1.5))
    weights[W] = float(np.clip(1.0 + 0.02 * years, 0.5, 3.0))
    weights[REM] = float(np.clip(1.0 - 0.004 * years, 0.6, 1.2))
    return weights


def sample_hypnogram(
    tables: TransitionTables,
    n_epochs: int,
    latency_epochs: int,
    age: float,
    rng: np.random.Generator,
) -> np.ndarray:
    """Sample stage codes (int8, one per 30-s epoch): wake for ``latency_epochs``, then the chain."""
    probs = tables.probs * _age_weights(age)
    probs = probs / probs.sum(axis=-1, keepdims=True)
    cumulative = np.cumsum(probs, axis=-1)
    draws = rng.random(n_epochs)
    stages = np.full(n_epochs, W, dtype=np.int8)
    if latency_epochs >= n_epochs:
        return stages
    stages[latency_epochs] = N1
    since_rem = 0.0
    for i in range(latency_epochs + 1, n_epochs):
        prev = stages[i - 1]
        since_rem = 0.0 if prev == REM else since_rem + _EPOCH_MIN
        hour_bin, phase_bin = _context((i - latency_epochs) * _EPOCH_MIN, since_rem)
        row = cumulative[hour_bin, phase_bin, prev]
        stages[i] = min(int(np.searchsorted(row, draws[i], side="right")), N_STAGES - 1)
    return stages


def sleep_edf_hypnogram_paths(shared_root: Path, exclude: tuple[str, ...] = ("SC4001E0",)) -> list[Path]:
    """The Sleep-EDF hypnogram CSVs under ``shared_root``, minus the evaluation night(s)."""
    folder = shared_root / "data" / "real" / "sleep_edf_hypnograms"
    return sorted(p for p in folder.glob("SC4*-PSG.edf.csv") if p.name.split("-")[0] not in exclude)


def main() -> None:
    """Refit ``stage_transitions.json`` from ``../shared`` (run as ``python -m``)."""
    logging.basicConfig(level=logging.INFO)
    shared = Path(__file__).resolve().parents[3].parent / "shared"
    tables = fit_transition_tables(sleep_edf_hypnogram_paths(shared))
    tables.save()
    logger.info("wrote %s", TABLES_PATH)


if __name__ == "__main__":
    main()
