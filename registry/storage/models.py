"""The registry's tables as SQLAlchemy 2 models.

Every constraint is named through the metadata's naming convention, so Alembic's batch
mode on SQLite can drop and recreate them. Money is integer rial. Times are aware UTC
(:class:`UtcDateTime`); appointment days are plain dates in Iran's local calendar day.
Solar Hijri birth dates are stored as the chip stores them: ``YYYYMMDD`` ASCII digits.

No availability counters: free places are counted from live appointment rows.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    Double,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Text,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from registry.states import AppointmentState
from registry.storage.types import BigId, UtcDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Application(Base):
    """One application for a card, with the data the applicant registered it with.

    The personal fields are a snapshot per application: a replacement after a change of
    birth date is a new application with the new date, the old one keeps the old.
    """

    __tablename__ = "applications"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    national_code: Mapped[str] = mapped_column(String(10), index=True)
    birth_date: Mapped[str] = mapped_column(String(8))          # Jalali YYYYMMDD
    mother_name: Mapped[str] = mapped_column(String(100))
    mobile: Mapped[str] = mapped_column(String(16))
    birth_certificate_serial: Mapped[str] = mapped_column(String(24))
    gender: Mapped[str] = mapped_column(String(1))              # ISO/IEC 5218: 1 male, 2 female
    kind: Mapped[str] = mapped_column(String(32))
    duplicate_number: Mapped[int] = mapped_column(Integer)     # n of the n-th duplicate, or 0
    status: Mapped[str] = mapped_column(String(32), index=True)
    tracking_code: Mapped[str] = mapped_column(String(32), unique=True)
    bank_reference: Mapped[str | None] = mapped_column(String(64))
    fee_rial: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    registered_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)  # fee paid
    status_changed_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)

    __table_args__ = (CheckConstraint("fee_rial >= 0", name="fee_not_negative"),)


class Office(Base):
    """A service office (دفتر پیشخوان) that completes registrations and hands cards over."""

    __tablename__ = "offices"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    city_prefix: Mapped[str] = mapped_column(String(5), index=True)   # e.g. "021"
    address: Mapped[str] = mapped_column(String(500))
    latitude: Mapped[float] = mapped_column(Double)
    longitude: Mapped[float] = mapped_column(Double)
    daily_capacity: Mapped[int] = mapped_column(Integer)
    opening_days: Mapped[str] = mapped_column(String(7))   # Jalali weekdays, 0 = Saturday
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)

    __table_args__ = (CheckConstraint("daily_capacity >= 0", name="capacity_not_negative"),)


class Appointment(Base):
    """A place at an office on a day: held for a while, then booked by payment."""

    __tablename__ = "appointments"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    application_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("applications.id", ondelete="RESTRICT"), index=True)
    office_id: Mapped[int] = mapped_column(BigId, ForeignKey("offices.id", ondelete="RESTRICT"))
    day: Mapped[dt.date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(16))
    held_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    hold_expires_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    booked_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)

    __table_args__ = (
        Index("ix_appointments_office_id_day_state", "office_id", "day", "state"),
        # At most one firm booking per application: a last line of defence behind the locks.
        Index("uq_appointments_one_booked", "application_id", unique=True,
              sqlite_where=text(f"state = '{AppointmentState.BOOKED}'"),
              postgresql_where=text(f"state = '{AppointmentState.BOOKED}'")),
    )


class Payment(Base):
    """One payment attempt through a gateway, keyed by its idempotency key."""

    __tablename__ = "payments"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    application_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("applications.id", ondelete="RESTRICT"), index=True)
    appointment_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("appointments.id", ondelete="RESTRICT"), index=True)
    purpose: Mapped[str] = mapped_column(String(16))
    amount_rial: Mapped[int] = mapped_column(BigInteger)
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    gateway: Mapped[str] = mapped_column(String(32))
    gateway_reference: Mapped[str | None] = mapped_column(String(64), unique=True)
    bank_reference: Mapped[str | None] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16))
    disposition: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    settled_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    receipt: Mapped[str | None] = mapped_column(Text)    # registry.receipt_codec JSON

    __table_args__ = (CheckConstraint("amount_rial > 0", name="amount_positive"),)


class RecoveryAttempt(Base):
    """One tracking-code recovery attempt: the sliding window counts these rows."""

    __tablename__ = "recovery_attempts"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    national_code: Mapped[str] = mapped_column(String(10))
    client: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    succeeded: Mapped[bool] = mapped_column(Boolean)

    __table_args__ = (
        Index("ix_recovery_attempts_national_code_at", "national_code", "at"),
        Index("ix_recovery_attempts_client_at", "client", "at"),
    )


class AuditEntry(Base):
    """Who wrote what, when. Details are non-secret facts (ids, states, amounts)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime, index=True)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(48))
    subject: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int | None] = mapped_column(BigInteger)
    details: Mapped[str] = mapped_column(Text)    # JSON object


