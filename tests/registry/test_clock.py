"""The one clock: aware UTC instants, Iranian calendar days."""

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import jdatetime
import pytest

from registry.clock import (
    IRAN,
    IRAN_STANDARD_TIME,
    Clock,
    SettableClock,
    SystemClock,
    iran_date,
    iran_instant,
)

D = jdatetime.date


def test_system_clock_is_aware_utc_and_its_day_is_irans():
    clock = SystemClock()
    assert isinstance(clock, Clock)
    now = clock.now()
    assert now.tzinfo is UTC
    assert abs(now - datetime.now(UTC)) < timedelta(seconds=5)
    assert clock.today() in (iran_date(now), iran_date(clock.now()))


def test_the_iranian_day_turns_at_2030_utc_since_dst_ended():
    # 1403/12/30 is 2025-03-20; Nowruz 1404 begins at 00:00 Tehran = 20:30 UTC.
    assert iran_date(datetime(2025, 3, 20, 20, 29, 59, tzinfo=UTC)) == D(1403, 12, 30)
    assert iran_date(datetime(2025, 3, 20, 20, 30, tzinfo=UTC)) == D(1404, 1, 1)
    assert iran_instant(D(1404, 1, 1), 0, 0) == datetime(2025, 3, 20, 20, 30, tzinfo=UTC)


def test_the_zone_knows_the_daylight_saving_before_1401():
    june_2021 = datetime(2021, 6, 1, 19, 30, tzinfo=UTC)
    if isinstance(IRAN, ZoneInfo):  # tz data installed (Debian's tzdata): +04:30 then
        assert june_2021.astimezone(IRAN).utcoffset() == timedelta(hours=4, minutes=30)
        assert iran_date(june_2021) == D(1400, 3, 12)
    else:                          # fallback: today's fixed offset
        assert IRAN is IRAN_STANDARD_TIME
    june_2024 = datetime(2024, 6, 1, 12, tzinfo=UTC)
    assert june_2024.astimezone(IRAN).utcoffset() == timedelta(hours=3, minutes=30)


def test_settable_clock_stands_on_a_day_and_moves_when_told():
    clock = SettableClock.on(D(1403, 12, 30))
    assert isinstance(clock, Clock)
    assert clock.today() == D(1403, 12, 30)
    assert clock.now().tzinfo is UTC
    clock.set_day(D(1403, 12, 30), 23, 59)
    assert clock.today() == D(1403, 12, 30)
    clock.advance(timedelta(minutes=1))
    assert clock.today() == D(1404, 1, 1)
    clock.set(datetime(2025, 3, 20, 21, 0, tzinfo=timezone(timedelta(hours=3, minutes=30))))
    assert clock.now() == datetime(2025, 3, 20, 17, 30, tzinfo=UTC)
    assert clock.today() == D(1403, 12, 30)


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        SettableClock(datetime(2025, 3, 20, 12))
    clock = SettableClock.on(D(1403, 1, 1))
    with pytest.raises(ValueError):
        clock.set(datetime(2025, 3, 20, 12))
    with pytest.raises(ValueError):
        iran_date(datetime(2025, 3, 20, 12))


def test_nothing_in_registry_reads_the_time_directly():
    from pathlib import Path

    import registry
    root = Path(registry.__file__).parent
    for path in root.rglob("*.py"):
        if path.name == "clock.py":
            continue
        text = path.read_text(encoding="utf-8")
        for call in ("datetime.now(", "datetime.utcnow(", "datetime.today(", "date.today(",
                     "time.time(", "time.localtime(", "time.gmtime("):
            assert call not in text, f"{path.name} reads the time directly: {call}"
