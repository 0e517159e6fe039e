"""Offices, free places, holds and bookings: availability from live rows, pretix's way.

A place is taken by a firm appointment (booked, attended, missed) or by a hold whose
expiry is still ahead. Nothing counts places in a column that could drift: every answer
is a count of rows at the instant asked, so a hold frees its place the moment it lapses,
with no sweeper. Every write that can take a place runs under the lock of that
office-day (:func:`office_day_key`) and re-counts inside it, so no place is sold twice.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

import jdatetime
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from citizen.digits import normalize_digits
from registry.clock import iran_date, iran_time
from registry.contract import (
    AppointmentView,
    GeoPoint,
    OfficeAvailability,
    OfficeQuery,
    OfficeView,
)
from registry.geo import haversine_km
from registry.lifecycle import Status, check_booking
from registry.refusals import (
    AppointmentNotMarkable,
    AppointmentRefusal,
    BookingRefusal,
    BookingRefused,
    InvalidRequest,
    NotFound,
    OfficeClosed,
    SlotGone,
)
from registry.states import FIRM_STATES, AppointmentState
from registry.storage.models import Application, Appointment, Office

_CITY_PREFIX = re.compile(r"0[1-9][0-9]{1,2}", re.ASCII)


def city_prefix(text: str) -> str:
    """A city's phone prefix (0 and two or three digits, any digit script), normalised."""
    prefix = normalize_digits(text.strip())
    if not _CITY_PREFIX.fullmatch(prefix):
        raise InvalidRequest("city_prefix", "a city phone prefix: 0 and two or three digits")
    return prefix


@dataclass(frozen=True)
class AppointmentRules:
    """How long a chosen place is kept for payment (the deadlines are the lifecycle's)."""

    hold_minutes: int = 10


def local_day(now: dt.datetime) -> dt.date:
    """Today in Iran as a Gregorian date: appointment days are stored so."""
    return iran_time(now).date()


def jalali(day: dt.date) -> jdatetime.date:
    return jdatetime.date.fromgregorian(date=day)


def office_day_key(office_id: int, day: dt.date) -> str:
    """The lock of one office's places on one day: the scarce thing bookings fight over."""
    return f"office-day:{office_id}:{day.isoformat()}"


def _takes_a_place(now: dt.datetime):  # noqa: ANN202 (a SQL expression)
    return or_(Appointment.state.in_([s.value for s in FIRM_STATES]),
               and_(Appointment.state == AppointmentState.HELD.value,
                    Appointment.hold_expires_at > now))


def taken_places(session: Session, office_ids: Sequence[int], day: dt.date,
                 now: dt.datetime) -> dict[int, int]:
    """Places taken at each office on ``day`` at instant ``now``, counted from live rows."""
    if not office_ids:
        return {}
    rows = session.execute(
        select(Appointment.office_id, func.count())
        .where(Appointment.office_id.in_(office_ids), Appointment.day == day,
               _takes_a_place(now))
        .group_by(Appointment.office_id)).all()
    return {int(office_id): int(count) for office_id, count in rows}


def jalali_weekday(day: dt.date) -> int:
    """0 = Saturday ... 6 = Friday, the week as Iranian offices count it."""
    return int(jdatetime.date.fromgregorian(date=day).weekday())


def is_open(office: Office, day: dt.date) -> bool:
    return office.active and str(jalali_weekday(day)) in office.opening_days


def office_view(office: Office) -> OfficeView:
    return OfficeView(office.id, office.code, office.name, office.city_prefix, office.address,
                      GeoPoint(office.latitude, office.longitude), office.daily_capacity,
                      frozenset(int(d) for d in office.opening_days))


def appointment_view(row: Appointment, now: dt.datetime) -> AppointmentView:
    state = AppointmentState(row.state)
    lapsed = state is AppointmentState.HELD and row.hold_expires_at <= now
    return AppointmentView(row.id, row.office_id, jalali(row.day), state, row.hold_expires_at,
                           lapsed)


def list_offices(session: Session, query: OfficeQuery,
                 now: dt.datetime) -> list[OfficeAvailability]:
    """Offices of a city prefix on a day: most free places first, or nearest first if asked."""
    day = query.day.togregorian()
    offices = session.scalars(select(Office).where(Office.city_prefix == query.city_prefix,
                                                   Office.active.is_(True))).all()
    taken = taken_places(session, [o.id for o in offices], day, now)
    listed: list[OfficeAvailability] = []
    for office in offices:
        open_ = is_open(office, day)
        free = max(0, office.daily_capacity - taken.get(office.id, 0)) if open_ else 0
        distance = (haversine_km(query.near.latitude, query.near.longitude,
                                 office.latitude, office.longitude) if query.near else None)
        if query.within_km is not None and distance is not None and distance > query.within_km:
            continue
        listed.append(OfficeAvailability(office_view(office), query.day, open_, free, distance))
    if query.near is not None:
        listed.sort(key=lambda a: (a.distance_km, -a.free_places, a.office.office_id))
    else:
        listed.sort(key=lambda a: (-a.free_places, a.office.name, a.office.office_id))
    return listed


