"""The Iranian national code (کد ملی): ten digits, the last a mod-11 check digit."""

from __future__ import annotations

from citizen.digits import is_ascii_digits, normalize_digits
from citizen.errors import DataProblem, InvalidNationalCode


def national_code_check_digit(first_nine: str) -> int:
    """The check digit from the first nine digits.

    Weighted sum with weights 10..2; remainder r gives r when r < 2, else 11 - r.
    """
    if len(first_nine) != 9 or not is_ascii_digits(first_nine):
        raise InvalidNationalCode(DataProblem.NATIONAL_CODE_LENGTH,
                                  "the first part of a national code is nine digits")
    total = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1)))
    remainder = total % 11
    return remainder if remainder < 2 else 11 - remainder


def validate_national_code(code: str) -> str:
    """The national code in ASCII digits, or InvalidNationalCode saying which rule failed.

    Codes of one repeated digit pass the checksum and are still refused.
    """
    normalized = normalize_digits(code.strip()).replace("-", "").replace(" ", "")
    if len(normalized) != 10:
        raise InvalidNationalCode(
            DataProblem.NATIONAL_CODE_LENGTH,
            f"a national code has 10 digits, this one has {len(normalized)} characters")
    if not is_ascii_digits(normalized):
        raise InvalidNationalCode(DataProblem.NATIONAL_CODE_NOT_DIGITS,
                                  "a national code holds digits only")
    if len(set(normalized)) == 1:
        raise InvalidNationalCode(DataProblem.NATIONAL_CODE_REPEATED,
                                  "a national code cannot be one digit repeated")
    if national_code_check_digit(normalized[:9]) != int(normalized[9]):
        raise InvalidNationalCode(DataProblem.NATIONAL_CODE_CHECK_DIGIT,
                                  "the check digit of this national code is wrong")
    return normalized


def grouped(code: str) -> str:
    """The way the card prints a national code: 3-6-1 digits."""
    return f"{code[:3]}-{code[3:9]}-{code[9:]}" if len(code) == 10 else code
