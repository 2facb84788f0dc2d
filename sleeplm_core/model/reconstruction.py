"""Signal-reconstruction head: rebuilds the epoch from the decoder tokens alone.

Reading only the pooled decoder tokens (not the per-patch states) makes the loss teach
the pooler to keep waveform information, which the captions then draw on.
"""

from __future__ import annotations

import torch
from torch import nn

from sleeplm_core.model.config import SignalEncoderConfig
from sleeplm_core.model.layers import MultiheadAttention, RMSNorm


class SignalReconstructionHead(nn.Module):
    """One learned query per (channel, patch) attends over the decoder tokens, then a
    linear layer emits that patch's samples."""

    def __init__(self, cfg: SignalEncoderConfig, heads: int) -> None:
        super().__init__()
        self.channels, self.patches, self.patch_size = cfg.input_channels, cfg.num_patches, cfg.patch_size
        self.queries = nn.Parameter(torch.randn(self.channels * self.patches, cfg.width) * 0.02)
        self.attn = MultiheadAttention(cfg.width, heads)
        self.norm = RMSNorm(cfg.width)
        self.to_signal = nn.Linear(cfg.width, cfg.patch_size)

    def forward(self, decoder_tokens: torch.Tensor) -> torch.Tensor:
        """decoder_tokens [B, N, D] -> reconstructed epochs [B, C, L] (z-score units)."""
        b = decoder_tokens.shape[0]
        q = self.queries.expand(b, -1, -1).to(decoder_tokens.dtype)
        patches = self.to_signal(self.norm(q + self.attn(q, decoder_tokens)))
        return patches.reshape(b, self.channels, self.patches * self.patch_size)
