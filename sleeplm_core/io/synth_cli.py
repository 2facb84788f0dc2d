"""``sleeplm synth``: write a synthetic night with ground-truth scoring to EDF+ (or BDF+)."""

from __future__ import annotations

import argparse
import os
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np

from sleeplm_core.io.edf_write import write_edf
from sleeplm_core.io.recording import STAGES, Recording
from sleeplm_core.io.synth import ALL_LABELS, PROFILE_NAMES, ChannelRates, SynthConfig, SynthConfigError, synth_night

FLAGS = {
    "hours": "--hours", "ahi": "--ahi", "frac_central": "--central", "frac_mixed": "--mixed",
    "frac_hypopnea": "--hypopnea", "arousal_index": "--arousal-index", "spindle_density": "--spindle-density",
    "limb_movement_index": "--limb-movement-index", "age": "--age", "position_changes": "--position-changes",
    "dropout": "--drop", "profile": "--profile", "seed": "--seed", "rates.eeg": "--rate",
}
"""SynthConfig setting -> the flag that sets it, so a refusal names the flag."""


def _config(args: argparse.Namespace) -> SynthConfig:
    rate = args.rate
    rates = ChannelRates(eeg=rate, eog=rate, emg=rate, ecg=rate) if rate is not None else ChannelRates()
    try:
        return SynthConfig(
            hours=args.hours, ahi=args.ahi, frac_central=args.central, frac_mixed=args.mixed,
            frac_hypopnea=args.hypopnea, arousal_index=args.arousal_index, spindle_density=args.spindle_density,
            limb_movement_index=args.limb_movement_index, age=args.age, position_changes=args.position_changes,
            dropout=tuple(args.drop or ()), rates=rates, profile=args.profile, seed=args.seed,
            randomise=not args.textbook,
        )
    except SynthConfigError as error:
        flag = FLAGS.get(error.setting or "")
        if flag is None:
            raise
        raise SynthConfigError(f"{flag}: {str(error).removeprefix('synthetic night: ')}", error.setting) from None


def _write_atomically(rec: Recording, out: Path, bdf: bool) -> Path:
    """Write next to ``out`` and rename, so an interrupted or failed run leaves no partial file."""
    out.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.stem}.", suffix=out.suffix or ".edf")
    os.close(handle)
    try:
        write_edf(rec, temp, bdf=bdf)
        os.replace(temp, out)
    finally:
        Path(temp).unlink(missing_ok=True)
    return out


def _synth(args: argparse.Namespace) -> int:
    cfg = _config(args)
    rec = synth_night(cfg)
    montage = rec.source["montage"]
    out = Path(args.out)
    bdf = args.bdf or out.suffix.lower() == ".bdf"
    path = _write_atomically(rec, out, bdf)
    stages = Counter(STAGES[s] for s in rec.stages)
    events = Counter(e.type for e in rec.events)
    print(f"wrote {path} ({'BDF+' if bdf else 'EDF+'}): {rec.duration / 3600:.2f} h, profile {montage['profile']}, "
          f"{len(rec.signals)} channels, seed {cfg.seed}")
    print("channels: " + ", ".join(f"{s.label} {s.sfreq:g} Hz" for s in rec.signals.values()))
    print("stages (epochs): " + ", ".join(f"{name} {stages.get(name, 0)}" for name in STAGES))
    print("events: " + ", ".join(f"{name} {count}" for name, count in sorted(events.items())))
    truth = rec.source["ground_truth"]
    print(f"true AHI {truth['ahi']:.1f}/h, mean heart rate {np.nanmean(truth['hr_bpm']):.1f} bpm")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``synth`` subcommand."""
    defaults = SynthConfig()
    parser = subparsers.add_parser(
        "synth", help="write a synthetic PSG night (EDF+/BDF+) with its scoring",
        description="Generate a synthetic night (stages, events and every signal) and write it as EDF+ "
        "with stages and events as annotations. The default is a full AASM montage.",
    )
    parser.add_argument("out", help="output file (.edf; a .bdf name or --bdf writes BDF+)")
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
    parser.add_argument("--profile", default=defaults.profile, metavar="NAME",
                        help=f"montage profile: {', '.join(PROFILE_NAMES)} (random draws one per night, with "
                        "rates, format, units and missing channels; default %(default)s)")
    parser.add_argument("--rate", type=float, default=None, metavar="HZ",
                        help="sampling rate of EEG, EOG, EMG and ECG (32-1024 Hz; default: EEG/EOG/EMG 100, ECG 128)")
    parser.add_argument("--textbook", action="store_true",
                        help="no per-night randomisation of the sleeper and the recording set-up")
    parser.add_argument("--drop", action="append", metavar="LABEL",
                        help=f"leave out a channel; repeat for several ({', '.join(ALL_LABELS)})")
    parser.add_argument("--seed", type=int, default=defaults.seed, help="random seed (default %(default)s)")
    parser.add_argument("--bdf", action="store_true", help="write 24-bit BDF+ instead of EDF+")
    parser.set_defaults(func=_synth)
