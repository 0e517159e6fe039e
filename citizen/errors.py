"""One exception for citizen data, with a stable reason the faces word."""

from __future__ import annotations

from enum import Enum


class DataProblem(Enum):
    """What is wrong with a value a person typed or a card stored."""

    NATIONAL_CODE_LENGTH = "national-code-length"          # not 10 digits
    NATIONAL_CODE_NOT_DIGITS = "national-code-not-digits"  # a character other than a digit
    NATIONAL_CODE_REPEATED = "national-code-repeated"      # one digit ten times
    NATIONAL_CODE_CHECK_DIGIT = "national-code-check-digit"
    POSTAL_CODE = "postal-code"                            # not 10 digits
    DATE_FORMAT = "date-format"                            # not a date as typed or stored
    DATE_INVALID = "date-invalid"                          # e.g. 1403/07/31, 1404/12/30
    DATE_IN_FUTURE = "date-in-future"                      # a birth date after today
    GENDER = "gender"                                      # neither male nor female
    MOBILE = "mobile"                                      # not an Iranian mobile (09xx...)
    NAME = "name"
    NAME_NOT_PERSIAN = "name-not-persian"                  # Latin letters, digits, symbols
    NAME_LENGTH = "name-length"                            # fewer than 2 or more than 50 letters
    BIRTH_CERTIFICATE_SERIAL = "birth-certificate-serial"  # not series number, letter, serial
    MISSING = "missing"                                    # a required field left empty


class CitizenDataError(ValueError):
    """A field is malformed; ``problem`` says which rule it broke, ``field`` which field.

    The text is for developers and logs; faces word ``problem`` themselves.
    """

    def __init__(self, problem: DataProblem, detail: str = "", field: str = "") -> None:
        super().__init__(detail or problem.value)
        self.problem = problem
        self.field = field


class InvalidNationalCode(CitizenDataError):
    """A national code (کد ملی) fails its format or check-digit rule."""

    def __init__(self, problem: DataProblem, detail: str = "") -> None:
        super().__init__(problem, detail, field="national_code")
