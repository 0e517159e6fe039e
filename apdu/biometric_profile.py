"""Match-on-card values shared by chip and client: references, the BIT, the data template.

The biometric information template group (ISO/IEC 7816-11, GET DATA 7F61):

    7F61 { 02 01 n
           7F60 { 83 01 ref
                  A1 { 81 01 08 (fingerprint)  82 01 subtype  87 02 0101  88 02 0003 }
                  B1 { 81 02 min max   82 01 minutiae-order   83 01 00 } } ... }

87/88 are the CBEFF format owner (ISO/IEC JTC 1 SC 37) and type (19794-2 compact card);
B1 holds the 19794-2 biometric algorithm parameters the probe must respect.
"""

from __future__ import annotations

from dataclasses import dataclass

from apdu import tlv
from apdu.errors import ProfileError, TlvError

BIO_MAX_TRIES = 5
# reference (P2 of VERIFY) -> ISO/IEC 19794-2 finger position
FINGER_REFERENCES: dict[int, int] = {0x91: 2, 0x92: 7}  # right index, left index
FINGER_NAMES = {2: "right index finger", 7: "left index finger"}
# ISO/IEC 7816-11 biometric subtype: bit 1 right / bit 2 left, then the finger
_SUBTYPE = {2: 0x01 | 0x08, 7: 0x02 | 0x08}

TAG_BIT_GROUP = 0x7F61
TAG_BIT = 0x7F60
TAG_BHT = 0xA1
TAG_ALGORITHM_PARAMETERS = 0xB1
TAG_BIOMETRIC_DATA_TEMPLATE = 0x7F2E
TAG_BIOMETRIC_DATA = 0x81
BIOMETRIC_TYPE_FINGERPRINT = 0x08
FORMAT_OWNER_SC37 = bytes.fromhex("0101")
FORMAT_TYPE_COMPACT_CARD = bytes.fromhex("0003")


@dataclass(frozen=True)
class BiometricInfo:
    """One enrolled finger as the BIT describes it."""

    reference: int
    finger_position: int
    min_minutiae: int
    max_minutiae: int
    minutiae_order: int

    @property
    def finger_name(self) -> str:
        return FINGER_NAMES.get(self.finger_position, f"finger {self.finger_position}")


def encode_bit_group(infos: list[BiometricInfo]) -> bytes:
    bits = [
        tlv.build(TAG_BIT, [
            tlv.build(0x83, bytes([i.reference])),
            tlv.build(TAG_BHT, [
                tlv.build(0x81, bytes([BIOMETRIC_TYPE_FINGERPRINT])),
                tlv.build(0x82, bytes([_SUBTYPE[i.finger_position]])),
                tlv.build(0x87, FORMAT_OWNER_SC37),
                tlv.build(0x88, FORMAT_TYPE_COMPACT_CARD),
            ]),
            tlv.build(TAG_ALGORITHM_PARAMETERS, [
                tlv.build(0x81, bytes([i.min_minutiae, i.max_minutiae])),
                tlv.build(0x82, bytes([i.minutiae_order])),
                tlv.build(0x83, b"\x00"),
            ]),
        ])
        for i in infos
    ]
    return tlv.build(TAG_BIT_GROUP, [tlv.build(0x02, bytes([len(bits)])), *bits]).encode()


def decode_bit_group(raw: bytes) -> list[BiometricInfo]:
    by_subtype = {v: k for k, v in _SUBTYPE.items()}
    try:
        children = tlv.decode_single(raw, TAG_BIT_GROUP).children()
        infos = []
        for bit in (c for c in children if c.tag == TAG_BIT):
            fields = bit.children()
            ref = tlv.require(fields, 0x83).value[0]
            bht = tlv.require(fields, TAG_BHT).children()
            if tlv.require(bht, 0x88).value != FORMAT_TYPE_COMPACT_CARD:
                raise ProfileError("the card wants a template format we do not produce")
            params = tlv.require(fields, TAG_ALGORITHM_PARAMETERS).children()
            low, high = tlv.require(params, 0x81).value
            infos.append(BiometricInfo(
                ref, by_subtype[tlv.require(bht, 0x82).value[0]], low, high,
                tlv.require(params, 0x82).value[0]))
        return infos
    except (TlvError, ValueError, KeyError, IndexError) as exc:
        raise ProfileError(f"biometric information template is malformed: {exc}") from exc


def biometric_data_template(minutiae: bytes) -> bytes:
    """The VERIFY data field: 7F2E { 81 compact minutiae }."""
    return tlv.build(TAG_BIOMETRIC_DATA_TEMPLATE,
                     [tlv.build(TAG_BIOMETRIC_DATA, minutiae)]).encode()
