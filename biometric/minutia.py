"""Minutiae as values, in image pixels with ISO/IEC 19794-2 conventions.

Coordinates: origin at the top-left pixel, x to the right, y down. Angle: radians in
[0, 2*pi), counter-clockwise as seen on the image from the x axis (so, with y pointing
down, a direction (dx, dy) has angle atan2(-dy, dx)). A ridge ending points along its
ridge, into the ridge; a bifurcation points between its two branches (ISO/IEC 19794-2
6.5: the direction runs along the gap of the "Y", the same rule for both kinds).
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass


class MinutiaType(enum.IntEnum):
    """Minutia type, valued as the compact card format's 2-bit field."""

    OTHER = 0b00
    ENDING = 0b01
    BIFURCATION = 0b10


@dataclass(frozen=True)
class Minutia:
    """One minutia: position (pixels), direction (radians), kind and quality (0-100)."""

    x: float
    y: float
    angle: float
    type: MinutiaType
    quality: int = 100

    def __post_init__(self) -> None:
        object.__setattr__(self, "angle", self.angle % (2 * math.pi))
        if not 0 <= self.quality <= 100:
            raise ValueError(f"minutia quality must be 0..100, got {self.quality}")
