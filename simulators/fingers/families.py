"""The synthetic finger families, by name: one seed space and one touch model each.

    finger = family_finger("phase", seed)
    image = finger.impression(k, Difficulty.STANDARD)

``gabor``: ridges grown from noise by iterated Gabor filtering, minutiae the defects that
survive (``simulators.fingers.master``). ``phase``: minutiae placed first, ridges
reconstructed through them as an AM-FM phase, touches rendered by a contact model
(``simulators.fingers.phase``). Both give 288 x 256 images at 16 grey levels.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import numpy as np

from simulators.fingers.difficulty import Difficulty
from simulators.fingers.master import Finger
from simulators.fingers.phase.master import PhaseFinger


class SyntheticFinger(Protocol):
    """What the benchmark and the tests need of a finger of any family."""

    @property
    def seed(self) -> int: ...

    def impression(
        self, impression_seed: int, difficulty: Difficulty | str = ...
    ) -> np.ndarray: ...

    def poor_impression(self, impression_seed: int) -> np.ndarray: ...


FAMILIES = ("gabor", "phase")


def family_finger(
    family: str, finger_seed: int, cache_dir: Path | str | None = None
) -> SyntheticFinger:
    """The finger ``finger_seed`` of ``family`` (ValueError for an unknown family)."""
    if family == "gabor":
        return Finger.generate(finger_seed, cache_dir=cache_dir)
    if family == "phase":
        return PhaseFinger.generate(finger_seed, cache_dir=cache_dir)
    raise ValueError(f"unknown finger family {family!r}; use one of {', '.join(FAMILIES)}")
