"""The chat's one-way pipeline: understand -> dialogue -> plan -> execute -> render."""

from __future__ import annotations

import logging
import re
from dataclasses import replace

from app.chat.compound import compound
from app.chat.dialogue import STRETCH_QUESTION, Dialogue, NothingToReferTo
from app.chat.learner import without_remark
from app.chat.execute import execute
from app.chat.plan import make_plan
from app.chat.aspects import Aspect
from app.chat.phenomena import phenomenon
from app.chat.query import INDEX_STATS, Intent, Query, Ref
from app.chat.render import Answer, guessed_stage_lead, render
from app.chat.report import SECTIONS, compose, for_lay_readers, is_report
from app.chat.report_edit import edited, report_edit
from app.chat.results import Message, StageEvidence
from app.chat.stagers import human_holds_none, human_silence, model_stages_caveat, other_stage_lead
from app.chat.understand import (QUIZ_SCORE_RE, around_the_one, at_the_moment, in_the_worst_hour, of_both_scorings, one_of_the_list,
                                 quiz_reply, understand)
from app.engine import Engine
from app.night import LoadedNight

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 2000
_RECORDING_EDGE_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:when|what time) did it (?:start|begin|end|finish|stop)\W*$",
                                re.IGNORECASE)
_IN_IT_RE = re.compile(r"\b(in|of|during|for|from) (?:it|this|that)\b", re.IGNORECASE)
# "what happened before and after it?", "what was going on around the apnea?": both sides
_BOTH_SIDES_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:what|anything)\s+(?:happened|was happening|was going on"
                            r"|occurred|went on|happens)\s+(?:(?:just |right |immediately )?before\s+and\s+(?:just "
                            r"|right |immediately )?after|around)\s+(it|that|this|that one|this one|the\s.+?)\W*$",
                            re.IGNORECASE)


_AND_AT_THE_RE = re.compile(r"^\W*(?:and|what about|how about)\s+(?:at|during|in)\s+(?P<one>the\s+.+?)\W*$", re.I)
"""Another moment for the question asked of one ("and at the nadir?")."""
_FOLLOW_UP_LEAD_RE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:(?:what|how)\s+about\s+|and\s+)(?:the\s+)?", re.IGNORECASE)


def _of_the_recording(text: str) -> str | None:
    """The question with "in it" read as "in this recording", None when it has no such words."""
    whole = _IN_IT_RE.sub(lambda m: f"{m.group(1)} this recording", text)
    return whole if whole != text else None


def _joined(first: Answer, second: Answer) -> Answer:
    """Two answers as one reply: both texts, both highlights; the second's view and list,
    which a follow-up refers to, else the first's."""
    return Answer(f"{first.text}\n\n{second.text}", first.highlights + second.highlights,
                  second.jump if second.jump is not None else first.jump,
                  second.track if second.track is not None else first.track,
                  second.track_label if second.track is not None else first.track_label,
                  first.hits + second.hits, second.window or first.window,
                  second.items if second.items is not None else first.items)


_OF_THE_STAGES = (Intent.SUMMARY, Intent.STAGE_TIMING, Intent.STAGE_AMOUNT, Intent.NORMAL, Intent.BREAKDOWN)
"""Intents whose answer the staging decides ("REM latency according to YASA?")."""


# a span alone, "between 3 and 4 am?", "from 2 to 3"
_POSITION_ALONE_RE = re.compile(r"^\W*(?:and\s+)?(?:the\s+|her\s+|his\s+)?(?:body\s+|sleep(?:ing)?\s+)?positions?\W*$", re.I)
"""A body position named alone, which with no event in focus asks for the night by position."""
_BARE_SPAN_RE = re.compile(r"^\W*(?:between|from|after|before|around|at)\s+[\d:.apm\s]+(?:and|to|until|-|–)?[\d:.apm\s]*\W*$",
                           re.I)
_BY_THE_MODEL_RE = re.compile(r"\s*\b(?:according to|by|from|with) (?:the )?(?:model|sleeplm)(?:'s)?(?: (?:staging|stages))?\b"
                              # "what's the model's REM latency?", then "and YASA's?": the REM latency
                              r"|\b(?:the )?(?:model|sleeplm)(?:'s|’s)(?= )", re.I)


def _as_asked(query: Query, night: LoadedNight) -> LoadedNight:
    """The night as the question asks it to be read: the machine's scoring when it asks what
    the machine found among events ("how many spindles did YASA find?") or what its stages give
    ("REM latency according to YASA?") on a night that also has a human scoring, the model's
    stages when it names the model's ("sleep efficiency by the model"), else the night itself."""
    if Aspect.MODEL_STAGES in query.aspects and query.intent in _OF_THE_STAGES:
        return night.model_view() or night
    if Aspect.MACHINE not in query.aspects or query.intent in (Intent.RECORDING, Intent.CLASSIFY):
        return night
    phen = phenomenon(query.phenomenon)
    if not ((phen is not None and phen.event_types) or query.stat in INDEX_STATS
            or query.intent in _OF_THE_STAGES):
        return night
    return night.machine_view() or night


