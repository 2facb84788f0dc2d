"""Shared fixtures: small synthetic nights written as real EDF files, and the bundled night."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest

from sleeplm_core.io.edf_write import write_edf
from sleeplm_core.io.synth import SynthConfig, synth_night

if TYPE_CHECKING:
    from app.engine import Engine
    from app.night import LoadedNight


def _write_synthetic(folder: Path, name: str, hours: float, seed: int) -> Path:
    rec = synth_night(SynthConfig(hours=hours, seed=seed, ahi=30.0))
    return write_edf(rec, folder / name)


@pytest.fixture(scope="session")
def synthetic_edf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 1-h synthetic night (full montage, scored stages and events in EDF+), seed 7."""
    return _write_synthetic(tmp_path_factory.mktemp("synthetic"), "synthetic_1h.edf", 1.0, 7)


@pytest.fixture(scope="session")
def short_synthetic_edf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 30-min synthetic night, seed 11, for tests that only need a second recording."""
    return _write_synthetic(tmp_path_factory.mktemp("synthetic_short"), "synthetic_30min.edf",
                            0.5, 11)


@pytest.fixture(scope="session")
def demo() -> tuple[LoadedNight, Engine]:
    """The bundled 8-h synthetic night (``assets/demo/synthetic_night.edf``, human-scored
    stages and events), read and encoded once for the session, and its engine."""
    # Imported here: the app (torch, the model) takes seconds to import and most tests
    # never ask for this night.
    from app.engine import DEMO_DIR, EngineConfig, build_engine
    from app.night import embed_night, read_night

    engine = build_engine(EngineConfig(threads=2))
    night = read_night(DEMO_DIR / "synthetic_night.edf", "synthetic_night")
    embed_night(night, engine)
    return night, engine


@pytest.fixture(scope="session")
def sc4001(demo) -> tuple[LoadedNight, Engine]:
    """The bundled in-bed SC4001 night with its expert hypnogram (a 33-year-old woman with a
    rectal temperature probe; she wakes before the recording ends), and the demo's engine."""
    from app.engine import DEMO_DIR
    from app.night import read_night

    night = read_night(DEMO_DIR / "SC4001E0_inbed.edf", "sc4001",
                       hypnogram=DEMO_DIR / "SC4001E0_inbed_hypnogram.edf")
    return night, demo[1]


@pytest.fixture(scope="session")
def sc4001_read(demo) -> tuple[LoadedNight, Engine]:
    """SC4001 with its expert hypnogram, read by the model and machine-scored as the app loads
    it (``sc4001`` is left unread by the model), for the stagings set against each other."""
    from app.engine import DEMO_DIR
    from app.night import embed_night, read_night

    night = read_night(DEMO_DIR / "SC4001E0_inbed.edf", "sc4001-read",
                       hypnogram=DEMO_DIR / "SC4001E0_inbed_hypnogram.edf")
    embed_night(night, demo[1])
    return night, demo[1]


@pytest.fixture(scope="session")
def demo_unscored(demo):
    """The bundled night with its scoring taken away: stages and events machine-scored."""
    night, engine = demo
    rec = replace(night.recording, stages=np.zeros(0, dtype=np.int8), events=[])
    unscored = replace(night, recording=rec, epochs=replace(night.epochs, stages=np.full(night.n_epochs, -1)),
                       _summary={})
    assert unscored.machine is not None and any(e.type == "hypopnea" for e in unscored.machine.events)
    return unscored, engine


@pytest.fixture(scope="session")
def sc4001_unscored(demo) -> tuple[LoadedNight, Engine]:
    """The same night as a technician loads it with no scoring file: machine-scored from its
    signals (YASA and the AASM rules), then encoded, and the demo's engine."""
    from app.engine import DEMO_DIR
    from app.night import embed_night, read_night

    night = read_night(DEMO_DIR / "SC4001E0_inbed.edf", "sc4001-unscored")
    embed_night(night, demo[1])
    return night, demo[1]


@pytest.fixture(scope="session")
def fraction_spo2(demo) -> LoadedNight:
    """The bundled night with its SpO2 stored as a 0-1 fraction, as an uncalibrated file holds
    it: every value outside the physiological range."""
    from dataclasses import replace

    night, _ = demo
    label = night.epochs.aux_mapping["SPO2"]
    signals = dict(night.recording.signals)
    signals[label] = replace(signals[label], data=signals[label].data / 100)
    return replace(night, recording=replace(night.recording, signals=signals))


@pytest.fixture(scope="session")
def home_test(demo, tmp_path_factory: pytest.TempPathFactory):
    """A 4-h home sleep test (airflow, belts, oximetry, pulse, position; no EEG), written without
    its scoring as a technician loads one, and the demo's engine."""
    from app.night import embed_night, read_night

    rec = synth_night(SynthConfig(hours=4.0, seed=6567, profile="hst", ahi=40.0, position_changes=6))
    folder = tmp_path_factory.mktemp("hst")
    # the scoring goes to a file of its own, which the night is read without
    night = read_night(write_edf(rec, folder / "hst.edf", hypnogram_path=folder / "hst_scoring.edf"), "hst")
    embed_night(night, demo[1])
    return night, demo[1]


@pytest.fixture(scope="session")
def unsure_rem(demo, tmp_path_factory: pytest.TempPathFactory):
    """Seed 9191 (6 h, a randomised montage, age 29), written without its scoring: YASA starts the
    night's first REM period at an epoch it gives REM 43 % and N2 40 %, and its sleep at an epoch
    it gives N2 46 % and W 31 %."""
    from app.night import embed_night, read_night

    rec = synth_night(SynthConfig(hours=6, ahi=2, age=29, profile="random", seed=9191, frac_central=0.1))
    folder = tmp_path_factory.mktemp("unsure_rem")
    night = read_night(write_edf(rec, folder / "n9191.edf", hypnogram_path=folder / "n9191_scoring.edf"), "n9191")
    embed_night(night, demo[1])
    return night, demo[1]


@pytest.fixture(scope="session")
def child(demo, tmp_path_factory: pytest.TempPathFactory):
    """A 10-year-old's two scored hours with obstructive events, the age only in the file's header."""
    from chat_dialogues import scored_synthetic

    return scored_synthetic(demo, tmp_path_factory.mktemp("child"), "child", hours=2.0, seed=7801, age=10.0, ahi=8.0)
