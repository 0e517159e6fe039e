"""What verifying a signature found, as data: failures, their precise causes, revocation.

``VerificationResult.valid`` is True only when every check passed **and** the signer's
certificate was confirmed not revoked (by a current CRL of its issuer or the status
service). A signature checked without any revocation source is not "valid": its
result has the failure ``REVOCATION_NOT_CHECKED`` and ``revocation`` NOT_CHECKED, and
``valid_if_not_revoked`` tells a face it may say "valid, but revocation was NOT
checked". A relying party that only looks at ``valid`` is never misled.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from cryptography import x509


@enum.unique
class VerificationFailure(enum.Enum):
    """Why a signature is not valid; declared in priority order (first one is reported)."""

    MALFORMED = "malformed"  # not a well-formed detached CMS signature we support
    CONTENT_MODIFIED = "content-modified"  # the document is not the one that was signed
    BAD_SIGNATURE = "bad-signature"  # the signature over the signed attributes is wrong
    CERT_MISMATCH = "certificate-mismatch"  # the certificate is not the one signed for
    UNTRUSTED = "untrusted"  # no valid chain to a configured trust anchor
    REVOKED = "revoked"  # the signer's certificate was revoked
    EXPIRED = "expired"  # a certificate outside its validity (now or at signing time)
    WRONG_KEY_USAGE = "wrong-key-usage"  # the certificate is not for signing documents
    REVOCATION_UNKNOWN = "revocation-unknown"  # sources were given, none could answer
    REVOCATION_NOT_CHECKED = "revocation-not-checked"  # no CRL or status service given


_PRIORITY = list(VerificationFailure)


@enum.unique
class ProblemCause(enum.Enum):
    """The precise cause of one problem; each belongs to one :class:`VerificationFailure`."""

    # MALFORMED
    NOT_DER = "not-der"  # not DER CMS at all (garbage, truncated, trailing bytes)
    NOT_SIGNED_DATA = "not-signed-data"  # a CMS structure, but not SignedData
    NOT_PLAIN_DATA = "not-plain-data"  # the signed content type is not id-data
    NOT_DETACHED = "not-detached"  # the signature carries its content
    UNKNOWN_VERSION = "unknown-version"  # SignedData version unknown
    SIGNER_COUNT = "signer-count"  # not exactly one signer
    UNSUPPORTED_DIGEST = "unsupported-digest"  # not SHA-256/384/512
    DIGEST_NOT_ANNOUNCED = "digest-not-announced"  # signer's digest missing from SignedData
    SIGNER_INFO_VERSION = "signer-info-version"  # SignerInfo version does not fit its sid
    UNSUPPORTED_SIGNATURE_ALGORITHM = "unsupported-signature-algorithm"  # not ECDSA/PKCS#1 v1.5
    HASH_MISMATCH = "hash-mismatch"  # signature algorithm's hash differs from the digest's
    NO_SIGNED_ATTRIBUTES = "no-signed-attributes"
    DUPLICATE_ATTRIBUTE = "duplicate-attribute"  # an attribute twice, or with several values
    MISSING_CONTENT_TYPE = "missing-content-type"
    MISSING_MESSAGE_DIGEST = "missing-message-digest"
    WRONG_CONTENT_TYPE = "wrong-content-type"  # the content-type attribute is not id-data
    # CONTENT_MODIFIED
    DIGEST_MISMATCH = "digest-mismatch"  # the document's digest differs from the signed one
    # BAD_SIGNATURE
    SIGNATURE_INVALID = "signature-invalid"
    ALGORITHM_DOES_NOT_FIT_KEY = "algorithm-does-not-fit-key"
    # CERT_MISMATCH
    SIGNER_CERTIFICATE_MISSING = "signer-certificate-missing"  # not included in the signature
    NO_SIGNING_CERTIFICATE = "no-signing-certificate"  # no ESS signing-certificate-v2
    SIGNING_CERTIFICATE_EMPTY = "signing-certificate-empty"  # it names no certificate
    CERTIFICATE_HASH_MISMATCH = "certificate-hash-mismatch"  # signed hash ≠ this certificate
    ISSUER_SERIAL_MISMATCH = "issuer-serial-mismatch"  # signed issuer/serial ≠ this certificate
    # UNTRUSTED
    NO_PATH = "no-path"  # does not chain to a configured trust anchor
    PATH_INVALID = "path-invalid"  # RFC 5280 path validation rejected the chain
    # EXPIRED (``role`` says whose certificate, ``moment`` the date that matters)
    NOT_YET_VALID = "not-yet-valid"  # moment: its notBefore
    EXPIRED = "expired"  # moment: its notAfter
    SIGNED_OUTSIDE_VALIDITY = "signed-outside-validity"  # moment: the claimed signing time
    # WRONG_KEY_USAGE
    NO_KEY_USAGE = "no-key-usage"
    NOT_FOR_SIGNING = "not-for-signing"  # neither digitalSignature nor nonRepudiation
    EXTENDED_KEY_USAGE = "extended-key-usage"  # an EKU without a document-signing purpose
    # REVOKED (``moment``: when, ``reason``: why)
    REVOKED = "revoked"
    # REVOCATION_UNKNOWN
    NO_CURRENT_CRL = "no-current-crl"  # no CRL from the certificate's issuer was given
    CRL_OUT_OF_DATE = "crl-out-of-date"  # the issuer's CRL is past its nextUpdate (or future)
    STATUS_SERVICE_FAILED = "status-service-failed"  # the status service could not answer
    STATUS_UNKNOWN = "status-unknown"  # the status service does not know the certificate
    # REVOCATION_NOT_CHECKED
    NOT_CHECKED = "not-checked"  # neither a CRL nor a status service was given


@enum.unique
class CertificateRole(enum.Enum):
    SIGNER = "signer"
    INTERMEDIATE = "intermediate"
    TRUST_ANCHOR = "trust-anchor"


@enum.unique
class RevocationStatus(enum.Enum):
    """What is known about the signer certificate's revocation."""

    GOOD = "good"  # a current CRL or the status service says: not revoked
    REVOKED = "revoked"
    UNKNOWN = "unknown"  # sources were given but none could answer
    NOT_CHECKED = "not-checked"  # no source was given (or there was no chain to ask about)
    NOT_APPLICABLE = "not-applicable"  # the signer's certificate is itself a trust anchor


