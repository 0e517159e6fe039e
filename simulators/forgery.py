"""Forged and cloned cards, made from a genuine image, to prove the reader catches each.

Every forgery here is one a real attacker could attempt with the files of a card:
edit a data group, edit the security object, sign with their own PKI, reuse an
expired signer, or copy every readable file onto a chip with another key.
"""

from __future__ import annotations

import hashlib
from enum import Enum

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from apdu import datagroups
from apdu.profile import DATA_GROUP_FILES, EF_SOD, DataGroup
from simulators.card.image import CardImage
from simulators.card.security import CHIP_KEY_SECRET
from simulators.issuer import IssuerPki


class Forgery(Enum):
    DATA_TAMPERED = "data"
    SECURITY_OBJECT_TAMPERED = "sod"
    UNKNOWN_ISSUER = "issuer"
    EXPIRED_SIGNER = "expired-signer"
    CLONED_CHIP = "clone"


def _groups(image: CardImage) -> dict[int, bytes]:
    return {int(g): image.files[f.fid] for g, f in DATA_GROUP_FILES.items() if f.fid in image.files}


def forge(image: CardImage, kind: Forgery, pki: IssuerPki | None = None) -> CardImage:
    """A copy of ``image`` with the given forgery applied."""
    forged = image.copy()
    if kind is Forgery.DATA_TAMPERED:
        fid = DATA_GROUP_FILES[DataGroup.IDENTITY].fid
        identity = datagroups.decode_identity(forged.files[fid])
        changed = identity.__class__(**{**identity.__dict__, "surname": identity.surname + "ی"})
        forged.files[fid] = datagroups.encode_identity(changed)
    elif kind is Forgery.SECURITY_OBJECT_TAMPERED:
        # rewrite DG1's hash inside the signed content, as if to legitimize edited data
        sod = bytearray(forged.files[EF_SOD.fid])
        dg1 = forged.files[DATA_GROUP_FILES[DataGroup.IDENTITY].fid]
        position = bytes(sod).find(hashlib.sha256(dg1).digest())
        if position < 0:
            raise ValueError("DG1's hash is not in the security object")
        sod[position] ^= 0x01
        forged.files[EF_SOD.fid] = bytes(sod)
    elif kind is Forgery.UNKNOWN_ISSUER:
        forged.files[EF_SOD.fid] = IssuerPki.create("Forged CSCA").sign_security_object(
            _groups(forged))
    elif kind is Forgery.EXPIRED_SIGNER:
        if pki is None:
            raise ValueError("an expired-signer forgery needs the issuer PKI")
        forged.files[EF_SOD.fid] = pki.with_expired_signer().sign_security_object(
            _groups(forged))
    elif kind is Forgery.CLONED_CHIP:
        other = ec.generate_private_key(ec.SECP256R1())
        forged.secrets[CHIP_KEY_SECRET] = other.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    forged.label = f"{image.label} [forged: {kind.value}]".strip()
    return forged
