"""Signal encoder: per-channel patches -> dual-axis transformer -> attentional poolers.

Shapes: B epochs, C channels, T patches per channel, D width. An epoch [C, L] becomes
patch tokens [C, T, D]; blocks alternate attention across channels (within a patch
time) and across time (within a channel); poolers summarise the C*T tokens into one
global token (contrastive head) and N decoder tokens (caption decoder).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from sleeplm_core.model.config import SignalEncoderConfig
from sleeplm_core.model.layers import GatedMLP, MultiheadAttention, RoPEAttention, RotaryEmbedding, make_norm
from sleeplm_core.model.envelope import PatchEnvelope
from sleeplm_core.model.oximetry import PatchOximetry
from sleeplm_core.model.spectral import PatchSpectrum


class ChannelPatching(nn.Module):
    """One Conv1d (kernel = stride = patch) applied to every channel on its own."""

    def __init__(self, patch_size: int, conv_embed_dim: int) -> None:
        super().__init__()
        self.conv_patching = nn.Conv1d(1, conv_embed_dim, kernel_size=patch_size, stride=patch_size)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x [B, C, L] -> [B, C, T, conv_embed_dim]."""
        b, c, length = x.shape
        patches = self.conv_patching(x.reshape(b * c, 1, length))
        return patches.reshape(b, c, patches.shape[1], patches.shape[2]).transpose(2, 3)


class DualAxisBlock(nn.Module):
    """Channel attention + MLP, then ``temporal_layers`` x (temporal attention + MLP).

    Residuals are post-norm (``norm(x + f(x))``), as in the released model.
    """

    def __init__(self, cfg: SignalEncoderConfig, channel_rope: RotaryEmbedding) -> None:
        super().__init__()
        d, head_dim = cfg.width, cfg.width // cfg.heads
        hidden = int(d * cfg.mlp_ratio)

        def mlp() -> GatedMLP:
            return GatedMLP(d, hidden, cfg.activation, cfg.mlp_bias, cfg.dropout)

        self.channel_attention = RoPEAttention(d, cfg.heads, cfg.dropout, channel_rope)
        self.channel_norm = make_norm(cfg.norm_type, d)
        self.temporal_attention_layers = nn.ModuleList(
            RoPEAttention(d, cfg.heads, cfg.dropout, RotaryEmbedding(head_dim, learned=False))
            for _ in range(cfg.temporal_layers))
        self.temporal_norms = nn.ModuleList(make_norm(cfg.norm_type, d) for _ in range(cfg.temporal_layers))
        self.channel_mlp = mlp()
        self.temporal_mlps = nn.ModuleList(mlp() for _ in range(cfg.temporal_layers))
        self.channel_mlp_norm = make_norm(cfg.norm_type, d)
        self.temporal_mlp_norms = nn.ModuleList(make_norm(cfg.norm_type, d) for _ in range(cfg.temporal_layers))

    def forward(self, x: torch.Tensor, channel_mask: torch.Tensor | None) -> torch.Tensor:
        """x [B, C, T, D]; channel_mask bool [B, C] (True = present) or None."""
        b, c, t, d = x.shape
        xc = x.transpose(1, 2).reshape(b * t, c, d)
        mask = None
        if channel_mask is not None:
            # every patch time of an epoch shares that epoch's key mask
            mask = channel_mask.repeat_interleave(t, dim=0)[:, None, None, :]
        xc = self.channel_norm(xc + self.channel_attention(xc, mask))
        xc = self.channel_mlp_norm(xc + self.channel_mlp(xc))
        xt = xc.reshape(b, t, c, d).transpose(1, 2).reshape(b * c, t, d)
        for attn, norm, mlp, mlp_norm in zip(self.temporal_attention_layers, self.temporal_norms,
                                             self.temporal_mlps, self.temporal_mlp_norms):
            xt = norm(xt + attn(xt))
            xt = mlp_norm(xt + mlp(xt))
        return xt.reshape(b, c, t, d)


