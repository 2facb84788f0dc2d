"""Scoring formats, stage labels and event names."""

from __future__ import annotations

from pathlib import Path

import pytest

from sleeplm_core.errors import RecordingError
from sleeplm_core.io.events import EVENT_TYPES, normalize_event
from sleeplm_core.io.scoring import detect_format, read_scoring
from sleeplm_core.io.stages import stage_code

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "io"

NSRR = """<?xml version="1.0" encoding="UTF-8"?>
<PSGAnnotation><SoftwareVersion>Compumedics</SoftwareVersion><EpochLength>30</EpochLength>
<ScoredEvents>
<ScoredEvent><EventType/><EventConcept>Recording Start Time</EventConcept><Start>0</Start><Duration>300.0</Duration></ScoredEvent>
<ScoredEvent><EventType>Stages|Stages</EventType><EventConcept>Wake|0</EventConcept><Start>0</Start><Duration>60.0</Duration></ScoredEvent>
<ScoredEvent><EventType>Stages|Stages</EventType><EventConcept>Stage 1 sleep|1</EventConcept><Start>60</Start><Duration>30.0</Duration></ScoredEvent>
<ScoredEvent><EventType>Stages|Stages</EventType><EventConcept>Stage 4 sleep|4</EventConcept><Start>90</Start><Duration>30.0</Duration></ScoredEvent>
<ScoredEvent><EventType>Stages|Stages</EventType><EventConcept>REM sleep|5</EventConcept><Start>120</Start><Duration>30.0</Duration></ScoredEvent>
<ScoredEvent><EventType>Respiratory|Respiratory</EventType><EventConcept>Obstructive apnea|Obstructive Apnea</EventConcept><Start>95.5</Start><Duration>14.2</Duration><SignalLocation>NASAL PRES</SignalLocation></ScoredEvent>
<ScoredEvent><EventType>Respiratory|Respiratory</EventType><EventConcept>SpO2 desaturation|SpO2 desaturation</EventConcept><Start>112</Start><Duration>20</Duration><SignalLocation>SaO2</SignalLocation></ScoredEvent>
<ScoredEvent><EventType>Arousals|Arousals</EventType><EventConcept>Arousal|Arousal ()</EventConcept><Start>108</Start><Duration>5</Duration></ScoredEvent>
</ScoredEvents></PSGAnnotation>
"""

