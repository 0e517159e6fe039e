"""The one seam to the hardware: ``transmit(bytes) -> bytes``.

A PC/SC reader, and an in-process simulated chip for unit tests, both plug in here;
everything above sees raw command and response bytes. Besides bytes the seam carries
the session's lifetime: every exchange has a deadline, the card can be held
exclusively while a secret is in play, and closing resets it.
"""

from __future__ import annotations

import abc
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from types import MappingProxyType

from apdu.constants import Ins


class Protocol(Enum):
    """Transmission protocol of the connection (ISO/IEC 7816-3)."""

    T0 = "T=0"
    T1 = "T=1"
    DIRECT = "direct"


@dataclass(frozen=True)
class CardInfo:
    """What a connection knows before any APDU: the reader, the ATR, the protocol."""

    reader: str
    atr: bytes
    protocol: Protocol


def _slow_instructions() -> Mapping[int, float]:
    # Real chips take tens of seconds to generate an RSA-2048 key, and seconds to
    # match a finger or compute an RSA signature; the simulated chip takes milliseconds.
    return MappingProxyType({
        Ins.GENERATE_ASYMMETRIC_KEY_PAIR: 120.0,
        Ins.VERIFY + 1: 30.0,  # VERIFY with a finger (match on card)
        Ins.PERFORM_SECURITY_OPERATION: 30.0,
    })


@dataclass(frozen=True)
class Deadlines:
    """How long each wait on the reader may last, in seconds.

    A card that stops answering must not hang the kiosk, and pcsc-lite cannot cancel
    a transmit: past its deadline the connection is given up (``CardTimeoutError``).
    ``exchange`` covers ordinary commands; ``slow`` raises it per instruction byte;
    ``connect`` covers powering the card up; ``acquire`` waiting for another program
    to release the card; ``release`` the reset and disconnect when closing.
    """

    exchange: float = 5.0
    slow: Mapping[int, float] = field(default_factory=_slow_instructions)
    connect: float = 10.0
    acquire: float = 15.0
    release: float = 2.0

    def for_command(self, command: bytes) -> float:
        """The deadline for one command APDU, by its instruction byte."""
        if len(command) < 2:
            return self.exchange
        return self.slow.get(command[1], self.exchange)


class Transport(abc.ABC):
    """A connection to one card."""

    @property
    @abc.abstractmethod
    def info(self) -> CardInfo: ...

    @abc.abstractmethod
    def transmit(self, command: bytes, timeout: float | None = None) -> bytes:
        """Send a command APDU, return the response APDU (data + SW1 SW2).

        ``timeout`` overrides the transport's deadline for this one exchange.
        """

    @property
    def usable(self) -> bool:
        """False once closed, or given up after a deadline passed."""
        return True

    def begin_exclusive(self) -> None:
        """Hold the card: no other program can exchange an APDU until ``end_exclusive``."""

    def end_exclusive(self, reset: bool = True) -> None:
        """Release the card, warm-resetting it first (while still held) when ``reset``.

        Never raises: a failure leaves the transport unusable, and ``close`` resets.
        """

    def reset(self) -> None:
        """Warm reset; drops every verified state on the card."""

    def close(self) -> None:
        """Release the card, resetting it. Never raises."""

    def __enter__(self) -> Transport:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class DirectTransport(Transport):
    """In-process: hands bytes straight to a function, e.g. a simulated chip's ``process``.

    For unit tests only; end-to-end tests and the product go through pcscd. Holding
    the card exclusively is a lock between threads of this process; deadlines do not
    apply (the function runs on the caller's thread).
    """

    def __init__(
        self,
        process: Callable[[bytes], bytes],
        atr: bytes = b"",
        reset: Callable[[], object] | None = None,
        reader: str = "direct",
    ) -> None:
        self._process = process
        self._reset = reset
        self._info = CardInfo(reader, atr, Protocol.DIRECT)
        self._lock = threading.RLock()
        self._closed = False

    @property
    def info(self) -> CardInfo:
        return self._info

    @property
    def usable(self) -> bool:
        return not self._closed

    def transmit(self, command: bytes, timeout: float | None = None) -> bytes:
        with self._lock:
            return self._process(bytes(command))

    def begin_exclusive(self) -> None:
        self._lock.acquire()

    def end_exclusive(self, reset: bool = True) -> None:
        try:
            if reset:
                self.reset()
        except Exception:  # a failed reset must not mask the caller's own error
            pass
        finally:
            self._lock.release()

    def reset(self) -> None:
        if self._reset is not None:
            self._reset()

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            self.reset()
        except Exception:  # closing never raises
            pass
