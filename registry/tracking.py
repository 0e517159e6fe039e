"""Tracking codes: what an applicant keeps to follow an application, and bank references.

The registry issues a **tracking code** (کد رهگیری) when a pre-registration is paid.
It must be unguessable, since with the national code it opens the application, and
typable on a kiosk keypad or a phone, so it is digits only, grouped for reading:

* 19 digits from ``secrets`` (log2(10^19) = 63.1 bits). Guessing one given
  applicant's code in 10^9 tries succeeds with probability 10^9 / 10^19 = 10^-10. Even
  a lookup that took the code alone (the service must not offer one) would be hit in
  10^9 tries with probability about 10^-3 with 10^7 codes alive.
* one check digit (Damm algorithm), so a mistyped code is refused before any lookup:
  Damm detects every single-digit error and every transposition of two adjacent
  digits, with one digit and one 10x10 table. Luhn misses the 09/90 transposition;
  Verhoeff detects the same errors but needs three tables; ISO 7064 MOD 97-10 needs two
  check digits.

20 digits in all, shown as five groups of four: ``4821-0937-5561-2048-7735``.
Codes are random, not sequential: two may collide (about 5 * 10^-6 for 10^7 codes), so
storage keeps them unique and draws again on a clash.

The older article also names a **bank-payment tracking code** (شماره پیگیری پرداخت):
the bank issues it, not us. :class:`BankReference` keeps it as the bank gave it,
checked only for shape: it has no check digit of ours and is no secret.
"""

from __future__ import annotations

import math
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from citizen.digits import normalize_digits
from registry.errors import InvalidTrackingCode

RANDOM_DIGITS = 19
CODE_DIGITS = RANDOM_DIGITS + 1
GROUP = 4
ENTROPY_BITS = RANDOM_DIGITS * math.log2(10)
"""About 63.1 bits."""

BANK_REFERENCE_DIGITS = range(6, 25)
"""A bank reference has 6 (trace number) to 24 digits; Shaparak's RRN has 12."""

# The Damm algorithm's quasigroup (weakly totally anti-symmetric, order 10).
_DAMM = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)

# What people put between digit groups: spaces, dashes, dots, slashes, the Arabic
# thousands separator, ZWNJ and direction marks pasted along with the code.
_SEPARATORS = re.compile(r"[\s\-_./\u066c\u060c,\u200c\u200e\u200f\u2066-\u2069]")


class CodeProblem(Enum):
    """Why typed text is not a tracking code (or bank reference)."""

    MISSING = "missing"            # nothing typed
    NOT_DIGITS = "not-digits"      # something other than digits and separators
    LENGTH = "length"              # not 20 digits (bank reference: not 6-24)
    CHECK_DIGIT = "check-digit"    # a typing mistake: the check digit does not match


def damm_check_digit(digits: str) -> int:
    """The Damm check digit of ASCII digits."""
    interim = 0
    for digit in digits:
        interim = _DAMM[interim][int(digit)]
    return interim


def damm_valid(digits: str) -> bool:
    """Whether ASCII digits end with their own Damm check digit."""
    return bool(digits) and damm_check_digit(digits) == 0


@dataclass(frozen=True)
class TrackingCode:
    """A tracking code: 20 ASCII digits, the last the Damm check digit of the rest."""

    digits: str

    def __post_init__(self) -> None:
        if not (len(self.digits) == CODE_DIGITS and self.digits.isascii()
                and self.digits.isdigit() and damm_valid(self.digits)):
            raise ValueError("not a tracking code; use parse_tracking_code for typed text")

    @property
    def grouped(self) -> str:
        """``4821-0937-5561-2048-7735``: what people read and type (faces shape the digits)."""
        return "-".join(self.digits[i:i + GROUP] for i in range(0, CODE_DIGITS, GROUP))

    def __str__(self) -> str:
        return self.digits


def new_tracking_code(randbelow: Callable[[int], int] = secrets.randbelow) -> TrackingCode:
    """A fresh code from the operating system's CSPRNG (tests may pass their own source)."""
    body = "".join(str(randbelow(10)) for _ in range(RANDOM_DIGITS))
    return TrackingCode(body + str(damm_check_digit(body)))


def _fold(text: str) -> str:
    return _SEPARATORS.sub("", normalize_digits(text))


def parse_tracking_code(text: str) -> TrackingCode:
    """A typed code in any digit script, with any grouping, or InvalidTrackingCode."""
    digits = _fold(text)
    if not digits:
        raise InvalidTrackingCode(CodeProblem.MISSING)
    if not (digits.isascii() and digits.isdigit()):
        raise InvalidTrackingCode(CodeProblem.NOT_DIGITS)
    if len(digits) != CODE_DIGITS:
        raise InvalidTrackingCode(CodeProblem.LENGTH)
    if not damm_valid(digits):
        raise InvalidTrackingCode(CodeProblem.CHECK_DIGIT)
    return TrackingCode(digits)


@dataclass(frozen=True)
class BankReference:
    """The bank's own reference for a payment (شماره پیگیری / RRN), kept as given."""

    digits: str

    def __post_init__(self) -> None:
        if not (self.digits.isascii() and self.digits.isdigit()
                and len(self.digits) in BANK_REFERENCE_DIGITS):
            raise ValueError("not a bank reference; use parse_bank_reference for typed text")

    def __str__(self) -> str:
        return self.digits


def parse_bank_reference(text: str) -> BankReference:
    """A bank reference typed or pasted in any digit script, or InvalidTrackingCode."""
    what = "bank reference"
    digits = _fold(text)
    if not digits:
        raise InvalidTrackingCode(CodeProblem.MISSING, what)
    if not (digits.isascii() and digits.isdigit()):
        raise InvalidTrackingCode(CodeProblem.NOT_DIGITS, what)
    if len(digits) not in BANK_REFERENCE_DIGITS:
        raise InvalidTrackingCode(CodeProblem.LENGTH, what)
    return BankReference(digits)
