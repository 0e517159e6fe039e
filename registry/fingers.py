"""The ten-finger enrolment as the record keeps it, and which two fingers go on the card.

Every finger is accounted for: a compact card template (ISO/IEC 19794-2, as the office's
enrolment flow captured it through the sensor), or a reason it was skipped. The card
carries two references: the right and the left index, or when one could not be taken
the next finger in :data:`CARD_PREFERENCE` (same hand first, then the other).
Templates are biometric data: they never appear in a ``repr``, a log or the audit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from types import MappingProxyType


class FingerPosition(IntEnum):
    """ISO/IEC 19794-2 finger codes: the same numbers as ``apdu.biometric_profile``'s,
    kept here so the registry needs nothing of the card stack."""

    RIGHT_THUMB = 1
    RIGHT_INDEX = 2
    RIGHT_MIDDLE = 3
    RIGHT_RING = 4
    RIGHT_LITTLE = 5
    LEFT_THUMB = 6
    LEFT_INDEX = 7
    LEFT_MIDDLE = 8
    LEFT_RING = 9
    LEFT_LITTLE = 10


TEN_FINGERS = tuple(FingerPosition)
MIN_CAPTURED = 2
"""The card holds two references; an applicant with fewer usable fingers is refused at
completion (the office sends them to a branch)."""

F = FingerPosition
CARD_PREFERENCE: tuple[tuple[FingerPosition, ...], tuple[FingerPosition, ...]] = (
    (F.RIGHT_INDEX, F.RIGHT_MIDDLE, F.RIGHT_THUMB, F.RIGHT_RING, F.RIGHT_LITTLE,
     F.LEFT_MIDDLE, F.LEFT_THUMB, F.LEFT_RING, F.LEFT_LITTLE),
    (F.LEFT_INDEX, F.LEFT_MIDDLE, F.LEFT_THUMB, F.LEFT_RING, F.LEFT_LITTLE,
     F.RIGHT_MIDDLE, F.RIGHT_THUMB, F.RIGHT_RING, F.RIGHT_LITTLE),
)
"""First and second card reference: the index finger of each hand, then the rest."""


class SkipReason(StrEnum):
    """Why a finger has no template (the operator's word, kept on record)."""

    MISSING = "missing"          # amputated or absent
    INJURED = "injured"          # bandaged, cut, burnt: for now
    UNREADABLE = "unreadable"    # worn ridges: no usable touch after retries


@dataclass(frozen=True)
class FingerCapture:
    """Templates per finger and the skipped fingers with their reasons."""

    templates: Mapping[FingerPosition, bytes] = field(repr=False)
    skipped: Mapping[FingerPosition, SkipReason] = field(default_factory=dict)
    max_minutiae: int = 60
    minutiae_order: int = 1

    def __post_init__(self) -> None:
        object.__setattr__(self, "templates", MappingProxyType(dict(self.templates)))
        object.__setattr__(self, "skipped", MappingProxyType(dict(self.skipped)))

    def __repr__(self) -> str:
        return (f"FingerCapture(templates={sorted(p.name for p in self.templates)}, "
                f"skipped={ {p.name: r.value for p, r in self.skipped.items()} })")


class FingerProblem(StrEnum):
    NOT_ACCOUNTED = "not-accounted"          # a finger neither captured nor skipped
    BOTH = "captured-and-skipped"            # a finger given twice
    TOO_FEW = "too-few"                      # fewer than MIN_CAPTURED templates
    EMPTY_TEMPLATE = "empty-template"


def finger_problem(capture: FingerCapture) -> FingerProblem | None:
    """Whether the enrolment is complete and usable for a card; None when it is."""
    captured, skipped = set(capture.templates), set(capture.skipped)
    if captured & skipped:
        return FingerProblem.BOTH
    if captured | skipped != set(TEN_FINGERS):
        return FingerProblem.NOT_ACCOUNTED
    if any(not t for t in capture.templates.values()):
        return FingerProblem.EMPTY_TEMPLATE
    if len(captured) < MIN_CAPTURED:
        return FingerProblem.TOO_FEW
    return None


def card_fingers(captured: set[FingerPosition] | frozenset[FingerPosition]
                 ) -> tuple[FingerPosition, FingerPosition]:
    """The two fingers the card carries, by :data:`CARD_PREFERENCE`; ValueError if < 2."""
    first = next((p for p in CARD_PREFERENCE[0] if p in captured), None)
    second = next((p for p in CARD_PREFERENCE[1] if p in captured and p is not first), None)
    if first is None or second is None:
        raise ValueError("a card needs two captured fingers")
    return first, second
