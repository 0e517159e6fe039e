"""PC/SC transport on pyscard's thin ``smartcard.scard`` layer.

The high-level ``CardConnection`` adds observers and list conversions on every
transmit; the bare SCard calls keep a round trip cheap.

Every wait has a deadline. pcsc-lite cannot cancel ``SCardTransmit`` (nor connect,
reconnect or begin-transaction), and while one of them runs it holds the client
context's mutex, so no other call on that context gets through either. Each
connection therefore owns one thread (:class:`PcscThread`) that makes all of its SCard
calls in order; the caller waits on it with a deadline and, past it, gives the
connection up. The abandoned call keeps that thread, the context and pcscd's reader
busy until the card answers or is pulled; the disconnect that ``close`` queues behind
it then resets the card and releases the context.

This is the only module of ``apdu`` that imports pyscard: the client, the chip
profile and the parsers import without libpcsclite.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from smartcard import scard

from apdu.client import NidCard
from apdu.errors import (
    CardBusyError,
    CardRemovedError,
    CardTimeoutError,
    NoCardError,
    PcscServiceError,
    ReaderNotFoundError,
    TransportError,
)
from apdu.transport import CardInfo, Deadlines, Protocol, Transport

_REMOVED = {
    scard.SCARD_W_REMOVED_CARD,
    scard.SCARD_E_NO_SMARTCARD,
    scard.SCARD_W_RESET_CARD,
    scard.SCARD_W_UNPOWERED_CARD,
    scard.SCARD_E_NOT_TRANSACTED,
    scard.SCARD_W_UNRESPONSIVE_CARD,
}
_GONE = {scard.SCARD_W_REMOVED_CARD, scard.SCARD_E_NO_SMARTCARD}
_NO_SERVICE = {scard.SCARD_E_NO_SERVICE, scard.SCARD_E_SERVICE_STOPPED}
_PROTOCOLS = scard.SCARD_PROTOCOL_T1 | scard.SCARD_PROTOCOL_T0
_CARD_PRESENT = 0x0004  # SCardStatus state bit SCARD_PRESENT (pcsclite.h; pyscard lacks it)


def _check(rv: int, what: str) -> None:
    if rv == scard.SCARD_S_SUCCESS:
        return
    text = scard.SCardGetErrorMessage(rv)
    if rv in _NO_SERVICE:
        raise PcscServiceError(f"{what}: pcscd is not running ({text})")
    if rv == scard.SCARD_E_NO_READERS_AVAILABLE:
        raise ReaderNotFoundError(f"{what}: no readers ({text})")
    if rv == scard.SCARD_E_UNKNOWN_READER:
        raise ReaderNotFoundError(f"{what}: unknown reader ({text})")
    if rv in (scard.SCARD_E_NO_SMARTCARD, scard.SCARD_W_REMOVED_CARD) and what == "connect":
        raise NoCardError(f"no card in the reader ({text})")
    if rv in _REMOVED:
        raise CardRemovedError(f"{what}: the card was removed or reset ({text})")
    raise TransportError(f"{what}: PC/SC error {rv & 0xFFFFFFFF:08X} ({text})")


class PcscContext:
    """An SCard context: list readers, find one."""

    def __init__(self) -> None:
        rv, self.handle = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
        _check(rv, "establish context")

    def readers(self) -> list[str]:
        rv, names = scard.SCardListReaders(self.handle, [])
        if rv == scard.SCARD_E_NO_READERS_AVAILABLE:
            return []
        _check(rv, "list readers")
        return list(names)

    def card_present(self, reader: str) -> bool:
        states = [(reader, scard.SCARD_STATE_UNAWARE)]
        rv, result = scard.SCardGetStatusChange(self.handle, 0, states)
        if rv == scard.SCARD_E_TIMEOUT:
            return False
        _check(rv, "status")
        return bool(result[0][1] & scard.SCARD_STATE_PRESENT)

    def resolve(self, reader: str | int | None) -> str:
        """A reader by exact name, by index, by unique substring, or the first with a card."""
        names = self.readers()
        if not names:
            raise ReaderNotFoundError("no card readers found (is pcscd running with a reader?)")
        if reader is None:
            for name in names:
                if self.card_present(name):
                    return name
            raise NoCardError(f"no card in any reader ({', '.join(names)})")
        if isinstance(reader, int) or (isinstance(reader, str) and reader.isdigit()):
            index = int(reader)
            if not 0 <= index < len(names):
                raise ReaderNotFoundError(f"reader index {index} out of range 0..{len(names) - 1}")
            return names[index]
        if reader in names:
            return reader
        matches = [name for name in names if reader.lower() in name.lower()]
        if len(matches) == 1:
            return matches[0]
        raise ReaderNotFoundError(f"no single reader matches {reader!r}; readers: {names}")

    def close(self) -> None:
        scard.SCardReleaseContext(self.handle)


class _Call:
    """One SCard call handed to the connection's thread; ``done`` is released when it ends."""

    __slots__ = ("fn", "args", "result", "error", "done")

    def __init__(self, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
        self.fn = fn
        self.args = args
        self.result: Any = None
        self.error: BaseException | None = None
        self.done = threading.Lock()
        self.done.acquire()


class _Expired(Exception):
    """The caller stopped waiting for a call; it still runs on the connection's thread."""


class PcscThread:
    """The one thread that makes every SCard call of a connection, in order."""

    def __init__(self, name: str) -> None:
        self._queue: queue.SimpleQueue[_Call | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)
        self._thread.start()

    def submit(self, fn: Callable[..., Any], *args: Any) -> _Call:
        call = _Call(fn, args)
        self._queue.put(call)
        return call

    def call(self, fn: Callable[..., Any], *args: Any, timeout: float) -> Any:
        """Run ``fn(*args)`` on the thread; ``_Expired`` when it takes over ``timeout`` s."""
        call = self.submit(fn, *args)
        if not call.done.acquire(timeout=timeout):
            raise _Expired
        if call.error is not None:
            raise call.error
        return call.result

    def stop(self) -> None:
        """End the thread once every call queued so far has run."""
        self._queue.put(None)

    def _loop(self) -> None:
        while True:
            call = self._queue.get()
            if call is None:
                return
            try:
                call.result = call.fn(*call.args)
            except BaseException as exc:  # handed to the caller, who re-raises it
                call.error = exc
            finally:
                call.done.release()


@dataclass(frozen=True)
class _Opened:
    """What connecting produced: used only on the connection's thread, but for ``info``."""

    context: PcscContext
    card: int
    protocol: int
    info: CardInfo


def _open(reader: str | int | None) -> _Opened:
    context = PcscContext()
    try:
        name = context.resolve(reader)
        rv, card, active = scard.SCardConnect(
            context.handle, name, scard.SCARD_SHARE_SHARED, _PROTOCOLS,
        )
        _check(rv, "connect")
        for _attempt in range(3):
            rv, _name, _state, _proto, atr = scard.SCardStatus(card)
            if rv != scard.SCARD_W_RESET_CARD:
                break
            # another program reset the card since we connected: nothing of ours was lost
            rv, active = scard.SCardReconnect(card, scard.SCARD_SHARE_SHARED, _PROTOCOLS,
                                              scard.SCARD_LEAVE_CARD)
        if rv != scard.SCARD_S_SUCCESS:
            scard.SCardDisconnect(card, scard.SCARD_RESET_CARD)
            _check(rv, "status")
    except BaseException:
        context.close()
        raise
    protocol = Protocol.T1 if active == scard.SCARD_PROTOCOL_T1 else Protocol.T0
    return _Opened(context, card, active, CardInfo(name, bytes(atr), protocol))


def _release(opened: _Opened, disposition: int = scard.SCARD_RESET_CARD) -> None:
    """Disconnect (by default resetting the card: its security status dies with it).

    A card that is gone is not reset: it lost its state with its power, and pcscd
    (1.9.9 with vpcd) asked to reset a pulled card reports the reader empty from then
    on, even once a card is back in it.
    """
    if disposition != scard.SCARD_LEAVE_CARD:
        rv, _name, state, _proto, _atr = scard.SCardStatus(opened.card)
        if rv != scard.SCARD_S_SUCCESS or not state & _CARD_PRESENT:
            disposition = scard.SCARD_LEAVE_CARD
    scard.SCardDisconnect(opened.card, disposition)
    opened.context.close()


def _release_when_open(call: _Call) -> None:
    """Queued behind an abandoned connect: undo it if it succeeded after all."""
    if isinstance(call.result, _Opened):
        _release(call.result, scard.SCARD_LEAVE_CARD)  # nothing was sent: nothing to reset


class PcscTransport(Transport):
    """A shared connection to the card in one reader, T=1 preferred, T=0 accepted.

    ``deadlines`` bound every wait; past one the connection is dead
    (:class:`CardTimeoutError`, then the same error at once for every later call) and
    only ``close`` remains, which never blocks longer than ``deadlines.release``.
    """

    def __init__(self, reader: str | int | None = None,
                 deadlines: Deadlines | None = None) -> None:
        self.deadlines = deadlines or Deadlines()
        self._worker = PcscThread(f"pcsc-{reader}")
        self._closed = False
        self._dead: Callable[[], TransportError] | None = None
        self._fresh = True  # no APDU of ours since connecting or our last reset
        self.foreign_resets = 0  # resets by other programs acknowledged in this session
        self._gone = False  # the card was pulled under us
        self._stuck = False  # a call outlived its deadline and still holds the thread
        call = self._worker.submit(_open, reader)
        try:
            finished = call.done.acquire(timeout=self.deadlines.connect)
        except BaseException:  # interrupted: undo the connect whenever it ends
            self._abandon_open(call)
            raise
        if not finished:
            self._abandon_open(call)
            raise CardTimeoutError("connect", self.deadlines.connect)
        if call.error is not None:
            self._abandon_open(call)
            raise call.error
        self._opened: _Opened = call.result
        self._pci = (scard.SCARD_PCI_T1 if self._opened.protocol == scard.SCARD_PROTOCOL_T1
                     else scard.SCARD_PCI_T0)

    def _abandon_open(self, call: _Call) -> None:
        self._closed = True
        self._worker.submit(_release_when_open, call)
        self._worker.stop()

    @property
    def info(self) -> CardInfo:
        return self._opened.info

    @property
    def usable(self) -> bool:
        return not self._closed and self._dead is None

    def _run(self, operation: str, timeout: float, fn: Callable[..., Any], *args: Any) -> Any:
        if self._closed:
            raise TransportError(f"{operation}: the connection is closed")
        if self._dead is not None:
            raise self._dead()
        try:
            return self._worker.call(fn, *args, timeout=timeout)
        except _Expired:
            self._stuck = True
            self._give_up(lambda: CardTimeoutError(operation, timeout))
            raise CardTimeoutError(operation, timeout) from None
        except (KeyboardInterrupt, SystemExit):
            # the call goes on without us: what the card did with it is unknown
            self._give_up(lambda: TransportError(f"{operation}: interrupted; connection given up"))
            raise

    def _give_up(self, error: Callable[[], TransportError]) -> None:
        if self._dead is None:
            self._dead = error

    def transmit(self, command: bytes, timeout: float | None = None) -> bytes:
        deadline = self.deadlines.for_command(command) if timeout is None else timeout
        self._fresh = False
        rv, response = self._run("transmit", deadline, scard.SCardTransmit,
                                 self._opened.card, self._pci, list(command))
        for _attempt in range(3):
            # Another program's session ended resetting the card; pcscd sent nothing.
            # Acknowledge and send the command to the fresh card: whatever this session
            # had verified is gone, so a command that needs it fails as unverified.
            # (Right after such a reset pcscd may still be negotiating the protocol.)
            if rv != scard.SCARD_W_RESET_CARD and not (
                    rv == scard.SCARD_E_PROTO_MISMATCH and self.foreign_resets):
                break
            self._acknowledge_reset()
            rv, response = self._run("transmit", deadline, scard.SCardTransmit,
                                     self._opened.card, self._pci, list(command))
        if rv in _GONE or (rv == scard.SCARD_S_SUCCESS and len(response) < 2):
            self._gone = True  # nothing to reset when closing
        _check(rv, "transmit")
        if len(response) < 2:
            # the reader lost the card mid-command (vpcd reports it as an empty answer)
            raise CardRemovedError("transmit: the card stopped answering: it was removed")
        return bytes(response)

    def _acknowledge_reset(self) -> None:
        """Reconnect leaving the card as it is, after a reset by someone else; the same
        card still (an exchanged card is reported as removed, never as reset)."""
        rv, _active = self._run("reconnect", self.deadlines.connect, scard.SCardReconnect,
                                self._opened.card, scard.SCARD_SHARE_SHARED, _PROTOCOLS,
                                scard.SCARD_LEAVE_CARD)
        _check(rv, "reconnect")
        self.foreign_resets += 1

    def reset(self) -> None:
        rv, _active = self._run("reset", self.deadlines.connect, scard.SCardReconnect,
                                self._opened.card, scard.SCARD_SHARE_SHARED, _PROTOCOLS,
                                scard.SCARD_RESET_CARD)
        if rv in _GONE:
            self._gone = True
        _check(rv, "reset")
        self._fresh = True

    def begin_exclusive(self) -> None:
        """``SCardBeginTransaction``: other programs' exchanges (and connects) wait until
        we end it. A reset by another program just before is acknowledged, not an error:
        the block starts from a fresh card anyway."""
        deadline = time.monotonic() + self.deadlines.acquire
        while True:
            try:
                rv = self._run("begin transaction", max(deadline - time.monotonic(), 0.001),
                               scard.SCardBeginTransaction, self._opened.card)
            except CardTimeoutError:
                raise CardBusyError(self.deadlines.acquire) from None
            if rv != scard.SCARD_W_RESET_CARD:
                break
            # another program's block ended with a reset while we waited: acknowledge, retry
            self._acknowledge_reset()
        _check(rv, "begin transaction")

    def end_exclusive(self, reset: bool = True) -> None:
        """Reset while still holding the card, then end the transaction.

        Resetting inside the transaction (``SCardReconnect``) keeps our handle usable and
        leaves no moment in which another program finds the card still verified; other
        handles get ``SCARD_W_RESET_CARD`` and must reconnect.
        """
        if not self.usable:
            return  # close() resets the card; disconnecting ends the transaction
        try:
            if reset:
                self.reset()
            rv = self._run("end transaction", self.deadlines.release,
                           scard.SCardEndTransaction, self._opened.card, scard.SCARD_LEAVE_CARD)
            _check(rv, "end transaction")
        except TransportError:
            self._give_up(lambda: TransportError("the card could not be released cleanly; "
                                                 "connection given up"))

    def close(self) -> None:
        """Disconnect with ``SCARD_RESET_CARD``; waits at most ``deadlines.release``.

        Only when no APDU went to the card since our last reset (a session that ended
        with an exclusive block, or sent nothing) is the card left as it is: resetting
        it again would only disturb another program that has started using it. Nor is
        a card that was pulled reset (see ``_release``).
        """
        if self._closed:
            return
        self._closed = True
        leave = self._fresh or self._gone
        disposition = scard.SCARD_LEAVE_CARD if leave else scard.SCARD_RESET_CARD
        call = self._worker.submit(_release, self._opened, disposition)
        self._worker.stop()
        if not self._stuck:
            call.done.acquire(timeout=self.deadlines.release)
        # else the thread is stuck in a call past its deadline: the release runs when the
        # card answers or is pulled; waiting here would only hang the caller


def open_transport(reader: str | int | None = None,
                   deadlines: Deadlines | None = None) -> PcscTransport:
    """Connect to the card in ``reader`` (name, index, or the first reader with a card)."""
    return PcscTransport(reader, deadlines)


def open_card(reader: str | int | None = None, deadlines: Deadlines | None = None) -> NidCard:
    """A :class:`NidCard` session through PC/SC; close it (or use ``with``) to reset the card."""
    return NidCard(PcscTransport(reader, deadlines))


def list_readers() -> list[tuple[str, bool]]:
    """Every reader and whether a card is in it."""
    context = PcscContext()
    try:
        return [(name, context.card_present(name)) for name in context.readers()]
    finally:
        context.close()
