"""Transactions on the registry database, the locks taken inside them, typed failures.

Write transactions take locks on the scarce things they touch, pretix's way: one
transaction-scoped lock per thing, all taken at once in sorted order (two writers never
wait on each other in a circle), released by commit or rollback, never held outside a
transaction. PostgreSQL: ``pg_advisory_xact_lock`` on a 64-bit hash of the key, bounded
by the connection's ``lock_timeout``. SQLite: ``BEGIN IMMEDIATE`` already gave this
transaction the database's single write lock, so there is nothing more to take.

Any lock that is not granted in time, a deadlock, or a serialization failure rolls the
whole transaction back and leaves as :class:`RegistryBusy`: repeating the call is safe.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from registry.storage.engine import READ_ONLY, make_engine, registry_url
from registry.storage.errors import RegistryBusy, StorageConflict, StorageUnavailable

#: SQLSTATEs that mean "lost a race, nothing was written, try again".
_RETRYABLE_SQLSTATES = {
    "55P03",  # lock_not_available (lock_timeout)
    "40P01",  # deadlock_detected
    "40001",  # serialization_failure
}


#: Called with the session at the start of every write transaction while set (a networked
#: registry sets it for one request): what it writes commits or rolls back with the
#: registry's own change, and an exception from it ends the transaction before any work.
COMMIT_GUARD: ContextVar[Callable[[Session], None] | None] = ContextVar(
    "registry_commit_guard", default=None)


def lock_id(key: str) -> int:
    """A stable signed 64-bit number for a lock key (PostgreSQL advisory locks take bigint)."""
    digest = hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class LockingError(RuntimeError):
    """A programming error in lock use (locking twice, or outside a write transaction)."""


class Transaction:
    """A write transaction: the ORM session plus the one-shot lock call."""

    def __init__(self, session: Session, dialect: str) -> None:
        self.session = session
        self._dialect = dialect
        self._locked = False
        self._open = True

    def lock(self, *keys: str) -> None:
        """Lock every key for the rest of this transaction, in sorted order.

        Once per transaction: taking a second batch later could wait on a lock held by a
        writer that waits for ours. Pass every key the transaction needs in one call.
        """
        if not self._open:
            raise LockingError("locks are taken inside a write transaction only")
        if self._locked:
            raise LockingError("this transaction already took its locks; take all at once")
        self._locked = True
        if self._dialect == "postgresql":
            for key in sorted(set(keys)):
                self.session.execute(text("SELECT pg_advisory_xact_lock(:k)"),
                                     {"k": lock_id(key)})
        else:
            # SQLite: the connection's BEGIN IMMEDIATE takes the database's one write lock;
            # make sure it has happened, so the lock is ours when this call returns.
            self.session.connection()

    def close(self) -> None:
        self._open = False


class Database:
    """The registry database behind one URL: engine, transactions, error mapping."""

    def __init__(self, engine: Engine, *, lock_timeout: float = 3.0) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name
        self.lock_timeout = lock_timeout
        self._reader = engine.execution_options(**{READ_ONLY: True})

    @classmethod
    def open(cls, url: str | None = None, *, lock_timeout: float = 3.0,
             pool_size: int = 10) -> Database:
        """Open the database at ``url`` (see :func:`registry_url`); the schema must be current."""
        engine = make_engine(registry_url(url), lock_timeout=lock_timeout, pool_size=pool_size)
        return cls(engine, lock_timeout=lock_timeout)

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def write(self, operation: str) -> Iterator[Transaction]:
        """A write transaction; commits when the block ends, rolls back if it raises."""
        with self._mapped(operation), Session(self.engine, expire_on_commit=False) as session:
            transaction = Transaction(session, self.dialect)
            try:
                with session.begin():
                    guard = COMMIT_GUARD.get()
                    if guard is not None:
                        guard(session)
                    yield transaction
            finally:
                transaction.close()

    @contextmanager
    def read(self, operation: str) -> Iterator[Session]:
        """A read-only transaction (SQLite: deferred BEGIN, never waits for a writer)."""
        with self._mapped(operation), Session(self._reader, expire_on_commit=False) as session:
            yield session  # closing the session rolls the read transaction back

    @contextmanager
    def _mapped(self, operation: str) -> Iterator[None]:
        try:
            yield
        except IntegrityError as exc:
            raise StorageConflict(operation, _constraint_name(exc)) from exc
        except DBAPIError as exc:
            if self._is_busy(exc):
                raise RegistryBusy(self._retry_after()) from exc
            raise StorageUnavailable(operation, _cause(exc)) from exc
        except SQLAlchemyError as exc:
            raise StorageUnavailable(operation, type(exc).__name__) from exc

    def _is_busy(self, exc: DBAPIError) -> bool:
        if self.dialect == "sqlite":
            return isinstance(exc, OperationalError) and "locked" in str(exc.orig).lower()
        return getattr(exc.orig, "sqlstate", None) in _RETRYABLE_SQLSTATES

    def _retry_after(self) -> float:
        return round(min(1.0, self.lock_timeout / 4), 3)


def _cause(exc: DBAPIError) -> str:
    orig = exc.orig
    state = getattr(orig, "sqlstate", None)
    name = type(orig).__name__ if orig is not None else type(exc).__name__
    return f"{name} ({state})" if state else name


def _constraint_name(exc: IntegrityError) -> str | None:
    diag = getattr(exc.orig, "diag", None)
    name = getattr(diag, "constraint_name", None)
    if name:
        return str(name)
    text_ = str(exc.orig)
    return text_.split(":", 1)[1].strip() if ":" in text_ else None
