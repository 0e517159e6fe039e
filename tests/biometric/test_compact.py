"""ISO/IEC 19794-2 compact card format: packing, units, pruning, ordering, strict decoding."""

from __future__ import annotations

import math

import pytest

from biometric.compact import (
    ANGLE_ASCENDING,
    X_ASCENDING,
    Y_ASCENDING,
    CompactMinutia,
    MinutiaeOrder,
    decode_compact,
    encode_compact,
    pack,
    prune,
    sort_minutiae,
)
from biometric.errors import BiometricError, TemplateFormatError
from biometric.minutia import Minutia, MinutiaType


def _m(
    x: float, y: float, deg: float, kind: MinutiaType = MinutiaType.ENDING, q: int = 80
) -> Minutia:
    return Minutia(x, y, math.radians(deg), kind, q)


def test_one_minutia_packs_to_the_expected_three_bytes() -> None:
    # 100 px = 5.08 mm -> 51 units; 200 px -> 101.6 -> 102; 90 deg = 16 x 5.625 deg.
    data = encode_compact([_m(100, 200, 90)])
    assert data == bytes([51, 102, 0b01_010000])
    data = encode_compact([_m(0, 0, 358, MinutiaType.BIFURCATION)])
    assert data == bytes([0, 0, 0b10_000000])  # 358 deg rounds to 64 steps, i.e. 0


def test_round_trip_keeps_values_within_quantization() -> None:
    minutiae = [
        _m(12.3, 40.9, 0.0),
        _m(250.0, 280.0, 123.4, MinutiaType.BIFURCATION),
        _m(128.0, 5.0, 359.0, MinutiaType.OTHER),
    ]
    decoded = decode_compact(encode_compact(minutiae))
    assert len(decoded) == 3
    for m, c in zip(minutiae, decoded):
        assert abs(c.x / 10 - m.x * 0.0508) <= 0.05 + 1e-9
        assert abs(c.y / 10 - m.y * 0.0508) <= 0.05 + 1e-9
        gap = abs((c.angle_radians - m.angle + math.pi) % (2 * math.pi) - math.pi)
        assert gap <= math.pi / 64 + 1e-9
        assert c.type is m.type


def test_decode_rejects_length_not_multiple_of_three() -> None:
    with pytest.raises(TemplateFormatError, match="multiple of 3"):
        decode_compact(bytes(7))


def test_decode_rejects_reserved_type_and_non_bytes() -> None:
    with pytest.raises(TemplateFormatError, match="reserved"):
        decode_compact(bytes([10, 10, 0b11_000001]))
    with pytest.raises(TemplateFormatError):
        decode_compact("abc")  # type: ignore[arg-type]


def test_decode_enforces_maximum_count_and_declared_order() -> None:
    data = pack(
        [CompactMinutia(5, 1, MinutiaType.ENDING, 0), CompactMinutia(2, 9, MinutiaType.ENDING, 3)]
    )
    with pytest.raises(TemplateFormatError, match="exceed"):
        decode_compact(data, max_count=1)
    with pytest.raises(TemplateFormatError, match="order"):
        decode_compact(data, order=X_ASCENDING)
    assert len(decode_compact(data, order=Y_ASCENDING)) == 2


def test_errors_share_the_package_base_and_value_error() -> None:
    with pytest.raises(BiometricError):
        decode_compact(b"\x00")
    with pytest.raises(ValueError):
        decode_compact(b"\x00")


def test_out_of_range_values_are_refused() -> None:
    with pytest.raises(TemplateFormatError):
        CompactMinutia(256, 0, MinutiaType.ENDING, 0)
    with pytest.raises(TemplateFormatError):
        CompactMinutia(0, 0, MinutiaType.ENDING, 64)
    with pytest.raises(TemplateFormatError, match="25.5 mm"):
        CompactMinutia.from_minutia(_m(600, 10, 0))  # 30.5 mm does not fit a byte of 0.1 mm


