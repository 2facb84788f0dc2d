"""The channel alias table: which file labels fill which montage slot.

Labels are compared after :func:`label_key`: lower case, every run of spaces,
"-", "_", ":", "/", ".", brackets or commas becomes one space, and a trailing
reference electrode (A1, A2, M1, M2, Ref, Avg, LE, RE) is dropped, so "C3-A2",
"C3-M2", "EEG C3:M2", "c3_ref" and "C3" are the same key "c3". A leading
signal-type word ("EEG", "EOG", "EMG", "ECG", "Resp") is also tried without it.

Within a slot, aliases are tried in the order listed, so the first listed
alias found in the file wins (e.g. "PR" before "Pulse" for the HR slot, since
some systems label the plethysmogram waveform "PULSE").
"""

from __future__ import annotations

import re

REFERENCE_TOKENS = frozenset({"a1", "a2", "m1", "m2", "ref", "avg", "le", "re"})
TYPE_WORDS = frozenset({"eeg", "eog", "emg", "ecg", "ekg", "resp"})

ALIASES: dict[str, tuple[str, ...]] = {
    "ECG": ("ecg", "ecg ii", "ecg 2", "ecg2", "ekg", "ekg ii", "ecg1", "ecg 1", "ecg i", "ecg l", "ecg r"),
    "ABD": ("abdomen", "abd", "vab", "abdo", "abdominal", "abdo res", "abdomen effort", "effort abd", "resp abdomen"),
    "THX": ("thorax", "thx", "vth", "chest", "thoracic", "resp thoracic", "thor", "tho", "effort tho",
            "thorax effort", "resp chest", "thor res"),
    "AF": ("airflow", "flow", "naf1", "naf", "resp oro nasal", "oro nasal", "oronasal", "nasal pressure",
           "nasal", "cannula", "thermistor", "therm", "nasal flow", "resp nasal", "resp airflow",
           "pflow", "flow patient"),
    "EOG_L": ("e1", "loc", "eog left", "eog l", "left eog", "leog", "eog1", "eogl", "l eog"),
    "EOG_R": ("e2", "roc", "eog right", "eog r", "right eog", "reog", "eog2", "eogr", "r eog"),
    "EEG_C3": ("c3",),
    "EEG_C4": ("c4",),
    "EMG_CHIN": ("chin emg", "chin", "emg chin", "submental", "emg submental", "chin1 chin2", "chin 1 chin 2",
                 "chin1", "chin 1", "chin2", "emg1", "emg sub", "emg"),
    "POS": ("position", "pos", "body position", "body pos", "posture", "pos sensor"),
    "SPO2": ("spo2", "sao2", "sat", "osat", "spo 2", "sa o2", "oxygen saturation", "o2 sat"),
    "HR": ("hr", "pr", "pulse rate", "heart rate", "pulserate", "pulse"),
    "SNORE": ("snore", "snoring", "phono", "sound", "microphone", "mic"),
    "EMG_LEG": ("leg emg", "emg leg", "leg", "legs", "lat", "rat", "lat rat", "leg l", "leg r", "left leg",
                "right leg", "lleg", "rleg", "tib", "tibialis", "emg tib", "emg lat", "emg rat", "plm"),
    "TEMP": ("temp rectal", "rectal temp", "rectal temperature", "core temp", "core temperature",
             "body temp", "body temperature", "temperature", "temp", "skin temp", "skin temperature"),
}
"""Montage slot -> aliases (as :func:`label_key` keys), most preferred first."""

EEG_FALLBACKS: tuple[str, ...] = (
    "cz", "fz", "f3", "f4", "fpz cz", "fp1", "fp2", "fpz", "pz", "p3", "p4", "pz oz", "o1", "o2", "oz",
    "t3", "t4", "eeg",
)
"""EEG keys that may stand in for a missing central EEG, most central first.

The opposite central electrode is tried before this list. Every stand-in is
reported as a substitution because spindles and slow waves differ by site.
"""

EOG_FALLBACKS: tuple[str, ...] = ("eog horizontal", "horizontal", "heog", "eog horiz", "eog")
"""Keys of single bipolar (left-right) EOG derivations that stand in for EOG_L."""


def label_key(label: str) -> str:
    """Normalised comparison key of a channel label (see module docstring)."""
    text = re.sub(r"[\s\-_:/.,()\[\]]+", " ", label.lower()).strip()
    tokens = text.split(" ")
    if len(tokens) > 1 and tokens[-1] in REFERENCE_TOKENS:
        tokens = tokens[:-1]
    return " ".join(tokens)


def label_keys(label: str) -> tuple[str, ...]:
    """Keys a label answers to: its key, and the key without a type word."""
    key = label_key(label)
    head, _, rest = key.partition(" ")
    if head in TYPE_WORDS and rest:
        return key, rest
    return (key,)
