"""Operators' national cards for the sign-in tests: simulated cards whose signature key
was activated by a national signature CA (the local authority), as a holder's would be."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.serialization import Encoding

from apdu.pins import PinRef
from registry.remote import RemoteRegistry
from registry.signin import OperatorSession
from signing.ca import LocalCertificateAuthority
from signing.card_signer import CardDigestSigner
from simulators.issuer import IssuerPki
from tests.conftest import CardFactory
from tests.signing.cards import CardInReader, activation, identity_of, in_reader

PIN1_, PIN2 = "246810", "975310"


@dataclass
class OperatorCard:
    reader: CardInReader
    national_code: str
    certificate_der: bytes
    serial: int

    def sign_in(self, registry: RemoteRegistry, pin2: str = PIN2) -> OperatorSession:
        """What the office app does: PIN2 on the card, the card signs the challenge."""
        card = self.reader.insert()
        card.verify_pin(PinRef.PIN2, pin2)
        return registry.sign_in(CardDigestSigner(card), self.certificate_der)


class NationalCa:
    """The national signature CA, its certificate and CRL as the service reads them."""

    def __init__(self, directory: Path, issuer: IssuerPki, cards: CardFactory) -> None:
        self.directory = directory
        self.authority = LocalCertificateAuthority(directory / "ca")
        self.issuer = issuer
        self.cards = cards
        self.anchor = directory / "national-ca.pem"
        self.anchor.write_bytes(self.authority.certificate.public_bytes(Encoding.PEM))
        self.crl = directory / "national.crl"
        self.publish()

    def publish(self) -> None:
        self.crl.write_bytes(self.authority.crl().public_bytes(Encoding.PEM))

    def card(self, seed: int) -> OperatorCard:
        image = self.cards.image(seed)
        reader = in_reader(self.cards, image)
        done = activation(reader, self.authority, self.directory / f"journal-{seed}",
                          [self.issuer.csca]).run(PIN1_, PIN2)
        return OperatorCard(reader, identity_of(image).national_code,
                            done.certificate.public_bytes(Encoding.DER),
                            done.certificate.serial_number)

    def options(self) -> tuple[str, ...]:
        return ("--national-ca", str(self.anchor), "--national-crl", str(self.crl))