@dataclass(frozen=True)
class VerificationProblem:
    """One thing found wrong; ``failure`` is its category, the rest its data."""

    failure: VerificationFailure
    cause: ProblemCause
    role: CertificateRole | None = None
    moment: dt.datetime | None = None
    reason: x509.ReasonFlags | None = None


@dataclass(frozen=True)
class VerificationResult:
    valid: bool
    failure: VerificationFailure | None
    problems: tuple[VerificationProblem, ...] = ()
    failures: tuple[VerificationFailure, ...] = ()
    signer_subject: x509.Name | None = None
    signer_certificate: x509.Certificate | None = None
    signing_time: dt.datetime | None = None  # claimed by the signer, not proven
    revocation: RevocationStatus = RevocationStatus.NOT_CHECKED

    @property
    def revocation_checked(self) -> bool:
        return self.revocation in (RevocationStatus.GOOD, RevocationStatus.REVOKED)

    @property
    def valid_if_not_revoked(self) -> bool:
        """Every check passed except that revocation could not be confirmed either way."""
        return set(self.failures) <= {VerificationFailure.REVOCATION_NOT_CHECKED,
                                      VerificationFailure.REVOCATION_UNKNOWN}


def problem(cause: ProblemCause, role: CertificateRole | None = None,
            moment: dt.datetime | None = None,
            reason: x509.ReasonFlags | None = None) -> VerificationProblem:
    """A problem with the failure its cause belongs to."""
    return VerificationProblem(FAILURE_OF[cause], cause, role, moment, reason)


def result(found: list[VerificationProblem], certificate: x509.Certificate | None,
           signing_time: dt.datetime | None, revocation: RevocationStatus) -> VerificationResult:
    """Problems sorted by priority, so ``problems[0]`` explains ``failure``."""
    ordered = tuple(sorted(found, key=lambda p: _PRIORITY.index(p.failure)))
    failures = tuple(dict.fromkeys(p.failure for p in ordered))
    return VerificationResult(
        valid=not ordered,
        failure=failures[0] if failures else None,
        problems=ordered,
        failures=failures,
        signer_subject=certificate.subject if certificate else None,
        signer_certificate=certificate,
        signing_time=signing_time,
        revocation=revocation,
    )


_F, _C = VerificationFailure, ProblemCause
FAILURE_OF: dict[ProblemCause, VerificationFailure] = {
    **{c: _F.MALFORMED for c in (
        _C.NOT_DER, _C.NOT_SIGNED_DATA, _C.NOT_PLAIN_DATA, _C.NOT_DETACHED, _C.UNKNOWN_VERSION,
        _C.SIGNER_COUNT, _C.UNSUPPORTED_DIGEST, _C.DIGEST_NOT_ANNOUNCED, _C.SIGNER_INFO_VERSION,
        _C.UNSUPPORTED_SIGNATURE_ALGORITHM, _C.HASH_MISMATCH, _C.NO_SIGNED_ATTRIBUTES,
        _C.DUPLICATE_ATTRIBUTE, _C.MISSING_CONTENT_TYPE, _C.MISSING_MESSAGE_DIGEST,
        _C.WRONG_CONTENT_TYPE)},
    _C.DIGEST_MISMATCH: _F.CONTENT_MODIFIED,
    _C.SIGNATURE_INVALID: _F.BAD_SIGNATURE,
    _C.ALGORITHM_DOES_NOT_FIT_KEY: _F.BAD_SIGNATURE,
    **{c: _F.CERT_MISMATCH for c in (
        _C.SIGNER_CERTIFICATE_MISSING, _C.NO_SIGNING_CERTIFICATE, _C.SIGNING_CERTIFICATE_EMPTY,
        _C.CERTIFICATE_HASH_MISMATCH, _C.ISSUER_SERIAL_MISMATCH)},
    _C.NO_PATH: _F.UNTRUSTED,
    _C.PATH_INVALID: _F.UNTRUSTED,
    _C.NOT_YET_VALID: _F.EXPIRED,
    _C.EXPIRED: _F.EXPIRED,
    _C.SIGNED_OUTSIDE_VALIDITY: _F.EXPIRED,
    _C.NO_KEY_USAGE: _F.WRONG_KEY_USAGE,
    _C.NOT_FOR_SIGNING: _F.WRONG_KEY_USAGE,
    _C.EXTENDED_KEY_USAGE: _F.WRONG_KEY_USAGE,
    _C.REVOKED: _F.REVOKED,
    **{c: _F.REVOCATION_UNKNOWN for c in (
        _C.NO_CURRENT_CRL, _C.CRL_OUT_OF_DATE, _C.STATUS_SERVICE_FAILED, _C.STATUS_UNKNOWN)},
    _C.NOT_CHECKED: _F.REVOCATION_NOT_CHECKED,
}
