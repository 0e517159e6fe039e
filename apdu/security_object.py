"""The security object (EF.SOD): data-group hashes signed by the document signer.

Structure as ICAO 9303 part 10: a CMS SignedData (RFC 5652) whose encapsulated
content is an ``LDSSecurityObject``. This module turns the card's bytes into plain
values, or a :class:`SodError` naming the part that is malformed; checking them is
``apdu.passive_auth``. Building one is the issuer's job (``simulators.issuer``).

The bytes come from a card that may lie, and asn1crypto parses lazily and was not
written for hostile input, so every access to a parsed value happens inside
:func:`_within`, which turns whatever asn1crypto or cryptography raise into the part
being read. The fields no signature covers (versions, the signer identifier, the
digest-algorithm set, headers) are pinned: the whole must be the one DER encoding of
its parts, so a security object that verifies has (nearly) one encoding.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from asn1crypto import algos, cms, core
from cryptography import x509

from apdu import tlv
from apdu.errors import ProfileError, TlvError
from apdu.problems import Problem, ProblemKind, SodPart
from apdu.profile import EF_SOD

LDS_SECURITY_OBJECT_OID = "2.23.136.1.1.1"
SIGNED_DATA_OID = "1.2.840.113549.1.7.2"
CONTENT_TYPE_ATTRIBUTE = "1.2.840.113549.1.9.3"
MESSAGE_DIGEST_ATTRIBUTE = "1.2.840.113549.1.9.4"
SOD_VERSION = 0
DATA_GROUP_NUMBERS = range(1, 17)  # ICAO 9303: DG1 to DG16

# What asn1crypto and cryptography raise on input they cannot make sense of; their
# warnings about such input (a negative serial number, a 3-letter country) count too.
_DECODE_ERRORS = (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError,
                  RecursionError, Warning)
_CERTIFICATE_ERRORS = (x509.InvalidVersion, x509.DuplicateExtension, x509.ExtensionNotFound,
                       x509.UnsupportedGeneralNameType)


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


_HASHLIB = {"md5", "sha1", "sha224", "sha256", "sha384", "sha512"}


def digest(name: str, data: bytes) -> bytes:
    """``data`` hashed with the algorithm asn1crypto calls ``name`` (weak ones too: forgers
    and tests need them; whether one is acceptable is ``passive_auth``'s decision)."""
    if name not in _HASHLIB:
        raise ProfileError(f"unsupported hash algorithm {name}")
    return hashlib.new(name, data).digest()


class SodError(ProfileError):
    """EF.SOD is malformed; ``problem`` says where (a SOD_MALFORMED problem)."""

    def __init__(self, part: SodPart) -> None:
        super().__init__(f"EF.SOD is malformed: {part.value}")
        self.problem = Problem(ProblemKind.SOD_MALFORMED, part=part)


@dataclass(frozen=True)
class SignerFields:
    """The one SignerInfo, as values: what was signed, how, and the signature."""

    digest_algorithm: str  # asn1crypto name, or dotted OID when unknown
    signature_algorithm: str
    signature_algorithm_der: bytes
    signed_attributes: bytes  # DER as signed: the [0] tag replaced by SET
    content_type: str  # the signed content-type attribute, dotted
    message_digest: bytes  # the signed message-digest attribute
    signature: bytes


@dataclass(frozen=True)
class DocumentSigner:
    """The document signer's certificate and what is read from it."""

    certificate: x509.Certificate
    der: bytes
    subject: str  # RFC 4514
    issuer: str
    issuer_der: bytes  # the issuer Name, DER
    not_before: dt.datetime
    not_after: dt.datetime


@dataclass(frozen=True)
class SecurityObject:
    """A parsed EF.SOD: the signed hashes, the signer info and the signer's certificate."""

    hash_algorithm: str  # of the data-group hashes
    hashes: dict[int, bytes]
    content: bytes  # the encapsulated LDSSecurityObject, as signed
    signer_info: SignerFields
    signer: DocumentSigner

    @property
    def signer_certificate(self) -> x509.Certificate:
        return self.signer.certificate


def wrap_sod(content_info_der: bytes) -> bytes:
    """EF.SOD file content: tag 77 around the DER ContentInfo."""
    return tlv.build(EF_SOD.template_tag, content_info_der).encode()


@contextmanager
def _within(part: SodPart) -> Iterator[None]:
    try:
        yield
    except SodError:
        raise
    except (*_DECODE_ERRORS, *_CERTIFICATE_ERRORS, TlvError) as exc:
        raise SodError(part) from exc


def _require(condition: bool, part: SodPart) -> None:
    if not condition:
        raise SodError(part)


def parse_sod(raw: bytes) -> SecurityObject:
    """Parse EF.SOD; anything that is not a well-formed security object raises SodError."""
    with _within(SodPart.FILE):
        der = tlv.decode_single(raw, EF_SOD.template_tag).value
        _require(wrap_sod(der) == raw, SodPart.FILE)  # a minimal length, as DER
    with _within(SodPart.CONTENT_INFO):
        info = cms.ContentInfo.load(der, strict=True)
        _require(info["content_type"].dotted == SIGNED_DATA_OID, SodPart.CONTENT_INFO)
        signed = info["content"]
        _require(isinstance(signed, cms.SignedData), SodPart.CONTENT_INFO)
    with _within(SodPart.SIGNED_DATA):
        digest_algorithms = [a.dump() for a in signed["digest_algorithms"]]
        _require(len(digest_algorithms) == 1, SodPart.SIGNED_DATA)
        digest_algorithm = algos.DigestAlgorithm.load(digest_algorithms[0])
        digest_name = str(digest_algorithm["algorithm"].native)
        _require(digest_algorithms[0] in _digest_algorithm_encodings(digest_name),
                 SodPart.SIGNED_DATA)
    with _within(SodPart.ENCAPSULATED_CONTENT):
        encap = signed["encap_content_info"]
        _require(encap["content_type"].dotted == LDS_SECURITY_OBJECT_OID,
                 SodPart.ENCAPSULATED_CONTENT)
        content = encap["content"].native
        _require(isinstance(content, bytes), SodPart.ENCAPSULATED_CONTENT)
    hash_algorithm, hashes = _parse_lds(content)
    signer = _parse_certificate(signed)
    signer_info, signer_info_der = _parse_signer_info(signed, digest_algorithms[0],
                                                      digest_name, signer)
    # Nothing else may be in it: no version but 3, no CRLs, no repeated or extra element
    # (asn1crypto would skip those), no BER: exactly the DER encoding of the parts.
    _require(_der(0x30, _oid(SIGNED_DATA_OID), _der(0xA0, _der(
        0x30, core.Integer(3).dump(), _der(0x31, digest_algorithms[0]),
        _der(0x30, _oid(LDS_SECURITY_OBJECT_OID), _der(0xA0, core.OctetString(content).dump())),
        _der(0xA0, signer.der), _der(0x31, signer_info_der)))) == der, SodPart.ENCODING)
    return SecurityObject(hash_algorithm, hashes, content, signer_info, signer)


def _der(tag: int, *parts: bytes) -> bytes:
    return tlv.build(tag, b"".join(parts)).encode()


def _oid(dotted: str) -> bytes:
    return core.ObjectIdentifier(dotted).dump()


@functools.lru_cache(maxsize=16)
def _digest_algorithm_encodings(name: str) -> tuple[bytes, bytes]:
    """A digest AlgorithmIdentifier with NULL or absent parameters, as RFC 5754 allows."""
    return (algos.DigestAlgorithm({"algorithm": name}).dump(),
            algos.DigestAlgorithm({"algorithm": name, "parameters": None}).dump())


def _parse_lds(content: bytes) -> tuple[str, dict[int, bytes]]:
    with _within(SodPart.LDS_SECURITY_OBJECT):
        lds = LDSSecurityObject.load(content, strict=True)
        _require(lds["version"].native == SOD_VERSION, SodPart.LDS_SECURITY_OBJECT)
        algorithm = lds["hash_algorithm"]["algorithm"].native
        hashes: dict[int, bytes] = {}
        for item in lds["data_group_hash_values"]:
            number = item["data_group_number"].native
            value = item["data_group_hash_value"].native
            _require(number in DATA_GROUP_NUMBERS and number not in hashes
                     and isinstance(value, bytes), SodPart.LDS_SECURITY_OBJECT)
            hashes[number] = value
        _require(isinstance(algorithm, str), SodPart.LDS_SECURITY_OBJECT)
    return algorithm, hashes


def _parse_certificate(signed: cms.SignedData) -> DocumentSigner:
    with _within(SodPart.CERTIFICATES):
        choices = signed["certificates"]
        _require(not isinstance(choices, core.Void) and len(choices) == 1, SodPart.CERTIFICATES)
        der = choices[0].dump()  # another CertificateChoices alternative will not load
    with _within(SodPart.SIGNER_CERTIFICATE):
        return _document_signer(der)


@functools.lru_cache(maxsize=16)
def _document_signer(der: bytes) -> DocumentSigner:
    """The certificate read once per document signer: thousands of cards share one.
    (Only results are cached, keyed by the exact bytes; a failure is raised again.)"""
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a card's data is not to print on our console
        certificate = x509.load_der_x509_certificate(der)
        # The signature BIT STRING ends the certificate; its unused-bits octet is the one
        # byte outside the CSCA's signature that DER leaves free (cryptography itself
        # checks the outer algorithm against the signed one).
        _require(der[-len(certificate.signature) - 1] == 0, SodPart.SIGNER_CERTIFICATE)
        return DocumentSigner(
            certificate=certificate,
            der=der,
            subject=certificate.subject.rfc4514_string(),
            issuer=certificate.issuer.rfc4514_string(),
            issuer_der=certificate.issuer.public_bytes(),
            not_before=certificate.not_valid_before_utc,
            not_after=certificate.not_valid_after_utc,
        )


def _parse_signer_info(
    signed: cms.SignedData,
    digest_algorithm_der: bytes,
    digest_name: str,
    signer: DocumentSigner,
) -> tuple[SignerFields, bytes]:
    with _within(SodPart.SIGNER_INFO):
        infos = signed["signer_infos"]
        _require(len(infos) == 1, SodPart.SIGNER_INFO)
        info = infos[0]
        _require(isinstance(info, cms.SignerInfo), SodPart.SIGNER_INFO)
        _require(info["digest_algorithm"].dump() == digest_algorithm_der, SodPart.SIGNER_INFO)
        signature_algorithm = info["signature_algorithm"]
        signature_name = str(signature_algorithm["algorithm"].native)
        signature_algorithm_der = signature_algorithm.dump()
        signature = info["signature"].native
        _require(isinstance(signature, bytes), SodPart.SIGNER_INFO)
        sid = info["sid"]
        signer_info_der = info.dump()
    with _within(SodPart.SIGNER_IDENTIFIER):
        sid_der, version = _signer_identifier(sid, signer)
    content_type, message_digest, attributes = _parse_signed_attributes(info)
    canonical = _der(0x30, core.Integer(version).dump(), sid_der, digest_algorithm_der,
                     b"\xa0" + attributes[1:], signature_algorithm_der,
                     core.OctetString(signature).dump())  # no unsigned attributes
    _require(canonical == signer_info_der, SodPart.ENCODING)
    return SignerFields(
        digest_algorithm=digest_name,
        signature_algorithm=signature_name,
        signature_algorithm_der=signature_algorithm_der,
        signed_attributes=attributes,
        content_type=content_type,
        message_digest=message_digest,
        signature=signature,
    ), signer_info_der


def _signer_identifier(sid: cms.SignerIdentifier, signer: DocumentSigner) -> tuple[bytes, int]:
    """The SignerInfo must name the one certificate carried (RFC 5652 section 5.3).

    Returns the identifier's DER and the SignerInfo version that goes with its form.
    """
    certificate = signer.certificate
    if sid.name == "issuer_and_serial_number":
        expected = _der(0x30, signer.issuer_der, core.Integer(certificate.serial_number).dump())
        version = 1
    else:
        identifier = certificate.extensions.get_extension_for_class(
            x509.SubjectKeyIdentifier).value.digest
        expected, version = _der(0x80, identifier), 3
    _require(sid.dump() == expected, SodPart.SIGNER_IDENTIFIER)
    return expected, version


def _parse_signed_attributes(info: cms.SignerInfo) -> tuple[str, bytes, bytes]:
    """Content type and message digest, each present once with one value of its type."""
    with _within(SodPart.SIGNED_ATTRIBUTES):
        attributes = info["signed_attrs"]
        _require(isinstance(attributes, cms.CMSAttributes) and len(attributes) > 0,
                 SodPart.SIGNED_ATTRIBUTES)
        found: dict[str, core.Asn1Value] = {}
        for attribute in attributes:
            kind = attribute["type"].dotted
            values = attribute["values"]
            _require(kind not in found and len(values) == 1, SodPart.SIGNED_ATTRIBUTES)
            found[kind] = values[0]
        content_type = found.get(CONTENT_TYPE_ATTRIBUTE)
        message_digest = found.get(MESSAGE_DIGEST_ATTRIBUTE)
        if not isinstance(content_type, core.ObjectIdentifier) or not isinstance(
                message_digest, core.OctetString):
            raise SodError(SodPart.SIGNED_ATTRIBUTES)
        digest_value = message_digest.native
        _require(isinstance(digest_value, bytes), SodPart.SIGNED_ATTRIBUTES)
        signed_bytes = b"\x31" + attributes.dump()[1:]
        return content_type.dotted, digest_value, signed_bytes
