"""The one interface the faces call, and its in-process implementation over storage.

The kiosk, the office app and the command line hold a :class:`RegistryService` and
nothing else: typed requests in, frozen results out (``registry.contract``), typed
errors (``registry.refusals``, ``registry.storage.errors``) for every refusal. No ORM
object crosses it, so a networked registry can replace :class:`LocalRegistry` without
the faces noticing.

The office steps (mark, complete, decide, issue, card arrived, deliver) are inherited
from :class:`registry.office_desk.OfficeDesk`, each one write transaction under the
application's lock with one audit entry; their work on the rows is in
``registry.office``. The card factory (:class:`CardProducer`)
and the SMS sender (:class:`Notifier`) are injected: the registry never imports the
simulators that implement them for tests and demos.

Fees come from a :class:`registry.fee_source.FeeSource`, by default the dated fee book;
every charge keeps its :class:`registry.fees.Receipt`.
"""

from __future__ import annotations

import datetime as dt
import re
from abc import ABC, abstractmethod
from dataclasses import replace

import jdatetime
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from citizen.jalali import parse_jalali
from registry import applications, appointments, office, recovery, settlement
from registry.appointments import AppointmentRules, jalali, local_day
from registry.cards import CardProducer
from registry.clock import Clock, SystemClock, iran_date
from registry.contract import (
    ApplicationRef,
    ApplicationView,
    AppointmentView,
    Caller,
    Hold,
    HoldRequest,
    NewApplication,
    NewOffice,
    OfficeAvailability,
    OfficeQuery,
    OfficeView,
    PaymentRequest,
    PaymentView,
    RecoveredApplication,
    RecoveryRequest,
    ScheduledAppointment,
)
from registry.eligibility import ApplicationKind
from registry.fee_source import FeeBookSource, FeeSource
from registry.fees import Receipt
from registry.lifecycle import (
    Status,
    last_booking_day,
    last_collection_day,
    rebooking_opens,
)
from registry.notify import Notifier
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
from registry.office_desk import OfficeDesk
from registry.payments import GatewayOutcome, GatewayStatus, PaymentGateway
from registry.recovery import RecoveryLimits
from registry.refusals import (
    InvalidRequest,
    NotFound,
    PaymentRefusal,
    PaymentRefused,
    RateLimited,
)
from registry.states import PaymentPurpose, PaymentState
from registry.storage import audit
from registry.storage.database import Database
from registry.storage.errors import StorageUnavailable
from registry.storage.migrate import require_current
from registry.storage.models import (
    Application,
)

_IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9._:-]{8,64}", re.ASCII)


