"""A simulated card in a reader, in-process: it can be delivered, pulled and put back.

Pulling is a :class:`PowerLoss` raised inside the chip (by a command hook or a store
fault hook); the transport turns it into ``CardRemovedError``, as the vpcd bridge and
pcscd do for a real pull. The card's memory survives in its image file.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from apdu.client import NidCard
from apdu.command import CommandApdu
from apdu.errors import CardRemovedError
from apdu.pins import PinRef
from apdu.transport import DirectTransport
from simulators.card import CardStore, PowerLoss, SimulatedChip
from tests.conftest import KNOWN_PINS


class PullableTransport(DirectTransport):
    def transmit(self, command: bytes) -> bytes:
        try:
            return super().transmit(command)
        except PowerLoss as exc:
            raise CardRemovedError("the card was pulled") from exc


class CardInReader:
    """One card image file; ``insert`` powers a fresh chip over it and connects."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.chip: SimulatedChip | None = None

    def insert(self) -> NidCard:
        self.chip = SimulatedChip(CardStore.open(self.path))
        return NidCard(PullableTransport(self.chip.process, self.chip.atr))

    def pull_when(self, command: Callable[[CommandApdu], bool]) -> None:
        """Pull the card when a command matching ``command`` arrives (before it runs)."""
        assert self.chip is not None

        def hook(received: CommandApdu) -> None:
            if command(received):
                raise PowerLoss("pulled")

        self.chip.command_hook = hook

    def pull_at_write(self, label: str) -> None:
        """Pull the card at a persistent write, e.g. ``generate.key:after``."""
        assert self.chip is not None

        def hook(point: str) -> None:
            if point == label:
                raise PowerLoss(point)

        self.chip.store.fault_hook = hook


def deliver(card: NidCard) -> None:
    """The office hands the card over: PERSONALIZED -> ACTIVE."""
    card.verify_pin(PinRef.PIN1, KNOWN_PINS.pin1)
    card.activate_card()
