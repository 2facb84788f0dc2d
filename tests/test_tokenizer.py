"""CLIP BPE against the official tokenizer's ids, and the WordPiece wrapper."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from sleeplm_core.model.text_towers import minilm_path
from sleeplm_core.model.tokenizer import ClipTokenizer, WordPieceTokenizer

GOLDEN = Path(__file__).resolve().parent / "fixtures" / "official-sleeplm" / "tokenizer_golden.json"


@pytest.fixture(scope="module")
def golden() -> dict:
    return json.loads(GOLDEN.read_text())


@pytest.fixture(scope="module")
def clip(golden: dict) -> ClipTokenizer:
    return ClipTokenizer(golden["context_length"])


def test_clip_bpe_matches_official_ids_token_for_token(clip: ClipTokenizer, golden: dict) -> None:
    encoded = clip.encode([case["text"] for case in golden["cases"]])
    assert encoded.shape == (len(golden["cases"]), golden["context_length"])
    for row, case in zip(encoded, golden["cases"]):
        n = len(case["ids"])
        assert row[:n].tolist() == case["ids"], case["text"]
        assert (row[n:] == clip.pad_id).all()


def test_clip_special_ids_and_vocab_size(clip: ClipTokenizer) -> None:
    assert (clip.sot_id, clip.eot_id, clip.pad_id, clip.vocab_size) == (49406, 49407, 0, 49408)


def test_clip_truncation_keeps_end_token_last() -> None:
    tok = ClipTokenizer(context_length=8)
    ids = tok.encode("one two three four five six seven eight nine")[0]
    assert ids[0] == tok.sot_id and ids[-1] == tok.eot_id
    assert tok.decode(ids.tolist()) == "one two three four five six"


def test_clip_decode_inverts_encode_up_to_case_and_spacing(clip: ClipTokenizer) -> None:
    ids = clip.encode("Sleep stage N3: slow waves.")[0].tolist()
    assert clip.decode(ids) == "sleep stage n 3 : slow waves ."


def test_wordpiece_round_trip_and_padding() -> None:
    tok = WordPieceTokenizer(context_length=16, folder=minilm_path())
    ids = tok.encode(["deep sleep with slow waves", "wake"])
    assert ids.dtype == torch.long and ids.shape[0] == 2
    assert ids[0, 0] == tok.sot_id and tok.eot_id in ids[1].tolist()
    assert ids[1, -1] == tok.pad_id  # padded to the longer text
    assert tok.decode(ids[0].tolist()) == "deep sleep with slow waves"
    assert tok.encode("word " * 40).shape[1] == 16
    text = "in words: normal heart rate; saturation falling (12 %), low."
    wide = WordPieceTokenizer(context_length=64, folder=minilm_path())
    assert wide.decode(wide.encode(text)[0].tolist()) == "in words: normal heart rate; saturation falling (12%), low."


def test_curly_quotes_fullwidth_and_ligatures_read_as_plain_text(clip: ClipTokenizer) -> None:
    assert clip.ids("the patient\u2019s \u201cdeep\u201d sleep") == clip.ids('the patient\'s "deep" sleep')
    assert clip.ids("\uff2e\uff13 \ufb01ne") == clip.ids("N3 fine")
