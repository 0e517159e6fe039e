"""What an authority publishes and what a relying party loads: certificate, CRL, serials.

The functions behind ``nidkiosk ca export``, ``ca crl`` and ``ca revoke SERIAL``, and
the loaders behind ``sign verify --trust/--crl``. Files are written whole (atomically)
and world-readable: certificates and CRLs are public, and a relying party on another
account must be able to read them. The DER names are the ones the issued certificates
point at (:mod:`signing.ca_settings`), so the directory can be served as it is.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from apdu.atomic import write_atomically
from signing.ca_base import CertificateAuthority
from signing.ca_settings import CA_CERTIFICATE_FILE, CRL_FILE
from signing.errors import PublishError, SerialFormatError, TrustFileError, TrustFileProblem
from signing.status import CertificateStatus

CA_CERTIFICATE_PEM = "signature-ca.pem"
CRL_PEM = "signature-ca-crl.pem"
PUBLIC_MODE = 0o644
REVOCATION_REASONS: dict[str, x509.ReasonFlags] = {  # RFC 5280 names; removeFromCRL excluded
    reason.value: reason for reason in x509.ReasonFlags
    if reason is not x509.ReasonFlags.remove_from_crl
}
_SERIAL = re.compile(r"^(?:serial=|0x)?([0-9a-f]{1,40})$")


@dataclass(frozen=True)
class PublishedFiles:
    """The same object written twice: PEM for people and openssl, DER for HTTP."""

    pem: Path
    der: Path


def _write_public(path: Path, content: bytes) -> None:
    write_atomically(path, content)
    os.chmod(path, PUBLIC_MODE)  # public data: created private, then opened up


def _publish(item: x509.Certificate | x509.CertificateRevocationList, directory: Path,
             pem_name: str, der_name: str) -> PublishedFiles:
    files = PublishedFiles(directory / pem_name, directory / der_name)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PublishError(directory) from exc
    for path, encoding in ((files.pem, Encoding.PEM), (files.der, Encoding.DER)):
        try:
            _write_public(path, item.public_bytes(encoding))
        except OSError as exc:
            raise PublishError(path) from exc
    return files


def export_ca_certificate(ca: CertificateAuthority, directory: Path) -> PublishedFiles:
    """``signature-ca.pem`` and ``signature-ca.cer``: the trust anchor for relying parties."""
    return _publish(ca.certificate, directory, CA_CERTIFICATE_PEM, CA_CERTIFICATE_FILE)


def publish_crl(ca: CertificateAuthority, directory: Path) -> PublishedFiles:
    """A fresh CRL as ``signature-ca-crl.pem`` and ``signature-ca.crl``."""
    return _publish(ca.crl(), directory, CRL_PEM, CRL_FILE)


def parse_serial(text: str) -> int:
    """A serial as ``openssl x509 -serial`` prints it (hex; ``serial=``, ``0x``, colons ok)."""
    match = _SERIAL.match(text.strip().lower().replace(":", ""))
    if match is None:
        raise SerialFormatError(text)
    return int(match.group(1), 16)


def revoke_and_publish(ca: CertificateAuthority, serial: int, reason: x509.ReasonFlags,
                       directory: Path) -> tuple[CertificateStatus, PublishedFiles]:
    """Revoke, then publish the CRL that says so: relying parties see it at once."""
    status = ca.revoke(serial, reason)
    return status, publish_crl(ca, directory)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise TrustFileError(path, TrustFileProblem.MISSING) from exc
    except OSError as exc:
        raise TrustFileError(path, TrustFileProblem.UNREADABLE) from exc


def load_certificates(path: Path) -> list[x509.Certificate]:
    """Trust anchors from a PEM file (one or more) or a DER certificate."""
    data = _read(path)
    try:
        if b"-----BEGIN" in data:
            certificates = x509.load_pem_x509_certificates(data)
        else:
            certificates = [x509.load_der_x509_certificate(data)]
    except ValueError as exc:
        raise TrustFileError(path, TrustFileProblem.NOT_CERTIFICATES) from exc
    if not certificates:
        raise TrustFileError(path, TrustFileProblem.EMPTY)
    return certificates


def load_crl(path: Path) -> x509.CertificateRevocationList:
    """A CRL from a PEM or DER file."""
    data = _read(path)
    try:
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_crl(data)
        return x509.load_der_x509_crl(data)
    except ValueError as exc:
        raise TrustFileError(path, TrustFileProblem.NOT_A_CRL) from exc
