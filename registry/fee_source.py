"""What the registry charges, read from the dated fee book (``registry.fees``).

The service asks this small interface so a test (or another country's schedule) can
give other figures without touching the service.
"""

from __future__ import annotations

from typing import Protocol

import jdatetime

from registry.eligibility import ApplicationKind
from registry.fee_schedules import FEE_BOOK
from registry.fees import FeeBook, FeeItem


class FeeSource(Protocol):
    """What the registry charges, in integer rial, on a Solar Hijri day."""

    def registration_fee(self, kind: ApplicationKind, duplicate_number: int,
                         on: jdatetime.date) -> int: ...

    def booking_fee(self, on: jdatetime.date) -> int: ...


class FeeBookSource:
    """The fee book's card fee for the application, and the office registration tariff
    for the appointment (completed at the office)."""

    def __init__(self, book: FeeBook = FEE_BOOK) -> None:
        self.book = book

    def registration_fee(self, kind: ApplicationKind, duplicate_number: int,
                         on: jdatetime.date) -> int:
        return int(self.book.card_fee(kind, on, duplicate_number))

    def booking_fee(self, on: jdatetime.date) -> int:
        return int(self.book.office_tariff(FeeItem.OFFICE_REGISTRATION, on).final)
