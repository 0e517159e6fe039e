"""Enrolling a persona's fingers: the office's ten-print capture, reduced to what the card keeps.

Each persona has ten synthetic fingers (``simulators.fingers``); the card holds compact
card templates of two of them, each consolidated from ``ENROLMENT_TOUCHES`` attended
touches that passed the quality gate (``biometric.enrol``), with the matcher's
parameters fixed here.
"""

from __future__ import annotations

import numpy as np

from apdu.biometric_profile import FINGER_REFERENCES, FingerPosition
from biometric.compact import DEFAULT_MAX_MINUTIAE, X_ASCENDING
from biometric.enrol import consolidate
from biometric.errors import BiometricError
from biometric.matcher import MATCH_THRESHOLD
from biometric.quality import CARD_MIN_MINUTIAE
from biometric.template import make_template
from simulators.fingers import Difficulty, Finger, persona_finger_seed
from simulators.personalize import FingerEnrolment

ENROLMENT_IMPRESSION = 0  # the first touch taken at the office; later touches use seeds >= 1
ENROLMENT_TOUCHES = 3  # usable touches consolidated into the card's reference
ENROLMENT_TRIES = 8  # touches a station takes at most to get them


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
        usable: list[bytes] = []
        for attempt in range(ENROLMENT_TRIES):
            # Office touches are impressions 0, -1, -2, ...: never a verification touch.
            image = finger.impression(ENROLMENT_IMPRESSION - attempt, Difficulty.EASY)
            try:
                usable.append(make_template(image, max_count=DEFAULT_MAX_MINUTIAE).data)
            except BiometricError:  # a poor touch: take another
                continue
            if len(usable) == ENROLMENT_TOUCHES:
                break
        if not usable:
            raise RuntimeError(f"{position.name} of persona {persona_seed} cannot be enrolled")
        templates[ref] = consolidate(usable, DEFAULT_MAX_MINUTIAE, X_ASCENDING).data
    return FingerEnrolment(templates, MATCH_THRESHOLD, CARD_MIN_MINUTIAE, DEFAULT_MAX_MINUTIAE,
                           int(X_ASCENDING))
