"""Ten fingers at the office, through the pty sensor, on a worker thread as a face runs it."""

import time

import pytest

from apdu.biometric_profile import FingerPosition
from biometric.capture import CaptureStep
from biometric.matcher import match as match_score
from kiosk.flows.base import EventRefused
from kiosk.flows.enrol_fingers import TEN_FINGERS, EnrolFingersFlow, EnrolState
from kiosk.flows.events import Cancel, Retry, SkipFinger, Start
from kiosk.flows.finger import SensorFingers
from kiosk.flows.outcome import Ending
from kiosk.flows.runner import QueueLoop, ThreadRunner
from simulators.enrolment import touch
from simulators.sensor import ProvidedImage
from tests.kiosk.flows.conftest import HOLDER

pytestmark = pytest.mark.slow


class Applicant:
    """Puts the asked finger on the glass and lifts it when told, as a person would."""

    def __init__(self, sensor, persona=HOLDER, injured=(), poor=()):
        self.sensor, self.persona = sensor, persona
        self.injured, self.poor = set(injured), set(poor)
        self.seen: list[tuple[FingerPosition, CaptureStep | None]] = []

    def __call__(self, flow):
        if flow.finished or flow.state is not EnrolState.CAPTURING:
            return
        self.seen.append((flow.finger, flow.capture_step))
        if flow.capture_step is CaptureStep.LIFT_AND_PLACE:
            self.sensor.lift()
        elif flow.capture_step is CaptureStep.PLACE_FINGER:
            if flow.finger in self.injured:
                self.sensor.lift()
            elif flow.finger in self.poor:
                self.sensor.poor()
            else:
                self.sensor.place(ProvidedImage(touch, self.persona, int(flow.finger), 0))


def run_until(loop, flow, done, timeout=60.0):
    deadline = time.monotonic() + timeout
    while not done(flow) and time.monotonic() < deadline:
        loop.pump(0.05)
    assert done(flow), (flow.state, flow.outcome)


def test_ten_fingers_each_its_own(sensor):
    sensor.lift()
    loop = QueueLoop()
    runner = ThreadRunner(loop.post)
    applicant = Applicant(sensor)
    flow = EnrolFingersFlow(runner, SensorFingers(sensor.port_path, timeout=5),
                            on_change=applicant)
    flow.send(Start())
    run_until(loop, flow, lambda f: f.finished)
    runner.close()
    assert flow.outcome.ending is Ending.DONE
    enrolled = flow.outcome.value
    assert set(enrolled.templates) == set(TEN_FINGERS) and not enrolled.skipped
    assert "\\x" not in repr(enrolled)  # no template bytes in a log line
    right, left = enrolled.templates[FingerPosition.RIGHT_INDEX], \
        enrolled.templates[FingerPosition.LEFT_INDEX]
    assert match_score(right, right) > match_score(right, left)  # two different fingers
    asked = [finger for finger, step in applicant.seen if step is CaptureStep.LIFT_AND_PLACE]
    assert asked == list(TEN_FINGERS[1:])  # the glass was cleared before each next finger


def test_an_injured_finger_is_skipped_and_a_poor_one_retried(sensor):
    sensor.lift()
    loop = QueueLoop()
    runner = ThreadRunner(loop.post)
    applicant = Applicant(sensor, injured={FingerPosition.LEFT_THUMB},
                          poor={FingerPosition.RIGHT_RING})
    positions = (FingerPosition.RIGHT_INDEX, FingerPosition.RIGHT_RING,
                 FingerPosition.LEFT_THUMB, FingerPosition.LEFT_INDEX)
    flow = EnrolFingersFlow(runner, SensorFingers(sensor.port_path, timeout=1),
                            positions=positions, on_change=applicant)
    flow.send(Start())
    run_until(loop, flow, lambda f: f.state is EnrolState.FINGER_FAILED)
    assert flow.finger is FingerPosition.RIGHT_RING
    assert flow.last_failure.ending is Ending.NO_USABLE_TOUCH
    with pytest.raises(EventRefused):
        flow.send(Start())
    applicant.poor.clear()
    flow.send(Retry())
    run_until(loop, flow, lambda f: f.state is EnrolState.FINGER_FAILED)
    assert flow.finger is FingerPosition.LEFT_THUMB
    assert flow.last_failure.ending is Ending.NO_FINGER
    flow.send(SkipFinger())
    run_until(loop, flow, lambda f: f.finished)
    runner.close()
    enrolled = flow.outcome.value
    assert enrolled.skipped == {FingerPosition.LEFT_THUMB}
    assert set(enrolled.templates) == set(positions) - {FingerPosition.LEFT_THUMB}


def test_cancel_while_waiting_for_a_finger(sensor):
    sensor.lift()
    loop = QueueLoop()
    runner = ThreadRunner(loop.post)
    flow = EnrolFingersFlow(runner, SensorFingers(sensor.port_path, timeout=10))
    flow.send(Start())
    run_until(loop, flow, lambda f: f.state is EnrolState.CAPTURING)
    flow.send(Cancel())
    assert flow.outcome.ending is Ending.CANCELLED
    runner.close(timeout=3)
