"""Finger verify, "forgot my PIN" by finger, and delivery at the office, with the pty sensor."""

import threading
import time

import pytest

from apdu.biometric_profile import BIO_MAX_TRIES
from apdu.constants import PinRef
from apdu.profile import Lifecycle
from biometric.capture import CaptureStep
from kiosk.flows.deliver import DeliverCardFlow, DeliverState, Expected
from kiosk.flows.events import Cancel, NewPinEntered, Retry, Start
from kiosk.flows.finger import FingerStep, FingerVerifyFlow, SensorFingers
from kiosk.flows.forgot_pin import ForgotPinFlow, ForgotState
from kiosk.flows.outcome import Ending
from kiosk.flows.runner import QueueLoop, ThreadRunner
from simulators.forgery import Forgery, forge
from tests.kiosk.flows.conftest import HOLDER, STRANGER, Step
from tests.kiosk.flows.harness import check_every_path

pytestmark = pytest.mark.slow  # each touch is extracted for real (about 0.1 s)
NEW = "975310"


def test_verify_every_path(card, reader, runner, fingers, place):
    steps = [Step(Start(), before=lambda: place(HOLDER, 2, 3))]
    check_every_path(lambda: FingerVerifyFlow(runner, reader.open, fingers), card.insert,
                     reader, steps)


def test_strangers_spend_tries_down_to_blocked(card, reader, runner, fingers, place):
    card.insert()
    steps: list = []
    flow = FingerVerifyFlow(runner, reader.open, fingers, on_change=lambda f: steps.append(
        getattr(f, "capture_step", None)))
    place(STRANGER, 2, 1)
    flow.send(Start())
    assert CaptureStep.GOT_IT in steps
    for left in range(BIO_MAX_TRIES - 1, 0, -1):
        assert flow.state is FingerStep.NOT_RECOGNISED and flow.finger_tries_left == left
        place(STRANGER, 2, 10 - left)
        flow.send(Retry())
    assert flow.outcome.ending is Ending.FINGER_BLOCKED
    again = FingerVerifyFlow(runner, reader.open, fingers)
    again.send(Start())
    assert again.outcome.ending is Ending.FINGER_BLOCKED  # before any touch


def test_the_other_enrolled_finger_and_a_finger_not_enrolled(card, reader, runner, fingers,
                                                             place):
    card.insert()
    place(HOLDER, 7, 2)
    flow = FingerVerifyFlow(runner, reader.open, fingers, finger=0x92)
    flow.send(Start())
    assert flow.outcome.ending is Ending.DONE
    flow = FingerVerifyFlow(runner, reader.open, fingers, finger=0x99)
    flow.send(Start())
    assert flow.outcome.ending is Ending.FINGER_NOT_ENROLLED


def test_poor_touches_and_no_finger_never_reach_the_card(card, reader, runner, sensor):
    card.insert()
    quick = SensorFingers(sensor.port_path, timeout=0.5)
    for touch, ending in ((sensor.poor, Ending.NO_USABLE_TOUCH), (sensor.lift, Ending.NO_FINGER)):
        touch()
        flow = FingerVerifyFlow(runner, reader.open, quick)
        flow.send(Start())
        assert flow.outcome.ending is ending
    check = FingerVerifyFlow(runner, reader.open, quick)
    check.send(Start())
    assert check.situation.finger().tries_left == BIO_MAX_TRIES


def test_a_sensor_that_is_not_there(card, reader, runner, tmp_path):
    card.insert()
    flow = FingerVerifyFlow(runner, reader.open, SensorFingers(str(tmp_path / "ttyNone")))
    flow.send(Start())
    assert flow.outcome.ending is Ending.SENSOR_ERROR


def test_forgot_pin_every_path(card, reader, runner, fingers, place):
    steps = [Step(Start(), before=lambda: place(HOLDER, 2, 4)), Step(NewPinEntered(NEW, NEW))]
    check_every_path(lambda: ForgotPinFlow(runner, reader.open, fingers, PinRef.PIN1),
                     card.insert, reader, steps)


