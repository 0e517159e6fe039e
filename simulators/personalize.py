"""Personalization: writes a holder's data groups, the security object and the chip key.

What the card factory does before a card reaches an office: the card leaves in
lifecycle PERSONALIZED, to be activated at delivery.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from apdu import datagroups
from apdu.biometric_profile import BIO_MAX_TRIES, FingerPosition
from apdu.pins import PinRef, encode_pin
from apdu.profile import DATA_GROUP_FILES, EF_COM, EF_SOD, DataGroup, Lifecycle
from citizen.identity import Address, Identity
from simulators.card import biometric
from simulators.card.image import CardImage
from simulators.card.pins import SALT_SECRET, set_reference
from simulators.card.security import CHIP_KEY_SECRET
from simulators.issuer import IssuerPki


@dataclass(frozen=True)
class PinLetter:
    """The sealed letter that comes with a new card: its initial PIN1 and its PUK.

    PIN2 is not set at the factory: the holder chooses it when the signature key is
    activated.
    """

    pin1: str
    puk: str

    @classmethod
    def random(cls) -> PinLetter:
        draw = secrets.SystemRandom()
        while True:
            pin1 = "".join(draw.choice("0123456789") for _ in range(6))
            if len(set(pin1)) > 2:
                break
        return cls(pin1, "".join(draw.choice("0123456789") for _ in range(8)))

    def to_json(self) -> str:
        return f'{{"pin1": "{self.pin1}", "puk": "{self.puk}"}}\n'

    def __repr__(self) -> str:
        return "PinLetter(<sealed>)"


@dataclass(frozen=True)
class FingerEnrolment:
    """Reference templates (compact card format) per biometric reference, and the
    matcher's parameters, fixed at personalization."""

    templates: dict[int, bytes]
    threshold: int
    min_minutiae: int
    max_minutiae: int
    minutiae_order: int
    positions: dict[int, FingerPosition] | None = None  # None: each reference's default

    def write(self, image: CardImage) -> None:
        for ref, template in self.templates.items():
            image.secrets[biometric.reference_secret(ref)] = template
        for ref, position in (self.positions or {}).items():
            image.counters[biometric.position_counter(ref)] = int(position)
        image.counters.update({
            biometric.BIO_TRIES: BIO_MAX_TRIES,
            biometric.BIO_THRESHOLD: self.threshold,
            biometric.BIO_MIN: self.min_minutiae,
            biometric.BIO_MAX: self.max_minutiae,
            biometric.BIO_ORDER: self.minutiae_order,
        })

    def __repr__(self) -> str:
        return f"FingerEnrolment(references={sorted(self.templates)}, <templates hidden>)"


def data_group_contents(
    identity: Identity,
    address: Address,
    photo_jpeg: bytes,
    chip_public_key: ec.EllipticCurvePublicKey,
) -> dict[DataGroup, bytes]:
    spki = chip_public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return {
        DataGroup.IDENTITY: datagroups.encode_identity(identity),
        DataGroup.PHOTO: datagroups.encode_photo(photo_jpeg),
        DataGroup.ADDRESS: datagroups.encode_address(address),
        DataGroup.CHIP_AUTH_KEY: datagroups.encode_chip_key(spki),
    }


def personalize(
    identity: Identity,
    address: Address,
    photo_jpeg: bytes,
    pki: IssuerPki,
    chip_key: ec.EllipticCurvePrivateKey | None = None,
    label: str = "",
    pins: PinLetter | None = None,
    fingers: FingerEnrolment | None = None,
) -> CardImage:
    """A fresh card image for this holder, signed by the issuer's document signer."""
    chip_key = chip_key or ec.generate_private_key(ec.SECP256R1())
    groups = data_group_contents(identity, address, photo_jpeg, chip_key.public_key())
    image = CardImage(lifecycle=Lifecycle.PERSONALIZED, label=label)
    for group, content in groups.items():
        image.files[DATA_GROUP_FILES[group].fid] = content
    image.files[EF_COM.fid] = datagroups.encode_com(list(groups))
    image.files[EF_SOD.fid] = pki.sign_security_object({int(g): c for g, c in groups.items()})
    image.secrets[CHIP_KEY_SECRET] = chip_key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    pins = pins or PinLetter.random()
    image.secrets[SALT_SECRET] = secrets.token_bytes(16)
    set_reference(image, PinRef.PIN1, encode_pin(pins.pin1, PinRef.PIN1))
    set_reference(image, PinRef.PUK, encode_pin(pins.puk, PinRef.PUK))
    if fingers is not None:
        fingers.write(image)
    return image
