"""Regenerate the two demo recordings in ``assets/demo/`` (deterministic).

* ``SC4001E0_inbed.edf`` + ``SC4001E0_inbed_hypnogram.edf``: Sleep-EDF SC4001E0
  (real, ODC-By 1.0) cropped to the in-bed period +-30 min, all seven signals,
  and its expert hypnogram as a separate EDF+ annotation file, as Sleep-EDF
  ships it (R&K S3+S4 written as N3).
* ``synthetic_night.edf``: an 8-h synthetic full-montage night with events.

Usage: ``.venv/bin/python scripts/make_demo_assets.py`` (reads ``../shared``).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

from sleeplm_core.io.edf_write import write_edf
from sleeplm_core.io.load import load_recording
from sleeplm_core.io.recording import EPOCH_SEC, Recording, Signal
from sleeplm_core.io.synth import ChannelRates, SynthConfig, synth_night

logger = logging.getLogger("make_demo_assets")

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "assets" / "demo"
SC4001 = REPO.parent / "shared" / "data" / "real" / "sleep_edf_sc4001"

FIRST_SLEEP_S, LAST_SLEEP_S = 30_630.0, 52_260.0
"""Onsets of SC4001's first and last non-wake epochs (see its SOURCE.md)."""
MARGIN_S = 1800.0

DEMO_SYNTH = SynthConfig(
    hours=8.0, ahi=20.0, age=52.0, position_changes=5, seed=20240101,
    # Modest rates keep the file near 30 MB; all are >= the 64-Hz model rate except
    # the slow channels (breathing 8 Hz, SpO2/pulse/position 1 Hz).
    rates=ChannelRates(eeg=64, eog=64, emg=64, ecg=100, resp=8, snore=8, oximetry=1, position=1),
)


def crop(rec: Recording, start: float, stop: float) -> Recording:
    """The part of ``rec`` from ``start`` to ``stop`` seconds (both on the 30-s epoch grid)."""
    signals = {
        label: Signal(s.label, s.data[int(start * s.sfreq): int(stop * s.sfreq)], s.sfreq, s.unit)
        for label, s in rec.signals.items()
    }
    first = int((start - rec.stage_offset) // EPOCH_SEC)
    last = int((stop - rec.stage_offset) // EPOCH_SEC)
    events = [e for e in rec.events if start <= e.onset < stop]
    for event in events:
        event.onset -= start
    return Recording(
        signals=signals,
        start_time=rec.start_time + timedelta(seconds=start) if rec.start_time else None,
        duration=stop - start,
        stages=rec.stages[first:last].copy(),
        stage_offset=0.0,
        events=events,
        source={"cropped_from": rec.source.get("path"), "crop_s": (start, stop)},
        patient=rec.patient,
    )


def make_real() -> Path:
    rec = load_recording(SC4001 / "SC4001E0-PSG.edf", hypnogram=SC4001 / "SC4001EC-Hypnogram.edf")
    in_bed = crop(rec, FIRST_SLEEP_S - MARGIN_S, LAST_SLEEP_S + EPOCH_SEC + MARGIN_S)
    return write_edf(in_bed, DEMO / "SC4001E0_inbed.edf", hypnogram_path=DEMO / "SC4001E0_inbed_hypnogram.edf")


def make_synthetic() -> Path:
    return write_edf(synth_night(DEMO_SYNTH), DEMO / "synthetic_night.edf")


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    for path in (make_real(), make_synthetic()):
        logger.info("%s: %.1f MB", path.relative_to(REPO), path.stat().st_size / 1e6)


if __name__ == "__main__":
    main()
