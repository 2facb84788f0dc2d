"""Execute step for "what model is this?", "how accurate is it on real data?": the model in
use, the figures its model card measured, and its zero-shot stages against this night's
reference staging."""

from __future__ import annotations

from app.chat.agreement import paired_kappa, stagings
from app.chat.plan import Plan
from app.chat.results import ModelFacts
from app.engine import Engine
from app.night import LoadedNight

SHIPPED_CHECKS = (
    ("on unseen synthetic nights", "zero-shot staging at κ 0.98-1.00 and apneas found at by-event F1 0.99-1.00; "
     "synthetic stages are textbook ones, so these say it reads them, not that it stages real nights as well"),
    ("on the real evaluation night SC4001 (never trained on)", "zero-shot staging at κ 0.50 (0.53 with HMM "
     "smoothing), few-shot staging (10 labelled epochs per stage) at κ 0.66 ± 0.01, against YASA's κ 0.81 on the "
     "same signals"),
    ("on real spindles (DREAMS excerpts)", "by-event F1 0.32, against YASA's 0.35 in the same run"),
)
"""What the model card (``assets/models/sleeplm-mini/MODEL_CARD.md``, release 10) measured, each
figure as it states it (a test holds them to it)."""


def model_facts(plan: Plan, night: LoadedNight, engine: Engine) -> ModelFacts:
    """The model's name, size and checks, with its agreement on this night."""
    kappa, epochs, reference = None, 0, ""
    pair = stagings(night, "model")   # the human scoring, else the machine staging, as reference
    if not isinstance(pair, str):
        (ref, reference), (predicted, _) = pair
        kappa, epochs = paired_kappa(ref, predicted)
    tower = getattr(engine.model, "text", None)
    return ModelFacts(engine.status.split(" · ")[0], sum(p.numel() for p in engine.model.parameters()),
                      sum(p.numel() for p in tower.parameters()) if tower is not None else 0,
                      engine.shipped, kappa, epochs, reference)
