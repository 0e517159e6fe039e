"""States of the things this package books and charges: appointments and payments.

Stored as their string values. An appointment that is ``HELD`` past its expiry is a
lapsed hold: nothing rewrites it, availability simply stops counting it (no sweeper).
"""

from __future__ import annotations

from enum import StrEnum


class AppointmentState(StrEnum):
    HELD = "held"            # a place kept until ``hold_expires_at``; payment makes it firm
    BOOKED = "booked"        # firm: paid
    ATTENDED = "attended"    # the applicant came (the office recorded it)
    MISSED = "missed"        # the day passed without them; bars rebooking for a while
    RELEASED = "released"    # a hold given up for another one


#: States that take a place whatever the clock says (a live HELD row takes one too).
FIRM_STATES = (AppointmentState.BOOKED, AppointmentState.ATTENDED, AppointmentState.MISSED)


class PaymentPurpose(StrEnum):
    REGISTRATION = "registration"   # the issuance fee, paid at pre-registration
    BOOKING = "booking"             # the office's fee, paid to make a held place firm
    DELIVERY = "delivery"           # the delivery tariff, paid at the office's counter


class PaymentState(StrEnum):
    """What the bank said."""

    STARTED = "started"      # sent to the gateway, no outcome yet
    SUCCEEDED = "succeeded"  # money taken
    DECLINED = "declined"    # refused by the bank; nothing taken
    TIMED_OUT = "timed-out"  # the bank session expired; nothing taken


class Disposition(StrEnum):
    """What a succeeded payment became on our side: every one ends in one of these."""

    APPLIED = "applied"          # it paid for what it was for (registration or a place)
    REFUND_DUE = "refund-due"    # nothing to give for it (no place left, paid twice): refund
