"""``sleeplm build-dataset`` and ``sleeplm train`` (also ``python -m sleeplm_core.train``)."""

from __future__ import annotations

import argparse

from sleeplm_core.captions.levels import LEVELS
from sleeplm_core.errors import SleepLMError
from sleeplm_core.io.synth.config import PROFILE_NAMES
from sleeplm_core.train.build import BuildConfig, build_dataset
from sleeplm_core.train.captioning import night_captioner
from sleeplm_core.train.card import card_staging, markdown_confusion, markdown_row
from sleeplm_core.train.config import load_config
from sleeplm_core.train.export import export_model
from sleeplm_core.train.loop import train
from sleeplm_core.train.sources import SynthCorpus, file_items, synthetic_items, yasa_snippet_items


def register(subparsers: argparse._SubParsersAction) -> None:
    build = subparsers.add_parser("build-dataset", help="write a sharded training dataset",
                                  description=build_dataset.__doc__.splitlines()[0])
    build.add_argument("recordings", nargs="*", help="recording files (EDF/EDF+/BDF)")
    build.add_argument("--out", required=True, help="dataset folder (resumes if it exists)")
    build.add_argument("--hypnogram", action="append", metavar="FILE",
                       help="scoring file of each recording, in order (repeat per recording)")
    build.add_argument("--split", choices=("train", "val", "test"),
                       help="put every recording file in this split (default: hashed by id)")
    build.add_argument("--synthetic", type=int, default=0, metavar="N",
                       help="also generate N varied synthetic nights")
    build.add_argument("--synth-seed", type=int, default=0)
    build.add_argument("--synth-hours", type=float, nargs=2, default=(1.5, 4.0),
                       metavar=("MIN", "MAX"), help="length range of synthetic nights, hours")
    build.add_argument("--synth-profile", choices=PROFILE_NAMES, default="aasm",
                       help="montage profile of the synthetic nights (random: drawn per night)")
    build.add_argument("--yasa-snippets", metavar="DIR",
                       help="add YASA's labelled example fragments from DIR")
    build.add_argument("--paraphrases", type=int, default=4, help="paraphrases per level")
    build.add_argument("--val-fraction", type=float, default=0.1)
    build.add_argument("--test-fraction", type=float, default=0.0)
    build.add_argument("--seed", type=int, default=0, help="seed of splits and paraphrases")
    build.add_argument("--workers", type=int, default=1,
                       help="processes making nights in parallel (the dataset is the same)")
    build.set_defaults(func=run_build)

    tr = subparsers.add_parser("train", help="train a SleepLM model on a built dataset",
                               description="Train (or resume) a SleepLM model.")
    add_train_arguments(tr)
    tr.set_defaults(func=run_train)

    ex = subparsers.add_parser("export-model", help="copy a trained model folder for shipping",
                               description=export_model.__doc__.splitlines()[0])
    ex.add_argument("source", help="folder written by training (e.g. runs/sleeplm-mini/best)")
    ex.add_argument("dest", help="destination, e.g. assets/models/sleeplm-mini")
    ex.set_defaults(func=run_export)

    card = subparsers.add_parser("card-staging", help="zero- and few-shot staging table for a "
                                 "model card", description=card_staging.__doc__.splitlines()[0])
    card.add_argument("model", help="model folder or shipped name")
    card.add_argument("recording", help="scored recording (EDF/EDF+/BDF)")
    card.add_argument("--hypnogram", help="stage scoring file (when not inside the recording)")
    card.add_argument("--shots", type=int, default=10, help="labelled epochs per stage")
    card.add_argument("--seed", type=int, default=0, help="seed of the first few-shot draw")
    card.add_argument("--draws", type=int, default=10,
                      help="few-shot draws (seeds SEED, SEED+1, ...) for the mean and SD")
    card.add_argument("--map", action="append", default=[], metavar="SLOT=LABEL",
                      help="montage override, e.g. --map EMG_CHIN=none (repeatable)")
    card.set_defaults(func=run_card)


def run_build(args: argparse.Namespace) -> int:
    if args.workers < 1:
        raise SleepLMError(f"--workers {args.workers}: give 1 or more processes")
    items = file_items(args.recordings, args.split, args.hypnogram)
    if args.synthetic:
        items += synthetic_items(SynthCorpus(n_nights=args.synthetic, seed=args.synth_seed,
                                             hours=tuple(args.synth_hours),
                                             profile=args.synth_profile))
    if args.yasa_snippets:
        items += yasa_snippet_items(args.yasa_snippets)
    config = BuildConfig(levels=LEVELS, level_modality=list(range(len(LEVELS))),
                         n_paraphrases=args.paraphrases, split_seed=args.seed,
                         val_fraction=args.val_fraction, test_fraction=args.test_fraction)
    manifest = build_dataset(items, args.out, config,
                             night_captioner(args.paraphrases, args.seed), progress=True,
                             workers=args.workers)
    for split, counts in manifest.counts().items():
        print(f"{split:>5}: {counts['recordings']} recordings, {counts['epochs']} epochs")
    return 0


def add_train_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", help="TOML recipe (see configs/train/)")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="override a recipe setting, e.g. --set optim.lr=3e-4 (repeatable)")
    parser.add_argument("--data", help="dataset folder (overrides the recipe)")
    parser.add_argument("--out", help="run folder (overrides the recipe)")
    parser.add_argument("--resume", action="store_true",
                        help="continue exactly from OUT/last.pt")


def run_train(args: argparse.Namespace) -> int:
    overrides = list(args.set)
    overrides += [f"data={args.data}"] if args.data else []
    overrides += [f"out={args.out}"] if args.out else []
    state = train(load_config(args.config, overrides), resume=args.resume)
    print(f"stopped at step {state.step}; best step {state.best_step} "
          f"(score {state.best_score})")
    return 0


def run_export(args: argparse.Namespace) -> int:
    dest = export_model(args.source, args.dest)
    print(f"exported to {dest}")
    return 0


def run_card(args: argparse.Namespace) -> int:
    if args.shots < 1 or args.draws < 1:
        raise SleepLMError("--shots and --draws must be >= 1 (e.g. --shots 10 --draws 10)")
    mapping = dict(item.split("=", 1) for item in args.map)
    result = card_staging(args.model, args.recording, args.hypnogram, args.shots, args.seed,
                          mapping, args.draws)
    print("| method | epochs | accuracy | macro-F1 | kappa | F1 W / N1 / N2 / N3 / REM |")
    print("|---|---|---|---|---|---|")
    print(markdown_row("zero-shot", result.zero_shot))
    print(markdown_row("zero-shot + HMM smoothing", result.zero_shot_smoothed))
    print(markdown_row(f"few-shot ({result.shots}/stage, prototype), seed {args.seed}", result.few_shot))
    print(markdown_row(f"few-shot + HMM smoothing, seed {args.seed}", result.few_shot_smoothed))
    print(f"\nfew-shot kappa over draws: {result.few_shot_summary()}")
    for name, scores in (("zero-shot", result.zero_shot), ("few-shot", result.few_shot)):
        print(f"\n{name} confusion:\n")
        print(markdown_confusion(scores))
    return 0
