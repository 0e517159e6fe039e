"""Solar Hijri dates as the chip stores them (``YYYYMMDD`` ASCII) and as people type them."""

from __future__ import annotations

import re

import jdatetime

from citizen.digits import is_ascii_digits, normalize_digits
from citizen.errors import CitizenDataError, DataProblem

_TYPED = re.compile(r"^\s*(\d{4})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{1,2})\s*$", re.ASCII)


def parse_jalali(text: str) -> jdatetime.date:
    """Parse a Solar Hijri date stored as ``YYYYMMDD`` digits."""
    digits = normalize_digits(text)
    if len(digits) != 8 or not is_ascii_digits(digits):
        raise CitizenDataError(DataProblem.DATE_FORMAT,
                               f"a date is stored as YYYYMMDD, not {text!r}", field="date")
    return _make(int(digits[:4]), int(digits[4:6]), int(digits[6:]), text)


def parse_typed_jalali(text: str) -> jdatetime.date:
    """A date as a person types it: ``1370/5/12``, ``۱۳۷۰-۰۵-۱۲`` or ``13700512``."""
    folded = normalize_digits(text)
    match = _TYPED.match(folded)
    if match:
        return _make(int(match[1]), int(match[2]), int(match[3]), text)
    return parse_jalali(folded.strip())


def _make(year: int, month: int, day: int, text: str) -> jdatetime.date:
    try:
        return jdatetime.date(year, month, day)
    except ValueError as exc:
        raise CitizenDataError(DataProblem.DATE_INVALID,
                               f"{text!r} is not a valid Solar Hijri date", field="date") from exc


def format_jalali(day: jdatetime.date) -> str:
    """The stored form of a Solar Hijri date: ``YYYYMMDD`` ASCII digits."""
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def jalali_numeric(day: jdatetime.date) -> str:
    """``YYYY/MM/DD`` in ASCII digits (faces turn them Persian)."""
    return f"{day.year:04d}/{day.month:02d}/{day.day:02d}"


def full_years_between(birth: jdatetime.date, on: jdatetime.date) -> int:
    """Full Solar Hijri years of age on ``on`` (the birthday itself counts)."""
    years = on.year - birth.year
    if (on.month, on.day) < (birth.month, birth.day):
        years -= 1
    return years
