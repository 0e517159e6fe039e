"""PIN status, change and unblock: every path, wrong PINs down to blocked, the policy."""

import pytest

from apdu.constants import PinRef, PinState
from apdu.errors import PinFormatProblem
from kiosk.flows.change_pin import ChangePinFlow, PinChangeState, UnblockPinFlow
from kiosk.flows.events import NewPinEntered, PinEntered, Start
from kiosk.flows.outcome import Ending
from kiosk.flows.pin_status import PinStatusFlow
from kiosk.flows.situation import Service
from kiosk.pin_policy import PolicyReason
from tests.conftest import KNOWN_PINS
from tests.kiosk.flows.conftest import Step
from tests.kiosk.flows.harness import check_every_path

NEW = "975310"
NEWER = "864297"


def change(runner, reader, ref=PinRef.PIN1, **kw):
    flow = ChangePinFlow(runner, reader.open, ref, **kw)
    flow.send(Start())
    return flow


def test_status_every_path_and_what_the_card_allows(card, reader, runner):
    check_every_path(lambda: PinStatusFlow(runner, reader.open), card.insert, reader,
                     [Step(Start())])
    card.insert()
    flow = PinStatusFlow(runner, reader.open)
    flow.send(Start())
    situation = flow.outcome.value
    assert situation.pin(PinRef.PIN1).tries_left == 3
    assert situation.pin(PinRef.PIN2).state is PinState.NOT_SET
    allowed = situation.allows()
    assert Service.CHANGE_PIN1 in allowed and Service.ACTIVATE_SIGNATURE in allowed
    assert Service.CHANGE_PIN2 not in allowed and Service.SIGN not in allowed
    assert Service.RESET_PIN1_BY_FINGER in allowed and Service.DELIVER not in allowed


def test_an_undelivered_card_offers_delivery_only(card, reader, runner):
    card.insert(delivered=False)
    flow = PinStatusFlow(runner, reader.open)
    flow.send(Start())
    assert flow.outcome.value.allows() == {Service.READ, Service.PIN_STATUS, Service.DELIVER}


def test_change_every_path(card, reader, runner):
    steps = [Step(Start()), Step(PinEntered(KNOWN_PINS.pin1)), Step(NewPinEntered(NEW, NEW))]
    check_every_path(lambda: ChangePinFlow(runner, reader.open, PinRef.PIN1), card.insert,
                     reader, steps)


def test_change_then_the_new_pin_works(card, reader, runner):
    chip = card.insert()
    flow = change(runner, reader)
    assert flow.state is PinChangeState.ASKING_SECRET and flow.prompt.tries_left == 3
    flow.send(PinEntered("۲۴۶۸۱۰"))  # Persian digits are the same PIN
    assert flow.state is PinChangeState.ASKING_NEW_PIN
    flow.send(NewPinEntered(NEW, NEW))
    assert flow.outcome.ending is Ending.DONE
    assert not chip.session.verified  # the card forgot PIN1 when the flow ended
    flow = change(runner, reader)
    flow.send(PinEntered(NEW))
    assert flow.state is PinChangeState.ASKING_NEW_PIN


def test_wrong_pins_down_to_blocked_then_unblock(card, reader, runner):
    card.insert()
    flow = change(runner, reader)
    for left in (2, 1):
        flow.send(PinEntered("111222"))
        flow.send(NewPinEntered(NEW, NEW))
        assert flow.state is PinChangeState.ASKING_SECRET
        assert flow.prompt.last_wrong and flow.prompt.tries_left == left
    flow.send(PinEntered("111222"))
    flow.send(NewPinEntered(NEW, NEW))
    assert flow.outcome.ending is Ending.SECRET_BLOCKED and flow.outcome.ref is PinRef.PIN1
    again = change(runner, reader)
    assert again.outcome.ending is Ending.SECRET_BLOCKED  # said before anything is asked
    unblock = UnblockPinFlow(runner, reader.open, PinRef.PIN1)
    unblock.send(Start())
    assert unblock.prompt.ref is PinRef.PUK and unblock.prompt.tries_left == 10
    unblock.send(PinEntered(KNOWN_PINS.puk))
    unblock.send(NewPinEntered(NEW, NEW))
    assert unblock.outcome.ending is Ending.DONE
    assert change(runner, reader).prompt.tries_left == 3
    assert change(runner, reader).state is PinChangeState.ASKING_SECRET


