"""The kiosk's rules for a new PIN, checked before anything reaches the card.

The card only knows lengths and digits; guessable PINs are refused here, with the
reason in words, so a holder never spends a card operation on a PIN we would reject.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import jdatetime

from apdu.pins import PIN_RULES, PinRef
from citizen.digits import normalize_digits


class PinPolicyError(ValueError):
    """A new PIN breaks a rule; ``reason`` says which, in a word a UI can map."""

    def __init__(self, reason: PolicyReason, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class PolicyReason(Enum):
    LENGTH = "length"
    NOT_DIGITS = "not-digits"
    ONE_DIGIT = "one-digit"
    SEQUENCE = "sequence"
    BIRTH_YEAR = "birth-year"
    NATIONAL_CODE = "national-code"
    MISMATCH = "mismatch"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class Holder:
    """What we know of the holder to refuse PINs that are easy to guess about them."""

    birth_date: jdatetime.date | None = None
    national_code: str | None = None


def normalize_pin(text: str) -> str:
    """Persian and Arabic-Indic digits become ASCII; spaces around are dropped."""
    return normalize_digits(text.strip())


def _is_run(pin: str) -> bool:
    steps = {(int(b) - int(a)) % 10 for a, b in zip(pin, pin[1:])}
    return steps in ({1}, {9})


def check_new_pin(text: str, ref: PinRef, holder: Holder | None = None,
                  confirmation: str | None = None, old: str | None = None) -> str:
    """The new PIN in ASCII digits, or PinPolicyError saying what is wrong with it."""
    pin = normalize_pin(text)
    rule = PIN_RULES[ref]
    if not pin.isascii() or not pin.isdigit():
        raise PinPolicyError(PolicyReason.NOT_DIGITS, f"a {ref.name} is made of digits only")
    if not rule.min_length <= len(pin) <= rule.max_length:
        span = (f"{rule.min_length}" if rule.min_length == rule.max_length
                else f"{rule.min_length} to {rule.max_length}")
        raise PinPolicyError(PolicyReason.LENGTH, f"a {ref.name} has {span} digits")
    if len(set(pin)) == 1:
        raise PinPolicyError(PolicyReason.ONE_DIGIT, "a PIN cannot be one digit repeated")
    if _is_run(pin):
        raise PinPolicyError(PolicyReason.SEQUENCE,
                             "a PIN cannot be a run of digits such as 1234 or 9876")
    if holder and holder.birth_date:
        years = {str(holder.birth_date.year), str(holder.birth_date.togregorian().year)}
        if any(year in pin for year in years):
            raise PinPolicyError(PolicyReason.BIRTH_YEAR, "a PIN cannot contain your birth year")
    if holder and holder.national_code and pin in normalize_digits(holder.national_code):
        raise PinPolicyError(PolicyReason.NATIONAL_CODE,
                             "a PIN cannot be part of your national code")
    if old is not None and normalize_pin(old) == pin:
        raise PinPolicyError(PolicyReason.UNCHANGED, "the new PIN is the same as the old one")
    if confirmation is not None and normalize_pin(confirmation) != pin:
        raise PinPolicyError(PolicyReason.MISMATCH, "the two entries of the new PIN differ")
    return pin
