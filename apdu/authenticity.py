"""Is the card genuine? Passive authentication plus chip authentication, one verdict.

Each way a card can fail has its own verdict, checked in this order: a security
object that is not validly signed, a signer outside the trust anchors, an expired
signer, data that does not match its signed hash, and a chip that cannot prove it
holds the key the issuer certified (a clone).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from apdu.errors import ProfileError
from apdu.security_object import (
    SecurityObject,
    certificate_is_current,
    check_signature,
    digest,
    find_issuer,
)


class Verdict(Enum):
    GENUINE = "genuine"
    SECURITY_OBJECT_INVALID = "security object invalid"
    UNKNOWN_ISSUER = "unknown issuer"
    SIGNER_EXPIRED = "document signer expired"
    DATA_TAMPERED = "data tampered"
    CLONED_CHIP = "cloned chip"


@dataclass
class AuthenticityReport:
    """What was checked, what failed, and the verdict that follows."""

    verdict: Verdict
    problems: list[str] = field(default_factory=list)
    signer: str = ""
    issuer: str = ""
    hash_algorithm: str = ""
    groups_checked: list[int] = field(default_factory=list)
    chip_authenticated: bool = False

    @property
    def genuine(self) -> bool:
        return self.verdict is Verdict.GENUINE


def load_trust_anchors(path: Path) -> list[x509.Certificate]:
    """Country signing CA certificates from a PEM file or a directory of PEM/DER files."""
    files = sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path]
    anchors: list[x509.Certificate] = []
    for file in files:
        data = file.read_bytes()
        if b"-----BEGIN CERTIFICATE-----" in data:
            anchors.extend(x509.load_pem_x509_certificates(data))
        elif file.suffix.lower() in (".der", ".cer", ".crt"):
            anchors.append(x509.load_der_x509_certificate(data))
    return anchors


def verify_chip_signature(spki_der: bytes, challenge: bytes, plain_signature: bytes) -> bool:
    """Check an INTERNAL AUTHENTICATE answer (plain r||s ECDSA-SHA256) against DG15's key."""
    try:
        key = serialization.load_der_public_key(spki_der)
    except ValueError:
        return False
    if not isinstance(key, ec.EllipticCurvePublicKey):
        return False
    size = (key.curve.key_size + 7) // 8
    if len(plain_signature) != 2 * size:
        return False
    r = int.from_bytes(plain_signature[:size], "big")
    s = int.from_bytes(plain_signature[size:], "big")
    try:
        key.verify(encode_dss_signature(r, s), challenge, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return False
    return True


def assess(
    sod: SecurityObject | ProfileError,
    group_files: dict[int, bytes],
    anchors: list[x509.Certificate],
    chip_authenticated: bool,
    now: dt.datetime | None = None,
) -> AuthenticityReport:
    """Combine every check into one report."""
    now = now or dt.datetime.now(dt.UTC)
    if isinstance(sod, ProfileError):
        return AuthenticityReport(Verdict.SECURITY_OBJECT_INVALID, [str(sod)],
                                  chip_authenticated=chip_authenticated)
    report = AuthenticityReport(
        Verdict.GENUINE,
        signer=sod.signer_certificate.subject.rfc4514_string(),
        issuer=sod.signer_certificate.issuer.rfc4514_string(),
        hash_algorithm=sod.hash_algorithm,
        chip_authenticated=chip_authenticated,
    )
    failures: list[Verdict] = []
    signature = check_signature(sod)
    if not signature.valid:
        failures.append(Verdict.SECURITY_OBJECT_INVALID)
        report.problems += signature.problems
    anchor = find_issuer(sod.signer_certificate, anchors)
    if anchor is None:
        failures.append(Verdict.UNKNOWN_ISSUER)
        report.problems.append(
            f"the document signer ({report.signer}) is not issued by a trusted CSCA"
        )
    elif not certificate_is_current(anchor, now):
        failures.append(Verdict.UNKNOWN_ISSUER)
        report.problems.append("the trusted CSCA certificate is outside its validity period")
    if not certificate_is_current(sod.signer_certificate, now):
        failures.append(Verdict.SIGNER_EXPIRED)
        until = sod.signer_certificate.not_valid_after_utc.date().isoformat()
        report.problems.append(f"the document signer certificate is not valid now (until {until})")
    for number, content in sorted(group_files.items()):
        expected = sod.hashes.get(number)
        report.groups_checked.append(number)
        if expected is None:
            failures.append(Verdict.DATA_TAMPERED)
            report.problems.append(f"DG{number} is not covered by the security object")
        elif digest(sod.hash_algorithm, content) != expected:
            failures.append(Verdict.DATA_TAMPERED)
            report.problems.append(f"DG{number} does not match its signed hash")
    if not chip_authenticated:
        failures.append(Verdict.CLONED_CHIP)
        report.problems.append("the chip could not prove it holds the certified chip key")
    order = list(Verdict)
    if failures:
        report.verdict = min(failures, key=order.index)
    return report
