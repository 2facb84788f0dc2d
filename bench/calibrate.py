"""Stage spectra of real and synthetic EEG side by side: where the generator's parameters come from.

For each stage (30-s epochs) it prints the median band RMS (µV) of one EEG
lead, the aperiodic exponent (slope of log power over 2-7 and 16-30 Hz, the
bands outside the alpha and sigma peaks) and the alpha share of 2-30 Hz power,
for

* DREAMS excerpts 1-6 (central EEG, 30-s majority of the 5-s scores): the tuning set;
* synthetic nights (``aasm`` profile, randomised, C3-M2).

SC4001 is never read here: it is the held-out night of ``bench/probe.py``.
With ``--sites`` it also prints, for DREAMS excerpt 3 (the one with frontal,
central and occipital leads), the FP1-A1 / C3-A1 and O1-A1 / C3-A1 band
ratios per stage, which set the generator's frontal and occipital site gains.

Run: ``nice -n 19 .venv/bin/python bench/calibrate.py [--nights 3] [--sites]``.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

import numpy as np
from scipy.signal import welch

from sleeplm_core.io.recording import EPOCH_SEC, STAGES
from sleeplm_core.io.scoring_text import read_dreams_hypnogram
from sleeplm_core.io.synth import SynthConfig, synth_night

REPO = Path(__file__).resolve().parents[1]
DREAMS = REPO.parent / "shared" / "data" / "real" / "dreams_spindles"
DREAMS_FS = {1: 100.0, 3: 50.0}
"""Excerpt rates where not 200 Hz."""
BANDS = {"0.5-2": (0.5, 2.0), "2-4": (2.0, 4.0), "4-8": (4.0, 8.0), "8-12": (8.0, 12.0), "12-15": (12.0, 15.0),
         "16-30": (16.0, 24.0)}
"""Bands (Hz); 'beta' stops at 24 Hz so that 50-Hz DREAMS excerpt 3 (low-passed near 25 Hz) compares."""


def epoch_features(data: np.ndarray, fs: float) -> np.ndarray:
    """Per 30-s epoch: band RMS (µV) for :data:`BANDS`, aperiodic exponent, alpha share of 2-24 Hz power."""
    n = int(EPOCH_SEC * fs)
    epochs = data[: len(data) // n * n].reshape(-1, n)
    f, psd = welch(epochs, fs=fs, nperseg=int(4 * fs), axis=-1)
    df = f[1] - f[0]
    rms = [np.sqrt(psd[:, (f >= lo) & (f < hi)].sum(axis=1) * df) for lo, hi in BANDS.values()]
    fit = ((f >= 2) & (f <= 7)) | ((f >= 16) & (f <= 24))
    slope = np.polyfit(np.log10(f[fit]), np.log10(psd[:, fit].T + 1e-12), 1)[0]
    total = psd[:, (f >= 2) & (f < 24)].sum(axis=1)
    alpha = psd[:, (f >= 8) & (f < 12)].sum(axis=1) / np.maximum(total, 1e-12)
    return np.column_stack([*rms, -slope, alpha])


def dreams_labels(excerpt: int) -> np.ndarray:
    """A DREAMS excerpt's 30-s stages (majority of six 5-s scores, S3+S4 as N3; -1 if unscored)."""
    return read_dreams_hypnogram(DREAMS / f"Hypnogram_excerpt{excerpt}.txt").stages.astype(int)


def dreams_table() -> tuple[np.ndarray, np.ndarray]:
    rows, labels = [], []
    for excerpt in range(1, 7):
        data = np.loadtxt(DREAMS / f"excerpt{excerpt}.txt", skiprows=1)
        feats = epoch_features(data, DREAMS_FS.get(excerpt, 200.0))
        stage = dreams_labels(excerpt)[: len(feats)]
        rows.append(feats[: len(stage)])
        labels.append(stage)
    return np.vstack(rows), np.concatenate(labels)


def synthetic_table(nights: int, label: str) -> tuple[np.ndarray, np.ndarray]:
    rows, labels = [], []
    for seed in range(2000, 2000 + nights):
        rec = synth_night(SynthConfig(hours=8.0, seed=seed, profile="aasm"))
        signal = rec.signals[label]
        feats = epoch_features(signal.data, signal.sfreq)
        rows.append(feats)
        labels.append(rec.stages[: len(feats)].astype(int))
    return np.vstack(rows), np.concatenate(labels)


