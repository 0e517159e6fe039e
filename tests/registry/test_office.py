"""The office steps on both databases: complete, decide, issue, ready, collect, deliver.

Every forbidden move of each step, and every deadline of the office steps at its
boundary (the appointment's day, the last day to collect), with the dates given.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator

import jdatetime
import pytest
from sqlalchemy import select

from registry.clock import SettableClock
from registry.documents import DocField, DocumentProblem, InvalidDocuments
from registry.errors import TransitionRefused
from registry.fees import FeeItem
from registry.fingers import FingerCapture, FingerPosition, SkipReason
from registry.lifecycle import Status
from registry.notify import NotificationKind
from registry.office_contract import Decision, RejectReason
from registry.office_refusals import OfficeRefusal, OfficeStepRefused
from registry.payments import SimulatedBank
from registry.photo import Photo, PhotoSource
from registry.refusals import NotFound
from registry.service import LocalRegistry
from registry.states import AppointmentState
from registry.storage.models import Application, AuditEntry, Card
from simulators.card import biometric as chip_biometric
from simulators.card.image import CardImage
from simulators.card_factory import SimulatedCardFactory
from simulators.issuer import IssuerPki
from simulators.sms import SimulatedSms
from tests.registry.helpers import MONDAY, office
from tests.registry.office_helpers import (
    MANAGER,
    OPERATOR,
    booked_on,
    completion,
    delivery,
    evidence,
    fingers,
)

D = jdatetime.date
NORMAL_FEE, LATE_FEE = 72_079, 144_158


@pytest.fixture
def sms() -> SimulatedSms:
    return SimulatedSms()


@pytest.fixture
def desk(db_url: str, bank: SimulatedBank, clock: SettableClock, issuer: IssuerPki,
         sms: SimulatedSms) -> Iterator[LocalRegistry]:
    """The registry as an office's operator uses it, with a card factory and an SMS sender."""
    service = LocalRegistry.open(db_url, bank, caller=OPERATOR, clock=clock,
                                 cards=SimulatedCardFactory(issuer), notifier=sms)
    yield service
    service.close()


def _through(desk: LocalRegistry, clock: SettableClock, until: Status, n: int = 1,
             appointment: D = MONDAY) -> tuple[int, int, str]:
    """An application moved up to ``until``; returns (application id, office id, code)."""
    application, app_id, office_id = booked_on(desk, n, appointment, office_code=f"T{n}")
    if until is Status.BOOKED:
        return app_id, office_id, application.national_code
    clock.set_day(appointment, 10)
    desk.complete_registration(completion(app_id, office_id, n))
    if until is Status.COMPLETED:
        return app_id, office_id, application.national_code
    desk.with_caller(MANAGER).decide(Decision(app_id, True))
    if until is Status.APPROVED:
        return app_id, office_id, application.national_code
    desk.issue_card(app_id)
    if until is Status.ISSUED:
        return app_id, office_id, application.national_code
    desk.card_arrived(app_id)
    return app_id, office_id, application.national_code


