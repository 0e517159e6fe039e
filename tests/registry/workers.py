"""Booking clients that run in their own processes (spawned: importable by reference)."""

from __future__ import annotations

import threading
from typing import Any

import jdatetime

from registry.contract import ApplicationRef, Caller
from registry.payments import SimulatedBank
from registry.refusals import SlotGone
from registry.service import LocalRegistry
from registry.storage.errors import RegistryError
from tests.registry.helpers import book


def outcome_of(registry: LocalRegistry, application: ApplicationRef, office_id: int,
               day: jdatetime.date, key: str) -> str:
    """'applied' for a booking, 'slot-gone' for a loser; any other error by its type."""
    try:
        return book(registry, application, office_id, day, key)
    except SlotGone as gone:
        assert gone.office_id == office_id and gone.day == day
        return "slot-gone"
    except RegistryError as other:
        return type(other).__name__


def booking_process(url: str, index: int, codes: list[ApplicationRef], office_id: int,
                    day: jdatetime.date, barrier: Any, results: Any) -> None:
    """One kiosk: a thread per applicant, all released at once by a cross-process barrier."""
    registry = LocalRegistry.open(url, SimulatedBank(),
                                  caller=Caller(f"kiosk:p{index}", f"p{index}"),
                                  pool_size=len(codes))
    outcomes: list[str] = [""] * len(codes)

    def client(slot: int) -> None:
        barrier.wait(30)
        outcomes[slot] = outcome_of(registry, codes[slot], office_id, day,
                                    f"book-p{index}-{slot:04d}")

    threads = [threading.Thread(target=client, args=(i,)) for i in range(len(codes))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    registry.close()
    results.put((index, outcomes))
