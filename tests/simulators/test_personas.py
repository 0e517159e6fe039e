"""Synthetic citizens: deterministic, distinct, and valid by every rule the card data obeys."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import jdatetime
import pytest
from PIL import Image

from citizen.errors import CitizenDataError
from citizen.identity import Address, Gender, Identity, validate_postal_code
from citizen.jalali import format_jalali
from citizen.national_code import validate_national_code
from simulators.face import face_photo_jpeg
from simulators.personas import (
    BIRTH_CERTIFICATE_SERIAL_RE,
    CARD_SERIAL_RE,
    POSTAL_CODE_RE,
    Persona,
    _add_years,
    generate_persona,
)

TODAY = jdatetime.date(1404, 5, 10)
SEEDS = range(500)
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def crowd() -> list[Persona]:
    return [generate_persona(seed, today=TODAY) for seed in SEEDS]


def _is_persian_text(text: str) -> bool:
    """Arabic-script letters only (plus space and ZWNJ), with the Persian ی and ک forms."""
    if not text or "ي" in text or "ك" in text:
        return False
    return all(
        ch in " \u200c" or ("\u0600" <= ch <= "\u06ff" and unicodedata.category(ch)[0] in "LM")
        for ch in text
    )


def test_same_seed_same_persona() -> None:
    first, second = generate_persona(42, today=TODAY), generate_persona(42, today=TODAY)
    assert first == second
    assert first.photo_jpeg == second.photo_jpeg


def test_persona_is_frozen() -> None:
    persona = generate_persona(1, today=TODAY)
    with pytest.raises(dataclasses.FrozenInstanceError):
        persona.seed = 2  # type: ignore[misc]


def test_persona_does_not_depend_on_hash_randomisation_or_process() -> None:
    script = (
        "import hashlib, jdatetime\n"
        "from simulators.personas import generate_persona\n"
        "p = generate_persona(1234, today=jdatetime.date(1404, 5, 10))\n"
        "print(hashlib.sha256(repr((p.identity, p.address)).encode() + p.photo_jpeg).hexdigest())\n"
    )
    digests = set()
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env,
                                capture_output=True, text=True, check=True)
        digests.add(result.stdout.strip())
    local = generate_persona(1234, today=TODAY)
    digests.add(hashlib.sha256(repr((local.identity, local.address)).encode()
                               + local.photo_jpeg).hexdigest())
    assert len(digests) == 1


def test_types_and_seed(crowd: list[Persona]) -> None:
    for seed, persona in zip(SEEDS, crowd, strict=True):
        assert persona.seed == seed
        assert isinstance(persona.identity, Identity)
        assert isinstance(persona.address, Address)


def test_distinct_seeds_give_distinct_people(crowd: list[Persona]) -> None:
    assert len({p.identity.national_code for p in crowd}) == len(crowd)
    assert len({p.identity.card_serial for p in crowd}) == len(crowd)
    assert len({p.identity for p in crowd}) == len(crowd)
    assert len({p.photo_jpeg for p in crowd[:50]}) == 50
    assert len({p.identity.given_name for p in crowd}) >= 60
    assert len({p.identity.surname for p in crowd}) >= 50


def test_every_national_code_is_valid(crowd: list[Persona]) -> None:
    for persona in crowd:
        code = persona.identity.national_code
        assert validate_national_code(code) == code
        assert code.isascii() and len(code) == 10
        assert code[:3] != "000"


def test_ages_are_15_to_85_on_today(crowd: list[Persona]) -> None:
    ages = [p.age_on(TODAY) for p in crowd]
    assert min(ages) >= 15 and max(ages) <= 85
    assert min(ages) <= 20 and max(ages) >= 80  # the whole range is used


@pytest.mark.parametrize("age", [15, 16, 40, 85, 100])
@pytest.mark.parametrize("today", [TODAY, jdatetime.date(1403, 12, 30), jdatetime.date(1402, 1, 1)])
def test_requested_age_is_exact(age: int, today: jdatetime.date) -> None:
    for seed in range(6):
        persona = generate_persona(seed, today=today, age=age)
        assert persona.age_on(today) == age
        assert persona.age_on(today + jdatetime.timedelta(days=366)) == age + 1


@pytest.mark.parametrize("age", [0, 14, 121])
def test_ages_below_card_age_are_refused(age: int) -> None:
    with pytest.raises(ValueError):
        generate_persona(1, today=TODAY, age=age)


def test_requested_gender_is_honoured() -> None:
    for seed in range(8):
        for gender in Gender:
            assert generate_persona(seed, today=TODAY, gender=gender).identity.gender is gender


def test_age_on_counts_full_solar_years() -> None:
    persona = generate_persona(3, today=TODAY)
    birth = persona.identity.birth_date
    assert (birth.month, birth.day) != (12, 30)
    thirtieth = jdatetime.date(birth.year + 30, birth.month, birth.day)
    assert persona.age_on(birth) == 0
    assert persona.age_on(thirtieth) == 30
    assert persona.age_on(thirtieth - jdatetime.timedelta(days=1)) == 29


def test_postal_codes_are_valid(crowd: list[Persona]) -> None:
    for persona in crowd:
        code = persona.address.postal_code
        assert validate_postal_code(code) == code
        assert POSTAL_CODE_RE.fullmatch(code), code
        assert "0" not in code[:5] and "2" not in code[:5] and code[4] != "5"
        assert "2" not in code[5:]


@pytest.mark.parametrize("bad", ["1234567890", "0134567890", "1111345678", "1345513456"])
def test_postal_rule_rejects_known_bad_shapes(bad: str) -> None:
    assert not POSTAL_CODE_RE.fullmatch(bad)


def test_names_are_in_persian_script(crowd: list[Persona]) -> None:
    for persona in crowd:
        identity = persona.identity
        for name in (identity.given_name, identity.surname, identity.father_name):
            assert _is_persian_text(name), name


def test_given_names_follow_gender(crowd: list[Persona]) -> None:
    male = {p.identity.given_name for p in crowd if p.identity.gender is Gender.MALE}
    female = {p.identity.given_name for p in crowd if p.identity.gender is Gender.FEMALE}
    fathers = {p.identity.father_name for p in crowd}
    assert male and female and not male & female
    assert not fathers & female


def test_address_is_persian_with_street_alley_and_plaque(crowd: list[Persona]) -> None:
    for persona in crowd:
        text = persona.address.address
        assert text.startswith("استان ")
        for word in ("شهر ", "خیابان ", "کوچه ", "پلاک "):
            assert word in text, text
        assert not any(ch.isascii() and ch.isalnum() for ch in text), text


def test_birth_certificate_number_rule(crowd: list[Persona]) -> None:
    for persona in crowd:
        identity = persona.identity
        number = identity.birth_certificate_number
        if identity.birth_date.year > 1368:
            assert number == identity.national_code
        else:
            assert number.isascii() and number.isdigit() and 1 <= len(number) <= 6
            assert not number.startswith("0")


def test_birth_certificate_and_card_serial_formats(crowd: list[Persona]) -> None:
    for persona in crowd:
        identity = persona.identity
        assert BIRTH_CERTIFICATE_SERIAL_RE.fullmatch(identity.birth_certificate_serial)
        assert CARD_SERIAL_RE.fullmatch(identity.card_serial)
        assert identity.card_serial.isascii() and len(identity.card_serial) == 9


def test_card_dates(crowd: list[Persona]) -> None:
    seven_years_ago = jdatetime.date(TODAY.year - 7, TODAY.month, TODAY.day)
    for persona in crowd:
        identity = persona.identity
        assert seven_years_ago < identity.issue_date <= TODAY
        assert persona.age_on(identity.issue_date) >= 15
        expiry = identity.expiry_date
        assert expiry.year == identity.issue_date.year + 7
        issued = (identity.issue_date.month, identity.issue_date.day)
        assert (expiry.month, expiry.day) == (issued if issued != (12, 30) else (12, 29))
        assert expiry > TODAY
        assert len(format_jalali(identity.birth_date)) == 8


def test_solar_years_from_esfand_30_fall_back_to_esfand_29() -> None:
    leap_day = jdatetime.date(1403, 12, 30)
    assert _add_years(leap_day, 7) == jdatetime.date(1410, 12, 29)
    assert _add_years(leap_day, -4) == jdatetime.date(1399, 12, 30)  # 1399 is leap too
    assert _add_years(jdatetime.date(1400, 6, 31), 7) == jdatetime.date(1407, 6, 31)


def test_default_today_is_the_current_jalali_date() -> None:
    persona = generate_persona(9)
    today = jdatetime.date.today()
    assert 15 <= persona.age_on(today) <= 85
    assert persona.identity.issue_date <= today


def test_photo_is_the_seeds_portrait_for_the_holders_gender() -> None:
    for gender in Gender:
        persona = generate_persona(5, today=TODAY, gender=gender)
        assert persona.photo_jpeg == face_photo_jpeg(5, gender=gender)
        with Image.open(io.BytesIO(persona.photo_jpeg)) as image:
            assert image.format == "JPEG"
        assert 15 * 1024 <= len(persona.photo_jpeg) <= 25 * 1024


def test_identity_checks_in_apdu_agree_with_bad_data() -> None:
    """Guard that the validators used above do reject what we must never generate."""
    with pytest.raises(CitizenDataError):
        validate_national_code("0000000000")
    with pytest.raises(CitizenDataError):
        validate_postal_code("12345")


def test_overriding_age_or_gender_keeps_the_rest_of_the_person() -> None:
    """Overrides change only what they must, so a test can age one citizen."""
    base = generate_persona(21, today=TODAY).identity
    older = generate_persona(21, today=TODAY, age=70).identity
    assert (older.surname, older.father_name, older.national_code, older.card_serial) == (
        base.surname, base.father_name, base.national_code, base.card_serial)
    assert older.birth_certificate_serial == base.birth_certificate_serial
    flipped = Gender.FEMALE if base.gender is Gender.MALE else Gender.MALE
    other = generate_persona(21, today=TODAY, gender=flipped).identity
    assert other.national_code == base.national_code and other.gender is flipped
