"""How a question's words shape its answer are read on the understanding side
(app/chat/aspects.py); the execute and render steps read Query.aspects, never the words."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from app.chat.aspects import Aspect, named_cause, read_aspects
from app.chat.query import Intent, Query

CHAT = Path(__file__).resolve().parents[1] / "app" / "chat"


@pytest.mark.parametrize("text, present, absent", [
    ("did the heart rate go up before the awakenings?", {Aspect.BEFORE}, {Aspect.STAGE}),
    ("how many apneas before 2 am?", set(), {Aspect.BEFORE}),
    ("apneas before sleep onset", set(), {Aspect.BEFORE}),
    ("what did the belts do during it?", {Aspect.BREATHING}, {Aspect.STAGE}),
    ("what stage was she in then?", {Aspect.STAGE}, {Aspect.BREATHING}),
    ("what is the median apnea duration?", {Aspect.DURATION, Aspect.PROPERTY}, set()),
    ("and their duration?", {Aspect.DURATION}, {Aspect.PROPERTY}),
    ("what caused most of the arousals?", {Aspect.CAUSE}, {Aspect.DURATION}),
    ("similar epochs in other recordings", {Aspect.OTHER_NIGHTS}, set()),
    ("what happens in the brain during slow wave sleep?", {Aspect.IN_GENERAL}, set()),
    ("were slow waves bigger in N3?", {Aspect.AMPLITUDE}, {Aspect.FREQUENCY}),
])
def test_aspects_read_from_the_words(text, present, absent):
    found = read_aspects(text)
    assert present <= found and not absent & found


def test_counted_cause_names_the_cause():
    assert named_cause("how many arousals were spontaneous?") == "spontaneous"
    assert named_cause("what share of arousals were due to leg movements?") == "limb movement"
    assert named_cause("list the arousals") is None


def test_aspects_follow_the_question_text():
    # a follow-up replaces the text, so its own words decide ("and the belts?")
    first = Query(Intent.DESCRIBE, "what stage was she in then?")
    assert Aspect.STAGE in first.aspects
    from dataclasses import replace
    assert replace(first, text="and the belts?").aspects == frozenset({Aspect.BREATHING})


UNDERSTANDING = {"understand.py", "dialogue.py", "aspects.py", "query.py", "pipeline.py"}
"""The modules that may read a question's words: understanding it and resolving follow-ups."""


def _text_reads(path: Path) -> list[str]:
    """Where ``path`` reads a question's words: ``q.text``, ``query.text``, ``plan.query.text``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Attribute) and node.attr == "text" and (
                isinstance(node.value, ast.Name) and node.value.id in ("q", "query")
                or isinstance(node.value, ast.Attribute) and node.value.attr == "query"):
            found.append(f"{path.name}:{node.lineno}")
    return found


def test_plan_execute_and_render_never_read_the_question_words():
    modules = sorted(p for p in CHAT.glob("*.py") if p.name not in UNDERSTANDING)
    assert len(modules) > 20 and CHAT / "execute.py" in modules and CHAT / "render.py" in modules
    assert [read for p in modules for read in _text_reads(p)] == []
