"""One exception for citizen data, with a stable reason the faces word."""

from __future__ import annotations

from enum import Enum


class DataProblem(Enum):
    """What is wrong with a value a person typed or a card stored."""

    NATIONAL_CODE_LENGTH = "national-code-length"
    NATIONAL_CODE_NOT_DIGITS = "national-code-not-digits"
    NATIONAL_CODE_REPEATED = "national-code-repeated"
    NATIONAL_CODE_CHECK_DIGIT = "national-code-check-digit"
    POSTAL_CODE = "postal-code"
    DATE_FORMAT = "date-format"
    DATE_INVALID = "date-invalid"
    GENDER = "gender"
    MOBILE = "mobile"
    NAME = "name"
    BIRTH_CERTIFICATE_SERIAL = "birth-certificate-serial"


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
