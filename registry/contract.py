"""The requests and results of :class:`registry.service.RegistryService`.

Plain frozen dataclasses of builtins, dates, enums: nothing from SQLAlchemy crosses this
line, so a networked registry can serialise the same types. Days people choose or are
shown are Solar Hijri (``jdatetime.date``); instants are aware UTC datetimes. Fields
that help someone guess their way in (tracking code, birth date, mother's name) stay
out of ``repr``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import jdatetime

from citizen.identity import Gender
from registry.eligibility import ApplicationKind
from registry.fees import Receipt
from registry.lifecycle import Status
from registry.states import AppointmentState, Disposition, PaymentPurpose, PaymentState


@dataclass(frozen=True)
class Caller:
    """Who is calling: ``actor`` goes to the audit trail, ``client`` keys rate limits.

    Fixed when the service is set up for a face (a networked registry derives them from
    the authenticated connection: the device's certificate and the operator's session),
    never taken from a request a citizen can shape. ``device``, when set, goes into every
    audit entry next to the actor.
    """

    actor: str
    client: str
    device: str | None = None      # the authenticated device a networked registry served


@dataclass(frozen=True)
class GeoPoint:
    latitude: float
    longitude: float


# --- requests ---------------------------------------------------------------------------

@dataclass(frozen=True)
class ApplicationRef:
    """An application as its applicant names it: national code AND tracking code.

    Never the tracking code alone: the pair is what the applicant holds, and a lookup by
    code alone would let a guesser sweep every live code at once.
    """

    national_code: str
    tracking_code: str = field(repr=False)


@dataclass(frozen=True)
class NewApplication:
    """Pre-registration data, already validated by the form, and the eligibility decision."""

    national_code: str
    birth_date: jdatetime.date = field(repr=False)
    mother_name: str = field(repr=False)
    mobile: str
    birth_certificate_serial: str
    gender: Gender
    kind: ApplicationKind
    duplicate_number: int = 0      # n for the n-th duplicate, else 0


@dataclass(frozen=True)
class PaymentRequest:
    """Start paying what ``purpose`` needs; the face makes the key and reuses it on retry."""

    application: ApplicationRef
    purpose: PaymentPurpose
    idempotency_key: str


@dataclass(frozen=True)
class OfficeQuery:
    """Offices of a city phone prefix on a day; ``near`` sorts (and ``within_km`` cuts)."""

    city_prefix: str
    day: jdatetime.date
    near: GeoPoint | None = None
    within_km: float | None = None


@dataclass(frozen=True)
class HoldRequest:
    application: ApplicationRef
    office_id: int
    day: jdatetime.date


@dataclass(frozen=True)
class RecoveryRequest:
    national_code: str
    birth_date: jdatetime.date = field(repr=False)


@dataclass(frozen=True)
class NewOffice:
    code: str
    name: str
    city_prefix: str
    address: str
    location: GeoPoint
    daily_capacity: int
    opening_days: frozenset[int] = frozenset({0, 1, 2, 3, 4, 5})   # Sat..Thu (0 = Saturday)


# --- results ----------------------------------------------------------------------------

@dataclass(frozen=True)
class OfficeView:
    office_id: int
    code: str
    name: str
    city_prefix: str
    address: str
    location: GeoPoint
    daily_capacity: int
    opening_days: frozenset[int]


@dataclass(frozen=True)
class OfficeAvailability:
    office: OfficeView
    day: jdatetime.date
    open: bool
    free_places: int
    distance_km: float | None = None


@dataclass(frozen=True)
class AppointmentView:
    appointment_id: int
    office_id: int
    day: jdatetime.date
    state: AppointmentState
    hold_expires_at: dt.datetime
    lapsed: bool = False           # HELD but its time is over: the place is free again


@dataclass(frozen=True)
class Hold:
    """A place kept for the applicant until ``appointment.hold_expires_at``."""

    appointment: AppointmentView
    amount_rial: int


@dataclass(frozen=True)
class ApplicationView:
    application_id: int
    tracking_code: str = field(repr=False)
    kind: ApplicationKind
    duplicate_number: int
    status: Status
    fee_rial: int
    bank_reference: str | None
    created_at: dt.datetime
    registered_at: dt.datetime | None
    appointment: AppointmentView | None = None
    booking_deadline: jdatetime.date | None = None   # last day to book (once registered)
    rebooking_from: jdatetime.date | None = None     # first day to rebook after a missed one
    card_serial: str | None = None                   # once the card is issued
    collect_by: jdatetime.date | None = None         # last day to collect at the normal fee


@dataclass(frozen=True)
class PaymentView:
    idempotency_key: str
    reference: str | None          # the gateway's reference (None until it answered)
    purpose: PaymentPurpose
    amount_rial: int
    state: PaymentState
    disposition: Disposition | None
    bank_reference: str | None
    appointment: AppointmentView | None = None
    receipt: Receipt | None = None     # the lines and shares of what this payment pays


@dataclass(frozen=True)
class RecoveredApplication:
    tracking_code: str = field(repr=False)
    status: Status
    kind: ApplicationKind
    created_at: dt.datetime


@dataclass(frozen=True)
class ScheduledAppointment:
    """One line of an office's day: whom to expect (by application) and in which state."""

    appointment: AppointmentView
    application_id: int
