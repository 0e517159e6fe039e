"""The one source of time in the registry: a clock handed to whoever needs "now".

Deadlines (two months to book, four days barred, six months to collect) are decided on
Iranian calendar days, so a test that wants to stand on 1403/12/30 must be able to say
so. Nothing in ``registry/`` calls ``datetime.now()`` or ``jdatetime.date.today()``;
it asks a :class:`Clock`.

Iran time: ``Asia/Tehran`` from the system's time-zone data, which knows the daylight
saving Iran kept until 1401 (2022) and its end since; where no data is installed, the
fixed UTC+03:30 of today's law is used (right for every instant since 1401/06/30).
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Protocol, runtime_checkable

import jdatetime


def _iran_zone() -> tzinfo:
    try:
        from zoneinfo import ZoneInfo
        return ZoneInfo("Asia/Tehran")
    except (ImportError, KeyError, ValueError, OSError):  # no tz database installed
        return IRAN_STANDARD_TIME


IRAN_STANDARD_TIME = timezone(timedelta(hours=3, minutes=30), "IRST")
"""UTC+03:30, Iran's offset all year since daylight saving was abolished in 1401."""
IRAN = _iran_zone()


def iran_time(instant: datetime) -> datetime:
    """An aware instant seen on a wall clock in Iran."""
    _require_aware(instant)
    return instant.astimezone(IRAN)


def iran_date(instant: datetime) -> jdatetime.date:
    """The Solar Hijri calendar day in Iran at an aware instant."""
    return jdatetime.date.fromgregorian(date=iran_time(instant).date())


def iran_instant(day: jdatetime.date, hour: int = 12, minute: int = 0) -> datetime:
    """The aware UTC instant of a wall-clock time on a Solar Hijri day in Iran."""
    local = datetime.combine(day.togregorian(), datetime.min.time()).replace(
        hour=hour, minute=minute, tzinfo=IRAN)
    return local.astimezone(UTC)


def _require_aware(instant: datetime) -> None:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("the registry only handles aware datetimes (with a time zone)")


@runtime_checkable
class Clock(Protocol):
    """Where the registry learns the time."""

    def now(self) -> datetime:
        """The current instant, aware, in UTC."""
        ...

    def today(self) -> jdatetime.date:
        """Today's Solar Hijri date in Iran."""
        ...


class SystemClock:
    """The machine's clock: production."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def today(self) -> jdatetime.date:
        return iran_date(self.now())


class SettableClock:
    """A clock that stands still until told otherwise: tests, demos, replaying a day.

    ``SettableClock.on(jdatetime.date(1403, 12, 30))`` stands at noon of that day in Iran.
    Setting and advancing are safe from several threads.
    """

    def __init__(self, instant: datetime) -> None:
        self._lock = threading.Lock()
        self._now = self._utc(instant)

    @classmethod
    def on(cls, day: jdatetime.date, hour: int = 12, minute: int = 0) -> SettableClock:
        """A clock at a wall-clock time of a Solar Hijri day in Iran."""
        return cls(iran_instant(day, hour, minute))

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def today(self) -> jdatetime.date:
        return iran_date(self.now())

    def set(self, instant: datetime) -> None:
        """Jump to an aware instant (backwards too: a test may need it)."""
        utc = self._utc(instant)
        with self._lock:
            self._now = utc

    def set_day(self, day: jdatetime.date, hour: int = 12, minute: int = 0) -> None:
        """Jump to a wall-clock time of a Solar Hijri day in Iran."""
        self.set(iran_instant(day, hour, minute))

    def advance(self, delta: timedelta) -> datetime:
        """Move forward (or back, with a negative delta); returns the new instant."""
        with self._lock:
            self._now = self._now + delta
            return self._now

    @staticmethod
    def _utc(instant: datetime) -> datetime:
        _require_aware(instant)
        return instant.astimezone(UTC)
