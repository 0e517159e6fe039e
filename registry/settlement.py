"""Payments on our side: what each one is for, and what it became once the bank decided.

A payment is recorded before the gateway is asked (so a crash in between leaves a row
that the retry with the same idempotency key completes), and settled exactly once: the
first outcome wins, later callbacks and polls of the same payment change nothing.

Every succeeded payment ends APPLIED or REFUND_DUE, never lost: a registration fee paid
twice, or a place paid for after its hold lapsed with no free place left, is REFUND_DUE.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry import applications, appointments
from registry.contract import PaymentView
from registry.fees import Receipt
from registry.lifecycle import Status
from registry.payments import GatewayOutcome, GatewayStatus
from registry.receipt_codec import receipt_from_json, receipt_to_json
from registry.refusals import IdempotencyConflict, NotFound
from registry.states import Disposition, PaymentPurpose, PaymentState
from registry.storage.models import Application, Appointment, Office, Payment

_FINAL = {GatewayOutcome.SUCCEEDED: PaymentState.SUCCEEDED,
          GatewayOutcome.DECLINED: PaymentState.DECLINED,
          GatewayOutcome.TIMED_OUT: PaymentState.TIMED_OUT}


def by_key(session: Session, idempotency_key: str) -> Payment | None:
    return session.scalars(select(Payment).where(Payment.idempotency_key == idempotency_key)
                           .execution_options(populate_existing=True)).one_or_none()


def by_reference(session: Session, reference: str) -> Payment:
    row = session.scalars(select(Payment).where(Payment.gateway_reference == reference)
                          .execution_options(populate_existing=True)).one_or_none()
    if row is None:
        raise NotFound("payment")
    return row


def reuse(existing: Payment, application_id: int, purpose: str) -> Payment:
    """The payment already under this key, if it is the same payment (else a conflict)."""
    if existing.application_id != application_id or existing.purpose != purpose:
        raise IdempotencyConflict()
    return existing


def record(session: Session, *, application_id: int, appointment_id: int | None,
           purpose: PaymentPurpose, receipt: Receipt, idempotency_key: str, gateway: str,
           now: dt.datetime) -> Payment:
    row = Payment(application_id=application_id, appointment_id=appointment_id,
                  purpose=purpose.value, amount_rial=int(receipt.total),
                  idempotency_key=idempotency_key, gateway=gateway,
                  state=PaymentState.STARTED.value, created_at=now,
                  receipt=receipt_to_json(receipt))
    session.add(row)
    session.flush()
    return row


def lock_keys(session: Session, payment: Payment) -> list[str]:
    """What settling this payment must lock: its application, and the place it pays for."""
    keys = [applications.lock_key(payment.application_id)]
    if payment.appointment_id is not None:
        place = session.execute(select(Appointment.office_id, Appointment.day)
                                .where(Appointment.id == payment.appointment_id)).one()
        keys.append(appointments.office_day_key(place.office_id, place.day))
    return keys


def settle(session: Session, payment: Payment, status: GatewayStatus,
           now: dt.datetime) -> bool:
    """Apply the bank's final outcome once; False when it was settled before (no change).

    Call with :func:`lock_keys` held and ``payment`` re-read after taking them.
    """
    if payment.state != PaymentState.STARTED.value or status.outcome not in _FINAL:
        return False
    payment.state = _FINAL[status.outcome].value
    payment.settled_at = now
    if status.outcome is not GatewayOutcome.SUCCEEDED:
        return True
    payment.bank_reference = status.bank_reference
    application = applications.load(session, payment.application_id)
    if status.amount_rial != payment.amount_rial:
        given = False                       # not what we asked for: give it back
    elif payment.purpose == PaymentPurpose.REGISTRATION:
        given = _register(application, payment, now)
    else:
        given = _book(session, application, payment, now)
    payment.disposition = (Disposition.APPLIED if given else Disposition.REFUND_DUE).value
    session.flush()
    return True


def _register(application: Application, payment: Payment, now: dt.datetime) -> bool:
    if applications.status_of(application) is not Status.AWAITING_PAYMENT:
        return False                        # paid already by another payment
    applications.move(application, Status.REGISTERED, now)
    application.registered_at = now
    application.bank_reference = payment.bank_reference
    return True


def _book(session: Session, application: Application, payment: Payment,
          now: dt.datetime) -> bool:
    if (applications.status_of(application) is not Status.REGISTERED
            or payment.appointment_id is None):
        return False                        # booked by another payment meanwhile, or moved on
    appointment = session.get(Appointment, payment.appointment_id, populate_existing=True)
    office = session.get(Office, appointment.office_id) if appointment else None
    if appointment is None or office is None:
        return False
    if not appointments.make_firm(session, appointment, office, now):
        return False
    applications.move(application, Status.BOOKED, now)
    return True


def view(session: Session, payment: Payment, now: dt.datetime) -> PaymentView:
    appointment = (session.get(Appointment, payment.appointment_id)
                   if payment.appointment_id is not None else None)
    return PaymentView(
        payment.idempotency_key, payment.gateway_reference, PaymentPurpose(payment.purpose),
        payment.amount_rial, PaymentState(payment.state),
        Disposition(payment.disposition) if payment.disposition else None,
        payment.bank_reference,
        appointments.appointment_view(appointment, now) if appointment else None,
        receipt_from_json(payment.receipt) if payment.receipt else None)

