"""The verdict of a question that expects a measure to move one way between two parts of the
night ("did the temperature drop during sleep?", "was the heart rate higher in REM?").

A yes or no rests on the size of the difference against the spread of the 30-s epochs'
values (a standardised difference, Cohen's d): under 0.2, Cohen's "small", the two parts are
called not clearly different, whichever way the means lean. A test of significance over
epochs would call almost any difference real, since neighbouring epochs are not independent.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

Cell = tuple[float, float, int]
"""A group's (mean, sd, epochs) of one measure; the sd over epochs, ddof 0."""

SMALL_D = 0.2
"""The smallest standardised difference read as a difference (Cohen 1988: "small")."""


def pooled(cells: Sequence[Cell]) -> Cell:
    """One (mean, sd, n) of the union of several groups' epochs."""
    n = sum(c[2] for c in cells)
    if n == 0:
        return math.nan, math.nan, 0
    mean = sum(m * k for m, _, k in cells) / n
    var = sum(k * (s * s + (m - mean) ** 2) for m, s, k in cells) / n
    return mean, math.sqrt(var), n


def standardised_difference(a: Cell, b: Cell) -> float:
    """(mean of a - mean of b) over the two groups' pooled within-group sd; nan without
    epochs on a side, ±inf when both are constant and differ."""
    (m1, s1, n1), (m2, s2, n2) = a, b
    if not n1 or not n2:
        return math.nan
    sd = math.sqrt((n1 * s1 * s1 + n2 * s2 * s2) / (n1 + n2))
    if sd > 0:
        return (m1 - m2) / sd
    return 0.0 if m1 == m2 else math.copysign(math.inf, m1 - m2)


def direction_lead(direction: str, name: str, unit: str, a: tuple[str, Cell],
                   b: tuple[str, Cell], decimals: int = 1, spread_of: str = "30-s epochs") -> str:
    """The first line of an answer to a directional question.

    Args:
        direction: the way the question expects group a to differ from group b: "higher",
            "lower", "change" (either way), "either" (no yes or no asked: the way it went) or
            "which" (the side asked after a comparison: the higher side named first).
        name: the measure in words ("heart rate (mean)"); unit: its unit ("bpm", "%").
        a, b: each group's words as they follow the measure ("in REM", "in NREM") and its cell.
        decimals: decimals of the values.
        spread_of: what the cells' sd is taken over ("30-s epochs", "slow waves").
    """
    (where_a, cell_a), (where_b, cell_b) = a, b
    d = standardised_difference(cell_a, cell_b)
    if math.isnan(d):
        return ""
    diff = cell_a[0] - cell_b[0]
    values = (f"{cell_a[0]:.{decimals}f} against {cell_b[0]:.{decimals}f} {unit} "
              f"({diff:+.{decimals}f}{' points' if unit == '%' else ' ' + unit})")
    if abs(d) < SMALL_D:
        return (f"**Not clearly**: {name} {where_a} and {where_b} differ by less than a fifth of "
                f"the spread of its {spread_of}: {values}.")
    way = "higher" if d > 0 else "lower"
    size = f", {abs(d):.1f} sd of its {spread_of}" if math.isfinite(d) else ""
    if direction == "which" and d < 0:
        # "which is higher?": the higher side named first
        return direction_lead(direction, name, unit, b, a, decimals, spread_of)
    if direction in ("either", "which"):
        return f"**{way.capitalize()} {where_a}** than {where_b}: {name} {values}{size}."
    verdict = "Yes" if direction in (way, "change") else "No"
    return f"**{verdict}**: {name} was {way} {where_a} than {where_b}: {values}{size}."
