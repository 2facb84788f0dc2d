"""Transfer probe: does a classifier trained on synthetic nights only stage real EEG?

YASA's ``SleepStaging`` feature set (one EEG channel, optionally one EOG) feeds
a standardised multinomial logistic regression trained on synthetic nights
only. It then scores real hypnograms, and beside it, in the same run and on the
same channels, YASA's own classifier (trained on thousands of real nights):

* DREAMS excerpts 1-6 (central EEG only, 30-s majority of the 5-s R&K stages):
  the tuning set, reported per excerpt, and excerpt 3's frontal FP1-C3 on its own
  row (outside the 1-6 mean): the tuning set's only lead like Sleep-EDF's Fpz-Cz;
* SC4001 (Fpz-Cz, sleep window +-30 min, from ``assets/demo``): held out, never
  tuned on.

The ratio synthetic-trained kappa / YASA kappa measures how much of what a
real-data model knows the synthetic nights teach. Time-of-night features are
dropped: DREAMS excerpts are 30-min cuts whose position in the night is unknown.
``--time-of-night`` adds a row for each whole night (SC4001, ``--extra``) scored by
classifiers that have them too, as YASA's own classifier has.

One set of 6 training nights is noisy (SC4001 moves by 0.13-0.3 between seed
sets of one generator), so ``--seed-sets 1000 2000 3000 4000 5000`` (the
default) trains one classifier per set (nights ``seed``, ``seed+1``, ...) and
prints every set's kappas and their mean and spread. Each synthetic night's
features and YASA readings are cached under ``--cache`` (default
``/tmp/sleeplm-probe-cache``), keyed by a hash of the generator's source files
plus seed, hours, profile and channels, so a rerun with an unchanged generator
only refits the classifiers.

Run: ``nice -n 19 .venv/bin/python bench/probe.py [--nights 6] [--seed-sets 1000
2000 3000 4000 5000] [--hours 8] [--eog] [--profile random] [--extra REC.edf:HYP.edf ...]
[--confusion] [--drop FEATURE ...] [--columns all|epoch|rolling] [--time-of-night]
[--labels truth|yasa]``. ``--labels yasa`` trains on YASA's reading of the synthetic nights (a
teacher trained on real nights) instead of their true stages.
``--extra`` scores recordings that are not in the repo (EDF + hypnogram read by
``load_recording``).
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import pickle
import subprocess
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

from sleeplm_core.io.stages import sleep_window
from sleeplm_core.io.load import load_recording
from sleeplm_core.io.recording import EPOCH_SEC, STAGES, Recording
from sleeplm_core.io.scoring_text import read_dreams_hypnogram
from sleeplm_core.io.synth import SynthConfig, synth_night

REPO = Path(__file__).resolve().parents[1]
DREAMS = REPO.parent / "shared" / "data" / "real" / "dreams_spindles"
SC4001 = REPO / "assets" / "demo" / "SC4001E0_inbed.edf"
SC4001_HYPNOGRAM = REPO / "assets" / "demo" / "SC4001E0_inbed_hypnogram.edf"
TUNING_EXCERPTS = (1, 2, 3, 4, 5, 6)
YASA_TO_STAGE = {"WAKE": 0, "N1": 1, "N2": 2, "N3": 3, "REM": 4}
EEG_PREFERENCE = ("C4-M1", "C3-M2", "Fpz-Cz", "Pz-Oz", "EEG Fpz-Cz")
EOG_PREFERENCE = ("E1-M2", "E2-M1", "EOG horizontal")
GENERATOR = REPO / "sleeplm_core" / "io" / "synth"
DEFAULT_CACHE = Path("/tmp/sleeplm-probe-cache")


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


def generator_hash() -> str:
    """Hash of the generator's source (every file under ``sleeplm_core/io/synth``), so that an
    uncommitted change gets its own cache entries; the git commit is printed beside it."""
    digest = hashlib.sha256()
    for path in sorted(GENERATOR.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".json"):
            digest.update(path.relative_to(GENERATOR).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _git_commit() -> str:
    try:
        head = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--", str(GENERATOR)],
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("+uncommitted" if dirty else "")


@dataclass
class SynthNight:
    """What the probe keeps of one synthetic night (cached): its features, labels and YASA's readings."""

    seed: int
    features: pd.DataFrame | None
    """None when the night's montage lacks the probe's channels (the night is skipped)."""
    labels: np.ndarray | None = None
    yasa_same: np.ndarray | None = None
    """YASA's stages on the probe's own channels."""
    yasa_full: tuple[np.ndarray, np.ndarray] | None = None
    """(true, YASA's) stages with EEG + EOG + chin EMG, when the montage has them."""


