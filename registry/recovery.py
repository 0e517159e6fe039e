"""Rate limits on tracking-code recovery, which national code + birth date can guess.

A national code is printed on documents people hand around and a birth date spans a few
tens of thousands of days, so each recovery attempt is counted twice: per national code
(an attacker guessing one person's dates) and per client (one kiosk or caller trying
many people). The window slides, and lives in the database so every process and every
kiosk of a fleet shares it. Refused attempts are not counted, so waiting out the window
always works; they are audited all the same.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import jdatetime
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from citizen.jalali import format_jalali
from registry.refusals import LimitScope, RateLimited
from registry.storage.models import Application, RecoveryAttempt


@dataclass(frozen=True)
class RecoveryLimits:
    per_national_code: int = 5
    per_client: int = 30
    window: dt.timedelta = dt.timedelta(hours=1)


def lock_keys(national_code: str, client: str) -> tuple[str, str]:
    return f"recovery:national-code:{national_code}", f"recovery:client:{client}"


def refusal(session: Session, limits: RecoveryLimits, national_code: str, client: str,
            now: dt.datetime) -> RateLimited | None:
    """The limit this attempt would break, with when to retry; None when it may go ahead.

    Call with :func:`lock_keys` held, so two attempts cannot both see the last free slot.
    """
    since = now - limits.window
    for scope, column, value, limit in (
            (LimitScope.NATIONAL_CODE, RecoveryAttempt.national_code, national_code,
             limits.per_national_code),
            (LimitScope.CLIENT, RecoveryAttempt.client, client, limits.per_client)):
        times = list(session.scalars(select(RecoveryAttempt.at)
                                     .where(column == value, RecoveryAttempt.at > since)
                                     .order_by(RecoveryAttempt.at)))
        if len(times) >= limit:
            # the window lets the next attempt in once enough old ones have slid out of it
            return RateLimited(scope, times[len(times) - limit] + limits.window)
    return None


def count_attempt(session: Session, limits: RecoveryLimits, national_code: str, client: str,
                  now: dt.datetime, succeeded: bool) -> None:
    """Count one attempt and forget this national code's attempts that left the window.

    Only rows under the national code's lock are pruned (a client's rows may belong to
    codes another transaction holds); old rows never count, they only take room.
    """
    session.execute(delete(RecoveryAttempt).where(
        RecoveryAttempt.national_code == national_code,
        RecoveryAttempt.at <= now - limits.window))
    session.add(RecoveryAttempt(national_code=national_code, client=client, at=now,
                                succeeded=succeeded))


def find(session: Session, national_code: str, birth_date: jdatetime.date) -> Application | None:
    """The newest application registered with this national code and birth date."""
    return session.scalars(
        select(Application).where(Application.national_code == national_code,
                                  Application.birth_date == format_jalali(birth_date))
        .order_by(Application.id.desc())).first()
