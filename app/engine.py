"""What every session shares: the model, its text encoder, the stager and the library.

One :class:`Engine` is built at start-up and only read afterwards, so sessions
can share it; the text encoder memoises query embeddings, which makes repeated
questions (the suggested ones) cost nothing after the first time.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import torch

from sleeplm_core.errors import IndexError_
from sleeplm_core.heads.encoder import SignalTextModel, TextEncoder
from sleeplm_core.heads.grounding import Grounder
from sleeplm_core.heads.zeroshot import ZeroShotClassifier
from sleeplm_core.index.store import LibraryIndex
from sleeplm_core.model import create_model, load_model, model_fingerprint
from sleeplm_core.model.checkpoint import released_checkpoint

log = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parents[1]
SHIPPED_MODEL = REPO_ROOT / "assets" / "models" / "sleeplm-mini"
SHIPPED_INDEX = REPO_ROOT / "indexes" / "demo"
DEMO_DIR = REPO_ROOT / "assets" / "demo"


@dataclass(frozen=True)
class EngineConfig:
    """How to build the engine.

    Attributes:
        model: model folder (``load_model``) or released checkpoint file with a
            ``config.json`` beside it (both through ``load_model``); None uses the shipped mini
            model, or an untrained ``sleeplm-mini`` when none is shipped yet.
        index: retrieval library folder; None uses ``indexes/demo`` when present.
        batch_size: epochs per forward pass when encoding a night.
        threads: torch CPU threads.
        trust_pickle: allow a released ``.pt`` checkpoint that holds pickled objects
            (only for files from a trusted source).
    """

    model: Path | None = None
    index: Path | None = None
    batch_size: int = 64
    threads: int = 2
    trust_pickle: bool = False


@dataclass
class Engine:
    """The loaded model and heads.

    Attributes:
        model: the SleepLM model (eval mode).
        text: memoising text encoder of ``model``.
        stager: zero-shot stage classifier.
        library: retrieval library, or None when no index is available.
        status: one line for the UI saying which model and index are in use.
        fingerprint: sha256 of the model weights (keys cached embeddings).
        batch_size: epochs per forward pass.
        grounder: what grounds library searches in an epoch's readings (a dense-token
            model's), else None.
        shipped: the model is the shipped ``sleeplm-mini``, whose model card holds its figures.
    """

    model: SignalTextModel
    text: TextEncoder
    stager: ZeroShotClassifier
    library: LibraryIndex | None
    status: str
    fingerprint: str
    batch_size: int = 64
    grounder: Grounder | None = None
    shipped: bool = False


def _load_model(path: Path | None, trust_pickle: bool) -> tuple[SignalTextModel, str]:
    if path is not None:
        label = (released_checkpoint(path) or path).name
        return load_model(path, trust_pickle=trust_pickle), f"model {label}"
    if SHIPPED_MODEL.is_dir():
        return load_model(SHIPPED_MODEL), "model sleeplm-mini (shipped weights)"
    log.warning("no shipped model at %s; using an untrained sleeplm-mini", SHIPPED_MODEL)
    return (create_model("sleeplm-mini"),
            "model sleeplm-mini UNTRAINED (random weights, seed 0): answers are not meaningful yet")


def _load_library(path: Path | None, fingerprint: str,
                  model_spec: str) -> tuple[LibraryIndex | None, str]:
    target = path or (SHIPPED_INDEX if SHIPPED_INDEX.is_dir() else None)
    if target is None:
        return None, "no retrieval library"
    try:
        library = LibraryIndex.load(target, use_gpu=False)
        library.require_model(fingerprint, target, model_spec)
    except IndexError_ as err:
        if path is not None:
            raise
        # The shipped library may predate the model in use: serve without retrieval, say why.
        log.warning("%s", err)
        reason = str(err).split(";")[0].replace(str(target), target.name)
        return None, f"no retrieval library ({reason})"
    return library, f"library {target.name} ({library.index.ntotal} epochs)"


def build_engine(config: EngineConfig) -> Engine:
    """Load the model and the library named by ``config``."""
    torch.set_num_threads(config.threads)
    model, model_status = _load_model(config.model, config.trust_pickle)
    model.eval()
    fingerprint = model_fingerprint(model)
    library, index_status = _load_library(config.index, fingerprint,
                                          str(config.model or "sleeplm-mini"))
    text = TextEncoder(model)
    grounder = Grounder.for_model(model, float(model.logit_scale.detach().exp()), text)
    return Engine(model, text, ZeroShotClassifier(), library,
                  f"{model_status} · {index_status}", fingerprint, config.batch_size, grounder,
                  shipped=config.model is None and SHIPPED_MODEL.is_dir())
