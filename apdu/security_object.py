"""The security object (EF.SOD): data-group hashes signed by the document signer.

Structure as ICAO 9303 part 10: a CMS SignedData (RFC 5652) whose encapsulated
content is an ``LDSSecurityObject``. This module parses it and checks it (passive
authentication); building one is the issuer's job (``simulators.issuer``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from asn1crypto import algos, cms, core
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from apdu import tlv
from apdu.errors import ProfileError, TlvError
from apdu.profile import EF_SOD

LDS_SECURITY_OBJECT_OID = "2.23.136.1.1.1"
SOD_VERSION = 0


class DataGroupHash(core.Sequence):
    _fields = [("data_group_number", core.Integer), ("data_group_hash_value", core.OctetString)]


class DataGroupHashValues(core.SequenceOf):
    _child_spec = DataGroupHash


class LDSSecurityObject(core.Sequence):
    _fields = [
        ("version", core.Integer),
        ("hash_algorithm", algos.DigestAlgorithm),
        ("data_group_hash_values", DataGroupHashValues),
    ]


_HASHES = {"sha256": hashes.SHA256(), "sha384": hashes.SHA384(), "sha512": hashes.SHA512()}


def digest(name: str, data: bytes) -> bytes:
    if name not in _HASHES:
        raise ProfileError(f"unsupported hash algorithm {name}")
    return hashlib.new(name, data).digest()


@dataclass(frozen=True)
class SecurityObject:
    """A parsed EF.SOD: the signed data, the hashes and the signer's certificate."""

    signed_data: cms.SignedData
    hash_algorithm: str
    hashes: dict[int, bytes]
    content: bytes
    signer_certificate: x509.Certificate


def wrap_sod(content_info_der: bytes) -> bytes:
    """EF.SOD file content: tag 77 around the DER ContentInfo."""
    return tlv.build(EF_SOD.template_tag, content_info_der).encode()


def parse_sod(raw: bytes) -> SecurityObject:
    """Parse EF.SOD; a structure that is not a valid security object raises ProfileError."""
    try:
        der = tlv.decode_single(raw, EF_SOD.template_tag).value
        info = cms.ContentInfo.load(der, strict=True)
        if info["content_type"].native != "signed_data":
            raise ProfileError("EF.SOD does not hold CMS SignedData")
        signed = info["content"]
        encap = signed["encap_content_info"]
        if encap["content_type"].dotted != LDS_SECURITY_OBJECT_OID:
            raise ProfileError("EF.SOD content is not an LDS security object")
        content = encap["content"].native
        if not isinstance(content, bytes):
            raise ProfileError("EF.SOD has no encapsulated content")
        lds = LDSSecurityObject.load(content, strict=True)
        algorithm = lds["hash_algorithm"]["algorithm"].native
        found = {
            int(item["data_group_number"].native): bytes(item["data_group_hash_value"].native)
            for item in lds["data_group_hash_values"]
        }
        certs = [c.chosen for c in signed["certificates"] or []]
        if len(certs) != 1:
            raise ProfileError(f"EF.SOD carries {len(certs)} certificates, expected the signer's")
        signer = x509.load_der_x509_certificate(certs[0].dump())
    except ProfileError:
        raise
    except (TlvError, ValueError, TypeError, KeyError) as exc:
        raise ProfileError(f"EF.SOD is malformed: {exc}") from exc
    return SecurityObject(signed, algorithm, found, content, signer)


@dataclass
class SignatureCheck:
    """Outcome of checking the CMS signature of a security object."""

    valid: bool
    problems: list[str] = field(default_factory=list)


def _verify_with(key: object, signature: bytes, data: bytes, hash_name: str) -> None:
    algorithm = _HASHES[hash_name]
    if isinstance(key, ec.EllipticCurvePublicKey):
        key.verify(signature, data, ec.ECDSA(algorithm))
    elif isinstance(key, rsa.RSAPublicKey):
        key.verify(signature, data, padding.PKCS1v15(), algorithm)
    else:
        raise InvalidSignature("unsupported signer key type")


def check_signature(sod: SecurityObject) -> SignatureCheck:
    """Verify the signer info: content type, message digest, and the signature itself."""
    problems: list[str] = []
    infos = sod.signed_data["signer_infos"]
    if len(infos) != 1:
        return SignatureCheck(False, [f"{len(infos)} signer infos, expected one"])
    info = infos[0]
    hash_name = info["digest_algorithm"]["algorithm"].native
    if hash_name not in _HASHES:
        return SignatureCheck(False, [f"unsupported digest algorithm {hash_name}"])
    attrs = info["signed_attrs"]
    if not attrs:
        return SignatureCheck(False, ["no signed attributes"])
    values = {a["type"].native: a["values"][0] for a in attrs}
    content_type = values.get("content_type")
    if content_type is None or content_type.dotted != LDS_SECURITY_OBJECT_OID:
        problems.append("signed content-type attribute is not the LDS security object")
    message_digest = values.get("message_digest")
    if message_digest is None or message_digest.native != digest(hash_name, sod.content):
        problems.append("message digest does not match the signed content")
    signed_bytes = b"\x31" + attrs.dump()[1:]
    try:
        _verify_with(
            sod.signer_certificate.public_key(), info["signature"].native, signed_bytes, hash_name
        )
    except InvalidSignature:
        problems.append("the document signer's signature does not verify")
    return SignatureCheck(not problems, problems)


def certificate_is_current(cert: x509.Certificate, now: dt.datetime) -> bool:
    return cert.not_valid_before_utc <= now <= cert.not_valid_after_utc


def find_issuer(cert: x509.Certificate, anchors: list[x509.Certificate]) -> x509.Certificate | None:
    """The trust anchor that signed ``cert``, or None."""
    for anchor in anchors:
        if anchor.subject != cert.issuer:
            continue
        try:
            cert.verify_directly_issued_by(anchor)
        except (ValueError, TypeError, InvalidSignature):
            continue
        return anchor
    return None
