"""Fingerprint steps shared by the flows that need the holder's finger on the card.

The sensor is captured on the worker; its guidance (place, keep still, poor touch,
lift and place) reaches the face as ``capture_step`` while it works. The template goes
to the card, whose matcher decides; a poor touch never reaches the card, so it never
spends a try. Cancelling or pulling the card stops a capture within one sensor poll.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from enum import Enum, auto
from typing import Protocol

from apdu.biometric_profile import BiometricInfo
from apdu.client import NidCard
from apdu.errors import BiometricBlockedError, FingerNotMatchedError
from biometric.capture import CaptureStep, TooManyPoorTouches, capture_template
from biometric.compact import MinutiaeOrder
from biometric.errors import BiometricError, NoUsableTouch
from biometric.sensor import (
    CaptureCancelled,
    CaptureTimeout,
    Feedback,
    FingerprintSensor,
    SensorError,
)
from kiosk.flows.base import Flow, Handler
from kiosk.flows.card import CardFlow, CardOpener
from kiosk.flows.events import Event, Retry, Start
from kiosk.flows.outcome import Ending, Outcome
from kiosk.flows.runner import Runner
from kiosk.flows.situation import CardSituation, FingerState, survey


class FingerSource(Protocol):
    """Where fingers come from: a sensor on a serial port (real or simulated)."""

    def capture(self, info: BiometricInfo, *, stop: threading.Event,
                on_step: Callable[[CaptureStep], None], lift_first: bool = False) -> bytes:
        """A compact card template as ``info`` asks for, or a BiometricError.

        ``lift_first``: wait for an empty glass first (the next finger of an enrolment).
        """
        ...


class SensorFingers:
    """Fingers from a UART module on ``port``, opened for each capture."""

    def __init__(self, port: str, *, timeout: float = 15.0, attempts: int = 3) -> None:
        self.port = port
        self.timeout = timeout
        self.attempts = attempts

    def capture(self, info: BiometricInfo, *, stop: threading.Event,
                on_step: Callable[[CaptureStep], None], lift_first: bool = False) -> bytes:
        with FingerprintSensor(self.port) as sensor:
            if lift_first:
                sensor.wait_for_lift(event=stop, timeout=self.timeout,
                                     on_feedback=lambda _f: on_step(CaptureStep.LIFT_AND_PLACE))
                on_step(CaptureStep.PLACE_FINGER)
            template = capture_template(
                sensor, max_count=info.max_minutiae, order=MinutiaeOrder(info.minutiae_order),
                attempts=self.attempts, timeout=self.timeout, event=stop, on_step=on_step)
        return template.data


def outcome_for_biometric_error(error: BiometricError) -> Outcome:
    """Cancelled, the person's matter (no finger, only poor touches), or the device's."""
    if isinstance(error, CaptureCancelled):
        return Outcome(Ending.CANCELLED)
    if isinstance(error, CaptureTimeout):
        if error.last_feedback in (None, Feedback.NO_FINGER):
            return Outcome(Ending.NO_FINGER, detail=error)
        return Outcome(Ending.NO_USABLE_TOUCH, detail=error.last_feedback)
    if isinstance(error, TooManyPoorTouches):
        return Outcome(Ending.NO_USABLE_TOUCH, detail=error.feedback)
    if isinstance(error, NoUsableTouch):
        return Outcome(Ending.NO_USABLE_TOUCH, detail=error)
    if isinstance(error, SensorError):
        return Outcome(Ending.SENSOR_ERROR, detail=error)
    return Outcome(Ending.NO_USABLE_TOUCH, detail=error)


class FingerStep(Enum):
    CAPTURING = auto()
    MATCHING = auto()
    NOT_RECOGNISED = auto()  # waiting for Retry (tries_left says how many remain)


class FingerFlow(CardFlow):
    """A card flow with a finger step. Subclasses call :meth:`_ask_finger` and get
    :meth:`_finger_matched` called once the card has recognised the holder."""

    def __init__(self, runner: Runner, open_card: CardOpener, fingers: FingerSource, *,
                 finger: int | None = None, wrong_attempts: int | None = None,
                 on_change: Callable[[Flow], None] | None = None) -> None:
        self._fingers = fingers
        self._wanted_finger = finger  # a reference (0x91...), or the first usable one
        self._wrong_attempts = wrong_attempts  # None: until the card blocks fingers
        self._stop = threading.Event()
        self.finger: FingerState | None = None
        self.capture_step: CaptureStep | None = None
        self.finger_tries_left: int | None = None
        self.situation: CardSituation | None = None
        super().__init__(runner, open_card, on_change)

    def _finger_handlers(self) -> dict[Enum, dict[type[Event], Handler]]:
        return {FingerStep.NOT_RECOGNISED: {Retry: lambda _e: self._capture()}}

    def _choose_finger(self, situation: CardSituation) -> Outcome | None:
        """Pick the finger to ask for; an outcome when there is none to ask."""
        self.situation = situation
        chosen = situation.finger(self._wanted_finger)
        if chosen is None and self._wanted_finger is None and situation.fingers:
            return Outcome(Ending.FINGER_BLOCKED, value=situation)
        if chosen is None:
            return Outcome(Ending.FINGER_NOT_ENROLLED, value=situation)
        if chosen.tries_left == 0:
            return Outcome(Ending.FINGER_BLOCKED, value=situation)
        self.finger = chosen
        self.finger_tries_left = chosen.tries_left
        return None

    def _ask_finger(self) -> None:
        self._capture()

    def _capture(self) -> None:
        finger = self.finger
        assert finger is not None
        self.capture_step = CaptureStep.PLACE_FINGER
        on_step = self._runner.relay(self._step)

        def work(card: NidCard) -> bytes:
            return self._fingers.capture(finger.info, stop=self._stop, on_step=on_step)

        self._card_job(FingerStep.CAPTURING, work, self._captured)

    def _step(self, step: CaptureStep) -> None:
        if self.finished or self.state is not FingerStep.CAPTURING:
            return
        self.capture_step = step
        self._changed()

    def _captured(self, template: bytes) -> None:
        finger = self.finger
        assert finger is not None

        def work(card: NidCard) -> None:
            self._hold_exclusively(card)
            card.verify_finger(finger.info.reference, template)

        self._card_job(FingerStep.MATCHING, work, lambda _none: self._finger_matched(),
                       self._not_matched)

    def _not_matched(self, error: BaseException) -> Outcome | None:
        if isinstance(error, FingerNotMatchedError):
            self.finger_tries_left = error.tries_left
            if self._wrong_attempts is not None:
                self._wrong_attempts -= 1
                if self._wrong_attempts <= 0:
                    return Outcome(Ending.FINGER_NOT_MATCHED, tries_left=error.tries_left,
                                   value=self.situation)
            self._goto(FingerStep.NOT_RECOGNISED)
            return None
        if isinstance(error, BiometricBlockedError):
            self.finger_tries_left = 0
            return Outcome(Ending.FINGER_BLOCKED, value=self.situation)
        return self.outcome_for_error(error)

    def _finger_matched(self) -> None:
        raise NotImplementedError

    def _release(self) -> None:
        self._stop.set()  # a capture in progress gives up at its next poll
        super()._release()


class VerifyState(Enum):
    READY = auto()
    LOOKING = auto()


class FingerVerifyFlow(FingerFlow):
    """Is this the holder? The card matches a finger. Ends DONE on a match."""

    name = "verify-finger"

    def initial_state(self) -> Enum:
        return VerifyState.READY

    def handlers(self) -> dict[Enum, dict[type[Event], Handler]]:
        return {VerifyState.READY: {Start: self._look}, **self._finger_handlers()}

    def _look(self, _event: Event) -> None:
        self._card_job(VerifyState.LOOKING, survey, self._seen)

    def _seen(self, situation: CardSituation) -> None:
        refusal = self._choose_finger(situation)
        if refusal is not None:
            self._finish(refusal)
            return
        self._ask_finger()

    def _finger_matched(self) -> None:
        self._finish(Outcome(Ending.DONE, value=self.finger))
