"""The SleepLM model: signal encoder, text tower, caption decoder, optional
reconstruction head, and the inference API used by the heads, index and app."""

from __future__ import annotations

import contextlib
import logging
import math
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from sleeplm_core.errors import ModelError
from sleeplm_core.model.config import MODALITIES, ModelConfig
from sleeplm_core.model.decoder import CaptionDecoder, DecoderState
from sleeplm_core.model.generation import Caption, beam_search, greedy
from sleeplm_core.model.reconstruction import SignalReconstructionHead
from sleeplm_core.model.static_decoding import StaticSession
from sleeplm_core.model.signal_encoder import (
    SignalEncoder, SignalEncoding, flatten_patch_mask, present_channels,
)
from sleeplm_core.model.text_towers import ClipTextTower, MiniLMTextTower, TextDecodeState, minilm_path
from sleeplm_core.model.tokenizer import ClipTokenizer, Tokenizer, WordPieceTokenizer

log = logging.getLogger(__name__)

_OUTSIDE = -100
"""Label of padding and of tokens outside the caption vocabulary in a restricted pass."""

Epochs = np.ndarray | torch.Tensor


class SleepLM(nn.Module):
    """Signal-text model (CoCa family) for 30-s, 10-channel, 64-Hz epochs.

    Build one with :func:`sleeplm_core.model.create_model` or load one with
    :func:`sleeplm_core.model.load_model` / :meth:`from_pretrained`.
    """

    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        config.validate()
        self.config = config
        dec_width = config.decoder.width
        self.logit_scale = nn.Parameter(torch.tensor(float(config.init_logit_scale)))
        if config.signal.dense_tokens:
            # sigmoid(scale * cosine + bias) = chance that a patch time holds the text's
            # event; the bias starts where events are rare (SigLIP's initialisation idea)
            self.dense_logit_scale = nn.Parameter(torch.tensor(math.log(10.0)))
            self.dense_logit_bias = nn.Parameter(torch.tensor(-5.0))
        self.channel_embeddings = nn.Parameter(torch.randn(config.num_caption_channels, dec_width) * 0.02)
        self.padding_embedding = nn.Parameter(torch.randn(dec_width) * 0.02)
        if config.text.kind == "clip":
            self.text: ClipTextTower | MiniLMTextTower = ClipTextTower(config.text, config.embed_dim)
            vocab_size, tied_hidden = config.text.vocab_size, None
        else:
            self.text = MiniLMTextTower(config.text, config.embed_dim)
            vocab_size, tied_hidden = self.text.word_embeddings().shape
        recon = config.reconstruction
        self.biosignals = SignalEncoder(config.signal, config.embed_dim,
                                        recon.mask_ratio if recon.enabled else 0.0)
        self.text_decoder = CaptionDecoder(config.decoder, vocab_size, tied_hidden)
        if recon.enabled:
            self.signal_decoder = SignalReconstructionHead(config.signal, recon.heads)
        self._tokenizer: Tokenizer | None = None
        self._compiled_encoder: nn.Module | None = None
        self._cuda_graphs = False
        # set by checkpoint loading: keys that did not line up (checkpoint.LoadReport)
        self.load_report: object | None = None

    # ------------------------------------------------------------------ helpers
    @property
    def tokenizer(self) -> Tokenizer:
        """The tokenizer matching this model's vocabulary (built on first use)."""
        if self._tokenizer is None:
            if self.config.text.kind == "clip":
                self._tokenizer = ClipTokenizer(self.config.text.context_length)
            else:
                self._tokenizer = WordPieceTokenizer(self.config.text.context_length, minilm_path())
        return self._tokenizer

    @property
    def device(self) -> torch.device:
        return self.logit_scale.device

    def _vocab(self) -> torch.Tensor | None:
        """External word-embedding matrix of a tied decoder, else None."""
        return self.text.word_embeddings() if isinstance(self.text, MiniLMTextTower) else None

    def condition_embeddings(self, channel_indices: torch.Tensor) -> torch.Tensor:
        """Modality indices [B] or [B, P] (-1 = padding) -> prefix embeddings [B, P, W].

        A 1-D index fills the first prefix slot; the remaining slots are padding.
        """
        idx = channel_indices.to(self.device, torch.long)
        prefix = self.config.prefix_len
        if idx.ndim == 1:
            idx = torch.cat([idx[:, None], idx.new_full((idx.shape[0], max(prefix - 1, 0)), -1)], dim=1)
        if idx.shape[1] > prefix:
            raise ModelError(f"{idx.shape[1]} condition tokens given but the model's prefix_len is {prefix}")
        if bool(((idx < -1) | (idx >= self.config.num_caption_channels)).any()):
            raise ModelError(f"modality index out of range: use -1 or 0..{self.config.num_caption_channels - 1} "
                             f"({', '.join(f'{i}={m}' for i, m in enumerate(MODALITIES))})")
        gathered = self.channel_embeddings[idx.clamp(min=0)]
        return torch.where((idx >= 0)[..., None], gathered, self.padding_embedding)

    def _channel_mask(self, signals: torch.Tensor, channel_mask: torch.Tensor | None) -> torch.Tensor | None:
        """The key mask the encoder uses: None in official mode, else the given mask or
        the channels that are not all zeros."""
        if not self.config.mask_absent_channels:
            return None
        if channel_mask is None:
            return present_channels(signals)
        return channel_mask.to(signals.device, torch.bool).expand(signals.shape[0], -1)

    # ------------------------------------------------------------------ training forward
    def forward(self, signals: torch.Tensor, text_tokens: torch.Tensor | None = None,
                channel_indices: torch.Tensor | None = None,
                channel_mask: torch.Tensor | None = None,
                text_pooled: torch.Tensor | None = None,
                caption_vocab_only: bool = False,
                spo2: torch.Tensor | None = None) -> dict[str, torch.Tensor | int]:
        """Training/evaluation pass.

        Args:
            signals: float [B, C, L] epochs (z-scored per channel, absent channels zero).
            text_tokens: long [B, T] from :attr:`tokenizer` (start ... end, padding).
            channel_indices: caption modality per epoch, [B] or [B, prefix_len]
                (0 brain, 1 heart, 2 respiratory, 3 position_muscle, 4 stage_event,
                -1 padding); None feeds no condition prefix.
            channel_mask: bool [B, C] or [C], True = channel present; None infers it
                from all-zero channels. Ignored when ``config.mask_absent_channels`` is
                False (the released model's behaviour).
            text_pooled: for a frozen MiniLM tower, ``model.text.pool(text_tokens)``
                computed beforehand (e.g. cached per caption), so training skips MiniLM.
            caption_vocab_only: with a tied vocabulary restricted by
                :meth:`restrict_caption_vocabulary`, score only those K tokens (as
                generation does): ``logits`` are then [B, T-1, K] and ``labels`` index them
                (tokens outside the vocabulary count as padding).
            spo2: float [B, 60] SpO2 in % at 2 Hz beside each epoch, NaN where missing
                (read only by a model with ``signal.oximetry_tokens``); None: no oximetry.

        Returns a dict with
            ``image_features`` [B, E] and ``text_features`` [B, E] (L2-normalised joint
            embeddings), ``logit_scale`` (exp of the learned temperature parameter),
            ``image_embs`` [B, N, W] decoder tokens, and with text: ``logits`` [B, T-1, V]
            (next-token logits for positions 0..T-2), ``labels`` [B, T-1] (the tokens they
            predict) and ``pad_id`` (the label value a caption loss must ignore).
            With the reconstruction head: ``reconstruction`` and ``reconstruction_target``
            [B, C, L] plus ``reconstruction_mask`` bool [B, C, L] — the masked patches when
            ``reconstruction.mask_ratio`` > 0 in training, otherwise every sample of the
            present channels; the MSE is meant over the True entries.
        """
        mask = self._channel_mask(signals, channel_mask)
        enc = self.biosignals(signals, mask, spo2)
        out: dict[str, torch.Tensor | int] = {
            "image_features": F.normalize(enc.embedding, dim=-1),
            "image_embs": enc.decoder_tokens,
            "logit_scale": self.logit_scale.exp(),
        }
        if enc.dense is not None:
            out.update(dense_features=F.normalize(enc.dense, dim=-1),
                       dense_logit_scale=self.dense_logit_scale.exp(),
                       dense_logit_bias=self.dense_logit_bias)
        if self.config.reconstruction.enabled:
            out.update(self._reconstruction(signals, enc.decoder_tokens, mask, enc.patch_mask))
        if text_tokens is None:
            return out
        text_tokens = text_tokens.to(signals.device)
        if text_pooled is None:
            text_embedding, token_states = self.text(text_tokens)
        elif isinstance(self.text, MiniLMTextTower):
            text_embedding, token_states = self.text(text_tokens, pooled=text_pooled.to(signals.device))
        else:
            raise ModelError("text_pooled applies to the MiniLM text tower (sleeplm-mini) only")
        vocab = self._vocab()
        inputs = (token_states[:, :-1] if vocab is None
                  else self.text_decoder.vocab.embed(text_tokens[:, :-1], vocab, 0))
        condition = None if channel_indices is None else self.condition_embeddings(channel_indices)
        ids = self.text_decoder.vocab.caption_ids() if caption_vocab_only and vocab is not None else None
        labels, pad_id = text_tokens[:, 1:], self.config.text.pad_id
        if ids is not None:
            labels, pad_id = self.text_decoder.vocab.positions(labels, ids, _OUTSIDE), _OUTSIDE
        out.update(
            text_features=F.normalize(text_embedding, dim=-1),
            logits=self.text_decoder(enc.decoder_tokens, inputs, condition, vocab, ids),
            labels=labels,
            pad_id=pad_id,
        )
        return out

    def _reconstruction(self, signals: torch.Tensor, tokens: torch.Tensor, mask: torch.Tensor | None,
                        patch_mask: torch.Tensor | None) -> dict[str, torch.Tensor]:
        if patch_mask is not None:
            loss_mask = flatten_patch_mask(patch_mask, self.config.signal.patch_size)
        else:
            present = mask if mask is not None else torch.ones(signals.shape[:2], dtype=torch.bool,
                                                               device=signals.device)
            loss_mask = present[:, :, None].expand_as(signals)
        return {"reconstruction": self.signal_decoder(tokens), "reconstruction_target": signals,
                "reconstruction_mask": loss_mask}

    # ------------------------------------------------------------------ inference API
    @contextlib.contextmanager
    def _inference(self) -> Iterator[None]:
        was_training = self.training
        self.eval()
        autocast = (torch.autocast("cuda", dtype=torch.bfloat16) if self.device.type == "cuda"
                    else contextlib.nullcontext())
        try:
            with torch.inference_mode(), autocast:
                yield
        finally:
            self.train(was_training)

    def enable_compile(self) -> None:
        """Use ``torch.compile`` for the signal encoder in :meth:`encode_signals`."""
        self._compiled_encoder = torch.compile(self.biosignals, dynamic=True)

    def enable_cuda_graphs(self) -> None:
        """Decode greedy captions on a CUDA device with fixed-shape caches, one CUDA graph
        replay per token (:mod:`sleeplm_core.model.static_decoding`); CLIP-tower models only."""
        if not isinstance(self.text, ClipTextTower):
            raise ModelError("CUDA-graph decoding needs the CLIP text tower (sleeplm-base); "
                             "this model keeps the KV-cached session")
        self._cuda_graphs = True

    def _batches(self, epochs: Epochs, mask: np.ndarray | torch.Tensor | None, batch_size: int,
                 spo2: Epochs | None = None
                 ) -> Iterator[tuple[torch.Tensor, torch.Tensor | None, torch.Tensor | None]]:
        shape = tuple(epochs.shape)
        c, length = self.config.signal.input_channels, self.config.signal.signal_length
        if len(shape) != 3 or shape[1:] != (c, length):
            raise ModelError(f"epochs of shape {shape} do not fit the model: expected [N, {c}, {length}] "
                             "(10 canonical channels, 30 s at 64 Hz); build them with sleeplm_core.io")
        mask_t = mask if mask is None or isinstance(mask, torch.Tensor) else torch.from_numpy(np.asarray(mask))
        mask_t = None if mask_t is None else mask_t.to(torch.bool)
        if spo2 is not None and len(spo2) != shape[0]:
            raise ModelError(f"{len(spo2)} SpO2 rows for {shape[0]} epochs; pass one row per epoch")
        for start in range(0, shape[0], batch_size):
            chunk = epochs[start: start + batch_size]
            x = torch.as_tensor(np.asarray(chunk, dtype=np.float32)) if isinstance(chunk, np.ndarray) else chunk.float()
            m = mask_t if mask_t is None or mask_t.ndim == 1 else mask_t[start: start + batch_size]
            o = None if spo2 is None else torch.as_tensor(np.asarray(spo2[start: start + batch_size],
                                                                     dtype=np.float32))
            yield (x.to(self.device, non_blocking=True), None if m is None else m.to(self.device),
                   None if o is None else o.to(self.device))

    def encode_signals(self, epochs: Epochs, mask: np.ndarray | torch.Tensor | None = None,
                       batch_size: int = 256, spo2: Epochs | None = None) -> torch.Tensor:
        """L2-normalised embeddings [N, E] (float32, CPU) of epochs [N, C, L].

        ``mask``: bool [C] or [N, C], True = channel present (see :meth:`forward`).
        ``spo2``: [N, 60] SpO2 beside the epochs (see :meth:`forward`), or None.
        Runs without gradients, in eval mode, with bf16 autocast on a GPU.
        """
        out = [F.normalize(enc.embedding.float(), dim=-1).cpu()
               for enc in self._encodings(epochs, mask, batch_size, spo2)]
        return torch.cat(out) if out else torch.zeros(0, self.config.embed_dim)

    def _encodings(self, epochs: Epochs, mask: np.ndarray | torch.Tensor | None,
                   batch_size: int, spo2: Epochs | None = None) -> Iterator[SignalEncoding]:
        """The encoder's outputs batch by batch, without gradients, in eval mode."""
        encoder = self.biosignals if self._compiled_encoder is None else self._compiled_encoder
        with self._inference():
            for x, m, o in self._batches(epochs, mask, batch_size, spo2):
                yield encoder(x, self._channel_mask(x, m), o)

    @property
    def has_dense(self) -> bool:
        """True when the model embeds every patch time (see :meth:`encode_with_dense`)."""
        return self.config.signal.dense_tokens

    @property
    def reads_oximetry(self) -> bool:
        """True when the model reads the SpO2 beside each epoch (``oximetry_tokens``)."""
        return self.config.signal.oximetry_tokens

    @property
    def dense_seconds(self) -> float:
        """Length of one dense time bin (a patch), in seconds."""
        return self.config.signal.patch_size / self.config.signal.sample_rate

    @property
    def dense_threshold(self) -> float:
        """Dense probability at which localization calls a bin positive (see ModelConfig)."""
        return self.config.dense_threshold

    @property
    def dense_thresholds(self) -> dict[str, float]:
        """Operating points of single query phrases (see ModelConfig)."""
        return dict(self.config.dense_thresholds)

    @property
    def dense_min_durations(self) -> dict[str, float]:
        """Shortest regions (seconds) of single query phrases (see ModelConfig)."""
        return dict(self.config.dense_min_durations)

    @property
    def dense_max_durations(self) -> dict[str, float]:
        """Longest regions (seconds) of single query phrases (see ModelConfig)."""
        return dict(self.config.dense_max_durations)

    @property
    def dense_whole_bins(self) -> list[str]:
        """Single query phrases localized on whole dense bins, not 0.5-s sub-bins (see ModelConfig)."""
        return list(self.config.dense_whole_bins)

    @property
    def dense_rivals(self) -> dict[str, dict[str, float]]:
        """Rival phrases and margins of single query phrases (see ModelConfig)."""
        return {phrase: dict(r) for phrase, r in self.config.dense_rivals.items()}

    def _require_dense(self) -> None:
        if not self.has_dense:
            raise ModelError("this model has no dense tokens; use a model trained with dense_tokens")

    def dense_probability(self, cosine: np.ndarray | torch.Tensor) -> np.ndarray:
        """Chance, as trained, that a time bin at this dense-text ``cosine`` holds the
        text's event: sigmoid(scale * cosine + bias)."""
        self._require_dense()
        scale, bias = float(self.dense_logit_scale.detach().exp()), float(self.dense_logit_bias.detach())
        return 1.0 / (1.0 + np.exp(-(scale * np.asarray(cosine, dtype=np.float64) + bias)))

    def encode_with_dense(self, epochs: Epochs, mask: np.ndarray | torch.Tensor | None = None,
                          batch_size: int = 256,
                          spo2: Epochs | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """Epoch embeddings [N, E] and patch-time embeddings [N, T, E] (T = 15 for 2-s
        patches), both L2-normalised float32 on the CPU, from one encoder pass."""
        self._require_dense()
        epochs_out, dense_out = [], []
        for enc in self._encodings(epochs, mask, batch_size, spo2):
            epochs_out.append(F.normalize(enc.embedding.float(), dim=-1).cpu())
            dense_out.append(F.normalize(enc.dense.float(), dim=-1).cpu())
        if not epochs_out:
            t = self.config.signal.num_patches
            return torch.zeros(0, self.config.embed_dim), torch.zeros(0, t, self.config.embed_dim)
        return torch.cat(epochs_out), torch.cat(dense_out)

    def encode_text(self, texts: Sequence[str], batch_size: int = 256) -> torch.Tensor:
        """L2-normalised text embeddings [M, E] (float32, CPU)."""
        texts = [texts] if isinstance(texts, str) else list(texts)
        out = []
        with self._inference():
            for start in range(0, len(texts), batch_size):
                ids = self.tokenizer.encode(texts[start: start + batch_size]).to(self.device)
                out.append(F.normalize(self.text(ids)[0].float(), dim=-1).cpu())
        return torch.cat(out) if out else torch.zeros(0, self.config.embed_dim)

    def restrict_caption_vocabulary(self, texts: Iterable[str], batch_size: int = 512) -> int:
        """Let generation emit only tokens that occur in ``texts`` (plus the end token).

        The trainer calls it with its dataset's captions before the first step: training
        (``caption_vocab_only``) and decoding then score a few hundred tokens instead of the
        whole WordPiece vocabulary (faster on a CPU, and never off-language). Scores are
        log-probabilities renormalised over this vocabulary. Only for tied-vocabulary
        decoders (sleeplm-mini). Returns its size.
        """
        if not self.config.decoder.tied_vocab:
            raise ModelError("a caption vocabulary applies to tied-vocabulary models (sleeplm-mini) only")
        tok, texts = self.tokenizer, list(texts)
        allowed = torch.zeros_like(self.text_decoder.vocab.caption_vocab)
        for start in range(0, len(texts), batch_size):
            allowed[tok.encode(texts[start: start + batch_size]).unique().to(allowed.device)] = True
        allowed[[tok.pad_id, tok.sot_id]] = False
        allowed[tok.eot_id] = True
        self.text_decoder.vocab.caption_vocab.copy_(allowed)
        size = int(allowed.sum())
        log.info("caption vocabulary restricted to %d of %d tokens", size, allowed.numel())
        return size

    def decoding_session(self, memory: torch.Tensor, condition: torch.Tensor | None,
                         steps: int | None = None) -> "_Session | StaticSession":
        """A KV-cached decoder over ``memory`` [B, N, W] decoder tokens (see generation); with
        CUDA graphs enabled on a CUDA device and ``steps`` (the most tokens it will take, one
        per step) given, the fixed-shape graphed one."""
        if self._cuda_graphs and steps is not None and memory.device.type == "cuda":
            return StaticSession(self, memory, condition, steps, graph=True)
        return _Session(self, memory, condition)

    def caption(self, epochs: Epochs, modality: str | int | Sequence[str | int],
                max_new_tokens: int = 96, num_beams: int = 1,
                mask: np.ndarray | torch.Tensor | None = None, batch_size: int = 64,
                spo2: Epochs | None = None) -> list[Caption]:
        """Generate one caption per epoch.

        Args:
            epochs: [N, C, L] or a single [C, L] epoch.
            modality: one modality (name or index, see ``MODALITIES``) or one per epoch.
            max_new_tokens: cap on generated tokens (end token included).
            num_beams: 1 = greedy; > 1 = beam search (one epoch at a time).
            mask: channel mask as in :meth:`encode_signals`.
            spo2: SpO2 beside the epochs as in :meth:`encode_signals` ([60] with one epoch).
        """
        if isinstance(epochs, (np.ndarray, torch.Tensor)) and epochs.ndim == 2:
            epochs = epochs[None]
            spo2 = None if spo2 is None else spo2[None]
        limit = min(self.config.decoder.context_length, self.config.text.context_length)
        if max_new_tokens + 1 > limit:
            raise ModelError(f"max_new_tokens={max_new_tokens} exceeds the model's caption context "
                             f"({limit - 1} new tokens at most)")
        indices = _modality_indices(modality, len(epochs))
        captions: list[Caption] = []
        with self._inference():
            for x, m, o in self._batches(epochs, mask, batch_size, spo2):
                memory = self.biosignals(x, self._channel_mask(x, m), o).decoder_tokens
                rows = indices[len(captions): len(captions) + len(x)].to(self.device)
                with _decoding_threads(self.device):
                    captions.extend(self._generate(memory, rows, max_new_tokens, num_beams))
        return captions

    def _generate(self, memory: torch.Tensor, modality: torch.Tensor, max_new_tokens: int,
                  num_beams: int) -> list[Caption]:
        tok = self.tokenizer
        condition = self.condition_embeddings(modality) if self.config.prefix_len > 0 else None
        if num_beams == 1:
            session = self.decoding_session(memory, condition, steps=max_new_tokens)
            hyps = greedy(session, len(memory), tok.sot_id, tok.eot_id, max_new_tokens, self.device)
        else:
            hyps = [beam_search(self.decoding_session(memory[i: i + 1],
                                                      None if condition is None else condition[i: i + 1]),
                                tok.sot_id, tok.eot_id, max_new_tokens, num_beams, self.device)
                    for i in range(len(memory))]
        return [Caption(tok.decode(h.tokens), h.tokens, h.scores[: len(h.tokens)],
                        h.total / max(len(h.scores), 1)) for h in hyps]

    # ------------------------------------------------------------------ persistence
    @classmethod
    def from_pretrained(cls, weights_path: str | Path, config: str | Path | dict | ModelConfig,
                        trust_pickle: bool = False) -> "SleepLM":
        """Load released-layout weights (``.pt`` training checkpoint or ``.safetensors``)
        with a config in the official or our JSON form; see ``checkpoint.load_weights``."""
        from sleeplm_core.model.checkpoint import load_pretrained

        return load_pretrained(weights_path, config, trust_pickle)

    def save_pretrained(self, folder: str | Path) -> Path:
        """Write ``config.json`` + ``model.safetensors`` (see ``checkpoint.save_pretrained``)."""
        from sleeplm_core.model.checkpoint import save_pretrained

        return save_pretrained(self, folder)


class _Session:
    """KV-cached decoding of B rows: text tower state (CLIP) + decoder state."""

    def __init__(self, model: SleepLM, memory: torch.Tensor, condition: torch.Tensor | None) -> None:
        self.model = model
        self.vocab = model._vocab()
        self.decoder: DecoderState = model.text_decoder.start(memory, condition, self.vocab)
        self.text: TextDecodeState | None = None
        if isinstance(model.text, ClipTextTower):
            self.text = model.text.start(memory.shape[0], memory.device)

    def step(self, ids: torch.Tensor) -> torch.Tensor:
        if self.text is not None:
            states = self.model.text.step(ids, self.text)
        else:
            states = self.model.text_decoder.vocab.embed(ids, self.vocab, self.decoder.length)
        logits = self.model.text_decoder.step(states, self.decoder)
        return torch.log_softmax(logits[:, -1].float(), dim=-1)

    def select(self, index: torch.Tensor) -> None:
        self.decoder.select(index)
        if self.text is not None:
            self.text.select(index)


@contextlib.contextmanager
def _decoding_threads(device: torch.device) -> Iterator[None]:
    """One intra-op thread while decoding on a CPU.

    A decoding step is a chain of tiny matrix-vector products: extra threads only add
    synchronisation, and on a busy machine they spin while descheduled (measured: 2
    threads cost 8x the CPU time of 1). The previous count is restored afterwards.
    """
    if device.type != "cpu":
        yield
        return
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


def _modality_indices(modality: str | int | Sequence[str | int], n: int) -> torch.Tensor:
    items = [modality] * n if isinstance(modality, (str, int)) else list(modality)
    if len(items) != n:
        raise ModelError(f"{len(items)} modalities given for {n} epochs; give one, or one per epoch")
    out = []
    for item in items:
        if isinstance(item, str):
            if item not in MODALITIES:
                raise ModelError(f"unknown modality {item!r}; use one of {', '.join(MODALITIES)}")
            item = MODALITIES.index(item)
        out.append(int(item))
    return torch.tensor(out, dtype=torch.long)