class Enrolment(Base):
    """What the office took in person: photo, documents, who completed and who decided.

    The names and certificate number come from the original birth certificate the
    operator checked; they go onto the card from here.
    """

    __tablename__ = "enrolments"

    application_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("applications.id", ondelete="RESTRICT"), primary_key=True)
    office_id: Mapped[int] = mapped_column(BigId, ForeignKey("offices.id", ondelete="RESTRICT"))
    appointment_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("appointments.id", ondelete="RESTRICT"))
    completed_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    completed_by: Mapped[str] = mapped_column(String(64))
    photo_jpeg: Mapped[bytes] = mapped_column(LargeBinary)
    photo_source: Mapped[str] = mapped_column(String(24))
    given_name: Mapped[str] = mapped_column(String(100))
    surname: Mapped[str] = mapped_column(String(100))
    father_name: Mapped[str] = mapped_column(String(100))
    birth_certificate_number: Mapped[str] = mapped_column(String(10))
    birth_certificate_serial: Mapped[str] = mapped_column(String(24))
    national_card: Mapped[str] = mapped_column(String(8))
    postal_code: Mapped[str] = mapped_column(String(10))
    address: Mapped[str] = mapped_column(String(500))
    landline: Mapped[str] = mapped_column(String(16))
    mobile: Mapped[str] = mapped_column(String(16))
    max_minutiae: Mapped[int] = mapped_column(Integer)
    minutiae_order: Mapped[int] = mapped_column(Integer)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    decided_by: Mapped[str | None] = mapped_column(String(64))
    approved: Mapped[bool | None] = mapped_column(Boolean)
    reject_reason: Mapped[str | None] = mapped_column(String(32))


class EnrolledFinger(Base):
    """One of the ten fingers: its template (biometric data: never logged) or why not."""

    __tablename__ = "enrolled_fingers"

    application_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("enrolments.application_id", ondelete="RESTRICT"))
    position: Mapped[int] = mapped_column(Integer)          # ISO/IEC 19794-2 finger code
    template: Mapped[bytes | None] = mapped_column(LargeBinary)
    skip_reason: Mapped[str | None] = mapped_column(String(16))

    __table_args__ = (
        PrimaryKeyConstraint("application_id", "position"),
        CheckConstraint("(template IS NULL) <> (skip_reason IS NULL)",
                        name="template_or_reason"),
    )


class Card(Base):
    """The card issued for an application: its serial, dates, and its way to the holder."""

    __tablename__ = "cards"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    application_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("applications.id", ondelete="RESTRICT"), unique=True)
    card_serial: Mapped[str] = mapped_column(String(16), unique=True)
    producer: Mapped[str] = mapped_column(String(32))
    first_finger: Mapped[int] = mapped_column(Integer)
    second_finger: Mapped[int] = mapped_column(Integer)
    issued_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    issued_on: Mapped[str] = mapped_column(String(8))          # Jalali YYYYMMDD
    expires_on: Mapped[str] = mapped_column(String(8))
    ready_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    voided_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    delivered_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    delivered_by: Mapped[str | None] = mapped_column(String(64))
    delivery_payment_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("payments.id", ondelete="RESTRICT"))
    late_collection: Mapped[bool | None] = mapped_column(Boolean)


