"""Personalization: writes a holder's data groups, the security object and the chip key.

What the card factory does before a card reaches an office: the card leaves in
lifecycle PERSONALIZED, to be activated at delivery.
"""

from __future__ import annotations

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from apdu import datagroups
from apdu.identity import Address, Identity
from apdu.profile import DATA_GROUP_FILES, EF_COM, EF_SOD, DataGroup, Lifecycle
from simulators.card.image import CardImage
from simulators.card.security import CHIP_KEY_SECRET
from simulators.issuer import IssuerPki


def data_group_contents(
    identity: Identity, address: Address, photo_jpeg: bytes, chip_public_key: ec.EllipticCurvePublicKey
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
    return image
