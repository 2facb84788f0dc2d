"""Scripted chat dialogues about the bundled synthetic night, with their checks.

Each dialogue is a list of (question, check) turns played in a fresh session; a check
reads the night's annotations (times, counts, stages) and the :class:`Reply` a remote
user sees after the turn. ``tests/test_chat_server.py`` plays them through
gradio_client against a real server.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from app.chat.execute import FOCUS_WINDOW_SEC
from app.night import LoadedNight
from sleeplm_core.io.recording import STAGES, Event


@dataclass(frozen=True)
class Region:
    """A highlighted region: seconds from the recording start; ``scored`` when human-scored
    (drawn blue), False for the model's matches (drawn orange)."""

    start: float
    end: float
    scored: bool


@dataclass(frozen=True)
class Reply:
    """What a user sees after one turn.

    Attributes:
        text: the chat's markdown reply.
        epoch: the epoch the viewer shows.
        regions: the regions drawn on the overview.
        window: the viewer's width in seconds.
    """

    text: str
    epoch: int
    regions: list[Region]
    window: float


Check = Callable[[LoadedNight, Reply], bool]
Turn = tuple[str, Check]


def events_of(night: LoadedNight, *types: str) -> list[Event]:
    """The night's scored events of the given types, in time order."""
    events, _ = night.scored_events()
    return [e for e in events if e.type in types]


def scored_synthetic(demo, folder, name: str, **config) -> tuple[LoadedNight, object]:
    """A synthetic night (:class:`~sleeplm_core.io.synth.SynthConfig` ``config``) written to
    ``folder`` as EDF+ with its scoring, read and encoded as the app does, with ``demo``'s engine."""
    from app.night import embed_night, read_night
    from sleeplm_core.io.edf_write import write_edf
    from sleeplm_core.io.synth import SynthConfig, synth_night

    night = read_night(write_edf(synth_night(SynthConfig(**config)), folder / f"{name}.edf"), name)
    embed_night(night, demo[1])
    return night, demo[1]


def last_answer(demo, *questions: str) -> str:
    """The answer to the last of ``questions``, asked in turn in one session of ``demo``'s
    (night, engine)."""
    from app.session import Session

    night, engine = demo
    session = Session(night)
    for question in questions[:-1]:
        session.ask(question, engine)
    return session.ask(questions[-1], engine).text


def stage_epochs(night: LoadedNight, stage: str) -> np.ndarray:
    """Indices of the epochs scored as ``stage``."""
    stages, _ = night.stages()
    return np.flatnonzero(stages == STAGES.index(stage))


def stage_run(codes: np.ndarray, epoch: int) -> tuple[int, int]:
    """First and last epoch of the unbroken run of ``codes[epoch]`` holding ``epoch``."""
    a = b = epoch
    while a > 0 and codes[a - 1] == codes[epoch]:
        a -= 1
    while b + 1 < len(codes) and codes[b + 1] == codes[epoch]:
        b += 1
    return a, b


def _says_count(types: tuple[str, ...], stage: str | None = None) -> Check:
    def check(night: LoadedNight, reply: Reply) -> bool:
        stages, _ = night.stages()
        n = sum(stage is None or stages[night.epoch_at(e.onset)] == STAGES.index(stage)
                for e in events_of(night, *types))
        return f"**{n}**" in reply.text
    return check


def _in_stage(stage: str) -> Check:
    def check(night: LoadedNight, reply: Reply) -> bool:
        stages, _ = night.stages()
        scored = [r for r in reply.regions if r.scored]
        return bool(scored) and all(stages[night.epoch_at(r.start)] == STAGES.index(stage)
                                    for r in scored)
    return check


def _after(hours_from_start: float) -> Check:
    return lambda night, r: bool(r.regions) and all(g.start >= hours_from_start * 3600
                                                    for g in r.regions)


def _item_epoch(night: LoadedNight, ordinal: int, types: tuple[str, ...],
                stage: str | None = None) -> int:
    """Epoch of the ``ordinal``-th longest scored event of ``types`` (in ``stage``)."""
    stages, _ = night.stages()
    chosen = [e for e in events_of(night, *types)
              if stage is None or stages[night.epoch_at(e.onset)] == STAGES.index(stage)]
    return night.epoch_at(sorted(chosen, key=lambda e: -e.duration)[ordinal].onset)


def _shows_item(ordinal: int, types: tuple[str, ...], stage: str | None = None) -> Check:
    return lambda night, r: r.epoch == _item_epoch(night, ordinal, types, stage)


def _shows_a_region(night: LoadedNight, reply: Reply) -> bool:
    """The viewer moved to the start of one of the drawn regions."""
    return reply.epoch in {night.epoch_at(g.start) for g in reply.regions}


def _has(*words: str) -> Check:
    return lambda night, r: all(w in r.text for w in words)


def _shows_first(stage: str) -> Check:
    return lambda night, r: r.epoch == int(stage_epochs(night, stage)[0])


def _shows_clock(hours_from_start: float, later: int = 0) -> Check:
    return lambda night, r: r.epoch == night.epoch_at(hours_from_start * 3600) + later


