"""Channel-dropout augmentation, so the model copes with montages that lack channels."""

from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass
class ChannelDropout:
    """Randomly remove present channels from some epochs.

    Attributes:
        p_epoch: probability that an epoch loses any channel at all.
        p_channel: probability that each present channel of such an epoch is removed.
        min_keep: channels that always survive, so no epoch becomes empty.
    """

    p_epoch: float = 0.5
    p_channel: float = 0.3
    min_keep: int = 1

    def __call__(self, signals: torch.Tensor, mask: torch.Tensor,
                 generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        """Return copies of ``signals`` (B, C, T) and ``mask`` (B, C) with channels dropped.

        Dropped channels are zero-filled and marked absent, exactly like channels a
        recording never had, so training sees the same input as inference.
        """
        b, c = mask.shape
        hit = torch.rand(b, 1, generator=generator) < self.p_epoch
        drop = (torch.rand(b, c, generator=generator) < self.p_channel) & hit & mask
        # where too few would survive, keep `min_keep` random present channels instead
        keep = mask & ~drop
        short = keep.sum(1) < torch.clamp(mask.sum(1), max=self.min_keep)
        if short.any():
            noise = torch.rand(b, c, generator=generator).masked_fill(~mask, -1.0)
            top = noise.topk(self.min_keep, dim=1).indices
            rescue = torch.zeros_like(mask).scatter_(1, top, True) & mask
            keep = torch.where(short[:, None], keep | rescue, keep)
        return signals * keep[:, :, None].to(signals.dtype), keep
