"""``sleeplm synth``: write a synthetic night with ground-truth scoring to EDF+."""

from __future__ import annotations

import argparse
from collections import Counter

import numpy as np

from sleeplm_core.io.edf_write import write_edf
from sleeplm_core.io.recording import STAGES
from sleeplm_core.io.synth import CHANNEL_LABELS, SynthConfig, synth_night


def _synth(args: argparse.Namespace) -> int:
    cfg = SynthConfig(
        hours=args.hours, ahi=args.ahi, frac_central=args.central, frac_mixed=args.mixed,
        frac_hypopnea=args.hypopnea, arousal_index=args.arousal_index, spindle_density=args.spindle_density,
        limb_movement_index=args.limb_movement_index, age=args.age, position_changes=args.position_changes,
        dropout=tuple(args.drop or ()), seed=args.seed,
    )
    rec = synth_night(cfg)
    path = write_edf(rec, args.out, bdf=args.bdf)
    stages = Counter(STAGES[s] for s in rec.stages)
    events = Counter(e.type for e in rec.events)
    print(f"wrote {path}: {rec.duration / 3600:.2f} h, {len(rec.signals)} channels, seed {cfg.seed}")
    print("stages (epochs): " + ", ".join(f"{name} {stages.get(name, 0)}" for name in STAGES))
    print("events: " + ", ".join(f"{name} {count}" for name, count in sorted(events.items())))
    truth = rec.source["ground_truth"]
    print(f"true AHI {truth['ahi']:.1f}/h, mean heart rate {np.nanmean(truth['hr_bpm']):.1f} bpm")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``synth`` subcommand."""
    defaults = SynthConfig()
    parser = subparsers.add_parser(
        "synth", help="write a synthetic full-montage PSG night (EDF+) with its scoring",
        description="Generate a synthetic night (stages, events and every signal) and write it as EDF+ "
        "with stages and events as annotations.",
    )
    parser.add_argument("out", help="output file (.edf, or .bdf with --bdf)")
    parser.add_argument("--hours", type=float, default=defaults.hours, help="length in hours (default %(default)s)")
    parser.add_argument("--ahi", type=float, default=defaults.ahi, help="respiratory events per hour of sleep (default %(default)s)")
    parser.add_argument("--central", type=float, default=defaults.frac_central, help="share of central apneas (default %(default)s)")
    parser.add_argument("--mixed", type=float, default=defaults.frac_mixed, help="share of mixed apneas (default %(default)s)")
    parser.add_argument("--hypopnea", type=float, default=defaults.frac_hypopnea, help="share of hypopneas (default %(default)s)")
    parser.add_argument("--arousal-index", type=float, default=defaults.arousal_index, help="arousals per hour of sleep (default %(default)s)")
    parser.add_argument("--spindle-density", type=float, default=defaults.spindle_density, help="spindles per minute of N2 (default %(default)s)")
    parser.add_argument("--limb-movement-index", type=float, default=defaults.limb_movement_index, help="leg movements per hour of sleep (default %(default)s)")
    parser.add_argument("--age", type=float, default=defaults.age, help="age in years (default %(default)s)")
    parser.add_argument("--position-changes", type=int, default=defaults.position_changes, help="body-position changes (default %(default)s)")
    parser.add_argument("--drop", action="append", choices=CHANNEL_LABELS, metavar="LABEL", help="leave out a channel; repeat for several")
    parser.add_argument("--seed", type=int, default=defaults.seed, help="random seed (default %(default)s)")
    parser.add_argument("--bdf", action="store_true", help="write 24-bit BDF+ instead of EDF+")
    parser.set_defaults(func=_synth)
