"""An application's statuses, the moves between them, and its deadlines.

::

    awaiting-payment     → registered | cancelled (not paid)
    registered           → booked | cancelled (withdrawn, booking window lapsed)
    booked               → completed | registered (appointment missed) | cancelled
    completed            → approved | cancelled (rejected by the office manager)
    approved             → issued
    issued               → ready-for-collection | voided
    ready-for-collection → delivered | voided (not collected 6 months after issue)
    voided               → delivered (late collection, at the higher fee)

Deadlines are pure functions of dates; the caller takes "today" from the clock. A
deadline is the **last day** an action is allowed, inclusive:

* book by: two months after registering (1403/01/15 → 1403/03/15);
* a missed appointment bars rebooking for the four days after it: missed on
  1403/05/10 → barred 05/11-05/14, booking again from 1403/05/15;
* collect by: six months after issue; from the next day the card is void and a late
  collection costs the higher (double) fee;
* the card is expected 15 days to one month after completion (older article), about
  20 working days (newer article): :func:`expected_ready` gives all three as data.

Months are calendar months, clamped to a shorter month's last day (1403/06/31 + 2
months = 1403/08/30; 1404/06/31 + 6 months = 1404/12/29, 1404 not being leap).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum
from types import MappingProxyType

import jdatetime

from citizen.jalali import add_months, as_jalali
from registry.errors import BookingNotAllowed, TransitionRefused

BOOKING_WINDOW_MONTHS = 2
MISSED_APPOINTMENT_BAR_DAYS = 4
COLLECTION_MONTHS = 6
READY_EARLIEST_DAYS = 15
READY_LATEST_MONTHS = 1
READY_WORKING_DAYS = 20


class Status(Enum):
    """Where an application stands."""

    AWAITING_PAYMENT = "awaiting-payment"  # the form is in; the online fee is not paid yet
    REGISTERED = "registered"  # pre-registered and paid online; no appointment yet
    BOOKED = "booked"          # holds a firm appointment at an office
    COMPLETED = "completed"    # photo, ten fingers and documents taken at the office
    APPROVED = "approved"      # the office manager approved the registration
    ISSUED = "issued"          # the card is made (its issue date starts the 6 months)
    READY_FOR_COLLECTION = "ready-for-collection"  # at the office; applicant told (SMS)
    DELIVERED = "delivered"    # handed over and activated: final
    VOIDED = "voided"          # not collected within 6 months of issue; late collection only
    CANCELLED = "cancelled"    # withdrawn, booking window lapsed, or rejected: final


TRANSITIONS: Mapping[Status, frozenset[Status]] = MappingProxyType({
    # cancelled here: payment declined, timed out or abandoned
    Status.AWAITING_PAYMENT: frozenset({Status.REGISTERED, Status.CANCELLED}),
    Status.REGISTERED: frozenset({Status.BOOKED, Status.CANCELLED}),
    # back to registered: the appointment was missed or given up
    Status.BOOKED: frozenset({Status.COMPLETED, Status.REGISTERED, Status.CANCELLED}),
    # cancelled here: the manager rejected the registration
    Status.COMPLETED: frozenset({Status.APPROVED, Status.CANCELLED}),
    Status.APPROVED: frozenset({Status.ISSUED}),
    # an issued card never made ready for collection still voids 6 months after issue
    Status.ISSUED: frozenset({Status.READY_FOR_COLLECTION, Status.VOIDED}),
    Status.READY_FOR_COLLECTION: frozenset({Status.DELIVERED, Status.VOIDED}),
    Status.VOIDED: frozenset({Status.DELIVERED}),  # late collection, at the higher fee
    Status.DELIVERED: frozenset(),
    Status.CANCELLED: frozenset(),
})
"""Every allowed move; anything else is refused with :class:`TransitionRefused`."""

FINAL = frozenset(s for s, targets in TRANSITIONS.items() if not targets)


def can_move(from_status: Status, to_status: Status) -> bool:
    return to_status in TRANSITIONS[from_status]


def check_transition(from_status: Status, to_status: Status) -> Status:
    """``to_status`` when the table allows the move, else TransitionRefused(from, to)."""
    if not can_move(from_status, to_status):
        raise TransitionRefused(from_status, to_status)
    return to_status


# deadlines ---------------------------------------------------------------------------

def last_booking_day(registered_on: jdatetime.date) -> jdatetime.date:
    """The last day an appointment may be booked: two months after registering."""
    return add_months(registered_on, BOOKING_WINDOW_MONTHS)


def rebooking_opens(missed_on: jdatetime.date) -> jdatetime.date:
    """The first day booking is allowed again after an appointment missed on ``missed_on``."""
    return as_jalali(missed_on) + timedelta(days=MISSED_APPOINTMENT_BAR_DAYS + 1)


def last_collection_day(issued_on: jdatetime.date) -> jdatetime.date:
    """The last day the card is collected at the normal fee: six months after issue."""
    return add_months(issued_on, COLLECTION_MONTHS)


def is_void_due(issued_on: jdatetime.date, today: jdatetime.date) -> bool:
    """Whether an uncollected card issued on ``issued_on`` is void on ``today``."""
    return as_jalali(today) > last_collection_day(issued_on)


def is_late_collection(status: Status, issued_on: jdatetime.date,
                       today: jdatetime.date) -> bool:
    """Whether handing the card over today costs the higher fee (voided, or due to be)."""
    return status is Status.VOIDED or is_void_due(issued_on, today)


class BookingBlock(Enum):
    """Why an appointment may not be booked today."""

    WINDOW_CLOSED = "window-closed"              # more than two months since registering
    BARRED_AFTER_MISSED = "barred-after-missed"  # within four days of a missed appointment


@dataclass(frozen=True)
class BookingCheck:
    """Whether booking is allowed today; if not, why and the date that matters.

    ``until``: for WINDOW_CLOSED the last day booking was open; for BARRED_AFTER_MISSED
    the first day it opens again. ``book_by`` is always the last day of the window.
    """

    allowed: bool
    book_by: jdatetime.date
    block: BookingBlock | None = None
    until: jdatetime.date | None = None

    def require(self) -> None:
        """Raise BookingNotAllowed when booking is not allowed."""
        if self.block is not None:
            raise BookingNotAllowed(self.block, self.until)


def check_booking(registered_on: jdatetime.date, today: jdatetime.date,
                  missed_on: jdatetime.date | None = None) -> BookingCheck:
    """Apply the two booking deadlines; the closed window wins over a bar."""
    today = as_jalali(today)
    book_by = last_booking_day(registered_on)
    if today > book_by:
        return BookingCheck(False, book_by, BookingBlock.WINDOW_CLOSED, book_by)
    if missed_on is not None:
        opens = rebooking_opens(missed_on)
        if today < opens:
            return BookingCheck(False, book_by, BookingBlock.BARRED_AFTER_MISSED, opens)
    return BookingCheck(True, book_by)


# when the card should be ready -----------------------------------------------------

WEEKEND = frozenset({5, 6})
"""jdatetime weekdays (Saturday = 0): Thursday and Friday, when offices are closed."""
FIXED_HOLIDAYS = frozenset({
    (1, 1), (1, 2), (1, 3), (1, 4),  # Nowruz
    (1, 12),                         # Islamic Republic Day
    (1, 13),                         # Nature Day
    (3, 14), (3, 15),                # Khordad 14 and 15
    (11, 22),                        # Revolution Day
    (12, 29),                        # oil nationalisation
})
"""Solar Hijri public holidays (month, day). Lunar holidays move every year: callers
that know them pass them as ``holidays``."""


def is_working_day(day: jdatetime.date,
                   holidays: frozenset[jdatetime.date] = frozenset()) -> bool:
    """Not a Thursday, Friday, fixed Solar holiday or one of ``holidays``."""
    day = as_jalali(day)
    return (day.weekday() not in WEEKEND and (day.month, day.day) not in FIXED_HOLIDAYS
            and day not in holidays)


def add_working_days(start: jdatetime.date, days: int,
                     holidays: frozenset[jdatetime.date] = frozenset()) -> jdatetime.date:
    """The ``days``-th working day after ``start`` (``start`` itself not counted)."""
    if days < 0:
        raise ValueError("only forward")
    day = as_jalali(start)
    while days:
        day += timedelta(days=1)
        if is_working_day(day, holidays):
            days -= 1
    return day


@dataclass(frozen=True)
class ReadyEstimate:
    """When a card completed on ``completed_on`` should be ready: an estimate, not a rule."""

    completed_on: jdatetime.date
    earliest: jdatetime.date       # 15 days after completion (older article)
    latest: jdatetime.date         # one month after completion (older article)
    working_days: jdatetime.date   # 20 working days after completion (newer article)


def expected_ready(completed_on: jdatetime.date,
                   holidays: frozenset[jdatetime.date] = frozenset()) -> ReadyEstimate:
    """The three estimates of the two articles for a registration completed that day."""
    completed_on = as_jalali(completed_on)
    return ReadyEstimate(
        completed_on=completed_on,
        earliest=completed_on + timedelta(days=READY_EARLIEST_DAYS),
        latest=add_months(completed_on, READY_LATEST_MONTHS),
        working_days=add_working_days(completed_on, READY_WORKING_DAYS, holidays),
    )
