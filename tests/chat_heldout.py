"""Held-out chat questions and dialogues, written before the chat was tuned.

Forty single questions and six dialogues in the voices of a sleep technician, an
educator and a researcher, about the bundled synthetic night
(``assets/demo/synthetic_night.edf``). They were written before the phrase bank and
the rules were tuned and are never copied into the bank (``app/chat/bank.py``); the
chat's score on them is reported, not optimised. ``tests/test_chat_heldout.py``
scores them; ``bench/chat.py`` prints the per-item result.

Each expectation is a dict of checks, all of which must hold:

* ``intent``, ``phenomenon``, ``stages``, ``signal``, ``op``, ``value``, ``labels``,
  ``count``, ``rank``, ``time``: fields of the understood :class:`~app.chat.query.Query`
  (``time`` is the span's kind);
* ``says``: names of night facts (:func:`facts`) whose text must appear in the answer;
* ``jump``: a night fact (an epoch) the viewer must move to;
* ``inside``: (start, end) seconds from the recording start that every highlight
  lies in, with at least one highlight;
* ``no``: words the answer must not contain.
"""

from __future__ import annotations

import numpy as np

from app.night import LoadedNight
from app.timeexpr import format_clock
from sleeplm_core.io.recording import EPOCH_SEC, STAGES

Check = dict[str, object]

TECHNICIAN: list[tuple[str, Check]] = [
    ("what time did the patient fall asleep?", {"intent": "stage_timing", "says": ["sleep_onset"]}),
    ("REM latency?", {"intent": "stage_timing", "says": ["rem_latency"]}),
    ("when was the final awakening", {"intent": "stage_timing", "says": ["final_wake"]}),
    ("list the obstructive apneas in REM", {"intent": "locate", "phenomenon": "obstructive_apnea",
                                            "stages": ("REM",)}),
    ("any desats under 88% after 2 am?", {"intent": "threshold", "signal": "spo2", "op": "<",
                                          "value": 88.0, "inside": "after_2am"}),
    ("how many central apneas were scored?", {"intent": "locate", "phenomenon": "central_apnea",
                                              "says": ["n_central"]}),
    ("what's the AHI", {"intent": "summary", "says": ["ahi"]}),
    ("jump to 4:15 am", {"intent": "navigate", "jump": "epoch_0415"}),
    ("heart rate over 100 bpm anywhere?", {"intent": "threshold", "signal": "hr", "op": ">",
                                           "value": 100.0}),
    ("show me the longest hypopnea", {"intent": "locate", "phenomenon": "hypopnea",
                                      "rank": "longest", "jump": "longest_hypopnea"}),
    ("what stage is epoch 500", {"intent": "classify", "says": ["stage_500"]}),
    ("lowest SpO2 of the night?", {"intent": "measure", "signal": "spo2", "says": ["spo2_min"]}),
    ("is this patient's breathing disorder severe enough for CPAP?", {"intent": "medical"}),
    ("find leg movements in N2", {"intent": "locate", "phenomenon": "limb_movement",
                                  "stages": ("N2",)}),
]

EDUCATOR: list[tuple[str, Check]] = [
    ("what is a K-complex? show me a good one", {"intent": "explain", "phenomenon": "k_complex"}),
    ("how much dream sleep did this person get?", {"intent": "stage_amount", "stages": ("REM",),
                                                   "says": ["rem_minutes"]}),
    ("what percentage of the night was deep sleep", {"intent": "stage_amount",
                                                     "stages": ("N3",), "says": ["n3_pct"]}),
    ("can you explain what a hypopnea is", {"intent": "explain", "phenomenon": "hypopnea"}),
    ("when did they first go into deep sleep?", {"intent": "stage_timing", "stages": ("N3",),
                                                 "says": ["first_n3"]}),
    ("show me the hypnogram please", {"intent": "show"}),
    ("did the person ever stop breathing?", {"intent": "locate", "phenomenon": "apnea"}),
    ("was their sleep normal for their age?", {"intent": "normal", "says": ["ohayon"]}),
    ("what happens in the brain during slow wave sleep", {"intent": "explain",
                                                          "phenomenon": "slow_waves"}),
    ("hello! what can you do?", {"intent": "help", "no": ["medical"]}),
    ("was there a period when the heart was racing?", {"intent": "threshold", "signal": "hr",
                                                       "op": ">"}),
    ("what is the capital of France?", {"intent": "off_topic", "no": ["medical"]}),
    ("should she take sleeping pills?", {"intent": "medical"}),
]

