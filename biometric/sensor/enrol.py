"""An office enrolment on the module: several touches, one template in its library.

The manuals' sequence: touch, Img2Tz into CharBuffer1; lift; touch again, Img2Tz into
CharBuffer2; RegModel; Store. A touch that is not usable is asked for again within the
touch's timeout; two touches the module cannot combine end in
:class:`EnrolmentRefused` with a reason, so the face can ask for the whole finger again.
Cancellable at any point through ``event``; progress through ``on_step``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum, unique

from biometric.errors import BiometricError
from biometric.sensor.driver import FingerprintSensor
from biometric.sensor.feedback import Feedback


@unique
class EnrolStep(Enum):
    """What the person at the sensor is asked for, in order."""

    FIRST_TOUCH = "first-touch"
    LIFT = "lift"
    SECOND_TOUCH = "second-touch"
    COMBINING = "combining"
    STORED = "stored"


@unique
class EnrolProblem(Enum):
    """Why the module did not enrol the finger (the person's matter, not the device's)."""

    ALREADY_ENROLLED = "already-enrolled"  # the first touch matched a stored template
    TOUCHES_DIFFER = "touches-differ"  # RegModel 0x0A: two touches, not one finger
    LIBRARY_FULL = "library-full"  # no free page was left


class EnrolmentRefused(BiometricError):
    """The enrolment ended without a template; ``problem`` says why, ``page`` and
    ``score`` name the stored template an ALREADY_ENROLLED touch matched."""

    def __init__(self, problem: EnrolProblem, page: int | None = None,
                 score: int | None = None) -> None:
        super().__init__(problem.value)
        self.problem = problem
        self.page = page
        self.score = score


@dataclass(frozen=True)
class Enrolment:
    """Where the finger's template now lives in the module's library."""

    page: int


def enrol_finger(
    sensor: FingerprintSensor,
    page: int | None = None,
    *,
    refuse_duplicates: bool = True,
    event: threading.Event | None = None,
    on_step: Callable[[EnrolStep], None] | None = None,
    on_feedback: Callable[[Feedback], None] | None = None,
    timeout: float = 15.0,
) -> Enrolment:
    """Enrol one finger from two touches into ``page`` (None: the first free page).

    ``refuse_duplicates`` searches the library with the first touch and refuses a finger
    already there. Raises EnrolmentRefused, CaptureTimeout (no usable touch in
    ``timeout`` for a step), CaptureCancelled, or a SensorError.
    """
    tell = on_step or (lambda _step: None)
    if page is None:
        page = sensor.first_free_page()
        if page is None:
            raise EnrolmentRefused(EnrolProblem.LIBRARY_FULL)
    tell(EnrolStep.FIRST_TOUCH)
    sensor.capture_features(1, event, on_feedback, timeout)
    if refuse_duplicates:
        hit = sensor.search(1)
        if hit is not None:
            raise EnrolmentRefused(EnrolProblem.ALREADY_ENROLLED, hit.page, hit.score)
    tell(EnrolStep.LIFT)
    sensor.wait_for_lift(event, on_feedback, timeout)
    tell(EnrolStep.SECOND_TOUCH)
    sensor.capture_features(2, event, on_feedback, timeout)
    tell(EnrolStep.COMBINING)
    if not sensor.create_model():
        raise EnrolmentRefused(EnrolProblem.TOUCHES_DIFFER)
    sensor.store(page, 1)
    tell(EnrolStep.STORED)
    return Enrolment(page)
