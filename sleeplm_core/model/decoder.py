"""Caption decoder: condition prefix + text states, causal self-attention and
cross-attention to the signal's decoder tokens, with a key/value cache for generation.

Sequence layout: ``[condition_1 .. condition_P, text_1 .. text_L]``. Condition tokens
attend to each other only (bidirectional); text tokens attend to every condition token
and causally to text. Only text positions produce logits.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from sleeplm_core.errors import ModelError
from sleeplm_core.model.config import DecoderConfig
from sleeplm_core.model.layers import KVCache, LayerNorm, ResidualAttentionBlock


@dataclass
class DecoderState:
    """Self-attention caches (growing) and cross-attention keys/values (fixed)."""

    self_caches: list[KVCache]
    cross_caches: list[KVCache]
    folded_vocab: FoldedVocab | None = None
    length: int = 0

    def select(self, index: torch.Tensor) -> None:
        for cache in (*self.self_caches, *self.cross_caches):
            cache.select(index)


def prefix_causal_mask(prefix: int, text: int, device: torch.device) -> torch.Tensor:
    """Bool [P+L, P+L], True = may attend (see module docstring)."""
    total = prefix + text
    mask = torch.ones(total, total, dtype=torch.bool, device=device).tril()
    mask[:prefix, :prefix] = True
    return mask


@dataclass
class FoldedVocab:
    """The output map of a tied decoder restricted to its caption vocabulary.

    ``weight`` [K, width] and ``bias`` [K] give the logits of token ids ``ids`` [K].
    """

    ids: torch.Tensor
    weight: torch.Tensor
    bias: torch.Tensor


class TiedVocab(nn.Module):
    """Token input and output through a frozen external embedding matrix E [V, H].

    Input: ``E[ids] W_in + pos``; output logits: ``(h W_out) E^T + b``. Only the
    projections, positions, the per-token bias and the caption-vocabulary mask are stored
    with the model. ``caption_vocab`` (bool [V]) marks the tokens generation may emit;
    the trainer scores its captions over the same tokens (:meth:`caption_ids`), since a
    softmax over the whole WordPiece vocabulary was half of a CPU training step.
    """

    def __init__(self, width: int, hidden: int, vocab_size: int, context_length: int) -> None:
        super().__init__()
        self.token_in = nn.Linear(hidden, width)
        self.positional_embedding = nn.Parameter(torch.randn(context_length, width) * 0.01)
        self.token_out = nn.Linear(width, hidden, bias=False)
        self.output_bias = nn.Parameter(torch.zeros(vocab_size))
        self.register_buffer("caption_vocab", torch.ones(vocab_size, dtype=torch.bool))

    def embed(self, ids: torch.Tensor, vocab: torch.Tensor, offset: int) -> torch.Tensor:
        x = self.token_in(F.embedding(ids, vocab))
        return x + self.positional_embedding[offset: offset + ids.shape[1]]

    def logits(self, h: torch.Tensor, vocab: torch.Tensor,
               ids: torch.Tensor | None = None) -> torch.Tensor:
        """Logits [.., V], or [.., K] over the token ids ``ids`` [K] only."""
        if ids is None:
            return F.linear(self.token_out(h), vocab.to(h.dtype), self.output_bias.to(h.dtype))
        return F.linear(self.token_out(h), vocab[ids].to(h.dtype), self.output_bias[ids].to(h.dtype))

    def caption_ids(self) -> torch.Tensor | None:
        """Token ids [K] of the caption vocabulary, None while it is the whole vocabulary."""
        return None if bool(self.caption_vocab.all()) else self.caption_vocab.nonzero().flatten()

    def positions(self, labels: torch.Tensor, ids: torch.Tensor, missing: int) -> torch.Tensor:
        """Token ids -> their index in ``ids`` (``missing`` for tokens outside it)."""
        lookup = labels.new_full((self.caption_vocab.numel(),), missing)
        lookup[ids] = torch.arange(len(ids), device=labels.device)
        return lookup[labels]

    def fold(self, vocab: torch.Tensor) -> FoldedVocab:
        """``E[ids] W_out`` [K, width] over the caption vocabulary: one small matrix, so a
        decoding step (memory-bound on CPU) reads K x width floats instead of V x H."""
        ids = self.caption_vocab.nonzero().flatten()
        weight = vocab[ids].to(self.token_out.weight.dtype) @ self.token_out.weight
        return FoldedVocab(ids, weight, self.output_bias[ids])

    def folded_logits(self, h: torch.Tensor, folded: FoldedVocab) -> torch.Tensor:
        """Full-width logits [.., V]; tokens outside the caption vocabulary get -inf."""
        sub = F.linear(h, folded.weight.to(h.dtype), folded.bias.to(h.dtype))
        out = sub.new_full((*sub.shape[:-1], self.output_bias.shape[0]), float("-inf"))
        out[..., folded.ids] = sub
        return out


class CaptionDecoder(nn.Module):
    """Multimodal decoder (``text_decoder.*`` in the released checkpoint)."""

    def __init__(self, cfg: DecoderConfig, vocab_size: int, tied_hidden: int | None = None) -> None:
        super().__init__()
        self.context_length = cfg.context_length
        self.resblocks = nn.ModuleList(
            ResidualAttentionBlock(cfg.width, cfg.heads, cfg.mlp_ratio) for _ in range(cfg.layers))
        self.cross_attn = nn.ModuleList(
            ResidualAttentionBlock(cfg.width, cfg.heads, cfg.mlp_ratio, cross=True) for _ in range(cfg.layers))
        self.ln_final = LayerNorm(cfg.width)
        if tied_hidden is None:
            self.text_projection = nn.Parameter(torch.randn(cfg.width, vocab_size) * cfg.width ** -0.5)
        else:
            self.vocab = TiedVocab(cfg.width, tied_hidden, vocab_size, cfg.context_length)

    def _layers(self, x: torch.Tensor, mask: torch.Tensor | None, self_caches: list[KVCache] | None,
                cross_caches: list[KVCache]) -> torch.Tensor:
        for i, (block, cross) in enumerate(zip(self.resblocks, self.cross_attn)):
            x = block(x, mask, None if self_caches is None else self_caches[i])
            x = cross(x, cache=cross_caches[i], append=False)
        return x

    def project(self, h: torch.Tensor, vocab: torch.Tensor | None,
                ids: torch.Tensor | None = None) -> torch.Tensor:
        """Final norm + vocabulary projection: [B, n, W] -> logits [B, n, V] (or [B, n, K]
        over the tied vocabulary's token ids ``ids``)."""
        h = self.ln_final(h)
        if vocab is None:
            return h @ self.text_projection
        return self.vocab.logits(h, vocab, ids)

    def _project_step(self, h: torch.Tensor, state: DecoderState) -> torch.Tensor:
        if state.folded_vocab is None:
            return self.project(h, None)
        return self.vocab.folded_logits(self.ln_final(h), state.folded_vocab)

    def forward(self, memory: torch.Tensor, text: torch.Tensor, condition: torch.Tensor | None,
                vocab: torch.Tensor | None = None, ids: torch.Tensor | None = None) -> torch.Tensor:
        """memory [B, N, W] signal tokens, text [B, L, W] states, condition [B, P, W] or None
        -> logits [B, L, V] (teacher forcing; [B, L, K] over a tied vocabulary's ``ids``)."""
        prefix = 0 if condition is None else condition.shape[1]
        if text.shape[1] > self.context_length:
            raise ModelError(f"caption of {text.shape[1]} tokens exceeds the decoder's context of "
                             f"{self.context_length}; tokenize with the model's tokenizer")
        x = text if condition is None else torch.cat([condition.to(text.dtype), text], dim=1)
        mask = prefix_causal_mask(prefix, text.shape[1], text.device)
        cross = [blk.context_kv(memory) for blk in self.cross_attn]
        return self.project(self._layers(x, mask, None, cross)[:, prefix:], vocab, ids)

    def start(self, memory: torch.Tensor, condition: torch.Tensor | None,
              vocab: torch.Tensor | None = None) -> DecoderState:
        """Cache the cross-attention context (and folded tied vocabulary) and run the
        condition prefix once."""
        b, width = memory.shape[0], memory.shape[2]
        heads = self.resblocks[0].attn.heads
        empty = memory.new_zeros(b, heads, 0, width // heads)
        state = DecoderState([KVCache(empty, empty) for _ in self.resblocks],
                             [blk.context_kv(memory) for blk in self.cross_attn],
                             None if vocab is None else self.vocab.fold(vocab))
        if condition is not None:
            # prefix rows never see text, so running them alone gives their final keys
            self._layers(condition.to(memory.dtype), None, state.self_caches, state.cross_caches)
        return state

    def step(self, text: torch.Tensor, state: DecoderState) -> torch.Tensor:
        """Logits [B, n, V] for ``text`` [B, n, W] appended after the cached positions."""
        n = text.shape[1]
        past = state.self_caches[0].k.shape[2]
        mask = None
        if n > 1:
            mask = torch.ones(n, past + n, dtype=torch.bool, device=text.device).tril(diagonal=past)
        state.length += n
        return self._project_step(self._layers(text, mask, state.self_caches, state.cross_caches), state)
