"""The simulated bank on its own, and payments through the service on both databases."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from registry import appointments
from registry.clock import SettableClock
from registry.contract import Caller, HoldRequest, PaymentRequest
from registry.lifecycle import Status
from registry.payments import Behaviour, GatewayOutcome, GatewayStatus, SimulatedBank
from registry.refusals import GatewayUnavailable, IdempotencyConflict, NotFound
from registry.service import LocalRegistry
from registry.states import AppointmentState, Disposition, PaymentPurpose, PaymentState
from registry.storage.errors import RegistryBusy
from tests.registry.helpers import MONDAY, START, new_application, office, ref, registered

MINUTE = dt.timedelta(minutes=1)


@pytest.fixture
def sim() -> tuple[SimulatedBank, SettableClock]:
    clock = SettableClock(START)
    return SimulatedBank(clock, timeout=15 * MINUTE), clock


def test_the_simulator_says_so_in_every_reference(sim: tuple[SimulatedBank, SettableClock]) -> None:
    bank, _ = sim
    assert "SIMULATOR" in (SimulatedBank.__doc__ or "")
    assert "simulated" in bank.name
    reference = bank.start(600_000, "key-00000001")
    status = bank.status(reference)
    assert reference.startswith("SIMBANK-")
    assert status.outcome is GatewayOutcome.SUCCEEDED
    assert status.bank_reference and status.bank_reference.startswith("SIMBANK-")


def test_each_behaviour(sim: tuple[SimulatedBank, SettableClock]) -> None:
    bank, clock = sim
    bank.script(Behaviour.DECLINE).script(Behaviour.TIME_OUT)
    bank.script(Behaviour.PAY_LATE, delay=12 * MINUTE)
    declined = bank.start(1_000, "key-decline")
    timed = bank.start(1_000, "key-timeout")
    late = bank.start(1_000, "key-late")
    assert bank.status(declined).outcome is GatewayOutcome.DECLINED
    assert bank.status(timed).outcome is GatewayOutcome.PENDING
    assert bank.status(late).outcome is GatewayOutcome.PENDING
    clock.advance(12 * MINUTE)
    assert bank.status(late).outcome is GatewayOutcome.SUCCEEDED
    assert bank.status(timed).outcome is GatewayOutcome.PENDING
    clock.advance(3 * MINUTE)
    assert bank.status(timed).outcome is GatewayOutcome.TIMED_OUT
    assert [bank.charges(k) for k in ("key-decline", "key-timeout", "key-late")] == [0, 0, 1]
    bank.script(Behaviour.UNREACHABLE)
    with pytest.raises(GatewayUnavailable):
        bank.start(1_000, "key-unreachable")
    assert bank.status(bank.start(1_000, "key-unreachable")).outcome is GatewayOutcome.SUCCEEDED
    with pytest.raises(NotFound):
        bank.status("SIMBANK-nonexistent")


def test_same_key_same_payment_one_charge(sim: tuple[SimulatedBank, SettableClock]) -> None:
    bank, _ = sim
    first = bank.start(600_000, "key-retry-01")
    assert bank.start(600_000, "key-retry-01") == first
    assert bank.charges("key-retry-01") == 1
    with pytest.raises(IdempotencyConflict):
        bank.start(700_000, "key-retry-01")


def test_callbacks_are_pushed_once_and_retried_until_acknowledged(
        sim: tuple[SimulatedBank, SettableClock]) -> None:
    bank, clock = sim
    heard: list[str] = []
    refuse = [True]

    def subscriber(status: GatewayStatus) -> None:
        if refuse[0]:
            raise RuntimeError("not now")
        heard.append(status.reference)

    bank.subscribe(subscriber)
    bank.script(Behaviour.PAY_LATE, delay=5 * MINUTE)
    late = bank.start(1_000, "key-cb-0001")
    assert bank.deliver_due() == []                      # pending: nothing to push
    clock.advance(5 * MINUTE)
    assert bank.deliver_due() == []                      # pushed, not acknowledged
    refuse[0] = False
    assert [s.reference for s in bank.deliver_due()] == [late]
    assert bank.deliver_due() == []
    assert heard == [late]


# --- through the service ---------------------------------------------------------------------


def test_a_retried_start_never_charges_twice(registry: LocalRegistry,
                                             bank: SimulatedBank) -> None:
    code = ref(1, registry.register(new_application(1)).tracking_code)
    request = PaymentRequest(code, PaymentPurpose.REGISTRATION, "reg-retry-0001")
    first = registry.start_payment(request)
    again = registry.start_payment(request)
    assert first.reference == again.reference
    assert bank.starts == 1                               # the retry did not reach the bank
    assert registry.observe_payment(request.idempotency_key).disposition is Disposition.APPLIED
    assert registry.start_payment(request).state is PaymentState.SUCCEEDED
    assert bank.charges(request.idempotency_key) == 1


def test_an_unreachable_gateway_then_a_retry_with_the_same_key(registry: LocalRegistry,
                                                               bank: SimulatedBank) -> None:
    code = ref(2, registry.register(new_application(2)).tracking_code)
    request = PaymentRequest(code, PaymentPurpose.REGISTRATION, "reg-unreach-02")
    bank.script(Behaviour.UNREACHABLE)
    with pytest.raises(GatewayUnavailable):
        registry.start_payment(request)
    pending = registry.observe_payment(request.idempotency_key)
    assert pending.state is PaymentState.STARTED and pending.reference is None
    started = registry.start_payment(request)
    assert started.reference is not None
    assert registry.observe_payment(request.idempotency_key).disposition is Disposition.APPLIED
    assert bank.charges(request.idempotency_key) == 1


def test_the_callback_settles_and_duplicates_change_nothing(registry: LocalRegistry,
                                                            bank: SimulatedBank,
                                                            clock: SettableClock) -> None:
    code = ref(3, registry.register(new_application(3)).tracking_code)
    bank.script(Behaviour.PAY_LATE, delay=2 * MINUTE)
    started = registry.start_payment(PaymentRequest(code, PaymentPurpose.REGISTRATION,
                                                    "reg-callback-3"))
    assert started.reference
    assert registry.observe_payment("reg-callback-3").state is PaymentState.STARTED
    clock.advance(2 * MINUTE)
    assert len(bank.deliver_due()) == 1                   # the bank calls back
    assert registry.application(code).status is Status.REGISTERED
    settled = registry.observe_payment("reg-callback-3")
    bank.redeliver(started.reference)                     # the bank calls back again
    assert registry.payment_notice(started.reference) == settled
    assert settled.disposition is Disposition.APPLIED


def test_a_timed_out_payment_takes_nothing_and_gives_nothing(registry: LocalRegistry,
                                                             bank: SimulatedBank,
                                                             clock: SettableClock) -> None:
    code = ref(4, registry.register(new_application(4)).tracking_code)
    bank.script(Behaviour.TIME_OUT)
    registry.start_payment(PaymentRequest(code, PaymentPurpose.REGISTRATION, "reg-timeout-4"))
    clock.advance(16 * MINUTE)
    result = registry.observe_payment("reg-timeout-4")
    assert result.state is PaymentState.TIMED_OUT and result.disposition is None
    assert registry.application(code).status is Status.AWAITING_PAYMENT


def test_the_fee_paid_twice_is_marked_for_refund(registry: LocalRegistry,
                                                 bank: SimulatedBank,
                                                 clock: SettableClock) -> None:
    code = ref(5, registry.register(new_application(5)).tracking_code)
    bank.script(Behaviour.PAY_LATE, delay=5 * MINUTE, times=2)
    for key in ("reg-twice-5a", "reg-twice-5b"):            # two tabs, two payments
        registry.start_payment(PaymentRequest(code, PaymentPurpose.REGISTRATION, key))
    clock.advance(5 * MINUTE)
    outcomes = {registry.observe_payment(k).disposition for k in ("reg-twice-5a",
                                                                  "reg-twice-5b")}
    assert outcomes == {Disposition.APPLIED, Disposition.REFUND_DUE}


def test_a_late_payment_takes_a_free_place(registry: LocalRegistry, bank: SimulatedBank,
                                           clock: SettableClock) -> None:
    place = registry.add_office(office("L1", 2))
    code = registered(registry, 6)
    hold = registry.hold_slot(HoldRequest(code, place.office_id, MONDAY))
    bank.script(Behaviour.PAY_LATE, delay=25 * MINUTE)
    registry.start_payment(PaymentRequest(code, PaymentPurpose.BOOKING, "book-late-6"))
    clock.advance(25 * MINUTE)                               # the hold lapsed 15 minutes ago
    paid = registry.observe_payment("book-late-6")
    assert paid.disposition is Disposition.APPLIED
    assert paid.appointment and paid.appointment.state is AppointmentState.BOOKED
    assert paid.appointment.appointment_id == hold.appointment.appointment_id
    assert registry.application(code).status is Status.BOOKED


def test_a_late_payment_with_no_place_left_is_marked_for_refund(registry: LocalRegistry,
                                                                bank: SimulatedBank,
                                                                clock: SettableClock) -> None:
    place = registry.add_office(office("L2", 1))
    late, prompt = registered(registry, 7), registered(registry, 8)
    registry.hold_slot(HoldRequest(late, place.office_id, MONDAY))
    bank.script(Behaviour.PAY_LATE, delay=25 * MINUTE)
    registry.start_payment(PaymentRequest(late, PaymentPurpose.BOOKING, "book-late-7"))
    clock.advance(11 * MINUTE)                               # the hold lapsed: the place is free
    registry.hold_slot(HoldRequest(prompt, place.office_id, MONDAY))
    registry.start_payment(PaymentRequest(prompt, PaymentPurpose.BOOKING, "book-prompt-8"))
    assert registry.observe_payment("book-prompt-8").disposition is Disposition.APPLIED
    clock.advance(14 * MINUTE)
    paid = registry.observe_payment("book-late-7")
    assert paid.state is PaymentState.SUCCEEDED and paid.disposition is Disposition.REFUND_DUE
    view = registry.application(late)
    assert view.status is Status.REGISTERED          # may book again
    assert view.appointment and view.appointment.lapsed


def test_paying_a_released_hold_is_refunded_not_booked_twice(registry: LocalRegistry,
                                                             bank: SimulatedBank,
                                                             clock: SettableClock) -> None:
    a, b = registry.add_office(office("R1", 1)), registry.add_office(office("R2", 1))
    code = registered(registry, 9)
    registry.hold_slot(HoldRequest(code, a.office_id, MONDAY))
    bank.script(Behaviour.PAY_LATE, delay=3 * MINUTE)
    registry.start_payment(PaymentRequest(code, PaymentPurpose.BOOKING, "book-first-9"))
    registry.hold_slot(HoldRequest(code, b.office_id, MONDAY))       # changed their mind
    registry.start_payment(PaymentRequest(code, PaymentPurpose.BOOKING, "book-second-9"))
    assert registry.observe_payment("book-second-9").disposition is Disposition.APPLIED
    clock.advance(3 * MINUTE)
    assert registry.observe_payment("book-first-9").disposition is Disposition.REFUND_DUE
    assert registry.application(code).appointment.office_id == b.office_id  # type: ignore


def test_busy_is_typed_and_polling_needs_no_write_lock(registry: LocalRegistry,
                                                       bank: SimulatedBank, db_url: str,
                                                       clock: SettableClock) -> None:
    place = registry.add_office(office("W1", 3))
    code, other = registered(registry, 11), registered(registry, 12)
    registry.hold_slot(HoldRequest(code, place.office_id, MONDAY))
    bank.script(Behaviour.PAY_LATE, delay=MINUTE)
    registry.start_payment(PaymentRequest(code, PaymentPurpose.BOOKING, "book-busy-11"))
    impatient = LocalRegistry.open(db_url, bank, caller=Caller("kiosk:2", "2"), clock=clock,
                                   lock_timeout=0.3)
    held, release = threading.Event(), threading.Event()

    def occupy() -> None:                   # a long writer on the same office-day
        with registry.database.write("occupy") as tx:
            tx.lock(appointments.office_day_key(place.office_id, MONDAY.togregorian()))
            held.set()
            release.wait(10)

    thread = threading.Thread(target=occupy)
    thread.start()
    try:
        assert held.wait(5)
        assert impatient.observe_payment("book-busy-11").state is PaymentState.STARTED
        with pytest.raises(RegistryBusy):
            impatient.hold_slot(HoldRequest(other, place.office_id, MONDAY))
    finally:
        release.set()
        thread.join()
        impatient.close()
    clock.advance(MINUTE)
    assert registry.observe_payment("book-busy-11").disposition is Disposition.APPLIED