def test_from_the_appointment_to_the_hand_over(desk: LocalRegistry, clock: SettableClock,
                                               sms: SimulatedSms) -> None:
    application, app_id, office_id = booked_on(desk, 1, MONDAY)
    clock.set_day(MONDAY, 10)
    done = desk.complete_registration(completion(app_id, office_id))
    record = done.record
    assert record.status is Status.COMPLETED and record.photo_source is PhotoSource.SIMULATED_CAMERA
    assert len(record.captured) == 10 and record.skipped == ()
    assert (record.given_name, record.completed_by) == ("مریم", OPERATOR.actor)
    # the completion fee is the office tariff the booking payment already paid
    assert done.charge.amount_rial == 259_963 and done.charge.purpose == "booking"
    line, = done.charge.receipt.lines
    assert line.item is FeeItem.OFFICE_REGISTRATION
    assert (line.shares.office, line.shares.supply, line.shares.nix) == (235_143, 21_000, 3_820)
    assert desk.application(application).appointment.state is AppointmentState.ATTENDED

    approved = desk.with_caller(MANAGER).decide(Decision(app_id, True))
    assert approved.status is Status.APPROVED and approved.decided_by == MANAGER.actor

    issued = desk.issue_card(app_id)
    assert issued.record.status is Status.ISSUED
    assert issued.record.card_fingers == (FingerPosition.RIGHT_INDEX, FingerPosition.LEFT_INDEX)
    assert issued.record.issued_on == MONDAY and issued.record.collect_by == D(1406, 3, 9)
    image = CardImage.from_json(issued.card.card.decode("utf-8"))
    assert issued.card.card_serial == issued.record.card_serial
    letter = json.loads(issued.card.pin_letter)
    assert set(letter) == {"pin1", "puk"}
    assert "pin1" not in repr(issued) and "secrets" not in repr(issued)
    assert desk.application(application).card_serial == issued.card.card_serial

    ready = desk.card_arrived(app_id)
    assert ready.status is Status.READY_FOR_COLLECTION
    message, = sms.sent
    assert message.kind is NotificationKind.CARD_READY and message.collect_by == D(1406, 3, 9)
    assert message.mobile == "09120000001"

    ticket = desk.collection(office_id, application.national_code)
    assert (ticket.application_id, ticket.late, ticket.receipt.total) == (app_id, False,
                                                                          NORMAL_FEE)
    assert ticket.card_serial == issued.card.card_serial
    proof = evidence(application.national_code, ticket.card_serial)
    handed = desk.record_delivery(delivery(app_id, office_id, proof, NORMAL_FEE))
    assert handed.record.status is Status.DELIVERED and handed.record.late_collection is False
    assert handed.charge.amount_rial == NORMAL_FEE and handed.charge.method == "office-counter:pos"
    assert handed.charge.receipt.lines[0].item is FeeItem.OFFICE_DELIVERY
    again = desk.record_delivery(delivery(app_id, office_id, proof, NORMAL_FEE))
    assert again.charge.payment_id == handed.charge.payment_id      # a retry, not a 2nd charge
    assert desk.application(application).status is Status.DELIVERED
    assert image.lifecycle.name == "PERSONALIZED"      # activated at delivery (the e2e test)

    with desk.database.read("audit") as session:
        entries = list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
    actions = [e.action for e in entries]
    for step in ("application.complete", "application.approve", "card.issue", "card.ready",
                 "card.deliver"):
        assert actions.count(step) == 1
    text = " ".join(e.details for e in entries)
    assert "pin" not in text and "template" not in text and "\\u" not in text


def test_the_card_carries_the_next_finger_when_an_index_is_skipped(
        desk: LocalRegistry, clock: SettableClock) -> None:
    application, app_id, office_id = booked_on(desk, 2, MONDAY)
    clock.set_day(MONDAY, 10)
    capture = fingers({FingerPosition.RIGHT_INDEX: SkipReason.INJURED,
                       FingerPosition.LEFT_THUMB: SkipReason.MISSING})
    record = desk.complete_registration(completion(app_id, office_id, 2, capture)).record
    assert dict(record.skipped) == {FingerPosition.RIGHT_INDEX: SkipReason.INJURED,
                                    FingerPosition.LEFT_THUMB: SkipReason.MISSING}
    desk.with_caller(MANAGER).decide(Decision(app_id, True))
    issued = desk.issue_card(app_id)
    assert issued.record.card_fingers == (FingerPosition.RIGHT_MIDDLE, FingerPosition.LEFT_INDEX)
    image = CardImage.from_json(issued.card.card.decode("utf-8"))
    assert [(i.reference, i.finger_position) for i in chip_biometric.info(image)] == [
        (0x91, FingerPosition.RIGHT_MIDDLE), (0x92, FingerPosition.LEFT_INDEX)]


def test_a_refusal_names_its_reason_and_cancels(desk: LocalRegistry,
                                                clock: SettableClock) -> None:
    app_id, _office, _code = _through(desk, clock, Status.COMPLETED)
    manager = desk.with_caller(MANAGER)
    with pytest.raises(OfficeStepRefused) as no_reason:
        manager.decide(Decision(app_id, False))
    assert no_reason.value.reason is OfficeRefusal.REASON_REQUIRED
    with pytest.raises(OfficeStepRefused) as reason_on_approval:
        manager.decide(Decision(app_id, True, RejectReason.PHOTO_UNSUITABLE))
    assert reason_on_approval.value.reason is OfficeRefusal.REASON_REQUIRED
    with pytest.raises(OfficeStepRefused) as own:
        desk.decide(Decision(app_id, True))
    assert own.value.reason is OfficeRefusal.SAME_OPERATOR
    refused = manager.decide(Decision(app_id, False, RejectReason.IDENTITY_MISMATCH))
    assert refused.status is Status.CANCELLED and refused.approved is False
    assert refused.reject_reason is RejectReason.IDENTITY_MISMATCH
    with pytest.raises(TransitionRefused):
        manager.decide(Decision(app_id, True))


