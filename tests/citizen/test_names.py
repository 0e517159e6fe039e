import pytest

from citizen.errors import CitizenDataError, DataProblem
from citizen.names import ZWNJ, normalize_persian_name, validate_persian_name


def test_arabic_yeh_and_kaf_become_persian():
    assert normalize_persian_name("علي") == "علی"        # U+064A -> U+06CC
    assert normalize_persian_name("كبري") == "کبری"      # U+0643 -> U+06A9
    assert normalize_persian_name("مصطفى") == "مصطفی"    # alef maksura -> yeh
    assert normalize_persian_name("زهرا") == "زهرا"


def test_zwnj_is_kept_and_decoration_goes():
    assert normalize_persian_name(f"حسن{ZWNJ}زاده") == f"حسن{ZWNJ}زاده"
    assert normalize_persian_name(f"حسن {ZWNJ}{ZWNJ} زاده") == f"حسن{ZWNJ}زاده"
    assert normalize_persian_name("محمّد") == "محمد"          # shadda
    assert normalize_persian_name("فاطـــمه") == "فاطمه"      # tatweel
    assert normalize_persian_name("  فاطمه   زهرا ") == "فاطمه زهرا"


def test_valid_names():
    assert validate_persian_name("كوثر", "mother_name") == "کوثر"
    assert validate_persian_name("ژیلا") == "ژیلا"
    assert validate_persian_name("آزاده") == "آزاده"
    assert validate_persian_name("مؤمنه") == "مؤمنه"
    assert validate_persian_name("ام البنین") == "ام البنین"


@pytest.mark.parametrize("typed, problem", [
    ("", DataProblem.MISSING),
    ("   ", DataProblem.MISSING),
    ("Maryam", DataProblem.NAME_NOT_PERSIAN),
    ("مریم2", DataProblem.NAME_NOT_PERSIAN),
    ("مریم۲", DataProblem.NAME_NOT_PERSIAN),
    ("مریم!", DataProblem.NAME_NOT_PERSIAN),
    ("ن", DataProblem.NAME_LENGTH),
    ("ن" * 51, DataProblem.NAME_LENGTH),
])
def test_invalid_names_say_why(typed, problem):
    with pytest.raises(CitizenDataError) as info:
        validate_persian_name(typed, "mother_name")
    assert info.value.problem is problem
    assert info.value.field == "mother_name"
