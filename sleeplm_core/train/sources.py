"""Where training nights come from: recording files, synthetic nights, YASA's snippets.

Each function returns :class:`~sleeplm_core.train.build.NightItem` objects whose
loaders run only when the builder needs the night.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np

from sleeplm_core.errors import RecordingError
from sleeplm_core.io.epochs import make_epochs
from sleeplm_core.io.load import load_recording, open_night
from sleeplm_core.io.montage import map_montage
from sleeplm_core.io.recording import EPOCH_SEC, STAGES, Recording
from sleeplm_core.io.synth import CHANNEL_LABELS, SynthConfig, synth_night
from sleeplm_core.train.build import Night, NightItem
from sleeplm_core.train.store import safe_id


def night_of(recording: Recording, overrides: dict[str, str] | None = None) -> Night:
    """Map the montage of an in-memory recording and cut it into model-ready epochs."""
    montage = map_montage(recording, overrides)
    return recording, montage, make_epochs(recording, montage)


def file_items(paths: Sequence[str | Path], split: str | None = None,
               hypnograms: Sequence[str | Path] | None = None) -> list[NightItem]:
    """Nights read from recording files (EDF/EDF+/BDF).

    Args:
        paths: recording files.
        split: force every file into this split (None: hashed by recording id).
        hypnograms: scoring file of each recording, in the same order (None: the
            loader looks for scoring beside or inside the file).
    """
    if hypnograms is not None and len(hypnograms) != len(paths):
        raise RecordingError(f"{len(hypnograms)} hypnogram(s) given for {len(paths)} recording(s); "
                             "give one per recording, in the same order")
    items = []
    for i, p in enumerate(map(Path, paths)):
        if not p.exists():
            raise RecordingError(f"{p} not found; check the path of the recording")
        hyp = None if hypnograms is None else Path(hypnograms[i])
        items.append(NightItem(safe_id(p.name), str(p), partial(open_night, p, hyp), split))
    return items


@dataclass
class SynthCorpus:
    """A family of varied synthetic nights.

    Attributes:
        n_nights: nights generated.
        seed: seed of the draw of each night's settings (and of each night).
        hours: (min, max) night length in hours.
        val_every: every ``val_every``-th night goes to the validation split.
        p_dropout: probability that a night lacks some channels.
        profile: montage profile of every night (``io.synth`` PROFILE_NAMES; ``random``
            draws one per night, with its own rates, file format and units).
    """

    n_nights: int = 40
    seed: int = 0
    hours: tuple[float, float] = (1.5, 4.0)
    val_every: int = 10
    p_dropout: float = 0.4
    profile: str = "aasm"


def draw_synth_config(rng: np.random.Generator, corpus: SynthCorpus, night_seed: int) -> SynthConfig:
    """Settings of one night: age, apnea severity, event densities and a montage."""
    ahi = float(np.clip(rng.lognormal(np.log(8.0), 1.0), 0.0, 70.0))
    dropout: tuple[str, ...] = ()
    if rng.random() < corpus.p_dropout:
        k = int(rng.integers(1, 6))
        dropout = tuple(str(c) for c in rng.choice(CHANNEL_LABELS, size=k, replace=False))
    hours = float(rng.uniform(*corpus.hours))
    return SynthConfig(
        hours=hours, ahi=ahi,
        frac_central=float(rng.uniform(0.0, 0.3)), frac_mixed=float(rng.uniform(0.0, 0.1)),
        frac_hypopnea=float(rng.uniform(0.2, 0.6)),
        arousal_index=float(rng.uniform(3.0, 30.0)),
        spindle_density=float(rng.uniform(1.0, 8.0)),
        k_complex_density=float(rng.uniform(0.3, 2.5)),
        limb_movement_index=float(rng.choice([0.0, rng.uniform(0.0, 40.0)])),
        age=float(rng.uniform(18.0, 85.0)),
        position_changes=int(rng.integers(0, 12)),
        sleep_latency_min=float(min(rng.uniform(3.0, 45.0), hours * 30.0)),
        dropout=dropout, profile=corpus.profile, seed=night_seed)


def synthetic_items(corpus: SynthCorpus) -> list[NightItem]:
    """The nights of ``corpus``, each with its settings summarised as its source."""
    rng = np.random.default_rng(corpus.seed)
    items = []
    for i in range(corpus.n_nights):
        cfg = draw_synth_config(rng, corpus, night_seed=corpus.seed * 100_003 + i)

        def load(cfg: SynthConfig = cfg) -> Night:
            return night_of(synth_night(cfg))

        source = (f"synthetic seed={cfg.seed} hours={cfg.hours:.2f} age={cfg.age:.0f} "
                  f"ahi={cfg.ahi:.1f} profile={cfg.profile} dropout={list(cfg.dropout)}")
        split = "val" if corpus.val_every and i % corpus.val_every == corpus.val_every - 1 else "train"
        items.append(NightItem(f"synth-s{corpus.seed}-{i:04d}", source, load, split))
    return items


def _snippet_night(path: Path, stage: str, overrides: dict[str, str]) -> Night:
    """A fragment without scoring, labelled with the one stage it is known to be."""
    recording = load_recording(path)
    n_epochs = int(recording.duration // EPOCH_SEC)
    recording.stages = np.full(n_epochs, STAGES.index(stage), dtype=np.int8)
    return night_of(recording, overrides)


def yasa_snippet_items(folder: str | Path) -> list[NightItem]:
    """YASA's example fragments (BSD-3) as labelled recordings of whole 30-s epochs.

    Only fragments of at least one epoch with a known stage are used: the 30-s N3
    EEG (100 Hz) and the 14-min REM EOG pair (256 Hz). YASA does not name the EEG
    derivation, so it is mapped to the central EEG slot.
    """
    folder = Path(folder)
    n3 = folder / "data_N3_no-spindles_30sec_100Hz.txt"
    rem = folder / "data_EOGs_REM_256Hz.npz"
    for path in (n3, rem):
        if not path.is_file():
            raise RecordingError(f"{path} not found; point --yasa-snippets at "
                                 "../shared/data/real/yasa_snippets")
    return [NightItem("yasa-N3-eeg", str(n3), partial(_snippet_night, n3, "N3", {"EEG_C3": "EEG"}),
                      "train"),
            NightItem("yasa-REM-eog", str(rem),
                      partial(_snippet_night, rem, "REM", {"EOG_L": "LOC", "EOG_R": "ROC"}), "train")]