def test_what_the_office_checks_is_refused_with_data(desk: LocalRegistry,
                                                     clock: SettableClock) -> None:
    application, app_id, office_id = booked_on(desk, 3, MONDAY)
    clock.set_day(MONDAY, 10)
    with pytest.raises(OfficeStepRefused) as photo:
        desk.complete_registration(dataclasses.replace(
            completion(app_id, office_id, 3), photo=Photo(b"GIF89a", PhotoSource.FILE)))
    assert (photo.value.reason, photo.value.detail) == (OfficeRefusal.PHOTO, "not-jpeg")
    with pytest.raises(OfficeStepRefused) as few:
        desk.complete_registration(completion(app_id, office_id, 3, fingers(
            {p: SkipReason.MISSING for p in FingerPosition if p > 1})))
    assert (few.value.reason, few.value.detail) == (OfficeRefusal.FINGERS, "too-few")
    with pytest.raises(OfficeStepRefused) as missing:
        desk.complete_registration(completion(app_id, office_id, 3, FingerCapture(
            {FingerPosition.RIGHT_INDEX: b"x" * 30})))
    assert missing.value.detail == "not-accounted"
    with pytest.raises(InvalidDocuments) as docs:
        desk.complete_registration(completion(app_id, office_id, 4, landline="12345",
                                              postal_code="12"))
    assert {(p.field, p.problem) for p in docs.value.problems} >= {
        (DocField.BIRTH_CERTIFICATE_SERIAL, DocumentProblem.SERIAL_MISMATCH),
        (DocField.LANDLINE, DocumentProblem.LANDLINE)}
    other = desk.add_office(office("T9", 3))
    with pytest.raises(OfficeStepRefused) as wrong:
        desk.complete_registration(completion(app_id, other.office_id, 3))
    assert wrong.value.reason is OfficeRefusal.WRONG_OFFICE
    assert desk.application(application).status is Status.BOOKED   # nothing was written


def test_completion_only_on_the_appointments_day(desk: LocalRegistry,
                                                 clock: SettableClock) -> None:
    application, app_id, office_id = booked_on(desk, 5, MONDAY)
    for day in (D(1405, 9, 8), D(1405, 9, 10)):          # the day before, the day after
        clock.set_day(day, 10)
        with pytest.raises(OfficeStepRefused) as not_today:
            desk.complete_registration(completion(app_id, office_id, 5))
        assert (not_today.value.reason, not_today.value.day) == (OfficeRefusal.NOT_TODAY, MONDAY)
    clock.set_day(MONDAY, 0, 0)                          # midnight, Tehran time
    assert desk.complete_registration(completion(app_id, office_id, 5)).record.status \
        is Status.COMPLETED


@pytest.mark.parametrize("at,step,expected", [
    (Status.BOOKED, "decide", (Status.BOOKED, Status.APPROVED)),
    (Status.BOOKED, "issue", (Status.BOOKED, Status.ISSUED)),
    (Status.BOOKED, "ready", (Status.BOOKED, Status.READY_FOR_COLLECTION)),
    (Status.BOOKED, "deliver", (Status.BOOKED, Status.DELIVERED)),
    (Status.COMPLETED, "complete", (Status.COMPLETED, Status.COMPLETED)),
    (Status.COMPLETED, "issue", (Status.COMPLETED, Status.ISSUED)),
    (Status.COMPLETED, "ready", (Status.COMPLETED, Status.READY_FOR_COLLECTION)),
    (Status.COMPLETED, "deliver", (Status.COMPLETED, Status.DELIVERED)),
    (Status.APPROVED, "complete", (Status.APPROVED, Status.COMPLETED)),
    (Status.APPROVED, "decide", (Status.APPROVED, Status.APPROVED)),
    (Status.APPROVED, "ready", (Status.APPROVED, Status.READY_FOR_COLLECTION)),
    (Status.APPROVED, "deliver", (Status.APPROVED, Status.DELIVERED)),
    (Status.ISSUED, "complete", (Status.ISSUED, Status.COMPLETED)),
    (Status.ISSUED, "decide", (Status.ISSUED, Status.APPROVED)),
    (Status.ISSUED, "issue", (Status.ISSUED, Status.ISSUED)),
    (Status.ISSUED, "deliver", (Status.ISSUED, Status.DELIVERED)),
    (Status.READY_FOR_COLLECTION, "complete", (Status.READY_FOR_COLLECTION, Status.COMPLETED)),
    (Status.READY_FOR_COLLECTION, "decide", (Status.READY_FOR_COLLECTION, Status.APPROVED)),
    (Status.READY_FOR_COLLECTION, "issue", (Status.READY_FOR_COLLECTION, Status.ISSUED)),
    (Status.READY_FOR_COLLECTION, "ready",
     (Status.READY_FOR_COLLECTION, Status.READY_FOR_COLLECTION)),
])
def test_every_forbidden_office_step_is_refused(desk: LocalRegistry, clock: SettableClock,
                                                at: Status, step: str,
                                                expected: tuple[Status, Status]) -> None:
    app_id, office_id, code = _through(desk, clock, at)
    manager = desk.with_caller(MANAGER)
    serial = (desk.office_record(app_id).card_serial if at is not Status.BOOKED
              else None) or "0A0000000"
    attempts = {
        "complete": lambda: desk.complete_registration(completion(app_id, office_id)),
        "decide": lambda: manager.decide(Decision(app_id, True)),
        "issue": lambda: desk.issue_card(app_id),
        "ready": lambda: desk.card_arrived(app_id),
        "deliver": lambda: desk.record_delivery(delivery(app_id, office_id,
                                                         evidence(code, serial),
                                                         NORMAL_FEE)),
    }
    with pytest.raises(TransitionRefused) as refused:
        attempts[step]()
    assert (refused.value.from_status, refused.value.to_status) == expected
    with desk.database.read("status") as session:
        assert session.get(Application, app_id).status == at.value   # nothing moved