def print_table(name: str, feats: np.ndarray, stages: np.ndarray) -> None:
    columns = [*BANDS, "exponent", "alpha share"]
    print(f"\n{name}: median per stage (epochs)")
    print(f"{'stage':6s} {'n':>5s} " + " ".join(f"{c:>11s}" for c in columns))
    for code, stage in enumerate(STAGES):
        rows = feats[stages == code]
        if len(rows):
            print(f"{stage:6s} {len(rows):5d} " + " ".join(f"{v:11.2f}" for v in np.median(rows, axis=0)))


def site_ratios() -> None:
    """Band RMS of the bipolar FP1-C3 and C3-O1 over C3-A1 in DREAMS excerpt 3 (50-Hz EDF), per stage and
    pooled over sleep: the nearest real analogues of Sleep-EDF's Fpz-Cz and Pz-Oz."""
    import mne

    raw = mne.io.read_raw_edf(DREAMS / "excerpt3.edf", verbose=False)
    fs = raw.info["sfreq"]
    stages = dreams_labels(3)
    lead = {name: raw.get_data(picks=[name])[0] * 1e6 for name in ("C3-A1", "FP1-A1", "O1-A1")}
    central = epoch_features(lead["C3-A1"], fs)[: len(stages), :6]
    bipolar = {"FP1-C3": lead["FP1-A1"] - lead["C3-A1"], "C3-O1": lead["C3-A1"] - lead["O1-A1"]}
    print("\nDREAMS excerpt 3: bipolar / C3-A1 band RMS (median of per-epoch ratios)")
    print(f"{'':16s} " + " ".join(f"{band:>6s}" for band in BANDS))
    for name, data in bipolar.items():
        ratio = epoch_features(data, fs)[: len(stages), :6] / central
        groups = {STAGES[c]: stages == c for c in range(4)} | {"sleep": (stages >= 1) & (stages <= 3)}
        for group, keep in groups.items():
            if keep.sum():
                print(f"{name:7s} {group:5s} {keep.sum():3d} " + " ".join(f"{r:6.2f}" for r in np.median(ratio[keep], axis=0)))


COMPONENT_OF_BAND = {"0.5-2": "delta", "2-4": "slow", "4-8": "theta", "8-12": "alpha", "12-15": "sigma",
                     "16-30": "beta"}
"""The generator component (``eeg.STAGE_RMS`` row) whose band each measured band is."""


def suggest(real: tuple[np.ndarray, np.ndarray], synth: tuple[np.ndarray, np.ndarray]) -> None:
    """Print ``eeg.STAGE_RMS`` rows moved toward the real medians, W..N3 (REM has no DREAMS epochs).

    Band components add power: a component's new RMS is sqrt(old^2 + real^2 - synthetic^2) (the power
    the band lacks or has too much of), floored at 0; the 1/f background is scaled down where even
    with no band component a band would be above the real median.
    """
    from sleeplm_core.io.synth.eeg import STAGE_RMS

    print("\nsuggested STAGE_RMS (W, N1, N2, N3; REM kept):")
    rows = {name: list(values) for name, values in STAGE_RMS.items()}
    for code in range(4):
        real_med = np.median(real[0][real[1] == code][:, :6], axis=0)
        synth_med = np.median(synth[0][synth[1] == code][:, :6], axis=0)
        excess = []
        for i, band in enumerate(BANDS):
            name = COMPONENT_OF_BAND[band]
            power = rows[name][code] ** 2 + real_med[i] ** 2 - synth_med[i] ** 2
            rows[name][code] = float(np.sqrt(max(power, 0.0)))
            excess.append(power)
        if min(excess) < 0:  # the background alone is too strong in some band
            rows["pink"][code] *= float(np.sqrt(max(0.5, 1 + min(excess) / synth_med[int(np.argmin(excess))] ** 2)))
    for name, values in rows.items():
        print(f'    "{name}": ({", ".join(f"{v:.1f}" for v in values)}),')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nights", type=int, default=3, help="synthetic nights (8 h, seeds 2000..)")
    parser.add_argument("--label", default="C3-M2", help="synthetic lead to compare")
    parser.add_argument("--sites", action="store_true", help="also print DREAMS excerpt 3 site ratios")
    parser.add_argument("--suggest", action="store_true", help="print STAGE_RMS rows moved toward DREAMS")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    real = dreams_table()
    print_table("DREAMS 1-6 (central EEG)", *real)
    if args.nights:
        synth = synthetic_table(args.nights, args.label)
        print_table(f"synthetic ({args.nights} nights, {args.label})", *synth)
        if args.suggest:
            suggest(real, synth)
    if args.sites:
        site_ratios()


if __name__ == "__main__":
    main()
