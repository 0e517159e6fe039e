"""Verifying a detached CMS signature: every check, and one answer a person can read.

Checks, in order: structure; message digest against the document; the signature over
the signed attributes; the ESS signing-certificate-v2 binding (RFC 5035), which stops
a certificate for the same key being swapped in; the chain to a configured anchor;
validity now (or ``at``) and at the claimed signing time; keyUsage; revocation.
The claimed signing time comes from the signer and is not trusted for anything else.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from dataclasses import dataclass, field

from asn1crypto import algos, cms
from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from signing import trust
from signing.cms_attributes import (
    CONTENT_TYPE,
    HASHES,
    MESSAGE_DIGEST,
    SIGNING_CERTIFICATE_V2,
    SIGNING_TIME,
    bytes_to_sign,
    digest,
)
from signing.trust import StatusLookup


@enum.unique
class VerificationFailure(enum.Enum):
    """Why a signature is not valid; declared in priority order (first one is reported)."""

    MALFORMED = "malformed"
    CONTENT_MODIFIED = "content-modified"
    BAD_SIGNATURE = "bad-signature"
    CERT_MISMATCH = "certificate-mismatch"
    UNTRUSTED = "untrusted"
    REVOKED = "revoked"
    EXPIRED = "expired"
    WRONG_KEY_USAGE = "wrong-key-usage"
    REVOCATION_UNKNOWN = "revocation-unknown"


_PRIORITY = list(VerificationFailure)


@dataclass(frozen=True)
class VerificationResult:
    valid: bool
    failure: VerificationFailure | None
    problems: list[str] = field(default_factory=list)
    failures: tuple[VerificationFailure, ...] = ()
    signer_subject: x509.Name | None = None
    signer_certificate: x509.Certificate | None = None
    signing_time: dt.datetime | None = None
    revocation_checked: bool = False


class _Malformed(Exception):
    pass


@dataclass(frozen=True)
class _Parsed:
    info: cms.SignerInfo
    hash_name: str
    attributes: dict[str, object]
    certificates: list[tuple[x509.Certificate, bytes]]
    signing_time: dt.datetime | None


def _parse(cms_der: bytes) -> _Parsed:
    try:
        content_info = cms.ContentInfo.load(cms_der, strict=True)
        content_info.native  # noqa: B018 -- parse every level now, not lazily later
        if content_info["content_type"].native != "signed_data":
            raise _Malformed("not CMS SignedData")
        signed = content_info["content"]
        if signed["encap_content_info"]["content_type"].native != "data":
            raise _Malformed("the signed content type is not plain data")
        if signed["encap_content_info"]["content"].native is not None:
            raise _Malformed("the signature carries its content (not a detached signature)")
        if not isinstance(signed["version"].native, str):
            raise _Malformed("unknown SignedData version")
        infos = signed["signer_infos"]
        if len(infos) != 1:
            raise _Malformed(f"{len(infos)} signers; exactly one is supported")
        info = infos[0]
        hash_name = info["digest_algorithm"]["algorithm"].native
        if hash_name not in HASHES:
            raise _Malformed(f"unsupported digest algorithm {hash_name}")
        if hash_name not in [d["algorithm"].native for d in signed["digest_algorithms"]]:
            raise _Malformed("the signer's digest algorithm is not announced in SignedData")
        expected_version = "v1" if info["sid"].name == "issuer_and_serial_number" else "v3"
        if info["version"].native != expected_version:
            raise _Malformed("the SignerInfo version does not fit its signer identifier")
        _check_signature_algorithm(info["signature_algorithm"], hash_name)
        if not info["signed_attrs"]:
            raise _Malformed("no signed attributes")
        attributes: dict[str, object] = {}
        for attribute in info["signed_attrs"]:
            name = attribute["type"].native
            if name in attributes or len(attribute["values"]) != 1:
                raise _Malformed(f"attribute {name} must appear once with one value")
            attributes[name] = attribute["values"][0]
        for required in (CONTENT_TYPE, MESSAGE_DIGEST):
            if required not in attributes:
                raise _Malformed(f"the {required.replace('_', '-')} attribute is missing")
        if attributes[CONTENT_TYPE].native != "data":  # type: ignore[attr-defined]
            raise _Malformed("the content-type attribute does not say id-data")
        certificates = []
        for choice in signed["certificates"] or []:
            if choice.name == "certificate":
                der = choice.chosen.dump()
                certificate = x509.load_der_x509_certificate(der)
                certificate.public_key(), certificate.extensions  # load lazily-parsed parts now
                certificates.append((certificate, der))
        when = attributes.get(SIGNING_TIME)
        signing_time = when.native if when is not None else None  # type: ignore[attr-defined]
    except _Malformed:
        raise
    except (ValueError, TypeError, KeyError, AttributeError, IndexError, UnsupportedAlgorithm,
            x509.InvalidVersion) as exc:
        raise _Malformed(f"not a valid DER CMS structure ({type(exc).__name__})") from exc
    return _Parsed(info, hash_name, attributes, certificates, signing_time)


def _check_signature_algorithm(algorithm: algos.SignedDigestAlgorithm, hash_name: str) -> None:
    """The signature algorithm must be ECDSA or PKCS#1 v1.5 and agree with the digest."""
    if algorithm.signature_algo not in ("ecdsa", "rsassa_pkcs1v15"):
        raise _Malformed(f"unsupported signature algorithm {algorithm['algorithm'].native}")
    if algorithm["algorithm"].native not in ("ecdsa", "rsassa_pkcs1v15") \
            and algorithm.hash_algo != hash_name:
        raise _Malformed("the signature algorithm's hash differs from the digest algorithm")


