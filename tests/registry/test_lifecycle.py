"""Statuses, every allowed and forbidden move, every deadline at its boundary."""

from datetime import timedelta

import jdatetime
import pytest

from registry.errors import BookingNotAllowed, RegistryError, TransitionRefused
from registry.lifecycle import (
    FINAL,
    TRANSITIONS,
    BookingBlock,
    Status,
    add_working_days,
    can_move,
    check_booking,
    check_transition,
    expected_ready,
    is_late_collection,
    is_void_due,
    is_working_day,
    last_booking_day,
    last_collection_day,
    rebooking_opens,
)

D = jdatetime.date
S = Status
DAY = timedelta(days=1)

ALLOWED = {
    (S.AWAITING_PAYMENT, S.REGISTERED), (S.AWAITING_PAYMENT, S.CANCELLED),
    (S.REGISTERED, S.BOOKED), (S.REGISTERED, S.CANCELLED),
    (S.BOOKED, S.COMPLETED), (S.BOOKED, S.REGISTERED), (S.BOOKED, S.CANCELLED),
    (S.COMPLETED, S.APPROVED), (S.COMPLETED, S.CANCELLED),
    (S.APPROVED, S.ISSUED),
    (S.ISSUED, S.READY_FOR_COLLECTION), (S.ISSUED, S.VOIDED),
    (S.READY_FOR_COLLECTION, S.DELIVERED), (S.READY_FOR_COLLECTION, S.VOIDED),
    (S.VOIDED, S.DELIVERED),
}


def test_the_table_is_exactly_the_intended_moves():
    assert {(a, b) for a, targets in TRANSITIONS.items() for b in targets} == ALLOWED
    assert set(TRANSITIONS) == set(Status)
    assert FINAL == {S.DELIVERED, S.CANCELLED}


@pytest.mark.parametrize("move", sorted(ALLOWED, key=lambda m: (m[0].value, m[1].value)))
def test_allowed_moves(move):
    assert can_move(*move)
    assert check_transition(*move) is move[1]


FORBIDDEN = sorted(((a, b) for a in Status for b in Status if (a, b) not in ALLOWED),
                   key=lambda m: (m[0].value, m[1].value))


@pytest.mark.parametrize("move", FORBIDDEN)
def test_every_other_move_is_refused_with_from_and_to(move):
    assert not can_move(*move)
    with pytest.raises(TransitionRefused) as info:
        check_transition(*move)
    assert (info.value.from_status, info.value.to_status) == move
    assert isinstance(info.value, RegistryError)


def test_forbidden_includes_skips_going_back_and_staying():
    for move in [(S.REGISTERED, S.COMPLETED), (S.BOOKED, S.APPROVED),
                 (S.APPROVED, S.READY_FOR_COLLECTION), (S.ISSUED, S.DELIVERED),
                 (S.DELIVERED, S.VOIDED), (S.CANCELLED, S.BOOKED),
                 (S.READY_FOR_COLLECTION, S.ISSUED), (S.VOIDED, S.READY_FOR_COLLECTION),
                 (S.BOOKED, S.BOOKED), (S.APPROVED, S.CANCELLED), (S.REGISTERED, S.VOIDED),
                 (S.AWAITING_PAYMENT, S.BOOKED), (S.BOOKED, S.AWAITING_PAYMENT)]:
        assert move in FORBIDDEN


# two months to book -----------------------------------------------------------------

@pytest.mark.parametrize("registered, book_by", [
    (D(1403, 1, 15), D(1403, 3, 15)),
    (D(1403, 6, 31), D(1403, 8, 30)),    # Aban has 30 days: clamp
    (D(1403, 10, 30), D(1403, 12, 30)),  # 1403 is leap: Esfand 30 exists
    (D(1404, 10, 30), D(1404, 12, 29)),  # 1404 is not: clamp
    (D(1403, 11, 20), D(1404, 1, 20)),   # across Nowruz
    (D(1403, 12, 30), D(1404, 2, 30)),
])
def test_book_by_two_months_after_registering(registered, book_by):
    assert last_booking_day(registered) == book_by
    for today, allowed in ((book_by - DAY, True), (book_by, True), (book_by + DAY, False)):
        check = check_booking(registered, today)
        assert check.allowed is allowed and check.book_by == book_by
        if not allowed:
            assert (check.block, check.until) == (BookingBlock.WINDOW_CLOSED, book_by)


def test_booking_on_the_day_of_registering():
    assert check_booking(D(1403, 5, 1), D(1403, 5, 1)).allowed


# four days barred after a missed appointment ------------------------------------------