RESEARCHER: list[tuple[str, Check]] = [
    ("compare delta power in N2 and N3", {"intent": "compare", "says": ["delta"]}),
    ("heart rate variability in REM versus NREM", {"intent": "compare"}),
    ("label epoch 300 as arousal or no arousal", {"intent": "classify",
                                                  "labels": ("arousal", "no arousal")}),
    ("classify the current epoch into alert, drowsy, sleeping", {
        "intent": "classify", "labels": ("alert", "drowsy", "sleeping")}),
    ("what fraction of total sleep time was N1?", {"intent": "stage_amount", "stages": ("N1",),
                                                   "says": ["n1_pct"]}),
    ("mean breathing rate between 1 and 2 am", {"intent": "measure", "signal": "resp",
                                                "time": "clock"}),
    ("how variable was the SpO2 in the last 2 hours", {"intent": "measure", "signal": "spo2",
                                                       "time": "from_end"}),
    ("top 3 longest arousals in the second half", {"intent": "locate", "phenomenon": "arousal",
                                                   "count": 3, "rank": "longest",
                                                   "inside": "second_half"}),
    ("respiratory rate above 20 breaths per minute", {"intent": "threshold", "signal": "resp",
                                                      "op": ">", "value": 20.0}),
    ("spindles during the first 2 hours", {"intent": "locate", "phenomenon": "spindle",
                                           "time": "elapsed"}),
    ("summarize sleep architecture", {"intent": "summary"}),
    ("find epochs similar to this one in the library", {"intent": "similar"}),
    ("when did the last REM period end", {"intent": "stage_timing", "stages": ("REM",)}),
]

QUESTIONS: list[tuple[str, str, Check]] = (
    [("technician", q, c) for q, c in TECHNICIAN] + [("educator", q, c) for q, c in EDUCATOR]
    + [("researcher", q, c) for q, c in RESEARCHER])

DIALOGUES: list[list[tuple[str, Check]]] = [
    [("where are the obstructive apneas?", {"intent": "locate", "phenomenon": "obstructive_apnea"}),
     ("and in REM?", {"intent": "locate", "phenomenon": "obstructive_apnea", "stages": ("REM",)}),
     ("how many were there?", {"says": ["n_obstructive_rem"]})],
    [("find desaturations", {"intent": "locate", "phenomenon": "desaturation"}),
     ("only the ones after 4 am", {"inside": "after_4am"}),
     ("zoom into the second one", {"intent": "navigate"}),
     ("what happened just before it?", {"intent": "describe"})],
    [("how stable was the heart rate between 2 and 3 am?", {"intent": "measure", "signal": "hr"}),
     ("and breathing?", {"intent": "measure", "signal": "resp"}),
     ("compare with the first half", {"intent": "compare"})],
    [("when does REM first start?", {"intent": "stage_timing", "says": ["first_rem"]}),
     ("zoom to it", {"jump": "first_rem_epoch"}),
     ("go back", {"intent": "navigate"})],
    [("show the arousals", {"intent": "locate", "phenomenon": "arousal"}),
     ("next one", {"intent": "navigate"}),
     ("next one", {"intent": "navigate"}),
     ("what happened just before it?", {"intent": "describe"})],
    [("how many hypopneas in N2?", {"intent": "locate", "phenomenon": "hypopnea",
                                    "says": ["n_hypopnea_n2"]}),
     ("what about N3?", {"stages": ("N3",), "says": ["n_hypopnea_n3"]}),
     ("show me the longest one", {"jump": "longest_hypopnea_n3"})],
]


def _clock(night: LoadedNight, seconds: float) -> str:
    return format_clock(seconds, night.recording.start_time)


def _clock_elapsed(night: LoadedNight, hour: int, minute: int = 0) -> float:
    t0 = night.recording.start_time
    start = t0.hour * 3600 + t0.minute * 60 + t0.second
    return float((hour * 3600 + minute * 60 - start) % 86400)


def _count(night: LoadedNight, types: tuple[str, ...], stage: str | None = None) -> int:
    stages, _ = night.stages()
    events, _ = night.scored_events()
    return sum(e.type in types and (stage is None or stages[night.epoch_at(e.onset)]
                                    == STAGES.index(stage)) for e in events)


def _longest(night: LoadedNight, types: tuple[str, ...], stage: str | None = None) -> int:
    stages, _ = night.stages()
    events, _ = night.scored_events()
    chosen = [e for e in events if e.type in types and (
        stage is None or stages[night.epoch_at(e.onset)] == STAGES.index(stage))]
    return night.epoch_at(max(chosen, key=lambda e: e.duration).onset)


