"""Is a signer certificate trusted: its path to an anchor, and its revocation status.

Path building here is simple (name + signature, up to a few intermediates) and
exists to say *why* a certificate fails in words a person can act on. The final
RFC 5280 path validation is cryptography's own verifier, so name chaining, basic
constraints, path length and critical extensions are not re-implemented here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.x509 import verification

from signing.errors import CaError
from signing.status import CertificateState, CertificateStatus

MAX_INTERMEDIATES = 4
StatusLookup = Callable[[x509.Certificate], CertificateStatus]


def issued_by(child: x509.Certificate, parent: x509.Certificate) -> bool:
    if child.issuer != parent.subject:
        return False
    try:
        child.verify_directly_issued_by(parent)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def _is_ca(certificate: x509.Certificate) -> bool:
    try:
        return certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        return False


def build_path(
    signer: x509.Certificate, pool: Sequence[x509.Certificate],
    anchors: Sequence[x509.Certificate],
) -> list[x509.Certificate] | None:
    """signer → intermediates from ``pool`` → anchor, or None when there is no such path."""
    if signer in anchors:
        return [signer]
    path = [signer]
    for _ in range(MAX_INTERMEDIATES + 1):
        current = path[-1]
        anchor = next((a for a in anchors if issued_by(current, a)), None)
        if anchor is not None:
            return [*path, anchor]
        step = next((c for c in pool if c not in path and _is_ca(c) and issued_by(current, c)),
                    None)
        if step is None:
            return None
        path.append(step)
    return None


def validity_problem(certificate: x509.Certificate, moment: dt.datetime, role: str) -> str | None:
    if moment < certificate.not_valid_before_utc:
        start = certificate.not_valid_before_utc
        return f"the {role} certificate is not valid before {start:%Y-%m-%d}"
    if moment > certificate.not_valid_after_utc:
        return f"the {role} certificate expired on {certificate.not_valid_after_utc:%Y-%m-%d}"
    return None


def rfc5280_problem(
    path: list[x509.Certificate], anchors: Sequence[x509.Certificate], moment: dt.datetime
) -> str | None:
    """What cryptography's RFC 5280 validator objects to, or None when it accepts."""
    if len(path) == 1:  # the signer itself is an anchor: nothing to chain
        return None
    ca_policy = verification.ExtensionPolicy.webpki_defaults_ca()
    ee_policy = verification.ExtensionPolicy.permit_all()  # key usage is checked by the caller
    verifier = (
        verification.PolicyBuilder()
        .store(verification.Store(list(anchors)))
        .time(moment)
        .extension_policies(ca_policy=ca_policy, ee_policy=ee_policy)
        .build_client_verifier()
    )
    try:
        verifier.verify(path[0], path[1:-1])
    except verification.VerificationError as exc:
        return f"the certificate chain is not valid: {exc}"
    return None


@dataclass
class RevocationOutcome:
    """What the revocation sources said about one certificate."""

    checked: bool = False
    revoked: CertificateStatus | None = None
    problems: list[str] = field(default_factory=list)


def _from_crl(
    certificate: x509.Certificate, issuer: x509.Certificate,
    crls: Sequence[x509.CertificateRevocationList], moment: dt.datetime,
    outcome: RevocationOutcome,
) -> None:
    usable = [c for c in crls if c.issuer == issuer.subject
              and c.is_signature_valid(issuer.public_key())]  # type: ignore[arg-type]
    current = [c for c in usable if c.last_update_utc <= moment
               and (c.next_update_utc is None or moment <= c.next_update_utc)]
    if not current:
        outcome.problems.append("no current CRL from the certificate's issuer"
                                if not usable else "the issuer's CRL is out of date")
        return
    outcome.checked = True
    for crl in current:
        entry = crl.get_revoked_certificate_by_serial_number(certificate.serial_number)
        if entry is None or entry.revocation_date_utc > moment:
            continue
        try:
            reason = entry.extensions.get_extension_for_class(x509.CRLReason).value.reason
        except x509.ExtensionNotFound:
            reason = x509.ReasonFlags.unspecified
        outcome.revoked = CertificateStatus.revoked(entry.revocation_date_utc, reason)
        return


def _from_lookup(
    certificate: x509.Certificate, lookup: StatusLookup, moment: dt.datetime,
    outcome: RevocationOutcome,
) -> None:
    try:
        status = lookup(certificate)
    except CaError as exc:
        outcome.problems.append(f"the status service could not answer: {exc}")
        return
    if status.state is CertificateState.UNKNOWN:
        outcome.problems.append("the status service does not know this certificate")
        return
    outcome.checked = True
    if status.revoked_by(moment) and outcome.revoked is None:
        outcome.revoked = status


def revocation(
    certificate: x509.Certificate, issuer: x509.Certificate,
    crls: Sequence[x509.CertificateRevocationList], lookup: StatusLookup | None,
    moment: dt.datetime,
) -> RevocationOutcome:
    """Ask every configured source (CRLs, then the lookup) about ``certificate``."""
    outcome = RevocationOutcome()
    if crls:
        _from_crl(certificate, issuer, crls, moment, outcome)
    if lookup is not None:
        _from_lookup(certificate, lookup, moment, outcome)
    return outcome
