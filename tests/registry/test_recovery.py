"""Tracking-code recovery and its rate limits, shared through the database."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import select

from registry.contract import Caller, RecoveryRequest
from registry.lifecycle import Status
from registry.payments import SimulatedBank
from registry.recovery import RecoveryLimits
from registry.refusals import InvalidRequest, LimitScope, NotFound, RateLimited
from registry.service import LocalRegistry
from registry.storage.models import AuditEntry
from tests.registry.helpers import birth_date, national_code, new_application, registered

MINUTE = dt.timedelta(minutes=1)


def _wrong(n: int) -> RecoveryRequest:
    right = birth_date(n)
    return RecoveryRequest(national_code(n), right.replace(day=1 + right.day % 28))


@pytest.fixture
def limited(registry: LocalRegistry) -> LocalRegistry:
    registry.limits = RecoveryLimits(per_national_code=3, per_client=5,
                                     window=dt.timedelta(hours=1))
    return registry


def test_recovers_the_code_with_national_code_and_birth_date(registry: LocalRegistry) -> None:
    code = registered(registry, 1).tracking_code
    found = registry.recover_tracking_code(RecoveryRequest(national_code(1), birth_date(1)))
    assert found.tracking_code == code and found.status is Status.REGISTERED
    with pytest.raises(NotFound):
        registry.recover_tracking_code(_wrong(1))
    with pytest.raises(NotFound):
        registry.recover_tracking_code(RecoveryRequest(national_code(2), birth_date(2)))
    with pytest.raises(InvalidRequest):
        registry.recover_tracking_code(RecoveryRequest("0000000001", birth_date(1)))
    assert "birth_date" not in repr(RecoveryRequest(national_code(1), birth_date(1)))


def test_per_national_code_limit_slides(limited: LocalRegistry) -> None:
    registered(limited, 1)
    clock = limited.clock
    for _ in range(3):
        with pytest.raises(NotFound):
            limited.recover_tracking_code(_wrong(1))
        clock.advance(10 * MINUTE)                           # type: ignore[attr-defined]
    first_attempt = clock.now() - 30 * MINUTE
    with pytest.raises(RateLimited) as limit:
        limited.recover_tracking_code(RecoveryRequest(national_code(1), birth_date(1)))
    assert limit.value.scope is LimitScope.NATIONAL_CODE
    assert limit.value.retry_at == first_attempt + dt.timedelta(hours=1)
    clock.set(limit.value.retry_at - dt.timedelta(seconds=1))  # type: ignore[attr-defined]
    with pytest.raises(RateLimited):
        limited.recover_tracking_code(RecoveryRequest(national_code(1), birth_date(1)))
    clock.set(limit.value.retry_at)                          # type: ignore[attr-defined]
    assert limited.recover_tracking_code(RecoveryRequest(national_code(1), birth_date(1)))
    with pytest.raises(RateLimited):                          # the window is full again
        limited.recover_tracking_code(RecoveryRequest(national_code(1), birth_date(1)))


def test_per_client_limit_across_national_codes(limited: LocalRegistry) -> None:
    for n in range(5):
        with pytest.raises(NotFound):
            limited.recover_tracking_code(_wrong(100 + n))
    with pytest.raises(RateLimited) as limit:
        limited.recover_tracking_code(_wrong(200))
    assert limit.value.scope is LimitScope.CLIENT
    other_kiosk = limited.with_caller(Caller("kiosk:test-2", "test-2"))
    with pytest.raises(NotFound):
        other_kiosk.recover_tracking_code(_wrong(200))


def test_the_limit_is_shared_by_every_process_on_the_database(limited: LocalRegistry,
                                                              db_url: str,
                                                              bank: SimulatedBank) -> None:
    elsewhere = LocalRegistry.open(db_url, bank, caller=Caller("kiosk:far", "far"),
                                   clock=limited.clock, limits=limited.limits)
    try:
        for service in (limited, elsewhere, limited):
            with pytest.raises(NotFound):
                service.recover_tracking_code(_wrong(7))
        with pytest.raises(RateLimited):
            elsewhere.recover_tracking_code(_wrong(7))
    finally:
        elsewhere.close()


def test_attempts_and_refusals_are_audited(limited: LocalRegistry) -> None:
    registered(limited, 1)
    limited.recover_tracking_code(RecoveryRequest(national_code(1), birth_date(1)))
    for _ in range(2):
        with pytest.raises(NotFound):
            limited.recover_tracking_code(_wrong(1))
    with pytest.raises(RateLimited):
        limited.recover_tracking_code(_wrong(1))
    with limited.database.read("audit") as session:
        entries = session.scalars(select(AuditEntry).where(
            AuditEntry.action.like("recovery.%")).order_by(AuditEntry.id)).all()
    assert [(e.action, '"succeeded": true' in e.details) for e in entries] == [
        ("recovery.attempt", True), ("recovery.attempt", False), ("recovery.attempt", False),
        ("recovery.refused", False)]
    assert all(e.actor == "kiosk:test-1" and '"client": "test-1"' in e.details
               for e in entries)
    assert '"scope": "national-code"' in entries[-1].details
    assert all(str(birth_date(1).year) not in e.details for e in entries)


def test_recovery_finds_the_newest_application(registry: LocalRegistry) -> None:
    unpaid = registry.register(dataclasses.replace(new_application(3)))
    found = registry.recover_tracking_code(RecoveryRequest(national_code(3), birth_date(3)))
    assert found.tracking_code == unpaid.tracking_code
    assert found.status is Status.AWAITING_PAYMENT
