"""Checks made before a training run starts, each refusing in one line that names the fix.

* the run folder already holds a run and ``--resume`` was not given (never overwrite);
* the dataset's manifest does not match the recipe (caption version, level names and
  modality indices of the model, level weights);
* the training split has no usable epoch (one with a caption and a present channel);
* the recipe asks for a loss the model or dataset cannot give (summary contrastive text
  without a frozen MiniLM tower, a dense term without dense tokens or event targets);
* the model reads SpO2 (oximetry tokens) and the dataset stores none.

A resume from a checkpoint of another model shape is refused by
:func:`sleeplm_core.train.checkpoint.load_checkpoint`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from sleeplm_core.captions.caption import CAPTION_VERSION
from sleeplm_core.model.config import MODALITIES
from sleeplm_core.train.checkpoint import LAST, CheckpointError
from sleeplm_core.train.config import ConfigError, TrainConfig
from sleeplm_core.train.data import EpochDataset
from sleeplm_core.train.store import DatasetError, Manifest
from sleeplm_core.train.text_cache import CONTRASTIVE_TEXTS, cacheable

RUN_MARKERS: tuple[str, ...] = (LAST, "metrics.jsonl", "best")
"""Files whose presence means a run folder holds an earlier run."""


def check_run_folder(out: Path, resume: bool) -> None:
    """Refuse to start a fresh run in a folder that holds one."""
    if resume:
        return
    found = [name for name in RUN_MARKERS if (Path(out) / name).exists()]
    if found:
        raise CheckpointError(f"run folder {out} already holds a run ({', '.join(found)}); "
                              "pass --resume to continue it or choose another --out")


def check_manifest(manifest: Manifest, root: Path, config: TrainConfig) -> None:
    """Refuse a dataset whose captions or levels do not fit this trainer and recipe."""
    if manifest.caption_version != CAPTION_VERSION:
        raise DatasetError(f"dataset {root} holds captions of version {manifest.caption_version}, "
                           f"this trainer needs version {CAPTION_VERSION}; rebuild it with "
                           "`sleeplm build-dataset --out NEW_FOLDER`")
    for level, index in zip(manifest.levels, manifest.level_modality):
        if not 0 <= index < len(MODALITIES) or MODALITIES[index] != level:
            raise DatasetError(f"dataset {root} conditions level {level!r} on modality {index}, "
                               f"the model's modalities are {list(MODALITIES)}; rebuild it with "
                               "`sleeplm build-dataset`")
    unknown = sorted(set(config.level_weights) - set(manifest.levels))
    if unknown or any(w <= 0 for w in config.level_weights.values()):
        raise DatasetError(f"level_weights {config.level_weights} must weigh levels of dataset "
                           f"{root} ({manifest.levels}) with positive numbers; fix the recipe")


def check_usable(dataset: EpochDataset) -> None:
    """Refuse a split where no epoch has both a caption and a present channel."""
    usable = (dataset.captions >= 0).any(axis=(1, 2)) & dataset.channel_mask.any(axis=1)
    if not np.any(usable):
        raise DatasetError(f"dataset {dataset.root} has no usable {dataset.split} epochs "
                           f"(all {len(dataset)} lack captions or channels); rebuild it from "
                           "recordings with mapped channels")


def level_weight_vector(config: TrainConfig, levels: list[str]) -> np.ndarray | None:
    """``config.level_weights`` in the dataset's level order (None when uniform)."""
    if not config.level_weights:
        return None
    return np.array([float(config.level_weights.get(level, 1.0)) for level in levels])


def check_objective(config: TrainConfig, model: torch.nn.Module, dataset: EpochDataset) -> None:
    """Refuse recipe options that the model or the dataset cannot serve."""
    if config.contrastive_text not in CONTRASTIVE_TEXTS:
        raise ConfigError(f"contrastive_text {config.contrastive_text!r} is not one of "
                          f"{list(CONTRASTIVE_TEXTS)}; fix the recipe")
    if config.contrastive_text == "summary" and not cacheable(model):
        raise ConfigError("contrastive_text = 'summary' needs a frozen MiniLM text tower; set "
                          "model_overrides.text.unlocked_layers = 0 or contrastive_text = 'caption'")
    if getattr(model, "reads_oximetry", False) and not dataset.has_oximetry:
        raise DatasetError(f"the model reads SpO2 (oximetry_tokens) but dataset {dataset.root} "
                           "stores none (spo2.npy); rebuild it with this version of `sleeplm "
                           "build-dataset` from nights with SpO2, or set oximetry_tokens = false")
    if config.weights.dense:
        if not getattr(model, "has_dense", False):
            raise ConfigError("weights.dense > 0 needs a model with dense tokens; set "
                              "model_overrides.signal.dense_tokens = true or weights.dense = 0")
        if not dataset.has_event_targets:
            raise DatasetError(f"weights.dense > 0 but dataset {dataset.root} stores no event "
                               "targets (events.npy); rebuild it with this version of "
                               "`sleeplm build-dataset` from nights with scored events")
