"""ISO/IEC 19794-2 compact card format: three bytes per minutia.

Byte 1: x, byte 2: y, in units of 0.1 mm from the top-left corner (y down). Byte 3: type
in the top two bits (01 ridge ending, 10 bifurcation, 00 other; 11 is reserved) and the
angle in the low six bits, in steps of 360/64 = 5.625 degrees, counter-clockwise.

Minutiae beyond 25.5 mm from the origin (x or y above 255 units) cannot be written and
are dropped before anything else, as NIST's template converters do. Then a set larger
than the card accepts is pruned (19794-2 9.3.2: lowest
quality first, then farthest from the centre of mass, then endings first, then largest
angle first) and then sorted as the card's biometric algorithm parameters ask
(7816-11 / 19794-2 minutiae order, tag 82).
"""

from __future__ import annotations

import enum
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from biometric.errors import TemplateFormatError
from biometric.minutia import Minutia, MinutiaType

MM_PER_PIXEL_500DPI = 25.4 / 500  # 0.0508 mm
UNITS_PER_MM = 10  # coordinates in 0.1 mm
ANGLE_STEPS = 64
DEFAULT_MAX_MINUTIAE = 60
BYTES_PER_MINUTIA = 3


class MinutiaeOrder(enum.IntFlag):
    """Minutiae order byte (BIT tag 82): direction bits 1-2, criterion bits 3-5."""

    NONE = 0x00
    ASCENDING = 0x01
    DESCENDING = 0x02
    CARTESIAN_XY = 0x04  # by x, then y
    CARTESIAN_YX = 0x08  # by y, then x
    ANGLE = 0x0C
    POLAR = 0x10  # by distance from the centre of mass, then angle
    X_OR_Y_EXTENSION = 0x20  # coordinate extension: not supported by this encoder

    @property
    def criterion(self) -> int:
        return int(self) & 0x1C

    @property
    def descending(self) -> bool:
        return bool(self & MinutiaeOrder.DESCENDING)


X_ASCENDING = MinutiaeOrder.CARTESIAN_XY | MinutiaeOrder.ASCENDING
Y_ASCENDING = MinutiaeOrder.CARTESIAN_YX | MinutiaeOrder.ASCENDING
ANGLE_ASCENDING = MinutiaeOrder.ANGLE | MinutiaeOrder.ASCENDING


@dataclass(frozen=True, order=True)
class CompactMinutia:
    """One minutia as the card holds it: 0.1 mm units and 64ths of a turn."""

    x: int
    y: int
    type: MinutiaType
    angle: int

    def __post_init__(self) -> None:
        for name, value, top in (("x", self.x, 255), ("y", self.y, 255), ("angle", self.angle, 63)):
            if not isinstance(value, int) or not 0 <= value <= top:
                raise TemplateFormatError(f"{name}={value!r} is outside 0..{top}")
        if not isinstance(self.type, MinutiaType):
            raise TemplateFormatError(f"minutia type {self.type!r} is not a MinutiaType")

    @property
    def angle_radians(self) -> float:
        return self.angle * 2 * math.pi / ANGLE_STEPS

    @classmethod
    def from_minutia(cls, m: Minutia, mm_per_pixel: float = MM_PER_PIXEL_500DPI) -> CompactMinutia:
        scale = mm_per_pixel * UNITS_PER_MM
        x, y = int(round(m.x * scale)), int(round(m.y * scale))
        if not (0 <= x <= 255 and 0 <= y <= 255):
            raise TemplateFormatError(
                f"minutia at ({m.x:.0f}, {m.y:.0f}) px is beyond 25.5 mm: not encodable"
            )
        angle = int(round(m.angle / (2 * math.pi) * ANGLE_STEPS)) % ANGLE_STEPS
        return cls(x, y, MinutiaType(m.type), angle)


def encodable(m: Minutia, mm_per_pixel: float = MM_PER_PIXEL_500DPI) -> bool:
    """True when the minutia's position fits the format's bytes (0..25.5 mm)."""
    scale = mm_per_pixel * UNITS_PER_MM
    return 0 <= round(m.x * scale) <= 255 and 0 <= round(m.y * scale) <= 255


