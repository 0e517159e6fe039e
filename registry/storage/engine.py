"""One URL chooses the database; this module makes an engine that behaves right on it.

SQLite (the default, a file in the data directory) needs three things pysqlite does not
do by itself, each of which oversold or deadlocked bookings when missing:

- the DBAPI connection in autocommit (``isolation_level=None``) so pysqlite stops issuing
  its own implicit ``BEGIN`` only before writes (a read-then-write was not atomic);
- ``BEGIN IMMEDIATE`` for every write transaction, emitted from the ``begin`` event, so
  the write lock is taken before the first read and writers queue on ``busy_timeout``
  instead of failing their read-to-write upgrade with "database is locked";
- WAL, so readers (plain deferred ``BEGIN``) never wait for the writer.

PostgreSQL (a fleet) gets a ``lock_timeout`` on every connection, so a lock wait that
lasts too long becomes a typed "busy, try again" rather than a hung kiosk.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection, make_url

from kiosk import paths

URL_VARIABLE = "NIDKIOSK_REGISTRY_URL"
DATABASE_FILE = "registry.sqlite3"

#: Execution option that marks a transaction as read-only (SQLite: deferred BEGIN).
READ_ONLY = "registry_read_only"


def registry_url(url: str | None = None) -> str:
    """The database URL: the argument, else ``$NIDKIOSK_REGISTRY_URL``, else SQLite in home."""
    if url:
        return url
    configured = os.environ.get(URL_VARIABLE)
    if configured:
        return configured
    return f"sqlite:///{paths.home() / DATABASE_FILE}"


def make_engine(url: str, *, lock_timeout: float = 3.0, foreign_keys: bool = True,
                pool_size: int = 10, synchronous: str = "FULL") -> Engine:
    """An engine for ``url`` with the locking behaviour the registry relies on.

    ``lock_timeout`` (seconds) bounds every wait for a lock; ``foreign_keys=False`` is
    for SQLite migrations only (batch mode rebuilds tables). ``synchronous`` is SQLite's
    durability level: FULL by default, since rows here record money.
    """
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return _sqlite_engine(url, lock_timeout, foreign_keys, pool_size, synchronous)
    if backend == "postgresql":
        return _postgresql_engine(url, lock_timeout, pool_size)
    raise ValueError(f"the registry runs on sqlite or postgresql, not {backend!r}")


def _sqlite_engine(url: str, lock_timeout: float, foreign_keys: bool, pool_size: int,
                   synchronous: str) -> Engine:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise ValueError("the registry needs a SQLite file (several connections share it)")
    Path(database).parent.mkdir(parents=True, exist_ok=True)
    if synchronous.upper() not in {"OFF", "NORMAL", "FULL", "EXTRA"}:
        raise ValueError(f"unknown SQLite synchronous level {synchronous!r}")
    engine = create_engine(url, pool_size=pool_size, max_overflow=2 * pool_size,
                           connect_args={"timeout": lock_timeout})
    busy_ms = int(lock_timeout * 1000)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None          # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
            cursor.execute(f"PRAGMA synchronous={synchronous.upper()}")
            cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        read_only = connection.get_execution_options().get(READ_ONLY, False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    return engine


def _postgresql_engine(url: str, lock_timeout: float, pool_size: int) -> Engine:
    parsed = make_url(url)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    timeout_ms = max(1, int(lock_timeout * 1000))
    # No pre-ping: it costs a round trip per transaction. A connection the server dropped
    # fails its transaction once (StorageUnavailable, safe to repeat) and is replaced.
    return create_engine(parsed, pool_size=pool_size, max_overflow=2 * pool_size,
                         connect_args={"options": f"-c lock_timeout={timeout_ms}"})
