"""Synthetic fingerprints: distinct fingers from seeds, and impressions of each touch.

    finger = Finger.generate(finger_seed)
    image = finger.impression(impression_seed, Difficulty.STANDARD)  # (288, 256) uint8
    bad = finger.poor_impression(impression_seed)  # should fail the quality gate

Same seeds, same pixels, on any machine. ``persona_finger_seed`` gives the ten fingers of
a synthetic citizen.
"""

from __future__ import annotations

import numpy as np

from apdu.biometric_profile import FingerPosition
from simulators.fingers.difficulty import Difficulty, ImpressionProfile
from simulators.fingers.distortion import SENSOR_HEIGHT, SENSOR_WIDTH
from simulators.fingers.master import GENERATOR_VERSION, Finger
from simulators.fingers.orientation import PatternClass

_PERSONA_DOMAIN = 0x9E2B_41C7

FINGER_POSITIONS = tuple(p for p in FingerPosition if p is not FingerPosition.UNKNOWN)
"""The ten fingers a persona has (ISO/IEC 19794-2 positions 1..10)."""


def persona_finger_seed(persona_seed: int, finger_index: int) -> int:
    """Finger seed of a persona's finger at ISO/IEC 19794-2 position 1..10."""
    if finger_index not in FINGER_POSITIONS:
        raise ValueError(f"finger position must be 1..10, got {finger_index!r}")
    seq = np.random.SeedSequence([_PERSONA_DOMAIN, persona_seed & (2**64 - 1), int(finger_index)])
    return int(seq.generate_state(1, np.uint64)[0] >> np.uint64(1))


__all__ = [
    "Difficulty",
    "FINGER_POSITIONS",
    "Finger",
    "FingerPosition",
    "GENERATOR_VERSION",
    "ImpressionProfile",
    "PatternClass",
    "SENSOR_HEIGHT",
    "SENSOR_WIDTH",
    "persona_finger_seed",
]
