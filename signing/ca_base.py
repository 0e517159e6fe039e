"""What every certificate authority offers, and the checks on a request any of them makes.

:class:`CertificateAuthority` is the extension point (a remote NOCR-style authority
would be another subclass next to :class:`~signing.ca.LocalCertificateAuthority`).
"""

from __future__ import annotations

import datetime as dt
import enum
from abc import ABC, abstractmethod
from types import TracebackType
from typing import Self

from cryptography import x509
from cryptography.hazmat.primitives import hashes

from citizen.identity import Identity
from signing.errors import CaRefusedError, RefusalReason, SignerError
from signing.signer import SignatureAlgorithm
from signing.status import CertificateStatus

_ACCEPTED_CSR_HASHES = (hashes.SHA256, hashes.SHA384, hashes.SHA512)


class CertificateAuthority(ABC):
    """Issues, revokes and answers for signature certificates."""

    @property
    @abstractmethod
    def certificate(self) -> x509.Certificate:
        """The authority's own certificate: the trust anchor relying parties configure."""

    @abstractmethod
    def issue(self, csr_der: bytes, *, identity: Identity | None = None,
              not_after: dt.datetime | None = None,
              supersede: bool = False) -> x509.Certificate:
        """Certify the key in a PKCS#10 request after checking its self-signature.

        ``identity`` is the holder's *verified* identity (passive and chip
        authentication passed): the subject is built from it and the card gets at
        most one live certificate (:mod:`signing.card_binding`). ``supersede``
        revokes the card's other live certificates in the same transaction; a
        request for the key already certified for this card gets that certificate.
        """

    @abstractmethod
    def revoke(self, serial: int,
               reason: x509.ReasonFlags = x509.ReasonFlags.unspecified) -> CertificateStatus:
        """Revoke an issued certificate; returns its status afterwards.

        Revoking twice keeps the first date and reason (RFC 5280: revocation is final).
        """

    @abstractmethod
    def status(self, certificate: x509.Certificate) -> CertificateStatus:
        """Good, revoked (when, why) or unknown to this authority."""

    @abstractmethod
    def crl(self) -> x509.CertificateRevocationList:
        """A fresh, complete CRL."""

    def close(self) -> None:
        """Release what the authority holds open."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()


@enum.unique
class Fault(enum.Enum):
    """What an injected fault makes the next operation do."""

    UNAVAILABLE = "unavailable"  # raise CaUnavailableError(UNREACHABLE), as if offline
    REFUSE = "refuse"  # raise CaRefusedError(RefusalReason.INJECTED)


def load_request(csr_der: bytes) -> x509.CertificateSigningRequest:
    """A PKCS#10 request whose self-signature verifies, with SHA-2 and a key a card has."""
    try:
        request = x509.load_der_x509_csr(csr_der)
        valid = request.is_signature_valid
        algorithm = request.signature_hash_algorithm
    except (ValueError, TypeError) as exc:
        raise CaRefusedError(RefusalReason.MALFORMED_REQUEST) from exc
    if not valid:
        raise CaRefusedError(RefusalReason.BAD_SIGNATURE)
    if not isinstance(algorithm, _ACCEPTED_CSR_HASHES):
        raise CaRefusedError(RefusalReason.WEAK_HASH)
    try:
        SignatureAlgorithm.for_public_key(request.public_key())
    except SignerError as exc:
        raise CaRefusedError(RefusalReason.UNSUPPORTED_KEY) from exc
    return request
