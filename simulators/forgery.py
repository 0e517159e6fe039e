"""Forged, cloned and lying cards, made from a genuine image, to prove the reader catches each.

The first five are what a real attacker could attempt with the files of a card: edit
a data group, edit the security object, sign with their own PKI, reuse an expired
signer, or copy every readable file onto a chip with another key. The rest are a
programmable card that lies about structure: security objects and data groups that
are malformed at some level, algorithms nobody should accept, and (with
:class:`LyingChip`) answers to INTERNAL AUTHENTICATE that are not signatures. Each is
re-signed with the issuer's document signer when one is given, so that the lie is the
card's only fault; without one, a throwaway PKI signs (the issuer is then unknown too).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import Enum

from asn1crypto import algos, core
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from apdu import datagroups, tlv
from apdu.constants import Ins
from apdu.profile import DATA_GROUP_FILES, EF_SOD, DataGroup
from apdu.security_object import (
    CONTENT_TYPE_ATTRIBUTE,
    LDS_SECURITY_OBJECT_OID,
    MESSAGE_DIGEST_ATTRIBUTE,
    SIGNED_DATA_OID,
    SOD_VERSION,
    wrap_sod,
)
from simulators.card.chip import SimulatedChip
from simulators.card.image import CardImage
from simulators.card.security import CHIP_KEY_SECRET
from simulators.card.store import CardStore
from simulators.issuer import IssuerPki

UNKNOWN_OID = "1.3.6.1.4.1.99999.1"  # an arc nobody assigned: an algorithm we cannot know


class Forgery(Enum):
    DATA_TAMPERED = "data"
    SECURITY_OBJECT_TAMPERED = "sod"
    UNKNOWN_ISSUER = "issuer"
    EXPIRED_SIGNER = "expired-signer"
    CLONED_CHIP = "clone"
    # a lying card: the security object
    EMPTY_ATTRIBUTE_SET = "empty-attribute-set"  # content-type attribute with no value
    ATTRIBUTE_WRONG_TYPE = "attribute-wrong-type"  # message digest as an INTEGER
    GARBAGE_SIGNER_INFO = "garbage-signer-info"
    SIGNER_KEY_UNKNOWN = "signer-key-unknown"  # a CSCA-issued signer of unknown key algorithm
    LDS_HASH_MD5 = "lds-md5"
    LDS_HASH_SHA1 = "lds-sha1"
    LDS_HASH_SHA224 = "lds-sha224"
    LDS_HASH_UNKNOWN = "lds-unknown-hash"
    DIGEST_SHA1 = "digest-sha1"  # SignerInfo digest and signature with SHA-1
    HUGE_LENGTH = "huge-length"  # a length field of 4 GB inside EF.SOD
    DEEP_NESTING = "deep-nesting"  # EF.SOD nested 10,000 deep (indefinite lengths)
    # a lying card: the data groups
    CHIP_KEY_UNKNOWN = "chip-key-unknown"  # DG15 of an unknown algorithm, signed
    CHIP_KEY_RSA = "chip-key-rsa"  # DG15 an RSA key, signed
    GARBAGE_IDENTITY = "garbage-dg1"  # DG1 not TLV at all, signed
    BAD_NATIONAL_CODE = "bad-national-code"  # DG1 with a wrong check digit, signed

    @property
    def needs_issuer(self) -> bool:
        """Without the issuer's PKI this forgery is also signed by an unknown issuer."""
        return self not in (Forgery.DATA_TAMPERED, Forgery.SECURITY_OBJECT_TAMPERED,
                            Forgery.UNKNOWN_ISSUER, Forgery.CLONED_CHIP)


def _groups(image: CardImage) -> dict[int, bytes]:
    return {int(g): image.files[f.fid] for g, f in DATA_GROUP_FILES.items() if f.fid in image.files}


def _der(tag: int, *parts: bytes) -> bytes:
    return tlv.build(tag, b"".join(parts)).encode()


def _attribute(oid: str, *values: bytes) -> bytes:
    return _der(0x30, core.ObjectIdentifier(oid).dump(), _der(0x31, *values))


