"""A simulated card in an in-process reader: for unit tests of everything above the card.

It behaves as a PC/SC reader does where it matters to the layers above: a pulled card
raises :class:`CardRemovedError` on the next command (or in the middle of one, with a
fault at a chosen instruction), and closing the connection resets the card, as
``SCardDisconnect(SCARD_RESET_CARD)`` does. The product and the end-to-end tests go
through pcscd instead.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from apdu.client import NidCard
from apdu.command import CommandApdu
from apdu.errors import CardRemovedError, NoCardError
from apdu.transport import CardInfo, Protocol, Transport
from simulators.card import PowerLoss, SimulatedChip


class InProcessReader:
    """One slot. ``open()`` is a card opener for flows; ``pull_at`` injects a pulled card."""

    def __init__(self, name: str = "in-process reader") -> None:
        self.name = name
        self.chip: SimulatedChip | None = None
        self._lock = threading.Lock()
        self.opened = 0

    def insert(self, chip: SimulatedChip) -> None:
        with self._lock:
            self.chip = chip
            chip.power_off()

    def remove(self) -> None:
        with self._lock:
            if self.chip is not None:
                self.chip.power_off()
                self.chip.command_hook = None
            self.chip = None

    def pull_at(self, ins: int, occurrence: int = 1,
                after: Callable[[], None] | None = None) -> None:
        """Pull the card when the ``occurrence``-th command with ``ins`` arrives."""
        chip = self.chip
        assert chip is not None
        seen = [0]

        def hook(command: CommandApdu) -> None:
            if command.ins == ins:
                seen[0] += 1
                if seen[0] == occurrence:
                    if after is not None:
                        after()
                    raise PowerLoss(f"pulled at INS {ins:02X}")

        chip.command_hook = hook

    def open(self) -> NidCard:
        with self._lock:
            chip = self.chip
            if chip is None:
                raise NoCardError("no card in the in-process reader")
            self.opened += 1
        return NidCard(InProcessTransport(self, chip))


class InProcessTransport(Transport):
    def __init__(self, reader: InProcessReader, chip: SimulatedChip) -> None:
        self._reader = reader
        self._chip = chip
        self._info = CardInfo(reader.name, chip.atr, Protocol.T1)
        self._closed = False

    @property
    def info(self) -> CardInfo:
        return self._info

    def _present(self) -> SimulatedChip:
        if self._closed:
            raise CardRemovedError("the connection is closed")
        if self._reader.chip is not self._chip:
            raise CardRemovedError("the card was removed")
        return self._chip

    def transmit(self, command: bytes, timeout: float | None = None) -> bytes:
        chip = self._present()          # in process: answered at once, no deadline to keep
        try:
            return chip.process(bytes(command))
        except PowerLoss as exc:
            self._reader.remove()
            raise CardRemovedError("the card was pulled during a command") from exc

    def reset(self) -> None:
        self._present().reset()

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            if self._reader.chip is self._chip:
                self._chip.reset()  # as SCardDisconnect(SCARD_RESET_CARD)
