"""Training throughput: dataset build and optimizer steps.

Prints epochs/s for building a dataset from synthetic nights and for training steps
(the shipped recipe's settings, and the same without the two savings of
``train.step.Objective``), with the device and peak memory.

    python bench/train.py [--steps 5] [--batch-size 32] [--threads 2]

With ``--recipe`` it times that recipe's model, batch size and AMP setting instead
(e.g. ``configs/train/sleeplm-base-gpu.toml``: sleeplm-base, batch 256, bf16); a
recipe for sleeplm-base is only timed when CUDA is present.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

import torch

from sleeplm_core.captions.levels import LEVELS
from sleeplm_core.train.build import BuildConfig, build_dataset
from sleeplm_core.train.captioning import night_captioner
from sleeplm_core.train.config import load_config
from sleeplm_core.train.loop import setup_run, train_step
from sleeplm_core.train.sources import SynthCorpus, synthetic_items


def bench_build(root: Path) -> None:
    corpus = SynthCorpus(n_nights=2, seed=11, hours=(1.0, 1.0), val_every=2)
    start = time.perf_counter()
    manifest = build_dataset(synthetic_items(corpus), root,
                             BuildConfig(LEVELS, list(range(len(LEVELS))), n_paraphrases=4),
                             night_captioner(4, 0))
    n = sum(r.n_epochs for r in manifest.recordings)
    print(f"dataset build: {n} epochs in {time.perf_counter() - start:.1f} s "
          f"({n / (time.perf_counter() - start):.1f} epochs/s, synth + features + captions)")


def bench_steps(root: Path, steps: int, batch_size: int, threads: int, label: str,
                *overrides: str, recipe: str | None = None) -> None:
    config = load_config(recipe, [f"data={root}", f"out={root / label.split(':')[0]}",
                                  f"batch_size={batch_size}", f"threads={threads}",
                                  "eval_max_epochs=8", *overrides])
    run = setup_run(config)
    train_step(run)  # warm-up: first-call allocations
    start = time.perf_counter()
    for _ in range(steps):
        train_step(run)
    per_step = (time.perf_counter() - start) / steps
    print(f"train step [{label}]: {per_step:.2f} s/step, {batch_size / per_step:.1f} epochs/s "
          f"(batch {batch_size}, device {run.info.device})")


def bench_recipe(root: Path, args: argparse.Namespace) -> None:
    """Time the steps of a training recipe (its model, batch size and AMP dtype)."""
    recipe = load_config(args.recipe, ["data=none", "out=none"])
    if recipe.model == "sleeplm-base" and not torch.cuda.is_available():
        print(f"{args.recipe}: sleeplm-base training is timed on CUDA only; none present, "
              "nothing measured")
        return
    bench_build(root)
    batch = args.batch_size if args.batch_size != BATCH_DEFAULT else recipe.batch_size
    bench_steps(root, args.steps, batch, args.threads,
                f"recipe: {recipe.model}, amp {recipe.amp_dtype}", recipe=args.recipe)
    if torch.cuda.is_available():
        print(f"peak GPU memory: {torch.cuda.max_memory_allocated() / 2**20:.0f} MiB")


BATCH_DEFAULT = 32


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=BATCH_DEFAULT)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--recipe", help="time this TOML recipe's steps (model, AMP); "
                        "--batch-size then defaults to the recipe's")
    args = parser.parse_args()
    device = torch.cuda.get_device_name() if torch.cuda.is_available() else "CPU"
    print(f"device: {device}; torch threads: {args.threads}")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        if args.recipe:
            bench_recipe(root, args)
            return
        bench_build(root)
        bench_steps(root, args.steps, args.batch_size, args.threads,
                    "recipe: 4 length buckets, captions on 25%",
                    "length_buckets=4", "caption_fraction=0.25")
        bench_steps(root, args.steps, args.batch_size, args.threads,
                    "plain: one bucket, captions on 100%",
                    "length_buckets=1", "caption_fraction=1.0")
    if torch.cuda.is_available():
        print(f"peak GPU memory: {torch.cuda.max_memory_allocated() / 2**20:.0f} MiB")
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
