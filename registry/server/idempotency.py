"""Idempotency keys, kept in the database so that every service process sees them.

Every write carries an ``Idempotency-Key`` (per device). The first request with a key
claims it (a row, committed before any work); the answer is stored when the work ends,
and a retry with the same key gets that answer without anything being done again. A
retry while the first attempt is still at work gets ``RequestInProgress``; one after its
process died (its lease ran out) takes the key over and runs again:

- writes the registry's own rules make converge (``Operation.replayable``: a payment
  under its key, a resubmitted form, a place held again) simply run again;
- the others run with a commit guard (``registry.storage.database.COMMIT_GUARD``): their
  write transaction first sets ``applied`` on the key's row (a row lock, committed or
  rolled back with the step), so a second run whose first one had committed stops
  before any work as ``AlreadyApplied`` instead of doing the step twice.

Answers that say "try again" (busy, unavailable) are not stored: the key is released.
Stored answers are kept a day, then purged as new keys arrive.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from registry.refusals import IdempotencyConflict
from registry.service_errors import AlreadyApplied, RequestInProgress
from registry.storage.database import Database
from registry.storage.models import IdempotencyRecord

RETENTION = dt.timedelta(days=1)


@dataclass(frozen=True)
class Stored:
    status: int
    body: str | None          # None: the answer is never stored (the issued card)


@dataclass(frozen=True)
class Claim:
    record_id: int
    replay: Stored | None     # the stored answer of an earlier attempt, if it finished


def request_fingerprint(operation: str, body: bytes) -> str:
    return hashlib.sha256(operation.encode() + b"\x00" + body).hexdigest()


def claim(database: Database, device_id: int, key: str, operation: str, print_: str,
          now: dt.datetime, lease: dt.timedelta) -> Claim:
    with database.write("claim an idempotency key") as tx:
        tx.lock(f"idempotency:{device_id}:{key}")
        session = tx.session
        row = session.scalars(select(IdempotencyRecord).where(
            IdempotencyRecord.device_id == device_id, IdempotencyRecord.key == key)).first()
        if row is None:
            session.execute(delete(IdempotencyRecord).where(
                IdempotencyRecord.device_id == device_id,
                IdempotencyRecord.created_at < now - RETENTION))
            row = IdempotencyRecord(device_id=device_id, key=key, operation=operation,
                                    fingerprint=print_, state="started",
                                    lease_until=now + lease, applied=False, created_at=now)
            session.add(row)
            session.flush()
            return Claim(row.id, None)
        if row.operation != operation or row.fingerprint != print_:
            raise IdempotencyConflict()
        if row.state == "done":
            assert row.status_code is not None
            return Claim(row.id, Stored(row.status_code, row.response))
        if row.lease_until > now:
            raise RequestInProgress(round((row.lease_until - now).total_seconds(), 3))
        row.lease_until = now + lease           # the first attempt's process is gone
        return Claim(row.id, None)


def commit_guard(record_id: int, operation: str) -> Callable[[Session], None]:
    """Mark the key applied in the first write transaction of this run, before its work;
    refuse the run if an earlier one already applied it."""
    fired = False

    def guard(session: Session) -> None:
        nonlocal fired
        if fired:
            return
        fired = True
        done = session.execute(update(IdempotencyRecord).where(
            IdempotencyRecord.id == record_id, IdempotencyRecord.applied.is_(False))
            .values(applied=True))
        if getattr(done, "rowcount", 1) == 0:
            raise AlreadyApplied(operation)
    return guard


def finish(database: Database, record_id: int, status: int, body: str | None,
           now: dt.datetime) -> None:
    with database.write("store an answer") as tx:
        tx.session.execute(update(IdempotencyRecord).where(IdempotencyRecord.id == record_id)
                           .values(state="done", status_code=status, response=body,
                                   finished_at=now))


def release(database: Database, record_id: int, now: dt.datetime) -> None:
    """The attempt ended in "try again": let the next request with the key run anew."""
    with database.write("release an idempotency key") as tx:
        tx.session.execute(update(IdempotencyRecord).where(IdempotencyRecord.id == record_id)
                           .values(lease_until=now))