def synthetic_night(seed: int, hours: float, profile: str, with_eog: bool, cache: Path | None) -> SynthNight:
    """One synthetic night's probe material, from the cache when this generator has made it before."""
    key = (f"{generator_hash()}-seed{seed}-{hours:g}h-{profile}-{'eeg_eog' if with_eog else 'eeg'}"
           f"-{CACHE_TAG}.pkl")
    path = cache / key if cache else None
    if path is not None and path.exists():
        with path.open("rb") as f:
            stored = pickle.load(f)
        return SynthNight(**stored) if isinstance(stored, dict) else stored
    rec = synth_night(SynthConfig(hours=hours, seed=seed, **_profile_kwargs(profile)))
    night = _from_recording(f"synth-{seed}", rec, rec.stages.astype(int), with_eog)
    if night is None:
        item = SynthNight(seed, None)
    else:
        table, predicted = staged(night)
        item = SynthNight(seed, table, night.labels, predicted, _yasa_all_channels(rec))
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        with tmp.open("wb") as f:
            pickle.dump(vars(item), f)  # a plain dict: readable from any script
        tmp.replace(path)
    return item


def synthetic_nights(n: int, hours: float, profile: str, with_eog: bool, seed0: int,
                     cache: Path | None = None) -> list[SynthNight]:
    """``n`` synthetic training nights from seed ``seed0`` on (nights whose montage lacks the channels
    are skipped)."""
    nights: list[SynthNight] = []
    seed = seed0
    with tqdm(total=n, desc=f"synthetic nights from {seed0}", unit="night") as bar:
        while len(nights) < n:
            item = synthetic_night(seed, hours, profile, with_eog, cache)
            seed += 1
            if item.features is not None:
                nights.append(item)
                bar.update()
    return nights


def _profile_kwargs(profile: str) -> dict:
    # Older generators have no montage profiles; the probe then trains on the full montage.
    return {"profile": profile} if "profile" in SynthConfig.__dataclass_fields__ else {}


def dreams_night(excerpt: int) -> Night:
    """A DREAMS excerpt's central EEG with the majority stage of each six 5-s scores (-1 if unscored)."""
    path = DREAMS / f"excerpt{excerpt}.txt"
    label = path.read_text().splitlines()[0].strip("[] ")
    fs = {1: 100.0, 3: 50.0}.get(excerpt, 200.0)
    data = np.loadtxt(path, skiprows=1)
    return Night(f"DREAMS excerpt{excerpt} ({label})", _raw({label: (data, fs)}), label, None, _dreams_labels(excerpt))


def _dreams_labels(excerpt: int) -> np.ndarray:
    """A DREAMS excerpt's 30-s stages (majority of six 5-s scores, S3+S4 as N3; -1 if unscored)."""
    return read_dreams_hypnogram(DREAMS / f"Hypnogram_excerpt{excerpt}.txt").stages.astype(int)


def dreams_frontal_night() -> Night:
    """DREAMS excerpt 3's frontal bipolar FP1-C3 (FP1-A1 minus C3-A1): the tuning set's only lead of the kind
    Sleep-EDF records (Fpz-Cz), to judge frontal EEG without looking at SC4001. Its EDF labels the unit with
    the micro sign, which MNE does not parse, so ``get_data`` returns µV as stored."""
    raw = mne.io.read_raw_edf(DREAMS / "excerpt3.edf", verbose=False)
    frontal = raw.get_data(picks=["FP1-A1"])[0] - raw.get_data(picks=["C3-A1"])[0]
    return Night("DREAMS frontal, excerpt3", _raw({"FP1-C3": (frontal, raw.info["sfreq"])}), "FP1-C3", None,
                 _dreams_labels(3))


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


def staged(night: Night) -> tuple[pd.DataFrame, np.ndarray]:
    """YASA's SleepStaging features of the night's channels (the time-of-night columns included;
    :func:`feature_columns` leaves them out unless asked) and YASA's own stages from the same pass."""
    staging = yasa.SleepStaging(night.raw, eeg_name=night.eeg, eog_name=night.eog)
    predicted = np.array([YASA_TO_STAGE[str(s)] for s in staging.predict().hypno.to_numpy()])
    return staging.get_features(), predicted


def features(night: Night) -> pd.DataFrame:
    return staged(night)[0]


