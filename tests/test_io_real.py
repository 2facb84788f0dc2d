"""Every real recording in ../shared/data/real loads with the right mapping and scoring."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from sleeplm_core.errors import RecordingError
from sleeplm_core.io.epochset import CANONICAL_CHANNELS, EPOCH_SAMPLES
from sleeplm_core.io.load import load_recording, open_night
from sleeplm_core.io.montage import map_montage
from sleeplm_core.io.scoring import read_scoring

REAL = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "real"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "io"
SC = REAL / "sleep_edf_sc4001"
DREAMS = REAL / "dreams_spindles"
YASA = REAL / "yasa_snippets"


def _counts(stages: np.ndarray) -> dict[int, int]:
    codes, counts = np.unique(stages, return_counts=True)
    return dict(zip(codes.tolist(), counts.tolist()))


@pytest.fixture(scope="module")
def sc4001():
    return open_night(SC / "SC4001E0-PSG.edf", hypnogram=FIXTURES / "SC4001EC-Hypnogram.edf")


def test_sc4001_stage_counts_equal_its_hypnogram(sc4001):
    rec, _, epochs = sc4001
    # SOURCE.md: W 1997, S1 58, S2 250, S3 101 + S4 119 -> N3 220, REM 125; its 230
    # "?" epochs all lie past the 79,500-s end of the PSG and are dropped.
    assert _counts(epochs.stages) == {0: 1997, 1: 58, 2: 250, 3: 220, 4: 125}
    assert len(epochs) == 2650 and rec.duration == 79500.0
    assert any("230 unscored epoch(s)" in w for w in rec.source["warnings"])


def test_sc4001_mapping_substitutions_and_flags(sc4001):
    rec, montage, epochs = sc4001
    assert montage.mapping == {
        "AF": "Resp oro-nasal", "EOG_L": "EOG horizontal", "EEG_C3": "EEG Fpz-Cz",
        "EEG_C4": "EEG Pz-Oz", "EMG_CHIN": "EMG submental",
    }
    assert set(montage.substitutions) == {"EOG_L", "EEG_C3", "EEG_C4"}
    assert montage.missing == ["ECG", "ABD", "THX", "EOG_R", "POS"]
    assert montage.aux_mapping == {"TEMP": "Temp rectal"}   # read by the chat, not the model
    assert montage.unused == ["Event marker"]
    slow = " ".join(montage.warnings)
    assert "AF ('Resp oro-nasal') is sampled at 1 Hz" in slow and "EMG_CHIN" in slow
    assert epochs.data.shape == (2650, 10, EPOCH_SAMPLES) and epochs.data.dtype == np.float32
    assert epochs.channel_mask.tolist() == [s in montage.mapping for s in CANONICAL_CHANNELS]


def test_sc4001_signals_in_microvolts(sc4001):
    rec, _, _ = sc4001
    eeg = rec.signals["EEG Fpz-Cz"]
    assert eeg.sfreq == 100.0 and eeg.unit == "uV"
    # SOURCE.md: Fpz-Cz std ~27 uV over the first 3 h.
    assert 15 < np.std(eeg.data[: 3 * 3600 * 100]) < 45
    assert rec.start_time.isoformat() == "1989-04-24T16:13:00"


def test_sleep_edf_per_second_csv_matches_the_edf_hypnogram(sc4001):
    scoring = read_scoring(FIXTURES / "SC4001E0-PSG.edf.csv")
    counts = _counts(scoring.stages)
    # The CSV is cropped to the sleep period, so only its sleep stages agree.
    assert {k: counts[k] for k in (1, 2, 3, 4)} == {1: 58, 2: 250, 3: 220, 4: 125}
    assert len(scoring.stages) == 26730 // 30


def test_all_sleep_edf_csv_hypnograms_total():
    totals: dict[int, int] = {}
    files = sorted((REAL / "sleep_edf_hypnograms").glob("*.csv"))
    for path in files:
        for code, n in _counts(read_scoring(path).stages).items():
            totals[code] = totals.get(code, 0) + n
    # SOURCE.md: W 10,235 / S1 2,804 / S2 17,799 / S3 3,370 + S4 2,333 / REM 7,717.
    assert len(files) == 39
    assert totals == {0: 10235, 1: 2804, 2: 17799, 3: 5703, 4: 7717}


def test_dreams_excerpt3_edf_maps_full_montage():
    rec, montage, epochs = open_night(
        DREAMS / "excerpt3.edf", hypnogram=DREAMS / "Hypnogram_excerpt3.txt",
        events=[DREAMS / "Visual_scoring1_excerpt3.txt", DREAMS / "Visual_scoring2_excerpt3.txt"],
    )
    assert montage.missing == []
    assert rec.signals["C3-A1"].unit == "uV" and rec.signals["C3-A1"].sfreq == 50.0  # header says "UV"
    assert montage.mapping["EEG_C3"] == "C3-A1" and montage.substitutions["EEG_C4"][0] == "FP1-A1"
    assert (montage.mapping["EOG_L"], montage.mapping["EOG_R"]) == ("EOG1-A1", "EOG2-A1")
    assert (montage.mapping["THX"], montage.mapping["ABD"], montage.mapping["AF"]) == ("VTH", "VAB", "NAF1")
    assert montage.aux_mapping == {"SPO2": "SAO2", "HR": "PR", "SNORE": "PHONO"}
    assert epochs.channel_mask.all() and len(epochs) == 60
    # SOURCE.md: spindles expert1/expert2 = 5/44 for excerpt 3.
    assert sum(e.type == "spindle" for e in rec.events) == 49
    # The analogue DREAMS position sensor is not guessed.
    assert (epochs.data[:, CANONICAL_CHANNELS.index("POS")] == -1).all()
    assert any("not in a recognised encoding" in w for w in montage.warnings)
    # SOURCE.md: airflow and effort clip at about +-328; the quality mask sees it.
    assert epochs.quality_flags["clipped"][:, CANONICAL_CHANNELS.index("ABD")].any()


def test_dreams_stage_majority_matches_the_5s_codes():
    _, _, epochs = open_night(DREAMS / "excerpt3.edf", hypnogram=DREAMS / "Hypnogram_excerpt3.txt")
    raw = np.loadtxt(DREAMS / "Hypnogram_excerpt3.txt", skiprows=1).astype(int).reshape(-1, 6)
    reversed_scale = {5: 0, 4: 4, 3: 1, 2: 2, 1: 3, 0: 3}
    # Majority of the six 5-s values; Counter keeps first-seen order on ties.
    expected = [Counter(reversed_scale.get(v, -1) for v in block).most_common(1)[0][0] for block in raw]
    assert epochs.stages.tolist() == expected


@pytest.mark.parametrize(
    ("number", "sfreq", "label", "spindles"),
    [(1, 100, "C3-A1", 52), (2, 200, "CZ-A1", 60), (3, 50, "C3-A1", 5),
     (4, 200, "CZ-A1", 44), (5, 200, "CZ-A1", 56), (6, 200, "CZ-A1", 72)],
)
def test_dreams_text_excerpts(number, sfreq, label, spindles):
    rec, montage, epochs = open_night(
        DREAMS / f"excerpt{number}.txt", hypnogram=DREAMS / f"Hypnogram_excerpt{number}.txt",
        events=DREAMS / f"Visual_scoring1_excerpt{number}.txt", sfreq=sfreq,
    )
    assert montage.mapping == {"EEG_C3": label}
    assert ("EEG_C3" in montage.substitutions) == (label != "C3-A1")
    assert len(epochs) == 60 and (epochs.stages >= 0).all()
    assert sum(e.type == "spindle" and e.channel == label for e in rec.events) == spindles


def test_yasa_signal_snippets():
    n2 = load_recording(YASA / "data_N2_spindles_15sec_200Hz.txt")
    assert n2.signals["EEG"].sfreq == 200.0 and n2.duration == 15.0
    assert map_montage(n2).substitutions["EEG_C3"][0] == "EEG"
    with pytest.raises(RecordingError, match="shorter than one 30-s epoch"):
        open_night(YASA / "data_N2_spindles_15sec_200Hz.txt")
    _, _, n3 = open_night(FIXTURES / "data_N3_no-spindles_30sec_100Hz.txt")
    assert len(n3) == 1
    rec, montage, epochs = open_night(YASA / "data_EOGs_REM_256Hz.npz")
    assert montage.mapping == {"EOG_L": "LOC", "EOG_R": "ROC"}
    assert rec.signals["LOC"].sfreq == 256.0 and len(epochs) == 219904 // 256 // 30


def test_yasa_hypnograms():
    letters = read_scoring(FIXTURES / "sub-02_hypno_30s.txt")
    assert len(letters.stages) == 98 and 4 not in letters.stages
    coded = read_scoring(FIXTURES / "data_full_6hrs_100Hz_hypno_30s.txt")
    raw = np.loadtxt(FIXTURES / "data_full_6hrs_100Hz_hypno_30s.txt", comments="#").astype(int)
    assert coded.format == "stage-per-line" and np.array_equal(coded.stages, raw)