def _signer_certificate(parsed: _Parsed) -> tuple[x509.Certificate, bytes] | None:
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


_HASH_OBJECTS = {"sha256": hashes.SHA256(), "sha384": hashes.SHA384(), "sha512": hashes.SHA512()}


def _signature_problem(parsed: _Parsed, certificate: x509.Certificate) -> str | None:
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
            return f"signature algorithm {algorithm['algorithm'].native} does not fit the key"
    except (InvalidSignature, ValueError):
        return "the signature does not verify with the signer's certificate"
    return None


def _ess_problem(parsed: _Parsed, certificate: x509.Certificate, der: bytes) -> str | None:
    value = parsed.attributes.get(SIGNING_CERTIFICATE_V2)
    if value is None:
        return "no signing-certificate-v2 attribute binds the certificate to the signature"
    certs = value["certs"]  # type: ignore[index]
    if len(certs) == 0:
        return "the signing-certificate-v2 attribute names no certificate"
    first = certs[0]
    hash_name = first["hash_algorithm"]["algorithm"].native
    if hash_name not in HASHES or first["cert_hash"].native != digest(hash_name, der):
        return "the signed certificate hash does not match the signer's certificate"
    issuer_serial = first["issuer_serial"]
    if issuer_serial.native is not None:
        names = [n.chosen.untag().dump() for n in issuer_serial["issuer"]
                 if n.name == "directory_name"]
        if (issuer_serial["serial_number"].native != certificate.serial_number
                or certificate.issuer.public_bytes() not in names):
            return "the signed issuer and serial do not match the signer's certificate"
    return None


