"""The local certificate authority: an ECDSA P-256 key and its records in one SQLite file.

:class:`LocalCertificateAuthority` keeps its key, its self-signed certificate, its
settings (:mod:`signing.ca_settings`), every issued certificate with the card it is
for, and every revocation in :mod:`signing.ca_store`. Opening with the constructor
creates the authority if the directory has none (the kiosk's own authority);
:meth:`LocalCertificateAuthority.open_existing` never creates, and opened read-only
serves a relying party that only wants the certificate and status answers.
``fail_next`` injects outages and refusals so the activation can be tested against
an authority that says no.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import deque
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from citizen.errors import CitizenDataError
from citizen.identity import Identity
from signing import ca_profile
from signing.ca_base import CertificateAuthority, Fault, load_request
from signing.ca_settings import CaSettings
from signing.ca_store import AuthorityRecord, CaStore, Issuance, StoredCertificate
from signing.card_binding import CardBinding, decide, key_id
from signing.csr import national_code_of, subject_for
from signing.errors import (
    CaNotFoundError,
    CaRefusedError,
    CaSettingsError,
    CaUnavailableError,
    RefusalReason,
    UnavailableReason,
)
from signing.status import CertificateState, CertificateStatus

__all__ = [
    "CertificateAuthority", "CertificateState", "CertificateStatus", "Fault",
    "IssuedCertificate", "LocalCertificateAuthority",
]

DEFAULT_NAME = "nidkiosk Local Signature CA"
HOLDER_VALIDITY = dt.timedelta(days=3 * 365)
AUTHORITY_VALIDITY = dt.timedelta(days=20 * 365)
CRL_VALIDITY = dt.timedelta(days=7)
CLOCK_SKEW = dt.timedelta(minutes=5)  # not_before is backdated by this much
SERIAL_ATTEMPTS = 3  # a 159-bit random serial collides practically never


@dataclass(frozen=True)
class IssuedCertificate:
    """A certificate as the authority recorded it."""

    certificate: x509.Certificate
    status: CertificateStatus
    card_serial: str | None
    national_code: str | None


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


def _status(stored: StoredCertificate) -> CertificateStatus:
    if stored.revoked_at is not None:
        return CertificateStatus.revoked(stored.revoked_at,
                                         stored.reason or x509.ReasonFlags.unspecified)
    return CertificateStatus.good()


class LocalCertificateAuthority(CertificateAuthority):
    """An authority that lives in ``directory``; created there on first open.

    Two instances may open the same directory one after another or at once (the
    database serialises them). ``name`` and ``settings`` only matter when creating.
    """

    def __init__(self, directory: Path, *, name: str = DEFAULT_NAME,
                 settings: CaSettings | None = None,
                 holder_validity: dt.timedelta = HOLDER_VALIDITY,
                 crl_validity: dt.timedelta = CRL_VALIDITY) -> None:
        self._open(Path(directory), CaStore(Path(directory)), holder_validity, crl_validity,
                   (name, settings or CaSettings()))

    @classmethod
    def open_existing(cls, directory: Path, *, read_only: bool = False,
                      holder_validity: dt.timedelta = HOLDER_VALIDITY,
                      crl_validity: dt.timedelta = CRL_VALIDITY) -> LocalCertificateAuthority:
        """The authority in ``directory``; :class:`CaNotFoundError` if there is none.

        Never creates a directory, a database or a key. ``read_only`` opens the
        database in SQLite's read-only mode: certificate, status and the card's
        records work; issuing, revoking and signing a CRL raise
        ``CaUnavailableError(READ_ONLY)``.
        """
        self = cls.__new__(cls)
        store = CaStore(Path(directory), create=False, read_only=read_only)
        self._open(Path(directory), store, holder_validity, crl_validity, None)
        return self

    def _open(self, directory: Path, store: CaStore, holder_validity: dt.timedelta,
              crl_validity: dt.timedelta, create: tuple[str, CaSettings] | None) -> None:
        self.directory = directory
        self.holder_validity = holder_validity
        self.crl_validity = crl_validity
        self._faults: deque[Fault] = deque()
        self._lock = threading.Lock()
        self._store = store
        try:
            record = store.load_authority()
            if record is None and create is None:
                raise CaNotFoundError(directory)
            record = record or self._create(*create)  # type: ignore[misc]
            key = serialization.load_pem_private_key(record.key_pem, password=None)
            self._certificate = x509.load_der_x509_certificate(record.certificate_der)
            self.settings = CaSettings.from_json(record.settings_json)
        except (ValueError, TypeError, CaSettingsError) as exc:
            store.close()
            raise CaUnavailableError(UnavailableReason.STORE_DAMAGED) from exc
        except BaseException:
            store.close()
            raise
        if not isinstance(key, ec.EllipticCurvePrivateKey):
            store.close()
            raise CaUnavailableError(UnavailableReason.STORE_DAMAGED)
        self._key = key

    def _create(self, name: str, settings: CaSettings) -> AuthorityRecord:
        now = _now()
        key = ec.generate_private_key(ec.SECP256R1())
        cert = ca_profile.ca_certificate(key, ca_profile.authority_name(name), now,
                                         AUTHORITY_VALIDITY)
        record = AuthorityRecord(
            key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                              serialization.NoEncryption()),
            cert.public_bytes(serialization.Encoding.DER),
            settings.to_json(),
        )
        if self._store.create_authority(record, now):
            return record
        existing = self._store.load_authority()  # another instance won the race
        if existing is None:
            raise CaUnavailableError(UnavailableReason.STORE_DAMAGED)
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
            raise CaUnavailableError(UnavailableReason.UNREACHABLE)
        if fault is Fault.REFUSE:
            raise CaRefusedError(RefusalReason.INJECTED)

    # -- operations ------------------------------------------------------------------

    def _subject(self, request: x509.CertificateSigningRequest,
                 identity: Identity | None) -> x509.Name:
        if identity is None:
            if not request.subject.rdns:
                raise CaRefusedError(RefusalReason.NO_SUBJECT)
            return request.subject
        try:
            subject = subject_for(identity)
        except CitizenDataError as exc:  # e.g. a national code with a wrong check digit
            raise CaRefusedError(RefusalReason.INVALID_IDENTITY) from exc
        requested = national_code_of(request.subject)
        if requested is not None and requested != national_code_of(subject):
            raise CaRefusedError(RefusalReason.SUBJECT_MISMATCH)
        return subject

    def issue(self, csr_der: bytes, *, identity: Identity | None = None,
              not_after: dt.datetime | None = None,
              supersede: bool = False) -> x509.Certificate:
        self._check_fault()
        request = load_request(csr_der)
        subject = self._subject(request, identity)
        now = _now()
        end = min(now + self.holder_validity, self._certificate.not_valid_after_utc)
        if not_after is not None:
            end = min(end, _utc(not_after))
        if identity is not None:
            end = min(end, _card_expiry(identity))
        if end <= now:
            raise CaRefusedError(RefusalReason.VALIDITY_EMPTY)
        public_key = request.public_key()
        requested_key = key_id(public_key)
        binding = CardBinding.of(identity) if identity is not None else None
        with self._store.issuance() as records:
            if binding is not None:
                decision = decide(binding, requested_key, records.live(binding, now), supersede)
                if decision.refusal is not None:
                    raise CaRefusedError(decision.refusal, decision.in_the_way)
                for serial in decision.revoke:
                    records.revoke(serial, now, x509.ReasonFlags.superseded)
                if decision.reuse is not None:
                    return x509.load_der_x509_certificate(decision.reuse.certificate_der)
            certificate = ca_profile.signature_certificate(
                ca_cert=self._certificate, ca_key=self._key, public_key=public_key,
                subject=subject, serial=self._free_serial(records),
                not_before=now - CLOCK_SKEW, not_after=end, settings=self.settings)
            records.add(certificate, certificate.public_bytes(serialization.Encoding.DER), now,
                        binding, requested_key)
            return certificate

    @staticmethod
    def _free_serial(records: Issuance) -> int:
        for _ in range(SERIAL_ATTEMPTS):
            serial = x509.random_serial_number()
            if not records.serial_taken(serial):
                return serial
        raise CaUnavailableError(UnavailableReason.NO_SERIAL)

    def revoke(self, serial: int,
               reason: x509.ReasonFlags = x509.ReasonFlags.unspecified) -> CertificateStatus:
        self._check_fault()
        if reason is x509.ReasonFlags.remove_from_crl:
            raise CaRefusedError(RefusalReason.INVALID_REASON, serial)
        if self._store.find(serial) is None:
            raise CaRefusedError(RefusalReason.UNKNOWN_CERTIFICATE, serial)
        self._store.revoke(serial, _now(), reason)
        stored = self._store.find(serial)
        assert stored is not None
        return _status(stored)

    def status(self, certificate: x509.Certificate) -> CertificateStatus:
        self._check_fault()
        if certificate.issuer != self._certificate.subject:
            return CertificateStatus.unknown()
        stored = self._store.find(certificate.serial_number)
        if stored is None or stored.certificate_der != certificate.public_bytes(
                serialization.Encoding.DER):
            return CertificateStatus.unknown()
        return _status(stored)

    def certificates_of_card(self, card_serial: str) -> list[IssuedCertificate]:
        """Every certificate issued for a card serial, oldest first, with its status."""
        return [IssuedCertificate(x509.load_der_x509_certificate(s.certificate_der), _status(s),
                                  s.card_serial, s.national_code)
                for s in self._store.of_card(card_serial)]

    def crl(self) -> x509.CertificateRevocationList:
        self._check_fault()
        now = _now()
        return ca_profile.revocation_list(
            ca_cert=self._certificate, ca_key=self._key, entries=self._store.revoked(),
            number=self._store.next_crl_number(), this_update=now,
            next_update=now + self.crl_validity)
