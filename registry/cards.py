"""Issuing the card: the order the registry sends to a card factory, and what comes back.

:class:`CardProducer` is the factory seam. The registry builds a :class:`CardOrder` from
the record (identity with the mother's name, the office photo, the address, two finger
templates) and gets a :class:`ProducedCard`: the serial it was told, the card itself as
an opaque blob (the simulated factory's card image; a real factory ships plastic), and
the sealed PIN letter, also opaque. Neither blob is stored by the registry: the card
holds its own secrets, and the PIN letter is for the holder alone. ``simulators.card_factory``
is the simulated factory, injected by whoever sets the registry up.
"""

from __future__ import annotations

import secrets
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field

import jdatetime

from citizen.identity import Address, Identity
from citizen.jalali import add_months
from registry.fingers import FingerPosition

CARD_VALIDITY_YEARS = 7
_SERIAL_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"   # no I or O: they read as digits


def new_card_serial() -> str:
    """Nine characters as the card prints them: a digit, a letter, seven digits."""
    draw = secrets.SystemRandom()
    return (f"{draw.randrange(10)}{draw.choice(_SERIAL_LETTERS)}"
            f"{draw.randrange(10_000_000):07d}")


def expiry_for(issued_on: jdatetime.date) -> jdatetime.date:
    return add_months(issued_on, 12 * CARD_VALIDITY_YEARS)


@dataclass(frozen=True)
class CardOrder:
    """Everything printed on and written into one card."""

    identity: Identity
    address: Address
    photo_jpeg: bytes = field(repr=False)
    fingers: tuple[tuple[FingerPosition, bytes], ...] = field(repr=False)
    max_minutiae: int = 60
    minutiae_order: int = 1

    def __repr__(self) -> str:
        return (f"CardOrder(serial={self.identity.card_serial}, "
                f"fingers={[p.name for p, _ in self.fingers]})")


@dataclass(frozen=True)
class ProducedCard:
    """The factory's answer; ``card`` and ``pin_letter`` are opaque to the registry."""

    card_serial: str
    card: bytes = field(repr=False)
    pin_letter: bytes = field(repr=False)
    media_type: str = "application/octet-stream"


class CardProducer(ABC):
    """A card factory."""

    name: str = "card-factory"

    @abstractmethod
    def produce(self, order: CardOrder) -> ProducedCard:
        """Make one card as ordered (personalized, not yet activated)."""


def finger_templates(order_fingers: Mapping[FingerPosition, bytes],
                     chosen: tuple[FingerPosition, FingerPosition]
                     ) -> tuple[tuple[FingerPosition, bytes], ...]:
    return tuple((position, order_fingers[position]) for position in chosen)
