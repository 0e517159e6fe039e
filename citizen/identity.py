"""The identity printed on a national card, and the checks on its fields."""

from __future__ import annotations

import enum
from dataclasses import dataclass

import jdatetime

from citizen.digits import is_ascii_digits, normalize_digits
from citizen.errors import CitizenDataError, DataProblem


class Gender(enum.Enum):
    """ISO/IEC 5218 codes, as the chip stores them."""

    MALE = "1"
    FEMALE = "2"


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
    """A 10-digit Iranian postal code in ASCII digits, or CitizenDataError."""
    normalized = normalize_digits(code.strip()).replace("-", "").replace(" ", "")
    if len(normalized) != 10 or not is_ascii_digits(normalized):
        raise CitizenDataError(DataProblem.POSTAL_CODE, "a postal code has 10 digits",
                               field="postal_code")
    return normalized
