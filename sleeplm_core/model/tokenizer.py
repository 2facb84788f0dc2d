"""Tokenizers behind one interface: CLIP byte-level BPE (sleeplm-base) and MiniLM
WordPiece (sleeplm-mini).

Both give ``encode(texts) -> LongTensor [M, L]`` with start/end tokens and ``pad_id``
padding, and ``decode(ids) -> str`` without special tokens, so callers need not know
which vocabulary a model uses.
"""

from __future__ import annotations

import gzip
import html
import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Protocol, Sequence

import regex
import torch

from sleeplm_core.errors import ModelError

VOCAB_PATH = Path(__file__).resolve().parents[2] / "assets" / "vocab" / "bpe_simple_vocab_16e6.txt.gz"
"""CLIP BPE merges (MIT, OpenAI CLIP via open_clip); see assets/vocab/NOTICE.md."""

_N_MERGES = 49152 - 256 - 2
_SOT, _EOT = "<start_of_text>", "<end_of_text>"
_PATTERN = regex.compile(
    r"""<start_of_text>|<end_of_text>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+""",
    regex.IGNORECASE)


class Tokenizer(Protocol):
    """What the model and its callers need from a tokenizer."""

    sot_id: int
    eot_id: int
    pad_id: int
    vocab_size: int

    def encode(self, texts: str | Sequence[str]) -> torch.Tensor: ...

    def decode(self, ids: Sequence[int]) -> str:
        """Text of ``ids`` up to the first end token, special tokens dropped."""


@lru_cache(maxsize=1)
def _byte_alphabet() -> dict[int, str]:
    """Reversible byte -> printable character map (printable Latin-1 bytes map to
    themselves, the rest to code points from 256 up), so BPE never sees whitespace or
    control bytes."""
    keep = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1), *range(ord("®"), ord("ÿ") + 1)]
    table = {b: chr(b) for b in keep}
    extra = 0
    for b in range(256):
        if b not in table:
            table[b] = chr(256 + extra)
            extra += 1
    return table


_FTFY_LIKE = str.maketrans({
    **{c: "'" for c in "\u2018\u2019\u201a\u201b"},
    **{c: '"' for c in "\u201c\u201d\u201e\u201f"},
    **{chr(0xFF01 + i): chr(0x21 + i) for i in range(0x5E)},  # fullwidth ASCII forms
    "\u3000": " ",
    **{lig: unicodedata.normalize("NFKC", lig) for lig in "\ufb00\ufb01\ufb02\ufb03\ufb04\ufb06"},
})
"""The fixes of ``ftfy.fix_text`` (which the released tokenizer runs) that change what
text *means* to BPE: curly quotes, fullwidth characters and Latin ligatures."""


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text).translate(_FTFY_LIKE)
    text = html.unescape(html.unescape(text)).strip()
    return " ".join(text.split()).lower()


