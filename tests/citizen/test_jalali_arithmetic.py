"""Month arithmetic and anniversaries on the Solar Hijri calendar (jdatetime has neither)."""

import jdatetime
import pytest

from citizen.jalali import add_months, anniversary, days_in_month, full_years_between

D = jdatetime.date


def test_month_lengths_and_leap_esfand():
    assert [days_in_month(1403, m) for m in range(1, 13)] == [31] * 6 + [30] * 5 + [30]
    assert days_in_month(1404, 12) == 29
    assert days_in_month(1408, 12) == 30  # the next leap year after 1403
    for year in range(1390, 1420):
        assert days_in_month(year, 12) == (30 if D(year, 1, 1).isleap() else 29)
    with pytest.raises(ValueError):
        days_in_month(1403, 13)


@pytest.mark.parametrize("start, months, expected", [
    (D(1403, 1, 15), 2, D(1403, 3, 15)),
    (D(1403, 6, 31), 1, D(1403, 7, 30)),     # Mehr has 30 days: clamp
    (D(1403, 6, 31), 2, D(1403, 8, 30)),
    (D(1403, 11, 30), 1, D(1403, 12, 30)),   # 1403 is leap: Esfand 30 exists
    (D(1404, 11, 30), 1, D(1404, 12, 29)),   # 1404 is not: clamp to Esfand 29
    (D(1403, 12, 30), 12, D(1404, 12, 29)),
    (D(1403, 12, 30), 6, D(1404, 6, 30)),
    (D(1404, 6, 31), 6, D(1404, 12, 29)),
    (D(1403, 12, 15), 2, D(1404, 2, 15)),    # across the year
    (D(1403, 2, 10), -3, D(1402, 11, 10)),   # backwards
    (D(1403, 5, 5), 0, D(1403, 5, 5)),
])
def test_add_months_clamps_to_the_months_last_day(start, months, expected):
    assert add_months(start, months) == expected


@pytest.mark.parametrize("birth, years, expected", [
    (D(1388, 12, 29), 15, D(1403, 12, 29)),
    (D(1389, 1, 1), 15, D(1404, 1, 1)),
    (D(1387, 12, 30), 15, D(1403, 1, 1)),    # born Esfand 30 (1387 leap), 1402 is not
    (D(1383, 12, 30), 20, D(1403, 12, 30)),  # 1383 and 1403 are both leap
    (D(1383, 12, 30), 21, D(1405, 1, 1)),
])
def test_anniversary_is_the_first_day_the_years_are_full(birth, years, expected):
    assert anniversary(birth, years) == expected
    assert full_years_between(birth, expected) == years
    assert full_years_between(birth, expected - jdatetime.timedelta(days=1)) == years - 1


def test_gregorian_dates_are_converted_not_misread():
    import datetime as dt

    from citizen.jalali import as_jalali
    # 2025-03-20 is 1403/12/30; read as Solar Hijri it would be a day in 2025 AP
    assert as_jalali(dt.date(2025, 3, 20)) == D(1403, 12, 30)
    assert add_months(dt.date(2025, 3, 20), 12) == D(1404, 12, 29)
    assert as_jalali(dt.date(2009, 3, 20)) == D(1387, 12, 30)
    assert anniversary(dt.date(2009, 3, 20), 15) == D(1403, 1, 1)
    with pytest.raises(TypeError):
        as_jalali(dt.datetime(2025, 3, 20, 12))
    with pytest.raises(TypeError):
        as_jalali("1403/12/30")
