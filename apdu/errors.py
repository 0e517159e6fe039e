"""The one exception tree of the card layer.

Everything `apdu/` raises derives from :class:`CardError`, so callers (the CLI, the
kiosk) can catch one type and map each leaf to words. Errors carry data on
attributes (status word, reference, tries left); their text is for logs and never
contains secret values. Faces word the data, never ``str(error)``.
"""

from __future__ import annotations

from enum import Enum

from apdu.constants import SW, PinRef, Verification, retries_from_sw, sw_name


class CardError(Exception):
    """Base of every error raised by the card layer."""


class TransportError(CardError):
    """The bytes did not make it to the card or back."""


class PcscServiceError(TransportError):
    """pcscd is not running or refused us."""


class ReaderNotFoundError(TransportError):
    """No reader with that name or index."""


class NoCardError(TransportError):
    """The reader is empty."""


class CardRemovedError(TransportError):
    """The card was pulled or reset while we were talking to it."""


class ApduFormatError(CardError, ValueError):
    """Bytes that are not a well-formed command or response APDU."""


class TlvError(CardError, ValueError):
    """A BER-TLV structure is malformed; ``offset`` says where."""

    def __init__(self, message: str, offset: int | None = None) -> None:
        where = f" at offset {offset}" if offset is not None else ""
        super().__init__(f"{message}{where}")
        self.offset = offset


class ProfileError(CardError):
    """The card answered with data that does not follow the chip profile."""


class ApduError(CardError):
    """The card answered a command with a status word other than 9000."""

    def __init__(self, sw: int, data: bytes = b"", command: str = "") -> None:
        self.sw = sw
        self.data = data
        self.command = command
        what = f"{command}: " if command else ""
        super().__init__(f"{what}card answered {sw:04X} ({sw_name(sw)})")


class WrongLengthError(ApduError):
    """6700 or 6Cxx: Lc or Le does not fit the command."""


class SecurityStatusNotSatisfiedError(ApduError):
    """6982: the command needs a verification (PIN, finger) that has not happened."""


class AuthenticationBlockedError(ApduError):
    """6983: the PIN, PUK or biometric reference has no tries left."""


class WrongSecretError(ApduError):
    """63Cx: a PIN, PUK or finger did not verify; ``tries_left`` tells how many remain."""

    def __init__(self, sw: int, data: bytes = b"", command: str = "") -> None:
        super().__init__(sw, data, command)
        self.tries_left = retries_from_sw(sw) or 0


class ReferenceDataNotUsableError(ApduError):
    """6984: the reference exists but cannot be used yet (e.g. PIN2 before activation)."""


class ConditionsNotSatisfiedError(ApduError):
    """6985: the card's state does not allow this command now."""


class CardFileNotFoundError(ApduError):
    """6A82 / 6A88: no such file, application or reference."""


class IncorrectParametersError(ApduError):
    """6A86 / 6B00 / 6A87: P1-P2 do not make sense for this command."""


class WrongDataError(ApduError):
    """6A80: the command data field is malformed."""


class UnsupportedCommandError(ApduError):
    """6D00 / 6E00 / 6A81: the card does not know this instruction, class or function."""


class EndOfFileError(ApduError):
    """6282 / 6B00 on READ BINARY: read past the end of a file."""


class MemoryFailureError(ApduError):
    """6581: the card could not write its memory."""


_BY_SW: dict[int, type[ApduError]] = {
    SW.WRONG_LENGTH: WrongLengthError,
    SW.SECURITY_STATUS_NOT_SATISFIED: SecurityStatusNotSatisfiedError,
    SW.AUTH_METHOD_BLOCKED: AuthenticationBlockedError,
    SW.REFERENCE_DATA_NOT_USABLE: ReferenceDataNotUsableError,
    SW.CONDITIONS_NOT_SATISFIED: ConditionsNotSatisfiedError,
    SW.COMMAND_NOT_ALLOWED_NO_EF: ConditionsNotSatisfiedError,
    SW.FILE_NOT_FOUND: CardFileNotFoundError,
    SW.REFERENCE_NOT_FOUND: CardFileNotFoundError,
    SW.INCORRECT_P1P2: IncorrectParametersError,
    SW.WRONG_P1P2: IncorrectParametersError,
    SW.NC_INCONSISTENT_WITH_P1P2: IncorrectParametersError,
    SW.WRONG_DATA: WrongDataError,
    SW.INS_NOT_SUPPORTED: UnsupportedCommandError,
    SW.CLA_NOT_SUPPORTED: UnsupportedCommandError,
    SW.FUNCTION_NOT_SUPPORTED: UnsupportedCommandError,
    SW.END_OF_FILE: EndOfFileError,
    SW.MEMORY_FAILURE: MemoryFailureError,
}


