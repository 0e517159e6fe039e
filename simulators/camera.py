"""SIMULATED office camera: a synthetic persona's portrait, never a real face.

Implements :class:`registry.photo.Camera`; every photo it gives is marked
``PhotoSource.SIMULATED_CAMERA``, so a record completed with it says so for ever.
"""

from __future__ import annotations

from citizen.identity import Gender
from registry.photo import Camera, Photo, PhotoSource
from simulators.face import face_photo_jpeg


class SimulatedCamera(Camera):
    """SIMULATOR: the portrait of persona ``seed`` (see ``simulators.personas``)."""

    def __init__(self, seed: int, gender: Gender | None = None) -> None:
        self.seed = seed
        self.gender = gender

    def capture(self) -> Photo:
        return Photo(face_photo_jpeg(self.seed, gender=self.gender),
                     PhotoSource.SIMULATED_CAMERA)
