import pytest

from citizen.errors import CitizenDataError, DataProblem
from citizen.mobile import grouped_mobile, international_mobile, validate_mobile


@pytest.mark.parametrize("typed", [
    "09123456789", "0912 345 6789", "0912-345-6789", "+989123456789", "+98 912 345 6789",
    "00989123456789", "0098 (912) 345-6789", "989123456789", "9123456789",
    "۰۹۱۲۳۴۵۶۷۸۹", "٠٩١٢٣٤٥٦٧٨٩", "+۹۸۹۱۲۳۴۵۶۷۸۹", " ۰۹۱۲ ۳۴۵ ۶۷۸۹ ",
])
def test_every_common_form_folds_to_09(typed):
    assert validate_mobile(typed) == "09123456789"


@pytest.mark.parametrize("typed", [
    "0912345678",      # 10 digits
    "091234567890",    # 12 digits
    "02112345678",     # a Tehran landline
    "+4479123456789",  # not Iran
    "0912345678a",
    "+98 21 1234 5678",
])
def test_not_mobile_numbers(typed):
    with pytest.raises(CitizenDataError) as info:
        validate_mobile(typed)
    assert info.value.problem is DataProblem.MOBILE
    assert info.value.field == "mobile"


def test_empty_is_missing():
    with pytest.raises(CitizenDataError) as info:
        validate_mobile("  ")
    assert info.value.problem is DataProblem.MISSING


def test_shown_forms():
    assert international_mobile("۰۹۳۵ ۱۱۱ ۲۲۳۳") == "+989351112233"
    assert grouped_mobile("+989351112233") == "0935 111 2233"
