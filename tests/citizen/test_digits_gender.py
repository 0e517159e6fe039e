import pytest

from citizen.digits import group_thousands
from citizen.errors import CitizenDataError, DataProblem
from citizen.identity import Gender, parse_gender


def test_group_thousands():
    assert group_thousands(60_000) == "۶۰٬۰۰۰"
    assert group_thousands(259_963) == "۲۵۹٬۹۶۳"
    assert group_thousands(0) == "۰"
    assert group_thousands(999) == "۹۹۹"
    assert group_thousands(1_000_000) == "۱٬۰۰۰٬۰۰۰"
    assert group_thousands(-72_079) == "-۷۲٬۰۷۹"
    assert group_thousands(259_963, persian=False) == "259,963"


@pytest.mark.parametrize("typed, gender", [
    ("1", Gender.MALE), ("۱", Gender.MALE), ("مرد", Gender.MALE), ("Male", Gender.MALE),
    ("2", Gender.FEMALE), ("۲", Gender.FEMALE), ("زن", Gender.FEMALE), ("F", Gender.FEMALE),
    (Gender.FEMALE, Gender.FEMALE),
])
def test_parse_gender(typed, gender):
    assert parse_gender(typed) is gender


def test_parse_gender_refusals():
    with pytest.raises(CitizenDataError) as info:
        parse_gender("3")
    assert info.value.problem is DataProblem.GENDER
    with pytest.raises(CitizenDataError) as info:
        parse_gender("")
    assert info.value.problem is DataProblem.MISSING
