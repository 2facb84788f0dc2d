"""Body-position channel decoding to the released SleepLM codes.

Released codes: 0 right, 1 left, 2 supine, 3 prone, 4 upright, -1 unknown.

Recognised encodings:

* **released** (also the SHHS/Compumedics convention): integer levels that are
  all in {-1, 0, 1, 2, 3, 4}. Detected automatically (values within 0.05 of an
  integer) and passed through.
* **any other discrete encoding**: pass ``position_codes`` (raw level ->
  released code) to :func:`~sleeplm_core.io.montage.map_montage`, e.g.
  ``{0: 2, 1: 0, 2: 1, 3: 3}`` for a system that writes 0 for supine.

Analogue position sensors (a voltage per posture, as in the DREAMS files) are
not guessed: every sample becomes -1 (unknown) and a warning says how to pass
the codes.
"""

from __future__ import annotations

import numpy as np

POSITION_NAMES: tuple[str, ...] = ("right", "left", "supine", "prone", "upright")
"""Position names indexed by released code; -1 is unknown."""

UNKNOWN_POSITION = -1
_UNREAD = "position values"
"""How the warning of :func:`decode_position` about an unrecognised encoding begins."""
_RELEASED = frozenset(range(-1, 5))
_INTEGER_TOLERANCE = 0.05


def decode_position(values: np.ndarray, codes: dict[int, int] | None = None) -> tuple[np.ndarray, str | None]:
    """Decode raw position samples to released codes.

    Args:
        values: raw samples of the position channel (any unit).
        codes: raw integer level -> released code; None to auto-detect the
            released encoding.

    Returns:
        (int8 codes with -1 where unknown or non-finite, warning or None).
    """
    finite = np.isfinite(values)
    levels = np.rint(np.where(finite, values, 0)).astype(np.int64)
    integer = finite & (np.abs(values - levels) <= _INTEGER_TOLERANCE)
    out = np.full(len(values), UNKNOWN_POSITION, dtype=np.int8)
    if codes is None:
        if not np.all(integer[finite]) or not set(np.unique(levels[finite]).tolist()) <= _RELEASED:
            lo, hi = (float(np.min(values[finite])), float(np.max(values[finite]))) if finite.any() else (0.0, 0.0)
            return out, (
                f"{_UNREAD} ({lo:g}..{hi:g}) are not in a recognised encoding, so position is unknown; "
                "pass position_codes (raw level -> 0 right, 1 left, 2 supine, 3 prone, 4 upright)"
            )
        out[finite] = levels[finite]
        return out, None
    for raw, code in codes.items():
        out[integer & (levels == raw)] = code
    return out, None


def unread_position(warnings: list[str]) -> str:
    """Why the position channel could not be decoded, from a montage's ``warnings`` (the
    values it holds, without the fix that :func:`decode_position`'s warning names for code
    callers); "" when it could."""
    return next((w.split(";")[0] for w in warnings if w.startswith(_UNREAD)), "")
