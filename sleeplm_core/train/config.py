"""Training configuration: dataclasses loaded from a TOML recipe plus overrides."""

from __future__ import annotations

import ast
import dataclasses
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sleeplm_core.errors import SleepLMError
from sleeplm_core.train.augment import ChannelDropout, GainJitter
from sleeplm_core.train.losses import LossWeights


class ConfigError(SleepLMError):
    """A training recipe or an override is malformed."""


@dataclass
class OptimConfig:
    """AdamW with linear warmup then cosine decay to ``min_lr_ratio * lr``.

    Attributes:
        lr: peak learning rate.
        weight_decay: decoupled decay, applied to matrices only (not norms, biases,
            embeddings or the logit scale).
        betas: AdamW moment coefficients.
        warmup_steps: optimizer steps of linear warmup from 0.
        min_lr_ratio: final learning rate as a fraction of ``lr``.
        grad_clip: max global gradient L2 norm, 0 disables clipping.
        text_lr: peak learning rate of the unlocked MiniLM layers (pretrained, so
            usually far below ``lr``); None uses ``lr``. Same schedule, scaled.
        added_lr: peak learning rate of the tensors a fine-tune adds to its ``init_from``
            model (they start from their initialisation, e.g. zero, while the rest is
            already trained); None uses ``lr``. Same schedule, scaled.
    """

    lr: float = 5e-4
    weight_decay: float = 0.05
    betas: tuple[float, float] = (0.9, 0.98)
    warmup_steps: int = 50
    min_lr_ratio: float = 0.1
    grad_clip: float = 1.0
    text_lr: float | None = None
    added_lr: float | None = None

    def __post_init__(self) -> None:
        # The group rates are scaled by lr, and a rate of 0 or below trains nothing or
        # backwards: refused before any work starts.
        for name in ("lr", "text_lr", "added_lr"):
            value = getattr(self, name)
            if value is not None and not (isinstance(value, (int, float)) and value > 0):
                raise ConfigError(f"optim.{name} = {value!r} is not a positive learning rate; "
                                  f"set e.g. optim.{name}=2e-4")


@dataclass
class TrainConfig:
    """Everything one training run depends on.

    Attributes:
        data: dataset folder made by ``sleeplm build-dataset``.
        out: run folder (checkpoints, metrics.jsonl, curves.png, best/).
        model: model config name for ``create_model``.
        model_overrides: keyword overrides passed to ``create_model``.
        steps: optimizer steps in all; the cosine schedule spans them.
        batch_size: epochs per rank per micro-step.
        grad_accum: micro-steps per optimizer step.
        seed: seeds model init, sampling, augmentation and caption choice.
        amp_dtype: autocast dtype on a GPU ("bfloat16", "float16" or "none");
            the CPU always runs in float32.
        log_every, eval_every, ckpt_every: intervals in optimizer steps.
        eval_max_epochs: validation epochs used per evaluation (a fixed, seeded subset).
        max_minutes: wall-clock budget; the run checkpoints and stops when spent.
        threads: torch intra-op threads (None: torch's default).
        find_unused_parameters: passed to DDP when some heads are switched off.
        length_buckets: caption-length buckets per batch (see ``step.Objective``).
        caption_fraction: share of each batch that trains the caption decoder.
        text_tokens: most caption tokens the text tower reads for contrastive-only rows
            (None: all; see ``step.Objective``). With a frozen MiniLM tower the pooled
            features are cached per caption (``train.text_cache``) and every row's
            contrastive text is its first ``text_tokens`` tokens.
        level_weights: caption level name -> relative chance that a step's caption of
            an epoch is drawn from that level (levels not named weigh 1).
        contrastive_text: "caption" (the whole caption) or "summary" (its plain-word
            summary sentence; needs a frozen MiniLM tower, see ``train.text_cache``).
        init_from: a ``save_pretrained`` folder whose weights a fresh run starts from
            (fine-tuning on new data; the model configs must match), or None.
        average_from: from this optimizer step on (steps count from 1), the weights after
            every step enter a uniform running mean (``train.averaging``), saved at the
            end as ``average/`` beside ``final/``; None averages nothing.
    """

    data: str
    out: str
    model: str = "sleeplm-mini"
    model_overrides: dict[str, Any] = field(default_factory=dict)
    steps: int = 1000
    batch_size: int = 64
    grad_accum: int = 1
    seed: int = 0
    amp_dtype: str = "bfloat16"
    optim: OptimConfig = field(default_factory=OptimConfig)
    weights: LossWeights = field(default_factory=LossWeights)
    channel_dropout: ChannelDropout = field(default_factory=ChannelDropout)
    gain_jitter: GainJitter = field(default_factory=GainJitter)
    log_every: int = 10
    eval_every: int = 100
    ckpt_every: int = 100
    eval_max_epochs: int = 1024
    max_minutes: float | None = None
    threads: int | None = None
    find_unused_parameters: bool = False
    length_buckets: int = 4
    caption_fraction: float = 1.0
    text_tokens: int | None = None
    level_weights: dict[str, float] = field(default_factory=dict)
    contrastive_text: str = "caption"
    init_from: str | None = None
    average_from: int | None = None

    def __post_init__(self) -> None:
        # Steps count from 1; a start past the last one would average nothing, silently.
        if self.average_from is not None and not 1 <= self.average_from <= self.steps:
            raise ConfigError(f"average_from = {self.average_from!r} is not a step of this "
                              f"{self.steps}-step run; set it from 1 to steps, e.g. "
                              f"average_from={max(1, self.steps // 2)}")


