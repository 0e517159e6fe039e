"""The serial of an Iranian birth certificate (سری و سریال شناسنامه).

A certificate carries three parts, printed near its top and asked for as three fields
by the registry's forms: a numeric series (سری عددی, one or two digits), a letter
series (سری حرفی, one Persian letter; alef is written out as «الف») and a six-digit
serial (سریال). On the page they read ``۶۱۹۸۶۹ / ۹۳ د``; the card stores them as
``93-د-619869`` (series, letter, serial; ASCII digits), the canonical form here.

People type the three in any order and with any separator: ``93-د-619869``,
``619869/د93``, ``د ۹۳ ۶۱۹۸۶۹``, ``93د619869``. The lengths tell the numbers apart (six
digits is the serial, one or two the series), so each part is found by its shape.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from citizen.digits import normalize_digits
from citizen.errors import CitizenDataError, DataProblem

ALEF_SERIES = "الف"
SERIES_LETTERS = (ALEF_SERIES, "ب", "پ", "ت", "ث", "ج", "چ", "ح", "خ", "د", "ذ", "ر", "ز",
                  "ژ", "س", "ش", "ص", "ض", "ط", "ظ", "ع", "غ", "ف", "ق", "ک", "گ", "ل",
                  "م", "ن", "و", "ه", "ی")
"""Letters a series may be; the registry's own forms offer the alphabet as a list."""

_LETTER_SPELLINGS = {
    "ا": ALEF_SERIES, "آ": ALEF_SERIES, "ي": "ی", "ى": "ی", "ك": "ک", "ة": "ه",
}
_TOKEN = re.compile(r"\d+|[^\W\d_]+")
_ALLOWED_SEPARATORS = re.compile(r"[\s\-/\\|.,_:\u200c\u200e\u200f\u060c]*")
_SERIAL_DIGITS = 6


@dataclass(frozen=True)
class BirthCertificateSerial:
    """The three parts of a certificate's serial."""

    series: int      # سری عددی, 1-99
    letter: str      # سری حرفی, one of SERIES_LETTERS
    serial: str      # سریال, six ASCII digits

    def __post_init__(self) -> None:
        if not 1 <= self.series <= 99 or self.letter not in SERIES_LETTERS or not (
                len(self.serial) == _SERIAL_DIGITS and self.serial.isascii()
                and self.serial.isdigit()):
            raise CitizenDataError(DataProblem.BIRTH_CERTIFICATE_SERIAL,
                                   f"not a birth-certificate serial: {self!r}",
                                   field="birth_certificate_serial")

    @property
    def canonical(self) -> str:
        """``93-د-619869``: the form the card and the records store."""
        return f"{self.series:02d}-{self.letter}-{self.serial}"

    def __str__(self) -> str:
        return self.canonical


def parse_birth_certificate_serial(text: str) -> BirthCertificateSerial:
    """The serial from any common typed form, or CitizenDataError saying it is not one."""
    folded = normalize_digits(text).strip()
    if not folded:
        raise CitizenDataError(DataProblem.MISSING, "no birth-certificate serial",
                               field="birth_certificate_serial")
    tokens = _TOKEN.findall(folded)
    leftovers = _TOKEN.sub("", folded)
    numbers = [t for t in tokens if t.isascii() and t.isdigit()]
    words = [_LETTER_SPELLINGS.get(t, t) for t in tokens if not t.isdigit()]
    if (_ALLOWED_SEPARATORS.fullmatch(leftovers) and len(tokens) == 3 and len(words) == 1
            and words[0] in SERIES_LETTERS and len(numbers) == 2):
        serials = [n for n in numbers if len(n) == _SERIAL_DIGITS]
        series = [n for n in numbers if 1 <= len(n) <= 2 and int(n) > 0]
        if len(serials) == 1 and len(series) == 1:
            return BirthCertificateSerial(int(series[0]), words[0], serials[0])
    raise CitizenDataError(DataProblem.BIRTH_CERTIFICATE_SERIAL,
                           f"{text!r} is not a birth-certificate serial (e.g. 93-د-619869)",
                           field="birth_certificate_serial")
