"""The weight average of a run's late steps: its arithmetic, its folder, and its resume."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from sleeplm_core.model import load_model
from sleeplm_core.train.averaging import WeightAverage
from sleeplm_core.train.config import ConfigError, load_config
from sleeplm_core.train.logbook import read_metrics
from sleeplm_core.train.loop import train
from test_train import build_tiny_dataset, tiny_config


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_dataset(tmp_path_factory.mktemp("ds"))


def _weights(folder: Path) -> dict[str, torch.Tensor]:
    return load_model(folder).state_dict()


def test_the_average_is_the_arithmetic_mean_and_the_model_gets_its_own_weights_back() -> None:
    model = torch.nn.Linear(3, 2)
    model.bias.requires_grad_(False)  # frozen parameters are not averaged
    average = WeightAverage(model)
    seen = []
    for value in (1.0, 2.0, 6.0):
        with torch.no_grad():
            model.weight.fill_(value)
        seen.append(model.weight.detach().clone())
        average.update(model)
    with torch.no_grad():
        model.weight.fill_(-1.0)
    with average.applied(model):
        assert torch.allclose(model.weight, torch.stack(seen).mean(0))
    assert torch.equal(model.weight, torch.full((2, 3), -1.0))
    assert average.names == ["weight"] and average.count == 3


def test_applying_an_empty_average_is_refused() -> None:
    with pytest.raises(ValueError, match="no weights averaged"):
        with WeightAverage(torch.nn.Linear(2, 2)).applied(torch.nn.Linear(2, 2)):
            pass


def test_a_run_saves_the_mean_of_its_late_steps_beside_its_final_weights(dataset: Path,
                                                                         tmp_path: Path) -> None:
    last_only, several = tmp_path / "last_only", tmp_path / "several"
    train(tiny_config(dataset, last_only, 4, "average_from=4"), progress=False)
    # one averaged step is that step's weights
    final, averaged = _weights(last_only / "final"), _weights(last_only / "average")
    assert all(torch.equal(final[k], averaged[k]) for k in final)
    train(tiny_config(dataset, several, 4, "average_from=1"), progress=False)
    final, averaged = _weights(several / "final"), _weights(several / "average")
    moved = [k for k in final if not torch.equal(final[k], averaged[k])]
    # the trained weights moved; the frozen MiniLM is never averaged
    assert moved and not any(k.startswith("text.hf.") for k in moved)
    rows = [r for r in read_metrics(several / "metrics.jsonl") if r["split"] == "val_average"]
    assert len(rows) == 1 and rows[0]["averaged_steps"] == 4 and "zs_kappa" in rows[0]


def test_a_resumed_run_averages_the_same_steps_as_an_unbroken_one(dataset: Path,
                                                                  tmp_path: Path) -> None:
    straight, broken = tmp_path / "straight", tmp_path / "broken"
    train(tiny_config(dataset, straight, 4, "average_from=1"), progress=False)
    # a zero budget stops after step 1, whose weights are already in the mean
    stopped = train(tiny_config(dataset, broken, 4, "average_from=1", "max_minutes=0"),
                    progress=False)
    assert stopped.step == 1
    train(tiny_config(dataset, broken, 4, "average_from=1"), resume=True, progress=False)
    a, b = _weights(straight / "average"), _weights(broken / "average")
    assert all(torch.equal(a[k], b[k]) for k in a)


def test_a_run_stopped_before_its_average_starts_writes_none(dataset: Path,
                                                             tmp_path: Path) -> None:
    train(tiny_config(dataset, tmp_path, 4, "average_from=3", "max_minutes=0"), progress=False)
    assert (tmp_path / "final").is_dir() and not (tmp_path / "average").exists()


@pytest.mark.parametrize("start", [0, 11, 99])
def test_an_average_start_outside_the_run_is_refused(start: int) -> None:
    with pytest.raises(ConfigError, match="average_from = .*from 1 to steps"):
        load_config(None, ["data=d", "out=o", "steps=10", f"average_from={start}"])