def _build(cls: type, values: dict[str, Any], where: str) -> Any:
    """Instantiate dataclass ``cls`` from nested dicts, rejecting unknown keys."""
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = set(values) - set(fields)
    if unknown:
        raise ConfigError(f"unknown setting(s) {sorted(unknown)} in {where}; "
                          f"valid: {sorted(fields)}")
    kwargs = {}
    for name, value in values.items():
        factory = fields[name].default_factory
        if dataclasses.is_dataclass(factory) and isinstance(value, dict):
            value = _build(factory, value, f"{where}.{name}")
        elif isinstance(fields[name].default, tuple):
            value = tuple(value)
        kwargs[name] = value
    missing = [n for n, f in fields.items() if n not in kwargs
               and f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING]
    if missing:
        raise ConfigError(f"{where} lacks required setting(s) {missing}")
    return cls(**kwargs)


def parse_override(text: str) -> tuple[list[str], Any]:
    """Parse ``a.b=value`` into (["a", "b"], value); value is a Python literal or a string."""
    if "=" not in text:
        raise ConfigError(f"override {text!r} must look like key=value (e.g. optim.lr=3e-4)")
    key, raw = text.split("=", 1)
    try:
        value = ast.literal_eval(raw)
    except (ValueError, SyntaxError):
        value = raw
    return key.strip().split("."), value


def load_config(path: str | Path | None, overrides: list[str] = ()) -> TrainConfig:
    """Read a TOML recipe (optional) and apply ``key=value`` overrides in order."""
    values: dict[str, Any] = {}
    if path is not None:
        try:
            values = tomllib.loads(Path(path).read_text())
        except (OSError, tomllib.TOMLDecodeError) as err:
            raise ConfigError(f"cannot read training recipe {path}: {err}") from err
    for text in overrides:
        keys, value = parse_override(text)
        node = values
        for k in keys[:-1]:
            node = node.setdefault(k, {})
        node[keys[-1]] = value
    return _build(TrainConfig, values, str(path or "overrides"))


def config_to_dict(config: TrainConfig) -> dict[str, Any]:
    """Plain-dict form, stored in checkpoints and the metrics log."""
    return dataclasses.asdict(config)
