"""``sleeplm score``: machine-score a night from its signals, write it, compare it to a reference."""

from __future__ import annotations

import argparse
import time
from collections import Counter
from pathlib import Path

import numpy as np
from tqdm import tqdm

from sleeplm_core.io.load import open_night
from sleeplm_core.io.recording import STAGES, Recording
from sleeplm_core.io.scoring import read_scoring
from sleeplm_core.scoring.agreement import agreement
from sleeplm_core.scoring.export import check_output, write_scoring
from sleeplm_core.scoring.night import score_night
from sleeplm_core.scoring.result import MachineScoring


def _reference(args: argparse.Namespace, rec: Recording) -> tuple[np.ndarray, float, list, str]:
    """(stages, offset, events, what) of the reference: the files given, else the file's own scoring."""
    if args.hypnogram is None and args.events is None:
        return rec.stages, rec.stage_offset, rec.events, "the file's own annotations (not used for scoring)"
    stages, offset, events = np.zeros(0, dtype=np.int8), 0.0, []
    if args.hypnogram is not None:
        hyp = read_scoring(args.hypnogram)
        stages, offset = hyp.stages, hyp.stage_offset
    if args.events is not None:
        events = read_scoring(args.events).events
    names = [str(p) for p in (args.hypnogram, args.events) if p is not None]
    return stages, offset, events, " + ".join(names)


def _print_scoring(scoring: MachineScoring) -> None:
    print(f"stages: {scoring.stage_source or 'not scored'}")
    if scoring.has_stages:
        counts = Counter(STAGES[c] for c in scoring.stages if c >= 0)
        print("  epochs: " + ", ".join(f"{s} {counts.get(s, 0)}" for s in STAGES))
    sources = Counter(e.source for e in scoring.events)
    for source, count in sources.items():
        kinds = Counter(e.type for e in scoring.events if e.source == source)
        print(f"events: {source}: " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
    if scoring.heart_rate is not None:
        print(f"heart rate: {scoring.heart_rate.label}: median "
              f"{np.nanmedian(scoring.heart_rate.data):.0f} bpm")
    for line in scoring.skipped:
        print(f"skipped: {line}")
    for line in scoring.notes:
        print(f"note: {line}")


def _print_agreement(scoring: MachineScoring, ref: tuple[np.ndarray, float, list, str]) -> None:
    stages, offset, events, what = ref
    result = agreement(scoring, stages, offset, events)
    if result.stages is None and not result.events:
        return
    print(f"agreement with {what}:")
    if result.stages is not None:
        s = result.stages
        print(f"  stages ({s.n_epochs} epochs, sleep window +/- 30 min): kappa {s.kappa:.3f}  "
              f"accuracy {s.accuracy:.3f}  macro-F1 {s.macro_f1:.3f}")
        print("  per-stage F1: " + "  ".join(f"{n} {f:.3f}" for n, f in zip(s.labels, s.per_class_f1)))
    for group, e in result.events.items():
        print(f"  {group}: {e.line()}")
    for group in result.unscored:
        print(f"  {group}: not machine-scored (its part was skipped)")


def _score(args: argparse.Namespace) -> int:
    t0 = time.perf_counter()
    if args.out is not None:
        check_output(args.out)
    rec, _, epochs = open_night(args.recording, sfreq=args.sfreq)
    with tqdm(total=100, desc="scoring", unit="%") as bar:
        def progress(fraction: float, what: str) -> None:
            bar.set_postfix_str(what.removeprefix("machine scoring: "))
            bar.update(round(100 * fraction) - bar.n)
        scoring = score_night(rec, epochs, progress=progress)
    _print_scoring(scoring)
    if args.out is not None:
        print(f"wrote {write_scoring(rec, scoring, args.out)}")
    _print_agreement(scoring, _reference(args, rec))
    print(f"time: {time.perf_counter() - t0:.1f} s")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``score`` subcommand."""
    p = subparsers.add_parser(
        "score", help="machine-score a night (stages and events) from its signals alone",
        description="Score stages (YASA) and events (YASA detectors, AASM rules, sleepecg) from "
        "the signals alone; the file's own annotations are never used as input. With reference "
        "scoring (--hypnogram/--events, else the file's own annotations) print the agreement.")
    p.add_argument("recording", type=Path, help="EDF/EDF+/BDF file (or a one-column .txt signal)")
    p.add_argument("--out", type=Path, help="write the scoring to FILE.csv or FILE.edf")
    p.add_argument("--hypnogram", type=Path, help="reference stages to compare with")
    p.add_argument("--events", type=Path, help="reference events to compare with")
    p.add_argument("--sfreq", type=float, help="sampling rate (Hz) of a .txt signal that does not state it")
    p.set_defaults(func=_score)