@dataclass
class SodRecipe:
    """How to build an EF.SOD; every field defaults to what the genuine issuer does.

    Hash and algorithm names are asn1crypto's, or dotted OIDs for unknown ones.
    """

    groups: dict[int, bytes]
    lds_hash: str = "sha256"  # named in the LDSSecurityObject
    digest_algorithm: str = "sha256"  # of the SignerInfo
    signature_algorithm: str = "sha256_ecdsa"
    attributes: list[bytes] | None = None  # DER of each signed attribute; None: genuine
    certificate: bytes | None = None  # DER; None: the document signer's
    signer_info: bytes | None = None  # DER; None: built and signed
    content_info: bytes | None = None  # DER of everything; None: built
    by_key_identifier: bool = False  # name the signer by subject key identifier (v3)


_CONTENT_TYPE = _attribute(CONTENT_TYPE_ATTRIBUTE,
                           core.ObjectIdentifier(LDS_SECURITY_OBJECT_OID).dump())


def _hash(name: str, data: bytes) -> bytes:
    """Unknown algorithms hash as SHA-256 (nobody can check them anyway)."""
    return hashlib.new(name if name in hashlib.algorithms_available else "sha256", data).digest()


def build_sod(recipe: SodRecipe, pki: IssuerPki) -> bytes:
    """EF.SOD from a recipe, signed with the PKI's document signer."""
    if recipe.content_info is not None:
        return wrap_sod(recipe.content_info)
    lds = _der(0x30, core.Integer(SOD_VERSION).dump(),
               algos.DigestAlgorithm({"algorithm": recipe.lds_hash}).dump(),
               _der(0x30, *(_der(0x30, core.Integer(n).dump(),
                                 core.OctetString(_hash(recipe.lds_hash, c)).dump())
                            for n, c in sorted(recipe.groups.items()))))
    attributes = recipe.attributes
    if attributes is None:
        attributes = [
            _CONTENT_TYPE,
            _attribute(MESSAGE_DIGEST_ATTRIBUTE,
                       core.OctetString(_hash(recipe.digest_algorithm, lds)).dump()),
        ]
    signed_attributes = _der(0x31, *attributes)
    certificate = recipe.certificate or pki.ds.public_bytes(serialization.Encoding.DER)
    parsed = asn1_x509.Certificate.load(certificate)
    digest_algorithm = algos.DigestAlgorithm({"algorithm": recipe.digest_algorithm}).dump()
    signer_info = recipe.signer_info
    if signer_info is None:
        hash_name = recipe.digest_algorithm if recipe.digest_algorithm in (
            "sha1", "sha224", "sha256", "sha384", "sha512") else "sha256"
        algorithm = getattr(hashes, hash_name.upper())()
        signature = pki.ds_key.sign(signed_attributes, ec.ECDSA(algorithm))
        sid = _der(0x30, parsed["tbs_certificate"]["issuer"].dump(),
                   parsed["tbs_certificate"]["serial_number"].dump())
        version = 1
        if recipe.by_key_identifier:
            sid, version = _der(0x80, parsed.key_identifier), 3
        signer_info = _der(0x30, core.Integer(version).dump(), sid, digest_algorithm,
                           b"\xa0" + signed_attributes[1:],
                           algos.SignedDigestAlgorithm(
                               {"algorithm": recipe.signature_algorithm}).dump(),
                           core.OctetString(signature).dump())
    signed_data = _der(0x30, core.Integer(3).dump(), _der(0x31, digest_algorithm),
                       _der(0x30, core.ObjectIdentifier(LDS_SECURITY_OBJECT_OID).dump(),
                            _der(0xA0, core.OctetString(lds).dump())),
                       _der(0xA0, certificate), _der(0x31, signer_info))
    return wrap_sod(_der(0x30, core.ObjectIdentifier(SIGNED_DATA_OID).dump(),
                         _der(0xA0, signed_data)))


def _with_unknown_key_algorithm(pki: IssuerPki) -> bytes:
    """The document signer's certificate, its key algorithm an unknown OID, re-issued
    by the CSCA (so the chain verifies and only the key is unusable)."""
    parsed = asn1_x509.Certificate.load(pki.ds.public_bytes(serialization.Encoding.DER))
    tbs = parsed["tbs_certificate"]
    spki = tbs["subject_public_key_info"]
    unknown = _der(0x30, _der(0x30, core.ObjectIdentifier(UNKNOWN_OID).dump()),
                   spki["public_key"].dump())
    tbs_der = _der(0x30, tbs.contents.replace(spki.dump(), unknown))
    signature = pki.csca_key.sign(tbs_der, ec.ECDSA(hashes.SHA256()))
    return _der(0x30, tbs_der, parsed["signature_algorithm"].dump(),
                _der(0x03, b"\x00" + signature))


