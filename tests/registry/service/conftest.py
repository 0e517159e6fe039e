"""The service tests run real ``registry serve`` processes over the suite's scratch
PostgreSQL, on mutual TLS on loopback: nothing here is mocked."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from registry.storage.scratch_postgres import ScratchPostgres
from tests.registry.conftest import TEMPLATE
from tests.registry.service.fleet import Fleet

_numbers = itertools.count(1)


@pytest.fixture(scope="module")
def fleet_url(pg_server: ScratchPostgres) -> Iterator[str]:
    name = f"fleet_{next(_numbers)}"
    url = pg_server.create_database(name, template=TEMPLATE)
    yield url
    pg_server.drop_database(name)


@pytest.fixture(scope="module")
def fleet(fleet_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fleet]:
    built = Fleet(fleet_url, tmp_path_factory.mktemp("fleet"))
    try:
        yield built
    finally:
        built.close()


def credential(path: Path) -> Path:
    return path
