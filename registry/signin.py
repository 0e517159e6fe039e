"""An operator signs in at an office device with their own national card: the protocol.

1. The office device asks the service for a challenge (``POST /v1/session/challenge``):
   a random nonce, single use, for this device only, valid for two minutes.
2. The operator inserts their card and gives PIN2; the card signs the SHA-256 digest of
   :func:`challenge_message` (the nonce bound to the purpose, the device's certificate
   fingerprint and the expiry), exactly as it signs any document: the key never leaves it.
3. The device sends the signature with the card's signature certificate
   (``POST /v1/session/sign-in``). The service checks the signature, the certificate's
   chain to the national signature CA, its validity and its revocation (a current CRL),
   takes the national code from the certificate's subject (``PNOIR-...``), and opens a
   session if that person is an operator of this device's office.

The session token is a bearer secret bound to the device: another device presenting it
is refused, and only its hash is stored. This module is what both sides share; the
checks are in ``registry.server.signin``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from signing.signer import DigestSigner

CONTEXT = b"nidkiosk-operator-sign-in/v1"


@dataclass(frozen=True)
class Challenge:
    challenge_id: int
    nonce: bytes
    device_fingerprint: str          # SHA-256 of the device certificate (hex)
    expires_at: dt.datetime


@dataclass(frozen=True)
class SignInProof:
    challenge_id: int
    certificate: bytes               # the card's signature certificate, DER
    signature: bytes                 # DER ECDSA or PKCS#1 v1.5 over the message's digest


@dataclass(frozen=True)
class OperatorSession:
    token: str = field(repr=False)
    operator_id: int
    office_id: int
    role: str                        # operator | manager
    expires_at: dt.datetime


def challenge_message(challenge: Challenge) -> bytes:
    """The bytes whose SHA-256 digest the card signs."""
    return b"\x00".join([CONTEXT, challenge.nonce, challenge.device_fingerprint.encode("ascii"),
                         challenge.expires_at.astimezone(dt.UTC).isoformat().encode("ascii")])


def challenge_digest(challenge: Challenge) -> bytes:
    return hashlib.sha256(challenge_message(challenge)).digest()


def sign_challenge(challenge: Challenge, signer: DigestSigner,
                   certificate_der: bytes) -> SignInProof:
    """Have the card (or any digest signer) sign the challenge; PIN2 verified beforehand."""
    return SignInProof(challenge.challenge_id, certificate_der,
                       signer.sign_digest(challenge_digest(challenge)))
