"""The office steps on the database: complete, decide, issue, ready, deliver, void.

Each function runs inside the caller's write transaction with the application's lock
held, moves the status through :func:`registry.applications.move` (the lifecycle
decides) and leaves the audit entry to the service. Void is a pure function of the
clock: :func:`effective_status` says VOIDED for an uncollected card past its collection
day whatever the row says, so reads never write; :func:`void_due` persists it (the
sweep, and the first step of a late delivery).
"""

from __future__ import annotations

import datetime as dt

import jdatetime
from sqlalchemy import select
from sqlalchemy.orm import Session

from citizen.identity import Address, Gender, Identity
from citizen.jalali import format_jalali, parse_jalali
from registry import applications, appointments
from registry.cards import CardOrder, CardProducer, ProducedCard, expiry_for, new_card_serial
from registry.clock import iran_date
from registry.documents import Documents, checked_documents
from registry.fees import Receipt
from registry.fingers import FingerPosition, SkipReason, card_fingers, finger_problem
from registry.lifecycle import Status, check_transition, is_void_due, last_collection_day
from registry.notify import NotificationKind
from registry.office_contract import (
    CardEvidence,
    Charge,
    Completion,
    Decision,
    DeliveryRecord,
    OfficeRecord,
    RejectReason,
)
from registry.office_refusals import OfficeRefusal, OfficeStepRefused
from registry.photo import PhotoSource, photo_problem
from registry.receipt_codec import receipt_from_json, receipt_to_json
from registry.refusals import NotFound
from registry.states import AppointmentState, Disposition, PaymentPurpose, PaymentState
from registry.storage.models import (
    Application,
    Appointment,
    Card,
    EnrolledFinger,
    Enrolment,
    Notification,
    Office,
    Payment,
)

COUNTER = "office-counter"
UNCOLLECTED = (Status.ISSUED, Status.READY_FOR_COLLECTION)


# --- reading ----------------------------------------------------------------------------

def enrolment_of(session: Session, application_id: int) -> Enrolment:
    row = session.get(Enrolment, application_id, populate_existing=True)
    if row is None:
        raise NotFound("enrolment")
    return row


def card_of(session: Session, application_id: int) -> Card | None:
    return session.scalars(select(Card).where(Card.application_id == application_id)
                           .execution_options(populate_existing=True)).one_or_none()


def effective_status(row: Application, card: Card | None, today: jdatetime.date) -> Status:
    """The status as of ``today``: an uncollected card past its day is voided."""
    status = applications.status_of(row)
    if status in UNCOLLECTED and card is not None and is_void_due(
            parse_jalali(card.issued_on), today):
        return Status.VOIDED
    return status


def record(session: Session, row: Application, today: jdatetime.date) -> OfficeRecord:
    enrolment = enrolment_of(session, row.id)
    card = card_of(session, row.id)
    fingers = list(session.scalars(select(EnrolledFinger).where(
        EnrolledFinger.application_id == row.id).order_by(EnrolledFinger.position)))
    issued = parse_jalali(card.issued_on) if card else None
    return OfficeRecord(
        application_id=row.id, national_code=row.national_code,
        tracking_code=row.tracking_code, status=effective_status(row, card, today),
        office_id=enrolment.office_id, office_name=_office_name(session, enrolment.office_id),
        completed_at=enrolment.completed_at, completed_by=enrolment.completed_by,
        photo_source=PhotoSource(enrolment.photo_source),
        captured=tuple(FingerPosition(f.position) for f in fingers if f.template is not None),
        skipped=tuple((FingerPosition(f.position), SkipReason(f.skip_reason)) for f in fingers
                      if f.skip_reason is not None),
        given_name=enrolment.given_name, surname=enrolment.surname,
        decided_at=enrolment.decided_at, decided_by=enrolment.decided_by,
        approved=enrolment.approved,
        reject_reason=RejectReason(enrolment.reject_reason)
        if enrolment.reject_reason else None,
        card_serial=card.card_serial if card else None,
        card_fingers=(FingerPosition(card.first_finger), FingerPosition(card.second_finger))
        if card else (),
        issued_on=issued, expires_on=parse_jalali(card.expires_on) if card else None,
        collect_by=last_collection_day(issued) if issued else None,
        ready_at=card.ready_at if card else None,
        delivered_at=card.delivered_at if card else None,
        late_collection=card.late_collection if card else None)


def _office_name(session: Session, office_id: int) -> str:
    place = session.get(Office, office_id)
    return place.name if place else ""


def charge_view(payment: Payment) -> Charge:
    assert payment.receipt is not None
    return Charge(payment.id, payment.purpose, payment.amount_rial,
                  receipt_from_json(payment.receipt), payment.settled_at, payment.gateway,
                  payment.bank_reference)


