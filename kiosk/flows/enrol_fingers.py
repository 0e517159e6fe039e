"""Enrolment at the office: all ten fingers through the sensor, each through the quality
gate with guidance.

No card is involved: the templates go into the applicant's record, and two of them
(right and left index, or the next fingers the standard allows) become the card's
references when it is issued. A finger that gives no usable touch is asked again
(Retry) or skipped by the operator with a reason on record (SkipFinger); the flow never
gives up on the applicant because one finger is injured.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum, auto

from apdu.biometric_profile import BiometricInfo, FingerPosition
from biometric.capture import CaptureStep
from biometric.compact import DEFAULT_MAX_MINUTIAE, X_ASCENDING
from biometric.errors import BiometricError
from biometric.quality import MIN_MINUTIAE
from kiosk.flows.base import Flow, Handler
from kiosk.flows.events import Event, Retry, SkipFinger, Start
from kiosk.flows.finger import FingerSource, outcome_for_biometric_error
from kiosk.flows.outcome import Ending, Outcome
from kiosk.flows.runner import Runner

TEN_FINGERS: tuple[FingerPosition, ...] = tuple(p for p in FingerPosition if p)


@dataclass(frozen=True)
class EnrolledFingers:
    """Compact card templates per finger, and the fingers that could not be taken."""

    templates: dict[FingerPosition, bytes]
    skipped: frozenset[FingerPosition] = frozenset()
    max_minutiae: int = DEFAULT_MAX_MINUTIAE
    minutiae_order: int = int(X_ASCENDING)

    def __repr__(self) -> str:  # templates are biometric data: never in a log line
        return (f"EnrolledFingers({sorted(p.name for p in self.templates)}, "
                f"skipped={sorted(p.name for p in self.skipped)})")


class EnrolState(Enum):
    READY = auto()
    CAPTURING = auto()  # ``finger`` says which; ``capture_step`` what to do
    FINGER_FAILED = auto()  # no usable touch of ``finger``: Retry or SkipFinger


@dataclass
class _Progress:
    templates: dict[FingerPosition, bytes] = field(default_factory=dict)
    skipped: set[FingerPosition] = field(default_factory=set)


class EnrolFingersFlow(Flow):
    """Ends DONE with :class:`EnrolledFingers` once every finger is taken or skipped."""

    name = "enrol-fingers"

    def __init__(self, runner: Runner, fingers: FingerSource, *,
                 positions: Sequence[FingerPosition] = TEN_FINGERS,
                 on_change: Callable[[Flow], None] | None = None) -> None:
        if not positions:
            raise ValueError("enrol at least one finger")
        self._fingers = fingers
        self.positions = tuple(positions)
        self.index = 0
        self.capture_step: CaptureStep | None = None
        self.last_failure: Outcome | None = None  # why the current finger failed
        self._progress = _Progress()
        self._stop = threading.Event()
        super().__init__(runner, on_change)

    @property
    def finger(self) -> FingerPosition:
        return self.positions[self.index]

    @property
    def taken(self) -> int:
        return len(self._progress.templates)

    def initial_state(self) -> Enum:
        return EnrolState.READY

    def handlers(self) -> dict[Enum, dict[type[Event], Handler]]:
        return {
            EnrolState.READY: {Start: lambda _e: self._capture()},
            EnrolState.FINGER_FAILED: {Retry: lambda _e: self._capture(),
                                       SkipFinger: self._skip},
        }

    def _capture(self) -> None:
        position = self.finger
        info = BiometricInfo(0, position, MIN_MINUTIAE, DEFAULT_MAX_MINUTIAE, int(X_ASCENDING))
        self.capture_step = CaptureStep.PLACE_FINGER
        on_step = self._runner.relay(self._step)
        lift_first = self.index > 0  # the glass still holds the finger just taken

        def work() -> bytes:
            return self._fingers.capture(info, stop=self._stop, on_step=on_step,
                                         lift_first=lift_first)

        self._run(EnrolState.CAPTURING, work, self._captured, self._failed)

    def _step(self, step: CaptureStep) -> None:
        if not self.finished and self.state is EnrolState.CAPTURING:
            self.capture_step = step
            self._changed()

    def _captured(self, template: bytes) -> None:
        self._progress.templates[self.finger] = template
        self._next()

    def _failed(self, error: BaseException) -> Outcome | None:
        if not isinstance(error, BiometricError):
            return self.outcome_for_error(error)
        outcome = outcome_for_biometric_error(error)
        if outcome.ending in (Ending.NO_USABLE_TOUCH, Ending.NO_FINGER):
            self.last_failure = outcome
            self._goto(EnrolState.FINGER_FAILED)
            return None
        return outcome  # the sensor failed, or the capture was cancelled

    def _skip(self, _event: Event) -> None:
        self._progress.skipped.add(self.finger)
        self._next()

    def _next(self) -> None:
        self.last_failure = None
        if self.index + 1 < len(self.positions):
            self.index += 1
            self._capture()
            return
        progress = self._progress
        self._finish(Outcome(Ending.DONE, value=EnrolledFingers(
            dict(progress.templates), frozenset(progress.skipped))))

    def _release(self) -> None:
        self._stop.set()
