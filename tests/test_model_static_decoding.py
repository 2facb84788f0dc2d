"""Fixed-shape (CUDA-graph-ready) caption decoding against the growing KV-cached session, on
the released architecture's tiny golden fixture. The graph itself needs a CUDA device; what
it replays is this session's step, checked here on the CPU."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

from sleeplm_core.errors import ModelError
from sleeplm_core.model import SleepLM, create_model
from sleeplm_core.model.generation import greedy
from sleeplm_core.model.static_decoding import StaticSession

TINY = Path(__file__).resolve().parent / "fixtures" / "official-sleeplm" / "tiny"
TOL = 1e-4


@pytest.fixture(scope="module")
def tiny() -> SleepLM:
    return SleepLM.from_pretrained(TINY / "model.safetensors", config=TINY / "config.json").eval()


@pytest.fixture(scope="module")
def golden() -> dict[str, torch.Tensor]:
    return load_file(str(TINY / "golden.safetensors"))


def _start(tiny: SleepLM, golden: dict[str, torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
    memory = tiny.biosignals(golden["signals"]).decoder_tokens
    return memory, tiny.condition_embeddings(golden["channel_indices"])


def test_each_step_equals_the_growing_session(tiny, golden) -> None:
    """The golden captions hold padding, whose key masking the released tower has its own
    way of doing; every position's log-probabilities match."""
    tokens = golden["text_tokens"][:, :24]
    assert (tokens == tiny.text.pad_id).any()
    with torch.no_grad():
        memory, condition = _start(tiny, golden)
        growing = tiny.decoding_session(memory, condition)
        fixed = StaticSession(tiny, memory, condition, steps=tokens.shape[1])
        for i in range(tokens.shape[1]):
            want, got = growing.step(tokens[:, i: i + 1]), fixed.step(tokens[:, i: i + 1])
            assert (want - got).abs().max() <= TOL, f"position {i}"


def test_greedy_captions_are_the_same_tokens(tiny, golden) -> None:
    tok = tiny.tokenizer
    with torch.no_grad():
        memory, condition = _start(tiny, golden)
        want = greedy(tiny.decoding_session(memory, condition), len(memory), tok.sot_id, tok.eot_id, 30,
                      memory.device)
        got = greedy(StaticSession(tiny, memory, condition, steps=30), len(memory), tok.sot_id,
                     tok.eot_id, 30, memory.device)
    assert [h.tokens for h in got] == [h.tokens for h in want]
    assert all(len(h.tokens) > 3 for h in want)
    for a, b in zip(got, want):
        assert max(abs(x - y) for x, y in zip(a.scores, b.scores)) <= TOL


def test_graphs_on_a_cpu_keep_the_growing_session(tiny, golden) -> None:
    with torch.no_grad():
        memory, condition = _start(tiny, golden)
        tiny.enable_cuda_graphs()
        try:
            session = tiny.decoding_session(memory, condition, steps=8)
        finally:
            tiny._cuda_graphs = False
    assert not isinstance(session, StaticSession)


def test_what_fixed_shapes_cannot_do_is_refused(tiny, golden) -> None:
    with torch.no_grad():
        memory, condition = _start(tiny, golden)
        with pytest.raises(ModelError, match="caption context"):
            StaticSession(tiny, memory, condition, steps=tiny.text.context_length + 1)
        session = StaticSession(tiny, memory, condition, steps=4)
        with pytest.raises(ModelError, match="one token per row"):
            session.step(golden["text_tokens"][:, :2])
        with pytest.raises(ModelError, match="beam search"):
            session.select(torch.tensor([0]))
    mini = create_model("sleeplm-mini", seed=1)
    with pytest.raises(ModelError, match="CLIP text tower"):
        mini.enable_cuda_graphs()
