"""Fixed-shape caption decoding, replayable as one CUDA graph per step.

The KV-cached session of :mod:`sleeplm_core.model.sleeplm` grows its caches by concatenation
and reads the position as a Python int, so every token costs a few hundred kernel launches
from Python: on a GPU a 128-token caption of ``sleeplm-base`` took 12-15 ms per token, almost
all of it launch overhead (docs/training.md, "GPU session"). Here the caches are allocated
once for the whole caption, the position is a device tensor, and the slots not yet written
are masked, so a step has the same shapes every time and touches no host value: on a CUDA
device it is captured once as a graph and replayed, a handful of launches per token.

Only models with the CLIP text tower (``sleeplm-base``, the released layout) decode this way;
the MiniLM tower's tied vocabulary keeps the growing session.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import torch

from sleeplm_core.errors import ModelError
from sleeplm_core.model.text_towers import ClipTextTower


class StaticSession:
    """Greedy decoding of B rows for at most ``steps`` tokens, with fixed-size caches.

    Implements :class:`sleeplm_core.model.generation.DecodingSession` for one token per step
    (no beam reordering). On a CUDA device with ``graph=True`` each step replays a CUDA graph
    captured on the first call; the log-probabilities it returns are overwritten by the next
    step, so read them before stepping again.
    """

    def __init__(self, model, memory: torch.Tensor, condition: torch.Tensor | None, steps: int,
                 graph: bool = False) -> None:
        text, dec = model.text, model.text_decoder
        if not isinstance(text, ClipTextTower):
            raise ModelError("fixed-shape decoding needs the CLIP text tower (sleeplm-base)")
        prefix = 0 if condition is None else condition.shape[1]
        if steps > text.context_length or prefix + steps > dec.context_length:
            raise ModelError(f"{steps} caption tokens exceed the model's caption context "
                             f"({min(text.context_length, dec.context_length - prefix)})")
        self.text, self.dec, self.prefix = text, dec, prefix
        self.state = dec.start(memory, condition, model._vocab())
        b, device, dtype = memory.shape[0], memory.device, memory.dtype
        self.text_kv = [_buffers(block, b, steps, device, dtype) for block in text.transformer.resblocks]
        self.dec_kv = [_buffers(block, b, prefix + steps, device, dtype) for block in dec.resblocks]
        for (k, v), cache in zip(self.dec_kv, self.state.self_caches):
            # the condition prefix, run once by ``start``, fills the first slots for good
            k[:, :, :prefix] = cache.k
            v[:, :, :prefix] = cache.v
        self.ids = torch.zeros(b, 1, dtype=torch.long, device=device)
        self.pos = torch.zeros(1, dtype=torch.long, device=device)
        # the released tower hides the key at slot j > 0 when token j-1 was padding
        self.previous = torch.full((b, 1), text.pad_id, dtype=torch.long, device=device)
        self.valid = torch.zeros(b, steps, dtype=torch.bool, device=device)
        self.text_slots = torch.arange(steps, device=device)
        self.dec_slots = torch.arange(prefix + steps, device=device)
        self.graph = _Graph(self) if graph and device.type == "cuda" else None

    def step(self, ids: torch.Tensor) -> torch.Tensor:
        """Append ids [B, 1]; log-probs [B, V] of the next token."""
        if ids.shape != self.ids.shape:
            raise ModelError(f"fixed-shape decoding takes one token per row, {tuple(self.ids.shape)}; "
                             f"got {tuple(ids.shape)}")
        self.ids.copy_(ids)
        return self._advance() if self.graph is None else self.graph.replay()

    def select(self, index: torch.Tensor) -> None:
        raise ModelError("fixed-shape decoding is greedy: beam search keeps the growing session")

    def _advance(self) -> torch.Tensor:
        """One token at ``self.pos``: its keys and values written, the position moved on.
        Reads and writes device tensors only, so a CUDA graph can hold it."""
        pos, text = self.pos, self.text
        first = pos == 0
        self.valid.index_copy_(1, pos, first | (self.previous != text.pad_id))
        x = text.token_embedding(self.ids) + text.positional_embedding.index_select(0, pos)
        mask = ((self.text_slots <= pos) & self.valid)[:, None, None, :]
        for block, (k, v) in zip(text.transformer.resblocks, self.text_kv):
            x = block.forward_static(x, mask, k, v, pos)
        slot = pos + self.prefix
        mask = (self.dec_slots <= slot)[None, None, None, :]
        for block, cross, (k, v), ctx in zip(self.dec.resblocks, self.dec.cross_attn, self.dec_kv,
                                             self.state.cross_caches):
            x = block.forward_static(x, mask, k, v, slot)
            x = cross(x, cache=ctx, append=False)
        logits = self.dec._project_step(x, self.state)
        self.previous.copy_(self.ids)
        pos.add_(1)
        return torch.log_softmax(logits[:, -1].float(), dim=-1)


def _buffers(block, batch: int, slots: int, device: torch.device,
             dtype: torch.dtype) -> tuple[torch.Tensor, torch.Tensor]:
    heads, width = block.attn.heads, block.attn.dim
    shape = (batch, heads, slots, width // heads)
    return torch.zeros(shape, device=device, dtype=dtype), torch.zeros(shape, device=device, dtype=dtype)


class _Graph:
    """A session's step captured as a CUDA graph: warmed up on a side stream, captured, replayed.

    Warm-up and capture run the step for real; the session's position and slot state are
    saved before and restored after, so the first replay decodes the first token.
    """

    def __init__(self, owner: StaticSession) -> None:
        fn = owner._advance
        saved = [t.clone() for t in (owner.pos, owner.previous, owner.valid)]
        stream = torch.cuda.Stream()
        stream.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(stream), _uncached_autocast():
            for _ in range(2):
                fn()
                _restore(owner, saved)
        torch.cuda.current_stream().wait_stream(stream)
        self.graph = torch.cuda.CUDAGraph()
        with torch.cuda.graph(self.graph), _uncached_autocast():
            self.out = fn()
        _restore(owner, saved)

    def replay(self) -> torch.Tensor:
        self.graph.replay()
        return self.out


def _restore(owner: StaticSession, saved: list[torch.Tensor]) -> None:
    for target, value in zip((owner.pos, owner.previous, owner.valid), saved):
        target.copy_(value)


@contextlib.contextmanager
def _uncached_autocast() -> Iterator[None]:
    """The caller's CUDA autocast without its weight-cast cache, whose tensors a captured
    graph must not outlive (PyTorch's CUDA-graph notes)."""
    if not torch.is_autocast_enabled("cuda"):
        yield
        return
    with torch.autocast("cuda", dtype=torch.get_autocast_dtype("cuda"), cache_enabled=False):
        yield
