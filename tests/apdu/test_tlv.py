import random

import pytest

from apdu import tlv
from apdu.errors import TlvError


def test_round_trip_multi_byte_tags_and_lengths():
    inner = [tlv.build(0x5F2B, b"13700512"), tlv.build(0x9F8101, b"x" * 300)]
    outer = tlv.build(0x7F61, inner)
    encoded = outer.encode()
    assert encoded[:2] == b"\x7f\x61"
    decoded = tlv.decode_single(encoded, 0x7F61)
    children = decoded.children()
    assert [c.tag for c in children] == [0x5F2B, 0x9F8101]
    assert children[1].value == b"x" * 300


@pytest.mark.parametrize("length, encoded", [(0, b"\x00"), (127, b"\x7f"), (128, b"\x81\x80"),
                                             (255, b"\x81\xff"), (256, b"\x82\x01\x00"),
                                             (70000, b"\x83\x01\x11\x70")])
def test_length_encoding(length, encoded):
    assert tlv.encode_length(length) == encoded


@pytest.mark.parametrize("raw, message", [
    (b"", "missing tag"),
    (b"\x5f", "tag runs past"),
    (b"\x5f\x81\x82\x83\x04\x00", "longer than four"),
    (b"\x04", "missing length"),
    (b"\x04\x80", "indefinite"),
    (b"\x04\x85\x00\x00\x00\x00\x01", "length field of 5"),
    (b"\x04\x82\x01", "runs past the end"),
    (b"\x04\x05abc", "declares 5 bytes, only 3"),
    (b"\x00\x00", "invalid tag byte"),
])
def test_malformed_structures_raise_tlv_error(raw, message):
    with pytest.raises(TlvError, match=message):
        tlv.decode_single(raw)


def test_trailing_bytes_and_wrong_tag_are_errors():
    with pytest.raises(TlvError, match="trailing"):
        tlv.decode_single(b"\x04\x01a\x00")
    with pytest.raises(TlvError, match="expected tag 61"):
        tlv.decode_single(b"\x04\x01a", 0x61)


def test_primitive_has_no_children():
    with pytest.raises(TlvError, match="primitive"):
        tlv.Tlv(0x04, b"\x04\x00").children()


def test_random_bytes_only_ever_raise_tlv_error():
    rng = random.Random(7)
    for _ in range(5000):
        raw = bytes(rng.randrange(256) for _ in range(rng.randrange(12)))
        try:
            for item in tlv.decode_all(raw):
                if item.constructed:
                    item.children()
        except TlvError:
            pass


def test_encode_tag_rejects_malformed_tags():
    with pytest.raises(TlvError):
        tlv.encode_tag(0x9F7F01)
    assert tlv.encode_tag(0x9F8101) == b"\x9f\x81\x01"
