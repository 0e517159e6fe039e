"""INTERIM stand-ins for the domain modules written in parallel. Swap on merge.

Each name below mirrors, signature for signature, a name of the domain package as it
stands on main (registry/clock.py, errors.py, lifecycle.py, eligibility.py, tracking.py,
citizen/jalali.py), so the merge is: change each ``from registry.interim import X`` to
the module in the table, delete this file, and make ``registry.storage.errors`` import
``RegistryError`` from ``registry.errors`` instead of defining it.

=======================================  =========================================
here                                     on merge, from
=======================================  =========================================
IRAN, iran_time, iran_date, Clock,       registry.clock
SystemClock, SettableClock
TransitionRefused, BookingNotAllowed,    registry.errors
InvalidTrackingCode
Status, FINAL, check_transition,         registry.lifecycle
BookingBlock, BookingCheck,
check_booking, last_booking_day,
rebooking_opens
ApplicationKind                          registry.eligibility
TrackingCode, CodeProblem,               registry.tracking
new_tracking_code, parse_tracking_code
add_months                               citizen.jalali
FeeSource, InterimFees                   an adapter over registry.fees.FEE_BOOK
                                         (see registry/service.py, module docstring)
=======================================  =========================================
"""

from __future__ import annotations

import datetime as dt
import secrets
import threading
from dataclasses import dataclass
from enum import Enum
from typing import Protocol

import jdatetime

from citizen.digits import normalize_digits
from registry.storage.errors import RegistryError

# --- registry.clock ----------------------------------------------------------------------

IRAN = dt.timezone(dt.timedelta(hours=3, minutes=30), "IRST")   # no DST since 1401


def iran_time(instant: dt.datetime) -> dt.datetime:
    if instant.tzinfo is None:
        raise ValueError("the registry only handles aware datetimes")
    return instant.astimezone(IRAN)


def iran_date(instant: dt.datetime) -> jdatetime.date:
    return jdatetime.date.fromgregorian(date=iran_time(instant).date())


class Clock(Protocol):
    def now(self) -> dt.datetime: ...

    def today(self) -> jdatetime.date: ...


class SystemClock:
    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)

    def today(self) -> jdatetime.date:
        return iran_date(self.now())


class SettableClock:
    """Stands still until told otherwise; safe from many threads."""

    def __init__(self, instant: dt.datetime) -> None:
        self._lock = threading.Lock()
        self._now = iran_time(instant).astimezone(dt.UTC)

    def now(self) -> dt.datetime:
        with self._lock:
            return self._now

    def today(self) -> jdatetime.date:
        return iran_date(self.now())

    def set(self, instant: dt.datetime) -> None:
        utc = iran_time(instant).astimezone(dt.UTC)
        with self._lock:
            self._now = utc

    def advance(self, delta: dt.timedelta) -> dt.datetime:
        with self._lock:
            self._now += delta
            return self._now


# --- citizen.jalali ------------------------------------------------------------------------

def add_months(day: jdatetime.date, months: int) -> jdatetime.date:
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last = 31 if month <= 6 else 30 if month <= 11 else (
        30 if jdatetime.date(year, 1, 1).isleap() else 29)
    return jdatetime.date(year, month, min(day.day, last))


# --- registry.lifecycle + registry.errors ------------------------------------------------

class Status(Enum):
    AWAITING_PAYMENT = "awaiting-payment"
    REGISTERED = "registered"
    BOOKED = "booked"
    COMPLETED = "completed"
    APPROVED = "approved"
    ISSUED = "issued"
    READY_FOR_COLLECTION = "ready-for-collection"
    DELIVERED = "delivered"
    VOIDED = "voided"
    CANCELLED = "cancelled"


_TRANSITIONS = {
    Status.AWAITING_PAYMENT: {Status.REGISTERED, Status.CANCELLED},
    Status.REGISTERED: {Status.BOOKED, Status.CANCELLED},
    Status.BOOKED: {Status.COMPLETED, Status.REGISTERED, Status.CANCELLED},
    Status.COMPLETED: {Status.APPROVED, Status.CANCELLED},
    Status.APPROVED: {Status.ISSUED},
    Status.ISSUED: {Status.READY_FOR_COLLECTION, Status.VOIDED},
    Status.READY_FOR_COLLECTION: {Status.DELIVERED, Status.VOIDED},
    Status.VOIDED: {Status.DELIVERED},
    Status.DELIVERED: set(),
    Status.CANCELLED: set(),
}
FINAL = frozenset(s for s, targets in _TRANSITIONS.items() if not targets)
BOOKING_WINDOW_MONTHS = 2
MISSED_APPOINTMENT_BAR_DAYS = 4


class TransitionRefused(RegistryError):
    def __init__(self, from_status: Status, to_status: Status) -> None:
        super().__init__(f"an application cannot go from {from_status.value} "
                         f"to {to_status.value}")
        self.from_status = from_status
        self.to_status = to_status


