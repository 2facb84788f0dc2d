"""Building blocks shared by the towers: norms, MLPs, RoPE and SDPA attention.

Parameter names follow the released checkpoint (``in_proj_weight``, ``out_proj``,
``gate_proj.w1`` ...) so its state dict loads without renaming.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn


class RMSNorm(nn.Module):
    """Root-mean-square norm, computed in float32 (eps 1e-6) and cast back."""

    def __init__(self, dim: int, eps: float = 1e-6) -> None:
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        normed = F.rms_norm(x.float(), (x.shape[-1],), eps=self.eps)
        return normed.type_as(x) * self.weight


class LayerNorm(nn.LayerNorm):
    """LayerNorm computed in float32 so bf16 autocast keeps the statistics exact."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.layer_norm(x.float(), self.normalized_shape, self.weight.float(),
                            self.bias.float(), self.eps).type_as(x)


def make_norm(kind: str, dim: int) -> nn.Module:
    return RMSNorm(dim) if kind == "rmsnorm" else LayerNorm(dim)


class SwiGLU(nn.Module):
    """``silu(x W1) * (x W2)``."""

    def __init__(self, dim_in: int, dim_out: int, bias: bool) -> None:
        super().__init__()
        self.w1 = nn.Linear(dim_in, dim_out, bias=bias)
        self.w2 = nn.Linear(dim_in, dim_out, bias=bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.silu(self.w1(x)) * self.w2(x)


class GatedMLP(nn.Module):
    """Signal-encoder MLP: SwiGLU (or GELU/ReLU) up-projection, dropout, down-projection."""

    def __init__(self, dim: int, hidden: int, activation: str, bias: bool, dropout: float) -> None:
        super().__init__()
        self.activation = activation
        if activation == "swiglu":
            self.gate_proj = SwiGLU(dim, hidden, bias)
        else:
            self.up_proj = nn.Linear(dim, hidden, bias=bias)
        self.down_proj = nn.Linear(hidden, dim, bias=bias)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.activation == "swiglu":
            h = self.gate_proj(x)
        else:
            h = self.up_proj(x)
            h = F.gelu(h) if self.activation == "gelu" else F.relu(h)
        return self.dropout(self.down_proj(self.dropout(h)))


class RotaryEmbedding(nn.Module):
    """RoPE over interleaved (even, odd) feature pairs.

    ``learned=True`` makes the per-pair frequencies a parameter (initialised small, used
    on the channel axis where "position" is a channel id); otherwise they are the fixed
    ``theta ** (-2i/dim)`` ladder (time axis, in patches).
    """

    def __init__(self, dim: int, learned: bool, theta: float = 10000.0) -> None:
        super().__init__()
        if learned:
            self.freqs = nn.Parameter(torch.randn(dim // 2) * 0.02)
        else:
            self.register_buffer("freqs", 1.0 / theta ** (torch.arange(0, dim, 2).float() / dim))

    def cos_sin(self, length: int, device: torch.device,
                dtype: torch.dtype) -> tuple[torch.Tensor, torch.Tensor]:
        """Per-feature cos and signed sin [L, head_dim] for :meth:`rotate`.

        Each pair's angle is repeated for both of its features; the sin is negated on the
        even feature so the rotation becomes ``x * cos + swap(x) * sin``.
        """
        angles = torch.arange(length, device=device, dtype=torch.float32)[:, None] * self.freqs.float()[None]
        cos = angles.cos().repeat_interleave(2, dim=-1)
        sin = torch.stack((-angles.sin(), angles.sin()), dim=-1).flatten(-2)
        return cos.to(dtype), sin.to(dtype)

    @staticmethod
    def rotate(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
        """Rotate ``x`` [..., L, head_dim] pairwise: (e, o) -> (e cos - o sin, o cos + e sin).

        Written as three elementwise passes in ``x``'s own dtype, because on a GPU the
        encoder's RoPE is memory-bound.
        """
        swapped = x.unflatten(-1, (-1, 2)).flip(-1).flatten(-2)
        return x * cos + swapped * sin


class RoPEAttention(nn.Module):
    """Self-attention with separate q/k/v projections (no bias) and RoPE on q and k."""

    def __init__(self, dim: int, heads: int, dropout: float, rotary_emb: RotaryEmbedding) -> None:
        super().__init__()
        self.heads = heads
        self.dropout = dropout
        self.q_proj = nn.Linear(dim, dim, bias=False)
        self.k_proj = nn.Linear(dim, dim, bias=False)
        self.v_proj = nn.Linear(dim, dim, bias=False)
        self.out_proj = nn.Linear(dim, dim)
        self.rotary_emb = rotary_emb

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
        """x: [N, L, D]; mask: bool, broadcastable to [N, heads, L, L], True = may attend."""
        n, length, dim = x.shape
        q, k, v = (split_heads(p(x), self.heads) for p in (self.q_proj, self.k_proj, self.v_proj))
        cos, sin = self.rotary_emb.cos_sin(length, x.device, q.dtype)
        q, k = RotaryEmbedding.rotate(q, cos, sin), RotaryEmbedding.rotate(k, cos, sin)
        out = F.scaled_dot_product_attention(q, k, v, attn_mask=mask,
                                             dropout_p=self.dropout if self.training else 0.0)
        return self.out_proj(merge_heads(out))


def split_heads(x: torch.Tensor, heads: int) -> torch.Tensor:
    return x.unflatten(-1, (heads, -1)).transpose(1, 2)


def merge_heads(x: torch.Tensor) -> torch.Tensor:
    return x.transpose(1, 2).flatten(2)


class MultiheadAttention(nn.Module):
    """Packed-projection attention with :class:`torch.nn.MultiheadAttention`'s parameter
    layout, computed with SDPA, whose keys/values can be cached for decoding."""

    def __init__(self, dim: int, heads: int, dropout: float = 0.0) -> None:
        super().__init__()
        self.dim, self.heads, self.dropout = dim, heads, dropout
        self.in_proj_weight = nn.Parameter(torch.empty(3 * dim, dim))
        self.in_proj_bias = nn.Parameter(torch.zeros(3 * dim))
        self.out_proj = nn.Linear(dim, dim)
        nn.init.xavier_uniform_(self.in_proj_weight)
        nn.init.zeros_(self.out_proj.bias)

    def query(self, x: torch.Tensor) -> torch.Tensor:
        d = self.dim
        return split_heads(F.linear(x, self.in_proj_weight[:d], self.in_proj_bias[:d]), self.heads)

    def keys_values(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        d = self.dim
        k, v = F.linear(x, self.in_proj_weight[d:], self.in_proj_bias[d:]).chunk(2, dim=-1)
        return split_heads(k, self.heads), split_heads(v, self.heads)

    def attend(self, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor,
               mask: torch.Tensor | None = None) -> torch.Tensor:
        out = F.scaled_dot_product_attention(q, k, v, attn_mask=mask,
                                             dropout_p=self.dropout if self.training else 0.0)
        return self.out_proj(merge_heads(out))

    def forward(self, x: torch.Tensor, context: torch.Tensor | None = None,
                mask: torch.Tensor | None = None) -> torch.Tensor:
        """Attend from ``x`` [B, L, D] to ``context`` (default: ``x``)."""
        k, v = self.keys_values(x if context is None else context)
        return self.attend(self.query(x), k, v, mask)


@dataclass
class KVCache:
    """Keys and values [B, heads, S, head_dim] of one attention layer."""

    k: torch.Tensor
    v: torch.Tensor

    def extend(self, k: torch.Tensor, v: torch.Tensor) -> None:
        self.k = torch.cat([self.k, k], dim=2)
        self.v = torch.cat([self.v, v], dim=2)

    def select(self, index: torch.Tensor) -> None:
        """Keep batch rows ``index`` (beam reordering)."""
        self.k = self.k.index_select(0, index)
        self.v = self.v.index_select(0, index)


class ResidualAttentionBlock(nn.Module):
    """Pre-norm CLIP block: ``x + attn(ln_1 x)``, then ``x + mlp(ln_2 x)`` (GELU MLP).

    With ``cross=True`` the attention reads a context normalised by ``ln_1_kv``.
    """

    def __init__(self, dim: int, heads: int, mlp_ratio: float, cross: bool = False) -> None:
        super().__init__()
        self.ln_1 = LayerNorm(dim)
        self.attn = MultiheadAttention(dim, heads)
        if cross:
            self.ln_1_kv = LayerNorm(dim)
        self.ln_2 = LayerNorm(dim)
        hidden = int(dim * mlp_ratio)
        self.mlp = nn.Sequential(OrderedDict([
            ("c_fc", nn.Linear(dim, hidden)), ("gelu", nn.GELU()), ("c_proj", nn.Linear(hidden, dim)),
        ]))

    def context_kv(self, context: torch.Tensor) -> KVCache:
        """Keys/values of a cross-attention context, computed once per caption."""
        return KVCache(*self.attn.keys_values(self.ln_1_kv(context)))

    def forward_static(self, x: torch.Tensor, mask: torch.Tensor, k_buf: torch.Tensor,
                       v_buf: torch.Tensor, slot: torch.Tensor) -> torch.Tensor:
        """Self-attention of one position ``x`` [B, 1, D] whose keys/values go to ``slot`` (a
        1-element long tensor) of fixed buffers [B, heads, S, head_dim]; ``mask`` [B|1, 1, 1, S]
        marks the slots it may read. Touches no host value (fixed-shape decoding)."""
        h = self.ln_1(x)
        k, v = self.attn.keys_values(h)
        k_buf.index_copy_(2, slot, k.to(k_buf.dtype))
        v_buf.index_copy_(2, slot, v.to(v_buf.dtype))
        x = x + self.attn.attend(self.attn.query(h), k_buf, v_buf, mask)
        return x + self.mlp(self.ln_2(x))

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None = None,
                cache: KVCache | None = None, append: bool = True) -> torch.Tensor:
        """Self-attention (``cache`` holds past keys, extended when ``append``) or, for a
        cross block, attention to the cached context (``append=False``)."""
        h = self.ln_1(x)
        q = self.attn.query(h)
        if cache is None:
            k, v = self.attn.keys_values(h)
        elif append:
            cache.extend(*self.attn.keys_values(h))
            k, v = cache.k, cache.v
        else:
            k, v = cache.k, cache.v
        x = x + self.attn.attend(q, k, v, mask)
        return x + self.mlp(self.ln_2(x))