# --- complete ---------------------------------------------------------------------------

def completion_appointment(session: Session, row: Application, office_id: int,
                           now: dt.datetime) -> Appointment:
    """The firm appointment this completion is for: at this office, today."""
    appointment = appointments.current_appointment(session, row.id)
    if appointment is None or appointment.state not in (AppointmentState.BOOKED.value,
                                                        AppointmentState.ATTENDED.value):
        raise OfficeStepRefused(OfficeRefusal.NOT_ATTENDABLE)
    if appointment.office_id != office_id:
        raise OfficeStepRefused(OfficeRefusal.WRONG_OFFICE)
    if appointment.day != appointments.local_day(now):
        raise OfficeStepRefused(OfficeRefusal.NOT_TODAY, day=appointments.jalali(appointment.day))
    return appointment


def check_completion(completion: Completion, registered_serial: str) -> Documents:
    """The photo, the fingers and the documents, checked before anything is written."""
    problem = photo_problem(completion.photo.jpeg)
    if problem is not None:
        raise OfficeStepRefused(OfficeRefusal.PHOTO, detail=problem.value)
    fingers = finger_problem(completion.fingers)
    if fingers is not None:
        raise OfficeStepRefused(OfficeRefusal.FINGERS, detail=fingers.value)
    return checked_documents(completion.documents, registered_serial)


def complete(session: Session, row: Application, appointment: Appointment,
             completion: Completion, documents: Documents, actor: str,
             now: dt.datetime) -> None:
    check_transition(applications.status_of(row), Status.COMPLETED)
    if appointment.state == AppointmentState.BOOKED.value:
        appointment.state = AppointmentState.ATTENDED.value
        appointment.closed_at = now
    seen = documents.birth_certificate
    fingers = completion.fingers
    session.add(Enrolment(
        application_id=row.id, office_id=completion.office_id, appointment_id=appointment.id,
        completed_at=now, completed_by=actor[:64], photo_jpeg=completion.photo.jpeg,
        photo_source=completion.photo.source.value, given_name=seen.given_name,
        surname=seen.surname, father_name=seen.father_name,
        birth_certificate_number=seen.number, birth_certificate_serial=seen.serial,
        national_card=documents.national_card.value, postal_code=documents.postal_code,
        address=documents.address, landline=documents.landline, mobile=documents.mobile,
        max_minutiae=fingers.max_minutiae, minutiae_order=fingers.minutiae_order))
    session.flush()
    for position, template in fingers.templates.items():
        session.add(EnrolledFinger(application_id=row.id, position=int(position),
                                   template=template))
    for position, reason in fingers.skipped.items():
        session.add(EnrolledFinger(application_id=row.id, position=int(position),
                                   skip_reason=reason.value))
    applications.move(row, Status.COMPLETED, now)
    session.flush()


def booking_payment(session: Session, appointment_id: int) -> Payment:
    """The applied payment that made the appointment firm: the completion fee."""
    payment = session.scalars(select(Payment).where(
        Payment.appointment_id == appointment_id,
        Payment.purpose == PaymentPurpose.BOOKING.value,
        Payment.disposition == Disposition.APPLIED.value)).first()
    if payment is None:
        raise NotFound("payment")
    return payment


# --- decide -----------------------------------------------------------------------------

def decide(row: Application, enrolment: Enrolment, decision: Decision, actor: str,
           now: dt.datetime) -> None:
    if (decision.reason is None) == (not decision.approve):
        raise OfficeStepRefused(OfficeRefusal.REASON_REQUIRED)
    wanted = Status.APPROVED if decision.approve else Status.CANCELLED
    check_transition(applications.status_of(row), wanted)
    if enrolment.completed_by == actor[:64]:
        raise OfficeStepRefused(OfficeRefusal.SAME_OPERATOR)
    enrolment.decided_at, enrolment.decided_by = now, actor[:64]
    enrolment.approved = decision.approve
    enrolment.reject_reason = decision.reason.value if decision.reason else None
    applications.move(row, wanted, now)


# --- issue ------------------------------------------------------------------------------

