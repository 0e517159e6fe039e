"""What the registry refuses, as typed errors with data the faces word themselves.

All derive from :class:`registry.errors.RegistryError`.
The lifecycle's own refusals (TransitionRefused, BookingNotAllowed) and malformed
tracking codes (InvalidTrackingCode) come from the domain modules.
Texts are for developers and logs; none holds a tracking code, birth date or mother's
name, since logs are read by more people than the applicant.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import TYPE_CHECKING

import jdatetime

from registry.errors import RegistryError

if TYPE_CHECKING:
    from registry.lifecycle import Status


class NotFound(RegistryError):
    """No such thing. ``kind`` is one of application, office, appointment, payment.

    An unknown tracking code and a wrong one look the same on purpose.
    """

    def __init__(self, kind: str) -> None:
        super().__init__(f"no such {kind}")
        self.kind = kind


class InvalidRequest(RegistryError):
    """A request field breaks a rule of form (``field`` names it, ``reason`` says which)."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class ApplicationExists(RegistryError):
    """This national code already has an application in progress (``status``)."""

    def __init__(self, status: Status) -> None:
        super().__init__(f"an application for this national code is already {status.value}")
        self.status = status


# --- appointments -----------------------------------------------------------------------

class SlotGone(RegistryError):
    """No free place is left at this office on this day (someone else took the last)."""

    def __init__(self, office_id: int, day: jdatetime.date) -> None:
        super().__init__(f"office {office_id} has no free place on {day.isoformat()}")
        self.office_id = office_id
        self.day = day


class OfficeClosed(RegistryError):
    """The office does not take appointments on this day."""

    def __init__(self, office_id: int, day: jdatetime.date) -> None:
        super().__init__(f"office {office_id} is closed on {day.isoformat()}")
        self.office_id = office_id
        self.day = day


class BookingRefusal(StrEnum):
    """Why a place cannot be held, besides the lifecycle's deadlines (BookingNotAllowed)."""

    NOT_REGISTERED = "not-registered"    # the registration fee is not paid yet
    DAY_PASSED = "day-passed"            # the day asked for is before today (``day``)
    ALREADY_BOOKED = "already-booked"    # a firm booking exists; it must be used or missed
    NOT_BOOKABLE = "not-bookable"        # the application is past booking (completed, ...)


class BookingRefused(RegistryError):
    """Booking is not allowed for this application now; ``day`` is the date involved."""

    def __init__(self, reason: BookingRefusal, day: jdatetime.date | None = None) -> None:
        super().__init__(f"booking refused: {reason.value}"
                         + (f" ({day.isoformat()})" if day else ""))
        self.reason = reason
        self.day = day


class AppointmentRefusal(StrEnum):
    NOT_BOOKED = "not-booked"            # only a firm booking can be attended or missed
    NOT_YET = "not-yet"                  # the appointment's day has not come


class AppointmentNotMarkable(RegistryError):
    def __init__(self, appointment_id: int, reason: AppointmentRefusal) -> None:
        super().__init__(f"appointment {appointment_id} cannot be marked: {reason.value}")
        self.appointment_id = appointment_id
        self.reason = reason


# --- payments ---------------------------------------------------------------------------

class PaymentRefusal(StrEnum):
    NOTHING_DUE = "nothing-due"          # the fee this payment would pay is already paid
    NO_LIVE_HOLD = "no-live-hold"        # no place is held now (it lapsed, or none chosen)


class PaymentRefused(RegistryError):
    def __init__(self, reason: PaymentRefusal) -> None:
        super().__init__(f"no payment can start: {reason.value}")
        self.reason = reason


class IdempotencyConflict(RegistryError):
    """The idempotency key was already used for a different payment."""

    def __init__(self) -> None:
        super().__init__("this idempotency key belongs to another payment")


class GatewayUnavailable(RegistryError):
    """The payment gateway did not answer; nothing was charged under a new key."""

    def __init__(self, gateway: str, detail: str = "") -> None:
        super().__init__(f"the payment gateway {gateway} is unavailable"
                         + (f": {detail}" if detail else ""))
        self.gateway = gateway


# --- recovery ---------------------------------------------------------------------------

class LimitScope(StrEnum):
    NATIONAL_CODE = "national-code"      # too many attempts for this national code
    CLIENT = "client"                    # too many attempts from this kiosk / client


class RateLimited(RegistryError):
    """Too many recovery attempts; the next one is accepted at ``retry_at`` (UTC)."""

    def __init__(self, scope: LimitScope, retry_at: dt.datetime) -> None:
        super().__init__(f"too many attempts ({scope.value}); retry at {retry_at.isoformat()}")
        self.scope = scope
        self.retry_at = retry_at
