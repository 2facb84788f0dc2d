"""Augmentations for transfer: channel dropout (montages that lack channels) and
per-channel gain jitter (recordings whose amplitudes, after the per-recording robust
z-score, still differ from the synthetic nights', e.g. through other derivations,
filters or a night dominated by one stage)."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from sleeplm_core.io.epochset import CANONICAL_CHANNELS

_LEVEL_CHANNELS = torch.tensor([name == "POS" for name in CANONICAL_CHANNELS])
"""Channels holding codes (body position), never rescaled."""


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

    def oximetry(self, spo2: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        """A copy of ``spo2`` (B, S) with some epochs' SpO2 removed (set to NaN), each with
        the chance that any one present channel is dropped (``p_epoch * p_channel``), so a
        model that reads SpO2 still learns to work on nights recorded without it."""
        gone = torch.rand(spo2.shape[0], 1, generator=generator) < self.p_epoch * self.p_channel
        return spo2.masked_fill(gone, float("nan"))


@dataclass
class GainJitter:
    """Scale each channel of some epochs by a random log-normal gain.

    Attributes:
        p_epoch: probability that an epoch's channels are rescaled.
        log_sd: standard deviation of the natural-log gain (0.3: most gains in 0.55-1.8).
    """

    p_epoch: float = 0.0
    log_sd: float = 0.3

    def __call__(self, signals: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        """A copy of ``signals`` (B, 10, T) with per-channel gains; absent (zero) channels
        stay zero and body-position codes are left as they are."""
        if self.p_epoch <= 0:
            return signals
        b, c = signals.shape[:2]
        hit = (torch.rand(b, 1, generator=generator) < self.p_epoch) & ~_LEVEL_CHANNELS[None, :c]
        gain = torch.exp(torch.randn(b, c, generator=generator) * self.log_sd)
        gain = torch.where(hit, gain, torch.ones_like(gain))
        return signals * gain[:, :, None].to(signals.dtype)