def test_a_face_may_allow_one_attempt_only(card, reader, runner):
    card.insert()
    flow = change(runner, reader, wrong_attempts=1)
    flow.send(PinEntered("111222"))
    flow.send(NewPinEntered(NEW, NEW))
    assert flow.outcome.ending is Ending.WRONG_SECRET and flow.outcome.tries_left == 2


def test_a_malformed_pin_never_spends_a_try(card, reader, runner):
    card.insert()
    flow = change(runner, reader)
    for typed, problem in (("12ab56", PinFormatProblem.NOT_DIGITS),
                           ("12", PinFormatProblem.LENGTH)):
        flow.send(PinEntered(typed))
        assert flow.state is PinChangeState.ASKING_SECRET
        assert flow.prompt.problem is problem and flow.prompt.tries_left == 3


@pytest.mark.parametrize("new, again, reason", [
    ("123456", "123456", PolicyReason.SEQUENCE),
    ("975310", "975311", PolicyReason.MISMATCH),
    (KNOWN_PINS.pin1, KNOWN_PINS.pin1, PolicyReason.UNCHANGED),
    ("5555", "5555", PolicyReason.ONE_DIGIT),
])
def test_the_policy_asks_again_then_gives_up(card, reader, runner, new, again, reason):
    chip = card.insert()
    flow = change(runner, reader)
    flow.send(PinEntered(KNOWN_PINS.pin1))
    for left in (2, 1):
        flow.send(NewPinEntered(new, again))
        assert flow.state is PinChangeState.ASKING_NEW_PIN
        assert flow.new_pin.problem is reason and flow.new_pin.attempts_left == left
    flow.send(NewPinEntered(new, again))
    assert flow.outcome.ending is Ending.POLICY_REFUSED and flow.outcome.detail is reason
    assert chip.image.counters["pin1.tries"] == 3  # the card never saw the current PIN


def test_pin2_before_activation(card, reader, runner):
    card.insert()
    for flow_type in (ChangePinFlow, UnblockPinFlow):
        flow = flow_type(runner, reader.open, PinRef.PIN2)
        flow.send(Start())
        assert flow.outcome.ending is Ending.PIN_NOT_SET and flow.outcome.ref is PinRef.PIN2


def test_unblock_every_path(card, reader, runner):
    steps = [Step(Start()), Step(PinEntered(KNOWN_PINS.puk)), Step(NewPinEntered(NEW, NEW))]
    check_every_path(lambda: UnblockPinFlow(runner, reader.open, PinRef.PIN1), card.insert,
                     reader, steps)


def test_puk_down_to_used_up(card, reader, runner):
    card.insert()
    flow = UnblockPinFlow(runner, reader.open, PinRef.PIN1)
    flow.send(Start())
    for left in range(9, 0, -1):
        flow.send(PinEntered("00000000"))
        flow.send(NewPinEntered(NEW, NEW))
        assert flow.prompt.tries_left == left
    flow.send(PinEntered("00000000"))
    flow.send(NewPinEntered(NEW, NEW))
    assert flow.outcome.ending is Ending.PIN_SERVICES_GONE and flow.outcome.ref is PinRef.PUK
    for flow_type in (ChangePinFlow, UnblockPinFlow):
        after = flow_type(runner, reader.open, PinRef.PIN1)
        after.send(Start())
        assert after.outcome.ending is Ending.PIN_SERVICES_GONE
    status = PinStatusFlow(runner, reader.open)
    status.send(Start())
    assert not {Service.CHANGE_PIN1, Service.UNBLOCK_PIN1} & status.outcome.value.allows()
