"""Two CPU ranks with gloo train a few steps and end with identical weights."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import torch
import torch.multiprocessing as mp

from test_train import build_tiny_dataset, tiny_config

from sleeplm_core.train import distributed as dist_util
from sleeplm_core.train.loop import setup_run, train_step
from sleeplm_core.train.step import build_model

STEPS = 3


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _rank(rank: int, world: int, port: int, data: str, out: str) -> None:
    # the variables torchrun would set
    os.environ.update(RANK=str(rank), WORLD_SIZE=str(world), LOCAL_RANK=str(rank),
                      MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port))
    run = setup_run(tiny_config(Path(data), Path(out), STEPS))
    run.stream.sampler.set_epoch(0)
    order = list(run.stream.sampler)
    seen = []
    for _ in range(STEPS):
        seen.append(run.stream.state.position)
        train_step(run)
    torch.save({"weights": run.core.state_dict(), "positions": seen, "order": order,
                "backend": torch.distributed.get_backend()}, Path(out) / f"rank{rank}.pt")
    dist_util.teardown()


def test_two_gloo_ranks_hold_identical_weights(tmp_path: Path) -> None:
    data = build_tiny_dataset(tmp_path / "ds")
    mp.spawn(_rank, args=(2, _free_port(), str(data), str(tmp_path)), nprocs=2, join=True)
    r0 = torch.load(tmp_path / "rank0.pt", weights_only=True)
    r1 = torch.load(tmp_path / "rank1.pt", weights_only=True)
    assert r0["backend"] == "gloo"
    assert r0["weights"].keys() == r1["weights"].keys()
    for name, w0 in r0["weights"].items():
        assert torch.equal(w0, r1["weights"][name]), name
    initial = tiny_config(data, tmp_path, STEPS)
    fresh = build_model(initial).state_dict()
    moved = [n for n, w in r0["weights"].items() if not torch.equal(w, fresh[n])]
    assert moved, "training changed no weight"
    # each rank reads its own half of the data, batch_size samples per step
    assert not set(r0["order"]) & set(r1["order"])
    assert r0["positions"] == r1["positions"] == [0, 8, 16]
