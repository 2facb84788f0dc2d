"""Heads and retrieval speed: localize on an 8-h night, FAISS IVF over 1M vectors, index build.

Run: ``.venv/bin/python bench/heads.py [--model DIR] [--dense] [--n-vectors 1000000]``.
Prints one line per figure with its target. Targets (issue 6):

* encode an 8-h night (epoch vectors, and the 2-s bins of a dense-token model in the
  same pass): <= 10 s on the CPU (issue 15); ``--dense`` times a fresh sleeplm-mini
  with spectral and dense tokens;

* localize on a loaded 8-h night with cached epoch embeddings: <= 1 s p50 on the CPU;
* FAISS IVF over 1M random 512-d vectors: <= 10 ms p50 per query, recall@10 >= 0.95
  against exact search (one thread);
* index build throughput (epochs/s, encoding + captions + FAISS), reported.

The 1M vectors are random but embedding-like (a random 32-d latent mapped into 512-d
plus isotropic noise, which is how real embeddings occupy their space), indexed with
the automatic parameters. ``--worst-case`` adds i.i.d. Gaussian vectors, which have no
cell structure: once with the automatic parameters, once with every cell scanned.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import faiss
import numpy as np
import torch

from sleeplm_core.heads.encoder import TextEncoder
from sleeplm_core.heads.localize import LocalizeConfig, localize
from sleeplm_core.heads.models import LoadedModel, resolve_model
from sleeplm_core.heads.night import EmbeddedNight
from sleeplm_core.index.build import Rank, ShardInput, SourceLabel, build_library
from sleeplm_core.index.encode import library_encoder
from sleeplm_core.index.factory import (IndexParams, build_faiss_index, factory_string,
                                        resolve_params)
from sleeplm_core.index.store import Manifest
from sleeplm_core.io.load import open_night
from sleeplm_core.model import create_model, model_fingerprint
from sleeplm_core.model.config import config_from_dict
from sleeplm_core.model.factory import resolve_config

ROOT = Path(__file__).resolve().parents[1]
NIGHT = ROOT / "assets" / "demo" / "synthetic_night.edf"
QUERIES = ("obstructive apnea with oxygen desaturation", "sleep spindles in N2",
           "deep N3 sleep with slow waves", "REM sleep with rapid eye movements",
           "arousal from sleep", "hypopnea with reduced airflow", "wake with alpha rhythm",
           "periodic limb movements", "K-complex", "central apnea without effort")


def bench_localize(night: EmbeddedNight, model) -> None:
    labels = (("dense 2-s bins", "dense 0.5-s sub-bins, shifted bins encoded on demand",
               "dense 0.5-s sub-bins, shifted bins cached") if night.has_dense else
              ("windows encoded on demand", "windows precomputed"))
    for label in labels:
        config = LocalizeConfig(top_k=10, refine=label != "dense 2-s bins")
        if label == "windows precomputed":
            start = time.perf_counter()
            night.precompute_windows()
            print(f"precompute all shifted windows: {time.perf_counter() - start:.1f} s")
        times = []
        encode_text = TextEncoder(model)   # fresh: every query's text is encoded
        for query in QUERIES:
            start = time.perf_counter()
            localize(night, query, encode_text, config)
            times.append(time.perf_counter() - start)
        print(f"localize, 8-h night ({len(night.epochs)} epochs, embeddings cached), {label}: "
              f"p50 {statistics.median(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms "
              f"(target <= 1000 ms p50; text encoding included)")


def embedding_like(n: int, dim: int, rng: np.random.Generator) -> np.ndarray:
    basis = rng.standard_normal((32, dim)).astype(np.float32)
    out = np.empty((n, dim), dtype=np.float32)
    for start in range(0, n, 100_000):
        m = min(100_000, n - start)
        block = rng.standard_normal((m, 32)).astype(np.float32) @ basis
        block += 0.3 * rng.standard_normal((m, dim)).astype(np.float32)
        out[start:start + m] = block
    return out / np.linalg.norm(out, axis=1, keepdims=True)


def bench_faiss(n: int, dim: int, n_queries: int, seed: int, worst_case: bool) -> None:
    rng = np.random.default_rng(seed)
    auto = resolve_params(n, dim, IndexParams(seed=seed))
    _time_index("embedding-like", embedding_like(n + n_queries, dim, rng), n_queries, auto)
    if worst_case:
        # No cell structure to exploit: only a scan of every cell with finer codes finds the
        # neighbours of i.i.d. vectors.
        iid = _iid(n + n_queries, dim, rng)
        _time_index("i.i.d. Gaussian", iid, n_queries, auto)
        exhaustive = replace(auto, m=dim // 2, nprobe=auto.nlist, k_factor=40)
        _time_index("i.i.d. Gaussian", iid, n_queries, exhaustive)


def _time_index(name: str, data: np.ndarray, n_queries: int, params: IndexParams) -> None:
    queries, base = data[:n_queries], data[n_queries:]
    faiss.omp_set_num_threads(2)
    start = time.perf_counter()
    index = build_faiss_index(base, params)
    built = time.perf_counter() - start
    exact = faiss.IndexFlatIP(base.shape[1])
    exact.add(base)
    _, truth = exact.search(queries, 10)
    faiss.omp_set_num_threads(1)
    times, found = [], []
    for q in queries:
        t = time.perf_counter()
        found.append(index.search(q[None], 10)[1][0])
        times.append(time.perf_counter() - t)
    recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(found, truth)])
    print(f"FAISS {name}, {len(base):,} x {base.shape[1]}: {factory_string(params)} "
          f"nprobe {params.nprobe} k_factor {params.k_factor} (trained on {params.train_size:,}, "
          f"build {built:.0f} s): query p50 {statistics.median(times) * 1000:.2f} ms "
          f"(1 thread), recall@10 {recall:.3f} (targets <= 10 ms, >= 0.95)")


def _iid(n: int, dim: int, rng: np.random.Generator) -> np.ndarray:
    x = rng.standard_normal((n, dim)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def bench_build(loaded, path: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        def open_item(p: Path) -> ShardInput:
            rec, _, epochs = open_night(p)
            return ShardInput(p, epochs, rec.start_time, SourceLabel("synthetic", "MIT"))

        manifest = Manifest(loaded.fingerprint, loaded.label, 0, 0, IndexParams())
        start = time.perf_counter()
        library = build_library([path], Path(tmp) / "lib", open_item, library_encoder(loaded),
                                None, None, manifest, 64, Rank())
        took = time.perf_counter() - start
    print(f"index build, one 8-h night (read + epoch + encode + FAISS): {library.index.ntotal} "
          f"epochs in {took:.1f} s = {library.index.ntotal / took:.0f} epochs/s on "
          f"{torch.get_num_threads()} threads")


def dense_model(name: str) -> LoadedModel:
    """A fresh (seed-0) model ``name`` with spectral and dense tokens switched on."""
    cfg = resolve_config(name.removesuffix(":untrained")).to_dict()
    cfg["signal"].update(spectral_tokens=True, dense_tokens=True)
    model = create_model(config_from_dict(cfg), seed=0).eval()
    return LoadedModel(model, f"{name} with dense tokens (untrained, seed 0)",
                       model_fingerprint(model))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="sleeplm-mini",
                        help="model folder or name (NAME:untrained for fresh weights)")
    parser.add_argument("--dense", action="store_true",
                        help="fresh weights of --model's config with dense tokens switched on")
    parser.add_argument("--night", type=Path, default=NIGHT)
    parser.add_argument("--n-vectors", type=int, default=1_000_000)
    parser.add_argument("--dim", type=int, default=512)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--skip-faiss", action="store_true")
    parser.add_argument("--worst-case", action="store_true",
                        help="also time i.i.d. Gaussian vectors (one more build)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    loaded = dense_model(args.model) if args.dense else resolve_model(args.model)
    print(f"model: {loaded.label}")
    _, _, epochs = open_night(args.night)
    start, cpu = time.perf_counter(), time.process_time()
    night = EmbeddedNight.from_model(loaded.model, epochs)
    took, cpu = time.perf_counter() - start, time.process_time() - cpu
    dense = f", dense bins {night.dense.shape} float16" if night.has_dense else ""
    print(f"encode {len(epochs)} epochs: {took:.1f} s wall, {cpu:.1f} s CPU on "
          f"{torch.get_num_threads()} threads ({len(epochs) / took:.0f} epochs/s{dense}; "
          f"target <= 10 s)")
    bench_localize(night, loaded.model)
    bench_build(loaded, args.night)
    if not args.skip_faiss:
        bench_faiss(args.n_vectors, args.dim, args.queries, args.seed, args.worst_case)


if __name__ == "__main__":
    main()
