"""The storage layer on both databases: transactions, locks, typed failures, audit."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import event, select, text

from registry.contract import Caller
from registry.payments import SimulatedBank
from registry.refusals import InvalidRequest
from registry.service import LocalRegistry
from registry.storage import audit, migrate
from registry.storage.database import Database, LockingError, lock_id
from registry.storage.engine import DATABASE_FILE, URL_VARIABLE, make_engine, registry_url
from registry.storage.errors import (
    RegistryBusy,
    SchemaError,
    StorageConflict,
    StorageUnavailable,
)
from registry.storage.models import AuditEntry, Office
from registry.storage.scratch_postgres import ScratchPostgres
from tests.registry.helpers import (
    MONDAY,
    birth_date,
    book,
    new_application,
    office,
    registered,
)


def _office_row(code: str, now: dt.datetime) -> Office:
    return Office(code=code, name=code, city_prefix="021", address="-", latitude=35.7,
                  longitude=51.4, daily_capacity=1, opening_days="012345", active=True,
                  created_at=now)


def test_one_url_chooses_the_database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(URL_VARIABLE, raising=False)
    monkeypatch.setenv("NIDKIOSK_HOME", str(tmp_path))
    assert registry_url() == f"sqlite:///{tmp_path / DATABASE_FILE}"
    monkeypatch.setenv(URL_VARIABLE, "postgresql://postgres@/fleet?host=/run/pg")
    assert registry_url() == "postgresql://postgres@/fleet?host=/run/pg"
    assert registry_url("sqlite:////x/y.db") == "sqlite:////x/y.db"
    with pytest.raises(ValueError):
        make_engine("sqlite://")              # in memory: each connection its own database
    with pytest.raises(ValueError):
        make_engine("mysql://x@y/z")


def test_sqlite_connections_are_set_up_for_concurrent_writers(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'r.db'}", lock_timeout=2.5)
    with engine.connect() as connection:
        pragma = {name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
                  for name in ("journal_mode", "busy_timeout", "foreign_keys", "synchronous")}
        assert connection.connection.dbapi_connection.isolation_level is None  # type: ignore
    engine.dispose()
    assert pragma == {"journal_mode": "wal", "busy_timeout": 2500, "foreign_keys": 1,
                      "synchronous": 2}


def test_sqlite_write_transactions_begin_immediate(tmp_path: Path) -> None:
    """The write lock is taken at BEGIN, before the first read: a read-then-write holds."""
    url = f"sqlite:///{tmp_path / 'r.db'}"
    statements: list[str] = []
    database = Database(make_engine(url))
    event.listen(database.engine, "before_cursor_execute",
                 lambda *args: statements.append(args[2]))
    with database.write("probe"):
        pass
    with database.write("probe") as tx:
        tx.session.execute(text("SELECT 1"))
    with database.read("probe") as session:
        session.execute(text("SELECT 1"))
    database.close()
    assert statements == ["BEGIN IMMEDIATE", "SELECT 1", "BEGIN", "SELECT 1"]


def _hold_lock(database: Database, key: str, held: threading.Event,
               release: threading.Event) -> None:
    with database.write("hold a lock") as tx:
        tx.lock(key)
        tx.session.execute(text("SELECT 1"))
        held.set()
        release.wait(10)


def test_a_lock_not_granted_in_time_is_busy_try_again(db_url: str) -> None:
    holder, waiter = Database.open(db_url), Database.open(db_url, lock_timeout=0.3)
    held, release = threading.Event(), threading.Event()
    thread = threading.Thread(target=_hold_lock, args=(holder, "office-day:1:x", held, release))
    thread.start()
    try:
        assert held.wait(5)
        started = time.monotonic()
        with pytest.raises(RegistryBusy) as busy, waiter.write("take the same lock") as tx:
            tx.lock("office-day:1:x")
            tx.session.execute(text("SELECT 1"))
        waited = time.monotonic() - started
        assert 0.2 < waited < 3
        assert 0 < busy.value.retry_after <= 1
    finally:
        release.set()
        thread.join()
    with waiter.write("after release") as tx:           # free again once the holder commits
        tx.lock("office-day:1:x")
    holder.close()
    waiter.close()


def test_locks_of_different_things(db_url: str) -> None:
    """PostgreSQL locks per key; SQLite has one write lock for the whole file."""
    holder, other = Database.open(db_url), Database.open(db_url, lock_timeout=0.3)
    held, release = threading.Event(), threading.Event()
    thread = threading.Thread(target=_hold_lock, args=(holder, "office-day:1:x", held, release))
    thread.start()
    try:
        assert held.wait(5)
        if other.dialect == "postgresql":
            with other.write("another office-day") as tx:
                tx.lock("office-day:2:x")
                tx.session.execute(text("SELECT 1"))
        else:
            with pytest.raises(RegistryBusy), other.write("any write") as tx:
                tx.lock("office-day:2:x")
        with other.read("read meanwhile") as session:     # readers never wait (WAL / MVCC)
            assert session.execute(text("SELECT 1")).scalar() == 1
    finally:
        release.set()
        thread.join()
    holder.close()
    other.close()


def test_locks_are_taken_once_per_transaction_and_only_inside_one(database: Database) -> None:
    with database.write("lock twice") as tx:
        tx.lock("b", "a", "b")
        with pytest.raises(LockingError):
            tx.lock("c")
    with pytest.raises(LockingError):
        tx.lock("d")
    assert lock_id("office-day:1:2026-11-30") == lock_id("office-day:1:2026-11-30")
    assert -(2**63) <= lock_id("x") < 2**63 and lock_id("x") != lock_id("y")


def test_times_are_aware_utc_both_ways(database: Database) -> None:
    tehran = dt.timezone(dt.timedelta(hours=3, minutes=30))
    at = dt.datetime(2026, 11, 28, 9, 30, 15, 123456, tzinfo=tehran)
    with database.write("add") as tx:
        tx.session.add(_office_row("T1", at))
    with database.read("read") as session:
        stored = session.scalar(select(Office.created_at))
    assert stored == at and stored.tzinfo is dt.UTC
    with pytest.raises(StorageUnavailable), database.write("naive") as tx:
        tx.session.add(_office_row("T2", dt.datetime(2026, 1, 1)))


def test_a_rule_the_code_did_not_expect_to_clash_is_a_typed_conflict(
        database: Database) -> None:
    now = dt.datetime(2026, 11, 28, tzinfo=dt.UTC)
    with database.write("add") as tx:
        tx.session.add(_office_row("DUP", now))
    with pytest.raises(StorageConflict) as clash, database.write("add again") as tx:
        tx.session.add(_office_row("DUP", now))
    assert clash.value.constraint and "code" in clash.value.constraint


def test_an_unreachable_database_is_storage_unavailable(tmp_path: Path) -> None:
    missing = tmp_path / "no-server-here"
    missing.mkdir()
    database = Database.open(f"postgresql+psycopg://postgres@/x?host={missing}")
    with pytest.raises(StorageUnavailable) as down, database.read("read") as session:
        session.execute(text("SELECT 1"))
    database.close()
    assert down.value.operation == "read" and "OperationalError" in down.value.cause


def test_the_service_refuses_a_database_whose_schema_is_not_current(
        empty_url: str, bank: SimulatedBank) -> None:
    with pytest.raises(SchemaError) as stale:
        LocalRegistry.open(empty_url, bank, caller=Caller("kiosk:x", "x"))
    assert stale.value.found is None and stale.value.wanted == migrate.head()


def test_every_write_is_audited_without_secrets(registry: LocalRegistry) -> None:
    place = registry.add_office(office("AU1", 3))
    code = registered(registry, 1)
    book(registry, code, place.office_id, MONDAY, "book-audit-1")
    application = new_application(1)
    with registry.database.read("audit") as session:
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [e.action for e in entries] == [
        "office.add", "application.register", "payment.start", "payment.reference",
        "payment.settle", "appointment.hold", "payment.start", "payment.reference",
        "payment.settle"]
    assert {e.actor for e in entries} == {"kiosk:test-1"}
    assert all(e.at == registry.clock.now() for e in entries)
    text_ = " ".join(e.details for e in entries)
    for secret in (code.tracking_code, application.mother_name, "13" + str(birth_date(1).year)[2:]):
        assert secret not in text_
    with pytest.raises(ValueError), registry.database.write("leak") as tx:
        audit.record(tx.session, actor="x", action="y", subject="z", subject_id=None,
                     at=registry.clock.now(), tracking_code=code.tracking_code)


def test_office_fields_are_checked(registry: LocalRegistry) -> None:
    with pytest.raises(InvalidRequest) as bad:
        registry.add_office(office("X1", -1))
    assert bad.value.field == "daily_capacity"
    with pytest.raises(InvalidRequest):
        registry.add_office(office("X2", 1, days=frozenset({7})))


def test_the_scratch_server_listens_on_no_tcp_port(pg_server: ScratchPostgres) -> None:
    with psycopg.connect(host=pg_server.socket_dir, user="postgres", dbname="postgres") as c:
        assert c.execute("SHOW listen_addresses").fetchone() == ("",)


def test_the_registry_needs_no_card_stack_and_no_ui() -> None:
    probe = ("import sys, registry.service, registry.storage.migrate, registry.payments, "
             "registry.server.run, registry.remote, registry.connect, registry.openapi; "
             "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
             "('smartcard', 'kivy', 'apdu', 'simulators', 'biometric')); print(bad)")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=60, cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
