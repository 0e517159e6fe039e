"""The applicant's photo taken at the office: where it came from, and what the card takes.

The office takes the photo with a camera, or loads one taken elsewhere from a file.
:class:`Camera` is the seam a real camera driver (or the simulated one in
``simulators.camera``, marked as such on every photo) plugs into; the registry only
sees a :class:`Photo`. A photo goes onto the chip as it is (data group 2), so it is
checked here once: a real JPEG, portrait, big enough to print and small enough for the
card's file.
"""

from __future__ import annotations

import io
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from enum import StrEnum

from PIL import Image, UnidentifiedImageError

MIN_WIDTH, MIN_HEIGHT = 240, 320
"""Below this a face is not recognisable when printed at 35 x 45 mm."""
MAX_JPEG_BYTES = 32 * 1024
"""The chip's photo file holds a 15-25 KB portrait; anything larger is refused here,
not at personalization."""


class PhotoSource(StrEnum):
    FILE = "file"                       # a JPEG taken elsewhere, loaded by the operator
    CAMERA = "camera"                   # the office's camera
    SIMULATED_CAMERA = "simulated-camera"   # SIMULATOR: a synthetic persona's portrait


class PhotoProblem(StrEnum):
    NOT_JPEG = "not-jpeg"
    TOO_LARGE = "too-large"             # more bytes than the card's photo file takes
    TOO_SMALL = "too-small"             # fewer pixels than a printable portrait
    NOT_PORTRAIT = "not-portrait"       # wider than high


@dataclass(frozen=True)
class Photo:
    """A JPEG portrait and where it came from; the bytes stay out of ``repr``."""

    jpeg: bytes = field(repr=False)
    source: PhotoSource


class Camera(ABC):
    """Takes the applicant's portrait at the office counter."""

    @abstractmethod
    def capture(self) -> Photo:
        """One portrait as a JPEG (the driver crops to the ID format)."""


def photo_problem(jpeg: bytes) -> PhotoProblem | None:
    """What keeps ``jpeg`` off a card, or None when it fits."""
    if not jpeg.startswith(b"\xff\xd8"):
        return PhotoProblem.NOT_JPEG
    if len(jpeg) > MAX_JPEG_BYTES:
        return PhotoProblem.TOO_LARGE
    try:
        with Image.open(io.BytesIO(jpeg)) as image:
            if image.format != "JPEG":
                return PhotoProblem.NOT_JPEG
            image.verify()
            width, height = image.size
    except (UnidentifiedImageError, OSError, SyntaxError):
        return PhotoProblem.NOT_JPEG
    if width < MIN_WIDTH or height < MIN_HEIGHT:
        return PhotoProblem.TOO_SMALL
    if width >= height:
        return PhotoProblem.NOT_PORTRAIT
    return None
