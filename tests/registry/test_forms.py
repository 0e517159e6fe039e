"""The citizen's forms: every problem at once, as data; the review."""

import random

import jdatetime
import pytest

from citizen.birth_certificate import BirthCertificateSerial
from citizen.errors import DataProblem
from citizen.identity import Gender
from registry.errors import InvalidForm, RegistryError
from registry.forms import (
    Field,
    FieldProblem,
    PreRegistrationForm,
    check_pre_registration,
    check_recovery,
    check_status_query,
    review,
)
from registry.tracking import CodeProblem, new_tracking_code

D = jdatetime.date
TODAY = D(1403, 8, 1)
GOOD = PreRegistrationForm(
    mobile="۰۹۱۲ ۳۴۵ ۶۷۸۹",
    national_code="۰۴۹۹۳۷۰۸۹۹",
    birth_certificate_serial="۶۱۹۸۶۹/د۹۳",
    birth_date="۱۳۷۰/۵/۱۲",
    mother_name="كبري",
    gender="زن",
)


def test_a_good_form_in_persian_digits():
    checked = check_pre_registration(GOOD, TODAY)
    assert checked.ok and checked.problems == ()
    reg = checked.require()
    assert reg.mobile == "09123456789"
    assert reg.national_code == "0499370899"
    assert reg.birth_certificate_serial == BirthCertificateSerial(93, "د", "619869")
    assert reg.birth_date == D(1370, 5, 12)
    assert reg.mother_name == "کبری"
    assert reg.gender is Gender.FEMALE


def test_every_problem_is_returned_at_once():
    bad = PreRegistrationForm(mobile="0212345678", national_code="1111111111",
                              birth_certificate_serial="93-د", birth_date="1370/13/01",
                              mother_name="Kobra", gender="x")
    checked = check_pre_registration(bad, TODAY)
    assert not checked.ok and checked.value is None
    assert checked.problems == (
        FieldProblem(Field.MOBILE, DataProblem.MOBILE),
        FieldProblem(Field.NATIONAL_CODE, DataProblem.NATIONAL_CODE_REPEATED),
        FieldProblem(Field.BIRTH_CERTIFICATE_SERIAL, DataProblem.BIRTH_CERTIFICATE_SERIAL),
        FieldProblem(Field.BIRTH_DATE, DataProblem.DATE_INVALID),
        FieldProblem(Field.MOTHER_NAME, DataProblem.NAME_NOT_PERSIAN),
        FieldProblem(Field.GENDER, DataProblem.GENDER),
    )
    with pytest.raises(InvalidForm) as info:
        checked.require()
    assert info.value.problems == checked.problems
    assert isinstance(info.value, RegistryError)


def test_an_empty_form_is_missing_everything():
    checked = check_pre_registration(PreRegistrationForm(), TODAY)
    assert checked.problems == tuple(FieldProblem(f, DataProblem.MISSING) for f in (
        Field.MOBILE, Field.NATIONAL_CODE, Field.BIRTH_CERTIFICATE_SERIAL, Field.BIRTH_DATE,
        Field.MOTHER_NAME, Field.GENDER))


@pytest.mark.parametrize("field, value, problem", [
    ("national_code", "0499370898", DataProblem.NATIONAL_CODE_CHECK_DIGIT),
    ("national_code", "049937089", DataProblem.NATIONAL_CODE_LENGTH),
    ("birth_date", "1370-05", DataProblem.DATE_FORMAT),
    ("birth_date", "1404/12/30", DataProblem.DATE_INVALID),   # 1404 is not leap
    ("birth_date", "1403/08/02", DataProblem.DATE_IN_FUTURE),  # the day after today
    ("mother_name", "م", DataProblem.NAME_LENGTH),
])
def test_one_field_wrong(field, value, problem):
    form = PreRegistrationForm(**{**GOOD.__dict__, field: value})
    checked = check_pre_registration(form, TODAY)
    assert [(p.field.value.replace("-", "_"), p.problem) for p in checked.problems] == \
        [(field, problem)]


def test_birth_date_today_and_as_a_date_value():
    form = PreRegistrationForm(**{**GOOD.__dict__, "birth_date": TODAY})
    assert check_pre_registration(form, TODAY).require().birth_date == TODAY
    form = PreRegistrationForm(**{**GOOD.__dict__, "birth_date": "1403/8/1"})
    assert check_pre_registration(form, TODAY).ok


def test_the_review_shows_what_will_be_kept_in_the_forms_order():
    page = review(check_pre_registration(GOOD, TODAY).require())
    assert [(line.field, line.value) for line in page.lines] == [
        (Field.MOBILE, "0912 345 6789"),
        (Field.NATIONAL_CODE, "049-937089-9"),
        (Field.BIRTH_CERTIFICATE_SERIAL, "93-د-619869"),
        (Field.BIRTH_DATE, "1370/05/12"),
        (Field.MOTHER_NAME, "کبری"),
        (Field.GENDER, Gender.FEMALE),
    ]
    assert page.registration.national_code == "0499370899"


def test_recovery_needs_national_code_and_birth_date():
    ok = check_recovery("٠٤٩٩٣٧٠٨٩٩", "۱۳۷۰-۰۵-۱۲", TODAY).require()
    assert (ok.national_code, ok.birth_date) == ("0499370899", D(1370, 5, 12))
    bad = check_recovery("", "1403/08/02", TODAY)
    assert bad.problems == (FieldProblem(Field.NATIONAL_CODE, DataProblem.MISSING),
                            FieldProblem(Field.BIRTH_DATE, DataProblem.DATE_IN_FUTURE))


def test_status_query_needs_national_code_and_tracking_code():
    code = new_tracking_code(random.Random(3).randrange)
    persian = code.grouped.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    query = check_status_query("0499370899", persian).require()
    assert query.tracking_code == code and query.national_code == "0499370899"
    typo = code.digits[:-1] + str((int(code.digits[-1]) + 1) % 10)
    bad = check_status_query("0499370899", typo)
    assert bad.problems == (FieldProblem(Field.TRACKING_CODE, CodeProblem.CHECK_DIGIT),)
    assert check_status_query("x", "").problems == (
        FieldProblem(Field.NATIONAL_CODE, DataProblem.NATIONAL_CODE_LENGTH),
        FieldProblem(Field.TRACKING_CODE, CodeProblem.MISSING))
