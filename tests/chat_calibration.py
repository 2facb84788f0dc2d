"""Held-out phrasings that calibrate the semantic layer's "I did not understand" threshold.

Sleep questions (with the intent they mean) and questions with no sleep meaning,
written apart from the phrase bank (``app/chat/bank.py``) and never copied into it.
``bench/chat.py --calibrate`` sweeps the threshold over them.
"""

from __future__ import annotations

IN_DOMAIN: list[tuple[str, str]] = [
    ("at what point did the sleeper drift off", "stage_timing"),
    ("when did dreaming begin", "stage_timing"),
    ("time the subject got up in the morning", "stage_timing"),
    ("how soon did REM appear", "stage_timing"),
    ("amount of time in slow-wave sleep", "stage_amount"),
    ("how many hours of sleep in total were there", "stage_amount"),
    ("what share of sleep was REM", "stage_amount"),
    ("give me an overview of the recording", "summary"),
    ("what are the main sleep metrics", "summary"),
    ("how efficient was the sleep", "summary"),
    ("is the amount of REM typical", "normal"),
    ("does this look like a healthy night", "normal"),
    ("how would a doctor rate these numbers against healthy people", "normal"),
    ("bring up the hypnogram", "show"),
    ("let me look at the stage chart", "show"),
    ("take me to half past two", "navigate"),
    ("scroll forward to the next event", "navigate"),
    ("what does a spindle mean", "explain"),
    ("teach me what hypopnea means", "explain"),
    ("where do breathing events occur", "locate"),
    ("point me to some arousals", "locate"),
    ("list all respiratory events in REM", "locate"),
    ("episodes where pulse went very high", "threshold"),
    ("periods of oxygen saturation under ninety", "threshold"),
    ("how steady was the pulse overnight", "measure"),
    ("what was the typical oxygen level", "measure"),
    ("which stage is shown now", "classify"),
    ("what would you call this epoch: relaxed or tense", "classify"),
    ("how does N2 differ from N3 in the EEG", "compare"),
    ("contrast the two halves of the night", "compare"),
    ("what is happening in the signals now", "describe"),
    ("characterise the current window", "describe"),
    ("find matching epochs in other nights", "similar"),
    ("what can this tool answer", "help"),
    ("is a sleeping pill advisable", "medical"),
]

OFF_TOPIC: list[str] = [
    "what's the stock price of apple", "translate hello into french", "who is the president",
    "recommend a good movie", "how far is the moon", "what time is it in tokyo",
    "sing me a song", "how do I fix my bike", "what is two plus two", "best pizza in town",
    "explain quantum computing", "who wrote hamlet", "is it going to rain", "book a flight",
    "what is the meaning of life",
]
