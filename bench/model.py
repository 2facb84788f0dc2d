"""Model speed and memory: prints figures, asserts nothing.

    .venv/bin/python bench/model.py [--threads N] [--compile] [--mini-folder DIR] [--skip-mini]

* sleeplm-mini on the CPU: encode one 8-h night (960 epochs) and caption one epoch
  (greedy, up to 96 tokens; also the cost per token of a forced 96-token decode).
  Wall time is printed with the process CPU time: on a shared machine the CPU time
  (divided by the thread count) is the better estimate of the unloaded wall time.
* sleeplm-base, when CUDA is present (random weights, same compute as the released
  model): signal encoding in epochs/s at batch 256 with bf16 autocast, and the latency
  of a 128-token caption at batch 1.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sleeplm_core.model import SleepLM, create_model, load_model  # noqa: E402

NIGHT_EPOCHS = 960


def _epochs(n: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal((n, 10, 1920)).astype(np.float32)


CPU_SECONDS: list[float] = []
"""Process CPU time of the best run of each :func:`_timed` call (contention-free cost)."""


def _timed(fn, repeat: int = 1) -> float:
    """Best wall time of ``repeat`` calls, in seconds; its CPU time goes to CPU_SECONDS."""
    best, best_cpu = float("inf"), 0.0
    for _ in range(repeat):
        if torch.cuda.is_available():
            torch.cuda.synchronize()
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        if torch.cuda.is_available():
            torch.cuda.synchronize()
        wall = time.perf_counter() - start
        if wall < best:
            best, best_cpu = wall, time.process_time() - start_cpu
    CPU_SECONDS.append(best_cpu)
    return best


def forced_decode_seconds(model: SleepLM, epoch: np.ndarray, steps: int) -> float:
    """Encode one epoch and run ``steps`` greedy steps without stopping at the end token
    (the worst case of :meth:`SleepLM.caption`)."""
    x = torch.as_tensor(epoch[None]).to(model.device)
    tok = model.tokenizer

    def run() -> None:
        with model._inference():
            memory = model.biosignals(x, model._channel_mask(x, None)).decoder_tokens
            session = model.decoding_session(memory, model.condition_embeddings(torch.tensor([0])), steps)
            ids = torch.full((1, 1), tok.sot_id, device=model.device)
            for _ in range(steps):
                ids = session.step(ids).argmax(-1, keepdim=True)

    run()
    return _timed(run, repeat=3)


def synthetic_corpus(hours: float = 0.5, seed: int = 1) -> list[str]:
    """Every caption variant of a short synthetic night (a realistic caption vocabulary)."""
    from sleeplm_core.captions.night import caption_night
    from sleeplm_core.io.epochs import make_epochs
    from sleeplm_core.io.montage import map_montage
    from sleeplm_core.io.synth import SynthConfig, synth_night

    rec = synth_night(SynthConfig(hours=hours, seed=seed, ahi=30.0))
    montage = map_montage(rec, None)
    night = caption_night(rec, make_epochs(rec, montage), seed=seed, n_variants=3, montage=montage)
    return [text for epoch in night.epochs for variants in epoch.captions.values() for text in variants]


def bench_mini(args: argparse.Namespace) -> None:
    model = load_model(args.mini_folder) if args.mini_folder else create_model("sleeplm-mini")
    if not args.mini_folder:
        size = model.restrict_caption_vocabulary(synthetic_corpus())
        print(f"mini caption vocabulary (synthetic-night captions): {size} tokens")
    if args.compile:
        model.enable_compile()
    night = _epochs(NIGHT_EPOCHS)
    model.encode_signals(night[:64])
    encode_s = _timed(lambda: model.encode_signals(night, batch_size=args.batch), repeat=2)
    print(f"mini encode {NIGHT_EPOCHS} epochs: {encode_s:.2f} s wall, {CPU_SECONDS[-1]:.2f} s CPU "
          f"({NIGHT_EPOCHS / encode_s:.0f} epochs/s, batch {args.batch})")
    model.caption(night[0], "brain", max_new_tokens=8)
    captions: list = []
    cap_s = _timed(lambda: captions.append(model.caption(night[1], "brain", max_new_tokens=96)[0]), repeat=3)
    print(f"mini caption (greedy, max 96 tokens): {cap_s:.3f} s wall, {CPU_SECONDS[-1]:.3f} s CPU "
          f"for {len(captions[-1].tokens)} tokens")
    forced = forced_decode_seconds(model, night[2], 96)
    print(f"mini caption forced to 96 tokens: {forced:.3f} s wall, {CPU_SECONDS[-1]:.3f} s CPU "
          f"({1000 * forced / 96:.1f} ms/token)")
    beam_s = _timed(lambda: model.caption(night[1], "brain", max_new_tokens=96, num_beams=3), repeat=1)
    print(f"mini caption beam 3 (max 96 tokens): {beam_s:.3f} s wall, {CPU_SECONDS[-1]:.3f} s CPU")


def bench_base_cuda(args: argparse.Namespace) -> None:
    model = create_model("sleeplm-base", device="cuda").eval()
    if args.compile:
        model.enable_compile()
    batch = _epochs(256)
    model.encode_signals(batch, batch_size=256)
    rounds = 8
    enc_s = _timed(lambda: [model.encode_signals(batch, batch_size=256) for _ in range(rounds)])
    print(f"base encode bf16 batch 256: {rounds * 256 / enc_s:.0f} epochs/s "
          "(numpy in, embeddings back on the CPU)")
    resident = torch.as_tensor(batch, device="cuda")
    encoder = model.biosignals if model._compiled_encoder is None else model._compiled_encoder

    def on_device() -> None:
        with model._inference():
            for _ in range(rounds):
                encoder(resident, model._channel_mask(resident, None))

    on_device()
    dev_s = _timed(on_device)
    print(f"base encoder alone, bf16 batch 256, input already on the GPU: "
          f"{rounds * 256 / dev_s:.0f} epochs/s")
    forced = forced_decode_seconds(model, batch[0], 128)
    print(f"base caption forced to 128 tokens, batch 1: {forced:.3f} s ({1000 * forced / 128:.1f} ms/token)")
    model.enable_cuda_graphs()
    forced = forced_decode_seconds(model, batch[0], 128)
    print(f"base caption forced to 128 tokens, batch 1, CUDA graphs: {forced:.3f} s "
          f"({1000 * forced / 128:.1f} ms/token)")
    print(f"cuda peak memory: {torch.cuda.max_memory_allocated() / 2**30:.2f} GiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=torch.get_num_threads(), help="torch CPU threads")
    parser.add_argument("--batch", type=int, default=256, help="encode batch size")
    parser.add_argument("--compile", action="store_true", help="torch.compile the signal encoder")
    parser.add_argument("--mini-folder", help="trained sleeplm-mini folder (default: fresh weights)")
    parser.add_argument("--skip-mini", action="store_true",
                        help="only the sleeplm-base GPU figures (on a GPU machine)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    cuda = torch.cuda.is_available()
    print(f"device: {torch.cuda.get_device_name() if cuda else 'cpu'}; torch {torch.__version__}; "
          f"{args.threads} CPU threads")
    if not args.skip_mini:
        bench_mini(args)
    if cuda:
        bench_base_cuda(args)
    else:
        print("base: no CUDA device, GPU figures skipped")
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    print(f"peak CPU memory (max RSS): {peak_rss:.2f} GiB")


if __name__ == "__main__":
    main()