class ClipTokenizer:
    """CLIP byte-level BPE over the 49,408-token vocabulary of the released model.

    ``encode`` pads every text to ``context_length`` (the CLIP tower reads its CLS state
    after the padding, so the padded length is part of the model's input) and truncates
    longer texts keeping the end token last.
    """

    def __init__(self, context_length: int = 256, vocab_path: Path = VOCAB_PATH) -> None:
        try:
            lines = gzip.open(vocab_path, "rt", encoding="utf-8").read().split("\n")
        except OSError as err:
            raise ModelError(f"{vocab_path}: cannot read the CLIP BPE vocabulary ({err}); "
                             "restore assets/vocab from the repository") from err
        merges = [tuple(line.split()) for line in lines[1: _N_MERGES + 1]]
        alphabet = list(_byte_alphabet().values())
        vocab = alphabet + [c + "</w>" for c in alphabet] + ["".join(m) for m in merges] + [_SOT, _EOT]
        self.encoder = {tok: i for i, tok in enumerate(vocab)}
        self.decoder = dict(enumerate(vocab))
        self.ranks = {pair: i for i, pair in enumerate(merges)}
        self.byte_decoder = {c: b for b, c in _byte_alphabet().items()}
        self.context_length = context_length
        self.sot_id, self.eot_id, self.pad_id = self.encoder[_SOT], self.encoder[_EOT], 0
        self.vocab_size = len(vocab)
        self._cache: dict[str, list[str]] = {}

    def _bpe(self, word: str) -> list[str]:
        if word in self._cache:
            return self._cache[word]
        parts = [*word[:-1], word[-1] + "</w>"]
        while len(parts) > 1:
            pairs = {(a, b) for a, b in zip(parts, parts[1:])}
            best = min(pairs, key=lambda p: self.ranks.get(p, len(self.ranks)))
            if best not in self.ranks:
                break
            merged, i = [], 0
            while i < len(parts):
                if i < len(parts) - 1 and (parts[i], parts[i + 1]) == best:
                    merged.append(parts[i] + parts[i + 1])
                    i += 2
                else:
                    merged.append(parts[i])
                    i += 1
            parts = merged
        self._cache[word] = parts
        return parts

    def ids(self, text: str) -> list[int]:
        """Token ids of one text, without start/end tokens."""
        alphabet = _byte_alphabet()
        out: list[int] = []
        for piece in _PATTERN.findall(_clean(text)):
            word = "".join(alphabet[b] for b in piece.encode("utf-8"))
            out.extend(self.encoder[p] for p in self._bpe(word))
        return out

    def encode(self, texts: str | Sequence[str]) -> torch.Tensor:
        texts = [texts] if isinstance(texts, str) else list(texts)
        out = torch.full((len(texts), self.context_length), self.pad_id, dtype=torch.long)
        for row, text in enumerate(texts):
            ids = [self.sot_id, *self.ids(text), self.eot_id]
            if len(ids) > self.context_length:
                ids = ids[: self.context_length - 1] + [self.eot_id]
            out[row, : len(ids)] = torch.tensor(ids)
        return out

    def decode(self, ids: Sequence[int]) -> str:
        chars = "".join(self.decoder[i] for i in _until_end(ids, self.eot_id) if i != self.sot_id)
        raw = bytearray(self.byte_decoder[c] for c in chars)
        return raw.decode("utf-8", errors="replace").replace("</w>", " ").strip()


class WordPieceTokenizer:
    """MiniLM's uncased WordPiece, loaded from the packaged model folder (no network).

    ``encode`` pads to the longest text of the call (MiniLM mean-pools over real tokens,
    so padding length does not change its output) and truncates to ``context_length``.
    """

    def __init__(self, context_length: int, folder: str) -> None:
        from transformers import AutoTokenizer

        self._tok = AutoTokenizer.from_pretrained(folder, local_files_only=True)
        self.context_length = context_length
        self.sot_id = int(self._tok.cls_token_id)
        self.eot_id = int(self._tok.sep_token_id)
        self.pad_id = int(self._tok.pad_token_id)
        self.vocab_size = len(self._tok)

    def encode(self, texts: str | Sequence[str]) -> torch.Tensor:
        texts = [texts] if isinstance(texts, str) else list(texts)
        return self._tok(texts, padding=True, truncation=True, max_length=self.context_length,
                         return_tensors="pt")["input_ids"]

    def decode(self, ids: Sequence[int]) -> str:
        text = self._tok.decode(_until_end(ids, self.eot_id), skip_special_tokens=True).strip()
        # WordPiece decoding puts a space before every punctuation mark ("rate ; low")
        return _SPACE_BEFORE_PUNCTUATION.sub(r"\1", text).replace("( ", "(")


_SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+([;:,.%)?!])")


def _until_end(ids: Sequence[int], eot_id: int) -> list[int]:
    """Ids before the first end token (what follows it is padding)."""
    out = [int(i) for i in ids]
    return out[: out.index(eot_id)] if eot_id in out else out
