"""Guessable look-ups, rate-limited at the service per national code and per device.

An application is named by national code and tracking code together; a device that
misses again and again is sweeping codes. Misses are counted in a sliding window kept in
the database (every service process shares it), per national code and per device, as
tracking-code recovery counts its attempts (``registry.recovery``, which the registry
itself enforces). A refusal is ``RateLimited`` with when to retry, and is audited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, select

from registry.refusals import LimitScope, RateLimited
from registry.storage import audit
from registry.storage.database import Database
from registry.storage.models import LookupAttempt


@dataclass(frozen=True)
class LookupLimits:
    per_national_code: int = 10
    per_client: int = 60
    window: dt.timedelta = dt.timedelta(hours=1)


def _keys(kind: str, national_code: str, client: str) -> tuple[str, str]:
    return f"lookup:{kind}:nc:{national_code}", f"lookup:{kind}:client:{client}"


def check(database: Database, limits: LookupLimits, kind: str, national_code: str,
          client: str, actor: str, now: dt.datetime) -> None:
    """Refuse (and audit) when this national code or this device missed too often."""
    since = now - limits.window
    with database.write("check a look-up limit") as tx:
        tx.lock(*_keys(kind, national_code, client))
        for scope, column, value, limit in (
                (LimitScope.NATIONAL_CODE, LookupAttempt.national_code, national_code,
                 limits.per_national_code),
                (LimitScope.CLIENT, LookupAttempt.client, client, limits.per_client)):
            times = list(tx.session.scalars(select(LookupAttempt.at).where(
                LookupAttempt.kind == kind, column == value, LookupAttempt.at > since)
                .order_by(LookupAttempt.at)))
            if len(times) >= limit:
                refused = RateLimited(scope, times[len(times) - limit] + limits.window)
                audit.record(tx.session, actor=actor, action="lookup.refused",
                             subject="lookup", subject_id=None, at=now, kind=kind,
                             client=client, scope=scope.value)
                break
        else:
            return
    raise refused


def count_miss(database: Database, limits: LookupLimits, kind: str, national_code: str,
               client: str, now: dt.datetime) -> None:
    with database.write("count a missed look-up") as tx:
        tx.lock(*_keys(kind, national_code, client))
        tx.session.execute(delete(LookupAttempt).where(
            LookupAttempt.kind == kind, LookupAttempt.national_code == national_code,
            LookupAttempt.at <= now - limits.window))
        tx.session.add(LookupAttempt(kind=kind, national_code=national_code[:10],
                                     client=client[:64], at=now))
