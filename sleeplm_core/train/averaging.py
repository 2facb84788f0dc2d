"""A uniform running mean of the trained weights over the late steps of a run.

Stochastic weight averaging (Izmailov et al., 2018) and its domain-generalisation form,
SWAD (Cha et al., 2021): the mean of the weights visited while the learning rate is low
lies in a flatter region of the loss than any one of them, and a flatter solution holds up
better when the test data differ from the training data, as real nights differ from the
synthetic ones this model learns from. The model has no batch norm, so the averaged
weights need no statistics recomputed.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import torch


class WeightAverage:
    """Running mean of a model's trainable parameters, in float32.

    ``update`` after an optimizer step adds the current weights; ``applied`` swaps the
    mean into the model for saving or evaluation and restores the trained weights after.
    """

    def __init__(self, model: torch.nn.Module) -> None:
        self.names = [n for n, p in model.named_parameters() if p.requires_grad]
        self.mean: dict[str, torch.Tensor] = {}
        self.count = 0

    @torch.no_grad()
    def update(self, model: torch.nn.Module) -> None:
        params = dict(model.named_parameters())
        self.count += 1
        for name in self.names:
            value = params[name].detach().float()
            if self.count == 1:
                self.mean[name] = value.clone()
            else:
                self.mean[name].add_(value - self.mean[name], alpha=1.0 / self.count)

    @contextlib.contextmanager
    def applied(self, model: torch.nn.Module) -> Iterator[torch.nn.Module]:
        """The model with the averaged weights inside the block, its own weights after."""
        if self.count == 0:
            raise ValueError("no weights averaged yet")
        params = dict(model.named_parameters())
        kept = {name: params[name].detach().clone() for name in self.names}
        with torch.no_grad():
            for name in self.names:
                params[name].copy_(self.mean[name])
        try:
            yield model
        finally:
            with torch.no_grad():
                for name in self.names:
                    params[name].copy_(kept[name])

    def state_dict(self) -> dict:
        return {"count": self.count, "mean": {k: v.cpu() for k, v in self.mean.items()}}

    def load_state_dict(self, state: dict, device: torch.device) -> None:
        self.count = int(state["count"])
        self.mean = {k: v.to(device) for k, v in state["mean"].items()}