def _key_usage_problem(certificate: x509.Certificate) -> str | None:
    try:
        usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return "the signer's certificate does not state a key usage"
    if not (usage.digital_signature or usage.content_commitment):
        return "the signer's certificate is not for signatures (no digitalSignature or "\
               "nonRepudiation)"
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

    Revocation is checked for the signer's certificate when ``crls`` or
    ``status_lookup`` are given, and must then be answered by at least one of them.
    """
    try:
        parsed = _parse(cms_der)
    except _Malformed as exc:
        return VerificationResult(False, VerificationFailure.MALFORMED, [str(exc)],
                                  (VerificationFailure.MALFORMED,))
    found: list[tuple[VerificationFailure, str]] = []
    moment = _utc(at) if at is not None else dt.datetime.now(dt.UTC)
    signing_time = _utc(parsed.signing_time) if parsed.signing_time else None

    if parsed.attributes[MESSAGE_DIGEST].native != digest(  # type: ignore[attr-defined]
            parsed.hash_name, content):
        found.append((VerificationFailure.CONTENT_MODIFIED,
                      "the document differs from the one that was signed"))
    located = _signer_certificate(parsed)
    if located is None:
        found.append((VerificationFailure.CERT_MISMATCH,
                      "the signer's certificate is not included in the signature"))
        return _result(found, None, signing_time, False)
    certificate, der = located
    problem = _signature_problem(parsed, certificate)
    if problem:
        found.append((VerificationFailure.BAD_SIGNATURE, problem))
    problem = _ess_problem(parsed, certificate, der)
    if problem:
        found.append((VerificationFailure.CERT_MISMATCH, problem))
    problem = _key_usage_problem(certificate)
    if problem:
        found.append((VerificationFailure.WRONG_KEY_USAGE, problem))
    if signing_time is not None:
        problem = trust.validity_problem(certificate, signing_time, "signer's")
        if problem:
            found.append((VerificationFailure.EXPIRED,
                          f"the claimed signing time is outside validity: {problem}"))
    pool = [c for c, _ in parsed.certificates]
    trusted, checked = _trust_problems(certificate, pool, trust_anchors, crls, status_lookup,
                                       moment)
    found.extend(trusted)
    return _result(found, certificate, signing_time, checked)


def _trust_problems(
    certificate: x509.Certificate, pool: list[x509.Certificate],
    anchors: Sequence[x509.Certificate], crls: Sequence[x509.CertificateRevocationList],
    lookup: StatusLookup | None, moment: dt.datetime,
) -> tuple[list[tuple[VerificationFailure, str]], bool]:
    """Chain, validity at ``moment`` and revocation; also whether revocation was answered."""
    path = trust.build_path(certificate, pool, anchors)
    if path is None:
        return [(VerificationFailure.UNTRUSTED,
                 "the signer's certificate does not chain to a trusted authority")], False
    found = []
    for index, link in enumerate(path):
        role = "signer's" if index == 0 else ("trusted authority's" if index == len(path) - 1
                                               else "intermediate authority's")
        problem = trust.validity_problem(link, moment, role)
        if problem:
            found.append((VerificationFailure.EXPIRED, problem))
    if not found:  # an expired link fails the full validation too; say it once
        problem = trust.rfc5280_problem(path, anchors, moment)
        if problem:
            found.append((VerificationFailure.UNTRUSTED, problem))
    if len(path) == 1 or (not crls and lookup is None):
        return found, False
    outcome = trust.revocation(certificate, path[1], crls, lookup, moment)
    if outcome.revoked is not None:
        revoked = outcome.revoked
        reason = revoked.reason.value if revoked.reason else "unspecified"
        when = f"{revoked.revoked_at:%Y-%m-%d %H:%M} UTC" if revoked.revoked_at else "?"
        found.append((VerificationFailure.REVOKED,
                      f"the signer's certificate was revoked on {when} ({reason})"))
    elif not outcome.checked:
        found.extend((VerificationFailure.REVOCATION_UNKNOWN, p) for p in outcome.problems)
    return found, outcome.checked


def _result(
    found: list[tuple[VerificationFailure, str]], certificate: x509.Certificate | None,
    signing_time: dt.datetime | None, revocation_checked: bool,
) -> VerificationResult:
    found = sorted(found, key=lambda item: _PRIORITY.index(item[0]))  # problems[0] explains
    failures = tuple(dict.fromkeys(kind for kind, _ in found))
    return VerificationResult(
        valid=not found,
        failure=failures[0] if failures else None,
        problems=[text for _, text in found],
        failures=failures,
        signer_subject=certificate.subject if certificate else None,
        signer_certificate=certificate,
        signing_time=signing_time,
        revocation_checked=revocation_checked,
    )
