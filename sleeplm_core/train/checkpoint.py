"""Training checkpoints with everything needed for an exact resume.

A checkpoint holds the model, optimizer and grad-scaler states, the step, the
sampler position and the best validation score so far. Random draws need no saved
generator state: every step reseeds its generators from (seed, step, rank) (see
``loop.step_seed``), so a resumed run replays exactly the draws of an unbroken one
on every rank.
"""

from __future__ import annotations

import logging
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import torch

from sleeplm_core.errors import SleepLMError
from sleeplm_core.model import load_model
from sleeplm_core.train.averaging import WeightAverage

log = logging.getLogger(__name__)

LAST = "last.pt"


class CheckpointError(SleepLMError):
    """A training checkpoint is missing or does not fit the run."""


@dataclass
class TrainState:
    """Progress of a run.

    Attributes:
        step: optimizer steps done.
        epoch: data epoch the sampler is in.
        position: samples of that epoch already consumed by each rank.
        best_score: best validation score so far (higher is better), None before any.
        best_step: step of that score.
    """

    step: int = 0
    epoch: int = 0
    position: int = 0
    best_score: float | None = None
    best_step: int | None = None


def save_checkpoint(path: Path, model: torch.nn.Module, optimizer: torch.optim.Optimizer,
                    scaler: torch.amp.GradScaler, state: TrainState,
                    config: dict[str, Any], average: WeightAverage | None = None) -> None:
    """Write atomically (temp file + rename) so a kill mid-write keeps the old one."""
    payload = {"model": model.state_dict(), "optimizer": optimizer.state_dict(),
               "scaler": scaler.state_dict(), "state": asdict(state), "config": config}
    if average is not None:
        payload["average"] = average.state_dict()
    tmp = Path(path).with_suffix(".tmp")
    torch.save(payload, tmp)
    os.replace(tmp, path)


def load_checkpoint(path: Path, model: torch.nn.Module, optimizer: torch.optim.Optimizer,
                    scaler: torch.amp.GradScaler,
                    average: WeightAverage | None = None) -> TrainState:
    """Restore states in place (the weight average too, when the run keeps one and the
    checkpoint has it) and return the run's progress."""
    if not Path(path).is_file():
        raise CheckpointError(f"checkpoint {path} not found; start without --resume")
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as err:  # torch raises several types for corrupt files
        raise CheckpointError(f"checkpoint {path} is unreadable ({err}); delete it or "
                              "resume from another run folder") from err
    try:
        model.load_state_dict(payload["model"])
    except RuntimeError as err:
        raise CheckpointError(f"checkpoint {path} was made for another model config; "
                              "resume with the recipe that created it") from err
    try:
        optimizer.load_state_dict(payload["optimizer"])
    except (ValueError, KeyError) as err:
        raise CheckpointError(f"checkpoint {path} has another optimizer layout ({err}); "
                              "resume with the recipe that created it") from err
    scaler.load_state_dict(payload["scaler"])
    if average is not None and "average" in payload:
        average.load_state_dict(payload["average"], next(model.parameters()).device)
    return TrainState(**payload["state"])


def init_weights(model: torch.nn.Module, folder: str | Path) -> list[str]:
    """Start ``model`` from the weights of a ``save_pretrained`` folder (fine-tuning).

    Tensors that only the recipe's model has (a part it adds, such as envelope tokens,
    whose projection starts at zero) keep their initialisation and are logged. Refused in
    one line when a shared tensor has another shape, or the folder's model has a part the
    recipe's lacks.

    Returns:
        the names of the added tensors (``optim.added_lr`` trains them).
    """
    source = load_model(folder).state_dict()
    own = model.state_dict()
    mismatched = sorted(k for k in source.keys()
                        if k not in own or source[k].shape != own[k].shape)
    if mismatched:
        raise CheckpointError(f"init_from {folder}: its model does not fit the recipe's "
                              f"({len(mismatched)} tensors differ, e.g. {mismatched[0]}); use "
                              "the same model and model_overrides it was trained with")
    added = sorted(own.keys() - source.keys())
    if added:
        log.info("init_from %s: %d tensors are new in the recipe and keep their "
                 "initialisation: %s", folder, len(added), ", ".join(added))
    model.load_state_dict(source, strict=False)
    return added
