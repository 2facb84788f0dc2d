"""Load-plus-epoch time of SC4001 (22 h, Sleep-EDF) and of an 8-h synthetic EDF+ night.

Run: ``.venv/bin/python bench/ingest.py [--repeats N]``. The target is <= 5 s
each on 2 CPU cores. Writing the synthetic night is not timed: only
``open_night`` (header checks, MNE decoding, scoring, montage, resampling,
z-score, quality flags) is.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sleeplm_core.io.edf_write import write_edf
from sleeplm_core.io.load import open_night
from sleeplm_core.io.synth import SynthConfig, synth_night

REAL = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "real" / "sleep_edf_sc4001"


def best_of(repeats: int, run: Callable[[], object]) -> tuple[float, float, object]:
    """Fastest wall and CPU time in seconds over ``repeats`` runs, and the last result.

    CPU time is printed too because on a shared machine wall time also counts
    the other processes' load.
    """
    walls, cpus, result = [], [], None
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        result = run()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus), result


def report(name: str, timing: tuple[float, float, tuple]) -> None:
    wall, cpu, (rec, montage, epochs) = timing
    print(f"{name}: wall {wall:.2f} s, cpu {cpu:.2f} s  ({rec.duration / 3600:.1f} h, {len(rec.signals)} channels, "
          f"{len(epochs)} epochs, {len(montage.mapping)}/10 slots, {len(rec.events)} events)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    report("SC4001 load+epoch", best_of(args.repeats, lambda: open_night(
        REAL / "SC4001E0-PSG.edf", hypnogram=REAL / "SC4001EC-Hypnogram.edf")))
    with tempfile.TemporaryDirectory() as tmp:
        path = write_edf(synth_night(SynthConfig(hours=8, ahi=20, seed=1)), Path(tmp) / "synth-8h.edf")
        report("synthetic 8-h load+epoch", best_of(args.repeats, lambda: open_night(path)))


if __name__ == "__main__":
    main()
