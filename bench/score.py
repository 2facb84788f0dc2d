"""Time ``score_night`` on a synthetic 8-h full-montage night, part by part.

    .venv/bin/python bench/score.py [--hours 8] [--seed 5]

Prints the seconds each part took and the total (the target is 30 s for 8 h on
2 cores), after timing apart what every new process pays once: importing antropy,
which YASA's staging features use, with its numba kernels read from numba's cache
(compiled there by ``make install``; a process that finds the cache empty compiles
them, 4-7 s). Run it on an idle machine.
"""

from __future__ import annotations

import argparse
import time

from sleeplm_core.io.synth import SynthConfig, synth_night
from sleeplm_core.scoring import score_night
from sleeplm_core.scoring.antropy_cache import import_antropy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=float, default=8.0)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    t0 = time.perf_counter()
    import_antropy()
    print(f"import of antropy, kernels from numba's cache: {time.perf_counter() - t0:.1f} s")
    rec = synth_night(SynthConfig(hours=args.hours, ahi=30.0, seed=args.seed))
    print(f"night: {args.hours:g} h, {len(rec.signals)} channels, seed {args.seed}")
    marks: list[tuple[float, str]] = []
    t0 = time.perf_counter()
    scoring = score_night(rec, progress=lambda f, part: marks.append((time.perf_counter(), part)))
    total = time.perf_counter() - t0
    for (t, part), (t_next, _) in zip(marks, marks[1:]):
        print(f"  {part.removeprefix('machine scoring: '):<16} {t_next - t:6.1f} s")
    print(f"score_night: {total:.1f} s for {args.hours:g} h ({len(scoring.events)} events, "
          f"{len(scoring.skipped)} parts skipped)")


if __name__ == "__main__":
    main()
