"""Fingers are ISO/IEC 19794-2 positions on the card's BIT, not English names."""

from __future__ import annotations

import pytest

from apdu import tlv
from apdu.biometric_profile import (
    FINGER_REFERENCES,
    TAG_BHT,
    TAG_BIT,
    TAG_BIT_GROUP,
    BiometricInfo,
    FingerPosition,
    decode_bit_group,
    encode_bit_group,
    reference_for,
)
from apdu.client import NidCard
from apdu.errors import ProfileError
from apdu.transport import DirectTransport
from simulators.fingers import FINGER_POSITIONS, persona_finger_seed


def test_positions_are_the_iso_codes() -> None:
    assert [int(p) for p in FingerPosition] == list(range(11))
    assert FingerPosition.UNKNOWN == 0 and FingerPosition.RIGHT_THUMB == 1
    assert FingerPosition.RIGHT_INDEX == 2 and FingerPosition.LEFT_INDEX == 7
    assert FingerPosition.LEFT_LITTLE == 10
    assert FINGER_POSITIONS == tuple(FingerPosition)[1:]


def test_subtypes_on_the_wire() -> None:
    # ISO/IEC 7816-11 / CBEFF: 0x01 right, 0x02 left; thumb 0x04 ... little 0x14
    assert FingerPosition.RIGHT_INDEX.subtype == 0x09  # the bytes the card sent before
    assert FingerPosition.LEFT_INDEX.subtype == 0x0A
    assert FingerPosition.RIGHT_THUMB.subtype == 0x05
    assert FingerPosition.LEFT_LITTLE.subtype == 0x16
    assert FingerPosition.UNKNOWN.subtype == 0x00
    for position in FingerPosition:
        assert FingerPosition.from_subtype(position.subtype) is position
    with pytest.raises(ValueError):
        FingerPosition.from_subtype(0x03)  # both hands, no finger


def test_bit_round_trip_gives_enum_members() -> None:
    infos = [BiometricInfo(0x90 + int(p), p, 12, 60, 0x11) for p in FingerPosition]
    decoded = decode_bit_group(encode_bit_group(infos))
    assert decoded == infos
    assert all(type(info.finger_position) is FingerPosition for info in decoded)


def test_a_subtype_naming_no_finger_is_a_profile_error() -> None:
    raw = bytearray(encode_bit_group([BiometricInfo(0x91, FingerPosition.RIGHT_INDEX,
                                                    12, 60, 0x11)]))
    group = tlv.decode_single(bytes(raw), TAG_BIT_GROUP)
    bit = tlv.require(group.children(), TAG_BIT)
    subtype = tlv.require(tlv.require(bit.children(), TAG_BHT).children(), 0x82)
    at = bytes(raw).index(subtype.encode())
    raw[at + 2] = 0x03
    with pytest.raises(ProfileError):
        decode_bit_group(bytes(raw))


def test_the_chip_names_its_enrolled_fingers(cards) -> None:  # noqa: ANN001
    chip = cards.chip(7, persistent=False, fingers=True)
    card = NidCard(DirectTransport(chip.process, chip.atr))
    infos = {info.reference: info.finger_position for info in card.biometric_info()}
    assert infos == FINGER_REFERENCES
    assert infos == {0x91: FingerPosition.RIGHT_INDEX, 0x92: FingerPosition.LEFT_INDEX}
    assert reference_for(FingerPosition.LEFT_INDEX) == 0x92
    with pytest.raises(KeyError):
        reference_for(FingerPosition.LEFT_THUMB)


def test_finger_name_is_deprecated_but_still_there() -> None:
    info = BiometricInfo(0x91, FingerPosition.RIGHT_INDEX, 12, 60, 0x11)
    with pytest.deprecated_call():
        assert info.finger_name == "right index finger"  # what the current CLI prints


def test_persona_fingers_by_position_keep_their_seeds() -> None:
    assert persona_finger_seed(42, FingerPosition.LEFT_INDEX) == persona_finger_seed(42, 7)
