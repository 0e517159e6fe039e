"""Verifying a detached CMS signature: every check, and every problem found, as data.

Checks, in order: structure (:mod:`signing.cms_parse`); message digest against the
document; the signature over the signed attributes; the ESS signing-certificate-v2
binding (RFC 5035), which stops a certificate for the same key being swapped in; the
chain to a configured anchor; validity now (or ``at``) and at the claimed signing
time; keyUsage and extendedKeyUsage; revocation. The claimed signing time comes from
the signer and is not trusted for anything else. What ``valid`` means, revocation
included, is in :mod:`signing.verification`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID

from signing import trust
from signing.cms_attributes import (
    HASHES,
    MESSAGE_DIGEST,
    SIGNING_CERTIFICATE_V2,
    bytes_to_sign,
    digest,
)
from signing.cms_parse import Malformed, ParsedSignature, parse
from signing.trust import StatusLookup
from signing.verification import (
    CertificateRole,
    ProblemCause,
    RevocationStatus,
    VerificationFailure,
    VerificationProblem,
    VerificationResult,
    problem,
    result,
)

__all__ = ["VerificationFailure", "VerificationResult", "verify_detached"]

DOCUMENT_SIGNING = x509.ObjectIdentifier("1.3.6.1.5.5.7.3.36")  # RFC 9336 id-kp-documentSigning
SIGNING_PURPOSES = frozenset({ExtendedKeyUsageOID.EMAIL_PROTECTION,
                              ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE, DOCUMENT_SIGNING})
_HASH_OBJECTS = {"sha256": hashes.SHA256(), "sha384": hashes.SHA384(), "sha512": hashes.SHA512()}


def _signer_certificate(parsed: ParsedSignature) -> tuple[x509.Certificate, bytes] | None:
    sid = parsed.info["sid"]
    for certificate, der in parsed.certificates:
        if sid.name == "issuer_and_serial_number":
            wanted = sid.chosen
            if (certificate.serial_number == wanted["serial_number"].native
                    and certificate.issuer.public_bytes() == wanted["issuer"].dump()):
                return certificate, der
        else:
            try:
                ski = certificate.extensions.get_extension_for_class(x509.SubjectKeyIdentifier)
            except x509.ExtensionNotFound:
                continue
            if ski.value.digest == sid.chosen.native:
                return certificate, der
    return None


def _signature_problem(parsed: ParsedSignature,
                       certificate: x509.Certificate) -> ProblemCause | None:
    algorithm = parsed.info["signature_algorithm"]
    hash_algorithm = _HASH_OBJECTS[parsed.hash_name]
    data = bytes_to_sign(parsed.info["signed_attrs"])
    signature = parsed.info["signature"].native
    key = certificate.public_key()
    try:
        kind = algorithm.signature_algo
        if kind == "ecdsa" and isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, data, ec.ECDSA(hash_algorithm))
        elif kind == "rsassa_pkcs1v15" and isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, data, padding.PKCS1v15(), hash_algorithm)
        else:
            return ProblemCause.ALGORITHM_DOES_NOT_FIT_KEY
    except (InvalidSignature, ValueError):
        return ProblemCause.SIGNATURE_INVALID
    return None


def _ess_problem(parsed: ParsedSignature, certificate: x509.Certificate,
                 der: bytes) -> ProblemCause | None:
    value = parsed.attributes.get(SIGNING_CERTIFICATE_V2)
    if value is None:
        return ProblemCause.NO_SIGNING_CERTIFICATE
    certs = value["certs"]  # type: ignore[index]
    if len(certs) == 0:
        return ProblemCause.SIGNING_CERTIFICATE_EMPTY
    first = certs[0]
    hash_name = first["hash_algorithm"]["algorithm"].native
    if hash_name not in HASHES or first["cert_hash"].native != digest(hash_name, der):
        return ProblemCause.CERTIFICATE_HASH_MISMATCH
    issuer_serial = first["issuer_serial"]
    if issuer_serial.native is not None:
        names = [n.chosen.untag().dump() for n in issuer_serial["issuer"]
                 if n.name == "directory_name"]
        if (issuer_serial["serial_number"].native != certificate.serial_number
                or certificate.issuer.public_bytes() not in names):
            return ProblemCause.ISSUER_SERIAL_MISMATCH
    return None


def _usage_problem(certificate: x509.Certificate) -> ProblemCause | None:
    """keyUsage must allow signing; an extendedKeyUsage, if any, must allow documents.

    As OpenSSL's S/MIME signing purpose does, an EKU of clientAuth (or anything else
    without a signing purpose) is refused; unlike it, RFC 9336 documentSigning and
    anyExtendedKeyUsage (RFC 5280 4.2.1.12) are accepted for a document signature.
    """
    try:
        usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return ProblemCause.NO_KEY_USAGE
    if not (usage.digital_signature or usage.content_commitment):
        return ProblemCause.NOT_FOR_SIGNING
    try:
        purposes = certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        return None
    if not SIGNING_PURPOSES.intersection(purposes):
        return ProblemCause.EXTENDED_KEY_USAGE
    return None


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None \
        else moment.astimezone(dt.UTC)


def verify_detached(
    content: bytes,
    cms_der: bytes,
    trust_anchors: Sequence[x509.Certificate],
    crls: Sequence[x509.CertificateRevocationList] = (),
    status_lookup: StatusLookup | None = None,
    at: dt.datetime | None = None,
) -> VerificationResult:
    """Check a detached signature over ``content``; never raises for a bad signature.

    Revocation of the signer's certificate is checked with ``crls`` and/or
    ``status_lookup``; with neither, the result is not valid (REVOCATION_NOT_CHECKED)
    and ``valid_if_not_revoked`` says whether everything else passed.
    """
    try:
        parsed = parse(cms_der)
    except Malformed as exc:
        return result([problem(exc.cause)], None, None, RevocationStatus.NOT_CHECKED)
    found: list[VerificationProblem] = []
    moment = _utc(at) if at is not None else dt.datetime.now(dt.UTC)
    signing_time = _utc(parsed.signing_time) if parsed.signing_time else None

    if parsed.attributes[MESSAGE_DIGEST].native != digest(  # type: ignore[attr-defined]
            parsed.hash_name, content):
        found.append(problem(ProblemCause.DIGEST_MISMATCH))
    located = _signer_certificate(parsed)
    if located is None:
        found.append(problem(ProblemCause.SIGNER_CERTIFICATE_MISSING))
        return result(found, None, signing_time, RevocationStatus.NOT_CHECKED)
    certificate, der = located
    for cause in (_signature_problem(parsed, certificate), _ess_problem(parsed, certificate, der),
                  _usage_problem(certificate)):
        if cause is not None:
            found.append(problem(cause, CertificateRole.SIGNER))
    if signing_time is not None and trust.validity_problem(
            certificate, signing_time, CertificateRole.SIGNER) is not None:
        found.append(problem(ProblemCause.SIGNED_OUTSIDE_VALIDITY, CertificateRole.SIGNER,
                             signing_time))
    pool = [c for c, _ in parsed.certificates]
    trusted, revocation = _trust_problems(certificate, pool, trust_anchors, crls, status_lookup,
                                          moment)
    found.extend(trusted)
    return result(found, certificate, signing_time, revocation)


def _role(index: int, length: int) -> CertificateRole:
    if index == 0:
        return CertificateRole.SIGNER
    return CertificateRole.TRUST_ANCHOR if index == length - 1 else CertificateRole.INTERMEDIATE


def _trust_problems(
    certificate: x509.Certificate, pool: list[x509.Certificate],
    anchors: Sequence[x509.Certificate], crls: Sequence[x509.CertificateRevocationList],
    lookup: StatusLookup | None, moment: dt.datetime,
) -> tuple[list[VerificationProblem], RevocationStatus]:
    """Chain, validity at ``moment`` and revocation of the signer's certificate."""
    path = trust.build_path(certificate, pool, anchors)
    if path is None:
        return [problem(ProblemCause.NO_PATH, CertificateRole.SIGNER)], \
            RevocationStatus.NOT_CHECKED
    found = [p for i, link in enumerate(path)
             if (p := trust.validity_problem(link, moment, _role(i, len(path)))) is not None]
    if not found and not trust.path_is_valid(path, anchors, moment):
        found.append(problem(ProblemCause.PATH_INVALID, CertificateRole.SIGNER))
    if len(path) == 1:
        return found, RevocationStatus.NOT_APPLICABLE
    outcome = trust.revocation(certificate, path[1], crls, lookup, moment)
    if outcome.revoked is not None:
        found.append(problem(ProblemCause.REVOKED, CertificateRole.SIGNER,
                             outcome.revoked.revoked_at, outcome.revoked.reason))
    elif outcome.status is RevocationStatus.UNKNOWN:
        found.extend(problem(cause, CertificateRole.SIGNER) for cause in outcome.causes)
    elif outcome.status is RevocationStatus.NOT_CHECKED:
        found.append(problem(ProblemCause.NOT_CHECKED, CertificateRole.SIGNER))
    return found, outcome.status