def test_an_issued_card_waits_six_months_then_only_the_higher_fee_collects_it(
        desk: LocalRegistry, clock: SettableClock) -> None:
    clock.set_day(D(1405, 6, 20), 9)
    app_id, office_id, code = _through(desk, clock, Status.APPROVED, n=6,
                                       appointment=D(1405, 6, 24))
    clock.set_day(D(1405, 6, 31), 11)            # issued on the 31st of a 31-day month ...
    issued = desk.issue_card(app_id)
    assert issued.record.collect_by == D(1405, 12, 29)   # ... collect by Esfand 29 (not leap)
    desk.card_arrived(app_id)
    serial = issued.card.card_serial
    proof = evidence(code, serial)

    clock.set_day(D(1405, 12, 29), 23, 59)       # the last minute of the last day
    assert desk.void_uncollected() == []
    ticket = desk.collection(office_id, code)
    assert (ticket.late, ticket.receipt.total) == (False, NORMAL_FEE)
    assert desk.office_record(app_id).status is Status.READY_FOR_COLLECTION

    clock.set_day(D(1406, 1, 1), 0, 1)           # the first minute of the next day
    assert desk.office_record(app_id).status is Status.VOIDED     # read: void, nothing written
    with desk.database.read("status") as session:
        assert session.get(Application, app_id).status == Status.READY_FOR_COLLECTION.value
    ticket = desk.collection(office_id, code)
    assert ticket.late and ticket.receipt.total == LATE_FEE
    assert [line.item for line in ticket.receipt.lines] == [FeeItem.OFFICE_DELIVERY,
                                                            FeeItem.LATE_COLLECTION]
    with pytest.raises(OfficeStepRefused) as voided:
        desk.record_delivery(delivery(app_id, office_id, proof, NORMAL_FEE))
    assert voided.value.reason is OfficeRefusal.LATE_FEE_DUE
    assert voided.value.receipt is not None and voided.value.receipt.total == LATE_FEE
    with pytest.raises(OfficeStepRefused) as odd:
        desk.record_delivery(delivery(app_id, office_id, proof, 1))
    assert odd.value.reason is OfficeRefusal.FEE_MISMATCH
    assert desk.void_uncollected() == [app_id]                    # the sweep persists it
    assert desk.void_uncollected() == []
    late = desk.record_delivery(delivery(app_id, office_id, proof, LATE_FEE))
    assert late.record.status is Status.DELIVERED and late.record.late_collection
    assert late.charge.amount_rial == LATE_FEE


def test_a_card_never_made_ready_voids_too(desk: LocalRegistry, clock: SettableClock) -> None:
    clock.set_day(D(1405, 6, 20), 9)
    app_id, office_id, code = _through(desk, clock, Status.APPROVED, n=7,
                                       appointment=D(1405, 6, 24))
    clock.set_day(D(1405, 6, 31), 11)
    desk.issue_card(app_id)
    clock.set_day(D(1406, 1, 1), 9)
    with pytest.raises(TransitionRefused) as refused:
        desk.card_arrived(app_id)
    assert refused.value.from_status is Status.VOIDED
    assert desk.void_uncollected() == [app_id]