def error_for_sw(sw: int, data: bytes = b"", command: str = "") -> ApduError:
    """The most specific error for a status word."""
    if sw & 0xFFF0 == 0x63C0:
        return WrongSecretError(sw, data, command)
    if sw >> 8 == 0x6C:
        return WrongLengthError(sw, data, command)
    return _BY_SW.get(sw, ApduError)(sw, data, command)


class PinFormatProblem(Enum):
    NOT_DIGITS = "not-digits"
    LENGTH = "length"


class PinFormatError(CardError, ValueError):
    """A PIN that cannot even be encoded; ``problem`` says why, the lengths what fits."""

    def __init__(self, reference: PinRef, problem: PinFormatProblem,
                 min_length: int = 0, max_length: int = 0) -> None:
        super().__init__(f"{reference.name}: {problem.value}")
        self.reference = reference
        self.problem = problem
        self.min_length = min_length
        self.max_length = max_length


class PinError(CardError):
    """A PIN operation was refused; ``reference`` is the PIN (or PUK) it concerns."""

    def __init__(self, reference: PinRef, message: str) -> None:
        super().__init__(message)
        self.reference = reference


class WrongPinError(PinError):
    """The PIN or PUK did not verify; ``tries_left`` more attempts remain (never 0)."""

    def __init__(self, reference: PinRef, tries_left: int) -> None:
        super().__init__(reference, f"wrong {reference.name}: {tries_left} tries left")
        self.tries_left = tries_left


class PinBlockedError(PinError):
    """No tries left on this PIN (or PUK)."""

    def __init__(self, reference: PinRef) -> None:
        super().__init__(reference, f"{reference.name} is blocked")


class PinNotSetError(PinError):
    """The PIN has no reference data yet (PIN2 before signature activation)."""

    def __init__(self, reference: PinRef) -> None:
        super().__init__(reference, f"{reference.name} is not set")


class PinServicesGoneError(PinError):
    """The PUK is used up: nothing can change or unblock a PIN on this card any more."""

    def __init__(self, reference: PinRef) -> None:
        super().__init__(reference, "the PUK is used up")


class NotVerifiedError(CardError):
    """The command needs ``needs`` verified first in this card session."""

    def __init__(self, needs: Verification) -> None:
        super().__init__(f"needs {needs.value} verified first")
        self.needs = needs


class FingerNotMatchedError(CardError):
    """The card's matcher said no; ``tries_left`` more fingers may be tried (never 0)."""

    def __init__(self, tries_left: int) -> None:
        super().__init__(f"the finger did not match: {tries_left} tries left")
        self.tries_left = tries_left


class BiometricBlockedError(CardError):
    """Too many fingers did not match: finger verification is blocked on this card."""

    def __init__(self) -> None:
        super().__init__("finger verification is blocked")


class SignatureKeyProblem(Enum):
    NO_KEY = "no-key"
    NOT_CERTIFIED = "not-certified"  # generated, activation unfinished
    CANNOT_SIGN = "cannot-sign"  # the card refused to sign in its present state


class SignatureNotActiveError(CardError):
    """The signature key is missing or not certified: sign nothing, ask for no PIN2."""

    def __init__(self, problem: SignatureKeyProblem) -> None:
        super().__init__(f"the signature key is not active ({problem.value})")
        self.problem = problem


class DataGroupError(ProfileError):
    """A data group does not decode as the chip profile says.

    ``group`` is its number; ``field`` the data object at fault (an ``Identity`` or
    ``Address`` attribute name, or ``"photo"``), None when the group's own TLV
    structure is broken.
    """

    def __init__(self, group: int, field: str | None = None, detail: str = "") -> None:
        where = f".{field}" if field else ""
        super().__init__(f"DG{int(group)}{where} is malformed" + (f": {detail}" if detail else ""))
        self.group = int(group)
        self.field = field


class CardTimeoutError(TransportError):
    """The card or the reader did not answer within ``deadline`` seconds.

    ``operation`` names the PC/SC step that hung ("transmit", "connect", ...). The
    connection is dead from then on: every later exchange fails at once; closing it
    still works (the reset it asks for happens when the reader comes back).
    """

    def __init__(self, operation: str, deadline: float) -> None:
        super().__init__(f"{operation}: no answer within {deadline:g} s")
        self.operation = operation
        self.deadline = deadline


class CardBusyError(TransportError):
    """Another program held the card exclusively for longer than ``deadline`` seconds."""

    def __init__(self, deadline: float) -> None:
        super().__init__(f"the card stayed in use by another program for {deadline:g} s")
        self.deadline = deadline