PROFUSION = """<?xml version="1.0" encoding="utf-8"?>
<CMPStudyConfig><EpochLength>30</EpochLength>
<ScoredEvents>
<ScoredEvent><Name>Hypopnea</Name><Start>40.5</Start><Duration>12</Duration><Input>Airflow</Input></ScoredEvent>
<ScoredEvent><Name>Central Apnea</Name><Start>10</Start><Duration>11</Duration><Input>Airflow</Input></ScoredEvent>
<ScoredEvent><Name>PLM (Left)</Name><Start>70</Start><Duration>1.5</Duration><Input>Leg L</Input></ScoredEvent>
</ScoredEvents>
<SleepStages><SleepStage>0</SleepStage><SleepStage>1</SleepStage><SleepStage>2</SleepStage><SleepStage>3</SleepStage><SleepStage>4</SleepStage><SleepStage>5</SleepStage><SleepStage>9</SleepStage></SleepStages>
</CMPStudyConfig>
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_nsrr_xml(tmp_path):
    scoring = read_scoring(_write(tmp_path, "night-nsrr.xml", NSRR))
    assert scoring.format == "nsrr-xml"
    assert scoring.stages.tolist() == [0, 0, 1, 3, 4] and scoring.stage_offset == 0.0
    assert [(e.onset, e.type, e.channel) for e in scoring.events] == [
        (95.5, "obstructive_apnea", "NASAL PRES"), (108.0, "arousal", None), (112.0, "desaturation", "SaO2"),
    ]


def test_profusion_xml(tmp_path):
    scoring = read_scoring(_write(tmp_path, "study.xml", PROFUSION))
    assert scoring.format == "profusion-xml"
    assert scoring.stages.tolist() == [0, 1, 2, 3, 3, 4, -1]
    assert [(e.onset, e.type) for e in scoring.events] == [
        (10.0, "central_apnea"), (40.5, "hypopnea"), (70.0, "limb_movement"),
    ]


def test_csv_with_header_stages_and_events(tmp_path):
    path = _write(tmp_path, "annot.csv",
                  "onset,duration,description,channel\n30,30,Sleep stage N1\n60,30,Sleep stage N2\n"
                  "90,30,Sleep stage N3\n120,30,Sleep stage R\n150,30,Sleep stage N\n75,0.8,K-complex,C3-M2\n"
                  "76,1.2,Snore burst,\n")
    scoring = read_scoring(path)
    assert scoring.stage_offset == 30.0 and scoring.stages.tolist() == [1, 2, 3, 4, -1]
    assert [(e.type, e.channel) for e in scoring.events] == [("k_complex", "C3-M2"), ("Snore burst", None)]


def test_dreams_formats_detected_by_content(tmp_path):
    hyp = _write(tmp_path, "a.txt", "[Hypnogram]\n" + "5\n" * 6 + "2\n2\n2\n1\n1\n0\n" + "-2\n" * 6)
    assert detect_format(hyp) == "dreams-hypnogram"
    assert read_scoring(hyp).stages.tolist() == [0, 2, -1]
    spindles = _write(tmp_path, "b.txt", "[vis2_Spindles/CZ-A1]\n  12.5000\t    0.7500\n")
    assert detect_format(spindles) == "dreams-events"
    assert [(e.onset, e.duration, e.type, e.channel) for e in read_scoring(spindles).events] == [
        (12.5, 0.75, "spindle", "CZ-A1"),
    ]


def test_edf_hypnogram_detected_by_content(tmp_path):
    copy = tmp_path / "scoring.bin"
    copy.write_bytes((FIXTURES / "SC4001EC-Hypnogram.edf").read_bytes())
    assert detect_format(copy) == "edf-annotations"
    assert len(read_scoring(copy).stages) == 2880


def test_integer_hypnogram_without_legend_is_refused(tmp_path):
    path = _write(tmp_path, "codes.txt", "0\n1\n2\n4\n")
    with pytest.raises(RecordingError, match="integer hypnogram without a legend"):
        read_scoring(path)


def test_tie_goes_to_the_stage_seen_first(tmp_path):
    path = _write(tmp_path, "fine.txt", "# 1 value per 10 seconds\n" + "N2\nN3\nN3\n" + "W\nN1\nR\n")
    assert read_scoring(path).stages.tolist() == [3, 0]


@pytest.mark.parametrize(("label", "code"), [
    ("Sleep stage W", 0), ("Sleep stage 1", 1), ("Sleep stage 3", 3), ("Sleep stage 4", 3),
    ("Sleep stage R", 4), ("Sleep stage ?", -1), ("Movement time", -1), ("Stage 2 sleep|2", 2),
    ("REM sleep|5", 4), ("Unscored|9", -1), ("N3", 3), ("wake", 0),
])
def test_stage_labels(label, code):
    assert stage_code(label) == code


@pytest.mark.parametrize(("label", "kind"), [
    ("Obstructive Apnea", "obstructive_apnea"), ("Central Apnea", "central_apnea"), ("Mixed Apnea", "mixed_apnea"),
    ("Hypopnea", "hypopnea"), ("Oxygen Desaturation", "desaturation"), ("Arousal", "arousal"),
    ("Spindle", "spindle"), ("K-complex", "k_complex"), ("Limb Movement", "limb_movement"),
    ("Obstructive apnea|Obstructive Apnea", "obstructive_apnea"), ("Arousal|Arousal ()", "arousal"),
    ("SpO2 desaturation|SpO2 desaturation", "desaturation"), ("Periodic leg movement", "limb_movement"),
    ("Hypopnoea", "hypopnea"), ("RERA", "rera"), ("Respiratory effort related arousal", "rera"),
    ("RERA|RERA", "rera"), ("Micro-arousal", "arousal"),
])
def test_event_names(label, kind):
    assert normalize_event(label) == kind and kind in EVENT_TYPES


def test_unknown_event_kept_verbatim():
    assert normalize_event(" Bruxism ") == "Bruxism"
    assert normalize_event("Apnea") == "Apnea"