def yasa_predict(night: Night) -> np.ndarray:
    return staged(night)[1]


def real_staged(night: Night, source: Path | None, cache: Path | None) -> tuple[pd.DataFrame, np.ndarray]:
    """:func:`staged` for a real night, cached by the night's name, file size and mtime."""
    if cache is None or source is None or not source.exists():
        return staged(night)
    stat = source.stat()
    tag = hashlib.sha256(f"{night.name}|{source}|{stat.st_size}|{stat.st_mtime_ns}|{night.eeg}|{night.eog}|"
                         f"{yasa.__version__}|{CACHE_TAG}".encode()).hexdigest()[:16]
    path = cache / f"real-{tag}.pkl"
    if path.exists():
        with path.open("rb") as f:
            return pickle.load(f)
    result = staged(night)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        pickle.dump(result, f)
    return result


CACHE_TAG = "time2"
"""Bumped when what the cache holds changes (since "time2": the time-of-night columns too)."""
TIME_COLUMNS = ("time_hour", "time_norm")
"""YASA's time-of-night features: hours and fraction of the recording elapsed at each epoch."""

EEG_FEATURES = ("abspow", "alpha", "at", "beta", "db", "ds", "dt", "fdelta", "hcomp", "higuchi", "hmob", "iqr", "kurt",
                "nzc", "perm", "petrosian", "sdelta", "sigma", "skew", "std", "theta")
"""The epoch features YASA's ``SleepStaging`` computes from one EEG channel (columns ``eeg_<name>``)."""

ROLLING_SUFFIXES = ("_c7min_norm", "_p2min_norm")
"""YASA's two rolling, night-normalised versions of each epoch feature (centred 7.5 min, past 2 min)."""


def base_feature(column: str) -> str:
    """``eeg_beta_c7min_norm`` -> ``beta``: the epoch feature a column derives from (a
    time-of-night column is its own)."""
    if column in TIME_COLUMNS:
        return column
    for suffix in ROLLING_SUFFIXES:
        column = column.removesuffix(suffix)
    return column.split("_", 1)[1]


def feature_columns(columns: list[str], drop: tuple[str, ...] = (), kind: str = "all",
                    time_of_night: bool = False) -> list[str]:
    """The columns the classifiers use: without the ``drop`` features (all three versions of each), and
    only the epoch features (``kind="epoch"``) or only their rolling versions (``"rolling"``); the
    time-of-night columns only with ``time_of_night``."""
    def wanted(column: str) -> bool:
        if column in TIME_COLUMNS:
            return time_of_night
        return kind == "all" or column.endswith(ROLLING_SUFFIXES) == (kind == "rolling")

    return [c for c in columns if base_feature(c) not in drop and wanted(c)]


def targets(night: SynthNight, source: str) -> np.ndarray:
    """The stages a classifier learns from one synthetic night, one per feature row (-1: none).

    ``truth`` is the generator's stage; ``yasa`` is YASA's reading of the night (with EEG + EOG + chin
    EMG where the montage has them, else on the probe's channels): YASA as a teacher whose
    classifier was trained on real nights."""
    n = len(night.features)
    if source == "truth":
        return night.labels[:n]
    if night.yasa_full is None:
        return np.asarray(night.yasa_same[:n])
    out = np.full(n, -1)
    predicted = night.yasa_full[1][:n]
    out[: len(predicted)] = predicted
    return out


def fit(nights: list[SynthNight], c: float, columns: list[str], labels: str = "truth"):
    """Standardised, class-balanced multinomial logistic regression on the nights' ``columns``,
    learning the stages that ``labels`` names (see :func:`targets`)."""
    x = pd.concat([n.features[columns] for n in nights])
    y = np.concatenate([targets(n, labels) for n in nights])
    keep = y >= 0
    clf = make_pipeline(StandardScaler(), LogisticRegression(C=c, max_iter=3000, class_weight="balanced"))
    clf.fit(x.to_numpy()[keep], y[keep])
    return clf, float(cohen_kappa_score(y[keep], clf.predict(x.to_numpy()[keep])))


