"""The service interface end to end on both databases: register, pay, list, hold, book."""

from __future__ import annotations

import dataclasses
import datetime as dt

import jdatetime
import pytest

from registry.clock import SettableClock
from registry.contract import ApplicationRef, GeoPoint, HoldRequest, OfficeQuery, PaymentRequest
from registry.eligibility import ApplicationKind
from registry.errors import BookingNotAllowed, InvalidTrackingCode
from registry.lifecycle import BookingBlock, Status
from registry.payments import Behaviour, SimulatedBank
from registry.refusals import (
    ApplicationExists,
    AppointmentNotMarkable,
    AppointmentRefusal,
    BookingRefusal,
    BookingRefused,
    IdempotencyConflict,
    InvalidRequest,
    NotFound,
    OfficeClosed,
    PaymentRefusal,
    PaymentRefused,
    SlotGone,
)
from registry.service import LocalRegistry
from registry.states import AppointmentState, Disposition, PaymentPurpose, PaymentState
from tests.registry.helpers import (
    FRIDAY,
    MONDAY,
    TEHRAN,
    book,
    national_code,
    new_application,
    office,
    ref,
    registered,
)


def test_register_then_pay_the_fee(registry: LocalRegistry, bank: SimulatedBank) -> None:
    view = registry.register(new_application(1))
    assert view.status is Status.AWAITING_PAYMENT and view.kind is ApplicationKind.FIRST_CARD
    assert view.fee_rial == 600_000 and view.registered_at is None
    assert view.tracking_code.isdigit() and len(view.tracking_code) == 20
    application = ref(1, view.tracking_code)

    started = registry.start_payment(PaymentRequest(application, PaymentPurpose.REGISTRATION,
                                                    "reg-key-0001"))
    assert started.state is PaymentState.STARTED and started.amount_rial == 600_000
    assert started.reference and started.reference.startswith("SIMBANK-")
    paid = registry.observe_payment("reg-key-0001")
    assert paid.state is PaymentState.SUCCEEDED and paid.disposition is Disposition.APPLIED
    assert paid.bank_reference and paid.bank_reference.startswith("SIMBANK-")

    status = registry.application(application)
    assert status.status is Status.REGISTERED
    assert status.bank_reference == paid.bank_reference
    assert status.registered_at == registry.clock.now()
    assert status.booking_deadline == jdatetime.date(1405, 11, 7)   # 1405/09/07 + 2 months


def test_the_fee_follows_the_kind(registry: LocalRegistry) -> None:
    second = registry.register(new_application(5, ApplicationKind.DUPLICATE, 2))
    assert (second.kind, second.duplicate_number, second.fee_rial) == (
        ApplicationKind.DUPLICATE, 2, 1_200_000)
    assert registry.register(new_application(6, ApplicationKind.REPLACEMENT)).fee_rial == 500_000


def test_resubmitting_before_paying_updates_the_same_application(
        registry: LocalRegistry) -> None:
    first = registry.register(new_application(2))
    again = registry.register(dataclasses.replace(new_application(2), mobile="09120000000"))
    assert again.application_id == first.application_id
    assert again.tracking_code == first.tracking_code
    registry.start_payment(PaymentRequest(ref(2, first.tracking_code),
                                          PaymentPurpose.REGISTRATION, "reg-key-0002"))
    registry.observe_payment("reg-key-0002")
    with pytest.raises(ApplicationExists) as refused:
        registry.register(new_application(2))
    assert refused.value.status is Status.REGISTERED


def test_persian_digits_in_the_national_code_are_the_same_applicant(
        registry: LocalRegistry) -> None:
    persian = national_code(3).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    first = registry.register(dataclasses.replace(new_application(3), national_code=persian))
    again = registry.register(new_application(3))
    assert first.application_id == again.application_id
    assert registry.application(ApplicationRef(persian, "-".join(
        first.tracking_code[i:i + 4] for i in range(0, 20, 4)))).application_id == \
        first.application_id
    with pytest.raises(InvalidRequest) as bad:
        registry.register(dataclasses.replace(new_application(4), national_code="1111111111"))
    assert bad.value.field == "national_code" and bad.value.reason == "national-code-repeated"


