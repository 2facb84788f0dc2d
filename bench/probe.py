"""Transfer probe: does a classifier trained on synthetic nights only stage real EEG?

YASA's ``SleepStaging`` feature set (one EEG channel, optionally one EOG) feeds
a standardised multinomial logistic regression trained on synthetic nights
only. It then scores real hypnograms, and beside it, in the same run and on the
same channels, YASA's own classifier (trained on thousands of real nights):

* DREAMS excerpts 1-6 (central EEG only, 30-s majority of the 5-s R&K stages):
  the tuning set, reported per excerpt;
* SC4001 (Fpz-Cz, sleep window +-30 min, from ``assets/demo``): held out, never
  tuned on.

The ratio synthetic-trained kappa / YASA kappa measures how much of what a
real-data model knows the synthetic nights teach. Time-of-night features are
dropped: DREAMS excerpts are 30-min cuts whose position in the night is unknown.

Run: ``nice -n 10 .venv/bin/python bench/probe.py [--nights 6] [--hours 8]
[--eog] [--profile random] [--extra REC.edf:HYP.edf ...]``. ``--extra`` scores
recordings that are not in the repo (EDF + hypnogram read by ``load_recording``).
"""

from __future__ import annotations

import argparse
import logging
import warnings
from dataclasses import dataclass
from pathlib import Path

import mne
import numpy as np
import pandas as pd
import yasa
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import cohen_kappa_score, confusion_matrix
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from tqdm import tqdm

from sleeplm_core.heads.evaluate import sleep_window
from sleeplm_core.io.load import load_recording
from sleeplm_core.io.recording import EPOCH_SEC, STAGES, Recording
from sleeplm_core.io.synth import SynthConfig, synth_night

REPO = Path(__file__).resolve().parents[1]
DREAMS = REPO.parent / "shared" / "data" / "real" / "dreams_spindles"
SC4001 = REPO / "assets" / "demo" / "SC4001E0_inbed.edf"
SC4001_HYPNOGRAM = REPO / "assets" / "demo" / "SC4001E0_inbed_hypnogram.edf"
TUNING_EXCERPTS = (1, 2, 3, 4, 5, 6)
DREAMS_RK_TO_STAGE = {5: 0, 3: 1, 2: 2, 1: 3, 0: 3, 4: 4}
"""DREAMS 5-s codes (5 W, 4 REM, 3 S1, 2 S2, 1 S3, 0 S4) to STAGES indices; S3+S4 -> N3."""
YASA_TO_STAGE = {"WAKE": 0, "N1": 1, "N2": 2, "N3": 3, "REM": 4}
EEG_PREFERENCE = ("C4-M1", "C3-M2", "Fpz-Cz", "Pz-Oz", "EEG Fpz-Cz")
EOG_PREFERENCE = ("E1-M2", "E2-M1", "EOG horizontal")


@dataclass
class Night:
    """One recording ready for the probe: an MNE Raw, its channel roles and 30-s labels (-1 unscored)."""

    name: str
    raw: mne.io.BaseRaw
    eeg: str
    eog: str | None
    labels: np.ndarray


PROBE_FS = 100.0
"""Every channel is resampled to YASA's working rate (it refuses below 80 Hz)."""


def _raw(signals: dict[str, tuple[np.ndarray, float]]) -> mne.io.RawArray:
    """Raw in volts at :data:`PROBE_FS` from ``{label: (µV samples, Hz)}``."""
    columns = []
    for data, fs in signals.values():
        if fs != PROBE_FS:
            data = mne.filter.resample(data, up=PROBE_FS / fs, verbose=False)
        columns.append(data)
    n = min(len(c) for c in columns)
    info = mne.create_info(list(signals), PROBE_FS, ch_types="eeg")
    return mne.io.RawArray(np.vstack([c[:n] for c in columns]) * 1e-6, info, verbose=False)


def _from_recording(name: str, rec: Recording, labels: np.ndarray, with_eog: bool) -> Night | None:
    eeg = next((lab for lab in EEG_PREFERENCE if lab in rec.signals), None)
    eog = next((lab for lab in EOG_PREFERENCE if lab in rec.signals), None) if with_eog else None
    if eeg is None or (with_eog and eog is None):
        return None
    picks = [eeg] + ([eog] if eog else [])
    scale = {"uV": 1.0, "mV": 1e3, "V": 1e6}
    signals = {lab: (rec.signals[lab].data * scale.get(rec.signals[lab].unit, 1.0), rec.signals[lab].sfreq)
               for lab in picks}
    return Night(name, _raw(signals), eeg, eog, labels)


