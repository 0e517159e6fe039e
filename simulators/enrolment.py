"""Enrolling a persona's fingers: the office's ten-print capture, reduced to what the card keeps.

Each persona has ten synthetic fingers (``simulators.fingers``); the card holds compact
card templates of two of them, taken from a clean enrolment touch, with the matcher's
parameters fixed here.
"""

from __future__ import annotations

import numpy as np

from apdu.biometric_profile import FINGER_REFERENCES, FingerPosition
from biometric.compact import DEFAULT_MAX_MINUTIAE, X_ASCENDING
from biometric.errors import BiometricError
from biometric.matcher import MATCH_THRESHOLD
from biometric.quality import MIN_MINUTIAE
from biometric.template import make_template
from simulators.fingers import Difficulty, Finger, persona_finger_seed
from simulators.personalize import FingerEnrolment

ENROLMENT_IMPRESSION = 0  # the touch taken at the office; later touches use seeds >= 1
ENROLMENT_TRIES = 6  # a station asks again when a touch is too poor


def persona_finger(persona_seed: int, finger_position: FingerPosition | int) -> Finger:
    return Finger.generate(persona_finger_seed(persona_seed, finger_position))


def touch(persona_seed: int, finger_position: FingerPosition | int, impression: int,
          difficulty: Difficulty = Difficulty.STANDARD) -> np.ndarray:
    """One impression of a persona's finger, as the sensor sees it (288 x 256)."""
    return persona_finger(persona_seed, finger_position).impression(impression, difficulty)


def enrol_persona(persona_seed: int) -> FingerEnrolment:
    """Reference templates for the fingers the card enrols (right and left index)."""
    templates = {}
    for ref, position in FINGER_REFERENCES.items():
        finger = persona_finger(persona_seed, position)
        for attempt in range(ENROLMENT_TRIES):
            image = finger.impression(ENROLMENT_IMPRESSION - attempt, Difficulty.EASY)
            try:
                template = make_template(image, max_count=DEFAULT_MAX_MINUTIAE, order=X_ASCENDING)
            except BiometricError:  # a poor touch: take another
                continue
            templates[ref] = template.data
            break
        else:
            raise RuntimeError(f"{position.name} of persona {persona_seed} cannot be enrolled")
    return FingerEnrolment(templates, MATCH_THRESHOLD, MIN_MINUTIAE, DEFAULT_MAX_MINUTIAE,
                           int(X_ASCENDING))