def test_nothing_is_recorded_from_a_card_that_did_not_read_genuine_or_is_not_theirs(
        desk: LocalRegistry, clock: SettableClock) -> None:
    app_id, office_id, code = _through(desk, clock, Status.READY_FOR_COLLECTION, n=8)
    serial = desk.office_record(app_id).card_serial
    assert serial is not None
    for proof, reason in ((evidence(code, serial, genuine=False), OfficeRefusal.NOT_GENUINE),
                          (evidence(code, "9Z9999999"), OfficeRefusal.WRONG_CARD),
                          (evidence("0010350829", serial), OfficeRefusal.WRONG_CARD)):
        with pytest.raises(OfficeStepRefused) as refused:
            desk.record_delivery(delivery(app_id, office_id, proof, NORMAL_FEE))
        assert refused.value.reason is reason
    other = desk.add_office(office("T99", 3))
    with pytest.raises(OfficeStepRefused) as wrong_office:
        desk.record_delivery(delivery(app_id, other.office_id, evidence(code, serial),
                                      NORMAL_FEE))
    assert wrong_office.value.reason is OfficeRefusal.WRONG_OFFICE
    with pytest.raises(OfficeStepRefused):
        desk.collection(other.office_id, code)
    with desk.database.read("cards") as session:
        card = session.scalars(select(Card)).one()
        assert card.delivered_at is None and card.delivery_payment_id is None
    assert desk.office_record(app_id).status is Status.READY_FOR_COLLECTION


def test_the_sms_waits_in_the_outbox_while_the_sender_is_down(
        desk: LocalRegistry, clock: SettableClock, sms: SimulatedSms) -> None:
    sms.down = True
    app_id, _office, _code = _through(desk, clock, Status.READY_FOR_COLLECTION, n=9)
    assert sms.sent == [] and desk.office_record(app_id).status is Status.READY_FOR_COLLECTION
    assert desk.send_notifications() == 0
    sms.down = False
    assert desk.send_notifications() == 1 and len(sms.sent) == 1
    assert desk.send_notifications() == 0


def test_issue_needs_a_factory_and_unknown_records_are_not_found(
        registry: LocalRegistry, clock: SettableClock) -> None:
    with pytest.raises(OfficeStepRefused) as none:
        registry.issue_card(1)
    assert none.value.reason is OfficeRefusal.NO_CARD_PRODUCER
    with pytest.raises(NotFound):
        registry.office_record(12345)
    with pytest.raises(NotFound):
        registry.collection(1, "0010350829")


def _all_steps(desk: LocalRegistry, app_id: int, office_id: int, code: str,
               serial: str) -> dict[str, object]:
    manager = desk.with_caller(MANAGER)
    return {
        "complete": lambda: desk.complete_registration(completion(app_id, office_id)),
        "decide": lambda: manager.decide(Decision(app_id, True)),
        "issue": lambda: desk.issue_card(app_id),
        "ready": lambda: desk.card_arrived(app_id),
        "deliver": lambda: desk.record_delivery(delivery(app_id, office_id,
                                                         evidence(code, serial), NORMAL_FEE)),
    }


def test_a_refused_registration_takes_no_office_step(desk: LocalRegistry,
                                                     clock: SettableClock) -> None:
    app_id, office_id, code = _through(desk, clock, Status.COMPLETED, n=11)
    desk.with_caller(MANAGER).decide(Decision(app_id, False, RejectReason.PHOTO_UNSUITABLE))
    for step, attempt in _all_steps(desk, app_id, office_id, code, "0A0000000").items():
        with pytest.raises(TransitionRefused) as refused:
            attempt()  # type: ignore[operator]
        assert refused.value.from_status is Status.CANCELLED, step


def test_a_delivered_card_takes_no_other_office_step(desk: LocalRegistry,
                                                     clock: SettableClock) -> None:
    app_id, office_id, code = _through(desk, clock, Status.READY_FOR_COLLECTION, n=12)
    serial = desk.office_record(app_id).card_serial
    assert serial is not None
    steps = _all_steps(desk, app_id, office_id, code, serial)
    first = steps.pop("deliver")()  # type: ignore[operator]
    for step, attempt in steps.items():
        with pytest.raises(TransitionRefused) as refused:
            attempt()  # type: ignore[operator]
        assert refused.value.from_status is Status.DELIVERED, step
    assert desk.record_delivery(delivery(app_id, office_id, evidence(code, serial),
                                         NORMAL_FEE)) == first      # the same record again
