"""Phrase banks of the semantic layer: example wordings per intent and per thing.

Only the semantic layer reads these (``app.chat.semantic``); the rules in
``app.chat.understand`` come first. Wordings are ours, written for the three kinds
of users (technician, educator, researcher). The held-out questions used to
calibrate the thresholds and to score the chat (``tests/chat_calibration.py``,
``tests/chat_heldout.py``) are never copied here.
"""

from __future__ import annotations

INTENT_PHRASES: dict[str, tuple[str, ...]] = {
    "help": (
        "what can you do", "how does this work", "what kind of questions can I ask",
        "hi there", "hello", "help me get started", "what are you", "what should I type",
        "good morning, how do I use this", "give me some example questions",
    ),
    "stage_timing": (
        "when did the patient fall asleep", "what time was sleep onset",
        "how long did it take to fall asleep", "when does REM first start",
        "when is the first REM period", "what is the REM latency",
        "how long after falling asleep did REM begin", "when did they wake up for good",
        "what time was the final awakening", "when was the last awakening",
        "when did deep sleep first appear", "when did the last REM period end",
        "at what time did the first N2 epoch occur", "time of the first dream sleep",
    ),
    "stage_amount": (
        "how long was the patient in REM", "how much deep sleep did they get",
        "what fraction of the night was N3", "percentage of time in stage N2",
        "how many minutes of light sleep", "how much time was spent awake",
        "proportion of REM sleep", "how much of the night was dream sleep",
        "total time in slow wave sleep", "share of N1 in total sleep time",
    ),
    "summary": (
        "summarize the night", "give me the sleep statistics", "what is the AHI",
        "what is the sleep efficiency", "overview of this recording",
        "how well did the patient sleep", "sleep report", "what was the oxygen desaturation index",
        "how much wake after sleep onset", "describe the sleep architecture",
        "total sleep time", "key numbers of the study",
    ),
    "normal": (
        "is this normal", "is this person's sleep normal", "is this within normal limits",
        "how does this compare with healthy people", "is that typical for their age",
        "are these values in the normal range", "is the sleep architecture healthy",
        "what would be normal for a 60 year old", "compare the night with age norms",
    ),
    "show": (
        "show the hypnogram", "display the hypnogram", "show me the whole night",
        "open the spectrogram", "plot the sleep stages over the night",
        "let me see the overview", "draw the stage graph",
    ),
    "navigate": (
        "zoom to 3 am", "go to 02:15", "jump to epoch 300", "take me to 1 am",
        "next one", "previous one", "go back", "zoom in on it", "show the second one",
        "move the viewer to midnight", "scroll to the end of the night",
    ),
    "explain": (
        "what is a sleep spindle", "explain what an obstructive apnea is and show one",
        "what does a K-complex look like", "define hypopnea", "what are slow waves",
        "teach me about arousals", "what is an oxygen desaturation",
        "can you explain alpha rhythm", "what are rapid eye movements",
        "what is a central apnea and how is it different",
    ),
    "locate": (
        "where are the apneas", "find the longest hypopneas", "show me spindles in N2",
        "are there any arousals in REM", "list the desaturations", "how many apneas were there",
        "where did breathing stop", "find leg movements", "find K-complexes in the first hour",
        "highlight the central apneas", "when do the arousals happen",
        "give me three examples of spindles", "where are the events",
    ),
    "threshold": (
        "any oxygen desaturations below 90% after 3am", "find tachycardia episodes",
        "when was the heart rate above 100", "times with SpO2 under 88 percent",
        "breathing rate above 25 breaths per minute", "find periods of racing heart",
        "heart rate below 50 bpm", "when did oxygen fall below 92", "episodes of low oxygen",
        "find bradycardia",
    ),
    "measure": (
        "between 2 and 3 am, how stable was the heart rate", "what was the lowest SpO2",
        "average heart rate during the night", "mean breathing rate in the first hour",
        "how variable was the oxygen saturation", "what is the heart rate at 3 am",
        "range of the respiratory rate", "highest pulse of the night",
        "was the breathing regular between 1 and 2", "oxygen level in the second half",
    ),
    "classify": (
        "what stage is it at 02:15", "classify this epoch", "which sleep stage is epoch 120",
        "classify this epoch as wake, drowsy or asleep", "is this REM",
        "label the current epoch as calm or restless", "what stage is this",
        "score the current epoch", "is the patient asleep here",
    ),
    "compare": (
        "compare EEG in N1 and N3", "heart rate in REM vs N3", "compare breathing in N2 versus REM",
        "difference between the first and the second half", "how does REM differ from deep sleep",
        "EEG in the first hour vs the last hour", "contrast heart rate variability in REM and NREM",
        "compare delta power between stages",
    ),
    "describe": (
        "what happens at 02:15", "describe epoch 300", "what is going on in this epoch",
        "how is breathing during REM", "tell me about the EEG at 11:30 pm",
        "describe the brain activity in the first hour", "what is happening right here",
        "characterize this epoch", "what did the signals look like around 4 am",
    ),
    "similar": (
        "find epochs like this one in the library", "similar epochs to epoch 42",
        "retrieve examples of spindles from the library", "look-alikes of the current epoch",
        "search other recordings for this pattern", "nearest neighbours of this epoch",
    ),
}
"""Intent -> wordings for the intents a user asks for directly. Medical advice has no
entry on purpose: only the rules' diagnosis/treatment/medication words lead there, so a
near miss ("did the patient snore?") is never answered as a medical question."""

INTENT_THRESHOLD = 0.48
"""Cosine below which the nearest intent phrasing does not count (the chat says it did
not understand). Calibrated with ``bench/chat.py --calibrate`` on the held-out phrasings
of ``tests/chat_calibration.py``: at 0.48 all 15 off-topic questions are rejected and
22 of 35 sleep phrasings are accepted with the right intent (the best balanced
accuracy of the 0.40-0.70 sweep, 81.4 %); the rules, which run first, answer most
sleep questions before this layer is asked."""

THING_PHRASES: dict[str, tuple[str, ...]] = {
    "stage:REM": ("REM sleep", "dream sleep", "rapid eye movement sleep", "paradoxical sleep",
                  "dreaming"),
    "stage:N3": ("deep sleep", "slow wave sleep", "N3", "stage 3", "delta sleep",
                 "the deepest sleep"),
    "stage:N2": ("stage 2", "N2", "stage two sleep", "spindle sleep"),
    "stage:N1": ("stage 1", "N1", "drowsiness", "dozing off", "very light sleep"),
    "stage:W": ("wake", "awake", "wakefulness", "being awake", "lying awake"),
    "signal:spo2": ("oxygen saturation", "SpO2", "blood oxygen", "oxygen level", "sats"),
    "signal:hr": ("heart rate", "pulse", "beats per minute", "heartbeat"),
    "signal:resp": ("breathing rate", "respiratory rate", "breaths per minute", "breathing"),
}
"""Stages and measured signals by wording (phenomena add their own ``synonyms``)."""

THING_THRESHOLD = 0.62
"""Cosine a thing's wording must reach to name it (set by hand on the phrasing table,
not calibrated on a held-out set)."""
