"""The training loop: AdamW, warmup + cosine, clipping, AMP, accumulation, DDP, eval, resume.

Run it with ``sleeplm train`` on one process or ``torchrun -m sleeplm_core.train`` on
several; every rank runs the same code and only rank 0 writes files.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import math
import time
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch.nn.parallel import DistributedDataParallel as DDP
from tqdm.auto import tqdm

from sleeplm_core.train import distributed as dist_util
from sleeplm_core.train.averaging import WeightAverage
from sleeplm_core.train.checkpoint import (
    LAST, TrainState, init_weights, load_checkpoint, save_checkpoint,
)
from sleeplm_core.train.config import OptimConfig, TrainConfig, config_to_dict
from sleeplm_core.train.data import Batch, EpochDataset, ResumableSampler, collate, sample_captions
from sleeplm_core.heads.zeroshot import DEFAULT_STAGE_PROMPTS
from sleeplm_core.io.recording import STAGES
from sleeplm_core.train.dense import draw_phrases
from sleeplm_core.train.evaluate import EvalSet, evaluate, make_eval_set
from sleeplm_core.train.logbook import append_metrics, plot_curves, truncate_after
from sleeplm_core.train.losses import total_loss
from sleeplm_core.train.preflight import (
    check_manifest, check_objective, check_run_folder, check_usable, level_weight_vector,
)
from sleeplm_core.train.step import Objective, active_terms, build_model
from sleeplm_core.train.text_cache import PooledTextCache, cacheable

log = logging.getLogger(__name__)

BEST_DIR = "best"
FINAL_DIR = "final"
AVERAGE_DIR = "average"
METRICS = "metrics.jsonl"
CURVES = "curves.png"
MAX_LOG_SCALE = math.log(100.0)
SELECTION_METRIC = "zs_kappa"
"""Validation metric that picks the best checkpoint (higher is better)."""


def step_seed(seed: int, step: int, rank: int) -> int:
    """A 63-bit seed for one (run seed, step, rank); resume replays the same draws."""
    digest = hashlib.sha256(f"{seed}/{step}/{rank}".encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 1


def lr_at(step: int, total_steps: int, optim: OptimConfig) -> float:
    """Learning rate at ``step``: linear warmup, then cosine decay to the floor."""
    if step < optim.warmup_steps:
        return optim.lr * (step + 1) / optim.warmup_steps
    span = max(1, total_steps - optim.warmup_steps)
    progress = min(1.0, (step - optim.warmup_steps) / span)
    floor = optim.lr * optim.min_lr_ratio
    return floor + (optim.lr - floor) * 0.5 * (1.0 + math.cos(math.pi * progress))


TEXT_ENCODER_PREFIX = "text.hf."
"""Parameters of the pretrained MiniLM, which ``optim.text_lr`` governs."""


def param_groups(model: torch.nn.Module, optim: OptimConfig,
                 added: Collection[str] = ()) -> list[dict]:
    """Decay weight matrices only (norms, biases, embeddings and the logit scale are
    exempt); unlocked MiniLM layers get their own groups at ``optim.text_lr``, and the
    ``added`` parameters (new in a fine-tune, see :func:`init_weights`) theirs at
    ``optim.added_lr``.

    Each group carries ``lr_scale``, its peak learning rate over ``optim.lr``.
    """
    added = frozenset(added)
    groups: dict[tuple[str, bool], list[torch.nn.Parameter]] = {}
    for name, p in model.named_parameters():
        if not p.requires_grad:
            continue
        exempt = p.ndim < 2 or "embed" in name or "logit_scale" in name
        kind = "added" if name in added else "text" if name.startswith(TEXT_ENCODER_PREFIX) else ""
        groups.setdefault((kind, exempt), []).append(p)
    scales = {"": 1.0, "text": _scale(optim.text_lr, optim.lr), "added": _scale(optim.added_lr, optim.lr)}
    return [{"params": params, "weight_decay": 0.0 if exempt else optim.weight_decay,
             "lr_scale": scales[kind]}
            for (kind, exempt), params in sorted(groups.items())]


def _scale(lr: float | None, base: float) -> float:
    return (lr if lr is not None else base) / base


class BatchStream:
    """Endless batches from the sampler, tracking (epoch, position) for resume."""

    def __init__(self, dataset: EpochDataset, sampler: ResumableSampler, batch_size: int,
                 state: TrainState) -> None:
        self.dataset, self.sampler, self.batch_size, self.state = dataset, sampler, batch_size, state
        self._it = None

    def next(self) -> Batch:
        idx: list[int] = []
        while len(idx) < self.batch_size:
            if self._it is None:
                self.sampler.set_epoch(self.state.epoch)
                self.sampler.skip = self.state.position
                self._it = iter(self.sampler)
            try:
                idx.append(next(self._it))
                self.state.position += 1
            except StopIteration:
                self.state.epoch, self.state.position, self._it = self.state.epoch + 1, 0, None
        return collate([self.dataset[i] for i in idx])


@dataclass
class Run:
    """Objects shared by the steps of one run."""

    config: TrainConfig
    info: dist_util.DistInfo
    objective: torch.nn.Module
    core: torch.nn.Module
    optimizer: torch.optim.Optimizer
    scaler: torch.amp.GradScaler
    train_set: EpochDataset
    stream: BatchStream
    evalset: EvalSet | None
    state: TrainState
    out: Path
    level_weights: np.ndarray | None
    text_cache: PooledTextCache | None = None
    average: WeightAverage | None = None

    @property
    def amp(self) -> torch.dtype | None:
        if self.info.device.type != "cuda" or self.config.amp_dtype == "none":
            return None
        return getattr(torch, self.config.amp_dtype)


def setup_run(config: TrainConfig, resume: bool = False) -> Run:
    """Join the process group, build the model, optimizer and data; load ``last.pt`` on resume."""
    out = Path(config.out)
    check_run_folder(out, resume)
    train_set = EpochDataset(config.data, "train")
    check_manifest(train_set.manifest, train_set.root, config)
    check_usable(train_set)
    info = dist_util.setup()
    if config.threads:
        torch.set_num_threads(config.threads)
    torch.manual_seed(config.seed)  # same initial weights on every rank
    core = build_model(config).to(info.device)
    check_objective(config, core, train_set)
    # A resumed fine-tune rebuilds the same parameter groups; its weights then come from
    # the checkpoint.
    added = init_weights(core, config.init_from) if config.init_from else []
    optimizer = torch.optim.AdamW(param_groups(core, config.optim, added),
                                  lr=config.optim.lr, betas=config.optim.betas)
    scaler = torch.amp.GradScaler(info.device.type,
                                  enabled=info.device.type == "cuda" and config.amp_dtype == "float16")
    state = TrainState()
    # only rank 0 saves, so only it keeps the mean (every rank holds the same weights)
    average = WeightAverage(core) if config.average_from is not None and info.is_main else None
    if resume:
        state = load_checkpoint(out / LAST, core, optimizer, scaler, average)
        log.info("resumed at step %d", state.step)
    elif config.init_from:
        log.info("started from the weights of %s", config.init_from)
    val_set = EpochDataset(config.data, "val")
    if core.config.decoder.tied_vocab:
        # the caption loss then scores the few hundred tokens the captions use, as decoding does
        core.restrict_caption_vocabulary([*train_set.strings, *val_set.strings])
    objective: torch.nn.Module = Objective(core, active_terms(config.weights), config.length_buckets,
                                          config.caption_fraction, config.text_tokens)
    if info.distributed:
        objective = DDP(objective,
                        device_ids=[info.local_rank] if info.device.type == "cuda" else None,
                        find_unused_parameters=config.find_unused_parameters)
    sampler = ResumableSampler(train_set, info.world_size, info.rank, config.seed)
    evalset = None
    if info.is_main:
        out.mkdir(parents=True, exist_ok=True)
        evalset = make_eval_set(val_set, config.eval_max_epochs,
                                config.seed)
    cache = None
    if cacheable(core):
        cache = PooledTextCache(train_set.strings, config.text_tokens, config.contrastive_text)
        if config.contrastive_text == "summary":
            cache.warm(core, progress=info.is_main)
    return Run(config, info, objective, core, optimizer, scaler, train_set,
               BatchStream(train_set, sampler, config.batch_size, state), evalset, state, out,
               level_weight_vector(config, train_set.manifest.levels), cache, average)


def _micro_step(run: Run, gen: torch.Generator, rng: np.random.Generator,
                sync: bool) -> dict[str, float]:
    cfg = run.config
    batch = run.stream.next()
    signals, mask = cfg.channel_dropout(batch.signals, batch.channel_mask, gen)
    signals = cfg.gain_jitter(signals, gen)
    # Drawn only for a model that reads SpO2, so other recipes replay their random streams.
    spo2 = cfg.channel_dropout.oximetry(batch.spo2, gen) if run.core.reads_oximetry else None
    ids, levels = sample_captions(run.train_set.captions[batch.index.numpy()], rng,
                                  run.level_weights)
    if (ids < 0).any():
        raise ValueError("training epoch without any caption; rebuild the dataset")
    dev = run.info.device
    tokens = run.core.tokenizer.encode([run.train_set.strings[i] for i in ids])
    modality = torch.from_numpy(run.train_set.level_modality[levels])
    no_sync = run.objective.no_sync if (run.info.distributed and not sync) else contextlib.nullcontext
    with no_sync(), torch.autocast(dev.type, dtype=run.amp or torch.float32,
                                   enabled=run.amp is not None):
        pooled = None if run.text_cache is None else run.text_cache.pooled(ids, run.core).to(dev)
        parts = run.objective(signals.to(dev), mask.to(dev), tokens.to(dev), modality.to(dev),
                              torch.from_numpy(run.train_set.keys[ids]).to(dev), pooled,
                              _dense_inputs(run, batch.index.numpy(), rng),
                              _staging_inputs(run, batch.stages),
                              None if spo2 is None else spo2.to(dev))
        loss = total_loss(parts, cfg.weights) / cfg.grad_accum
        run.scaler.scale(loss).backward()
    return {k: float(v.detach()) for k, v in parts.items()} | {"loss": float(loss.detach()) * cfg.grad_accum}


def _dense_inputs(run: Run, index: np.ndarray,
                  rng: np.random.Generator) -> tuple[torch.Tensor, ...] | None:
    """Targets and phrases of the dense term (None when the run does not train it)."""
    if run.config.weights.dense == 0:  # preflight made sure a dense weight has a dense model
        return None
    dev = run.info.device
    masks, known = run.train_set.event_targets(index)
    phrases = draw_phrases(rng)
    tokens = run.core.tokenizer.encode(phrases).to(dev)
    pooled = None if run.text_cache is None else run.text_cache.pooled_texts(phrases, run.core).to(dev)
    return torch.from_numpy(masks).to(dev), torch.from_numpy(known).to(dev), tokens, pooled


def _staging_inputs(run: Run, stages: torch.Tensor) -> tuple[torch.Tensor, ...] | None:
    """Stages and stage prompts of the staging term (None when the run does not train it)."""
    if run.config.weights.staging == 0:
        return None
    dev = run.info.device
    texts = [t for stage in STAGES for t in DEFAULT_STAGE_PROMPTS[stage]]
    code = torch.tensor([i for i, stage in enumerate(STAGES) for _ in DEFAULT_STAGE_PROMPTS[stage]])
    tokens = run.core.tokenizer.encode(texts).to(dev)
    pooled = None if run.text_cache is None else run.text_cache.pooled_texts(texts, run.core).to(dev)
    return stages.to(dev), tokens, pooled, code.to(dev)


def train_step(run: Run) -> dict[str, float]:
    """One optimizer step (``grad_accum`` micro-steps); returns this rank's mean losses."""
    cfg, state = run.config, run.state
    seed = step_seed(cfg.seed, state.step, run.info.rank)
    torch.manual_seed(seed)  # model-internal draws (dropout, patch masking)
    gen, rng = torch.Generator().manual_seed(seed), np.random.default_rng(seed)
    lr = lr_at(state.step, cfg.steps, cfg.optim)
    for group in run.optimizer.param_groups:
        group["lr"] = lr * group["lr_scale"]
    sums: dict[str, float] = {}
    for micro in range(cfg.grad_accum):
        for k, v in _micro_step(run, gen, rng, sync=micro == cfg.grad_accum - 1).items():
            sums[k] = sums.get(k, 0.0) + v / cfg.grad_accum
    run.scaler.unscale_(run.optimizer)
    if cfg.optim.grad_clip > 0:
        sums["grad_norm"] = float(torch.nn.utils.clip_grad_norm_(run.core.parameters(),
                                                                 cfg.optim.grad_clip))
    run.scaler.step(run.optimizer)
    run.scaler.update()
    with torch.no_grad():
        # CLIP's cap at a scale of 100: beyond it the contrastive loss turns unstable
        run.core.logit_scale.clamp_(0.0, MAX_LOG_SCALE)
    run.optimizer.zero_grad(set_to_none=True)
    state.step += 1
    if run.average is not None and state.step >= cfg.average_from:
        run.average.update(run.core)
    return sums | {"lr": lr}


