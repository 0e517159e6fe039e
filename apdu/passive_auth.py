"""Passive authentication (ICAO 9303 part 11): is the security object validly signed by a
document signer that a trusted CSCA issued, and do the data groups match it?

Every check returns problems rather than raising: a security object that parses may
still name algorithms we refuse (weak or unknown hashes, keys we cannot use) or carry
a signature that does not verify. Nothing here talks to the card.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass

from asn1crypto import algos, keys
from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from apdu.problems import Problem, ProblemKind, SodPart
from apdu.security_object import LDS_SECURITY_OBJECT_OID, SecurityObject, digest

STRONG_HASHES: dict[str, hashes.HashAlgorithm] = {
    "sha256": hashes.SHA256(), "sha384": hashes.SHA384(), "sha512": hashes.SHA512(),
}
WEAK_HASHES = frozenset({"md2", "md4", "md5", "sha1", "sha224", "sha512_224", "sha3_224"})

# signature algorithm -> (its hash, or None when the digest algorithm says, key type)
_ECDSA, _RSA = ec.EllipticCurvePublicKey, rsa.RSAPublicKey
_SIGNATURE_ALGORITHMS: dict[str, tuple[str | None, type]] = {
    "sha256_ecdsa": ("sha256", _ECDSA), "sha384_ecdsa": ("sha384", _ECDSA),
    "sha512_ecdsa": ("sha512", _ECDSA),
    "sha256_rsa": ("sha256", _RSA), "sha384_rsa": ("sha384", _RSA),
    "sha512_rsa": ("sha512", _RSA), "rsassa_pkcs1v15": (None, _RSA),
}
# the one encoding of each (RFC 5758: no parameters for ECDSA; RFC 4055: NULL for RSA)
_CANONICAL = {name: algos.SignedDigestAlgorithm({"algorithm": name}).dump()
              for name in _SIGNATURE_ALGORITHMS}
_WEAK_SIGNATURE_ALGORITHMS = frozenset({
    "md2_rsa", "md5_rsa", "sha1_rsa", "sha224_rsa", "sha1_ecdsa", "sha224_ecdsa",
    "sha1_dsa", "sha224_dsa",
})


@dataclass(frozen=True)
class PassiveAuthentication:
    """The problems passive authentication found, and what it looked at."""

    problems: tuple[Problem, ...]
    groups_checked: tuple[int, ...]


def hash_problem(name: str, part: SodPart) -> Problem | None:
    """None for a hash we accept; WEAK_HASH or UNSUPPORTED_ALGORITHM otherwise."""
    if name in STRONG_HASHES:
        return None
    kind = ProblemKind.WEAK_HASH if name in WEAK_HASHES else ProblemKind.UNSUPPORTED_ALGORITHM
    return Problem(kind, part=part, algorithm=name)


def _signature_algorithm_problem(sod: SecurityObject) -> Problem | None:
    info = sod.signer_info
    name = info.signature_algorithm
    if name in _WEAK_SIGNATURE_ALGORITHMS:
        return Problem(ProblemKind.WEAK_HASH, part=SodPart.SIGNER_INFO, algorithm=name)
    spec = _SIGNATURE_ALGORITHMS.get(name)
    if spec is None:
        return Problem(ProblemKind.UNSUPPORTED_ALGORITHM, part=SodPart.SIGNER_INFO,
                       algorithm=name)
    if _CANONICAL[name] != info.signature_algorithm_der or spec[0] not in (
            None, info.digest_algorithm):
        return Problem(ProblemKind.SOD_MALFORMED, part=SodPart.SIGNER_INFO)
    return None


def _signer_key(sod: SecurityObject) -> ec.EllipticCurvePublicKey | rsa.RSAPublicKey | Problem:
    certificate = sod.signer_certificate
    try:
        key = certificate.public_key()
    except (UnsupportedAlgorithm, ValueError):
        key = None
    if not isinstance(key, ec.EllipticCurvePublicKey | rsa.RSAPublicKey):
        name = keys.PublicKeyAlgorithmId(certificate.public_key_algorithm_oid.dotted_string)
        return Problem(ProblemKind.UNSUPPORTED_ALGORITHM, part=SodPart.SIGNER_CERTIFICATE,
                       algorithm=str(name.native))
    expected = _SIGNATURE_ALGORITHMS[sod.signer_info.signature_algorithm][1]
    if not isinstance(key, expected):
        return Problem(ProblemKind.SOD_MALFORMED, part=SodPart.SIGNER_INFO)
    return key


def check_signature(sod: SecurityObject) -> list[Problem]:
    """Algorithms we accept, then content type, message digest, and the signature."""
    info = sod.signer_info
    found = [p for p in (hash_problem(sod.hash_algorithm, SodPart.LDS_SECURITY_OBJECT),
                         hash_problem(info.digest_algorithm, SodPart.SIGNER_INFO),
                         _signature_algorithm_problem(sod)) if p is not None]
    if found:
        return found  # nothing more can be checked with algorithms we refuse
    key = _signer_key(sod)
    if isinstance(key, Problem):
        return [key]
    if info.content_type != LDS_SECURITY_OBJECT_OID:
        found.append(Problem(ProblemKind.CONTENT_TYPE_MISMATCH))
    if digest(info.digest_algorithm, sod.content) != info.message_digest:
        found.append(Problem(ProblemKind.MESSAGE_DIGEST_MISMATCH))
    algorithm = STRONG_HASHES[info.digest_algorithm]
    try:
        if isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(info.signature, info.signed_attributes, ec.ECDSA(algorithm))
        else:
            key.verify(info.signature, info.signed_attributes, padding.PKCS1v15(), algorithm)
    except (InvalidSignature, ValueError):
        found.append(Problem(ProblemKind.SIGNATURE_INVALID))
    return found


def find_issuer(cert: x509.Certificate, anchors: list[x509.Certificate]) -> x509.Certificate | None:
    """The trust anchor that signed ``cert``, or None."""
    for anchor in anchors:
        if _issued_by(cert, anchor):
            return anchor
    return None


@functools.lru_cache(maxsize=64)
def _issued_by(cert: x509.Certificate, anchor: x509.Certificate) -> bool:
    """One signature check per document signer and anchor (certificates hash by their
    bytes), not one per card."""
    try:
        if anchor.subject != cert.issuer:
            return False
        cert.verify_directly_issued_by(anchor)
    except (ValueError, TypeError, InvalidSignature, UnsupportedAlgorithm):
        return False
    return True


def certificate_is_current(cert: x509.Certificate, now: dt.datetime) -> bool:
    return cert.not_valid_before_utc <= now <= cert.not_valid_after_utc


def _validity(not_before: dt.datetime, not_after: dt.datetime, now: dt.datetime,
              expired: ProblemKind, early: ProblemKind) -> list[Problem]:
    if now > not_after:
        return [Problem(expired, until=not_after.date())]
    if now < not_before:
        return [Problem(early, valid_from=not_before.date())]
    return []


def check_signer(sod: SecurityObject, anchors: list[x509.Certificate],
                 now: dt.datetime) -> list[Problem]:
    """A trusted, current CSCA issued the document signer, whose certificate is current."""
    signer = sod.signer
    found: list[Problem] = []
    try:
        certificate_hash = signer.certificate.signature_hash_algorithm
    except UnsupportedAlgorithm:
        certificate_hash = None  # then no trust anchor verifies it either
    if certificate_hash is not None and certificate_hash.name in WEAK_HASHES:
        found.append(Problem(ProblemKind.WEAK_HASH, part=SodPart.SIGNER_CERTIFICATE,
                             algorithm=certificate_hash.name))
    anchor = find_issuer(signer.certificate, anchors)
    if anchor is None:
        found.append(Problem(ProblemKind.SIGNER_NOT_TRUSTED))
    else:
        found += _validity(anchor.not_valid_before_utc, anchor.not_valid_after_utc, now,
                           ProblemKind.TRUST_ANCHOR_EXPIRED,
                           ProblemKind.TRUST_ANCHOR_NOT_YET_VALID)
    found += _validity(signer.not_before, signer.not_after, now,
                       ProblemKind.SIGNER_EXPIRED, ProblemKind.SIGNER_NOT_YET_VALID)
    return found


def check_groups(sod: SecurityObject, groups: Mapping[int, bytes]) -> list[Problem]:
    """Each group read hashes to its value in the security object (when we accept the
    hash: a refused one is already a problem of its own)."""
    if sod.hash_algorithm not in STRONG_HASHES:
        return []
    found: list[Problem] = []
    for number, content in sorted(groups.items()):
        expected = sod.hashes.get(number)
        if expected is None:
            found.append(Problem(ProblemKind.GROUP_NOT_SIGNED, group=number))
        elif digest(sod.hash_algorithm, content) != expected:
            found.append(Problem(ProblemKind.GROUP_HASH_MISMATCH, group=number))
    return found


def passive_authentication(sod: SecurityObject, groups: Mapping[int, bytes],
                           anchors: list[x509.Certificate],
                           now: dt.datetime) -> PassiveAuthentication:
    """Every passive check; the problems of all of them, not just the first."""
    problems = check_signature(sod) + check_signer(sod, anchors, now) + check_groups(sod, groups)
    checked = tuple(sorted(groups)) if sod.hash_algorithm in STRONG_HASHES else ()
    return PassiveAuthentication(tuple(problems), checked)
