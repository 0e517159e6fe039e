"""The holder's identity as the chip stores it, and the checks on its fields.

National codes and other numbers reach us typed by people, so every check first
folds Persian (۰–۹) and Arabic-Indic (٠–٩) digits to ASCII and then says exactly
what is wrong instead of a bare ``ValueError``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

import jdatetime

_DIGIT_MAP = {ord(c): str(i) for i, c in enumerate("۰۱۲۳۴۵۶۷۸۹")}
_DIGIT_MAP.update({ord(c): str(i) for i, c in enumerate("٠١٢٣٤٥٦٧٨٩")})


class IdentityDataError(ValueError):
    """A field of identity data is malformed; the message says which and why."""


class InvalidNationalCode(IdentityDataError):
    """A national code (کد ملی) fails its format or check-digit rule."""


def normalize_digits(text: str) -> str:
    """Fold Persian and Arabic-Indic digits to ASCII, leave everything else alone."""
    return text.translate(_DIGIT_MAP)


def national_code_check_digit(first_nine: str) -> int:
    """The check digit of an Iranian national code from its first nine digits.

    Weighted sum with weights 10..2; remainder r gives r when r < 2, else 11 - r.
    """
    if len(first_nine) != 9 or not first_nine.isdigit():
        raise InvalidNationalCode("the first part of a national code is nine digits")
    total = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1)))
    remainder = total % 11
    return remainder if remainder < 2 else 11 - remainder


def validate_national_code(code: str) -> str:
    """Return the national code in ASCII digits, or raise InvalidNationalCode."""
    normalized = normalize_digits(code.strip())
    if len(normalized) != 10:
        raise InvalidNationalCode(
            f"a national code has 10 digits, this one has {len(normalized)} characters"
        )
    if not normalized.isascii() or not normalized.isdigit():
        raise InvalidNationalCode("a national code holds digits only")
    if len(set(normalized)) == 1:
        raise InvalidNationalCode("a national code cannot be one digit repeated")
    if national_code_check_digit(normalized[:9]) != int(normalized[9]):
        raise InvalidNationalCode("the check digit of this national code is wrong")
    return normalized


class Gender(enum.Enum):
    """ISO/IEC 5218 codes, as the chip stores them."""

    MALE = "1"
    FEMALE = "2"


def parse_jalali(text: str) -> jdatetime.date:
    """Parse a Solar Hijri date stored as ``YYYYMMDD`` ASCII digits."""
    digits = normalize_digits(text)
    if len(digits) != 8 or not digits.isdigit():
        raise IdentityDataError(f"a date is stored as YYYYMMDD, not {text!r}")
    try:
        return jdatetime.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError as exc:
        raise IdentityDataError(f"{text!r} is not a valid Solar Hijri date") from exc


def format_jalali(day: jdatetime.date) -> str:
    """The stored form of a Solar Hijri date: ``YYYYMMDD`` ASCII digits."""
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


@dataclass(frozen=True)
class Identity:
    """The printed identity fields (data group 1) of a national card."""

    given_name: str
    surname: str
    father_name: str
    national_code: str
    birth_date: jdatetime.date
    gender: Gender
    birth_certificate_number: str
    birth_certificate_serial: str
    card_serial: str
    issue_date: jdatetime.date
    expiry_date: jdatetime.date


@dataclass(frozen=True)
class Address:
    """Data group 11: where the holder lives."""

    postal_code: str
    address: str


def validate_postal_code(code: str) -> str:
    """Return a 10-digit Iranian postal code in ASCII digits, or raise."""
    normalized = normalize_digits(code.strip()).replace("-", "")
    if len(normalized) != 10 or not normalized.isdigit():
        raise IdentityDataError("a postal code has 10 digits")
    return normalized
