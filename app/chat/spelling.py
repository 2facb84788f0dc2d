"""Typo repair before understanding: "sleep efficency" reads as "sleep efficiency".

pyspellchecker's English dictionary, extended with the chat's own vocabulary (the phrase
banks, the phenomena and the domain words below), decides which words are known. Only an
unknown word of at least :data:`MIN_LENGTH` letters that stands alone (no digit next to
it, not an all-capitals acronym such as AHI or NREM) is replaced, by the dictionary's
most frequent word within two edits (a word of the chat's own first); everything else is left as typed, so "abnormal",
"related" or "happened" are never rewritten into another word.
"""

from __future__ import annotations

import re
from functools import lru_cache

from spellchecker import SpellChecker

from app.chat import bank
from app.chat.glossary import TERMS
from app.chat.phenomena import PHENOMENA

MIN_LENGTH = 5
"""Shortest word repaired (shorter ones have too many neighbours within two edits)."""

DOMAIN_WORDS = (
    "efficiency", "latency", "hypnogram", "desaturate", "desaturated", "desaturating", "hypnograms", "spectrogram", "desaturation",
    "desaturations", "apnea", "apneas", "apnoea", "apnoeas", "hypopnea", "hypopneas",
    "hypopnoea", "hypopnoeas", "arousal", "arousals", "spindle", "spindles", "obstructive",
    "supine", "nonsupine", "periodic", "awakening", "awakenings", "artefact", "artefacts",
    "tachycardia", "bradycardia", "tachy", "brady", "hypoxemia", "hypoxaemia", "polysomnography", "polysomnogram",
    "montage", "electrode", "electrodes", "epoch", "epochs", "oximetry", "desat", "desats",
    "microarousal", "microarousals", "ultradian", "wakefulness", "biphasic", "sawtooth",
    "positional", "kcomplex", "hypopnoeic", "respiratory", "thoracic", "abdominal",
    "submental", "tibialis", "zoom", "timestamp", "atonia", "rswa", "rbd", "ectopic",
    "arrhythmia", "arrhythmias", "asystole", "palpitations", "cheyne", "stokes", "rera", "reras",
    # Acronyms typed with a plural "s" are not all capitals ("SOREMPs" is no "sores").
    "soremp", "soremps", "sorem", "sorems", "nrem",
    # Measure names typed in lower case ("rmssd during N2" is no "russ").
    "rmssd", "sdnn", "spo2",
    # Tools a researcher names ("which stager was used?" is no "stage").
    "stager", "stagers", "yasa", "scorer", "scorers", "sleeplm", "aasm",
    # What the chat says it does not measure must reach it as typed ("bruxism" is no "bruise").
    "bruxism", "sleepwalking", "somnambulism", "parasomnia", "parasomnias", "seizure",
    "seizures", "epileptic", "epilepsy", "nightmares", "cortisol", "narcolepsy", "cataplexy",
    "insomnia", "melatonin",
)


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]+", text.lower()) if len(w) >= 3}


def vocabulary() -> set[str]:
    """The chat's own words: its phrase banks, phenomena, glossary and :data:`DOMAIN_WORDS`."""
    words = set(DOMAIN_WORDS)
    for phrases in (*bank.INTENT_PHRASES.values(), *bank.THING_PHRASES.values()):
        for phrase in phrases:
            words |= _words(phrase)
    for p in PHENOMENA:
        words |= _words(" ".join((p.title, p.explanation, p.query, *p.synonyms)))
    for term in TERMS:   # "hypoventilation" is no "hyperventilation"
        words |= _words(term.title)
    return words


@lru_cache(maxsize=1)
def checker() -> tuple[SpellChecker, frozenset[str]]:
    """The English spell checker with the chat's vocabulary loaded, and that vocabulary."""
    words = frozenset(vocabulary())
    spell = SpellChecker(language="en")
    spell.word_frequency.load_words(sorted(words))
    return spell, words


# A word with letters only, not glued to a digit or to another word by "-" or "'".
_WORD_RE = re.compile(r"(?<![\w'-])[A-Za-z]+(?![\w'-])")


def _repair(match: re.Match[str]) -> str:
    word = match.group(0)
    if len(word) < MIN_LENGTH or word.isupper():
        return word
    spell, ours = checker()
    lower = word.lower()
    if lower in spell:
        return word
    # A sleep word within reach beats a more frequent English one ("arousels": arousals,
    # not arouses).
    candidates = spell.candidates(lower) or set()
    domain = [c for c in candidates if c in ours]
    # Ties on frequency go to the later word alphabetically, so a reading never depends on
    # the order of a set (pyspellchecker's own correction() took whichever came first, which
    # changed with the interpreter's hash seed).
    pool = domain or [c for c in candidates if c != lower]
    # A word the typed letters spell with some left out comes first: a dropped letter is the
    # commonest slip ("secnd" is second, not the more frequent send).
    return max(pool, key=lambda c: (_dropped_from(lower, c), spell[c], c)) if pool else word


def _dropped_from(typed: str, word: str) -> bool:
    """Whether ``typed`` is ``word`` with letters left out (its letters in order inside it)."""
    rest = iter(word)
    return all(ch in rest for ch in typed)


# Chat shorthand a dictionary would not mend: "whats the AHI", "r there any apneas".
_SHORTHAND = {"whats": "what's", "hows": "how's", "wheres": "where's", "whens": "when's", "thats": "that's",
              "isnt": "isn't", "wasnt": "wasn't", "didnt": "didn't", "doesnt": "doesn't", "pls": "please",
              "plz": "please", "idx": "index", "lat": "latency", "eff": "efficiency", "sat": "saturation",
              "sats": "saturation", "heartrate": "heart rate", "hart": "heart", "indx": "index", "effcy": "efficiency",
              "prev": "previous", "freq": "frequency", "sup": "supine", "pos": "position",
              "nonsup": "non-supine", "remlatency": "REM latency", "sleeplatency": "sleep latency",
              "sleepefficiency": "sleep efficiency", "remsleep": "REM sleep",
              # a student's "wat is rem sleep", "wats a spindel"
              "reml": "REM latency", "wat": "what", "wut": "what", "wht": "what", "wats": "what's", "wuts": "what's"}
_SHORTHAND_RE = re.compile(rf"\b(?:{'|'.join(_SHORTHAND)})\b|^\s*r(?= (?:there|they|the|these|those)\b)", re.I)


# a technician's bare abbreviation for a whole-night index ("ai?"), which in a sentence may be
# another word
_BARE_INDEX = {"ai": "arousal index", "lmi": "leg movement index", "plmai": "PLM arousal index",
               "t90": "what is the T90"}
# "ai in rem": the index, in a stage
_BARE_INDEX_RE = re.compile(rf"^\s*({'|'.join(_BARE_INDEX)})(?:\s*%)?(?=\s*\??\s*$|\s+(?:in|during|for|by)\s)", re.I)


def repair(text: str) -> str:
    """``text`` with chat shorthand spelt out and unknown words replaced by their most
    likely spelling."""
    text = _BARE_INDEX_RE.sub(lambda m: _BARE_INDEX[m.group(1).lower()], text)
    text = _SHORTHAND_RE.sub(lambda m: _SHORTHAND.get(m.group(0).lower().strip(), "are"), text)
    return _WORD_RE.sub(_repair, text)
