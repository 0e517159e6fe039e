"""Fees as data with a date of effect, and receipts that say where each rial goes.

Two timelines, each a list of schedules that take effect on a Solar Hijri date and
stay in effect until the next one: the card fees paid to the treasury (online, at
pre-registration) and the tariffs the offices (دفاتر پیشخوان) charge for their
services. A new year's figures are a new entry in ``registry.fee_schedules``, not new
code; a :class:`FeeBook` picks the entry in effect on the day asked.

Money is an integer number of rial everywhere (``Rial``): a toman is exactly ten rial,
while office tariffs are whole rial but not whole toman (259,963 rial). Amounts are
shown in the unit the source uses: card fees in toman, office tariffs in rial.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from types import MappingProxyType
from typing import NewType, TypeVar

import jdatetime

from citizen.digits import ARABIC_DECIMAL_SEPARATOR, group_thousands, persian_digits
from citizen.jalali import as_jalali
from registry.eligibility import ApplicationKind, Eligible
from registry.errors import FeeNotDefined

Rial = NewType("Rial", int)
RIAL_PER_TOMAN = 10


def toman(amount: int) -> Rial:
    """An amount given in toman, as rial (exact)."""
    return Rial(amount * RIAL_PER_TOMAN)


class Unit(Enum):
    """The unit an amount is shown in."""

    RIAL = "rial"
    TOMAN = "toman"


def amount_digits(amount: Rial, unit: Unit = Unit.TOMAN, persian: bool = True) -> str:
    """Digits and separators of an amount, without the unit's word: ``۶۰٬۰۰۰``.

    In toman an amount that is not whole toman keeps its tenth: ``۲۵٬۹۹۶٫۳``.
    """
    if unit is Unit.RIAL:
        return group_thousands(amount, persian)
    whole, tenth = divmod(abs(amount), RIAL_PER_TOMAN)
    text = group_thousands(whole, persian)
    if tenth:
        decimal = ARABIC_DECIMAL_SEPARATOR if persian else "."
        text += decimal + (persian_digits(str(tenth)) if persian else str(tenth))
    return ("-" if amount < 0 else "") + text


class FeeItem(Enum):
    """One line of a receipt: a card fee, an office service or a surcharge."""

    # card fees, to the treasury (shown in toman)
    CARD_ISSUANCE = "card-issuance"            # first card, and renewals of old/expired cards
    CARD_DUPLICATE = "card-duplicate"          # المثنی; the line's ``number`` is n
    CARD_REPLACEMENT = "card-replacement"      # after a change of printed data, or damage
    SIGNATURE_ACTIVATION = "signature-activation"
    # office services (shown in rial); the office share, supply share and NIX share
    OFFICE_REGISTRATION = "office-registration"      # completing a registration in person
    OFFICE_DELIVERY = "office-delivery"              # handing over the issued card
    OFFICE_PIN_CHANGE = "office-pin-change"
    OFFICE_RECEIPT_REISSUE = "office-receipt-reissue"
    OFFICE_UNBLOCK = "office-unblock"                # unblocking the card
    OFFICE_CARD_REISSUE = "office-card-reissue"
    # surcharges
    PIN_CHANGE_NEW_BIRTH_CERTIFICATE = "pin-change-new-birth-certificate"  # +23,400 rial
    LATE_COLLECTION = "late-collection"        # voided card collected late: delivery again

    @property
    def source_unit(self) -> Unit:
        """Toman for card fees (as the schedules state them), rial for office tariffs."""
        return Unit.TOMAN if self in _CARD_FEES else Unit.RIAL

    @property
    def office_service(self) -> bool:
        return self in OFFICE_SERVICES


_CARD_FEES = frozenset({FeeItem.CARD_ISSUANCE, FeeItem.CARD_DUPLICATE,
                        FeeItem.CARD_REPLACEMENT, FeeItem.SIGNATURE_ACTIVATION})
OFFICE_SERVICES = frozenset({
    FeeItem.OFFICE_REGISTRATION, FeeItem.OFFICE_DELIVERY, FeeItem.OFFICE_PIN_CHANGE,
    FeeItem.OFFICE_RECEIPT_REISSUE, FeeItem.OFFICE_UNBLOCK, FeeItem.OFFICE_CARD_REISSUE})
"""What an office sells, each priced by its tariff."""


@dataclass(frozen=True)
class Shares:
    """Where an amount goes: the office, the card supplier, NIX, the treasury."""

    office: Rial = Rial(0)
    supply: Rial = Rial(0)
    nix: Rial = Rial(0)
    treasury: Rial = Rial(0)

    def __post_init__(self) -> None:
        if min(self.office, self.supply, self.nix, self.treasury) < 0:
            raise ValueError("a share cannot be negative")

    @property
    def total(self) -> Rial:
        return Rial(self.office + self.supply + self.nix + self.treasury)

    def __add__(self, other: Shares) -> Shares:
        return Shares(Rial(self.office + other.office), Rial(self.supply + other.supply),
                      Rial(self.nix + other.nix), Rial(self.treasury + other.treasury))

    def times(self, factor: int) -> Shares:
        return Shares(Rial(self.office * factor), Rial(self.supply * factor),
                      Rial(self.nix * factor), Rial(self.treasury * factor))


@dataclass(frozen=True)
class Tariff:
    """An office tariff: its shares, and the final figure the source states.

    The stated final is kept so the data checks itself: construction fails if the shares
    do not add up to it. ``maximum`` marks a ceiling (1396: "at most 9,000 toman").
    """

    final: Rial
    shares: Shares
    maximum: bool = False

    def __post_init__(self) -> None:
        if self.shares.total != self.final:
            raise ValueError(f"shares add up to {self.shares.total}, not {self.final}")


def office_tariff_of(office: int, supply: int, nix: int, final: int) -> Tariff:
    """A tariff row as the source prints it: office, supply, NIX shares and final (rial)."""
    return Tariff(Rial(final), Shares(Rial(office), Rial(supply), Rial(nix)))


@dataclass(frozen=True)
class CardFeeSchedule:
    """Card fees to the treasury, in effect from ``effective_from``."""

    effective_from: jdatetime.date
    first_card: Rial
    renewal: Rial
    duplicates: tuple[Rial, ...]      # the n-th duplicate; the last figure holds for more
    replacement: Rial
    signature_activation: Rial | None = None  # None: not a fee of this schedule
    total_cap: Rial | None = None     # at most this in all, card fee + office fees
    source: str = ""

    def __post_init__(self) -> None:
        if not self.duplicates:
            raise ValueError("a schedule prices at least the first duplicate")

    def fee(self, kind: ApplicationKind, duplicate_number: int = 0) -> Rial:
        if kind is ApplicationKind.FIRST_CARD:
            return self.first_card
        if kind in (ApplicationKind.RENEWAL_REQUIRED, ApplicationKind.RENEWAL_OPTIONAL):
            return self.renewal
        if kind is ApplicationKind.REPLACEMENT:
            return self.replacement
        if duplicate_number < 1:
            raise ValueError("a duplicate is the 1st, 2nd, ... one: duplicate_number >= 1")
        return self.duplicates[min(duplicate_number, len(self.duplicates)) - 1]


@dataclass(frozen=True)
class OfficeTariffSchedule:
    """Office tariffs (rial) in effect from ``effective_from``; VAT and postage excluded."""

    effective_from: jdatetime.date
    tariffs: Mapping[FeeItem, Tariff]
    pin_change_new_birth_certificate: Rial | None = None
    late_collection_factor: int = 2   # a voided card is delivered for double the tariff
    source: str = ""

    def __post_init__(self) -> None:
        if not set(self.tariffs) <= OFFICE_SERVICES:
            raise ValueError("office tariffs price office services only")
        if self.late_collection_factor < 1:
            raise ValueError("the late-collection factor is at least 1")
        object.__setattr__(self, "tariffs", MappingProxyType(dict(self.tariffs)))


@dataclass(frozen=True)
class ReceiptLine:
    """One item charged; ``number`` is n for the n-th duplicate, else 0."""

    item: FeeItem
    shares: Shares
    number: int = 0

    @property
    def amount(self) -> Rial:
        return self.shares.total


@dataclass(frozen=True)
class Receipt:
    """What a person pays at one counter, line by line, priced on ``priced_on``."""

    priced_on: jdatetime.date
    lines: tuple[ReceiptLine, ...]
    shares: Shares = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "priced_on", as_jalali(self.priced_on))
        total = Shares()
        for line in self.lines:
            total = total + line.shares
        object.__setattr__(self, "shares", total)

    @property
    def total(self) -> Rial:
        return self.shares.total


_Schedule = TypeVar("_Schedule", CardFeeSchedule, OfficeTariffSchedule)


def _in_effect(schedules: tuple[_Schedule, ...], on: jdatetime.date) -> _Schedule | None:
    index = bisect.bisect_right([s.effective_from for s in schedules], on)
    return schedules[index - 1] if index else None


class FeeBook:
    """All schedules known; answers what anything costs on a given day."""

    def __init__(self, card_fees: Iterable[CardFeeSchedule],
                 office_tariffs: Iterable[OfficeTariffSchedule]) -> None:
        self.card_fees = tuple(sorted(card_fees, key=lambda s: s.effective_from))
        self.office_tariffs = tuple(sorted(office_tariffs, key=lambda s: s.effective_from))
        for timeline in (self.card_fees, self.office_tariffs):
            days = [s.effective_from for s in timeline]
            if len(set(days)) != len(days):
                raise ValueError("two schedules of one kind take effect on the same day")
        for schedule in self.card_fees:
            self._check_cap(schedule)

    def card_schedule(self, on: jdatetime.date) -> CardFeeSchedule:
        """The card-fee schedule in effect on ``on`` (a Gregorian date is converted)."""
        on = as_jalali(on)
        schedule = _in_effect(self.card_fees, on)
        if schedule is None:
            raise FeeNotDefined(FeeItem.CARD_ISSUANCE, on)
        return schedule

    def office_schedule(self, on: jdatetime.date) -> OfficeTariffSchedule:
        """The office-tariff schedule in effect on ``on`` (a Gregorian date is converted)."""
        on = as_jalali(on)
        schedule = _in_effect(self.office_tariffs, on)
        if schedule is None:
            raise FeeNotDefined(FeeItem.OFFICE_REGISTRATION, on)
        return schedule

    # card fees -------------------------------------------------------------------

    def card_fee(self, kind: ApplicationKind, on: jdatetime.date,
                 duplicate_number: int = 0) -> Rial:
        """The treasury's fee for an application of ``kind`` made on ``on``."""
        return self.card_schedule(on).fee(kind, duplicate_number)

    def card_fee_line(self, kind: ApplicationKind, on: jdatetime.date,
                      duplicate_number: int = 0) -> ReceiptLine:
        amount = self.card_fee(kind, on, duplicate_number)
        item = {ApplicationKind.DUPLICATE: FeeItem.CARD_DUPLICATE,
                ApplicationKind.REPLACEMENT: FeeItem.CARD_REPLACEMENT}.get(
                    kind, FeeItem.CARD_ISSUANCE)
        number = duplicate_number if kind is ApplicationKind.DUPLICATE else 0
        return ReceiptLine(item, Shares(treasury=amount), number)

    def application_receipt(self, decision: Eligible, on: jdatetime.date) -> Receipt:
        """What is paid online at pre-registration for an eligible applicant."""
        return Receipt(on, (self.card_fee_line(decision.kind, on, decision.duplicate_number),))

    def signature_activation_fee(self, on: jdatetime.date) -> Rial:
        fee = self.card_schedule(on).signature_activation
        if fee is None:
            raise FeeNotDefined(FeeItem.SIGNATURE_ACTIVATION, on)
        return fee

    def signature_receipt(self, on: jdatetime.date) -> Receipt:
        fee = self.signature_activation_fee(on)
        return Receipt(on, (ReceiptLine(FeeItem.SIGNATURE_ACTIVATION, Shares(treasury=fee)),))

    # office tariffs --------------------------------------------------------------

    def office_tariff(self, service: FeeItem, on: jdatetime.date) -> Tariff:
        """The tariff of an office service on ``on``; FeeNotDefined if none prices it."""
        if service not in OFFICE_SERVICES:
            raise ValueError(f"{service.value} is not an office service")
        tariff = self.office_schedule(on).tariffs.get(service)
        if tariff is None:
            raise FeeNotDefined(service, on)
        return tariff

    def office_receipt(self, service: FeeItem, on: jdatetime.date, *,
                       new_model_birth_certificate: bool = False) -> Receipt:
        """An office service's receipt; a PIN change adds the new-certificate surcharge."""
        lines = [ReceiptLine(service, self.office_tariff(service, on).shares)]
        if new_model_birth_certificate:
            if service is not FeeItem.OFFICE_PIN_CHANGE:
                raise ValueError("the new-model birth-certificate surcharge is for PIN changes")
            surcharge = self.office_schedule(on).pin_change_new_birth_certificate
            if surcharge is None:
                raise FeeNotDefined(FeeItem.PIN_CHANGE_NEW_BIRTH_CERTIFICATE, on)
            # The source does not say whose share it is; the office collects it.
            lines.append(ReceiptLine(FeeItem.PIN_CHANGE_NEW_BIRTH_CERTIFICATE,
                                     Shares(office=surcharge)))
        return Receipt(on, tuple(lines))

    def delivery_receipt(self, on: jdatetime.date, *, late: bool = False) -> Receipt:
        """Handing over the card; ``late`` (the card was voided) charges the higher fee.

        The higher fee is the delivery tariff times the schedule's late-collection factor
        (double): the extra part is its own line, split in the tariff's proportions.
        """
        schedule = self.office_schedule(on)
        delivery = self.office_tariff(FeeItem.OFFICE_DELIVERY, on).shares
        lines = [ReceiptLine(FeeItem.OFFICE_DELIVERY, delivery)]
        if late and schedule.late_collection_factor > 1:
            lines.append(ReceiptLine(FeeItem.LATE_COLLECTION,
                                     delivery.times(schedule.late_collection_factor - 1)))
        return Receipt(on, tuple(lines))

    # consistency -----------------------------------------------------------------

    def journey_maximum(self, on: jdatetime.date) -> Rial:
        """The most a first card costs in all on ``on``: card fee, completion, delivery."""
        return Rial(self.card_fee(ApplicationKind.FIRST_CARD, on)
                    + self.office_tariff(FeeItem.OFFICE_REGISTRATION, on).final
                    + self.office_tariff(FeeItem.OFFICE_DELIVERY, on).final)

    def _check_cap(self, schedule: CardFeeSchedule) -> None:
        if schedule.total_cap is None:
            return
        total = self.journey_maximum(schedule.effective_from)
        if total > schedule.total_cap:
            raise ValueError(f"the schedule of {schedule.effective_from} allows {total} rial "
                             f"in all, more than its cap of {schedule.total_cap}")
