"""Map a recording's channel labels onto the released SleepLM montage.

Each slot of :data:`~sleeplm_core.io.epochset.CANONICAL_CHANNELS` (model input)
and :data:`~sleeplm_core.io.epochset.AUX_CHANNELS` (caption input) is filled,
in this order of precedence, by:

1. a user override (``{"EEG_C3": "EEG Fpz-Cz"}``; ``"none"`` leaves a slot empty);
2. the first alias of :data:`~sleeplm_core.io.aliases.ALIASES` found in the file;
3. for the central EEG slots, the opposite central electrode and then the
   closest available EEG (:data:`~sleeplm_core.io.aliases.EEG_FALLBACKS`); for
   EOG_L, a single horizontal EOG derivation. Stand-ins are reported as
   substitutions with the reason.

Each file channel fills at most one slot. Slots left empty are zero-filled
and masked by :mod:`sleeplm_core.io.epochs`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sleeplm_core.errors import MontageError
from sleeplm_core.io.aliases import ALIASES, EEG_FALLBACKS, EOG_FALLBACKS, label_keys
from sleeplm_core.io.epochset import AUX_CHANNELS, CANONICAL_CHANNELS
from sleeplm_core.io.recording import Recording

log = logging.getLogger(__name__)

_FAST, _BREATH, _SLOW = 32.0, 4.0, 0.1
MIN_SFREQ: dict[str, float] = {
    "ECG": _FAST, "EOG_L": _FAST, "EOG_R": _FAST, "EEG_C3": _FAST, "EEG_C4": _FAST,
    "EMG_CHIN": _FAST, "EMG_LEG": _FAST, "ABD": _BREATH, "THX": _BREATH, "AF": _BREATH,
    "SNORE": _BREATH, "POS": _SLOW, "SPO2": _SLOW, "HR": _SLOW, "TEMP": _SLOW,
}
"""Lowest sampling rate (Hz) accepted without a flag, per slot. Biopotentials
need 32 Hz so that the 0.3-16 Hz band (spindles, QRS energy) survives;
breathing signals need 4 Hz to keep the shape of a ~0.25 Hz breath."""

_NONE = frozenset({"", "none", "-"})
_OPPOSITE = {"EEG_C3": "c4", "EEG_C4": "c3"}


@dataclass
class Montage:
    """How a recording's channels fill the montage.

    Attributes:
        mapping: canonical slot -> file label, for every filled model slot.
        aux_mapping: auxiliary slot (SPO2, HR, SNORE, EMG_LEG, TEMP) -> file label.
        substitutions: slot -> (file label, reason) for stand-in channels and overrides.
        missing: canonical slots left empty (zero-filled and masked).
        unused: file labels that fill no slot.
        warnings: channels sampled too slowly for their type, and similar flags.
        position_codes: raw value -> released position code for the POS
            channel; None means the file already uses the released codes
            (see :mod:`sleeplm_core.io.position`).
        source: file the recording came from, for messages.
    """

    mapping: dict[str, str] = field(default_factory=dict)
    aux_mapping: dict[str, str] = field(default_factory=dict)
    substitutions: dict[str, tuple[str, str]] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    unused: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    position_codes: dict[int, int] | None = None
    source: str = ""

    @property
    def slots(self) -> dict[str, str]:
        """Every slot mapped -> its file label: the model's channels and the auxiliary ones."""
        return {**self.mapping, **self.aux_mapping}

    def report(self) -> str:
        """Human-readable table of every slot and how it was filled."""
        lines = [f"montage of {self.source or 'recording'}:"]
        for slot in CANONICAL_CHANNELS + AUX_CHANNELS:
            label = self.mapping.get(slot) or self.aux_mapping.get(slot)
            kind = "aux " if slot in AUX_CHANNELS else ""
            if label is None:
                lines.append(f"  {kind}{slot:<9} missing" + ("" if kind else " (zero-filled, masked)"))
            elif slot in self.substitutions:
                lines.append(f"  {kind}{slot:<9} <- {label!r}  [{self.substitutions[slot][1]}]")
            else:
                lines.append(f"  {kind}{slot:<9} <- {label!r}")
        if self.unused:
            lines.append("  unused: " + ", ".join(repr(x) for x in self.unused))
        lines.extend(f"  warning: {w}" for w in self.warnings)
        return "\n".join(lines)


