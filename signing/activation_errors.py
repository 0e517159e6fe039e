"""How a signature activation stops, as data: the step, the problem, and what goes with it.

The kiosk and the CLI word these (Persian and English); nothing here is a sentence.
``resumable`` is True when running the activation again (after fixing what the
problem names: reinsert the card, wait for the authority, type the right PIN)
continues where it stopped; False when trying again as it is will not help.
"""

from __future__ import annotations

import enum

from apdu.authenticity import Verdict
from apdu.pins import PinRef
from apdu.profile import Lifecycle
from citizen.errors import DataProblem
from signing.errors import RefusalReason, SigningError, UnavailableReason


@enum.unique
class Step(enum.Enum):
    """The steps of an activation, in the order they run."""

    READ_CARD = "read-card"  # read the card and check it is genuine (passive + chip auth)
    VERIFY_HOLDER = "verify-pin1"
    VERIFY_PIN2 = "verify-pin2"  # before GENERATE when PIN2 is set (a redo), else after SET_PIN2
    GENERATE_KEY = "generate-key"  # or, when resuming, read the key generated before
    SET_PIN2 = "set-pin2"  # the first PIN2, accepted by the card only after GENERATE
    BUILD_REQUEST = "sign-request"  # the card signs the PKCS#10 request
    ISSUE = "issue"  # the authority certifies the key
    WRITE_CERTIFICATE = "write-certificate"  # PUT DATA; the card becomes SIGNATURE_ACTIVE


@enum.unique
class ActivationProblem(enum.Enum):
    """Why an activation stopped; the attributes named in brackets carry the detail."""

    CARD_REMOVED = "card-removed"  # the card left the reader mid-step
    CARD_UNREACHABLE = "card-unreachable"  # reader or PC/SC service failed, or no answer
    CARD_REFUSED = "card-refused"  # the card answered an error [status_word]
    CARD_UNREADABLE = "card-unreadable"  # the card's data does not follow the profile
    BAD_CARD_SIGNATURE = "bad-card-signature"  # the card's signature of the request is wrong
    NOT_GENUINE = "not-genuine"  # passive or chip authentication failed [verdict]
    INVALID_IDENTITY = "invalid-identity"  # genuine, but e.g. its national code is invalid
    #                                        [data_problem]
    CARD_NOT_ACTIVE = "card-not-active"  # not delivered yet, blocked or voided [lifecycle]
    WRONG_PIN = "wrong-pin"  # [pin, tries_left]
    PIN_BLOCKED = "pin-blocked"  # [pin]: unblock it with the PUK first
    PIN_FORMAT = "pin-format"  # a PIN the card cannot take (digits, length) [pin]
    CA_UNAVAILABLE = "ca-unavailable"  # [unavailable]: the card keeps its new key
    CA_REFUSED = "ca-refused"  # [refusal]: the next attempt generates a fresh key
    ALREADY_CERTIFIED = "already-certified"  # a live certificate exists for this card or a
    #                                          newer card of the holder [refusal, serial]
    BAD_CERTIFICATE = "bad-certificate"  # the authority's certificate is not for this key
    CERTIFICATE_NOT_ACCEPTED = "certificate-not-accepted"  # written, but the card is not active
    JOURNAL_FAILED = "journal-failed"  # the kiosk could not record progress on its disk


class ActivationError(SigningError):
    """Activation stopped at ``step`` because of ``problem``; the rest is detail."""

    def __init__(self, step: Step, problem: ActivationProblem, *, resumable: bool,
                 status_word: int | None = None, verdict: Verdict | None = None,
                 data_problem: DataProblem | None = None, lifecycle: Lifecycle | None = None,
                 pin: PinRef | None = None, tries_left: int | None = None,
                 refusal: RefusalReason | None = None,
                 unavailable: UnavailableReason | None = None,
                 serial: int | None = None) -> None:
        super().__init__(f"{step.value}: {problem.value}")
        self.step = step
        self.problem = problem
        self.resumable = resumable
        self.status_word = status_word
        self.verdict = verdict
        self.data_problem = data_problem
        self.lifecycle = lifecycle
        self.pin = pin
        self.tries_left = tries_left
        self.refusal = refusal
        self.unavailable = unavailable
        self.serial = serial
