"""``sleeplm captions``: write every epoch's captions and facts as JSON lines."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from tqdm import tqdm

from sleeplm_core.captions.night import iter_epoch_captions
from sleeplm_core.errors import SleepLMError
from sleeplm_core.features.night import night_features
from sleeplm_core.io.cli import parse_map
from sleeplm_core.io.load import open_night


def _captions(args: argparse.Namespace) -> int:
    if len(args.files) > 1 and (args.hypnogram or args.events):
        raise SleepLMError("--hypnogram/--events name the scoring of one recording; "
                           "run sleeplm captions once per file when passing them")
    if args.variants < 1 or args.seed < 0:
        raise SleepLMError("--variants must be >= 1 and --seed >= 0")
    out = Path(args.out)
    if not out.parent.is_dir():
        raise SleepLMError(f"--out {out}: folder {out.parent} does not exist; create it first")
    with out.open("w", encoding="utf-8") as sink:
        for path in args.files:
            rec, montage, epochs = open_night(path, hypnogram=args.hypnogram, events=args.events,
                                              mapping=parse_map(args.map))
            features = night_features(rec, epochs, montage)
            for note in features.notes:
                print(f"note: {Path(path).name}: {note}")
            lines = iter_epoch_captions(features, args.seed, args.variants)
            for epoch in tqdm(lines, total=len(features), desc=Path(path).name, unit="epoch"):
                sink.write(json.dumps(epoch.to_json(features.recording_id)) + "\n")
    print(f"wrote {out}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``captions`` subcommand."""
    parser = subparsers.add_parser(
        "captions", help="measure features and write five-level captions per epoch (JSON lines)",
        description="Write one JSON line per 30-s epoch: recording id, epoch index, start "
                    "time, captions per level and the facts they state.",
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="EDF, EDF+ or BDF recording(s)")
    parser.add_argument("--hypnogram", help="sleep-stage file for a single FILE")
    parser.add_argument("--events", action="append", help="event scoring file; repeat for several")
    parser.add_argument("--map", action="append", metavar="NAME=CHANNEL",
                        help="put file channel CHANNEL in montage slot NAME")
    parser.add_argument("--out", required=True, help="output .jsonl file")
    parser.add_argument("--seed", type=int, default=0, help="phrasing seed (default 0)")
    parser.add_argument("--variants", type=int, default=1,
                        help="captions per epoch and level (default 1)")
    parser.set_defaults(func=_captions)
