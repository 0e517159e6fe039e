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


_GENDER_WORDS = {
    "1": Gender.MALE, "m": Gender.MALE, "male": Gender.MALE, "man": Gender.MALE,
    "مرد": Gender.MALE, "مذکر": Gender.MALE, "آقا": Gender.MALE,
    "2": Gender.FEMALE, "f": Gender.FEMALE, "female": Gender.FEMALE, "woman": Gender.FEMALE,
    "زن": Gender.FEMALE, "مونث": Gender.FEMALE, "مؤنث": Gender.FEMALE, "خانم": Gender.FEMALE,
}


def parse_gender(value: Gender | str) -> Gender:
    """A gender as a form gives it: the enum, its ISO 5218 digit, or a word (fa/en)."""
    if isinstance(value, Gender):
        return value
    word = normalize_digits(value).strip().lower()
    if not word:
        raise CitizenDataError(DataProblem.MISSING, "no gender", field="gender")
    try:
        return _GENDER_WORDS[word]
    except KeyError:
        raise CitizenDataError(DataProblem.GENDER, f"not a gender: {value!r}",
                               field="gender") from None


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
    mother_name: str = ""  # on the birth certificate; cards issued before it was kept: ""


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
