"""Which model a command uses: a model folder, a shipped model name, or fresh weights."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from sleeplm_core.errors import ModelError
from sleeplm_core.model import NAMED_CONFIGS, SleepLM, create_model, load_model, model_fingerprint

log = logging.getLogger(__name__)

DEFAULT_MODEL = "sleeplm-mini"
UNTRAINED_SUFFIX = ":untrained"


@dataclass(frozen=True)
class LoadedModel:
    """A model with what a report needs to name it.

    Attributes:
        model: the model, in eval mode.
        label: how results name it ("assets/models/sleeplm-mini (trained)", ...).
        fingerprint: :func:`model_fingerprint` of its weights.
    """

    model: SleepLM
    label: str
    fingerprint: str

    @property
    def logit_scale(self) -> float:
        """The learned inverse temperature of the contrastive loss (exp of the parameter)."""
        return float(self.model.logit_scale.detach().exp())


def resolve_model(spec: str = DEFAULT_MODEL) -> LoadedModel:
    """Load ``spec``: a model folder, a shipped model name, or ``NAME:untrained``.

    ``NAME:untrained`` (e.g. ``sleeplm-mini:untrained``) builds fresh seed-0 weights:
    useful to check wiring and as the chance-level row of an evaluation.
    """
    if spec.endswith(UNTRAINED_SUFFIX):
        name = spec.removesuffix(UNTRAINED_SUFFIX)
        if name not in NAMED_CONFIGS:
            raise ModelError(f"unknown model {name!r}; use one of {', '.join(NAMED_CONFIGS)}")
        model = create_model(name, seed=0).eval()
        label = f"{name} (untrained, seed 0)"
    else:
        try:
            model = load_model(spec).eval()
        except ModelError as err:
            raise ModelError(f"{err}; or pass --model {spec}{UNTRAINED_SUFFIX} for fresh "
                             "weights") from None
        label = f"{Path(spec)} (trained checkpoint)"
    fingerprint = model_fingerprint(model)
    log.info("model %s, fingerprint %s", label, fingerprint[:12])
    return LoadedModel(model, label, fingerprint)