@pytest.mark.parametrize("missed, opens", [
    (D(1403, 5, 10), D(1403, 5, 15)),
    (D(1403, 6, 29), D(1403, 7, 3)),     # Shahrivar has 31 days
    (D(1403, 12, 28), D(1404, 1, 3)),    # 1403/12/29, 12/30, 1404/01/01, 01/02 barred
    (D(1404, 12, 28), D(1405, 1, 4)),    # 1404 has no Esfand 30
])
def test_a_missed_appointment_bars_rebooking_for_four_days(missed, opens):
    registered = missed - timedelta(days=20)
    assert rebooking_opens(missed) == opens
    assert (opens - missed).days == 5  # the missed day itself, then four barred days
    for today in (missed + DAY, opens - DAY):
        check = check_booking(registered, today, missed_on=missed)
        assert not check.allowed
        assert (check.block, check.until) == (BookingBlock.BARRED_AFTER_MISSED, opens)
        with pytest.raises(BookingNotAllowed) as info:
            check.require()
        assert (info.value.block, info.value.until) == (BookingBlock.BARRED_AFTER_MISSED, opens)
    assert check_booking(registered, opens, missed_on=missed).allowed
    check_booking(registered, opens + DAY, missed_on=missed).require()


def test_a_closed_window_wins_over_a_bar():
    registered = D(1403, 1, 15)
    check = check_booking(registered, D(1403, 3, 16), missed_on=D(1403, 3, 14))
    assert check.block is BookingBlock.WINDOW_CLOSED
    with pytest.raises(BookingNotAllowed) as info:
        check.require()
    assert info.value.until == D(1403, 3, 15)


# six months to collect; then void and the higher fee -----------------------------------

@pytest.mark.parametrize("issued, collect_by", [
    (D(1403, 1, 10), D(1403, 7, 10)),
    (D(1403, 6, 31), D(1403, 12, 30)),   # leap Esfand
    (D(1404, 6, 31), D(1404, 12, 29)),   # common Esfand: clamp
    (D(1403, 3, 31), D(1403, 9, 30)),    # Azar has 30 days: clamp
    (D(1403, 9, 15), D(1404, 3, 15)),
    (D(1403, 12, 30), D(1404, 6, 30)),
])
def test_void_six_months_after_issue(issued, collect_by):
    assert last_collection_day(issued) == collect_by
    assert not is_void_due(issued, collect_by - DAY)
    assert not is_void_due(issued, collect_by)
    assert is_void_due(issued, collect_by + DAY)
    assert not is_late_collection(S.READY_FOR_COLLECTION, issued, collect_by)
    assert is_late_collection(S.READY_FOR_COLLECTION, issued, collect_by + DAY)
    assert is_late_collection(S.VOIDED, issued, collect_by)  # voided: late whatever the day


# when the card should be ready ---------------------------------------------------------

def test_working_days_skip_thursday_friday_and_solar_holidays():
    assert D(1403, 8, 5).weekday() == 0               # a Saturday
    assert is_working_day(D(1403, 8, 5))
    assert is_working_day(D(1403, 8, 9))              # Wednesday
    assert not is_working_day(D(1403, 8, 10))         # Thursday
    assert not is_working_day(D(1403, 8, 11))         # Friday
    assert not is_working_day(D(1403, 11, 22))        # Revolution Day (a Monday)
    assert not is_working_day(D(1404, 1, 1))          # Nowruz
    assert not is_working_day(D(1403, 8, 7), frozenset({D(1403, 8, 7)}))  # a lunar holiday
    assert add_working_days(D(1403, 8, 5), 0) == D(1403, 8, 5)
    assert add_working_days(D(1403, 8, 5), 4) == D(1403, 8, 9)   # Sunday to Wednesday
    assert add_working_days(D(1403, 8, 5), 5) == D(1403, 8, 12)  # then the next Saturday
    with pytest.raises(ValueError):
        add_working_days(D(1403, 8, 5), -1)


def test_expected_ready_dates():
    estimate = expected_ready(D(1403, 8, 5))       # completed on a Saturday
    assert estimate.completed_on == D(1403, 8, 5)
    assert estimate.earliest == D(1403, 8, 20)     # 15 days
    assert estimate.latest == D(1403, 9, 5)        # one month
    # 20 working days: 4 + 5 + 5 + 5 up to Wednesday 08/30, the 20th on Saturday 09/03
    assert estimate.working_days == D(1403, 9, 3)
    with_lunar = expected_ready(D(1403, 8, 5), frozenset({D(1403, 8, 7)}))
    assert with_lunar.working_days == D(1403, 9, 4)
    # over Nowruz the working-day estimate stretches, the calendar ones do not
    nowruz = expected_ready(D(1403, 12, 25))
    assert nowruz.earliest == D(1404, 1, 10)
    assert nowruz.latest == D(1404, 1, 25)
    assert nowruz.working_days > D(1404, 1, 25)


def test_gregorian_days_are_taken_as_the_same_days():
    import datetime as dt
    registered = dt.date(2024, 4, 3)                   # 1403/01/15
    assert last_booking_day(registered) == D(1403, 3, 15)
    assert check_booking(registered, dt.date(2024, 6, 4)).allowed        # 1403/03/15
    assert not check_booking(registered, dt.date(2024, 6, 5)).allowed    # 1403/03/16
    assert rebooking_opens(dt.date(2024, 7, 31)) == D(1403, 5, 15)       # missed 1403/05/10
    assert is_working_day(dt.date(2024, 10, 26))       # 1403/08/05, a Saturday
    assert not is_working_day(dt.date(2024, 10, 31))   # 1403/08/10, a Thursday
    assert expected_ready(dt.date(2024, 10, 26)).working_days == D(1403, 9, 3)
