"""The seam to whoever holds the signature key: it signs SHA-256 digests, nothing more.

As in yubikey-manager's ``sign_csr_builder`` and pyHanko's ``Signer.sign_raw``, the
card is one primitive: requests, certificates and CMS are built in software and only
the digest signature comes from the key holder. :class:`SoftwareSigner` is the same
seam over a ``cryptography`` private key, for tests and the local authority.
"""

from __future__ import annotations

import enum
import hashlib
from abc import ABC, abstractmethod

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import (
    Prehashed,
    decode_dss_signature,
    encode_dss_signature,
)

from signing.errors import SignerError, SignerProblem

SigningPublicKey = ec.EllipticCurvePublicKey | rsa.RSAPublicKey
SHA256_DIGEST_SIZE = 32
P256_FIELD_SIZE = 32


@enum.unique
class SignatureAlgorithm(enum.Enum):
    """The two key types the card can generate, each with its one signature scheme."""

    ECDSA_P256_SHA256 = "ecdsa-p256-sha256"
    RSA2048_SHA256_PKCS1 = "rsa2048-sha256-pkcs1v15"

    @property
    def asn1_name(self) -> str:
        """The asn1crypto ``SignedDigestAlgorithm`` name (ecdsa-with-SHA256 / sha256WithRSA)."""
        return "sha256_ecdsa" if self is SignatureAlgorithm.ECDSA_P256_SHA256 else "sha256_rsa"

    @classmethod
    def for_public_key(cls, key: object) -> SignatureAlgorithm:
        """The algorithm a public key is used with; other key types are refused."""
        if isinstance(key, ec.EllipticCurvePublicKey) and isinstance(key.curve, ec.SECP256R1):
            return cls.ECDSA_P256_SHA256
        if isinstance(key, rsa.RSAPublicKey) and key.key_size == 2048:
            return cls.RSA2048_SHA256_PKCS1
        raise SignerError(SignerProblem.UNSUPPORTED_KEY)


class DigestSigner(ABC):
    """Whoever holds a private key and signs SHA-256 digests with it.

    ``sign_digest`` returns a DER ``Ecdsa-Sig-Value`` for ECDSA (card adapters convert
    the card's r||s with :func:`ecdsa_plain_to_der`) and the raw PKCS#1 v1.5 signature
    for RSA. Implementations set ``algorithm`` (attribute or property).
    """

    algorithm: SignatureAlgorithm

    @abstractmethod
    def public_key(self) -> SigningPublicKey:
        """The public half of the signing key."""

    @abstractmethod
    def sign_digest(self, digest: bytes) -> bytes:
        """Sign a 32-byte SHA-256 digest."""


class SoftwareSigner(DigestSigner):
    """A :class:`DigestSigner` over a ``cryptography`` private key (never shown in repr)."""

    def __init__(self, private_key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey) -> None:
        self.algorithm = SignatureAlgorithm.for_public_key(private_key.public_key())
        self._key = private_key

    @classmethod
    def generate(cls, algorithm: SignatureAlgorithm) -> SoftwareSigner:
        """A fresh key for ``algorithm`` (RSA generation takes a noticeable moment)."""
        if algorithm is SignatureAlgorithm.ECDSA_P256_SHA256:
            return cls(ec.generate_private_key(ec.SECP256R1()))
        return cls(rsa.generate_private_key(public_exponent=65537, key_size=2048))

    def public_key(self) -> SigningPublicKey:
        return self._key.public_key()

    def sign_digest(self, digest: bytes) -> bytes:
        _check_digest(digest)
        prehashed = Prehashed(hashes.SHA256())
        if isinstance(self._key, ec.EllipticCurvePrivateKey):
            return self._key.sign(digest, ec.ECDSA(prehashed))
        return self._key.sign(digest, padding.PKCS1v15(), prehashed)

    def __repr__(self) -> str:
        return f"SoftwareSigner({self.algorithm.name})"


def _check_digest(digest: bytes) -> None:
    if len(digest) != SHA256_DIGEST_SIZE:
        raise SignerError(SignerProblem.BAD_DIGEST)


def ecdsa_plain_to_der(raw: bytes) -> bytes:
    """Plain r||s (BSI TR-03111, what cards return) to a DER ``Ecdsa-Sig-Value``."""
    if not raw or len(raw) % 2:
        raise SignerError(SignerProblem.MALFORMED_SIGNATURE)  # r||s are equal halves
    half = len(raw) // 2
    r, s = int.from_bytes(raw[:half], "big"), int.from_bytes(raw[half:], "big")
    if r == 0 or s == 0:
        raise SignerError(SignerProblem.MALFORMED_SIGNATURE)  # r or s zero
    return encode_dss_signature(r, s)


def ecdsa_der_to_plain(der: bytes, field_size: int = P256_FIELD_SIZE) -> bytes:
    """DER ``Ecdsa-Sig-Value`` to plain r||s, each half ``field_size`` bytes."""
    try:
        r, s = decode_dss_signature(der)
        return r.to_bytes(field_size, "big") + s.to_bytes(field_size, "big")
    except (ValueError, OverflowError) as exc:
        raise SignerError(SignerProblem.MALFORMED_SIGNATURE) from exc


def verify_digest(public_key: object, digest: bytes, signature: bytes) -> bool:
    """Whether ``signature`` over the SHA-256 ``digest`` verifies with ``public_key``."""
    prehashed = Prehashed(hashes.SHA256())
    try:
        if isinstance(public_key, ec.EllipticCurvePublicKey):
            public_key.verify(signature, digest, ec.ECDSA(prehashed))
        elif isinstance(public_key, rsa.RSAPublicKey):
            public_key.verify(signature, digest, padding.PKCS1v15(), prehashed)
        else:
            return False
    except (InvalidSignature, ValueError):
        return False
    return True


def sign_message(signer: DigestSigner, message: bytes) -> bytes:
    """SHA-256 ``message``, have ``signer`` sign the digest, and check what came back.

    A card that answers with a wrong or truncated signature is caught here, before
    the signature ends up in a request or a document.
    """
    digest = hashlib.sha256(message).digest()
    signature = signer.sign_digest(digest)
    if not verify_digest(signer.public_key(), digest, signature):
        raise SignerError(SignerProblem.SIGNATURE_DOES_NOT_VERIFY)
    return signature
