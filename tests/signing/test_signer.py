"""The digest-signing seam: algorithms, software keys, r||s conversion, lying signers."""

from __future__ import annotations

import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from signing.errors import SignerError, SignerProblem, SigningError
from signing.signer import (
    DigestSigner,
    SignatureAlgorithm,
    SigningPublicKey,
    SoftwareSigner,
    ecdsa_der_to_plain,
    ecdsa_plain_to_der,
    sign_message,
    verify_digest,
)
from tests.signing.helpers import KeyRing

DIGEST = hashlib.sha256(b"a document").digest()


def test_software_signer_signs_digests_that_verify(signer: SoftwareSigner) -> None:
    signature = signer.sign_digest(DIGEST)
    assert verify_digest(signer.public_key(), DIGEST, signature)
    assert not verify_digest(signer.public_key(), hashlib.sha256(b"other").digest(), signature)


def test_algorithm_follows_the_key(keys: KeyRing) -> None:
    for algorithm in SignatureAlgorithm:
        assert keys.get(algorithm).algorithm is algorithm
        assert SignatureAlgorithm.for_public_key(keys.get(algorithm).public_key()) is algorithm


def test_other_curves_are_refused() -> None:
    with pytest.raises(SignerError) as caught:
        SoftwareSigner(ec.generate_private_key(ec.SECP384R1()))  # type: ignore[arg-type]
    assert caught.value.problem is SignerProblem.UNSUPPORTED_KEY


def test_a_digest_must_be_sha256_sized(keys: KeyRing) -> None:
    with pytest.raises(SignerError) as caught:
        keys.get(SignatureAlgorithm.ECDSA_P256_SHA256).sign_digest(b"\x00" * 20)
    assert caught.value.problem is SignerProblem.BAD_DIGEST


def test_repr_shows_no_key_material(keys: KeyRing) -> None:
    signer = keys.get(SignatureAlgorithm.ECDSA_P256_SHA256)
    assert repr(signer) == "SoftwareSigner(ECDSA_P256_SHA256)"


def test_plain_ecdsa_round_trips_through_der(keys: KeyRing) -> None:
    signer = keys.get(SignatureAlgorithm.ECDSA_P256_SHA256)
    der = signer.sign_digest(DIGEST)
    plain = ecdsa_der_to_plain(der)
    assert len(plain) == 64
    assert ecdsa_plain_to_der(plain) == der
    assert verify_digest(signer.public_key(), DIGEST, ecdsa_plain_to_der(plain))


@pytest.mark.parametrize("raw", [b"", b"\x01" * 63, b"\x00" * 64])
def test_bad_plain_signatures_are_refused(raw: bytes) -> None:
    with pytest.raises(SignerError) as caught:
        ecdsa_plain_to_der(raw)
    assert caught.value.problem is SignerProblem.MALFORMED_SIGNATURE


class CardLikeSigner(DigestSigner):
    """What the card adapter does: the chip answers r||s, the adapter converts it."""

    def __init__(self, inner: SoftwareSigner, corrupt: bool = False) -> None:
        self.algorithm = inner.algorithm
        self._inner = inner
        self._corrupt = corrupt

    def public_key(self) -> SigningPublicKey:
        return self._inner.public_key()

    def sign_digest(self, digest: bytes) -> bytes:
        plain = bytearray(ecdsa_der_to_plain(self._inner.sign_digest(digest)))
        if self._corrupt:
            plain[-1] ^= 0x01
        return ecdsa_plain_to_der(bytes(plain))


def test_sign_message_accepts_a_card_like_signer(keys: KeyRing) -> None:
    card = CardLikeSigner(keys.get(SignatureAlgorithm.ECDSA_P256_SHA256))
    signature = sign_message(card, b"message")
    assert verify_digest(card.public_key(), hashlib.sha256(b"message").digest(), signature)


def test_sign_message_catches_a_wrong_signature(keys: KeyRing) -> None:
    card = CardLikeSigner(keys.get(SignatureAlgorithm.ECDSA_P256_SHA256), corrupt=True)
    with pytest.raises(SignerError) as caught:
        sign_message(card, b"message")
    assert isinstance(caught.value, SigningError)
    assert caught.value.problem is SignerProblem.SIGNATURE_DOES_NOT_VERIFY
