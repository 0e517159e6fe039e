"""Applicants, offices and the citizen's steps, shared by the registry tests."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import TypeVar

import jdatetime

from citizen.identity import Gender
from citizen.national_code import national_code_check_digit
from registry.contract import (
    ApplicationRef,
    GeoPoint,
    HoldRequest,
    NewApplication,
    NewOffice,
    PaymentRequest,
)
from registry.eligibility import ApplicationKind
from registry.service import RegistryService
from registry.states import PaymentPurpose
from registry.storage.errors import RegistryBusy

T = TypeVar("T")

#: Saturday 1405/09/07 (28 November 2026), 09:30 in Tehran.
START = dt.datetime(2026, 11, 28, 6, 0, tzinfo=dt.UTC)
MONDAY = jdatetime.date(1405, 9, 9)     # an opening day two days later
FRIDAY = jdatetime.date(1405, 9, 13)    # offices are closed
TEHRAN = GeoPoint(35.6892, 51.3890)


def national_code(n: int) -> str:
    """A valid national code for applicant number ``n`` (distinct for distinct n)."""
    first = f"{(n * 7_919 + 100_000_007) % 10**9:09d}"
    return first + str(national_code_check_digit(first))


def birth_date(n: int) -> jdatetime.date:
    return jdatetime.date(1350 + n % 50, 1 + n % 12, 1 + n % 28)


def new_application(n: int, kind: ApplicationKind = ApplicationKind.FIRST_CARD,
                    duplicate_number: int = 0) -> NewApplication:
    return NewApplication(national_code(n), birth_date(n), f"مادر {n}", f"0912{n:07d}",
                          f"ب/{n:06d}", Gender.FEMALE if n % 2 else Gender.MALE, kind,
                          duplicate_number)


def ref(n: int, tracking_code: str) -> ApplicationRef:
    return ApplicationRef(national_code(n), tracking_code)


def office(code: str, capacity: int, prefix: str = "021", at: GeoPoint = TEHRAN,
           days: frozenset[int] = frozenset({0, 1, 2, 3, 4, 5})) -> NewOffice:
    return NewOffice(code, f"دفتر {code}", prefix, f"نشانی {code}", at, capacity, days)


def retry_busy(call: Callable[[], T], attempts: int = 50) -> T:
    """Call again while the registry says busy, as a face would (it says so and retries)."""
    for _ in range(attempts - 1):
        try:
            return call()
        except RegistryBusy as busy:
            time.sleep(busy.retry_after / 10)
    return call()


def registered(registry: RegistryService, n: int) -> ApplicationRef:
    """Register applicant ``n`` and pay the fee (the simulated bank pays at once)."""
    view = registry.register(new_application(n))
    application = ref(n, view.tracking_code)
    registry.start_payment(PaymentRequest(application, PaymentPurpose.REGISTRATION,
                                          f"reg-{n:08d}"))
    registry.observe_payment(f"reg-{n:08d}")
    return application


def book(registry: RegistryService, application: ApplicationRef, office_id: int,
         day: jdatetime.date, key: str) -> str:
    """Hold, pay, observe: the whole booking as a face does it; returns the disposition."""
    retry_busy(lambda: registry.hold_slot(HoldRequest(application, office_id, day)))
    retry_busy(lambda: registry.start_payment(
        PaymentRequest(application, PaymentPurpose.BOOKING, key)))
    paid = retry_busy(lambda: registry.observe_payment(key))
    return paid.disposition.value if paid.disposition else paid.state.value