AP, OA, CA, HY, DS, AR = (("obstructive_apnea", "central_apnea", "mixed_apnea"),
                          ("obstructive_apnea",), ("central_apnea",), ("hypopnea",),
                          ("desaturation",), ("arousal",))
DIALOGUES: list[list[Turn]] = [
    [("where are the apneas?", _says_count(AP)), ("and in REM?", _in_stage("REM")),
     ("how many were there?", _says_count(AP, "REM"))],
    [("find obstructive apneas", _says_count(OA)), ("zoom into the second one", _shows_item(1, OA)),
     ("what happened just before it?", _has("before the obstructive apnea"))],
    [("show hypopneas", _says_count(HY)), ("only the ones after 4 am", _after(5.5)),
     ("how many were there?", _has("hypopnea"))],
    [("where are the desaturations?", _says_count(DS)), ("and in N2?", _in_stage("N2")),
     ("zoom into the first one", _shows_item(0, DS, "N2"))],
    [("list the arousals", _says_count(AR)), ("next one", _shows_item(0, AR)),
     ("next one", _shows_item(1, AR)), ("go back", _shows_item(0, AR))],
    [("when does REM first start?", _has("REM first starts")), ("zoom to it", _shows_first("REM")),
     ("what happened just before it?", _has("before"))],
    [("how stable was the heart rate between 2 and 3 am?", _has("bpm", "02:00:00")),
     ("and breathing?", _has("breaths/min")), ("compare with the first half", _has(" vs "))],
    [("how many hypopneas in N2?", _says_count(HY, "N2")), ("what about N3?", _says_count(HY, "N3"))],
    [("find the longest central apneas", _says_count(CA)),
     ("zoom into the third one", _shows_item(2, CA))],
    [("how much REM was there?", _has("min** of REM")), ("and N3?", _has("min** of N3"))],
    [("when did the patient fall asleep", _has("Sleep onset")), ("and REM latency?", _has("REM"))],
    [("heart rate in REM vs N3", _has("bpm", " vs ")), ("and breathing?", _has("breaths/min"))],
    [("mean SpO2 in REM", _has("SpO2", "%")), ("and in N3?", _has("in N3"))],
    [("show me the arousals in the second half", _after(4)), ("how many?", _has("arousal"))],
    [("find obstructive apneas in REM", _in_stage("REM")),
     ("zoom into the last one", _shows_item(-1, OA, "REM"))],
    [("any desaturations below 90%?", _has("below 90 %")), ("only the ones after 4 am", _after(5.5))],
    [("find hypopneas longer than 20 s",
      lambda n, r: all(g.end - g.start >= 20 for g in r.regions if g.scored)),
     ("and in REM?", _in_stage("REM"))],
    [("where are the spindles?", _says_count(("spindle",))), ("and in N3?", _in_stage("N3"))],
    [("find leg movements", _says_count(("limb_movement",))),
     ("zoom into the second one", _shows_item(1, ("limb_movement",)))],
    [("zoom to 3 am", _shows_clock(4.5)), ("next epoch", _shows_clock(4.5, 1)),
     ("go back", _shows_clock(4.5))],
    [("where are the k-complexes in the first hour?", _has("k-complex")),
     ("how many were there?", _has("k-complex"))],
    [("how many arousals in REM?", _says_count(AR, "REM")), ("and in N2?", _says_count(AR, "N2"))],
    [("explain what a hypopnea is", _has("partial reduction")),
     ("zoom to it", lambda n, r: _shows_a_region(n, r) and r.window == FOCUS_WINDOW_SEC)],
    # the bundled night ends asleep: nothing to look before, and the wake before sleep onset is
    # not read in its place
    [("when was the final awakening?", _has("ends asleep")),
     ("what happened just before it?", _has("no final awakening to look around"))],
    [("breathing rate above 18 breaths per minute", _has("above 18")),
     ("zoom into the first one", _shows_a_region)],
    [("how many times did the patient wake up?",
      lambda n, r: f"**{n.summary().awakenings}** awakening" in r.text),
     ("zoom into the first one", _shows_a_region)],
    [("find central apneas", _says_count(CA)),
     ("how long was it?", lambda n, r: "lasted" in r.text and "SpO2" in r.text)],
    [("compare EEG in N1 and N3", _has("delta", "in N1", "in N3")),
     ("and heart rate?", _has("bpm"))],
]


def model_rem_before_first(night: LoadedNight) -> tuple[int, int, list[tuple[int, int]]]:
    """(sleep onset, the staging's first REM epoch after it, the model's sure REM runs of a
    minute or more between them): the runs ``app.chat.render`` may name as a missed first REM
    period, before it weighs the machine's odds."""
    from app.chat.render import MODEL_SURE_REM
    from sleeplm_core.scoring.intervals import runs

    stages = night.stages()[0]
    onset = int(np.flatnonzero(stages > 0)[0])
    first = int(np.flatnonzero((stages == STAGES.index("REM")) & (np.arange(len(stages)) > onset))[0])
    sure = (night.predicted == STAGES.index("REM")) & (night.confidence >= MODEL_SURE_REM)
    return onset, first, [(a, b) for a, b in runs(sure) if onset <= a and b <= first and b - a >= 2]
