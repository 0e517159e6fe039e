"""How a flow ended: one enum for every flow, with the data a face needs to word it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from apdu.constants import PinRef


class Ending(Enum):
    DONE = "done"  # the service did what was asked
    CANCELLED = "cancelled"
    TIMED_OUT = "timed-out"
    CARD_REMOVED = "card-removed"
    NO_CARD = "no-card"
    READER_UNAVAILABLE = "reader-unavailable"  # pcscd or the reader is gone
    CARD_BUSY = "card-busy"  # another program holds the card: try again in a moment
    CARD_NOT_ANSWERING = "card-not-answering"  # the card stopped answering: reinsert it
    CARD_ERROR = "card-error"  # the card answered something the profile does not allow
    NOT_GENUINE = "not-genuine"  # detail: the AuthenticityReport
    WRONG_SECRET = "wrong-secret"  # ref + tries_left (a face allowed no more attempts)
    SECRET_BLOCKED = "secret-blocked"  # ref is blocked (now or already)
    PIN_SERVICES_GONE = "pin-services-gone"  # the PUK is used up
    PIN_NOT_SET = "pin-not-set"  # PIN2 before signature activation
    POLICY_REFUSED = "policy-refused"  # detail: the last PolicyReason
    FINGER_NOT_MATCHED = "finger-not-matched"  # tries_left
    FINGER_BLOCKED = "finger-blocked"
    FINGER_NOT_ENROLLED = "finger-not-enrolled"
    NO_USABLE_TOUCH = "no-usable-touch"  # every touch failed the quality gate
    NO_FINGER = "no-finger"  # nobody put a finger on the sensor in time
    SENSOR_ERROR = "sensor-error"  # detail: the sensor error
    WRONG_CARD = "wrong-card"  # genuine, but not the card this office step expects
    NOT_DELIVERED = "not-delivered"  # the card waits for its hand-over at the office
    ALREADY_DELIVERED = "already-delivered"
    CARD_UNUSABLE = "card-unusable"  # blocked or terminated card
    SIGNATURE_NOT_ACTIVE = "signature-not-active"
    ALREADY_ACTIVE = "already-active"
    ACTIVATION_STOPPED = "activation-stopped"  # detail: the ActivationError
    SIGNATURE_INVALID = "signature-invalid"  # detail: the VerificationResult
    INTERNAL_ERROR = "internal-error"  # a bug: detail is the exception, logged by the face


@dataclass(frozen=True)
class Outcome:
    """The end of a flow. ``value`` is the service's product on DONE (a reading, a
    certificate, a signature...); ``detail`` explains any other ending."""

    ending: Ending
    ref: PinRef | None = None
    tries_left: int | None = None
    value: object = None
    detail: object = None

    @property
    def ok(self) -> bool:
        return self.ending is Ending.DONE