class Notification(Base):
    """The outbox: written with the change it announces, sent after the commit."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    application_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("applications.id", ondelete="RESTRICT"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    mobile: Mapped[str] = mapped_column(String(16))
    office_id: Mapped[int] = mapped_column(BigId, ForeignKey("offices.id", ondelete="RESTRICT"))
    collect_by: Mapped[str] = mapped_column(String(8))        # Jalali YYYYMMDD
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)


# --- the registry as a network service (migration 0003) ----------------------------------

class Device(Base):
    """A kiosk, office desk, admin console or service process with its own certificate.

    The certificate comes from the registry's device CA; its serial and fingerprint are
    kept so the service knows the device from its TLS connection, and a revocation here
    is seen by every service process at the next request.
    """

    __tablename__ = "devices"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    office_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("offices.id", ondelete="RESTRICT"))
    serial: Mapped[str] = mapped_column(String(40), unique=True)       # hex
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 of the DER
    issued_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    not_after: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    revoked_reason: Mapped[str | None] = mapped_column(String(32))


class Operator(Base):
    """A person who may sign in at an office's devices (by their national card)."""

    __tablename__ = "operators"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    national_code: Mapped[str] = mapped_column(String(10))
    office_id: Mapped[int] = mapped_column(BigId, ForeignKey("offices.id", ondelete="RESTRICT"))
    role: Mapped[str] = mapped_column(String(16))          # operator | manager
    added_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    removed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)

    __table_args__ = (Index("uq_operators_national_code_office_id", "national_code",
                            "office_id", unique=True),)


class SignInChallenge(Base):
    """A one-time challenge an operator's card signs to sign in at one device."""

    __tablename__ = "sign_in_challenges"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    device_id: Mapped[int] = mapped_column(BigId, ForeignKey("devices.id", ondelete="RESTRICT"))
    nonce: Mapped[str] = mapped_column(String(64), unique=True)         # hex
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)


class OperatorSession(Base):
    """An operator signed in at one device; only the token's hash is kept."""

    __tablename__ = "operator_sessions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    operator_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("operators.id", ondelete="RESTRICT"))
    device_id: Mapped[int] = mapped_column(BigId, ForeignKey("devices.id", ondelete="RESTRICT"))
    certificate_serial: Mapped[str] = mapped_column(String(40))   # the card's certificate
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    ended_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)


class IdempotencyRecord(Base):
    """One write request by its idempotency key: in progress, or its stored answer.

    ``applied`` is set in the same transaction as the registry's own write (for the
    writes that cannot simply run again), so a retry after a crash knows whether the
    first attempt's change committed.
    """

    __tablename__ = "idempotency_keys"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    device_id: Mapped[int] = mapped_column(BigId, ForeignKey("devices.id", ondelete="RESTRICT"))
    key: Mapped[str] = mapped_column(String(64))
    operation: Mapped[str] = mapped_column(String(48))
    fingerprint: Mapped[str] = mapped_column(String(64))    # SHA-256 of the request body
    state: Mapped[str] = mapped_column(String(16))          # started | done
    lease_until: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    applied: Mapped[bool] = mapped_column(Boolean, default=False)
    status_code: Mapped[int | None] = mapped_column(Integer)
    response: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, index=True)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)

    __table_args__ = (Index("uq_idempotency_keys_device_id_key", "device_id", "key",
                            unique=True),)


class LookupAttempt(Base):
    """A guessable look-up that missed (an unknown national code + tracking code pair)."""

    __tablename__ = "lookup_attempts"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    national_code: Mapped[str] = mapped_column(String(10))
    client: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime)

    __table_args__ = (
        Index("ix_lookup_attempts_national_code_at", "national_code", "at"),
        Index("ix_lookup_attempts_client_at", "client", "at"),
    )