def test_forgot_pin_sets_the_new_pin(card, reader, runner, fingers, place):
    card.insert()
    place(HOLDER, 2, 5)
    flow = ForgotPinFlow(runner, reader.open, fingers, PinRef.PIN1)
    flow.send(Start())
    assert flow.state is ForgotState.ASKING_NEW_PIN
    flow.send(NewPinEntered(NEW, NEW))
    assert flow.outcome.ending is Ending.DONE
    card_now = reader.open()
    card_now.verify_pin(PinRef.PIN1, NEW)
    card_now.close()


def test_forgot_pin2_before_activation(card, reader, runner, fingers):
    card.insert()
    flow = ForgotPinFlow(runner, reader.open, fingers, PinRef.PIN2)
    flow.send(Start())
    assert flow.outcome.ending is Ending.PIN_NOT_SET


def test_deliver_every_path(card, reader, runner, fingers, place, anchors):
    steps = [Step(Start(), before=lambda: place(HOLDER, 2, 6)), Step(NewPinEntered(NEW, NEW))]
    check_every_path(lambda: DeliverCardFlow(runner, reader.open, fingers, anchors),
                     lambda: card.insert(delivered=False), reader, steps)


def test_deliver_activates_and_sets_pin1(card, reader, runner, fingers, place, anchors):
    chip = card.insert(delivered=False)
    place(HOLDER, 2, 7)
    flow = DeliverCardFlow(runner, reader.open, fingers, anchors)
    flow.send(Start())
    assert flow.state is DeliverState.ASKING_NEW_PIN
    assert chip.image.lifecycle is Lifecycle.ACTIVE
    flow.send(NewPinEntered(NEW, NEW))
    assert flow.outcome.ending is Ending.DONE
    assert flow.outcome.value.reading.authenticity.genuine
    again = DeliverCardFlow(runner, reader.open, fingers, anchors)
    again.send(Start())
    assert again.outcome.ending is Ending.ALREADY_DELIVERED


def test_deliver_refuses_a_forged_or_another_card(cards, card, reader, runner, fingers, anchors):
    from simulators.card import CardStore, SimulatedChip

    reader.insert(SimulatedChip(CardStore(forge(cards.image(HOLDER), Forgery.CLONED_CHIP,
                                                cards.issuer))))
    flow = DeliverCardFlow(runner, reader.open, fingers, anchors)
    flow.send(Start())
    assert flow.outcome.ending is Ending.NOT_GENUINE
    chip = card.insert(delivered=False)
    flow = DeliverCardFlow(runner, reader.open, fingers, anchors,
                           expected=Expected(national_code="0499370899"))
    flow.send(Start())
    assert flow.outcome.ending is Ending.WRONG_CARD
    assert chip.image.lifecycle is Lifecycle.PERSONALIZED


def test_deliver_a_stranger_never_activates(card, reader, runner, fingers, place, anchors):
    chip = card.insert(delivered=False)
    place(STRANGER, 2, 1)
    flow = DeliverCardFlow(runner, reader.open, fingers, anchors, wrong_attempts=1)
    flow.send(Start())
    assert flow.outcome.ending is Ending.FINGER_NOT_MATCHED
    assert chip.image.lifecycle is Lifecycle.PERSONALIZED


def test_on_a_worker_thread_cancel_stops_a_waiting_capture(card, reader, fingers, sensor):
    card.insert()
    sensor.lift()
    loop = QueueLoop()
    runner = ThreadRunner(loop.post)
    flow = FingerVerifyFlow(runner, reader.open, fingers)
    flow.send(Start())
    deadline = time.monotonic() + 5
    while flow.state is not FingerStep.CAPTURING and time.monotonic() < deadline:
        loop.pump(0.05)
    assert flow.busy
    started = time.monotonic()
    flow.send(Cancel())
    assert flow.outcome.ending is Ending.CANCELLED  # at once, while the worker still waits
    finished = threading.Event()
    runner.submit(lambda: None, lambda _r: finished.set())
    while not finished.is_set() and time.monotonic() - started < 3:
        loop.pump(0.05)
    assert finished.is_set()  # the capture gave up and the card was closed after it
    assert time.monotonic() - started < 1.5
    runner.close()