def ask(text: str, dialogue: Dialogue, night: LoadedNight, engine: Engine,
        current: int) -> tuple[Answer, Query | None]:
    """Answer one question; the dialogue learns from it. Returns the answer and the query.

    Raises :class:`app.chat.plan.ChatError` (one line) for a time outside the night;
    the dialogue is then left as it was.
    """
    if not text.strip():
        return render(Message("empty"), night), None
    if len(text) > MAX_QUESTION_CHARS:
        return render(Message("too_long"), night), None
    if (bare := without_remark(text)) != text:
        return ask(bare, dialogue, night, engine, current)   # "that's a lot, when was he awake?"
    if (report := dialogue.report_shown()) is not None and (edit := report_edit(text)) is not None:
        # "make it shorter", "just the breathing part" after a report: that report, edited
        return edited(*edit, night.name, report), dialogue.last
    if _RECORDING_EDGE_RE.search(text) and dialogue.last is not None and dialogue.last.intent == Intent.RECORDING:
        # "when did it end?" after the recording's length: "it" is the recording
        return ask("how long did the recording last?", dialogue, night, engine, current)
    recovery = dialogue.shown is not None and dialogue.shown.measure == "spo2_recovery"
    if (parts := around_the_one(text, recovery)) is not None:
        # "what happened just before the longest desaturation?": that one found first, then
        # the time around it, as a user would ask in two steps
        found, query = ask(parts[0], dialogue, night, engine, current)
        if not found.items:
            return found, query
        # the one the first answer shows ("the last REM period" lists them in time order)
        dialogue.cursor = next((i for i, item in enumerate(found.items)
                                if night.epoch_at(item.start) == found.jump), 0)
        return ask(parts[1], dialogue, night, engine, current)
    if dialogue.moment_asked and (m := _AND_AT_THE_RE.match(text)) is not None:
        # "was she on her back during the longest apnea?", then "and at the nadir?": the same
        # question of that moment
        return ask(f"{dialogue.moment_asked} at {m['one']}", dialogue, night, engine, current)
    dialogue.moment_asked = ""
    if (parts := at_the_moment(text)) is not None:
        # "what position was she in at the lowest?": the nadir found, then asked of that moment
        found, query = ask(parts[0], dialogue, night, engine, current)
        if not found.items:
            return found, query
        answer, query = ask(parts[1], dialogue, night, engine, current)
        dialogue.moment_asked = parts[2]
        return answer, query
    if (parts := in_the_worst_hour(text)) is not None:
        # "describe the breathing in the worst hour": that hour found, then asked about
        found, query = ask(parts[0], dialogue, night, engine, current)
        if not found.items:
            return found, query
        return ask(parts[1], dialogue, night, engine, current)
    if dialogue.items and (parts := one_of_the_list(text)) is not None:
        # "what stage was the third one in?": that one picked from the list, then asked about
        picked, _ = ask(parts[0], dialogue, night, engine, current)
        answer, query = ask(parts[1], dialogue, night, engine, current)
        return _joined(picked, answer), query
    if (m := _BOTH_SIDES_RE.search(text)) is not None:
        # "what happened before and after it?": each side of the one in focus, in turn
        first, _ = ask(f"what happened just before {m.group(1)}?", dialogue, night, engine, current)
        second, query = ask(f"what happened just after {m.group(1)}?", dialogue, night, engine, current)
        return _joined(first, second), query
    if (asked := dialogue.against_machine(text) or of_both_scorings(text)) is not None:
        # "how many apneas did the tech score vs the machine?", "how does that compare to the
        # machine's?": the night's own scoring, then the machine's, in turn
        # ("REM latency according to the model?", then "and according to YASA?": YASA's, not the
        # model's again under a second name)
        asked = _BY_THE_MODEL_RE.sub("", asked)
        machine = f"{asked.strip().rstrip(' ?.!')} according to the machine?"
        if human_holds_none(understand(asked), night):
            # the human scored none of them: its side would be the machine's list again
            return ask(machine, dialogue, night, engine, current)
        first, _ = ask(asked, dialogue, night, engine, current)
        second, query = ask(machine, dialogue, night, engine, current)
        return _joined(first, second), query
    if is_report(text):
        # "write a report": each section's question answered in turn, laid out as one report
        answers = [(section, ask(section.question, dialogue, night, engine, current)[0])
                   for section in SECTIONS]
        dialogue.report = (dialogue.shown, answers)
        if for_lay_readers(text):
            # "write a report for the parents": in plain words from the start
            return edited("plain", "", night.name, answers), dialogue.last
        return compose(night.name, answers), dialogue.last
    if (two := compound(text)) is not None:
        # "what were the sleep latency and REM latency?": each question answered in turn
        first, _ = ask(two[0], dialogue, night, engine, current)
        second, query = ask(two[1], dialogue, night, engine, current)
        return _joined(first, second), query
    if (named := dialogue.named_follow_up(text)) is not None and named.lower() != text.strip().lower():
        # "how is it different from an obstructive one?": "it" is the phenomenon just shown
        return ask(named, dialogue, night, engine, current)
    if (stretch := dialogue.stage_stretch(text)) is not None:
        # "what stage at 3:00?", then "how long was that wake period?": the unbroken stretch of
        # that epoch's stage, said first to be another stage when the question named one
        item, named = stretch
        epoch = night.epoch_at(item.start)
        answer, query = ask(STRETCH_QUESTION, dialogue, night, engine, epoch)
        return replace(answer, text=other_stage_lead(night, epoch, named) + answer.text), query
    if QUIZ_SCORE_RE.search(text) and dialogue.quizzes:
        # "how am I doing?" after some quizzes: the replies marked so far
        right = [guess == stage for guess, stage in dialogue.quiz_marks]
        missed = [f"{stage} (you said {guess})" for guess, stage in dialogue.quiz_marks if guess != stage]
        return render(Message("quiz_score", "", {"right": str(sum(right)), "answered": str(len(right)),
                                                 "asked": str(dialogue.quizzes),
                                                 "missed": "; ".join(missed)}), night), None
    if (stage := quiz_reply(text)) is not None and (marked := dialogue.quiz_reply(text, stage)) is not None:
        # "N2" after "quiz me": the reply marked against the epoch asked about
        result = execute(make_plan(marked, night, current), night, engine)
        if isinstance(result, StageEvidence) and result.guess is not None:
            dialogue.quiz_marks.append((result.guess, result.stage))
        answer = render(result, night)
        dialogue.remember(marked, answer.items, current, answer.jump if answer.jump is not None else current)
        return answer, marked
    query = understand(text)
    if (query.ref == Ref.REPEAT and dialogue.asks_in_that_span(text)
            and (bare := _FOLLOW_UP_LEAD_RE.sub("", text)) != text and bare.strip(" ?.!")):
        # "what about oxygen in that hour?": oxygen, in the hour in focus, not the last
        # question's kind asked again of oxygen
        return ask(bare, dialogue, night, engine, current)
    try:
        resolved = dialogue.resolve(query)
    except NothingToReferTo as gap:
        if query.ref == Ref.ITEM and (whole := _of_the_recording(text)) is not None:
            # "what stages are in it?" with nothing picked: "it" is the recording
            return ask(whole, dialogue, night, engine, current)
        if (query.ref == Ref.REPEAT and dialogue.last is None
                and (bare := _FOLLOW_UP_LEAD_RE.sub("", text)) != text and bare.strip(" ?.!")):
            # "what about breathing?" as the first question: breathing, asked on its own
            return ask(bare, dialogue, night, engine, current)
        if _POSITION_ALONE_RE.match(text):
            # "position" as the first question, or with nothing in focus: the night by position
            return ask("how long in each position?", dialogue, night, engine, current)
        if (query.ref == Ref.REPEAT and dialogue.last is None and query.scope.time is not None
                and _BARE_SPAN_RE.match(text)):
            # "between 3 and 4 am?" as the first question: what happened then
            return ask(f"what happened {text.strip()}", dialogue, night, engine, current)
        return render(Message("no_reference", str(gap)), night), query
    log.debug("question %r -> %s", text, resolved)
    night = _as_asked(resolved, night)
    result = execute(make_plan(resolved, night, current), night, engine)
    answer = render(result, night)
    # (a refusal, "this recording has no ECG", needs no word on the stages it would have read)
    if lead := human_silence(resolved, night) or (
            "" if isinstance(result, Message) else guessed_stage_lead(resolved, night, answer.text)):
        answer = replace(answer, text=lead + answer.text)
    if night.model_stages:
        answer = replace(answer, text=answer.text + model_stages_caveat(night))
    # a quiz refused ("quiz me" on a home test's guessed stages) leaves no quiz open to mark
    kept = replace(resolved, stage_event=None) if resolved.stage_event == "quiz" and isinstance(result, Message) else resolved
    dialogue.remember(kept, answer.items, current, answer.jump if answer.jump is not None else current)
    return answer, resolved
