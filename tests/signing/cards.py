"""A simulated card in a reader, in-process: it can be delivered, pulled and put back.

Pulling is a :class:`PowerLoss` raised inside the chip (by a command hook or a store
fault hook); the transport turns it into ``CardRemovedError``, as the vpcd bridge and
pcscd do for a real pull. The card's memory survives in its image file.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from cryptography import x509

from apdu import datagroups
from apdu.client import NidCard
from apdu.command import CommandApdu
from apdu.constants import Ins
from apdu.errors import CardRemovedError
from apdu.pins import PinRef
from apdu.profile import DATA_GROUP_FILES, DataGroup
from apdu.transport import DirectTransport
from citizen.identity import Identity
from signing.activation import SignatureActivation
from signing.ca import LocalCertificateAuthority
from signing.status import CertificateState
from simulators.card import CardImage, CardStore, PowerLoss, SimulatedChip
from tests.conftest import KNOWN_PINS, CardFactory

SEED = 140  # the persona whose card the activation tests use


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


def in_reader(cards: CardFactory, image: CardImage, delivered: bool = True) -> CardInReader:
    reader = CardInReader(cards.file(SEED, image))
    if delivered:
        deliver(reader.insert())
    return reader


def activation(reader: CardInReader, ca: LocalCertificateAuthority, journal: Path,
               anchors: list[x509.Certificate], **options: object) -> SignatureActivation:
    return SignatureActivation(reader.insert(), ca, journal, trust_anchors=anchors,
                               **options)  # type: ignore[arg-type]


def live(ca: LocalCertificateAuthority, identity: Identity) -> list[x509.Certificate]:
    return [c.certificate for c in ca.certificates_of_card(identity.card_serial)
            if c.status.state is CertificateState.GOOD]


def identity_of(image: CardImage) -> Identity:
    return datagroups.decode_identity(image.files[DATA_GROUP_FILES[DataGroup.IDENTITY].fid])


def journal_files(journal: Path) -> list[Path]:
    return sorted(journal.glob("*")) if journal.exists() else []


Pull = Callable[[CardInReader], None]


def at(ins: Ins, p2: int | None = None) -> Pull:
    def pull(reader: CardInReader) -> None:
        reader.pull_when(lambda c: c.ins == ins and (p2 is None or c.p2 == p2) and (
            ins != Ins.VERIFY or bool(c.data)))
    return pull


def at_write(label: str) -> Pull:
    return lambda reader: reader.pull_at_write(label)
