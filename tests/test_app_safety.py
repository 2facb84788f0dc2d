"""Upload checks: allowed folders, extensions, file types and the size limit."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.uploads import UploadError, UploadPolicy, check_recording, check_scoring, parse_size


def _policy(root: Path, max_bytes: int = 2 * 1024**3) -> UploadPolicy:
    return UploadPolicy(max_bytes=max_bytes, roots=(root,))


def test_real_edf_inside_an_allowed_folder_is_accepted(synthetic_edf: Path) -> None:
    assert check_recording(synthetic_edf, _policy(synthetic_edf.parent)) == synthetic_edf.resolve()


def test_file_outside_the_allowed_folders_is_refused(synthetic_edf: Path, tmp_path: Path) -> None:
    with pytest.raises(UploadError, match="only uploaded files"):
        check_recording(synthetic_edf, _policy(tmp_path))


def test_path_escaping_with_dotdot_is_refused(synthetic_edf: Path, tmp_path: Path) -> None:
    sneaky = tmp_path / ".." / synthetic_edf.parent.name / synthetic_edf.name
    with pytest.raises(UploadError, match="only uploaded files"):
        check_recording(sneaky, _policy(tmp_path))


def test_renamed_text_file_is_refused_by_its_content(tmp_path: Path) -> None:
    fake = tmp_path / "night.edf"
    fake.write_text("not an edf at all")
    with pytest.raises(UploadError, match="not an EDF"):
        check_recording(fake, _policy(tmp_path))


def test_wrong_extension_and_oversize_are_refused(synthetic_edf: Path, tmp_path: Path) -> None:
    other = tmp_path / "night.mp4"
    other.write_bytes(b"0       rest")
    with pytest.raises(UploadError, match="must be one of"):
        check_recording(other, _policy(tmp_path))
    with pytest.raises(UploadError, match="over the upload limit"):
        check_recording(synthetic_edf, _policy(synthetic_edf.parent, max_bytes=1024))


def test_binary_scoring_file_is_refused(tmp_path: Path) -> None:
    csv = tmp_path / "hypnogram.csv"
    csv.write_bytes(b"epoch,stage\x00\x01")
    with pytest.raises(UploadError, match="must be text"):
        check_scoring(csv, _policy(tmp_path))
    csv.write_text("epoch,stage\n0,W\n")
    assert check_scoring(csv, _policy(tmp_path)) == csv.resolve()


@pytest.mark.parametrize(("text", "size"), [("2GB", 2 * 1024**3), ("500 MB", 500 * 1024**2),
                                            ("1024", 1024)])
def test_parse_size(text: str, size: int) -> None:
    assert parse_size(text) == size


def test_parse_size_refuses_nonsense() -> None:
    with pytest.raises(UploadError):
        parse_size("lots")
