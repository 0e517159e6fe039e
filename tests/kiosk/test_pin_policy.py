import jdatetime
import pytest

from apdu.pins import PinRef
from kiosk.pin_policy import Holder, PinPolicyError, PolicyReason, check_new_pin

HOLDER = Holder(jdatetime.date(1370, 5, 12), "0499370899")


@pytest.mark.parametrize("pin, reason", [
    ("12a4", PolicyReason.NOT_DIGITS),
    ("123", PolicyReason.LENGTH),
    ("123456789", PolicyReason.LENGTH),
    ("7777", PolicyReason.ONE_DIGIT),
    ("3456", PolicyReason.SEQUENCE),
    ("876543", PolicyReason.SEQUENCE),
    ("890123", PolicyReason.SEQUENCE),
    ("1370", PolicyReason.BIRTH_YEAR),
    ("519912", PolicyReason.BIRTH_YEAR),   # Gregorian 1991
    ("370899", PolicyReason.NATIONAL_CODE),
])
def test_guessable_pins_are_refused_with_a_reason(pin, reason):
    with pytest.raises(PinPolicyError) as info:
        check_new_pin(pin, PinRef.PIN1, HOLDER)
    assert info.value.reason is reason


def test_persian_and_arabic_indic_digits_are_accepted_and_normalized():
    assert check_new_pin("۲۴۶۸۱۳", PinRef.PIN1, HOLDER, confirmation="٢٤٦٨١٣") == "246813"


def test_typed_twice_and_changed():
    with pytest.raises(PinPolicyError) as info:
        check_new_pin("246813", PinRef.PIN1, HOLDER, confirmation="246814")
    assert info.value.reason is PolicyReason.MISMATCH
    with pytest.raises(PinPolicyError) as info:
        check_new_pin("246813", PinRef.PIN1, HOLDER, old="۲۴۶۸۱۳")
    assert info.value.reason is PolicyReason.UNCHANGED


def test_pin2_needs_six_digits():
    with pytest.raises(PinPolicyError):
        check_new_pin("2468", PinRef.PIN2, HOLDER)
    assert check_new_pin("246813", PinRef.PIN2, HOLDER) == "246813"