def _scored(truth: np.ndarray, predicted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The scored epochs (truth >= 0) of the common length."""
    n = min(len(truth), len(predicted))
    keep = truth[:n] >= 0
    return truth[:n][keep], predicted[:n][keep]


def kappa(truth: np.ndarray, predicted: np.ndarray) -> tuple[float, int]:
    truth, predicted = _scored(truth, predicted)
    return float(cohen_kappa_score(truth, predicted, labels=range(len(STAGES)))), len(truth)


def _confusion(truth: np.ndarray, predicted: np.ndarray) -> np.ndarray:
    return confusion_matrix(*_scored(truth, predicted), labels=range(len(STAGES)))


def print_confusion(truth: np.ndarray, ours: list[np.ndarray], theirs: np.ndarray) -> None:
    """Rows true stage, columns predicted: the synthetic-trained classifiers summed over the
    seed sets, then YASA's own."""
    mine = sum(_confusion(truth, predicted) for predicted in ours)
    yasa_matrix = _confusion(truth, theirs)
    header = " ".join(f"{s:>5s}" for s in STAGES)
    print(f"  {'true':>5s}  synthetic-trained, {len(ours)} sets: {header}   YASA: {header}")
    for stage, row, other in zip(STAGES, mine, yasa_matrix):
        print(f"  {stage:>5s}  {'':27s}{' '.join(f'{v:5d}' for v in row)}   {'':6s}{' '.join(f'{v:5d}' for v in other)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nights", type=int, default=6, help="synthetic training nights per seed set")
    parser.add_argument("--hours", type=float, default=8.0)
    parser.add_argument("--profile", default="random", help="montage profile of the training nights")
    parser.add_argument("--seed-sets", type=int, nargs="+", default=[1000, 2000, 3000, 4000, 5000], metavar="SEED",
                        help="first seed of each independent set of training nights (one classifier per set)")
    parser.add_argument("--seed", type=int, help="a single seed set (same as --seed-sets SEED)")
    parser.add_argument("--eog", action="store_true", help="EEG + EOG instead of EEG only (skips DREAMS)")
    parser.add_argument("--c", type=float, default=0.1, help="inverse L2 strength of the logistic regression")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE,
                        help="folder for cached features (keyed by generator source hash, seed and settings)")
    parser.add_argument("--no-cache", action="store_true")
    parser.add_argument("--no-real", action="store_true",
                        help="only YASA on the synthetic nights (no classifier, no real nights)")
    parser.add_argument("--extra", nargs="*", default=[], metavar="REC[:HYP]", help="more real nights to score")
    parser.add_argument("--drop", nargs="+", default=[], metavar="FEATURE",
                        help="leave YASA features out of the classifiers, each with its rolling versions "
                             "(names without 'eeg_', e.g. beta skew)")
    parser.add_argument("--columns", choices=("all", "epoch", "rolling"), default="all",
                        help="all features, only the epoch ones, or only their rolling night-normalised versions")
    parser.add_argument("--time-of-night", action="store_true",
                        help="also score whole nights (SC4001, --extra) with classifiers that have YASA's "
                             "time-of-night columns too, as YASA's own classifier does (DREAMS excerpts are "
                             "30-min cuts of unknown position: never)")
    parser.add_argument("--labels", choices=("truth", "yasa"), default="truth",
                        help="what the classifiers learn: the generator's stages, or YASA's reading of the "
                             "synthetic nights (a teacher trained on real nights)")
    parser.add_argument("--confusion", action="store_true",
                        help="also print each real night's confusion matrix: the synthetic-trained classifiers "
                             "(summed over seed sets) beside YASA's")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    warnings.filterwarnings("ignore")
    mne.set_log_level("ERROR")
    unknown = sorted(set(args.drop) - set(EEG_FEATURES))
    if unknown:
        parser.error(f"--drop: no YASA feature named {', '.join(unknown)}; the names are {' '.join(EEG_FEATURES)}")
    cache = None if args.no_cache else args.cache
    seed_sets = [args.seed] if args.seed is not None else args.seed_sets
    chans = "EEG + EOG" if args.eog else "EEG only"
    print(f"probe: generator {_git_commit()} (source hash {generator_hash()}), {len(seed_sets)} seed set(s) "
          f"{' '.join(map(str, seed_sets))} x {args.nights} synthetic nights x {args.hours:g} h (profile "
          f"{args.profile}), {chans}, logistic regression C={args.c}")

    sets = {s: synthetic_nights(args.nights, args.hours, args.profile, args.eog, s, cache) for s in seed_sets}
    yasa_full_means = []
    for s, nights in sets.items():
        same = [kappa(n.labels, n.yasa_same)[0] for n in nights]
        full = [n.yasa_full for n in nights if n.yasa_full is not None]
        line = f"seeds {s}: YASA on the synthetic nights, {chans}: mean kappa {np.mean(same):.3f}"
        if full:
            kappas = [kappa(truth, predicted)[0] for truth, predicted in full]
            yasa_full_means.append(np.mean(kappas))
            line += (f"; EEG + EOG + chin EMG ({len(full)} nights): mean {np.mean(kappas):.3f} "
                     f"(per night {' '.join(f'{k:.2f}' for k in kappas)})")
        print(line)
    full_all = [n.yasa_full for nights in sets.values() for n in nights if n.yasa_full is not None]
    if full_all:
        print(f"YASA on synthetic, EEG + EOG + chin EMG, mean over seed sets: {np.mean(yasa_full_means):.3f} "
              f"(min set {np.min(yasa_full_means):.3f})")
        truth, predicted = (np.concatenate(parts) for parts in zip(*full_all))
        matrix = confusion_matrix(truth, predicted, labels=range(len(STAGES)))
        print("  confusion, all sets (rows true, columns YASA): " + " ".join(f"{s:>5s}" for s in STAGES))
        for stage, row in zip(STAGES, matrix):
            print(f"  {'':46s}{stage:>4s} " + " ".join(f"{v:5d}" for v in row))
    if args.no_real:
        return

    known = next(iter(sets.values()))[0].features.columns.tolist()
    columns = feature_columns(known, tuple(args.drop), args.columns)
    if args.drop or args.columns != "all":
        print(f"classifier features: {len(columns)} of {len(known)} ({args.columns}"
              f"{', without ' + ' '.join(args.drop) if args.drop else ''})")
    classifiers, timed = {}, {}
    timed_columns = feature_columns(known, tuple(args.drop), args.columns, time_of_night=True)
    for s, nights in sets.items():
        classifiers[s], train_kappa = fit(nights, args.c, columns, args.labels)
        line = f"seeds {s}: training kappa on synthetic {train_kappa:.3f}"
        if args.time_of_night:
            timed[s], timed_kappa = fit(nights, args.c, timed_columns, args.labels)
            line += f" ({timed_kappa:.3f} with time of night)"
        print(line)

    tests = []  # (night, its file, whether it is a whole night)
    if not args.eog:
        tests += [(dreams_night(e), DREAMS / f"excerpt{e}.txt", False) for e in TUNING_EXCERPTS]
        tests.append((dreams_frontal_night(), DREAMS / "excerpt3.edf", False))
    tests.append((recording_night("SC4001 (held out)", SC4001, SC4001_HYPNOGRAM, args.eog), SC4001, True))
    for item in args.extra:
        rec, _, hyp = item.partition(":")
        tests.append((recording_night(Path(rec).name, Path(rec), Path(hyp) if hyp else None, args.eog),
                      Path(rec), True))

    set_cols = " ".join(f"{s:>6d}" for s in seed_sets)
    print(f"{'recording':28s} {'channel':12s} {'epochs':>6s} {set_cols} {'mean':>6s} {'sd':>5s} {'YASA':>6s} "
          f"{'ratio':>5s}")
    dreams_rows = []
    for night, source, whole in tests:
        table, theirs_pred = real_staged(night, source, cache)
        theirs, n = kappa(night.labels, theirs_pred)
        variants = [(night.name, classifiers, columns)]
        if args.time_of_night and whole:
            variants.append((f"{night.name[:13]} +time of night", timed, timed_columns))
        for name, fitted, cols in variants:
            predictions = [fitted[s].predict(table[cols].to_numpy()) for s in seed_sets]
            ours = np.array([kappa(night.labels, predicted)[0] for predicted in predictions])
            ratio = ours.mean() / theirs if theirs > 0 else float("nan")
            if night.name.startswith("DREAMS excerpt"):
                dreams_rows.append(np.append(ours, theirs))
            chan = night.eeg + (f"+{night.eog}" if night.eog else "")
            print(f"{name[:28]:28s} {chan[:12]:12s} {n:6d} {' '.join(f'{k:6.3f}' for k in ours)} "
                  f"{ours.mean():6.3f} {ours.std():5.3f} {theirs:6.3f} {ratio:5.2f}")
            if args.confusion:
                print_confusion(night.labels, predictions, theirs_pred)
    if dreams_rows:
        rows = np.mean(dreams_rows, axis=0)
        ours, theirs = rows[:-1], rows[-1]
        print(f"{'DREAMS 1-6 mean':28s} {'':12s} {'':6s} {' '.join(f'{k:6.3f}' for k in ours)} "
              f"{ours.mean():6.3f} {ours.std():5.3f} {theirs:6.3f} {ours.mean() / theirs:5.2f}")


if __name__ == "__main__":
    main()
