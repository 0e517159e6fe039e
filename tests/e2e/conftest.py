"""End-to-end set-up: a private pcscd with the vpcd readers, in private namespaces.

Entering the namespaces happens when this conftest is loaded, during collection in
the main thread, before any test starts a thread (``unshare`` of the mount namespace
needs a single-threaded process). From then on this process, and every subprocess it
starts, sees an empty /run/pcscd and a network with only loopback: nothing here
touches a pcscd the machine runs, and no reader port is reachable from outside.
Without root the namespaces cannot be entered and every test here fails saying so.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from apdu.pcsc import list_readers
from simulators.pcscd import PcscdProcess, enter_private_namespaces
from simulators.service import CardSimulator
from simulators.vpcd import VirtualReaders

NEEDS_ROOT = ("the end-to-end tests run their own pcscd in private namespaces and need root "
              "(CI runs as root; locally: sudo make test)")
_ISOLATED = False
if os.geteuid() == 0:
    enter_private_namespaces()
    _ISOLATED = True


@pytest.fixture(scope="session")
def pcscd() -> Iterator[PcscdProcess]:
    if not _ISOLATED:
        pytest.fail(NEEDS_ROOT, pytrace=False)
    daemon = PcscdProcess.start()
    yield daemon
    daemon.stop()


@pytest.fixture(scope="session")
def simulator(pcscd: PcscdProcess, home: Path) -> Iterator[CardSimulator]:
    """Both virtual readers, driven in-process, with the control socket the CLI uses."""
    sim = CardSimulator(VirtualReaders(), home / "run" / "sim-card.sock")
    yield sim
    sim.stop()


def wait_for_card(reader_index: int, present: bool = True, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        readers = list_readers()
        if len(readers) > reader_index and readers[reader_index][1] == present:
            return
        time.sleep(0.02)
    raise AssertionError(f"reader {reader_index} did not become {'full' if present else 'empty'}")


@pytest.fixture
def reader0(simulator: CardSimulator) -> Iterator[CardSimulator]:
    """Slot 0 emptied after the test, whatever it inserted."""
    yield simulator
    for index in range(2):
        simulator.remove(index)
    for index in range(2):
        wait_for_card(index, present=False)