def prune(minutiae: Sequence[Minutia], max_count: int) -> list[Minutia]:
    """Keep the best ``max_count`` (19794-2 9.3.2, the option with quality)."""
    if max_count < 0:
        raise ValueError("max_count must be >= 0")
    if len(minutiae) <= max_count:
        return list(minutiae)
    cx = sum(m.x for m in minutiae) / len(minutiae)
    cy = sum(m.y for m in minutiae) / len(minutiae)

    def doomed_first(m: Minutia) -> tuple[float, float, int, float]:
        return (
            m.quality,
            -math.hypot(m.x - cx, m.y - cy),
            -int(m.type == MinutiaType.ENDING),
            -m.angle,
        )

    ranked = sorted(minutiae, key=doomed_first)
    removed = {id(m) for m in ranked[: len(minutiae) - max_count]}
    return [m for m in minutiae if id(m) not in removed]


def sort_minutiae(minutiae: Iterable[CompactMinutia], order: MinutiaeOrder) -> list[CompactMinutia]:
    """Arrange card minutiae as ``order`` asks (NONE keeps the given order)."""
    items = list(minutiae)
    criterion = order.criterion
    if order & MinutiaeOrder.X_OR_Y_EXTENSION:
        raise TemplateFormatError("the x/y coordinate extension is not supported")
    if criterion == 0:
        return items
    if not order & (MinutiaeOrder.ASCENDING | MinutiaeOrder.DESCENDING) or (
        order & MinutiaeOrder.ASCENDING and order & MinutiaeOrder.DESCENDING
    ):
        raise TemplateFormatError(f"minutiae order 0x{int(order):02X} has no single direction")
    key: Callable[[CompactMinutia], tuple[float, ...]]
    if criterion == MinutiaeOrder.CARTESIAN_XY:
        key = lambda m: (m.x, m.y)  # noqa: E731
    elif criterion == MinutiaeOrder.CARTESIAN_YX:
        key = lambda m: (m.y, m.x)  # noqa: E731
    elif criterion == MinutiaeOrder.ANGLE:
        key = lambda m: (m.angle,)  # noqa: E731
    elif criterion == MinutiaeOrder.POLAR:
        if not items:
            return items
        cx = sum(m.x for m in items) / len(items)
        cy = sum(m.y for m in items) / len(items)
        key = lambda m: (math.hypot(m.x - cx, m.y - cy), m.angle)  # noqa: E731
    else:
        raise TemplateFormatError(f"unknown minutiae order criterion 0x{criterion:02X}")
    return sorted(items, key=key, reverse=order.descending)


def encode_compact(
    minutiae: Sequence[Minutia],
    *,
    max_count: int = DEFAULT_MAX_MINUTIAE,
    order: MinutiaeOrder = MinutiaeOrder.NONE,
    mm_per_pixel: float = MM_PER_PIXEL_500DPI,
) -> bytes:
    """Compact card template: drop what lies beyond 25.5 mm, prune to ``max_count``,
    convert units, sort, pack."""
    kept = prune([m for m in minutiae if encodable(m, mm_per_pixel)], max_count)
    card = sort_minutiae((CompactMinutia.from_minutia(m, mm_per_pixel) for m in kept), order)
    return pack(card)


def pack(minutiae: Iterable[CompactMinutia]) -> bytes:
    out = bytearray()
    for m in minutiae:
        out += bytes((m.x, m.y, (int(m.type) << 6) | m.angle))
    return bytes(out)


def decode_compact(
    data: bytes,
    *,
    max_count: int | None = None,
    order: MinutiaeOrder = MinutiaeOrder.NONE,
) -> tuple[CompactMinutia, ...]:
    """Strictly parse a compact card template; ``order`` is checked when given."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TemplateFormatError(f"template must be bytes, not {type(data).__name__}")
    raw = bytes(data)
    if len(raw) % BYTES_PER_MINUTIA:
        raise TemplateFormatError(
            f"template length {len(raw)} is not a multiple of {BYTES_PER_MINUTIA}"
        )
    count = len(raw) // BYTES_PER_MINUTIA
    if max_count is not None and count > max_count:
        raise TemplateFormatError(f"{count} minutiae exceed the maximum of {max_count}")
    out = []
    for i in range(count):
        x, y, ta = raw[3 * i : 3 * i + 3]
        code = ta >> 6
        if code == 0b11:
            raise TemplateFormatError(f"minutia {i}: reserved type code 11")
        out.append(CompactMinutia(x, y, MinutiaType(code), ta & 0x3F))
    if order.criterion and sort_minutiae(out, order) != out:
        # The sort is stable, so a correctly ordered list (ties included) sorts to itself.
        raise TemplateFormatError(f"minutiae are not in the order 0x{int(order):02X}")
    return tuple(out)
