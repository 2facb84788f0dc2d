"""bench/probe.py's cache: keyed by the generator's source, read back instead of regenerating."""

import importlib.util
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def probe():
    spec = importlib.util.spec_from_file_location("probe_under_test", REPO / "bench" / "probe.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop(spec.name, None)


def test_generator_hash_follows_the_source(probe, tmp_path, monkeypatch):
    copy = tmp_path / "synth"
    shutil.copytree(probe.GENERATOR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(probe, "GENERATOR", copy)
    before = probe.generator_hash()
    assert probe.generator_hash() == before
    (copy / "eeg.py").write_text((copy / "eeg.py").read_text() + "\n# changed\n")
    assert probe.generator_hash() != before


def test_a_cached_night_is_read_back_without_generating(probe, tmp_path, monkeypatch):
    first = probe.synthetic_night(7, 0.5, "aasm", False, tmp_path)
    assert first.features is not None and len(first.features) == len(first.yasa_same)
    assert len(list(tmp_path.glob("*.pkl"))) == 1

    def refuse(*_args, **_kwargs):
        raise AssertionError("regenerated a cached night")

    monkeypatch.setattr(probe, "synth_night", refuse)
    again = probe.synthetic_night(7, 0.5, "aasm", False, tmp_path)
    assert again.features.equals(first.features)
    np.testing.assert_array_equal(again.labels, first.labels)
    np.testing.assert_array_equal(again.yasa_same, first.yasa_same)
    with pytest.raises(AssertionError, match="regenerated"):
        probe.synthetic_night(8, 0.5, "aasm", False, tmp_path)  # another seed is not in the cache


def test_the_frontal_dreams_lead_is_fp1_minus_c3_in_microvolts(probe):
    night = probe.dreams_frontal_night()
    central = probe.dreams_night(3)
    frontal = night.raw.get_data()[0] * 1e6
    assert night.raw.info["sfreq"] == probe.PROBE_FS and night.eeg == "FP1-C3"
    assert 5.0 < frontal.std() < 100.0  # µV: a unit slip would be off by 1e6
    np.testing.assert_array_equal(night.labels, central.labels)
    n = min(len(frontal), central.raw.n_times)
    # A bipolar pair across the scalp is not the referential central lead, but shares C3 with it (sign -).
    assert -0.95 < np.corrcoef(frontal[:n], central.raw.get_data()[0][:n])[0, 1] < 0.5


def test_feature_columns_drop_a_feature_with_its_rolling_versions(probe, tmp_path):
    table = probe.synthetic_night(7, 0.5, "aasm", False, tmp_path).features.columns.tolist()
    # The cached table keeps YASA's time-of-night columns; the classifiers leave them out by default.
    assert set(probe.TIME_COLUMNS) <= set(table)
    columns = probe.feature_columns(table)
    assert sorted(probe.feature_columns(table, time_of_night=True)) == sorted(table)
    assert sorted({probe.base_feature(c) for c in columns}) == sorted(probe.EEG_FEATURES)
    kept = probe.feature_columns(table, ("beta",))
    assert len(kept) == len(columns) - 3 and not [c for c in kept if c.startswith("eeg_beta")]
    assert "eeg_db" in kept and "eeg_db_c7min_norm" in kept  # 'db' is not 'beta'
    epoch = probe.feature_columns(table, kind="epoch")
    rolling = probe.feature_columns(table, kind="rolling")
    assert len(epoch) == len(probe.EEG_FEATURES) and sorted(epoch + rolling) == sorted(columns)


def test_an_unknown_feature_is_refused_in_one_line(probe, monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["probe.py", "--drop", "gamma", "--no-real"])
    with pytest.raises(SystemExit) as exit_:
        probe.main()
    assert exit_.value.code == 2
    assert "--drop: no YASA feature named gamma; the names are abspow" in capsys.readouterr().err


def test_teacher_labels_are_yasas_reading_row_for_row(probe):
    """``--labels yasa``: the full-montage reading where there is one (unscored rows past its
    end stay -1), else the reading on the probe's own channels."""
    import pandas as pd

    features = pd.DataFrame({"x": np.arange(4.0)})
    truth, same = np.array([0, 1, 2, 3]), np.array([1, 1, 2, 2])
    night = probe.SynthNight(1, features, truth, same, (truth[:3], np.array([4, 4, 4])))
    assert probe.targets(night, "truth").tolist() == [0, 1, 2, 3]
    assert probe.targets(night, "yasa").tolist() == [4, 4, 4, -1]
    alone = probe.SynthNight(2, features, truth, same, None)
    assert probe.targets(alone, "yasa").tolist() == [1, 1, 2, 2]
