"""What the registry charges, read from the dated fee book (``registry.fees``).

The service asks this small interface so a test (or another country's schedule) can
give other figures without touching the service. Every charge is a
:class:`registry.fees.Receipt` (lines and shares in integer rial), kept with its payment.
"""

from __future__ import annotations

from typing import Protocol

import jdatetime

from registry.eligibility import ApplicationKind
from registry.fee_schedules import FEE_BOOK
from registry.fees import FeeBook, FeeItem, Receipt


class FeeSource(Protocol):
    """What the registry charges on a Solar Hijri day, as receipts."""

    def registration_receipt(self, kind: ApplicationKind, duplicate_number: int,
                             on: jdatetime.date) -> Receipt: ...

    def booking_receipt(self, on: jdatetime.date) -> Receipt: ...

    def delivery_receipt(self, on: jdatetime.date, late: bool) -> Receipt: ...


class FeeBookSource:
    """The fee book's card fee for the application; the office registration tariff for
    the appointment (paid online to make it firm, it is the completion fee); the office
    delivery tariff, doubled for a late collection."""

    def __init__(self, book: FeeBook = FEE_BOOK) -> None:
        self.book = book

    def registration_receipt(self, kind: ApplicationKind, duplicate_number: int,
                             on: jdatetime.date) -> Receipt:
        return Receipt(on, (self.book.card_fee_line(kind, on, duplicate_number),))

    def booking_receipt(self, on: jdatetime.date) -> Receipt:
        return self.book.office_receipt(FeeItem.OFFICE_REGISTRATION, on)

    def delivery_receipt(self, on: jdatetime.date, late: bool) -> Receipt:
        return self.book.delivery_receipt(on, late=late)