class AttnPooler(nn.Module):
    """Learned queries attending over a token sequence (CoCa task-specific pooling)."""

    def __init__(self, dim: int, heads: int, n_query: int) -> None:
        super().__init__()
        self.query_tokens = nn.Parameter(torch.randn(1, n_query, dim) * 0.02)
        self.attn = MultiheadAttention(dim, heads)

    def forward(self, tokens: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
        """tokens [B, L, D], mask bool [B, L] (True = may attend) -> [B, n_query, D]."""
        q = self.query_tokens.expand(tokens.shape[0], -1, -1)
        return self.attn(q, tokens, None if mask is None else mask[:, None, None, :])


@dataclass
class SignalEncoding:
    """Outputs of :class:`SignalEncoder`.

    Attributes:
        embedding: [B, embed_dim], unnormalised joint-space embedding.
        decoder_tokens: [B, decoder_tokens, D] memory for the caption decoder.
        dense: [B, T, embed_dim] unnormalised joint-space embedding of each patch time
            (``dense_tokens`` models), else None.
        patch_mask: bool [B, C, T] of patches replaced by the mask token (training with
            reconstruction masking), else None.
    """

    embedding: torch.Tensor
    decoder_tokens: torch.Tensor
    patch_mask: torch.Tensor | None = None
    dense: torch.Tensor | None = None


class SignalEncoder(nn.Module):
    """Epochs [B, C, L] -> joint-space embedding + decoder tokens."""

    def __init__(self, cfg: SignalEncoderConfig, embed_dim: int, mask_ratio: float = 0.0) -> None:
        super().__init__()
        self.cfg = cfg
        self.mask_ratio = mask_ratio
        d, head_dim = cfg.width, cfg.width // cfg.heads
        self.proj_to_embed = nn.Linear(d, embed_dim)
        self.attn_pool = MultiheadAttention(d, cfg.heads)
        self.patching = ChannelPatching(cfg.patch_size, cfg.conv_embed_dim)
        self.embed_projection = nn.Linear(cfg.conv_embed_dim, d)
        if cfg.spectral_tokens:
            self.spectrum = PatchSpectrum(cfg.patch_size, cfg.sample_rate, d)
        if cfg.envelope_tokens:
            self.envelope = PatchEnvelope(cfg.patch_size, cfg.sample_rate, d)
        if cfg.oximetry_tokens:
            self.oximetry = PatchOximetry(cfg.patch_size, cfg.sample_rate, cfg.num_patches, d)
        self.channel_id_embed = nn.Embedding(cfg.input_channels, d)
        if mask_ratio > 0:
            self.mask_token = nn.Parameter(torch.zeros(d))
        shared = RotaryEmbedding(head_dim, learned=True) if cfg.share_channel_rope else None
        if shared is not None:
            self.shared_channel_rope = shared
        self.transformer_blocks = nn.ModuleList(
            DualAxisBlock(cfg, shared if shared is not None else RotaryEmbedding(head_dim, learned=True))
            for _ in range(cfg.layers))
        self.ln_final = make_norm(cfg.norm_type, d)
        self.contrastive_pooler = AttnPooler(d, cfg.heads, 1)
        self.decoder_pooler = AttnPooler(d, cfg.heads, cfg.decoder_tokens)
        if cfg.dense_tokens:
            self.dense_proj = nn.Linear(d, embed_dim)

    def _mask_patches(self, x: torch.Tensor, channel_mask: torch.Tensor | None) -> torch.Tensor:
        """Replace a random ``mask_ratio`` of present patches by the mask token; [B, C, T] bool."""
        b, c, t, _ = x.shape
        chosen = torch.rand(b, c, t, device=x.device) < self.mask_ratio
        if channel_mask is not None:
            chosen &= channel_mask[:, :, None]
        x.masked_scatter_(chosen[..., None].expand_as(x),
                          self.mask_token.to(x.dtype).expand(int(chosen.sum()), -1))
        return chosen

    def forward(self, signals: torch.Tensor, channel_mask: torch.Tensor | None = None,
                spo2: torch.Tensor | None = None) -> SignalEncoding:
        """signals [B, C, L] (z-scored); channel_mask bool [B, C], True = present, or None
        to let every channel take part (the released model's behaviour); spo2 [B, 60] SpO2
        in % at 2 Hz, NaN where missing, or None (read only with ``oximetry_tokens``)."""
        if channel_mask is not None:
            # an epoch with no present channel falls back to using them all
            channel_mask = channel_mask | ~channel_mask.any(dim=1, keepdim=True)
        x = self.embed_projection(self.patching(signals))
        if self.cfg.spectral_tokens:
            x = x + self.spectrum(signals)
        if self.cfg.envelope_tokens:
            x = x + self.envelope(signals)
        if self.cfg.oximetry_tokens and spo2 is not None:
            x = x + self.oximetry(spo2)[:, None]
        patch_mask = None
        if self.mask_ratio > 0 and self.training:
            x = x.clone()
            patch_mask = self._mask_patches(x, channel_mask)
        b, c, t, d = x.shape
        x = x + self.channel_id_embed.weight[None, :, None, :]
        for block in self.transformer_blocks:
            x = block(x, channel_mask)
        normed = self.ln_final(x)
        seq = normed.reshape(b, c * t, d)
        token_mask = None if channel_mask is None else channel_mask.repeat_interleave(t, dim=1)
        global_token = self.contrastive_pooler(seq, token_mask)
        decoder_tokens = self.decoder_pooler(seq, token_mask)
        pooled = self.attn_pool(global_token, decoder_tokens).squeeze(1)
        dense = self._dense(normed, channel_mask) if self.cfg.dense_tokens else None
        return SignalEncoding(self.proj_to_embed(pooled), decoder_tokens, patch_mask, dense)

    def _dense(self, tokens: torch.Tensor, channel_mask: torch.Tensor | None) -> torch.Tensor:
        """tokens [B, C, T, D] -> [B, T, embed_dim]: mean over present channels, projected."""
        if channel_mask is None:
            per_time = tokens.mean(dim=1)
        else:
            weights = channel_mask.to(tokens.dtype)[:, :, None, None]
            per_time = (tokens * weights).sum(1) / weights.sum(1).clamp_min(1.0)
        return self.dense_proj(per_time)


def flatten_patch_mask(patch_mask: torch.Tensor, patch_size: int) -> torch.Tensor:
    """[B, C, T] patch mask -> [B, C, T * patch_size] sample mask."""
    return patch_mask.repeat_interleave(patch_size, dim=2)


def present_channels(signals: torch.Tensor) -> torch.Tensor:
    """bool [B, C], True where a channel carries signal (not all exactly zero)."""
    return signals.ne(0).any(dim=2)