def _spki(algorithm: bytes, key: bytes) -> bytes:
    return _der(0x30, algorithm, _der(0x03, b"\x00" + key))


def _nested(depth: int) -> bytes:
    return b"\x30\x80" * depth + b"\x00\x00" * depth


def _sod_recipe(kind: Forgery, groups: dict[int, bytes], pki: IssuerPki) -> SodRecipe:
    recipe = SodRecipe(groups)
    if kind is Forgery.EMPTY_ATTRIBUTE_SET:
        recipe.attributes = [_attribute(CONTENT_TYPE_ATTRIBUTE), _attribute(
            MESSAGE_DIGEST_ATTRIBUTE, core.OctetString(b"\x00" * 32).dump())]
    elif kind is Forgery.ATTRIBUTE_WRONG_TYPE:
        recipe.attributes = [
            _CONTENT_TYPE,
            _attribute(MESSAGE_DIGEST_ATTRIBUTE, core.Integer(12345).dump()),
        ]
    elif kind is Forgery.GARBAGE_SIGNER_INFO:
        recipe.signer_info = _der(0x30, b"\x04\x07garbage")
    elif kind is Forgery.SIGNER_KEY_UNKNOWN:
        recipe.certificate = _with_unknown_key_algorithm(pki)
    elif kind in (Forgery.LDS_HASH_MD5, Forgery.LDS_HASH_SHA1, Forgery.LDS_HASH_SHA224,
                  Forgery.LDS_HASH_UNKNOWN):
        recipe.lds_hash = {Forgery.LDS_HASH_MD5: "md5", Forgery.LDS_HASH_SHA1: "sha1",
                           Forgery.LDS_HASH_SHA224: "sha224"}.get(kind, UNKNOWN_OID)
    elif kind is Forgery.DIGEST_SHA1:
        recipe.digest_algorithm, recipe.signature_algorithm = "sha1", "sha1_ecdsa"
    elif kind is Forgery.HUGE_LENGTH:
        recipe.content_info = b"\x30\x84\xff\xff\xff\xf0" + core.ObjectIdentifier(
            SIGNED_DATA_OID).dump()
    elif kind is Forgery.DEEP_NESTING:
        recipe.content_info = _der(0x30, core.ObjectIdentifier(SIGNED_DATA_OID).dump(),
                                   _der(0xA0, _nested(10_000)))
    return recipe


def _edit_groups(kind: Forgery, image: CardImage) -> None:
    """Data-group lies, written to the image; the SOD is re-signed over them afterwards."""
    files = image.files
    if kind is Forgery.CHIP_KEY_UNKNOWN:
        files[DATA_GROUP_FILES[DataGroup.CHIP_AUTH_KEY].fid] = datagroups.encode_chip_key(
            _spki(_der(0x30, core.ObjectIdentifier(UNKNOWN_OID).dump()), b"\x04" + b"\x01" * 64))
    elif kind is Forgery.CHIP_KEY_RSA:
        from cryptography.hazmat.primitives.asymmetric import rsa

        key = rsa.generate_private_key(65537, 2048).public_key()
        files[DATA_GROUP_FILES[DataGroup.CHIP_AUTH_KEY].fid] = datagroups.encode_chip_key(
            key.public_bytes(serialization.Encoding.DER,
                             serialization.PublicFormat.SubjectPublicKeyInfo))
    elif kind is Forgery.GARBAGE_IDENTITY:
        files[DATA_GROUP_FILES[DataGroup.IDENTITY].fid] = b"\x61\x05\x5f\x02\x09garbage"
    elif kind is Forgery.BAD_NATIONAL_CODE:
        fid = DATA_GROUP_FILES[DataGroup.IDENTITY].fid
        children = tlv.decode_single(files[fid]).children()
        code = next(c for c in children if c.tag == 0x5F05).value.decode()
        wrong = code[:9] + str((int(code[9]) + 1) % 10)
        files[fid] = tlv.build(0x61, [tlv.Tlv(c.tag, wrong.encode()) if c.tag == 0x5F05 else c
                                      for c in children]).encode()


