"""A private pcscd with the virtual readers, for benchmarks (root, like the suite)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from smartcard import scard

from simulators.pcscd import PcscdProcess, enter_private_namespaces
from simulators.vpcd import VirtualReaders

_entered = False


def wait_present(reader: str, timeout: float = 10, present: bool = True) -> None:
    """Until pcscd (which polls every 0.4 s) reports the card in, or out of, ``reader``."""
    rv, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            rv, states = scard.SCardGetStatusChange(context, 100,
                                                    [(reader, scard.SCARD_STATE_UNAWARE)])
            if rv == 0 and bool(states[0][1] & scard.SCARD_STATE_PRESENT) == present:
                return
            time.sleep(0.05)
    finally:
        scard.SCardReleaseContext(context)
    raise RuntimeError(f"the card did not {'appear in' if present else 'leave'} {reader}")


def swap(readers: VirtualReaders, slot: int, chip: object) -> None:
    """Take out whatever card is in ``slot`` and put ``chip`` in, as pcscd sees it."""
    name = f"Virtual PCD 00 {slot:02d}"
    if readers[slot].chip is not None:
        readers[slot].remove()
        wait_present(name, present=False)
    readers[slot].insert(chip)  # type: ignore[arg-type]
    wait_present(name)


@contextmanager
def private_readers(quickack: bool = True) -> Iterator[VirtualReaders]:
    """pcscd in private namespaces and the two virtual reader slots, stopped afterwards."""
    global _entered
    if not _entered:
        enter_private_namespaces()
        _entered = True
    daemon = PcscdProcess.start()
    readers = VirtualReaders(quickack=quickack)
    try:
        yield readers
    finally:
        readers.stop()
        daemon.stop()
