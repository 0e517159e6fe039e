"""What the office steps refuse, as typed errors with data the faces word.

Moves the lifecycle forbids are :class:`registry.errors.TransitionRefused`; forms of
documents are :class:`registry.documents.InvalidDocuments`. Everything else an office
step can refuse is one :class:`OfficeStepRefused` with a stable reason and its facts.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from registry.errors import RegistryError

if TYPE_CHECKING:
    import jdatetime

    from registry.fees import Receipt


class OfficeRefusal(StrEnum):
    WRONG_OFFICE = "wrong-office"        # another office's applicant or card
    NOT_TODAY = "not-today"              # the appointment is on ``day``, not today
    NOT_ATTENDABLE = "not-attendable"    # the appointment was missed or is not firm
    PHOTO = "photo"                      # ``detail``: registry.photo.PhotoProblem
    FINGERS = "fingers"                  # ``detail``: registry.fingers.FingerProblem
    SAME_OPERATOR = "same-operator"      # a manager cannot decide on their own completion
    REASON_REQUIRED = "reason-required"  # a refusal names its reason (and an approval none)
    NO_CARD_PRODUCER = "no-card-producer"    # this registry was set up without a factory
    NOT_GENUINE = "not-genuine"          # the card did not read genuine: nothing recorded
    WRONG_CARD = "wrong-card"            # not the card issued for this applicant
    LATE_FEE_DUE = "late-fee-due"        # voided: handed over only at the higher fee
    FEE_MISMATCH = "fee-mismatch"        # the amount paid is not the amount due


class OfficeStepRefused(RegistryError):
    """An office step refused; ``reason`` says why, the other attributes the facts.

    ``receipt`` is what is due when the fee is the matter; ``day`` the date involved.
    """

    def __init__(self, reason: OfficeRefusal, *, detail: str | None = None,
                 day: jdatetime.date | None = None, receipt: Receipt | None = None) -> None:
        extra = "".join(f" ({x})" for x in (detail, day, receipt and receipt.total) if x)
        super().__init__(f"office step refused: {reason.value}{extra}")
        self.reason = reason
        self.detail = detail
        self.day = day
        self.receipt = receipt
