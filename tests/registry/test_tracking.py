"""Tracking codes: entropy, the Damm check digit, typed forms; bank references."""

import math
import random

import pytest

from registry.errors import InvalidTrackingCode, RegistryError
from registry.tracking import (
    CODE_DIGITS,
    ENTROPY_BITS,
    RANDOM_DIGITS,
    BankReference,
    CodeProblem,
    TrackingCode,
    damm_check_digit,
    damm_valid,
    new_tracking_code,
    parse_bank_reference,
    parse_tracking_code,
)


def test_damm_known_values():
    assert damm_check_digit("572") == 4          # the algorithm's textbook example
    assert damm_valid("5724") and not damm_valid("5723")
    assert damm_check_digit("") == 0 and not damm_valid("")


def test_entropy_makes_guessing_hopeless():
    assert RANDOM_DIGITS == 19 and CODE_DIGITS == 20
    assert round(ENTROPY_BITS, 1) == 63.1
    assert 10**9 / 10**RANDOM_DIGITS <= 1e-10  # one applicant's code in 10^9 tries


def _sample_codes(count):
    rng = random.Random(9)
    return [new_tracking_code(rng.randrange) for _ in range(count)]


def test_every_single_digit_error_is_caught():
    for code in _sample_codes(25):
        for i, digit in enumerate(code.digits):
            for other in "0123456789":
                if other != digit:
                    typo = code.digits[:i] + other + code.digits[i + 1:]
                    assert not damm_valid(typo)


def test_every_adjacent_transposition_is_caught():
    for code in _sample_codes(25):
        d = code.digits
        for i in range(CODE_DIGITS - 1):
            if d[i] != d[i + 1]:
                assert not damm_valid(d[:i] + d[i + 1] + d[i] + d[i + 2:])
    # exhaustively, for every pair of different digits in every position of a code
    base = "1234567890123456789"
    for a in "0123456789":
        for b in "0123456789":
            if a != b:
                for i in range(RANDOM_DIGITS - 1):
                    body = base[:i] + a + b + base[i + 2:]
                    code = body + str(damm_check_digit(body))
                    swapped = body[:i] + b + a + body[i + 2:] + code[-1]
                    assert not damm_valid(swapped)


def test_new_codes_are_valid_distinct_and_use_the_csprng_by_default():
    codes = {new_tracking_code() for _ in range(2_000)}
    assert len(codes) == 2_000
    for code in list(codes)[:50]:
        assert len(code.digits) == CODE_DIGITS and damm_valid(code.digits)
    # leading digits are as random as the rest (no fixed prefix)
    firsts = {code.digits[0] for code in codes}
    assert len(firsts) == 10
    assert math.isclose(ENTROPY_BITS, 19 * math.log2(10))


def test_grouped_for_reading_and_parsed_back_in_any_script():
    code = new_tracking_code(random.Random(1).randrange)
    shown = code.grouped
    assert len(shown.split("-")) == 5 and all(len(g) == 4 for g in shown.split("-"))
    persian = shown.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    arabic = shown.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    for typed in (shown, code.digits, persian, arabic, shown.replace("-", " "),
                  f"\u2066{persian}\u2069", persian.replace("-", "\u066c"), f"  {shown} "):
        assert parse_tracking_code(typed) == code
    assert str(code) == code.digits


@pytest.mark.parametrize("typed, problem", [
    ("", CodeProblem.MISSING),
    (" - ", CodeProblem.MISSING),
    ("4821-0937-5561-2048-773A", CodeProblem.NOT_DIGITS),
    ("4821-0937-5561-2048", CodeProblem.LENGTH),
    ("4821-0937-5561-2048-77351", CodeProblem.LENGTH),
])
def test_malformed_codes_say_why(typed, problem):
    with pytest.raises(InvalidTrackingCode) as info:
        parse_tracking_code(typed)
    assert info.value.problem is problem
    assert isinstance(info.value, RegistryError)


def test_a_typo_is_a_check_digit_problem():
    code = new_tracking_code(random.Random(2).randrange).digits
    typo = code[:5] + str((int(code[5]) + 1) % 10) + code[6:]
    with pytest.raises(InvalidTrackingCode) as info:
        parse_tracking_code(typo)
    assert info.value.problem is CodeProblem.CHECK_DIGIT


def test_the_value_type_refuses_invalid_digits():
    with pytest.raises(ValueError):
        TrackingCode("1" * 20)  # check digit of 1x19 is not 1
    with pytest.raises(ValueError):
        TrackingCode("۱" * 20)


def test_bank_references_are_their_own_thing():
    assert parse_bank_reference("۱۲۳۴ ۵۶۷۸ ۹۰۱۲") == BankReference("123456789012")
    assert parse_bank_reference("123456").digits == "123456"
    for typed, problem in (("", CodeProblem.MISSING), ("12345", CodeProblem.LENGTH),
                           ("1" * 25, CodeProblem.LENGTH), ("12345a", CodeProblem.NOT_DIGITS)):
        with pytest.raises(InvalidTrackingCode) as info:
            parse_bank_reference(typed)
        assert info.value.problem is problem and info.value.what == "bank reference"
    with pytest.raises(ValueError):
        BankReference("12")