def _evaluate_and_keep_best(run: Run) -> None:
    """Rank 0 evaluates, logs, and exports the model when it is the best so far."""
    if run.info.is_main:
        metrics = evaluate(run.core, run.evalset, run.info.device)
        append_metrics(run.out / METRICS, {"step": run.state.step, "split": "val", **metrics})
        score = metrics[SELECTION_METRIC]
        if run.state.best_score is None or score > run.state.best_score:
            run.state.best_score, run.state.best_step = score, run.state.step
            run.core.save_pretrained(run.out / BEST_DIR)
            log.info("step %d: new best %s=%.4f", run.state.step, SELECTION_METRIC, score)
    dist_util.barrier()


def _checkpoint(run: Run, final: bool = False) -> None:
    """Save ``last.pt`` and the curves; at the end of a run also the final weights as a
    model folder (``final/``), which a time-bound run ships when its validation staging
    peaked before its event readings had learned (``best/`` is chosen on staging only)."""
    if run.info.is_main:
        save_checkpoint(run.out / LAST, run.core, run.optimizer, run.scaler, run.state,
                        config_to_dict(run.config), run.average)
        plot_curves(run.out / METRICS, run.out / CURVES)
        if final:
            run.core.save_pretrained(run.out / FINAL_DIR)
            _save_average(run)
    dist_util.barrier()


