"""Parsing a detached CMS signature strictly: what we support, or why not (a cause).

Everything is parsed up front (asn1crypto is lazy), so no malformed part can raise
later, in the middle of a check.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from asn1crypto import algos, cms
from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm

from signing.cms_attributes import (
    CONTENT_TYPE,
    HASHES,
    MESSAGE_DIGEST,
    SIGNING_TIME,
)
from signing.verification import ProblemCause


class Malformed(Exception):
    """The signature is not one we can check; ``cause`` says why."""

    def __init__(self, cause: ProblemCause) -> None:
        super().__init__(cause.value)
        self.cause = cause


@dataclass(frozen=True)
class ParsedSignature:
    info: cms.SignerInfo
    hash_name: str
    attributes: dict[str, object]
    certificates: list[tuple[x509.Certificate, bytes]]
    signing_time: dt.datetime | None


def parse(cms_der: bytes) -> ParsedSignature:
    """The one SignerInfo of a detached SignedData over id-data, or :class:`Malformed`."""
    try:
        return _parse(cms_der)
    except Malformed:
        raise
    except (ValueError, TypeError, KeyError, AttributeError, IndexError, UnsupportedAlgorithm,
            x509.InvalidVersion) as exc:
        raise Malformed(ProblemCause.NOT_DER) from exc


def _parse(cms_der: bytes) -> ParsedSignature:
    content_info = cms.ContentInfo.load(cms_der, strict=True)
    content_info.native  # noqa: B018 -- parse every level now, not lazily later
    if content_info["content_type"].native != "signed_data":
        raise Malformed(ProblemCause.NOT_SIGNED_DATA)
    signed = content_info["content"]
    if signed["encap_content_info"]["content_type"].native != "data":
        raise Malformed(ProblemCause.NOT_PLAIN_DATA)
    if signed["encap_content_info"]["content"].native is not None:
        raise Malformed(ProblemCause.NOT_DETACHED)
    if not isinstance(signed["version"].native, str):
        raise Malformed(ProblemCause.UNKNOWN_VERSION)
    infos = signed["signer_infos"]
    if len(infos) != 1:
        raise Malformed(ProblemCause.SIGNER_COUNT)
    info = infos[0]
    hash_name = info["digest_algorithm"]["algorithm"].native
    if hash_name not in HASHES:
        raise Malformed(ProblemCause.UNSUPPORTED_DIGEST)
    if hash_name not in [d["algorithm"].native for d in signed["digest_algorithms"]]:
        raise Malformed(ProblemCause.DIGEST_NOT_ANNOUNCED)
    expected_version = "v1" if info["sid"].name == "issuer_and_serial_number" else "v3"
    if info["version"].native != expected_version:
        raise Malformed(ProblemCause.SIGNER_INFO_VERSION)
    _check_signature_algorithm(info["signature_algorithm"], hash_name)
    if not info["signed_attrs"]:
        raise Malformed(ProblemCause.NO_SIGNED_ATTRIBUTES)
    attributes: dict[str, object] = {}
    for attribute in info["signed_attrs"]:
        name = attribute["type"].native
        if name in attributes or len(attribute["values"]) != 1:
            raise Malformed(ProblemCause.DUPLICATE_ATTRIBUTE)
        attributes[name] = attribute["values"][0]
    if CONTENT_TYPE not in attributes:
        raise Malformed(ProblemCause.MISSING_CONTENT_TYPE)
    if MESSAGE_DIGEST not in attributes:
        raise Malformed(ProblemCause.MISSING_MESSAGE_DIGEST)
    if attributes[CONTENT_TYPE].native != "data":  # type: ignore[attr-defined]
        raise Malformed(ProblemCause.WRONG_CONTENT_TYPE)
    certificates = []
    for choice in signed["certificates"] or []:
        if choice.name == "certificate":
            der = choice.chosen.dump()
            certificate = x509.load_der_x509_certificate(der)
            certificate.public_key(), certificate.extensions  # load lazily-parsed parts now
            certificates.append((certificate, der))
    when = attributes.get(SIGNING_TIME)
    signing_time = when.native if when is not None else None  # type: ignore[attr-defined]
    return ParsedSignature(info, hash_name, attributes, certificates, signing_time)


def _check_signature_algorithm(algorithm: algos.SignedDigestAlgorithm, hash_name: str) -> None:
    """The signature algorithm must be ECDSA or PKCS#1 v1.5 and agree with the digest."""
    try:
        kind = algorithm.signature_algo
    except ValueError:  # an OID asn1crypto does not know
        raise Malformed(ProblemCause.UNSUPPORTED_SIGNATURE_ALGORITHM) from None
    if kind not in ("ecdsa", "rsassa_pkcs1v15"):
        raise Malformed(ProblemCause.UNSUPPORTED_SIGNATURE_ALGORITHM)
    if algorithm["algorithm"].native not in ("ecdsa", "rsassa_pkcs1v15") \
            and algorithm.hash_algo != hash_name:
        raise Malformed(ProblemCause.HASH_MISMATCH)
