import jdatetime
import pytest

from citizen.digits import normalize_digits
from citizen.errors import CitizenDataError, InvalidNationalCode
from citizen.identity import validate_postal_code
from citizen.jalali import parse_jalali
from citizen.national_code import national_code_check_digit, validate_national_code


def test_known_valid_national_codes():
    for code in ("0499370899", "0790419904", "0084575948", "0067749828"):
        assert validate_national_code(code) == code


def test_persian_and_arabic_indic_digits_are_normalized():
    assert normalize_digits("۰۴۹۹۳۷۰۸۹۹") == "0499370899"
    assert normalize_digits("٠٤٩٩٣٧٠٨٩٩") == "0499370899"
    assert validate_national_code(" ۰۴۹۹۳۷۰۸۹۹ ") == "0499370899"


@pytest.mark.parametrize("code, reason", [
    ("049937089", "10 digits"),
    ("04993708a9", "digits only"),
    ("0499370898", "check digit"),
    ("1111111111", "repeated"),
])
def test_invalid_national_codes_say_why(code, reason):
    with pytest.raises(InvalidNationalCode, match=reason):
        validate_national_code(code)


def test_check_digit_rule():
    assert national_code_check_digit("049937089") == 9


def test_jalali_dates_and_postal_codes():
    assert parse_jalali("13700512") == jdatetime.date(1370, 5, 12)
    with pytest.raises(CitizenDataError):
        parse_jalali("13701312")
    assert validate_postal_code("۱۲۳۴۵-۶۷۸۹۰") == "1234567890"
    with pytest.raises(CitizenDataError):
        validate_postal_code("12345")