def card_order(session: Session, row: Application, enrolment: Enrolment, serial: str,
               issued_on: jdatetime.date) -> CardOrder:
    templates = {FingerPosition(f.position): f.template for f in session.scalars(
        select(EnrolledFinger).where(EnrolledFinger.application_id == row.id))
        if f.template is not None}
    chosen = card_fingers(frozenset(templates))
    identity = Identity(
        given_name=enrolment.given_name, surname=enrolment.surname,
        father_name=enrolment.father_name, national_code=row.national_code,
        birth_date=parse_jalali(row.birth_date), gender=Gender(row.gender),
        birth_certificate_number=enrolment.birth_certificate_number,
        birth_certificate_serial=enrolment.birth_certificate_serial, card_serial=serial,
        issue_date=issued_on, expiry_date=expiry_for(issued_on), mother_name=row.mother_name)
    return CardOrder(identity, Address(enrolment.postal_code, enrolment.address),
                     enrolment.photo_jpeg, tuple((p, templates[p]) for p in chosen),
                     enrolment.max_minutiae, enrolment.minutiae_order)


def issue(session: Session, row: Application, producer: CardProducer,
          now: dt.datetime) -> ProducedCard:
    """Order the card from the factory and record it; the factory's blobs are returned,
    never stored."""
    check_transition(applications.status_of(row), Status.ISSUED)
    enrolment = enrolment_of(session, row.id)
    issued_on = iran_date(now)
    serial = new_card_serial()
    while session.scalar(select(Card.id).where(Card.card_serial == serial)) is not None:
        serial = new_card_serial()
    order = card_order(session, row, enrolment, serial, issued_on)
    produced = producer.produce(order)
    if produced.card_serial != serial:
        raise RuntimeError("the factory made a card with another serial than ordered")
    session.add(Card(application_id=row.id, card_serial=serial, producer=producer.name[:32],
                     first_finger=int(order.fingers[0][0]),
                     second_finger=int(order.fingers[1][0]), issued_at=now,
                     issued_on=format_jalali(issued_on),
                     expires_on=format_jalali(order.identity.expiry_date)))
    applications.move(row, Status.ISSUED, now)
    session.flush()
    return produced


# --- ready, void ------------------------------------------------------------------------

def void_due(row: Application, card: Card | None, now: dt.datetime) -> bool:
    """Persist VOIDED when the card's collection day has passed; True if it moved now."""
    if effective_status(row, card, iran_date(now)) is not Status.VOIDED:
        return False
    if applications.status_of(row) is Status.VOIDED:
        return False
    assert card is not None
    applications.move(row, Status.VOIDED, now)
    card.voided_at = now
    return True


def ready(session: Session, row: Application, now: dt.datetime) -> Notification:
    """The card reached the office: ready for collection, and the SMS in the outbox."""
    card = card_of(session, row.id)
    check_transition(effective_status(row, card, iran_date(now)), Status.READY_FOR_COLLECTION)
    assert card is not None
    enrolment = enrolment_of(session, row.id)
    applications.move(row, Status.READY_FOR_COLLECTION, now)
    card.ready_at = now
    notice = Notification(application_id=row.id, kind=NotificationKind.CARD_READY.value,
                          mobile=enrolment.mobile, office_id=enrolment.office_id,
                          collect_by=format_jalali(last_collection_day(
                              parse_jalali(card.issued_on))),
                          created_at=now, attempts=0)
    session.add(notice)
    session.flush()
    return notice


def notification_office(session: Session, notice: Notification) -> Office:
    office = session.get(Office, notice.office_id)
    assert office is not None
    return office


# --- deliver ----------------------------------------------------------------------------

def check_evidence(evidence: CardEvidence, row: Application, card: Card) -> None:
    if not evidence.genuine:
        raise OfficeStepRefused(OfficeRefusal.NOT_GENUINE)
    if (evidence.national_code != row.national_code
            or evidence.card_serial != card.card_serial):
        raise OfficeStepRefused(OfficeRefusal.WRONG_CARD)


def deliver(session: Session, row: Application, card: Card, delivery: DeliveryRecord,
            receipt: Receipt, late: bool, actor: str, now: dt.datetime) -> Payment:
    """Take the fee at the counter and record the hand-over (a late one voids first)."""
    if late:
        void_due(row, card, now)
    check_transition(applications.status_of(row), Status.DELIVERED)
    gateway = f"{COUNTER}:{delivery.method.value}"
    payment = Payment(application_id=row.id, appointment_id=None,
                      purpose=PaymentPurpose.DELIVERY.value, amount_rial=int(receipt.total),
                      idempotency_key=f"delivery:{row.id}", gateway=gateway,
                      bank_reference=delivery.terminal_reference,
                      state=PaymentState.SUCCEEDED.value, disposition=Disposition.APPLIED.value,
                      created_at=now, settled_at=now, receipt=receipt_to_json(receipt))
    session.add(payment)
    session.flush()
    card.delivered_at, card.delivered_by = now, actor[:64]
    card.delivery_payment_id = payment.id
    card.late_collection = late
    applications.move(row, Status.DELIVERED, now)
    session.flush()
    return payment
