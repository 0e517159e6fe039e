"""Iranian mobile numbers: ``09`` and nine digits, however a person types them.

People write ``0912 345 6789``, ``+98 912 345 6789``, ``0098-912-3456789`` or
``۹۱۲۳۴۵۶۷۸۹``, in any digit script; every form folds to the national ``09...`` one.
Operator prefixes change over the years, so no prefix list is checked here.
"""

from __future__ import annotations

import re

from citizen.digits import normalize_digits
from citizen.errors import CitizenDataError, DataProblem

_SEPARATORS = re.compile(r"[\s\-.()/\u200c\u200e\u200f]")
_NATIONAL = re.compile(r"09\d{9}", re.ASCII)


def validate_mobile(text: str) -> str:
    """The number as ``09xxxxxxxxx`` (ASCII), or CitizenDataError(MOBILE)."""
    folded = _SEPARATORS.sub("", normalize_digits(text))
    if not folded:
        raise CitizenDataError(DataProblem.MISSING, "no mobile number", field="mobile")
    for prefix in ("+98", "0098", "98"):
        if folded.startswith(prefix) and len(folded) == len(prefix) + 10:
            folded = "0" + folded[len(prefix):]
            break
    if len(folded) == 10 and folded.startswith("9"):
        folded = "0" + folded
    if not _NATIONAL.fullmatch(folded):
        raise CitizenDataError(DataProblem.MOBILE,
                               f"{text!r} is not an Iranian mobile number (09 and 9 digits)",
                               field="mobile")
    return folded


def international_mobile(mobile: str) -> str:
    """E.164 form of a validated number: ``+989123456789`` (for an SMS gateway)."""
    return "+98" + validate_mobile(mobile)[1:]


def grouped_mobile(mobile: str) -> str:
    """The way people read a mobile number: ``0912 345 6789``."""
    number = validate_mobile(mobile)
    return f"{number[:4]} {number[4:7]} {number[7:]}"
