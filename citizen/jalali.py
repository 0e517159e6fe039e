"""Solar Hijri dates as the chip stores them (``YYYYMMDD`` ASCII) and as people type them."""

from __future__ import annotations

import datetime as dt
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


def as_jalali(day: jdatetime.date | dt.date) -> jdatetime.date:
    """A day as a Solar Hijri date; a Gregorian ``datetime.date`` is converted.

    Month arithmetic on a Gregorian date read as Solar Hijri would be silently wrong
    (and jdatetime has no type hints for mypy to catch it), so the entry points that
    do calendar arithmetic pass their days through here. An instant (a ``datetime``)
    is refused: which day it is depends on the time zone (Iran's, for the registry).
    """
    if isinstance(day, jdatetime.date):
        return day
    if isinstance(day, dt.datetime):
        raise TypeError("a day is wanted, not an instant: take its date in Iran time first")
    if isinstance(day, dt.date):
        return jdatetime.date.fromgregorian(date=day)
    raise TypeError(f"not a date: {day!r}")


def days_in_month(year: int, month: int) -> int:
    """31 days in months 1-6, 30 in 7-11, Esfand 29 or 30 in a leap year."""
    if not 1 <= month <= 12:
        raise ValueError(f"a Solar Hijri month is 1-12, not {month}")
    if month <= 6:
        return 31
    if month <= 11:
        return 30
    return 30 if jdatetime.date(year, 1, 1).isleap() else 29


def add_months(day: jdatetime.date | dt.date, months: int) -> jdatetime.date:
    """The same day ``months`` later (or earlier), clamped to the last day of a shorter month.

    jdatetime has no month arithmetic. 1403/06/31 + 1 month is 1403/07/30 (Mehr has 30
    days); 1403/12/30 + 12 months is 1404/12/29 (1404 is not a leap year).
    """
    day = as_jalali(day)
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return jdatetime.date(year, month, min(day.day, days_in_month(year, month)))


def anniversary(birth: jdatetime.date | dt.date, years: int) -> jdatetime.date:
    """The first day on which ``full_years_between(birth, day) == years``.

    Someone born on Esfand 30 of a leap year has no birthday in a common year: the
    year is full the next day, Farvardin 1 (the rule ``full_years_between`` applies).
    """
    birth = as_jalali(birth)
    year = birth.year + years
    if birth.month == 12 and birth.day > days_in_month(year, 12):
        return jdatetime.date(year + 1, 1, 1)
    return jdatetime.date(year, birth.month, birth.day)