def _yasa_all_channels(rec: Recording) -> tuple[np.ndarray, np.ndarray] | None:
    """(true, YASA's) stages of a synthetic night scored with every channel YASA takes (EEG + EOG + raw chin EMG)."""
    night = _from_recording("", rec, rec.stages.astype(int), True)
    emg = next((lab for lab in ("Chin EMG",) if lab in rec.signals), None)
    if night is None or emg is None:
        return None
    night.raw.add_channels([_raw({emg: (rec.signals[emg].data * (1e3 if rec.signals[emg].unit == "mV" else 1.0),
                                        rec.signals[emg].sfreq)})], force_update_info=True)
    staging = yasa.SleepStaging(night.raw, eeg_name=night.eeg, eog_name=night.eog, emg_name=emg)
    predicted = np.array([YASA_TO_STAGE[str(s)] for s in staging.predict().hypno.to_numpy()])
    n = min(len(night.labels), len(predicted))
    return night.labels[:n], predicted[:n]


def synthetic_nights(n: int, hours: float, profile: str, with_eog: bool,
                     seed0: int) -> tuple[list[Night], list[tuple[np.ndarray, np.ndarray]]]:
    """Synthetic training nights (seeds ``seed0``..; nights whose montage lacks the channels are
    skipped) and (true, YASA's) stages of those that have EEG, EOG and chin EMG, scored with all three."""
    nights: list[Night] = []
    full: list[tuple[np.ndarray, np.ndarray]] = []
    seed = seed0
    with tqdm(total=n, desc="synthetic nights", unit="night") as bar:
        while len(nights) < n:
            rec = synth_night(SynthConfig(hours=hours, seed=seed, **_profile_kwargs(profile)))
            night = _from_recording(f"synth-{seed}", rec, rec.stages.astype(int), with_eog)
            seed += 1
            if night is not None:
                nights.append(night)
                bar.update()
                all_channels = _yasa_all_channels(rec)
                if all_channels is not None:
                    full.append(all_channels)
    return nights, full


def _profile_kwargs(profile: str) -> dict:
    # Older generators have no montage profiles; the probe then trains on the full montage.
    return {"profile": profile} if "profile" in SynthConfig.__dataclass_fields__ else {}


