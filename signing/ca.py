"""Certificate authorities for the card's signature key, and a local one that persists.

:class:`CertificateAuthority` is the extension point (a remote NOCR-style CA would
be another subclass); :class:`LocalCertificateAuthority` keeps an ECDSA P-256 key,
its self-signed certificate, every issued certificate and every revocation in one
SQLite file (see :mod:`signing.ca_store`). ``fail_next`` injects outages and refusals
so the card activation flow can be tested against an authority that says no.
"""

from __future__ import annotations

import datetime as dt
import enum
import threading
from abc import ABC, abstractmethod
from collections import deque
from pathlib import Path
from types import TracebackType
from typing import Self

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from citizen.identity import Identity
from signing import ca_profile
from signing.ca_store import AuthorityRecord, CaStore
from signing.csr import national_code_of, subject_for
from signing.errors import (
    CaRefusedError,
    CaUnavailableError,
    RefusalReason,
    SignerError,
)
from signing.signer import SignatureAlgorithm
from signing.status import CertificateState, CertificateStatus

__all__ = [
    "CertificateAuthority", "CertificateState", "CertificateStatus", "Fault",
    "LocalCertificateAuthority",
]

HOLDER_VALIDITY = dt.timedelta(days=3 * 365)
AUTHORITY_VALIDITY = dt.timedelta(days=20 * 365)
CRL_VALIDITY = dt.timedelta(days=7)
CLOCK_SKEW = dt.timedelta(minutes=5)  # not_before is backdated by this much
_ACCEPTED_CSR_HASHES = (hashes.SHA256, hashes.SHA384, hashes.SHA512)


class CertificateAuthority(ABC):
    """Issues, revokes and answers for signature certificates."""

    @property
    @abstractmethod
    def certificate(self) -> x509.Certificate:
        """The authority's own certificate: the trust anchor relying parties configure."""

    @abstractmethod
    def issue(self, csr_der: bytes, *, identity: Identity | None = None,
              not_after: dt.datetime | None = None) -> x509.Certificate:
        """Certify the key in a PKCS#10 request after checking its self-signature."""

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

    UNAVAILABLE = "unavailable"  # raise CaUnavailableError, as if the network were down
    REFUSE = "refuse"  # raise CaRefusedError(RefusalReason.INJECTED)


def _utc(moment: dt.datetime) -> dt.datetime:
    """Aware UTC; naive datetimes are taken to be UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _card_expiry(identity: Identity) -> dt.datetime:
    """End of the card's last valid day (UTC): the certificate must not outlive the card."""
    day = identity.expiry_date.togregorian()
    return dt.datetime.combine(day, dt.time(23, 59, 59), dt.UTC)


def _load_request(csr_der: bytes) -> x509.CertificateSigningRequest:
    try:
        request = x509.load_der_x509_csr(csr_der)
        valid = request.is_signature_valid
        algorithm = request.signature_hash_algorithm
    except (ValueError, TypeError) as exc:
        raise CaRefusedError(RefusalReason.MALFORMED_REQUEST,
                             "the request is not a DER PKCS#10 structure") from exc
    if not valid:
        raise CaRefusedError(RefusalReason.BAD_SIGNATURE,
                             "the request's self-signature does not verify")
    if not isinstance(algorithm, _ACCEPTED_CSR_HASHES):
        raise CaRefusedError(RefusalReason.POLICY, "the request is not signed with SHA-2")
    try:
        SignatureAlgorithm.for_public_key(request.public_key())
    except SignerError as exc:
        raise CaRefusedError(RefusalReason.UNSUPPORTED_KEY, str(exc)) from exc
    return request


