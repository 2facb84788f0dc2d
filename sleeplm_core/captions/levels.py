"""The five caption levels, in the released model's condition-token order."""

from __future__ import annotations

LEVELS: tuple[str, ...] = ("brain", "heart", "respiratory", "position_muscle", "stage_event")
"""Caption levels; a level's index is the released model's condition token index."""