def facts(night: LoadedNight) -> dict[str, object]:
    """Night facts the checks name: answer strings (lists of accepted spellings), epochs
    and spans."""
    stages, _ = night.stages()
    starts = night.epochs.starts
    sleep = np.flatnonzero((stages >= 1))
    rem = np.flatnonzero(stages == STAGES.index("REM"))
    n3 = np.flatnonzero(stages == STAGES.index("N3"))
    s = night.summary()
    tst = s.tst_min
    spo2 = night.recording.signals[night.epochs.aux_mapping["SPO2"]].data
    duration = night.recording.duration
    return {
        "sleep_onset": [_clock(night, starts[sleep[0]])],
        "rem_latency": [f"{s.rem_latency_min:.0f} min", f"{s.rem_latency_min:.1f} min"],
        "final_wake": [_clock(night, starts[sleep[-1]] + EPOCH_SEC)],
        "first_rem": [_clock(night, starts[rem[0]])],
        "first_rem_epoch": int(rem[0]),
        "first_n3": [_clock(night, starts[n3[0]])],
        "n_central": [f"**{_count(night, ('central_apnea',))}**"],
        "ahi": [f"{s.ahi:.1f}"],
        "epoch_0415": night.epoch_at(_clock_elapsed(night, 4, 15)),
        "longest_hypopnea": _longest(night, ("hypopnea",)),
        "longest_hypopnea_n3": _longest(night, ("hypopnea",), "N3"),
        "stage_500": [f"**{STAGES[stages[500]]}**"],
        "spo2_min": [f"{spo2.min():.1f} %", f"{spo2.min():.0f} %"],
        "rem_minutes": [f"{s.stage_min['REM']:.1f} min", f"{s.stage_min['REM']:.0f} min"],
        "n3_pct": [f"{100 * s.stage_min['N3'] / tst:.1f} %", f"{s.stage_pct['N3']:.0f} %"],
        "n1_pct": [f"{100 * s.stage_min['N1'] / tst:.1f} %", f"{s.stage_pct['N1']:.0f} %"],
        "ohayon": ["Ohayon"],
        "delta": ["delta"],
        "n_obstructive_rem": [f"**{_count(night, ('obstructive_apnea',), 'REM')}**"],
        "n_hypopnea_n2": [f"**{_count(night, ('hypopnea',), 'N2')}**"],
        "n_hypopnea_n3": [f"**{_count(night, ('hypopnea',), 'N3')}**"],
        "after_2am": (_clock_elapsed(night, 2), duration),
        "after_4am": (_clock_elapsed(night, 4), duration),
        "second_half": (duration / 2, duration),
    }


def failures(check: Check, query: object, answer: object, night: LoadedNight,
             known: dict[str, object]) -> list[str]:
    """The checks of ``check`` that the understood query and the answer fail (empty: correct)."""
    bad = []
    for key, want in check.items():
        if key == "says":
            for fact in want:
                if not any(s in answer.text for s in known[fact]):
                    bad.append(f"answer lacks {fact}={known[fact]}")
        elif key == "jump":
            if answer.jump != known[want]:
                bad.append(f"jump {answer.jump} != {want}={known[want]}")
        elif key == "inside":
            lo, hi = known[want]
            if not answer.highlights or any(h.start < lo - 1 or h.start > hi for h in answer.highlights):
                bad.append(f"highlights {[(h.start, h.end) for h in answer.highlights][:4]} not in "
                           f"{want}")
        elif key == "no":
            bad += [f"answer says {w!r}" for w in want if w in answer.text.lower()]
        else:
            got = _field(query, key)
            if got != want:
                bad.append(f"{key}={got!r} != {want!r}")
    return bad


def _field(query: object, key: str) -> object:
    if query is None:
        return None
    if key == "intent":
        return query.intent.value
    if key == "stages":
        return query.scope.stages
    if key == "time":
        return query.scope.time.kind if query.scope.time else None
    if key in ("op", "value"):
        return getattr(query.condition, key) if query.condition else None
    return getattr(query, key)


def run_dialogue(turns: list[tuple[str, Check]], night: LoadedNight, engine: object,
                 known: dict[str, object]) -> list[str]:
    """Ask the turns in one dialogue, the viewer following each answer; failures per turn."""
    from app.chat.dialogue import Dialogue
    from app.chat.pipeline import ask

    dialogue, current, bad = Dialogue(), 0, []
    for question, check in turns:
        answer, query = ask(question, dialogue, night, engine, current)
        bad += [f"{question!r}: {b}" for b in failures(check, query, answer, night, known)]
        current = answer.jump if answer.jump is not None else current
    return bad
