"""Typo repair before understanding (app/chat/spelling.py, pyspellchecker's dictionary)."""

from __future__ import annotations

import pytest

from app.chat.query import Intent
from app.chat.spelling import repair
from app.chat.understand import understand


@pytest.mark.parametrize(("typed", "meant"), [
    ("whats the sleep efficency", "what's the sleep efficiency"),
    ("how many arousels in REM", "how many arousals in REM"),
    ("were there spindels in N2", "were there spindles in N2"),
    ("show the hypnogam", "show the hypnogram"),
    ("any desaturatons below 90", "any desaturations below 90"),
    ("what is the REM latancy", "what is the REM latency"),
    ("obstrucive apneas", "obstructive apneas"),
])
def test_misspelt_sleep_words_are_repaired(typed: str, meant: str) -> None:
    assert repair(typed) == meant


@pytest.mark.parametrize("text", [
    "does anything look abnormal", "REM-related AHI", "what happened just before it?",
    "SpO2 below 88%", "k-complexes in N2", "HRV in NREM", "patient's heart rate",
    "apnoea hypopnoea index", "how does this night compare with healthy sleepers",
])
def test_known_words_acronyms_and_joined_words_are_left_alone(text: str) -> None:
    assert repair(text) == text


@pytest.mark.parametrize(("typed", "intent", "stat"), [
    ("whats the sleep efficency", Intent.SUMMARY, "se"),
    ("wat is the REM latancy", Intent.STAGE_TIMING, None),
])
def test_a_misspelt_question_is_understood(typed: str, intent: Intent, stat: str | None) -> None:
    q = understand(typed)
    assert q.intent == intent and q.stat == stat


def test_a_dropped_letter_is_mended_before_a_more_frequent_word() -> None:
    """"secnd half" read as "send half", and the second half's apneas became the whole night's."""
    from app.chat.spelling import repair

    assert repair("hw many apneas in the secnd half of the nite") == "hw many apneas in the second half of the nite"
    assert repair("obstrctive apneas") == "obstructive apneas"
