"""INTERIM stand-ins for the domain modules being written in parallel. Swap on merge.

Everything here has a twin coming in ``registry/clock.py``, ``registry/lifecycle.py``,
``registry/eligibility.py``, ``registry/fees.py`` and ``registry/tracking.py``. The rest
of this package reaches these names only through this module, so the merge is: point
each import below at the domain module, then delete this file.

- ``Clock``, ``SystemClock``, ``ManualClock``, ``local_day``  -> registry.clock
- ``ApplicationStatus``, ``check_transition``                -> registry.lifecycle
- ``BookingRules``, ``booking_refusal``                      -> registry.eligibility/lifecycle
- ``FeeSource``, ``InterimFees``                              -> registry.fees
- ``new_tracking_code``, ``normalize_tracking_code``          -> registry.tracking
"""

from __future__ import annotations

import datetime as dt
import secrets
import threading
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

import jdatetime

from citizen.digits import normalize_digits
from registry.refusals import BookingRefusal, TransitionRefused

# --- time -------------------------------------------------------------------------------

#: Iran Standard Time. No daylight saving since 1401 (2022), so a fixed offset is exact.
IRAN = dt.timezone(dt.timedelta(hours=3, minutes=30), "IRST")


class Clock(Protocol):
    """The one source of "now": aware UTC datetimes."""

    def now(self) -> dt.datetime: ...


class SystemClock:
    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)


class ManualClock:
    """A clock tests move by hand; safe to read from many threads."""

    def __init__(self, start: dt.datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("a clock gives aware datetimes")
        self._now = start
        self._lock = threading.Lock()

    def now(self) -> dt.datetime:
        with self._lock:
            return self._now

    def advance(self, delta: dt.timedelta) -> dt.datetime:
        with self._lock:
            self._now += delta
            return self._now

    def set(self, at: dt.datetime) -> None:
        with self._lock:
            self._now = at


def local_day(at: dt.datetime) -> dt.date:
    """The calendar day in Iran at instant ``at`` (appointments are local days)."""
    return at.astimezone(IRAN).date()


# --- application status -----------------------------------------------------------------

class ApplicationStatus(StrEnum):
    AWAITING_PAYMENT = "awaiting-payment"   # interim: registered data, fee not yet paid
    REGISTERED = "registered"
    BOOKED = "booked"
    COMPLETED = "completed"
    APPROVED = "approved"
    ISSUED = "issued"
    READY_FOR_COLLECTION = "ready-for-collection"
    DELIVERED = "delivered"
    VOIDED = "voided"


#: Finished applications: a new one may be opened for the same national code.
CLOSED_STATUSES = frozenset({ApplicationStatus.DELIVERED, ApplicationStatus.VOIDED})

_ALLOWED = {
    ApplicationStatus.AWAITING_PAYMENT: {ApplicationStatus.REGISTERED},
    ApplicationStatus.REGISTERED: {ApplicationStatus.BOOKED},
    # a missed appointment puts the application back to "registered" (rebook after the bar)
    ApplicationStatus.BOOKED: {ApplicationStatus.COMPLETED, ApplicationStatus.REGISTERED},
    ApplicationStatus.COMPLETED: {ApplicationStatus.APPROVED},
    ApplicationStatus.APPROVED: {ApplicationStatus.ISSUED},
    ApplicationStatus.ISSUED: {ApplicationStatus.READY_FOR_COLLECTION},
    ApplicationStatus.READY_FOR_COLLECTION: {ApplicationStatus.DELIVERED,
                                             ApplicationStatus.VOIDED},
}


def check_transition(current: str, wanted: ApplicationStatus) -> None:
    """Refuse a status change the lifecycle does not allow (TransitionRefused)."""
    if wanted not in _ALLOWED.get(ApplicationStatus(current), set()):
        raise TransitionRefused(current, wanted.value)


# --- booking rules ----------------------------------------------------------------------

@dataclass(frozen=True)
class BookingRules:
    """Deadlines around booking, as parameters (the brief's figures by default)."""

    window_months: int = 2        # months to book after registering (Solar Hijri months)
    missed_bar_days: int = 4      # days a missed appointment bars rebooking
    hold_minutes: int = 10        # how long a chosen place is kept for payment


def add_jalali_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus whole Solar Hijri months, clamped to the target month's last day."""
    j = jdatetime.date.fromgregorian(date=day)
    index = j.month - 1 + months
    year, month = j.year + index // 12, index % 12 + 1
    last = jdatetime.j_days_in_month[month - 1]
    if month == 12 and jdatetime.date(year, 1, 1).isleap():
        last = 30
    return jdatetime.date(year, month, min(j.day, last)).togregorian()


def booking_refusal(rules: BookingRules, registered_on: dt.date, today: dt.date,
                    last_missed_day: dt.date | None) -> tuple[BookingRefusal, dt.date] | None:
    """Why booking is refused today, with the day that matters, or None when it is allowed.

    WINDOW_CLOSED carries the last day booking was allowed; MISSED_BAR the first day it
    is allowed again.
    """
    deadline = add_jalali_months(registered_on, rules.window_months)
    if today > deadline:
        return BookingRefusal.WINDOW_CLOSED, deadline
    if last_missed_day is not None:
        allowed_from = last_missed_day + dt.timedelta(days=rules.missed_bar_days + 1)
        if today < allowed_from:
            return BookingRefusal.MISSED_BAR, allowed_from
    return None


# --- fees -------------------------------------------------------------------------------

class FeeSource(Protocol):
    """What the registry charges, in integer rial."""

    def registration_fee(self, kind: str, on: dt.date) -> int: ...

    def booking_fee(self, kind: str, on: dt.date) -> int: ...


class InterimFees:
    """The 1402 schedule's few figures the registry needs until ``registry.fees`` lands."""

    _REGISTRATION_TOMAN = {"first-card": 60_000, "duplicate": 72_000, "replacement": 50_000,
                           "renewal": 60_000}
    OFFICE_REGISTRATION_RIAL = 259_963      # smart card registration, office tariff (final)

    def registration_fee(self, kind: str, on: dt.date) -> int:
        return self._REGISTRATION_TOMAN.get(kind, 60_000) * 10

    def booking_fee(self, kind: str, on: dt.date) -> int:
        return self.OFFICE_REGISTRATION_RIAL


# --- tracking codes ---------------------------------------------------------------------

def _luhn_digit(digits: str) -> int:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return (10 - total % 10) % 10


def new_tracking_code() -> str:
    """16 digits: 15 from the OS's CSPRNG and a Luhn check digit (opaque to storage)."""
    body = f"{secrets.randbelow(10**15):015d}"
    return body + str(_luhn_digit(body))


def normalize_tracking_code(text: str) -> str:
    """A typed tracking code folded to ASCII digits without separators."""
    return normalize_digits(text).replace("-", "").replace(" ", "").strip()