def load_office(session: Session, office_id: int) -> Office:
    office = session.get(Office, office_id)
    if office is None or not office.active:
        raise NotFound("office")
    return office


def last_missed_day(session: Session, application_id: int) -> dt.date | None:
    return session.scalar(select(func.max(Appointment.day)).where(
        Appointment.application_id == application_id,
        Appointment.state == AppointmentState.MISSED.value))


def current_appointment(session: Session, application_id: int) -> Appointment | None:
    """The newest appointment that is not a released hold (it may be a lapsed one)."""
    return session.scalars(
        select(Appointment).where(Appointment.application_id == application_id,
                                  Appointment.state != AppointmentState.RELEASED.value)
        .order_by(Appointment.id.desc())).first()


def live_hold(session: Session, application_id: int, now: dt.datetime) -> Appointment | None:
    return session.scalars(
        select(Appointment).where(Appointment.application_id == application_id,
                                  Appointment.state == AppointmentState.HELD.value,
                                  Appointment.hold_expires_at > now)
        .order_by(Appointment.id.desc())).first()


def ensure_bookable(session: Session, application: Application, day: dt.date,
                    now: dt.datetime) -> None:
    """Refuse unless this application may hold a place on ``day`` now.

    BookingRefused for what this module knows (not paid yet, already booked, a day
    gone by); BookingNotAllowed from the lifecycle's deadlines (the window after
    registering, the bar after a missed appointment): the one place they are applied.
    """
    status = Status(application.status)
    if status is Status.AWAITING_PAYMENT or application.registered_at is None:
        raise BookingRefused(BookingRefusal.NOT_REGISTERED)
    if status is Status.BOOKED:
        raise BookingRefused(BookingRefusal.ALREADY_BOOKED)
    if status is not Status.REGISTERED:
        raise BookingRefused(BookingRefusal.NOT_BOOKABLE)
    today = local_day(now)
    if day < today:
        raise BookingRefused(BookingRefusal.DAY_PASSED, jalali(today))
    missed = last_missed_day(session, application.id)
    check_booking(iran_date(application.registered_at), jalali(today),
                  jalali(missed) if missed else None).require()


def hold(session: Session, application: Application, office: Office, day: dt.date,
         rules: AppointmentRules, now: dt.datetime) -> Appointment:
    """Keep a place for ``rules.hold_minutes``; SlotGone if none is free.

    Call with the application's and the office-day's locks held: the count below and
    the insert after it must not interleave with another booking of that office-day.
    Any earlier hold of this application is released (the applicant changed their mind).
    """
    if not is_open(office, day):
        raise OfficeClosed(office.id, jalali(day))
    for earlier in session.scalars(select(Appointment).where(
            Appointment.application_id == application.id,
            Appointment.state == AppointmentState.HELD.value)):
        earlier.state = AppointmentState.RELEASED.value
        earlier.closed_at = now
    session.flush()
    taken = taken_places(session, [office.id], day, now).get(office.id, 0)
    if taken >= office.daily_capacity:
        raise SlotGone(office.id, jalali(day))
    row = Appointment(application_id=application.id, office_id=office.id, day=day,
                      state=AppointmentState.HELD.value, held_at=now,
                      hold_expires_at=now + dt.timedelta(minutes=rules.hold_minutes))
    session.add(row)
    session.flush()
    return row


def make_firm(session: Session, appointment: Appointment, office: Office,
              now: dt.datetime) -> bool:
    """Book a paid-for place: the live hold's, or a free one if the hold lapsed meanwhile.

    Re-checks the hold inside the confirming transaction (the payment may have arrived
    after it lapsed). False means no place could be given: the payment is to be refunded.
    Call with the office-day's lock held.
    """
    if appointment.state != AppointmentState.HELD.value:
        return False          # released for another hold, or already settled
    if appointment.hold_expires_at <= now:
        if appointment.day < local_day(now) or not is_open(office, appointment.day):
            return False
        taken = taken_places(session, [office.id], appointment.day, now).get(office.id, 0)
        if taken >= office.daily_capacity:
            return False
    appointment.state = AppointmentState.BOOKED.value
    appointment.booked_at = now
    session.flush()
    return True


def mark(appointment: Appointment, attended: bool, now: dt.datetime) -> None:
    """Record that the applicant came, or did not, to a booked appointment whose day came."""
    if appointment.state != AppointmentState.BOOKED.value:
        raise AppointmentNotMarkable(appointment.id, AppointmentRefusal.NOT_BOOKED)
    if appointment.day > local_day(now):
        raise AppointmentNotMarkable(appointment.id, AppointmentRefusal.NOT_YET)
    appointment.state = (AppointmentState.ATTENDED if attended else AppointmentState.MISSED).value
    appointment.closed_at = now


def schedule(session: Session, office_id: int, day: dt.date) -> list[Appointment]:
    """An office's firm appointments of one day, in booking order."""
    return list(session.scalars(
        select(Appointment).where(Appointment.office_id == office_id, Appointment.day == day,
                                  Appointment.state.in_([s.value for s in FIRM_STATES]))
        .order_by(Appointment.booked_at, Appointment.id)))