def _save_average(run: Run) -> None:
    """Validate the averaged weights and write them as ``average/`` (rank 0 only)."""
    if run.average is None:
        return
    if run.average.count == 0:
        log.warning("the run stopped at step %d, before average_from=%d: no average/ written",
                    run.state.step, run.config.average_from)
        return
    with run.average.applied(run.core):
        metrics = evaluate(run.core, run.evalset, run.info.device)
        append_metrics(run.out / METRICS, {"step": run.state.step, "split": "val_average",
                                           "averaged_steps": run.average.count, **metrics})
        run.core.save_pretrained(run.out / AVERAGE_DIR)
    log.info("average/ holds the mean of the weights of %d steps (%s=%.4f)",
             run.average.count, SELECTION_METRIC, metrics[SELECTION_METRIC])


def train(config: TrainConfig, resume: bool = False, progress: bool = True) -> TrainState:
    """Run (or resume) training until ``config.steps`` or the wall-clock budget."""
    run = setup_run(config, resume)
    cfg, state, main = run.config, run.state, run.info.is_main
    if main and resume:
        truncate_after(run.out / METRICS, state.step)
    started = time.monotonic()
    bar = tqdm(total=cfg.steps, initial=state.step, disable=not (progress and main), unit="step")
    try:
        while state.step < cfg.steps:
            losses = train_step(run)
            bar.update(1)
            if state.step % cfg.log_every == 0:
                record = {k: dist_util.mean_across_ranks(v, run.info.device) for k, v in losses.items()}
                if main:
                    append_metrics(run.out / METRICS, {"step": state.step, "split": "train", **record})
                    bar.set_postfix(loss=f"{record['loss']:.3f}")
            out_of_time = (cfg.max_minutes is not None
                           and time.monotonic() - started > 60 * cfg.max_minutes)
            stop = dist_util.any_rank(out_of_time, run.info.device)
            last = stop or state.step == cfg.steps
            if state.step % cfg.eval_every == 0 or last:
                _evaluate_and_keep_best(run)
            if state.step % cfg.ckpt_every == 0 or last:
                _checkpoint(run, final=last)
            if stop:
                log.warning("wall-clock budget of %s min spent at step %d; stopping",
                            cfg.max_minutes, state.step)
                break
    finally:
        bar.close()
        dist_util.teardown()
    return state