class RegistryService(ABC):
    """Everything the faces may ask of the registry.

    ``clock`` is where a face reads "today" (the in-process registry's own clock; a
    networked one's local clock). ``close`` releases connections.
    """

    clock: Clock

    def close(self) -> None:
        """Release what the registry holds open (connections)."""

    # -- the citizen: registration, status, recovery ---------------------------------------

    @abstractmethod
    def register(self, request: NewApplication) -> ApplicationView:
        """Open an application (status awaiting-payment, tracking code assigned).

        Submitting again before paying updates the unpaid application; an application in
        progress refuses with ApplicationExists.
        """

    @abstractmethod
    def application(self, ref: ApplicationRef) -> ApplicationView:
        """Status, appointment and deadlines of one application (NotFound if unknown)."""

    @abstractmethod
    def recover_tracking_code(self, request: RecoveryRequest) -> RecoveredApplication:
        """The tracking code for national code + birth date; RateLimited, NotFound."""

    # -- payments ----------------------------------------------------------------------------

    @abstractmethod
    def start_payment(self, request: PaymentRequest) -> PaymentView:
        """Pay the registration fee, or the booking fee of the live hold.

        Idempotent per key: a retry returns the same payment and never charges twice.
        """

    @abstractmethod
    def observe_payment(self, idempotency_key: str) -> PaymentView:
        """The payment as it stands, asking the gateway (and settling) while it is pending."""

    @abstractmethod
    def payment_notice(self, reference: str) -> PaymentView:
        """The gateway says payment ``reference`` changed: read it from the gateway, settle."""

    # -- appointments ------------------------------------------------------------------------

    @abstractmethod
    def list_offices(self, query: OfficeQuery) -> list[OfficeAvailability]:
        """Offices of a city prefix on a day, by free places (or by distance, if asked)."""

    @abstractmethod
    def hold_slot(self, request: HoldRequest) -> Hold:
        """Keep a place for a short while; a booking payment makes it firm (SlotGone, ...)."""

    # -- the office --------------------------------------------------------------------------

    @abstractmethod
    def office_schedule(self, office_id: int,
                        day: jdatetime.date) -> list[ScheduledAppointment]:
        """The firm appointments of an office on a day."""

    @abstractmethod
    def mark_attended(self, appointment_id: int) -> AppointmentView:
        """The applicant came to a booked appointment."""

    @abstractmethod
    def mark_missed(self, appointment_id: int) -> AppointmentView:
        """The applicant did not come: rebooking is barred for a few days."""

    @abstractmethod
    def complete_registration(self, completion: Completion) -> CompletionResult:
        """The applicant at their appointment today: photo, ten fingers, documents.

        The completion fee is the office tariff the booking payment already paid; its
        receipt comes back with the record.
        """

    @abstractmethod
    def decide(self, decision: Decision) -> OfficeRecord:
        """The office manager approves, or refuses with a reason (not their own completion)."""

    @abstractmethod
    def issue_card(self, application_id: int) -> IssuedCard:
        """Have the card factory make the card from the record; its issue day starts the
        six months to collect it. The card and PIN letter come back, never stored."""

    @abstractmethod
    def card_arrived(self, application_id: int) -> OfficeRecord:
        """The card is at the office: ready for collection, the applicant told by SMS."""

    @abstractmethod
    def collection(self, office_id: int, national_code: str) -> CollectionTicket:
        """The card awaiting this applicant at this office, and what handing it over
        costs today (the higher fee once the collection day has passed)."""

    @abstractmethod
    def record_delivery(self, delivery: DeliveryRecord) -> DeliveryResult:
        """Record a hand-over the delivery flow completed, with the fee paid at the counter.

        Refused (nothing written) for a card that did not read genuine or is not this
        applicant's, and for a voided card unless the higher fee was paid. Repeating a
        recorded delivery returns it again.
        """

    @abstractmethod
    def office_record(self, application_id: int) -> OfficeRecord:
        """An application from completion on, as of now (NotFound before completion)."""

    @abstractmethod
    def void_uncollected(self) -> list[int]:
        """Persist VOIDED for every card uncollected past its day; the ids moved now.

        Reads already say voided without it (a pure function of the clock); the sweep
        only makes the stored status agree, for reports that select by status.
        """

    @abstractmethod
    def send_notifications(self) -> int:
        """Send what the outbox still holds (a sender that was down); how many went."""

    # -- the fleet ---------------------------------------------------------------------------

    @abstractmethod
    def add_office(self, request: NewOffice) -> OfficeView:
        """Register an office with its location, daily capacity and opening days."""


