"""The card as a :class:`~signing.signer.DigestSigner`: the private key never leaves it."""

from __future__ import annotations

from apdu.client import NidCard
from apdu.profile import SignatureAlgorithmRef
from signing.errors import SignerError, SignerProblem
from signing.signer import DigestSigner, SignatureAlgorithm, SigningPublicKey, ecdsa_plain_to_der

_ALGORITHMS = {
    SignatureAlgorithmRef.ECDSA_P256_SHA256: SignatureAlgorithm.ECDSA_P256_SHA256,
    SignatureAlgorithmRef.RSA2048_SHA256_PKCS1: SignatureAlgorithm.RSA2048_SHA256_PKCS1,
}
CARD_ALGORITHM_FOR = {v: k for k, v in _ALGORITHMS.items()}


class CardDigestSigner(DigestSigner):
    """Signs with the card's signature key; PIN2 must be verified in the card session."""

    def __init__(self, card: NidCard, public_key: SigningPublicKey | None = None) -> None:
        self.card = card
        status = card.signature_status()
        if status.algorithm is None:
            raise SignerError(SignerProblem.NO_KEY)
        self.card_algorithm = status.algorithm
        self.algorithm = _ALGORITHMS[status.algorithm]
        self._public_key = public_key or card.read_signature_public_key()

    def public_key(self) -> SigningPublicKey:
        return self._public_key

    def sign_digest(self, digest: bytes) -> bytes:
        raw = self.card.sign_digest(digest, self.card_algorithm)
        if self.algorithm is SignatureAlgorithm.ECDSA_P256_SHA256:
            return ecdsa_plain_to_der(raw)
        return raw
