"""From a finger on the sensor to a template the card will accept, asking again when needed.

The quality gate sits here: a poor touch is never sent to the card (where it would spend
a try); the holder is asked for another touch instead, through ``on_step``.

How a capture ends, by type: a :class:`CardTemplate`; :class:`NoUsableTouch`
(:class:`CaptureTimeout` or :class:`TooManyPoorTouches`: ask the person again);
:class:`CaptureCancelled` (the caller's event); :class:`SensorError` (the device failed).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from enum import IntEnum
from typing import TYPE_CHECKING

from biometric.compact import MinutiaeOrder
from biometric.errors import NoUsableTouch, QualityError
from biometric.sensor import (
    CaptureCancelled,
    CaptureTimeout,
    Feedback,
    FingerprintSensor,
    SensorError,
)

__all__ = [
    "CaptureCancelled",
    "CaptureStep",
    "CaptureTimeout",
    "NoUsableTouch",
    "SensorError",
    "TooManyPoorTouches",
    "capture_template",
]

if TYPE_CHECKING:
    from biometric.template import CardTemplate


class CaptureStep(IntEnum):
    """What the holder is told while a template is being captured."""

    PLACE_FINGER = 1
    KEEP_STILL = 2
    POOR_TOUCH = 3  # quality gate refused it: lift and place again
    LIFT_AND_PLACE = 4
    GOT_IT = 5


_FROM_SENSOR = {
    Feedback.NO_FINGER: CaptureStep.PLACE_FINGER,
    Feedback.GOOD: CaptureStep.KEEP_STILL,
    Feedback.POOR_IMAGE: CaptureStep.POOR_TOUCH,
    Feedback.LIFT_AND_PLACE: CaptureStep.LIFT_AND_PLACE,
    Feedback.PLACE_AGAIN: CaptureStep.LIFT_AND_PLACE,
}


class TooManyPoorTouches(QualityError, NoUsableTouch):
    """Every one of ``attempts`` touches was too poor; ``last`` is the last refusal.

    ``feedback`` and ``score`` are the last touch's, so a face can say what to change.
    """

    def __init__(self, last: QualityError, attempts: int) -> None:
        super().__init__(last.feedback, last.score,
                         f"no usable touch in {attempts} attempts (last {last})")
        self.last = last
        self.attempts = attempts


def capture_template(
    sensor: FingerprintSensor,
    *,
    max_count: int,
    order: MinutiaeOrder,
    attempts: int = 3,
    timeout: float = 15.0,
    event: threading.Event | None = None,
    on_step: Callable[[CaptureStep], None] | None = None,
) -> CardTemplate:
    """Capture until a touch passes the quality gate; at most ``attempts`` touches.

    ``timeout`` bounds the wait for each touch; ``event`` cancels at any point, the
    extraction of a touch included (its template is then dropped).
    """
    if attempts < 1:
        raise ValueError("attempts must be at least 1")
    tell = on_step or (lambda _step: None)

    def relay(feedback: Feedback) -> None:
        tell(_FROM_SENSOR.get(feedback, CaptureStep.PLACE_FINGER))

    last: QualityError | None = None
    for _attempt in range(attempts):
        image = sensor.capture(event=event, on_feedback=relay, timeout=timeout)
        try:
            from biometric.template import make_template  # scipy: loaded on first capture

            template = make_template(image, max_count=max_count, order=order)
        except QualityError as exc:
            last = exc
            _check_cancel(event)
            tell(CaptureStep.POOR_TOUCH)
            continue
        _check_cancel(event)
        tell(CaptureStep.GOT_IT)
        return template
    assert last is not None
    raise TooManyPoorTouches(last, attempts)


def _check_cancel(event: threading.Event | None) -> None:
    if event is not None and event.is_set():
        raise CaptureCancelled()
