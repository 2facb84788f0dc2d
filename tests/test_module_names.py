"""No module of the app or the library binds one top-level name twice.

A second ``_X_RE = re.compile(...)`` silently replaces the first for every function that reads
it at call time, while patterns compiled between the two still embed the first: stop 61 found
two such pairs in ``app/chat/understand.py`` (one had narrowed a yes-or-no check for the whole
module) and made a third by accident. ``render.py``'s ``_`` is singledispatch's convention for
its registered handlers, and is allowed."""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MODULES = sorted(p for d in ("app", "sleeplm_core") for p in (ROOT / d).rglob("*.py"))
ALLOWED = {"_"}


def _bound_twice(path: Path) -> list[str]:
    names: Counter[str] = Counter()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(t.id for t in targets if isinstance(t, ast.Name))
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names[node.name] += 1
    return sorted(name for name, n in names.items() if n > 1 and name not in ALLOWED)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_top_level_name_is_bound_twice(path: Path) -> None:
    assert _bound_twice(path) == []


def test_the_check_sees_a_name_bound_twice(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("import re\n_A_RE = re.compile('a')\n_B = 1\n_A_RE = re.compile('b')\n")
    assert _bound_twice(module) == ["_A_RE"]
