"""Databases for the registry tests: every storage test runs on SQLite AND PostgreSQL.

PostgreSQL is the suite's private server (``scratch_postgres`` in tests/conftest.py,
shared with the end-to-end tests). If it cannot start, every PostgreSQL test FAILS with
the server's log: a suite that skipped the fleet database would pass while proving
nothing about it.

Each test gets a fresh database copied from a migrated template (SQLite: a file copy;
PostgreSQL: CREATE DATABASE ... TEMPLATE), so tests never see each other's rows.
"""

from __future__ import annotations

import itertools
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from registry.clock import SettableClock
from registry.contract import Caller
from registry.payments import SimulatedBank
from registry.service import LocalRegistry
from registry.storage import migrate
from registry.storage.database import Database
from registry.storage.scratch_postgres import ScratchPostgres
from tests.registry.helpers import START

BACKENDS = ["sqlite", "postgresql"]
TEMPLATE = "registry_template"
_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def pg_server(scratch_postgres: ScratchPostgres) -> ScratchPostgres:
    """The suite's scratch server (tests/conftest.py) with a migrated template database."""
    migrate.upgrade(scratch_postgres.create_database(TEMPLATE))
    return scratch_postgres


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("registry-template") / "registry.sqlite3"
    migrate.upgrade(f"sqlite:///{path}")
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


def _fresh_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path,
               migrated: bool) -> Iterator[str]:
    if backend == "sqlite":
        path = tmp_path / "registry.sqlite3"
        if migrated:
            shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    server: ScratchPostgres = request.getfixturevalue("pg_server")
    name = f"test_{next(_numbers)}"
    url = server.create_database(name, template=TEMPLATE if migrated else None)
    try:
        yield url
    finally:
        server.drop_database(name)


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database at the newest schema, on each backend."""
    yield from _fresh_url(request.param, request, tmp_path, migrated=True)


@pytest.fixture(params=BACKENDS)
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database (no schema), on each backend."""
    yield from _fresh_url(request.param, request, tmp_path, migrated=False)


@pytest.fixture
def database(db_url: str) -> Iterator[Database]:
    db = Database.open(db_url)
    yield db
    db.close()


@pytest.fixture
def clock() -> SettableClock:
    return SettableClock(START)


@pytest.fixture
def bank(clock: SettableClock) -> SimulatedBank:
    return SimulatedBank(clock)


@pytest.fixture
def registry(db_url: str, bank: SimulatedBank, clock: SettableClock) -> Iterator[LocalRegistry]:
    service = LocalRegistry.open(db_url, bank, caller=Caller("kiosk:test-1", "test-1"),
                                 clock=clock)
    yield service
    service.close()
