"""Match-on-card values shared by chip and client: references, the BIT, the data template.

The biometric information template group (ISO/IEC 7816-11, GET DATA 7F61):

    7F61 { 02 01 n
           7F60 { 83 01 ref
                  A1 { 81 01 08 (fingerprint)  82 01 subtype  87 02 0101  88 02 0003 }
                  B1 { 81 02 min max   82 01 minutiae-order   83 01 00 } } ... }

87/88 are the CBEFF format owner (ISO/IEC JTC 1 SC 37) and type (19794-2 compact card);
B1 holds the 19794-2 biometric algorithm parameters the probe must respect. Fingers are
:class:`FingerPosition` values, never names: each face words them in its language.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from enum import IntEnum, unique

from apdu import tlv
from apdu.errors import ProfileError, TlvError

BIO_MAX_TRIES = 5


@unique
class FingerPosition(IntEnum):
    """ISO/IEC 19794-2 finger position codes (as in ANSI/NIST-ITL), 0 when unknown."""

    UNKNOWN = 0
    RIGHT_THUMB = 1
    RIGHT_INDEX = 2
    RIGHT_MIDDLE = 3
    RIGHT_RING = 4
    RIGHT_LITTLE = 5
    LEFT_THUMB = 6
    LEFT_INDEX = 7
    LEFT_MIDDLE = 8
    LEFT_RING = 9
    LEFT_LITTLE = 10

    @property
    def subtype(self) -> int:
        """ISO/IEC 7816-11 (CBEFF) biometric subtype: 0x01 right / 0x02 left, then the
        finger in bits 3-5 (thumb 0x04, index 0x08, middle 0x0C, ring 0x10, little 0x14)."""
        if self is FingerPosition.UNKNOWN:
            return 0x00
        side, finger = (0x01, self.value) if self.value <= 5 else (0x02, self.value - 5)
        return side | finger << 2

    @classmethod
    def from_subtype(cls, subtype: int) -> FingerPosition:
        """The position a BIT's subtype byte names; ValueError for one naming no finger."""
        position = _BY_SUBTYPE.get(subtype)
        if position is None:
            raise ValueError(f"biometric subtype 0x{subtype:02X} names no finger")
        return position


_BY_SUBTYPE = {p.subtype: p for p in FingerPosition}

# reference (P2 of VERIFY) -> the enrolled finger it holds
FINGER_REFERENCES: dict[int, FingerPosition] = {
    0x91: FingerPosition.RIGHT_INDEX,
    0x92: FingerPosition.LEFT_INDEX,
}


def reference_for(position: FingerPosition) -> int:
    """The VERIFY reference of an enrolled finger; KeyError for a finger the card lacks."""
    for reference, enrolled in FINGER_REFERENCES.items():
        if enrolled is position:
            return reference
    raise KeyError(position)

TAG_BIT_GROUP = 0x7F61
TAG_BIT = 0x7F60
TAG_BHT = 0xA1
TAG_ALGORITHM_PARAMETERS = 0xB1
TAG_BIOMETRIC_DATA_TEMPLATE = 0x7F2E
TAG_BIOMETRIC_DATA = 0x81
BIOMETRIC_TYPE_FINGERPRINT = 0x08
FORMAT_OWNER_SC37 = bytes.fromhex("0101")
FORMAT_TYPE_COMPACT_CARD = bytes.fromhex("0003")


# The BIT's count limits (B1 { 81 min max }) are one byte each, min <= max. A compact card
# template's coordinates are bytes of 0.1 mm, so minutiae beyond 25.5 mm cannot be sent.
COUNT_BYTE_MAX = 255
# The card's own limits: below CARD_MIN_MINUTIAE its matcher cannot align two templates at
# all (it needs pairs of pairs); above CARD_MAX_MINUTIAE its memory and time budget end.
CARD_MIN_MINUTIAE = 6
CARD_MAX_MINUTIAE = 60


@dataclass(frozen=True)
class BiometricInfo:
    """One enrolled finger as the BIT describes it; limits outside the byte ranges or
    in the wrong order raise :class:`ProfileError`."""

    reference: int
    finger_position: FingerPosition
    min_minutiae: int
    max_minutiae: int
    minutiae_order: int

    def __post_init__(self) -> None:
        if not 0 <= self.min_minutiae <= self.max_minutiae <= COUNT_BYTE_MAX:
            raise ProfileError(
                f"minutiae limits {self.min_minutiae}..{self.max_minutiae} are not "
                f"0 <= min <= max <= {COUNT_BYTE_MAX}")
        if not 0 <= self.minutiae_order <= 0xFF:
            raise ProfileError(f"minutiae order 0x{self.minutiae_order:X} is not a byte")

    @property
    def finger_name(self) -> str:
        """Deprecated: English only. Word ``finger_position`` in the face instead."""
        warnings.warn("BiometricInfo.finger_name is English only; word finger_position",
                      DeprecationWarning, stacklevel=2)
        if self.finger_position is FingerPosition.UNKNOWN:
            return "finger"
        return self.finger_position.name.lower().replace("_", " ") + " finger"


def encode_bit_group(infos: list[BiometricInfo]) -> bytes:
    bits = [
        tlv.build(TAG_BIT, [
            tlv.build(0x83, bytes([i.reference])),
            tlv.build(TAG_BHT, [
                tlv.build(0x81, bytes([BIOMETRIC_TYPE_FINGERPRINT])),
                tlv.build(0x82, bytes([FingerPosition(i.finger_position).subtype])),
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
                ref, FingerPosition.from_subtype(tlv.require(bht, 0x82).value[0]), low, high,
                tlv.require(params, 0x82).value[0]))
        return infos
    except (TlvError, ValueError, KeyError, IndexError) as exc:
        raise ProfileError(f"biometric information template is malformed: {exc}") from exc


def biometric_data_template(minutiae: bytes) -> bytes:
    """The VERIFY data field: 7F2E { 81 compact minutiae }."""
    return tlv.build(TAG_BIOMETRIC_DATA_TEMPLATE,
                     [tlv.build(TAG_BIOMETRIC_DATA, minutiae)]).encode()