def map_montage(
    rec: Recording,
    overrides: dict[str, str] | None = None,
    position_codes: dict[int, int] | None = None,
) -> Montage:
    """Fill the montage slots from ``rec``'s channel labels.

    Args:
        rec: the recording.
        overrides: slot -> file label (case-insensitive; "none" empties the slot).
        position_codes: raw position value -> released code, for files whose
            POS channel uses another encoding.

    Raises:
        MontageError: an override names an unknown slot or label, or no model
            channel can be mapped at all.
    """
    source = str(rec.source.get("path", "recording"))
    montage = Montage(position_codes=position_codes, source=source)
    used: set[str] = set()
    emptied = _apply_overrides(rec, overrides or {}, montage, used)
    index = _key_index([label for label in rec.signals if label not in used])
    for slot in CANONICAL_CHANNELS + AUX_CHANNELS:
        if _filled(montage, slot) or slot in emptied:
            continue
        label = _first(index, ALIASES[slot], used)
        if label is not None:
            _assign(montage, slot, label, used)
    _fallbacks(montage, index, used, emptied)
    montage.missing = [s for s in CANONICAL_CHANNELS if s not in montage.mapping]
    montage.unused = [label for label in rec.signals if label not in used]
    if not montage.mapping:
        raise MontageError(
            f"{source}: no channel matches the montage (labels found: {', '.join(rec.signals) or 'none'}); "
            "pass a mapping such as --map EEG_C3=<label> (or overrides={'EEG_C3': '<label>'})"
        )
    montage.warnings.extend(_rate_flags(rec, montage))
    return montage


def _filled(montage: Montage, slot: str) -> bool:
    return slot in montage.mapping or slot in montage.aux_mapping


def _assign(montage: Montage, slot: str, label: str, used: set[str], reason: str | None = None) -> None:
    target = montage.aux_mapping if slot in AUX_CHANNELS else montage.mapping
    target[slot] = label
    used.add(label)
    if reason:
        montage.substitutions[slot] = (label, reason)


def _apply_overrides(rec: Recording, overrides: dict[str, str], montage: Montage, used: set[str]) -> set[str]:
    """Assign the user's slots; return the slots the user asked to leave empty."""
    slots = {s.lower(): s for s in CANONICAL_CHANNELS + AUX_CHANNELS}
    emptied = set()
    labels = {label.lower(): label for label in rec.signals}
    for name, wanted in overrides.items():
        slot = slots.get(name.strip().lower())
        if slot is None:
            raise MontageError(f"unknown montage slot {name!r} in mapping; use one of {', '.join(slots.values())}")
        if wanted.strip().lower() in _NONE:
            emptied.add(slot)
            continue
        label = labels.get(wanted.strip().lower())
        if label is None:
            raise MontageError(
                f"{rec.source.get('path', 'recording')}: mapping {slot}={wanted!r} names no channel "
                f"(labels found: {', '.join(rec.signals)}); use one of those labels"
            )
        _assign(montage, slot, label, used, reason="set by user")
    return emptied


def _key_index(labels: list[str]) -> dict[str, str]:
    index: dict[str, str] = {}
    for label in labels:
        for key in label_keys(label):
            index.setdefault(key, label)
    return index


def _first(index: dict[str, str], keys: tuple[str, ...], used: set[str]) -> str | None:
    return next((index[k] for k in keys if k in index and index[k] not in used), None)


def _fallbacks(montage: Montage, index: dict[str, str], used: set[str], emptied: set[str]) -> None:
    for slot in ("EEG_C3", "EEG_C4"):
        if _filled(montage, slot) or slot in emptied:
            continue
        label = _first(index, (_OPPOSITE[slot],) + EEG_FALLBACKS, used)
        if label is not None:
            _assign(montage, slot, label, used, reason=f"no {slot[-2:]} electrode; nearest available EEG used")
    if not _filled(montage, "EOG_L") and "EOG_L" not in emptied:
        label = _first(index, EOG_FALLBACKS, used)
        if label is not None:
            _assign(montage, "EOG_L", label, used, reason="single horizontal (left-right) EOG derivation")


def _rate_flags(rec: Recording, montage: Montage) -> list[str]:
    flags = []
    for slot, label in montage.slots.items():
        sfreq = rec.signals[label].sfreq
        if sfreq < MIN_SFREQ[slot]:
            flags.append(
                f"{slot} ({label!r}) is sampled at {sfreq:g} Hz, below the {MIN_SFREQ[slot]:g} Hz its type needs; "
                "its epochs carry little detail"
            )
    for flag in flags:
        log.info("%s: %s", montage.source, flag)
    return flags
