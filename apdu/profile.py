"""The chip profile in code: identifiers, file map, tags, references, lifecycle.

``docs/chip-profile.md`` is the prose; this module is the single source of the
numbers, imported by both the card client and the simulated chip.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, unique

# D3 = proprietary-range RID prefix, 64 = 364, Iran's ISO 3166 numeric code; "NID" v1.
NID_AID = bytes.fromhex("D364004E494401")
MF_FID = 0x3F00
NID_DF_FID = 0x5000


@unique
class DataGroup(IntEnum):
    """Data groups of the NID application (numbers follow ICAO 9303 where they overlap)."""

    IDENTITY = 1
    PHOTO = 2
    ADDRESS = 11
    CHIP_AUTH_KEY = 15


@dataclass(frozen=True)
class ElementaryFile:
    name: str
    fid: int
    sfi: int
    template_tag: int
    max_size: int


EF_COM = ElementaryFile("EF.COM", 0x011E, 0x1E, 0x60, 64)
EF_SOD = ElementaryFile("EF.SOD", 0x011D, 0x1D, 0x77, 8192)
# the holder's signature certificate (DER X.509), written at signature activation
EF_SIG_CERT = ElementaryFile("EF.SIG.CERT", 0x0C01, 0x0C, 0x30, 4096)
DATA_GROUP_FILES: dict[DataGroup, ElementaryFile] = {
    DataGroup.IDENTITY: ElementaryFile("EF.DG1", 0x0101, 0x01, 0x61, 1024),
    DataGroup.PHOTO: ElementaryFile("EF.DG2", 0x0102, 0x02, 0x75, 32768),
    DataGroup.ADDRESS: ElementaryFile("EF.DG11", 0x010B, 0x0B, 0x6B, 1024),
    DataGroup.CHIP_AUTH_KEY: ElementaryFile("EF.DG15", 0x010F, 0x0F, 0x6F, 512),
}


class Tag(IntEnum):
    """Data-object tags inside the data groups (see docs/chip-profile.md)."""

    # EF.COM
    LDS_VERSION = 0x5F01
    TAG_LIST = 0x5C
    # DG1 identity
    GIVEN_NAME = 0x5F02
    SURNAME = 0x5F03
    FATHER_NAME = 0x5F04
    NATIONAL_CODE = 0x5F05
    BIRTH_CERTIFICATE_NUMBER = 0x5F06
    BIRTH_CERTIFICATE_SERIAL = 0x5F07
    CARD_SERIAL = 0x5F08
    MOTHER_NAME = 0x5F0A  # optional: absent on cards personalized before it was kept
    ISSUE_DATE = 0x5F25  # ISO 7816-6 application effective date
    EXPIRY_DATE = 0x5F24  # ISO 7816-6 application expiration date
    BIRTH_DATE = 0x5F2B  # ISO 7816-6 date of birth
    GENDER = 0x5F35  # ISO 7816-6 sex, ISO 5218 codes
    # DG2 photo
    PHOTO_JPEG = 0x5F2E
    # DG11 address
    POSTAL_CODE = 0x5F09
    ADDRESS = 0x5F42  # ISO 7816-6 address
    # GET DATA objects
    LIFECYCLE = 0xDF20
    SIGNATURE_STATUS = 0xDF22
    CARDHOLDER_CERTIFICATE = 0x7F21  # ISO 7816-6: PUT DATA of the signature certificate
    CONTROL_REFERENCE_TEMPLATE = 0xAC
    ALGORITHM_REFERENCE = 0x80
    KEY_REFERENCE = 0x84
    PUBLIC_KEY_TEMPLATE = 0x7F49
    RSA_MODULUS = 0x81
    RSA_EXPONENT = 0x82
    EC_POINT = 0x86
    CARD_CAPABILITIES = 0x7F66


@unique
class Lifecycle(IntEnum):
    """The card's product lifecycle, answered by GET DATA DF20."""

    PERSONALIZED = 0x01  # issued, not yet delivered to the holder
    ACTIVE = 0x02  # delivered and activated at an office
    SIGNATURE_ACTIVE = 0x03  # active, with a certified signature key
    BLOCKED = 0x04  # every PIN service is gone (PUK used up): reissue at an office
    TERMINATED = 0x05  # voided: nothing but SELECT answers, and it says deactivated


@unique
class SignatureAlgorithmRef(IntEnum):
    """Algorithm references of the signature key (MSE and GENERATE ASYMMETRIC KEY PAIR)."""

    ECDSA_P256_SHA256 = 0x01
    RSA2048_SHA256_PKCS1 = 0x02


@unique
class SignatureKeyState(IntEnum):
    """GET DATA DF22, first byte."""

    NONE = 0x00
    GENERATED = 0x01  # key on the card, no certificate yet: activation unfinished
    CERTIFIED = 0x02  # certificate written: signature active


class KeyRef(IntEnum):
    """Key references: P2 of INTERNAL AUTHENTICATE and MSE."""

    CHIP_AUTH = 0x01
    SIGNATURE = 0x02


# INTERNAL AUTHENTICATE (chip authentication) takes a challenge of this size.
CHIP_AUTH_CHALLENGE_LENGTH = 32
LDS_VERSION = b"0100"

# ATR (ISO/IEC 7816-3): T=1 only, with its usual interface bytes: TD1 = 81 (T=1, TD2
# follows), TD2 = 31 (TA3 and TB3 follow, T=1), TA3 = FE (IFSC 254), TB3 = 45 (BWI 4,
# CWI 5). Historical bytes in compact-TLV (ISO/IEC 7816-4 section 12.1.1): category 80,
# the application identifier (compact header F7), and card capabilities (73) saying
# selection by DF name / path / FID / short EF identifier, command chaining and extended
# Lc/Le. TCK makes the XOR of T0..TCK zero.
ATR_INTERFACE_BYTES = bytes([0x81, 0x31, 0xFE, 0x45])
ATR_HISTORICAL_BYTES = (bytes([0x80, 0xF0 | len(NID_AID)]) + NID_AID
                        + bytes([0x73, 0xB4, 0x01, 0xC0]))


def _build_atr() -> bytes:
    body = bytes([0x80 | len(ATR_HISTORICAL_BYTES)]) + ATR_INTERFACE_BYTES + ATR_HISTORICAL_BYTES
    tck = 0
    for byte in body:
        tck ^= byte
    return bytes([0x3B]) + body + bytes([tck])


ATR = _build_atr()
