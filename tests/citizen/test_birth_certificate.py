import pytest

from citizen.birth_certificate import (
    SERIES_LETTERS,
    BirthCertificateSerial,
    parse_birth_certificate_serial,
)
from citizen.errors import CitizenDataError, DataProblem
from simulators.personas import BIRTH_CERTIFICATE_SERIAL_RE, generate_persona


@pytest.mark.parametrize("typed", [
    "93-د-619869",
    "93/د/619869",
    "619869/د93",       # as read off the page: serial, then letter and series
    "619869 / 93 د",
    "د93 619869",
    "93د619869",
    "۹۳-د-۶۱۹۸۶۹",
    "٩٣ د ٦١٩٨٦٩",
    "  93 - د - 619869 ",
])
def test_common_typed_forms(typed):
    assert parse_birth_certificate_serial(typed) == BirthCertificateSerial(93, "د", "619869")
    assert parse_birth_certificate_serial(typed).canonical == "93-د-619869"


def test_alef_series_and_single_digit_series():
    for typed in ("12-الف-000123", "12-ا-000123", "12/آ/000123", "000123 الف 12"):
        assert parse_birth_certificate_serial(typed).canonical == "12-الف-000123"
    assert parse_birth_certificate_serial("9 ب 345678").canonical == "09-ب-345678"
    assert parse_birth_certificate_serial("09-ب-345678").series == 9


def test_arabic_letter_spellings_fold():
    assert parse_birth_certificate_serial("20-ي-111111").letter == "ی"
    assert parse_birth_certificate_serial("20-ك-111111").letter == "ک"


@pytest.mark.parametrize("typed", [
    "93-619869",          # no letter
    "د-619869",           # no series
    "93-د",               # no serial
    "93-د-61986",         # 5-digit serial
    "93-د-6198690",       # 7-digit serial
    "123-د-619869",       # 3-digit series
    "00-د-619869",        # series 0
    "93-دد-619869",       # two letters
    "93-A-619869",        # Latin letter
    "93-د-619869-1",      # a fourth part
    "93*د*619869",        # unknown separator
    "93619869د",          # digits run together: no telling series from serial
])
def test_not_serials(typed):
    with pytest.raises(CitizenDataError) as info:
        parse_birth_certificate_serial(typed)
    assert info.value.problem is DataProblem.BIRTH_CERTIFICATE_SERIAL


def test_empty_is_missing():
    with pytest.raises(CitizenDataError) as info:
        parse_birth_certificate_serial(" ")
    assert info.value.problem is DataProblem.MISSING


def test_the_value_checks_itself():
    with pytest.raises(CitizenDataError):
        BirthCertificateSerial(100, "د", "619869")
    with pytest.raises(CitizenDataError):
        BirthCertificateSerial(12, "x", "619869")
    assert len(SERIES_LETTERS) == 32


def test_personas_serials_parse_back_to_themselves():
    for seed in range(40):
        serial = generate_persona(seed).identity.birth_certificate_serial
        assert BIRTH_CERTIFICATE_SERIAL_RE.fullmatch(serial)
        assert parse_birth_certificate_serial(serial).canonical == serial