def test_an_application_is_named_by_national_code_and_tracking_code(
        registry: LocalRegistry) -> None:
    code = registry.register(new_application(7)).tracking_code
    other = registry.register(new_application(8)).tracking_code
    with pytest.raises(NotFound) as wrong_owner:
        registry.application(ApplicationRef(national_code(8), code))
    assert wrong_owner.value.kind == "application"
    with pytest.raises(NotFound):
        registry.application(ApplicationRef(national_code(7), other))
    with pytest.raises(InvalidTrackingCode):
        registry.application(ApplicationRef(national_code(7), code[:-1]))
    assert "tracking_code" not in repr(ApplicationRef(national_code(7), code))


def test_offices_listed_by_free_places_and_by_distance(registry: LocalRegistry) -> None:
    registry.add_office(office("N1", 3, at=GeoPoint(35.80, 51.45)))
    south = registry.add_office(office("S1", 5, at=GeoPoint(35.60, 51.40)))
    registry.add_office(office("K1", 9, prefix="031", at=GeoPoint(32.65, 51.67)))
    listed = registry.list_offices(OfficeQuery("021", MONDAY))
    assert [a.office.code for a in listed] == ["S1", "N1"]
    assert [a.free_places for a in listed] == [5, 3]
    assert listed[0].day == MONDAY and listed[0].open

    waiting = registered(registry, 10)
    for n in range(11, 14):      # three places taken at S1: N1 now has as many free
        book(registry, registered(registry, n), south.office_id, MONDAY, f"book-{n:04d}")
    registry.hold_slot(HoldRequest(waiting, south.office_id, MONDAY))   # a live hold counts
    listed = registry.list_offices(OfficeQuery("۰۲۱", MONDAY))
    assert {a.office.code: a.free_places for a in listed} == {"S1": 1, "N1": 3}
    assert listed[0].office.code == "N1"

    near_north = registry.list_offices(OfficeQuery("021", MONDAY, near=GeoPoint(35.79, 51.44)))
    assert [a.office.code for a in near_north] == ["N1", "S1"]
    assert near_north[0].distance_km is not None and near_north[0].distance_km < 2
    assert 20 < (near_north[1].distance_km or 0) < 25
    within = registry.list_offices(OfficeQuery("021", MONDAY, near=TEHRAN, within_km=12))
    assert [a.office.office_id for a in within] == [south.office_id]  # N1 is ~13.5 km away

    closed = registry.list_offices(OfficeQuery("021", FRIDAY))
    assert all(not a.open and a.free_places == 0 for a in closed)
    with pytest.raises(InvalidRequest):
        registry.list_offices(OfficeQuery("21", MONDAY))
    with pytest.raises(InvalidRequest):
        registry.list_offices(OfficeQuery("021", MONDAY, within_km=5))


def test_hold_then_pay_books_the_place(registry: LocalRegistry) -> None:
    place = registry.add_office(office("A1", 2))
    application = registered(registry, 20)
    hold = registry.hold_slot(HoldRequest(application, place.office_id, MONDAY))
    assert hold.amount_rial == 259_963
    assert hold.appointment.state is AppointmentState.HELD and not hold.appointment.lapsed
    assert hold.appointment.day == MONDAY
    assert hold.appointment.hold_expires_at - registry.clock.now() == dt.timedelta(minutes=10)
    registry.start_payment(PaymentRequest(application, PaymentPurpose.BOOKING, "book-key-0020"))
    paid = registry.observe_payment("book-key-0020")
    assert paid.disposition is Disposition.APPLIED and paid.amount_rial == 259_963
    assert paid.appointment and paid.appointment.state is AppointmentState.BOOKED
    view = registry.application(application)
    assert view.status is Status.BOOKED
    assert view.appointment and view.appointment.appointment_id == hold.appointment.appointment_id
    with pytest.raises(BookingRefused) as again:
        registry.hold_slot(HoldRequest(application, place.office_id, MONDAY))
    assert again.value.reason is BookingRefusal.ALREADY_BOOKED