class LocalCertificateAuthority(CertificateAuthority):
    """An authority that lives in ``directory``; created there on first open.

    Two instances may open the same directory one after another (or at once: the
    database serialises them). ``name``, ``crl_url`` only matter when creating.
    """

    def __init__(self, directory: Path, *, name: str = "nidkiosk Local Signature CA",
                 crl_url: str | None = None, holder_validity: dt.timedelta = HOLDER_VALIDITY,
                 crl_validity: dt.timedelta = CRL_VALIDITY) -> None:
        self.directory = Path(directory)
        self.crl_url = crl_url
        self.holder_validity = holder_validity
        self.crl_validity = crl_validity
        self._faults: deque[Fault] = deque()
        self._lock = threading.Lock()
        self._store = CaStore(self.directory)
        try:
            record = self._store.load_authority() or self._create(name)
            key = serialization.load_pem_private_key(record.key_pem, password=None)
            self._certificate = x509.load_der_x509_certificate(record.certificate_der)
        except ValueError as exc:
            self._store.close()
            raise CaUnavailableError("the authority store is damaged (key or certificate "
                                     "unreadable)") from exc
        except BaseException:
            self._store.close()
            raise
        if not isinstance(key, ec.EllipticCurvePrivateKey):
            self._store.close()
            raise CaUnavailableError("the authority key is not an EC key")
        self._key = key

    def _create(self, name: str) -> AuthorityRecord:
        now = _now()
        key = ec.generate_private_key(ec.SECP256R1())
        cert = ca_profile.ca_certificate(key, ca_profile.authority_name(name), now,
                                         AUTHORITY_VALIDITY)
        record = AuthorityRecord(
            key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                              serialization.NoEncryption()),
            cert.public_bytes(serialization.Encoding.DER),
        )
        if self._store.create_authority(record, now):
            return record
        existing = self._store.load_authority()  # another instance won the race
        if existing is None:
            raise CaUnavailableError("the authority store lost its authority record")
        return existing

    def __repr__(self) -> str:
        return f"LocalCertificateAuthority({str(self.directory)!r})"

    @property
    def certificate(self) -> x509.Certificate:
        return self._certificate

    def close(self) -> None:
        self._store.close()

    # -- fault injection -------------------------------------------------------------

    def fail_next(self, fault: Fault, *, times: int = 1) -> None:
        """Make the next ``times`` operations (issue, revoke, status, crl) fail."""
        with self._lock:
            self._faults.extend([fault] * times)

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def _check_fault(self) -> None:
        with self._lock:
            fault = self._faults.popleft() if self._faults else None
        if fault is Fault.UNAVAILABLE:
            raise CaUnavailableError("the certificate authority cannot be reached (injected)")
        if fault is Fault.REFUSE:
            raise CaRefusedError(RefusalReason.INJECTED, "refusal injected for testing")

    # -- operations ------------------------------------------------------------------

    def _subject(self, request: x509.CertificateSigningRequest,
                 identity: Identity | None) -> x509.Name:
        if identity is None:
            if not request.subject.rdns:
                raise CaRefusedError(RefusalReason.POLICY, "the request names no subject")
            return request.subject
        subject = subject_for(identity)
        requested = national_code_of(request.subject)
        if requested is not None and requested != national_code_of(subject):
            raise CaRefusedError(RefusalReason.POLICY,
                                 "the request names a different national code than the card")
        return subject

    def issue(self, csr_der: bytes, *, identity: Identity | None = None,
              not_after: dt.datetime | None = None) -> x509.Certificate:
        self._check_fault()
        request = _load_request(csr_der)
        subject = self._subject(request, identity)
        now = _now()
        end = min(now + self.holder_validity, self._certificate.not_valid_after_utc)
        if not_after is not None:
            end = min(end, _utc(not_after))
        if identity is not None:
            end = min(end, _card_expiry(identity))
        if end <= now:
            raise CaRefusedError(RefusalReason.POLICY, "the validity would end before it began "
                                 "(expired card or not_after in the past)")
        for _ in range(3):  # a 159-bit serial collides practically never
            certificate = ca_profile.signature_certificate(
                ca_cert=self._certificate, ca_key=self._key, public_key=request.public_key(),
                subject=subject, serial=x509.random_serial_number(),
                not_before=now - CLOCK_SKEW, not_after=end, crl_url=self.crl_url)
            der = certificate.public_bytes(serialization.Encoding.DER)
            if self._store.add_certificate(certificate, der, now):
                return certificate
        raise CaUnavailableError("could not allocate a unique serial number")

    def revoke(self, serial: int,
               reason: x509.ReasonFlags = x509.ReasonFlags.unspecified) -> CertificateStatus:
        self._check_fault()
        if reason is x509.ReasonFlags.remove_from_crl:
            raise CaRefusedError(RefusalReason.POLICY, "removeFromCRL only exists in delta CRLs")
        if self._store.find(serial) is None:
            raise CaRefusedError(RefusalReason.UNKNOWN_CERTIFICATE,
                                 f"no certificate with serial {serial:x} was issued here")
        self._store.revoke(serial, _now(), reason)
        return self._status_of_serial(serial, None)

    def _status_of_serial(self, serial: int, der: bytes | None) -> CertificateStatus:
        stored = self._store.find(serial)
        if stored is None or (der is not None and stored.certificate_der != der):
            return CertificateStatus.unknown()
        if stored.revoked_at is not None:
            return CertificateStatus.revoked(stored.revoked_at,
                                             stored.reason or x509.ReasonFlags.unspecified)
        return CertificateStatus.good()

    def status(self, certificate: x509.Certificate) -> CertificateStatus:
        self._check_fault()
        if certificate.issuer != self._certificate.subject:
            return CertificateStatus.unknown()
        return self._status_of_serial(certificate.serial_number,
                                      certificate.public_bytes(serialization.Encoding.DER))

    def crl(self) -> x509.CertificateRevocationList:
        self._check_fault()
        now = _now()
        return ca_profile.revocation_list(
            ca_cert=self._certificate, ca_key=self._key, entries=self._store.revoked(),
            number=self._store.next_crl_number(), this_update=now,
            next_update=now + self.crl_validity)
