"""The office steps' requests and results (the rest of ``registry.contract``).

Frozen dataclasses of builtins, dates and enums, as the citizen's half: nothing from
SQLAlchemy, so a networked registry can serialise them. Photos, templates, the card
image and the PIN letter stay out of every ``repr``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

import jdatetime

from registry.cards import ProducedCard
from registry.documents import Documents
from registry.fees import Receipt
from registry.fingers import FingerCapture, FingerPosition, SkipReason
from registry.lifecycle import Status
from registry.photo import Photo, PhotoSource


@dataclass(frozen=True)
class Completion:
    """The applicant at their appointment: photo, ten fingers, documents checked."""

    application_id: int
    office_id: int
    photo: Photo
    fingers: FingerCapture
    documents: Documents


class RejectReason(StrEnum):
    """Why the office manager refuses a completed registration."""

    PHOTO_UNSUITABLE = "photo-unsuitable"
    DOCUMENTS_DOUBTFUL = "documents-doubtful"
    FINGERS_UNUSABLE = "fingers-unusable"
    IDENTITY_MISMATCH = "identity-mismatch"   # the person is not the one on the documents


@dataclass(frozen=True)
class Decision:
    """The office manager's decision; a refusal names its reason."""

    application_id: int
    approve: bool
    reason: RejectReason | None = None


class CounterMethod(StrEnum):
    POS = "pos"      # the office's card terminal
    CASH = "cash"


@dataclass(frozen=True)
class CardEvidence:
    """What the delivery flow read from the card handed over.

    Built by the face from ``kiosk.flows.deliver.Delivery``, which exists only for a
    card that read genuine and whose finger the card matched; ``genuine`` is repeated
    here so the registry refuses to record anything else on its own account too.
    """

    genuine: bool
    national_code: str
    card_serial: str
    finger_reference: int


@dataclass(frozen=True)
class DeliveryRecord:
    """The hand-over, after the delivery flow succeeded, and the fee taken at the counter."""

    application_id: int
    office_id: int
    evidence: CardEvidence
    fee_rial: int                      # what the holder paid: the delivery, or the higher fee
    method: CounterMethod = CounterMethod.POS
    terminal_reference: str | None = None   # the POS's own trace number, if any


@dataclass(frozen=True)
class Charge:
    """One payment with the receipt it was priced by."""

    payment_id: int
    purpose: str
    amount_rial: int
    receipt: Receipt
    paid_at: dt.datetime | None
    method: str                        # the gateway's name, or office-counter:pos|cash
    reference: str | None              # bank or terminal reference


@dataclass(frozen=True)
class OfficeRecord:
    """An application as the office sees it, from completion to delivery."""

    application_id: int
    national_code: str
    tracking_code: str = field(repr=False)    # printed on the applicant's receipts
    status: Status                     # as of now: an uncollected card past its day is voided
    office_id: int
    office_name: str
    completed_at: dt.datetime
    completed_by: str
    photo_source: PhotoSource
    captured: tuple[FingerPosition, ...]
    skipped: tuple[tuple[FingerPosition, SkipReason], ...]
    given_name: str
    surname: str
    decided_at: dt.datetime | None = None
    decided_by: str | None = None
    approved: bool | None = None
    reject_reason: RejectReason | None = None
    card_serial: str | None = None
    card_fingers: tuple[FingerPosition, ...] = ()
    issued_on: jdatetime.date | None = None
    expires_on: jdatetime.date | None = None
    collect_by: jdatetime.date | None = None   # the last day at the normal fee
    ready_at: dt.datetime | None = None
    delivered_at: dt.datetime | None = None
    late_collection: bool | None = None


@dataclass(frozen=True)
class CompletionResult:
    record: OfficeRecord
    charge: Charge            # the office's completion tariff (paid online with the booking)


@dataclass(frozen=True)
class IssuedCard:
    record: OfficeRecord
    card: ProducedCard = field(repr=False)


@dataclass(frozen=True)
class CollectionTicket:
    """What the office needs to hand a card over: which card, and what it costs today."""

    application_id: int
    office_id: int
    national_code: str
    card_serial: str
    issued_on: jdatetime.date
    collect_by: jdatetime.date
    late: bool                    # past the collection deadline: voided, the higher fee
    receipt: Receipt              # what is due today


@dataclass(frozen=True)
class DeliveryResult:
    record: OfficeRecord
    charge: Charge