def test_encoder_drops_minutiae_beyond_25_5_mm_as_nist_does() -> None:
    near, far, negative = _m(100, 10, 0), _m(600, 10, 0), _m(-40, 10, 0)
    data = encode_compact([far, near, negative])
    assert decode_compact(data) == (CompactMinutia.from_minutia(near),)
    assert encode_compact([far]) == b""
    # Dropped before pruning: the encodable ones are kept up to the maximum.
    assert len(decode_compact(encode_compact([far, near, _m(50, 50, 0)], max_count=2))) == 2


def test_prune_drops_lowest_quality_then_farthest_from_centre() -> None:
    minutiae = [
        _m(100, 100, 10, q=90),
        _m(110, 100, 10, q=20),  # lowest quality: removed first
        _m(105, 105, 10, q=60),
        _m(300, 300, 10, q=60),  # same quality, farther from the centre: removed next
    ]
    kept = prune(minutiae, 2)
    assert [(m.x, m.y) for m in kept] == [(100, 100), (105, 105)]
    assert prune(minutiae, 10) == minutiae


def test_encode_prunes_to_the_card_maximum() -> None:
    many = [_m(10 + 4 * i, 20 + 3 * i, 7 * i, q=i % 100) for i in range(80)]
    data = encode_compact(many, max_count=60)
    assert len(data) == 60 * 3
    kept_quality = sorted(m.quality for m in prune(many, 60))
    assert kept_quality[0] >= 20  # the 20 weakest went first


@pytest.mark.parametrize(
    ("order", "key", "reverse"),
    [
        (X_ASCENDING, lambda m: (m.x, m.y), False),
        (Y_ASCENDING, lambda m: (m.y, m.x), False),
        (ANGLE_ASCENDING, lambda m: m.angle, False),
        (MinutiaeOrder.CARTESIAN_XY | MinutiaeOrder.DESCENDING, lambda m: (m.x, m.y), True),
    ],
)
def test_sort_orders(order: MinutiaeOrder, key, reverse: bool) -> None:
    minutiae = [_m(10 * ((i * 7) % 11), 10 * ((i * 5) % 13), (i * 47) % 360) for i in range(12)]
    decoded = decode_compact(encode_compact(minutiae, order=order), order=order)
    assert list(decoded) == sorted(decoded, key=key, reverse=reverse)


def test_polar_order_goes_outwards_from_the_centre_of_mass() -> None:
    ms = [
        CompactMinutia(50 + dx, 50 + dy, MinutiaType.ENDING, 0)
        for dx, dy in ((20, 0), (0, 0), (5, 5), (-10, 0))
    ]
    order = MinutiaeOrder.POLAR | MinutiaeOrder.ASCENDING
    out = sort_minutiae(ms, order)
    cx = sum(m.x for m in ms) / 4
    cy = sum(m.y for m in ms) / 4
    dist = [math.hypot(m.x - cx, m.y - cy) for m in out]
    assert dist == sorted(dist)


def test_no_order_keeps_encoding_order_and_bad_orders_are_refused() -> None:
    ms = [_m(200, 10, 0), _m(10, 200, 0)]
    decoded = decode_compact(encode_compact(ms, order=MinutiaeOrder.NONE))
    assert decoded[0].x > decoded[1].x
    with pytest.raises(TemplateFormatError):
        encode_compact(ms, order=MinutiaeOrder.CARTESIAN_XY)  # no direction bit
    with pytest.raises(TemplateFormatError):
        encode_compact(ms, order=X_ASCENDING | MinutiaeOrder.X_OR_Y_EXTENSION)


def test_wire_values_follow_the_standard() -> None:
    assert MinutiaType.ENDING == 0b01 and MinutiaType.BIFURCATION == 0b10
    assert int(X_ASCENDING) == 0x05 and int(Y_ASCENDING) == 0x09 and int(ANGLE_ASCENDING) == 0x0D