class LocalRegistry(OfficeDesk, RegistryService):
    """The registry in this process, over a :class:`Database` and a payment gateway."""

    def __init__(self, database: Database, gateway: PaymentGateway, *, caller: Caller,
                 clock: Clock | None = None, rules: AppointmentRules | None = None,
                 limits: RecoveryLimits | None = None, fees: FeeSource | None = None,
                 cards: CardProducer | None = None, notifier: Notifier | None = None) -> None:
        self.database = database
        self.gateway = gateway
        self.caller = caller
        self.clock = clock or SystemClock()
        self.rules = rules or AppointmentRules()
        self.limits = limits or RecoveryLimits()
        self.fees = fees or FeeBookSource()
        self.cards = cards
        self.notifier = notifier

    @classmethod
    def open(cls, url: str | None, gateway: PaymentGateway, *, caller: Caller,
             clock: Clock | None = None, rules: AppointmentRules | None = None,
             limits: RecoveryLimits | None = None, fees: FeeSource | None = None,
             cards: CardProducer | None = None, notifier: Notifier | None = None,
             pool_size: int = 10, lock_timeout: float = 3.0) -> LocalRegistry:
        """Open the database behind ``url`` (its schema must be current) and listen to
        the gateway's notices. ``lock_timeout`` s of waiting for a lock become RegistryBusy."""
        database = Database.open(url, pool_size=pool_size, lock_timeout=lock_timeout)
        try:
            require_current(database.engine)
        except SQLAlchemyError as exc:         # not reachable: the same typed error as later
            database.close()
            cause = getattr(exc, "orig", None) or exc
            raise StorageUnavailable("open the registry", type(cause).__name__) from exc
        except BaseException:
            database.close()
            raise
        registry = cls(database, gateway, caller=caller, clock=clock, rules=rules,
                       limits=limits, fees=fees, cards=cards, notifier=notifier)
        gateway.subscribe(registry._on_gateway_status)
        return registry

    def _on_gateway_status(self, status: GatewayStatus) -> None:
        self.payment_notice(status.reference)

    def with_caller(self, caller: Caller) -> LocalRegistry:
        """The same registry on behalf of another caller (another kiosk, an operator)."""
        return LocalRegistry(self.database, self.gateway, caller=caller, clock=self.clock,
                             rules=self.rules, limits=self.limits, fees=self.fees,
                             cards=self.cards, notifier=self.notifier)

    def close(self) -> None:
        self.database.close()

    def _audit(self, session: Session, action: str, subject: str, subject_id: int | None,
               at: dt.datetime, **details: str | int | bool | None) -> None:
        if self.caller.device is not None:
            details = {**details, "device": self.caller.device}
        audit.record(session, actor=self.caller.actor, action=action, subject=subject,
                     subject_id=subject_id, at=at, **details)

    # -- registration, status, recovery ------------------------------------------------------

    def register(self, request: NewApplication) -> ApplicationView:
        national_code = applications.national_code(request.national_code)
        if national_code != request.national_code:
            request = replace(request, national_code=national_code)
        now = self.clock.now()
        with self.database.write("register an application") as tx:
            tx.lock(applications.national_code_lock_key(national_code))
            row, created = applications.open_application(tx.session, request, self.fees, now)
            self._audit(tx.session, "application.register" if created else "application.resubmit",
                        "application", row.id, now, kind=row.kind, fee_rial=row.fee_rial)
            return self._application_view(tx.session, row, now)

    def application(self, ref: ApplicationRef) -> ApplicationView:
        now = self.clock.now()
        with self.database.read("read an application") as session:
            row = applications.load(session, applications.id_for(session, ref))
            return self._application_view(session, row, now)

    def recover_tracking_code(self, request: RecoveryRequest) -> RecoveredApplication:
        national_code = applications.national_code(request.national_code)
        client = self.caller.client
        now = self.clock.now()
        failure: RateLimited | NotFound | None = None
        found: RecoveredApplication | None = None
        with self.database.write("recover a tracking code") as tx:
            tx.lock(*recovery.lock_keys(national_code, client))
            limited = recovery.refusal(tx.session, self.limits, national_code, client, now)
            if limited is not None:
                failure = limited
                self._audit(tx.session, "recovery.refused", "recovery", None, now,
                            client=client, scope=limited.scope.value)
            else:
                row = recovery.find(tx.session, national_code, request.birth_date)
                recovery.count_attempt(tx.session, self.limits, national_code, client, now,
                                       succeeded=row is not None)
                self._audit(tx.session, "recovery.attempt", "application",
                            row.id if row else None, now, client=client,
                            succeeded=row is not None)
                if row is None:
                    failure = NotFound("application")
                else:
                    found = RecoveredApplication(row.tracking_code, Status(row.status),
                                                 ApplicationKind(row.kind), row.created_at)
        if failure is not None:
            raise failure          # after the commit: refusals and misses stay audited
        assert found is not None
        return found

    # -- payments ----------------------------------------------------------------------------

    def start_payment(self, request: PaymentRequest) -> PaymentView:
        key = request.idempotency_key
        if not _IDEMPOTENCY_KEY.fullmatch(key):
            raise InvalidRequest("idempotency_key", "8-64 characters of A-Z a-z 0-9 . _ : -")
        now = self.clock.now()
        with self.database.write("start a payment") as tx:
            session = tx.session
            application_id = applications.id_for(session, request.application)
            tx.lock(applications.lock_key(application_id))
            existing = settlement.by_key(session, key)
            if existing is not None:
                payment = settlement.reuse(existing, application_id, request.purpose.value)
            else:
                row = applications.load(session, application_id)
                receipt, appointment_id = self._amount_due(session, row, request.purpose, now)
                payment = settlement.record(
                    session, application_id=application_id, appointment_id=appointment_id,
                    purpose=request.purpose, receipt=receipt, idempotency_key=key,
                    gateway=self.gateway.name, now=now)
                self._audit(session, "payment.start", "payment", payment.id, now,
                            purpose=request.purpose.value, amount_rial=payment.amount_rial,
                            appointment_id=appointment_id)
            needs_gateway = payment.gateway_reference is None
            payment_id, amount_rial = payment.id, payment.amount_rial
            if not needs_gateway:
                return settlement.view(session, payment, now)
        reference = self.gateway.start(amount_rial, key)       # GatewayUnavailable: retry
        with self.database.write("record a payment reference") as tx:
            started = settlement.by_key(tx.session, key)
            assert started is not None and started.id == payment_id
            if started.gateway_reference is None:
                started.gateway_reference = reference
                self._audit(tx.session, "payment.reference", "payment", started.id, now,
                            gateway=self.gateway.name, reference=reference)
            return settlement.view(tx.session, started, now)

    def _amount_due(self, session: Session, row: Application, purpose: PaymentPurpose,
                    now: dt.datetime) -> tuple[Receipt, int | None]:
        status = applications.status_of(row)
        if purpose is PaymentPurpose.REGISTRATION:
            if status is not Status.AWAITING_PAYMENT:
                raise PaymentRefused(PaymentRefusal.NOTHING_DUE)
            receipt = self.fees.registration_receipt(ApplicationKind(row.kind),
                                                     row.duplicate_number, iran_date(now))
            row.fee_rial = int(receipt.total)   # a new schedule since the form: today's fee
            return receipt, None
        if purpose is not PaymentPurpose.BOOKING:
            raise PaymentRefused(PaymentRefusal.NOTHING_DUE)
        if status is not Status.REGISTERED:
            raise PaymentRefused(PaymentRefusal.NOTHING_DUE)
        held = appointments.live_hold(session, row.id, now)
        if held is None:
            raise PaymentRefused(PaymentRefusal.NO_LIVE_HOLD)
        return self.fees.booking_receipt(iran_date(now)), held.id

    def observe_payment(self, idempotency_key: str) -> PaymentView:
        now = self.clock.now()
        with self.database.read("read a payment") as session:
            row = settlement.by_key(session, idempotency_key)
            if row is None:
                raise NotFound("payment")
            if row.gateway_reference is None or row.state != PaymentState.STARTED:
                return settlement.view(session, row, now)
            reference = row.gateway_reference
        return self._settle(self.gateway.status(reference), "poll")

    def payment_notice(self, reference: str) -> PaymentView:
        # The notice only says where to look: the outcome is read from the gateway itself,
        # so a forged notice cannot mark anything paid.
        return self._settle(self.gateway.status(reference), "notice")

    def _settle(self, status: GatewayStatus, via: str) -> PaymentView:
        now = self.clock.now()
        if status.outcome is GatewayOutcome.PENDING:    # nothing to write: no write lock
            with self.database.read("read a payment") as session:
                return settlement.view(session, settlement.by_reference(session,
                                                                        status.reference), now)
        with self.database.write("settle a payment") as tx:
            session = tx.session
            row = settlement.by_reference(session, status.reference)
            tx.lock(*settlement.lock_keys(session, row))
            row = settlement.by_reference(session, status.reference)       # as of the lock
            if settlement.settle(session, row, status, now):
                self._audit(session, "payment.settle", "payment", row.id, now, via=via,
                            state=row.state, disposition=row.disposition,
                            appointment_id=row.appointment_id)
            return settlement.view(session, row, now)

    # -- appointments ------------------------------------------------------------------------

    def list_offices(self, query: OfficeQuery) -> list[OfficeAvailability]:
        prefix = appointments.city_prefix(query.city_prefix)
        if query.within_km is not None and query.near is None:
            raise InvalidRequest("within_km", "needs a location to measure from")
        if prefix != query.city_prefix:
            query = OfficeQuery(prefix, query.day, query.near, query.within_km)
        now = self.clock.now()
        with self.database.read("list offices") as session:
            return appointments.list_offices(session, query, now)

    def hold_slot(self, request: HoldRequest) -> Hold:
        now = self.clock.now()
        with self.database.write("hold a place") as tx:
            session = tx.session
            application_id = applications.id_for(session, request.application)
            office = appointments.load_office(session, request.office_id)
            day = request.day.togregorian()
            tx.lock(applications.lock_key(application_id),
                    appointments.office_day_key(office.id, day))
            row = applications.load(session, application_id)
            appointments.ensure_bookable(session, row, day, now)
            held = appointments.hold(session, row, office, day, self.rules, now)
            amount = int(self.fees.booking_receipt(iran_date(now)).total)
            self._audit(session, "appointment.hold", "appointment", held.id, now,
                        application_id=row.id, office_id=office.id, day=day.isoformat())
            return Hold(appointments.appointment_view(held, now), amount)

    # -- views -------------------------------------------------------------------------------

    def _application_view(self, session: Session, row: Application,
                          now: dt.datetime) -> ApplicationView:
        current = appointments.current_appointment(session, row.id)
        deadline = last_booking_day(iran_date(row.registered_at)) if row.registered_at else None
        missed = appointments.last_missed_day(session, row.id)
        rebook = rebooking_opens(jalali(missed)) if missed is not None else None
        if rebook is not None and rebook <= jalali(local_day(now)):
            rebook = None
        card = office.card_of(session, row.id)
        return ApplicationView(
            row.id, row.tracking_code, ApplicationKind(row.kind), row.duplicate_number,
            office.effective_status(row, card, iran_date(now)), row.fee_rial,
            row.bank_reference, row.created_at,
            row.registered_at, appointments.appointment_view(current, now) if current else None,
            deadline, rebook, card.card_serial if card else None,
            last_collection_day(parse_jalali(card.issued_on)) if card else None)
