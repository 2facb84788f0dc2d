"""Scored-event labels to the project's event types.

Scoring systems name the same event many ways ("Obstructive Apnea",
"Obstructive apnea|Obstructive Apnea", "OSA", "SpO2 desaturation", ...). Every
reader passes labels through :func:`normalize_event`; labels it does not
recognise are kept verbatim so that nothing scored is lost.
"""

from __future__ import annotations

import re

EVENT_TYPES: tuple[str, ...] = (
    "obstructive_apnea", "central_apnea", "mixed_apnea", "hypopnea", "desaturation",
    "arousal", "spindle", "k_complex", "limb_movement", "slow_wave", "rapid_eye_movement",
    "bradycardia", "tachycardia", "rera",
)
"""Normalised event type names."""

# (type, pattern) checked in order on the lower-cased label with separators as
# spaces; the first match wins, so specific apnea kinds come before plain apnea.
_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern)) for name, pattern in (
        # "MA" is left out on purpose: some systems use it for movement arousal.
        ("obstructive_apnea", r"\b(obstructive apn(o)?ea|osa|oa|apn(o)?ea obstructive)\b"),
        ("central_apnea", r"\b(central apn(o)?ea|csa|ca|apn(o)?ea central)\b"),
        ("mixed_apnea", r"\b(mixed apn(o)?ea|apn(o)?ea mixed)\b"),
        ("hypopnea", r"\bhypopn(o)?ea\b"),
        ("desaturation", r"\b(desaturation|desat|spo2 desaturation|oxygen desaturation)\b"),
        # Before "arousal": a RERA is a breathing event, counted in the RDI, not an EEG arousal.
        ("rera", r"\b(rera|respiratory effort related arousals?)\b"),
        ("arousal", r"\b(arousal|eeg arousal|micro arousal|microarousal)\b"),
        ("spindle", r"\b(spindles?|sleep spindle)\b"),
        ("k_complex", r"\b(k complex(es)?|kc)\b"),
        ("limb_movement", r"\b(limb movement|leg movement|plm|lm|periodic limb movement)\b"),
        ("slow_wave", r"\b(slow waves?|slow oscillations?)\b"),
        ("rapid_eye_movement", r"\b(rapid eye movements?)\b"),
        ("bradycardia", r"\bbradycardia\b"),
        ("tachycardia", r"\btachycardia\b"),
    )
)


def normalize_event(label: str) -> str:
    """Map a scored-event label to one of :data:`EVENT_TYPES`, else return it verbatim.

    The NSRR form "Name|Display" is matched on both halves; case, "-", "_" and
    "/" are ignored ("K-complex", "k_complex" and "K complex" are the same).
    """
    text = re.sub(r"[\s\-_/|()]+", " ", label.lower()).strip()
    for name, pattern in _RULES:
        if pattern.search(text):
            return name
    return label.strip()
