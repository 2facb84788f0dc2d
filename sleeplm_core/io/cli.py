"""``sleeplm inspect``: load a night and print how it was read and mapped."""

from __future__ import annotations

import argparse

from sleeplm_core.errors import MontageError
from sleeplm_core.io.load import open_night
from sleeplm_core.io.summary import night_summary


def parse_map(items: list[str] | None) -> dict[str, str]:
    """Turn repeated ``NAME=CHANNEL`` flags into a mapping dict."""
    mapping = {}
    for item in items or []:
        name, sep, channel = item.partition("=")
        if not sep or not name.strip():
            raise MontageError(f"--map {item!r}: expected NAME=CHANNEL, e.g. --map EEG_C3='EEG Fpz-Cz'")
        mapping[name.strip()] = channel.strip()
    return mapping


def _inspect(args: argparse.Namespace) -> int:
    rec, montage, epochs = open_night(
        args.file, hypnogram=args.hypnogram, events=args.events, mapping=parse_map(args.map), sfreq=args.sfreq
    )
    print(night_summary(rec, montage, epochs))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``inspect`` subcommand."""
    parser = subparsers.add_parser(
        "inspect", help="summarise a recording: channels, montage, epochs, stages, events, quality",
        description="Load a recording (EDF/EDF+/BDF) with its scoring and print how it maps onto the model montage.",
    )
    parser.add_argument("file", help="EDF, EDF+ or BDF recording (or a .txt/.npz signal)")
    parser.add_argument("--hypnogram", help="sleep-stage file (EDF+ annotations, XML, DREAMS, CSV, one stage per line)")
    parser.add_argument("--events", action="append", help="event scoring file; repeat for several")
    parser.add_argument("--map", action="append", metavar="NAME=CHANNEL",
                        help="put file channel CHANNEL in montage slot NAME (e.g. EEG_C3='EEG Fpz-Cz'; NAME=none empties it)")
    parser.add_argument("--sfreq", type=float, help="sampling rate in Hz for text signals that do not state it")
    parser.set_defaults(func=_inspect)
