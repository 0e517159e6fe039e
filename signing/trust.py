"""Is a signer certificate trusted: its path to an anchor, and its revocation status.

Path building here is simple (name + signature, up to a few intermediates) and
exists to say *why* a certificate fails, as data a person can act on once worded.
The final RFC 5280 path validation is cryptography's own verifier, so name chaining,
basic constraints, path length and critical extensions are not re-implemented here.
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
from signing.verification import (
    CertificateRole,
    ProblemCause,
    RevocationStatus,
    VerificationProblem,
    problem,
)

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


def validity_problem(certificate: x509.Certificate, moment: dt.datetime,
                     role: CertificateRole) -> VerificationProblem | None:
    if moment < certificate.not_valid_before_utc:
        return problem(ProblemCause.NOT_YET_VALID, role, certificate.not_valid_before_utc)
    if moment > certificate.not_valid_after_utc:
        return problem(ProblemCause.EXPIRED, role, certificate.not_valid_after_utc)
    return None


def path_is_valid(
    path: list[x509.Certificate], anchors: Sequence[x509.Certificate], moment: dt.datetime
) -> bool:
    """Whether cryptography's RFC 5280 validator accepts the path."""
    if len(path) == 1:  # the signer itself is an anchor: nothing to chain
        return True
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
    except verification.VerificationError:
        return False
    return True


@dataclass
class RevocationOutcome:
    """What the revocation sources said about one certificate."""

    status: RevocationStatus = RevocationStatus.NOT_CHECKED
    revoked: CertificateStatus | None = None
    causes: list[ProblemCause] = field(default_factory=list)  # why a source could not answer

    def answered(self) -> None:
        if self.status is not RevocationStatus.REVOKED:
            self.status = RevocationStatus.GOOD


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
        outcome.causes.append(ProblemCause.CRL_OUT_OF_DATE if usable
                              else ProblemCause.NO_CURRENT_CRL)
        return
    outcome.answered()
    for crl in current:
        entry = crl.get_revoked_certificate_by_serial_number(certificate.serial_number)
        if entry is None or entry.revocation_date_utc > moment:
            continue
        try:
            reason = entry.extensions.get_extension_for_class(x509.CRLReason).value.reason
        except x509.ExtensionNotFound:
            reason = x509.ReasonFlags.unspecified
        outcome.revoked = CertificateStatus.revoked(entry.revocation_date_utc, reason)
        outcome.status = RevocationStatus.REVOKED
        return


def _from_lookup(
    certificate: x509.Certificate, lookup: StatusLookup, moment: dt.datetime,
    outcome: RevocationOutcome,
) -> None:
    try:
        status = lookup(certificate)
    except CaError:
        outcome.causes.append(ProblemCause.STATUS_SERVICE_FAILED)
        return
    if status.state is CertificateState.UNKNOWN:
        outcome.causes.append(ProblemCause.STATUS_UNKNOWN)
        return
    outcome.answered()
    if status.revoked_by(moment) and outcome.revoked is None:
        outcome.revoked = status
        outcome.status = RevocationStatus.REVOKED


def revocation(
    certificate: x509.Certificate, issuer: x509.Certificate,
    crls: Sequence[x509.CertificateRevocationList], lookup: StatusLookup | None,
    moment: dt.datetime,
) -> RevocationOutcome:
    """Ask every configured source (CRLs, then the lookup) about ``certificate``."""
    outcome = RevocationOutcome()
    if not crls and lookup is None:
        return outcome
    if crls:
        _from_crl(certificate, issuer, crls, moment, outcome)
    if lookup is not None:
        _from_lookup(certificate, lookup, moment, outcome)
    if outcome.status is RevocationStatus.NOT_CHECKED:
        outcome.status = RevocationStatus.UNKNOWN
    return outcome