def forge(image: CardImage, kind: Forgery, pki: IssuerPki | None = None) -> CardImage:
    """A copy of ``image`` with the given forgery applied."""
    forged = image.copy()
    if kind is Forgery.DATA_TAMPERED:
        fid = DATA_GROUP_FILES[DataGroup.IDENTITY].fid
        identity = datagroups.decode_identity(forged.files[fid])
        changed = identity.__class__(**{**identity.__dict__, "surname": identity.surname + "ی"})
        forged.files[fid] = datagroups.encode_identity(changed)
    elif kind is Forgery.SECURITY_OBJECT_TAMPERED:
        # rewrite DG1's hash inside the signed content, as if to legitimize edited data
        sod = bytearray(forged.files[EF_SOD.fid])
        dg1 = forged.files[DATA_GROUP_FILES[DataGroup.IDENTITY].fid]
        position = bytes(sod).find(hashlib.sha256(dg1).digest())
        if position < 0:
            raise ValueError("DG1's hash is not in the security object")
        sod[position] ^= 0x01
        forged.files[EF_SOD.fid] = bytes(sod)
    elif kind is Forgery.UNKNOWN_ISSUER:
        forged.files[EF_SOD.fid] = IssuerPki.create("Forged CSCA").sign_security_object(
            _groups(forged))
    elif kind is Forgery.EXPIRED_SIGNER:
        if pki is None:
            raise ValueError("an expired-signer forgery needs the issuer PKI")
        forged.files[EF_SOD.fid] = pki.with_expired_signer().sign_security_object(
            _groups(forged))
    elif kind is Forgery.CLONED_CHIP:
        other = ec.generate_private_key(ec.SECP256R1())
        forged.secrets[CHIP_KEY_SECRET] = other.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    else:
        signer = pki or IssuerPki.create("Forged CSCA")
        _edit_groups(kind, forged)
        forged.files[EF_SOD.fid] = build_sod(_sod_recipe(kind, _groups(forged), signer), signer)
    forged.label = f"{image.label} [forged: {kind.value}]".strip()
    return forged


class ChipLie(Enum):
    """What a lying chip answers to INTERNAL AUTHENTICATE instead of a signature."""

    REFUSED = "refused"  # 6A88, as if it had no chip key
    EMPTY = "empty"  # 9000 and no data
    SHORT = "short"  # 63 bytes
    LONG = "long"  # 4 KB
    RANDOM = "random"  # 64 random-looking bytes
    ZERO = "zero"  # r = s = 0
    NOT_AN_APDU = "not-an-apdu"  # one byte, no status word
    ENDLESS_CHAIN = "endless-chain"  # 61xx for ever


_LIES = {
    ChipLie.REFUSED: b"\x6a\x88",
    ChipLie.EMPTY: b"\x90\x00",
    ChipLie.SHORT: b"\x5a" * 63 + b"\x90\x00",
    ChipLie.LONG: b"\x5a" * 4096 + b"\x90\x00",
    ChipLie.RANDOM: hashlib.sha512(b"nidkiosk").digest() + b"\x90\x00",
    ChipLie.ZERO: b"\x00" * 64 + b"\x90\x00",
    ChipLie.NOT_AN_APDU: b"\x90",
    ChipLie.ENDLESS_CHAIN: b"\x61\x10",
}


class LyingChip(SimulatedChip):
    """A chip that answers some instructions with fixed bytes, as a programmable card can."""

    def __init__(self, store: CardStore, lies: dict[int, bytes]) -> None:
        super().__init__(store)
        self.lies = dict(lies)

    @classmethod
    def about_chip_authentication(cls, image: CardImage, lie: ChipLie) -> LyingChip:
        lies: dict[int, bytes] = {Ins.INTERNAL_AUTHENTICATE: _LIES[lie]}
        if lie is ChipLie.ENDLESS_CHAIN:
            lies[Ins.GET_RESPONSE] = _LIES[lie]
        return cls(CardStore(image), lies)

    def process(self, raw: bytes) -> bytes:
        if len(raw) >= 4 and raw[1] in self.lies:
            self.commands += 1
            return self.lies[raw[1]]
        return super().process(raw)
