"""The office's half of the in-process registry: the steps an operator's desk takes.

Each step (mark, complete, decide, issue, card arrived, deliver) is one write
transaction under the application's lock, the status moved by ``applications.move``
(the lifecycle decides), one audit entry; the work on the rows is in
``registry.office``. :class:`registry.service.LocalRegistry` inherits these steps
and supplies the database, clock, fees, card producer and SMS sender; they live here
so that neither half of the registry grows past what one reader keeps in mind.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Callable

import jdatetime
from sqlalchemy import select
from sqlalchemy.orm import Session

from citizen.jalali import parse_jalali
from registry import applications, appointments, office
from registry.cards import CardProducer
from registry.clock import Clock, iran_date
from registry.contract import AppointmentView, Caller, NewOffice, OfficeView, ScheduledAppointment
from registry.fee_source import FeeSource
from registry.lifecycle import (
    Status,
    check_transition,
    is_late_collection,
    last_collection_day,
)
from registry.notify import Notification as NotificationMessage
from registry.notify import NotificationKind, Notifier, NotifierUnavailable
from registry.office_contract import (
    CollectionTicket,
    Completion,
    CompletionResult,
    Decision,
    DeliveryRecord,
    DeliveryResult,
    IssuedCard,
    OfficeRecord,
)
from registry.office_refusals import OfficeRefusal, OfficeStepRefused
from registry.refusals import InvalidRequest, NotFound
from registry.storage.database import Database
from registry.storage.models import Application, Appointment, Card, Notification, Office, Payment


class OfficeDesk(ABC):
    """The office steps of :class:`registry.service.LocalRegistry`."""

    database: Database
    caller: Caller
    clock: Clock
    fees: FeeSource
    cards: CardProducer | None
    notifier: Notifier | None

    @abstractmethod
    def _audit(self, session: Session, action: str, subject: str, subject_id: int | None,
               at: dt.datetime, **details: str | int | bool | None) -> None:
        """One audit entry in ``session``, on behalf of the caller."""

    # -- appointments at the office ----------------------------------------------------------

    def office_schedule(self, office_id: int,
                        day: jdatetime.date) -> list[ScheduledAppointment]:
        now = self.clock.now()
        with self.database.read("read an office's day") as session:
            appointments.load_office(session, office_id)
            return [ScheduledAppointment(appointments.appointment_view(a, now), a.application_id)
                    for a in appointments.schedule(session, office_id, day.togregorian())]

    def mark_attended(self, appointment_id: int) -> AppointmentView:
        return self._mark(appointment_id, attended=True)

    def mark_missed(self, appointment_id: int) -> AppointmentView:
        return self._mark(appointment_id, attended=False)

    def _mark(self, appointment_id: int, attended: bool) -> AppointmentView:
        now = self.clock.now()
        with self.database.write("mark an appointment") as tx:
            session = tx.session
            row = session.get(Appointment, appointment_id)
            if row is None:
                raise NotFound("appointment")
            tx.lock(applications.lock_key(row.application_id))
            row = session.get(Appointment, appointment_id, populate_existing=True)
            assert row is not None
            appointments.mark(row, attended, now)
            if not attended:
                application = applications.load(session, row.application_id)
                applications.move(application, Status.REGISTERED, now)
            self._audit(session, "appointment.attended" if attended else "appointment.missed",
                        "appointment", row.id, now, application_id=row.application_id)
            return appointments.appointment_view(row, now)

    def complete_registration(self, completion: Completion) -> CompletionResult:
        now = self.clock.now()
        with self.database.write("complete a registration") as tx:
            session = tx.session
            tx.lock(applications.lock_key(completion.application_id))
            row = applications.load(session, completion.application_id)
            check_transition(applications.status_of(row), Status.COMPLETED)
            appointment = office.completion_appointment(session, row, completion.office_id,
                                                        now)
            documents = office.check_completion(completion, row.birth_certificate_serial)
            office.complete(session, row, appointment, completion, documents,
                            self.caller.actor, now)
            fingers = completion.fingers
            self._audit(session, "application.complete", "application", row.id, now,
                        office_id=completion.office_id, appointment_id=appointment.id,
                        photo_source=completion.photo.source.value,
                        fingers_captured=len(fingers.templates),
                        fingers_skipped=",".join(sorted(f"{int(p)}:{r.value}" for p, r
                                                        in fingers.skipped.items())) or None,
                        national_card=documents.national_card.value)
            paid = office.booking_payment(session, appointment.id)
            return CompletionResult(office.record(session, row, iran_date(now)),
                                    office.charge_view(paid))

    def decide(self, decision: Decision) -> OfficeRecord:
        now = self.clock.now()
        with self.database.write("decide on a registration") as tx:
            session = tx.session
            tx.lock(applications.lock_key(decision.application_id))
            row = applications.load(session, decision.application_id)
            check_transition(applications.status_of(row),
                             Status.APPROVED if decision.approve else Status.CANCELLED)
            enrolment = office.enrolment_of(session, row.id)
            office.decide(row, enrolment, decision, self.caller.actor, now)
            self._audit(session, "application.approve" if decision.approve
                        else "application.reject", "application", row.id, now,
                        reason=decision.reason.value if decision.reason else None)
            return office.record(session, row, iran_date(now))

    def issue_card(self, application_id: int) -> IssuedCard:
        if self.cards is None:
            raise OfficeStepRefused(OfficeRefusal.NO_CARD_PRODUCER)
        now = self.clock.now()
        with self.database.write("issue a card") as tx:
            session = tx.session
            tx.lock(applications.lock_key(application_id))
            row = applications.load(session, application_id)
            check_transition(applications.status_of(row), Status.ISSUED)
            produced = office.issue(session, row, self.cards, now)
            view = office.record(session, row, iran_date(now))
            self._audit(session, "card.issue", "application", row.id, now,
                        card_serial=produced.card_serial, producer=self.cards.name,
                        fingers=",".join(str(int(p)) for p in view.card_fingers))
            return IssuedCard(view, produced)

    def card_arrived(self, application_id: int) -> OfficeRecord:
        now = self.clock.now()
        with self.database.write("make a card ready for collection") as tx:
            session = tx.session
            tx.lock(applications.lock_key(application_id))
            row = applications.load(session, application_id)
            notice = office.ready(session, row, now)
            self._audit(session, "card.ready", "application", row.id, now,
                        notification_id=notice.id)
            view = office.record(session, row, iran_date(now))
            notice_id = notice.id
        self._send([notice_id])
        return view

    def collection(self, office_id: int, national_code: str) -> CollectionTicket:
        code = applications.national_code(national_code)
        now = self.clock.now()
        today = iran_date(now)
        with self.database.read("find a card to collect") as session:
            found = session.execute(
                select(Application, Card).join(Card, Card.application_id == Application.id)
                .where(Application.national_code == code, Card.delivered_at.is_(None))
                .order_by(Application.id.desc())).first()
            if found is None:
                raise NotFound("application")
            row, card = found
            if office.enrolment_of(session, row.id).office_id != office_id:
                raise OfficeStepRefused(OfficeRefusal.WRONG_OFFICE)
            status = office.effective_status(row, card, today)
            check_transition(status, Status.DELIVERED)
            issued_on = parse_jalali(card.issued_on)
            late = is_late_collection(status, issued_on, today)
            return CollectionTicket(row.id, office_id, row.national_code, card.card_serial,
                                    issued_on, last_collection_day(issued_on), late,
                                    self.fees.delivery_receipt(today, late))

    def record_delivery(self, delivery: DeliveryRecord) -> DeliveryResult:
        now = self.clock.now()
        today = iran_date(now)
        with self.database.write("record a delivery") as tx:
            session = tx.session
            tx.lock(applications.lock_key(delivery.application_id))
            row = applications.load(session, delivery.application_id)
            card = office.card_of(session, row.id)
            if card is None:
                check_transition(applications.status_of(row), Status.DELIVERED)
                raise NotFound("card")
            if office.enrolment_of(session, row.id).office_id != delivery.office_id:
                raise OfficeStepRefused(OfficeRefusal.WRONG_OFFICE)
            office.check_evidence(delivery.evidence, row, card)
            if card.delivered_at is not None and card.delivery_payment_id is not None:
                paid = session.get(Payment, card.delivery_payment_id)   # a retry: same answer
                assert paid is not None
                return DeliveryResult(office.record(session, row, today),
                                      office.charge_view(paid))
            status = office.effective_status(row, card, today)
            check_transition(status, Status.DELIVERED)
            late = is_late_collection(status, parse_jalali(card.issued_on), today)
            receipt = self.fees.delivery_receipt(today, late)
            if delivery.fee_rial != receipt.total:
                normal = self.fees.delivery_receipt(today, False).total
                reason = (OfficeRefusal.LATE_FEE_DUE if late and delivery.fee_rial == normal
                          else OfficeRefusal.FEE_MISMATCH)
                raise OfficeStepRefused(reason, receipt=receipt)
            payment = office.deliver(session, row, card, delivery, receipt, late,
                                     self.caller.actor, now)
            self._audit(session, "card.deliver", "application", row.id, now,
                        card_serial=card.card_serial, late=late, amount_rial=payment.amount_rial,
                        payment_id=payment.id, method=delivery.method.value,
                        finger_reference=delivery.evidence.finger_reference)
            return DeliveryResult(office.record(session, row, today), office.charge_view(payment))

    def office_record(self, application_id: int) -> OfficeRecord:
        now = self.clock.now()
        with self.database.read("read an office record") as session:
            row = applications.load(session, application_id)
            return office.record(session, row, iran_date(now))

    def void_uncollected(self) -> list[int]:
        now = self.clock.now()
        with self.database.read("find uncollected cards") as session:
            candidates = list(session.scalars(
                select(Application.id).join(Card, Card.application_id == Application.id)
                .where(Application.status.in_([s.value for s in office.UNCOLLECTED]))))
        moved: list[int] = []
        for application_id in candidates:
            with self.database.write("void an uncollected card") as tx:
                tx.lock(applications.lock_key(application_id))
                row = applications.load(tx.session, application_id)
                if office.void_due(row, office.card_of(tx.session, row.id), now):
                    self._audit(tx.session, "card.void", "application", row.id, now)
                    moved.append(row.id)
        return moved

    def send_notifications(self) -> int:
        with self.database.read("read the outbox") as session:
            pending = list(session.scalars(select(Notification.id).where(
                Notification.sent_at.is_(None)).order_by(Notification.id)))
        return self._send(pending)

    def _send(self, notification_ids: list[int]) -> int:
        """Hand outbox rows to the sender; each sent one is marked, a failed one counted."""
        if self.notifier is None:
            return 0
        sent = 0
        for notice_id in notification_ids:
            with self.database.read("read a notification") as session:
                row = session.get(Notification, notice_id)
                if row is None or row.sent_at is not None:
                    continue
                place = office.notification_office(session, row)
                message = NotificationMessage(row.id, NotificationKind(row.kind), row.mobile,
                                              place.name, place.address,
                                              parse_jalali(row.collect_by))
            try:
                self.notifier.send(message)
                delivered = True
            except NotifierUnavailable:
                delivered = False
            with self.database.write("mark a notification") as tx:
                row = tx.session.get(Notification, notice_id)
                assert row is not None
                row.attempts += 1
                if delivered:
                    row.sent_at = self.clock.now()
                    sent += 1
        return sent

    # -- the fleet ---------------------------------------------------------------------------

    def add_office(self, request: NewOffice) -> OfficeView:
        prefix = appointments.city_prefix(request.city_prefix)
        _check_office(request)
        now = self.clock.now()
        with self.database.write("add an office") as tx:
            office = Office(code=request.code, name=request.name, city_prefix=prefix,
                            address=request.address, latitude=request.location.latitude,
                            longitude=request.location.longitude,
                            daily_capacity=request.daily_capacity,
                            opening_days="".join(str(d) for d in sorted(request.opening_days)),
                            active=True, created_at=now)
            tx.session.add(office)
            tx.session.flush()
            self._audit(tx.session, "office.add", "office", office.id, now, code=office.code,
                        city_prefix=prefix, daily_capacity=office.daily_capacity)
            return appointments.office_view(office)


def _check_office(request: NewOffice) -> None:
    checks: list[tuple[str, Callable[[], bool], str]] = [
        ("code", lambda: 0 < len(request.code) <= 16, "1-16 characters"),
        ("name", lambda: 0 < len(request.name) <= 200, "1-200 characters"),
        ("daily_capacity", lambda: 0 <= request.daily_capacity <= 100_000, "0-100000"),
        ("location", lambda: -90 <= request.location.latitude <= 90
         and -180 <= request.location.longitude <= 180, "latitude/longitude out of range"),
        ("opening_days", lambda: request.opening_days <= frozenset(range(7)),
         "weekdays 0 (Saturday) to 6 (Friday)"),
    ]
    for field, ok, rule in checks:
        if not ok():
            raise InvalidRequest(field, rule)