def test_the_last_place_goes_to_one_and_the_next_is_told_it_is_gone(
        registry: LocalRegistry) -> None:
    place = registry.add_office(office("A2", 1))
    first, second = registered(registry, 21), registered(registry, 22)
    registry.hold_slot(HoldRequest(first, place.office_id, MONDAY))
    with pytest.raises(SlotGone) as gone:
        registry.hold_slot(HoldRequest(second, place.office_id, MONDAY))
    assert (gone.value.office_id, gone.value.day) == (place.office_id, MONDAY)


def test_a_lapsed_hold_frees_its_place_at_once(registry: LocalRegistry,
                                               clock: SettableClock) -> None:
    place = registry.add_office(office("A3", 1))
    first, second = registered(registry, 23), registered(registry, 24)
    registry.hold_slot(HoldRequest(first, place.office_id, MONDAY))
    clock.advance(dt.timedelta(minutes=9, seconds=59))
    assert registry.list_offices(OfficeQuery("021", MONDAY))[0].free_places == 0
    clock.advance(dt.timedelta(seconds=1))         # the hold's expiry: no sweeper ran
    assert registry.list_offices(OfficeQuery("021", MONDAY))[0].free_places == 1
    assert registry.application(first).appointment.lapsed        # type: ignore[union-attr]
    registry.hold_slot(HoldRequest(second, place.office_id, MONDAY))


def test_holding_again_releases_the_earlier_hold(registry: LocalRegistry) -> None:
    a, b = registry.add_office(office("B1", 1)), registry.add_office(office("B2", 1))
    application = registered(registry, 25)
    registry.hold_slot(HoldRequest(application, a.office_id, MONDAY))
    registry.hold_slot(HoldRequest(application, b.office_id, MONDAY))
    free = {x.office.code: x.free_places
            for x in registry.list_offices(OfficeQuery("021", MONDAY))}
    assert free == {"B1": 1, "B2": 0}


def test_booking_refusals(registry: LocalRegistry, clock: SettableClock) -> None:
    place = registry.add_office(office("C1", 5))
    unpaid = ref(30, registry.register(new_application(30)).tracking_code)
    with pytest.raises(BookingRefused) as refused:
        registry.hold_slot(HoldRequest(unpaid, place.office_id, MONDAY))
    assert refused.value.reason is BookingRefusal.NOT_REGISTERED
    application = registered(registry, 31)
    with pytest.raises(OfficeClosed) as closed:
        registry.hold_slot(HoldRequest(application, place.office_id, FRIDAY))
    assert closed.value.day == FRIDAY
    with pytest.raises(BookingRefused) as past:
        registry.hold_slot(HoldRequest(application, place.office_id,
                                       jdatetime.date(1405, 9, 4)))
    assert past.value.reason is BookingRefusal.DAY_PASSED
    assert past.value.day == jdatetime.date(1405, 9, 7)
    with pytest.raises(NotFound):
        registry.hold_slot(HoldRequest(application, 999_999, MONDAY))
    # 1405/11/07 (27 January 2027) is the last day to book; the day after, it is closed
    clock.set(dt.datetime(2027, 1, 27, 20, 0, tzinfo=dt.UTC))       # 23:30 in Tehran
    later = jdatetime.date(1405, 11, 10)
    registry.hold_slot(HoldRequest(application, place.office_id, later))
    clock.set(dt.datetime(2027, 1, 27, 20, 30, tzinfo=dt.UTC))      # 00:00 on the 28th
    with pytest.raises(BookingNotAllowed) as late:
        registry.hold_slot(HoldRequest(application, place.office_id, later))
    assert late.value.block is BookingBlock.WINDOW_CLOSED
    assert late.value.until == jdatetime.date(1405, 11, 7)


