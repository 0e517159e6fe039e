"""The BIT's minutiae limits: byte ranges, min <= max, and the card's own minimum."""

from __future__ import annotations

import pytest

from apdu.biometric_profile import (
    CARD_MAX_MINUTIAE,
    CARD_MIN_MINUTIAE,
    BiometricInfo,
    FingerPosition,
    decode_bit_group,
    encode_bit_group,
)
from apdu.errors import ProfileError
from biometric.compact import DEFAULT_MAX_MINUTIAE, X_ASCENDING
from biometric.matcher import MIN_MINUTIAE
from biometric.quality import CARD_MIN_MINUTIAE as GATE_FLOOR
from simulators.enrolment import enrol_persona


def test_one_card_minimum_everywhere() -> None:
    assert CARD_MIN_MINUTIAE == MIN_MINUTIAE == GATE_FLOOR
    assert CARD_MAX_MINUTIAE == DEFAULT_MAX_MINUTIAE


@pytest.mark.parametrize("low, high", [(-1, 60), (61, 60), (6, 256)])
def test_limits_outside_the_byte_ranges_are_refused(low: int, high: int) -> None:
    with pytest.raises(ProfileError):
        BiometricInfo(0x91, FingerPosition.RIGHT_INDEX, low, high, int(X_ASCENDING))


def test_the_bit_carries_the_cards_limits() -> None:
    enrolment = enrol_persona(90)
    assert (enrolment.min_minutiae, enrolment.max_minutiae) == (CARD_MIN_MINUTIAE, 60)
    info = BiometricInfo(0x91, FingerPosition.RIGHT_INDEX, enrolment.min_minutiae,
                         enrolment.max_minutiae, enrolment.minutiae_order)
    raw = encode_bit_group([info])
    assert bytes.fromhex("81020" + f"{CARD_MIN_MINUTIAE:X}" + "3C") in raw
    assert decode_bit_group(raw) == [info]