def dreams_night(excerpt: int) -> Night:
    """A DREAMS excerpt's central EEG with the majority stage of each six 5-s scores (-1 if unscored)."""
    path = DREAMS / f"excerpt{excerpt}.txt"
    label = path.read_text().splitlines()[0].strip("[] ")
    fs = {1: 100.0, 3: 50.0}.get(excerpt, 200.0)
    data = np.loadtxt(path, skiprows=1)
    codes = np.loadtxt(DREAMS / f"Hypnogram_excerpt{excerpt}.txt", skiprows=1).astype(int)
    labels = []
    for block in codes[: len(codes) // 6 * 6].reshape(-1, 6):
        values, counts = np.unique(block, return_counts=True)
        labels.append(DREAMS_RK_TO_STAGE.get(int(values[np.argmax(counts)]), -1))
    return Night(f"DREAMS excerpt{excerpt} ({label})", _raw({label: (data, fs)}), label, None, np.array(labels))


def recording_night(name: str, path: Path, hypnogram: Path | None, with_eog: bool) -> Night:
    """A real EDF night cropped to its sleep window +-30 min."""
    rec = load_recording(path, hypnogram=hypnogram)
    window = sleep_window(rec.stages, 30.0)
    start = rec.stage_offset + window.start * EPOCH_SEC
    night = _from_recording(name, rec, rec.stages[window].astype(int), with_eog)
    if night is None:
        raise SystemExit(f"{path}: no EEG{' + EOG' if with_eog else ''} channel the probe knows")
    night.raw.crop(start, min(start + len(night.labels) * EPOCH_SEC, night.raw.times[-1]))
    return night


def features(night: Night) -> pd.DataFrame:
    """YASA's SleepStaging features of the night's channels, without the time-of-night columns."""
    staging = yasa.SleepStaging(night.raw, eeg_name=night.eeg, eog_name=night.eog)
    table = staging.get_features()
    return table.drop(columns=[c for c in ("time_hour", "time_norm") if c in table])


def yasa_predict(night: Night) -> np.ndarray:
    staging = yasa.SleepStaging(night.raw, eeg_name=night.eeg, eog_name=night.eog)
    return np.array([YASA_TO_STAGE[str(s)] for s in staging.predict().hypno.to_numpy()])


def kappa(truth: np.ndarray, predicted: np.ndarray) -> tuple[float, int]:
    n = min(len(truth), len(predicted))
    keep = truth[:n] >= 0
    return float(cohen_kappa_score(truth[:n][keep], predicted[:n][keep], labels=range(len(STAGES)))), int(keep.sum())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nights", type=int, default=6, help="synthetic training nights")
    parser.add_argument("--hours", type=float, default=8.0)
    parser.add_argument("--profile", default="random", help="montage profile of the training nights")
    parser.add_argument("--seed", type=int, default=1000, help="seed of the first training night")
    parser.add_argument("--eog", action="store_true", help="EEG + EOG instead of EEG only (skips DREAMS)")
    parser.add_argument("--c", type=float, default=0.1, help="inverse L2 strength of the logistic regression")
    parser.add_argument("--extra", nargs="*", default=[], metavar="REC[:HYP]", help="more real nights to score")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    warnings.filterwarnings("ignore")
    mne.set_log_level("ERROR")

    train, yasa_full = synthetic_nights(args.nights, args.hours, args.profile, args.eog, args.seed)
    tables = [features(n) for n in tqdm(train, desc="features", unit="night")]
    x = pd.concat(tables)
    y = np.concatenate([n.labels[: len(t)] for n, t in zip(train, tables)])
    keep = y >= 0
    clf = make_pipeline(StandardScaler(), LogisticRegression(C=args.c, max_iter=3000, class_weight="balanced"))
    clf.fit(x.to_numpy()[keep], y[keep])
    train_kappa = cohen_kappa_score(y[keep], clf.predict(x.to_numpy()[keep]))
    yasa_on_synth = [kappa(n.labels, yasa_predict(n))[0] for n in train]

    tests = [] if args.eog else [dreams_night(e) for e in TUNING_EXCERPTS]
    tests.append(recording_night("SC4001 (held out)", SC4001, SC4001_HYPNOGRAM, args.eog))
    for item in args.extra:
        rec, _, hyp = item.partition(":")
        tests.append(recording_night(Path(rec).name, Path(rec), Path(hyp) if hyp else None, args.eog))

    chans = "EEG + EOG" if args.eog else "EEG only"
    print(f"probe: {len(train)} synthetic nights x {args.hours:g} h (profile {args.profile}, seeds from "
          f"{args.seed}), {chans}, logistic regression C={args.c}")
    print(f"training kappa on synthetic: {train_kappa:.3f}; YASA on the synthetic nights, same channels: "
          f"mean kappa {np.mean(yasa_on_synth):.3f} (min {np.min(yasa_on_synth):.3f})")
    if yasa_full:
        kappas = [kappa(truth, predicted)[0] for truth, predicted in yasa_full]
        print(f"YASA on the {len(yasa_full)} synthetic nights with EEG + EOG + chin EMG: mean kappa "
              f"{np.mean(kappas):.3f} (min {np.min(kappas):.3f})")
        truth, predicted = (np.concatenate(parts) for parts in zip(*yasa_full))
        matrix = confusion_matrix(truth, predicted, labels=range(len(STAGES)))
        print("  confusion (rows true, columns YASA): " + " ".join(f"{s:>5s}" for s in STAGES))
        for stage, row in zip(STAGES, matrix):
            print(f"  {'':36s}{stage:>4s} " + " ".join(f"{v:5d}" for v in row))
    print(f"{'recording':32s} {'channel':14s} {'epochs':>6s} {'synth':>7s} {'YASA':>7s} {'ratio':>6s}")
    dreams_rows = []
    for night in tests:
        ours, n = kappa(night.labels, clf.predict(features(night).to_numpy()))
        theirs, _ = kappa(night.labels, yasa_predict(night))
        ratio = ours / theirs if theirs > 0 else float("nan")
        if night.name.startswith("DREAMS"):
            dreams_rows.append((ours, theirs))
        chan = night.eeg + (f"+{night.eog}" if night.eog else "")
        print(f"{night.name:32s} {chan:14s} {n:6d} {ours:7.3f} {theirs:7.3f} {ratio:6.2f}")
    if dreams_rows:
        ours, theirs = np.mean(dreams_rows, axis=0)
        print(f"{'DREAMS 1-6 mean':32s} {'':14s} {'':6s} {ours:7.3f} {theirs:7.3f} {ours / theirs:6.2f}")


if __name__ == "__main__":
    main()