def test_a_missed_appointment_bars_rebooking_for_four_days(registry: LocalRegistry,
                                                           clock: SettableClock) -> None:
    place = registry.add_office(office("D1", 5, days=frozenset(range(7))))
    application = registered(registry, 40)
    assert book(registry, application, place.office_id, MONDAY, "book-0040") == "applied"
    appointment = registry.application(application).appointment
    assert appointment is not None
    with pytest.raises(AppointmentNotMarkable) as early:
        registry.mark_missed(appointment.appointment_id)
    assert early.value.reason is AppointmentRefusal.NOT_YET
    clock.set(dt.datetime(2026, 11, 30, 15, 0, tzinfo=dt.UTC))   # Monday evening
    missed = registry.mark_missed(appointment.appointment_id)
    assert missed.state is AppointmentState.MISSED
    view = registry.application(application)
    assert view.status is Status.REGISTERED
    assert view.rebooking_from == jdatetime.date(1405, 9, 14)    # barred 09/10 to 09/13
    clock.set(dt.datetime(2026, 12, 4, 20, 29, tzinfo=dt.UTC))   # 23:59 on 1405/09/13
    with pytest.raises(BookingNotAllowed) as barred:
        registry.hold_slot(HoldRequest(application, place.office_id,
                                       jdatetime.date(1405, 9, 15)))
    assert barred.value.block is BookingBlock.BARRED_AFTER_MISSED
    assert barred.value.until == jdatetime.date(1405, 9, 14)
    clock.set(dt.datetime(2026, 12, 4, 20, 30, tzinfo=dt.UTC))   # 00:00 on 1405/09/14
    assert registry.application(application).rebooking_from is None
    assert book(registry, application, place.office_id, jdatetime.date(1405, 9, 15),
                "book-0040b") == "applied"


def test_attended_and_the_office_schedule(registry: LocalRegistry,
                                          clock: SettableClock) -> None:
    place = registry.add_office(office("E1", 5))
    applications = [registered(registry, n) for n in (50, 51)]
    for n, application in zip((50, 51), applications):
        book(registry, application, place.office_id, MONDAY, f"book-{n:04d}")
    day = registry.office_schedule(place.office_id, MONDAY)
    assert [s.appointment.state for s in day] == [AppointmentState.BOOKED] * 2
    clock.set(dt.datetime(2026, 11, 30, 6, 0, tzinfo=dt.UTC))
    done = registry.mark_attended(day[0].appointment.appointment_id)
    assert done.state is AppointmentState.ATTENDED
    assert registry.application(applications[0]).status is Status.BOOKED  # office completes
    with pytest.raises(AppointmentNotMarkable) as twice:
        registry.mark_missed(day[0].appointment.appointment_id)
    assert twice.value.reason is AppointmentRefusal.NOT_BOOKED


def test_payments_refused_when_nothing_is_due(registry: LocalRegistry) -> None:
    application = registered(registry, 60)
    with pytest.raises(PaymentRefused) as twice:
        registry.start_payment(PaymentRequest(application, PaymentPurpose.REGISTRATION,
                                              "reg-again-60"))
    assert twice.value.reason is PaymentRefusal.NOTHING_DUE
    with pytest.raises(PaymentRefused) as no_hold:
        registry.start_payment(PaymentRequest(application, PaymentPurpose.BOOKING,
                                              "book-nohold-60"))
    assert no_hold.value.reason is PaymentRefusal.NO_LIVE_HOLD
    other = ref(61, registry.register(new_application(61)).tracking_code)
    with pytest.raises(IdempotencyConflict):
        registry.start_payment(PaymentRequest(other, PaymentPurpose.REGISTRATION,
                                              "reg-00000060"))
    with pytest.raises(InvalidRequest):
        registry.start_payment(PaymentRequest(application, PaymentPurpose.BOOKING, "short"))


def test_a_declined_payment_can_be_retried_with_a_new_key(registry: LocalRegistry,
                                                          bank: SimulatedBank) -> None:
    application = ref(70, registry.register(new_application(70)).tracking_code)
    bank.script(Behaviour.DECLINE)
    registry.start_payment(PaymentRequest(application, PaymentPurpose.REGISTRATION,
                                          "reg-try-1"))
    declined = registry.observe_payment("reg-try-1")
    assert declined.state is PaymentState.DECLINED and declined.disposition is None
    assert registry.application(application).status is Status.AWAITING_PAYMENT
    registry.start_payment(PaymentRequest(application, PaymentPurpose.REGISTRATION,
                                          "reg-try-2"))
    assert registry.observe_payment("reg-try-2").disposition is Disposition.APPLIED
