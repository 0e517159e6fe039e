"""Who may apply for a smart national card, and as what kind of application.

The rules (brief, from the two source articles):

* Iranian nationals of 15 full Solar Hijri years or more, with a valid photo birth
  certificate, who never had a national card: a first card.
* A lost card (old or smart): a duplicate (المثنی); the n-th duplicate is priced by n.
* A changed printed field (first name, surname, birth date, birth-certificate number,
  father's name) or a damaged card: a replacement.
* An old (non-smart) card issued 1380-1389: renewal required; issued 1390-1396: still
  valid, renewal optional.
* Applicants abroad get the old model, not the smart card.

Where the articles are silent (each choice is a line below, and a test):

* An old card issued before 1380 is older than the ones that must renew: required.
* An old card issued after 1396 (only issued abroad by then) is valid: optional.
* A smart card whose printed expiry date has passed: renewal required. A valid smart
  card with nothing lost, changed or damaged: refused.
* Renewals are priced as a first smart-card registration (see ``fees``).

The decision is data: :class:`Eligible` (with the kind and why) or :class:`Refused`
(with the reason and, for age, the first day the applicant qualifies).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import Enum

import jdatetime

from citizen.jalali import anniversary, as_jalali, full_years_between
from registry.errors import NotEligible

MINIMUM_AGE = 15
"""Full Solar Hijri years."""
MUST_RENEW_YEARS = range(1380, 1390)
"""Old cards issued in these years must be renewed."""
MAY_RENEW_YEARS = range(1390, 1397)
"""Old cards issued in these years stay valid; holders may still apply."""


class PrintedField(Enum):
    """A field printed on the card whose change calls for a replacement."""

    GIVEN_NAME = "given-name"
    SURNAME = "surname"
    BIRTH_DATE = "birth-date"
    BIRTH_CERTIFICATE_NUMBER = "birth-certificate-number"
    FATHER_NAME = "father-name"


class CardModel(Enum):
    """Which national card someone holds."""

    OLD = "old"      # کارت شناسایی ملی, paper-laminate, no chip
    SMART = "smart"  # کارت ملی هوشمند


@dataclass(frozen=True)
class NoCard:
    """Never received a national card of either model."""


@dataclass(frozen=True)
class HeldCard:
    """Holds an intact card whose printed data is still right."""

    model: CardModel
    issued_year: int
    expires_on: jdatetime.date | None = None  # printed on smart cards


@dataclass(frozen=True)
class LostCard:
    """Lost (or stolen) the card; ``duplicates_before`` duplicates were issued already."""

    duplicates_before: int = 0

    def __post_init__(self) -> None:
        if self.duplicates_before < 0:
            raise ValueError("duplicates_before cannot be negative")


@dataclass(frozen=True)
class ChangedData:
    """A printed field changed since the card was issued (at least one)."""

    fields: frozenset[PrintedField]

    def __post_init__(self) -> None:
        if not self.fields:
            raise ValueError("a data change names at least one printed field")


@dataclass(frozen=True)
class DamagedCard:
    """Holds a card that no longer works or reads (broken, chip dead)."""


CardSituation = NoCard | HeldCard | LostCard | ChangedData | DamagedCard


@dataclass(frozen=True)
class Applicant:
    """What eligibility depends on."""

    birth_date: jdatetime.date
    card: CardSituation = field(default_factory=NoCard)
    abroad: bool = False
    iranian: bool = True
    photo_birth_certificate: bool = True


class ApplicationKind(Enum):
    """What an eligible applicant applies for; fees are priced by it."""

    FIRST_CARD = "first-card"                # never had a national card
    RENEWAL_REQUIRED = "renewal-required"    # old card of 1380-1389 (or older), expired smart
    RENEWAL_OPTIONAL = "renewal-optional"    # old card of 1390-1396 (or later), still valid
    DUPLICATE = "duplicate"                  # المثنی after a loss; ``duplicate_number`` is n
    REPLACEMENT = "replacement"              # printed data changed, or the card is damaged


class Basis(Enum):
    """Why the applicant is eligible: the rule that applied, for the face to explain."""

    NEVER_HAD_CARD = "never-had-card"
    OLD_CARD_BEFORE_1380 = "old-card-before-1380"
    OLD_CARD_1380_1389 = "old-card-1380-1389"
    OLD_CARD_1390_1396 = "old-card-1390-1396"
    OLD_CARD_AFTER_1396 = "old-card-after-1396"
    SMART_CARD_EXPIRED = "smart-card-expired"
    CARD_LOST = "card-lost"
    DATA_CHANGED = "data-changed"
    CARD_DAMAGED = "card-damaged"


class Refusal(Enum):
    """Why an applicant may not apply for a smart card (checked in this order)."""

    NOT_IRANIAN = "not-iranian"                   # the card is for Iranian nationals
    BIRTH_DATE_IN_FUTURE = "birth-date-in-future"  # the birth date is after the day asked
    ABROAD = "abroad"                             # abroad: the old model is issued instead
    UNDER_AGE = "under-age"                       # under 15 full Solar Hijri years
    NO_PHOTO_BIRTH_CERTIFICATE = "no-photo-birth-certificate"  # needs a valid photo one
    ISSUE_YEAR_INVALID = "issue-year-invalid"     # card issued after today or before birth
    HOLDS_VALID_SMART_CARD = "holds-valid-smart-card"  # nothing lost, changed or damaged


@dataclass(frozen=True)
class Eligible:
    """May apply, as ``kind``; ``duplicate_number`` is n for the n-th duplicate, else 0."""

    kind: ApplicationKind
    basis: Basis
    duplicate_number: int = 0
    changed_fields: frozenset[PrintedField] = frozenset()

    @property
    def eligible(self) -> bool:
        return True


@dataclass(frozen=True)
class Refused:
    """May not apply; ``eligible_from`` is the 15th birthday for ``UNDER_AGE``."""

    reason: Refusal
    eligible_from: jdatetime.date | None = None

    @property
    def eligible(self) -> bool:
        return False


Eligibility = Eligible | Refused


def decide(applicant: Applicant, on: jdatetime.date) -> Eligibility:
    """Whether ``applicant`` may apply on ``on``, and as what; refusals in a fixed order."""
    on = as_jalali(on)
    if not isinstance(applicant.birth_date, jdatetime.date):
        applicant = replace(applicant, birth_date=as_jalali(applicant.birth_date))
    if not applicant.iranian:
        return Refused(Refusal.NOT_IRANIAN)
    if applicant.birth_date > on:
        return Refused(Refusal.BIRTH_DATE_IN_FUTURE)
    if applicant.abroad:
        return Refused(Refusal.ABROAD)
    if full_years_between(applicant.birth_date, on) < MINIMUM_AGE:
        return Refused(Refusal.UNDER_AGE,
                       eligible_from=anniversary(applicant.birth_date, MINIMUM_AGE))
    if not applicant.photo_birth_certificate:
        return Refused(Refusal.NO_PHOTO_BIRTH_CERTIFICATE)
    return _by_card(applicant, on)


def _by_card(applicant: Applicant, on: jdatetime.date) -> Eligibility:
    card = applicant.card
    if isinstance(card, NoCard):
        return Eligible(ApplicationKind.FIRST_CARD, Basis.NEVER_HAD_CARD)
    if isinstance(card, LostCard):
        return Eligible(ApplicationKind.DUPLICATE, Basis.CARD_LOST,
                        duplicate_number=card.duplicates_before + 1)
    if isinstance(card, ChangedData):
        return Eligible(ApplicationKind.REPLACEMENT, Basis.DATA_CHANGED,
                        changed_fields=card.fields)
    if isinstance(card, DamagedCard):
        return Eligible(ApplicationKind.REPLACEMENT, Basis.CARD_DAMAGED)
    return _held(card, applicant.birth_date, on)


def _held(card: HeldCard, birth: jdatetime.date, on: jdatetime.date) -> Eligibility:
    if not birth.year <= card.issued_year <= on.year:
        return Refused(Refusal.ISSUE_YEAR_INVALID)
    if card.model is CardModel.SMART:
        if card.expires_on is not None and card.expires_on < on:
            return Eligible(ApplicationKind.RENEWAL_REQUIRED, Basis.SMART_CARD_EXPIRED)
        return Refused(Refusal.HOLDS_VALID_SMART_CARD)
    if card.issued_year < MUST_RENEW_YEARS.start:
        return Eligible(ApplicationKind.RENEWAL_REQUIRED, Basis.OLD_CARD_BEFORE_1380)
    if card.issued_year in MUST_RENEW_YEARS:
        return Eligible(ApplicationKind.RENEWAL_REQUIRED, Basis.OLD_CARD_1380_1389)
    if card.issued_year in MAY_RENEW_YEARS:
        return Eligible(ApplicationKind.RENEWAL_OPTIONAL, Basis.OLD_CARD_1390_1396)
    return Eligible(ApplicationKind.RENEWAL_OPTIONAL, Basis.OLD_CARD_AFTER_1396)


def require_eligible(applicant: Applicant, on: jdatetime.date) -> Eligible:
    """The decision when eligible, else :class:`registry.errors.NotEligible`."""
    decision = decide(applicant, on)
    if isinstance(decision, Refused):
        raise NotEligible(decision.reason, decision.eligible_from)
    return decision
