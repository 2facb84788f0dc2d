"""Time to generate an 8-h synthetic night (default rates) and to write it as EDF+.

Run: ``.venv/bin/python bench/synth.py [--repeats N] [--profile NAME] [--textbook] [--rate HZ]``
(``--rate`` sets EEG/EOG/EMG/ECG to one rate, as the ``random`` profile's 50-512 Hz draws do). The goal is a few
seconds per night on 2 CPU cores. CPU time is printed beside wall time because
on a shared machine wall time also counts other processes.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from sleeplm_core.io.edf_write import write_edf
from sleeplm_core.io.synth import SynthConfig, synth_night
from sleeplm_core.io.synth.config import ChannelRates


def timed(run):
    wall, cpu = time.perf_counter(), time.process_time()
    result = run()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--hours", type=float, default=8.0)
    parser.add_argument("--profile", default="aasm", help="montage profile (random draws one per seed)")
    parser.add_argument("--textbook", action="store_true", help="no per-night randomisation")
    parser.add_argument("--rate", type=float, default=None,
                        help="EEG/EOG/EMG/ECG rate in Hz (default: the profile's rates)")
    args = parser.parse_args()
    cfg = {"hours": args.hours, "profile": args.profile, "randomise": not args.textbook}
    if args.rate:
        cfg["rates"] = ChannelRates(eeg=args.rate, eog=args.rate, emg=args.rate, ecg=args.rate)
    best = {"synth_night": (float("inf"), 0.0), "write_edf": (float("inf"), 0.0)}
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(args.repeats):
            wall, cpu, rec = timed(lambda: synth_night(SynthConfig(seed=seed, **cfg)))
            best["synth_night"] = min(best["synth_night"], (wall, cpu))
            wall, cpu, _ = timed(lambda: write_edf(rec, Path(tmp) / "night.edf"))
            best["write_edf"] = min(best["write_edf"], (wall, cpu))
    for name, (wall, cpu) in best.items():
        rate = f" at {args.rate:g} Hz" if args.rate else ""
        print(f"{name:12s} {args.hours:g}-h night, profile {args.profile}{rate}: {wall:.2f} s wall, {cpu:.2f} s CPU "
              f"(best of {args.repeats})")


if __name__ == "__main__":
    main()
