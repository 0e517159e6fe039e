"""Card insert and remove events from PC/SC, as plain application events.

One thread blocks in ``SCardGetStatusChange`` (woken by ``SCardCancel`` on stop) and
calls the listener with :class:`CardEvent` values. The listener runs on that thread:
a UI must hand events over to its own loop.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from smartcard import scard

from apdu.errors import PcscServiceError

PNP_NOTIFICATION = r"\\?PnP?\Notification"


class CardEventKind(Enum):
    INSERTED = "inserted"
    REMOVED = "removed"
    READER_ADDED = "reader-added"
    READER_REMOVED = "reader-removed"


@dataclass(frozen=True)
class CardEvent:
    kind: CardEventKind
    reader: str
    atr: bytes = b""


class CardMonitor:
    """Watches every reader; ``stop()`` ends the thread within milliseconds."""

    def __init__(self, listener: Callable[[CardEvent], None], poll_timeout_ms: int = 1000) -> None:
        self._listener = listener
        self._timeout = poll_timeout_ms
        rv, self._context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
        if rv != scard.SCARD_S_SUCCESS:
            raise PcscServiceError("cannot watch readers: pcscd is not running")
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="card-monitor", daemon=True)
        self._present: dict[str, bool] = {}

    def start(self) -> CardMonitor:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        scard.SCardCancel(self._context)
        self._thread.join(timeout=5)
        scard.SCardReleaseContext(self._context)

    def __enter__(self) -> CardMonitor:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _readers(self) -> list[str]:
        rv, names = scard.SCardListReaders(self._context, [])
        return list(names) if rv == scard.SCARD_S_SUCCESS else []

    def _run(self) -> None:
        states: dict[str, int] = {}
        while not self._stopping.is_set():
            names = self._readers()
            for gone in set(states) - set(names):
                if self._present.pop(gone, False):
                    self._listener(CardEvent(CardEventKind.REMOVED, gone))
                self._listener(CardEvent(CardEventKind.READER_REMOVED, gone))
                del states[gone]
            for new in names:
                if new not in states:
                    states[new] = scard.SCARD_STATE_UNAWARE
                    self._listener(CardEvent(CardEventKind.READER_ADDED, new))
            query = [(name, state) for name, state in states.items()]
            query.append((PNP_NOTIFICATION, scard.SCARD_STATE_UNAWARE))
            rv, result = scard.SCardGetStatusChange(self._context, self._timeout, query)
            if rv == scard.SCARD_E_CANCELLED or self._stopping.is_set():
                return
            if rv == scard.SCARD_E_TIMEOUT:
                continue
            if rv != scard.SCARD_S_SUCCESS:
                self._stopping.wait(0.2)
                continue
            for name, event_state, atr in result:
                if name == PNP_NOTIFICATION:
                    continue
                states[name] = event_state & ~scard.SCARD_STATE_CHANGED
                present = bool(event_state & scard.SCARD_STATE_PRESENT)
                if present != self._present.get(name, False):
                    self._present[name] = present
                    kind = CardEventKind.INSERTED if present else CardEventKind.REMOVED
                    self._listener(CardEvent(kind, name, bytes(atr) if present else b""))
