"""The one seam to the hardware: ``transmit(bytes) -> bytes``.

A PC/SC reader, and an in-process simulated chip for unit tests, both plug in here;
everything above sees raw command and response bytes.
"""

from __future__ import annotations

import abc
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum


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


class Transport(abc.ABC):
    """A connection to one card."""

    @property
    @abc.abstractmethod
    def info(self) -> CardInfo: ...

    @abc.abstractmethod
    def transmit(self, command: bytes) -> bytes:
        """Send a command APDU, return the response APDU (data + SW1 SW2)."""

    def reset(self) -> None:
        """Warm reset; drops every verified state on the card."""

    def close(self) -> None:
        """Release the card."""

    def __enter__(self) -> Transport:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class DirectTransport(Transport):
    """In-process: hands bytes straight to a function, e.g. a simulated chip's ``process``.

    For unit tests only; end-to-end tests and the product go through pcscd.
    """

    def __init__(
        self,
        process: Callable[[bytes], bytes],
        atr: bytes = b"",
        reset: Callable[[], None] | None = None,
        reader: str = "direct",
    ) -> None:
        self._process = process
        self._reset = reset
        self._info = CardInfo(reader, atr, Protocol.DIRECT)

    @property
    def info(self) -> CardInfo:
        return self._info

    def transmit(self, command: bytes) -> bytes:
        return self._process(bytes(command))

    def reset(self) -> None:
        if self._reset is not None:
            self._reset()