def check_transition(from_status: Status, to_status: Status) -> Status:
    if to_status not in _TRANSITIONS[from_status]:
        raise TransitionRefused(from_status, to_status)
    return to_status


class BookingBlock(Enum):
    WINDOW_CLOSED = "window-closed"
    BARRED_AFTER_MISSED = "barred-after-missed"


class BookingNotAllowed(RegistryError):
    def __init__(self, block: BookingBlock, until: jdatetime.date | None) -> None:
        super().__init__(f"booking not allowed: {block.value} ({until})")
        self.block = block
        self.until = until


def last_booking_day(registered_on: jdatetime.date) -> jdatetime.date:
    return add_months(registered_on, BOOKING_WINDOW_MONTHS)


def rebooking_opens(missed_on: jdatetime.date) -> jdatetime.date:
    return missed_on + dt.timedelta(days=MISSED_APPOINTMENT_BAR_DAYS + 1)


@dataclass(frozen=True)
class BookingCheck:
    allowed: bool
    book_by: jdatetime.date
    block: BookingBlock | None = None
    until: jdatetime.date | None = None

    def require(self) -> None:
        if self.block is not None:
            raise BookingNotAllowed(self.block, self.until)


def check_booking(registered_on: jdatetime.date, today: jdatetime.date,
                  missed_on: jdatetime.date | None = None) -> BookingCheck:
    book_by = last_booking_day(registered_on)
    if today > book_by:
        return BookingCheck(False, book_by, BookingBlock.WINDOW_CLOSED, book_by)
    if missed_on is not None:
        opens = rebooking_opens(missed_on)
        if today < opens:
            return BookingCheck(False, book_by, BookingBlock.BARRED_AFTER_MISSED, opens)
    return BookingCheck(True, book_by)


# --- registry.eligibility ------------------------------------------------------------------

class ApplicationKind(Enum):
    FIRST_CARD = "first-card"
    RENEWAL_REQUIRED = "renewal-required"
    RENEWAL_OPTIONAL = "renewal-optional"
    DUPLICATE = "duplicate"
    REPLACEMENT = "replacement"


# --- registry.tracking (+ InvalidTrackingCode from registry.errors) -----------------------

class CodeProblem(Enum):
    MISSING = "missing"
    NOT_DIGITS = "not-digits"
    LENGTH = "length"
    CHECK_DIGIT = "check-digit"


class InvalidTrackingCode(RegistryError):
    def __init__(self, problem: CodeProblem, what: str = "tracking code") -> None:
        super().__init__(f"not a valid {what}: {problem.value}")
        self.problem = problem
        self.what = what


def _luhn_digit(digits: str) -> int:      # interim only: the domain's codes use Damm
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return (10 - total % 10) % 10


@dataclass(frozen=True)
class TrackingCode:
    digits: str

    def __str__(self) -> str:
        return self.digits


def new_tracking_code() -> TrackingCode:
    body = "".join(str(secrets.randbelow(10)) for _ in range(19))
    return TrackingCode(body + str(_luhn_digit(body)))


def parse_tracking_code(text: str) -> TrackingCode:
    digits = "".join(c for c in normalize_digits(text) if c not in " -_./\u200c")
    if not digits:
        raise InvalidTrackingCode(CodeProblem.MISSING)
    if not (digits.isascii() and digits.isdigit()):
        raise InvalidTrackingCode(CodeProblem.NOT_DIGITS)
    if len(digits) != 20:
        raise InvalidTrackingCode(CodeProblem.LENGTH)
    if _luhn_digit(digits[:-1]) != int(digits[-1]):
        raise InvalidTrackingCode(CodeProblem.CHECK_DIGIT)
    return TrackingCode(digits)


# --- fees: an adapter over registry.fees.FEE_BOOK on merge ----------------------------------

class FeeSource(Protocol):
    """What the registry charges, in integer rial, on a Solar Hijri day."""

    def registration_fee(self, kind: ApplicationKind, duplicate_number: int,
                         on: jdatetime.date) -> int: ...

    def booking_fee(self, on: jdatetime.date) -> int: ...


class InterimFees:
    """The 1402 figures the registry needs until ``registry.fees`` is wired in."""

    _TOMAN = {ApplicationKind.FIRST_CARD: 60_000, ApplicationKind.RENEWAL_REQUIRED: 60_000,
              ApplicationKind.RENEWAL_OPTIONAL: 60_000, ApplicationKind.REPLACEMENT: 50_000}
    _DUPLICATE_TOMAN = (72_000, 120_000, 180_000)

    def registration_fee(self, kind: ApplicationKind, duplicate_number: int,
                         on: jdatetime.date) -> int:
        if kind is ApplicationKind.DUPLICATE:
            n = min(max(duplicate_number, 1), len(self._DUPLICATE_TOMAN))
            return self._DUPLICATE_TOMAN[n - 1] * 10
        return self._TOMAN[kind] * 10

    def booking_fee(self, on: jdatetime.date) -> int:
        return 259_963            # smart card registration, office tariff (final, rial)
