"""Checking what a person typed before the card sees it: current secrets and new PINs.

A current PIN or PUK that cannot even be encoded never spends a try: the flow stays
where it is and says why. A new PIN goes through the kiosk's policy; a refused one is
asked again a bounded number of times.
"""

from __future__ import annotations

from dataclasses import dataclass

from apdu.constants import PinRef
from apdu.errors import PinFormatError, PinFormatProblem
from apdu.pins import PIN_RULES, encode_pin
from kiosk.pin_policy import Holder, PinPolicyError, PolicyReason, check_new_pin, normalize_pin

POLICY_ATTEMPTS = 3


def typed_secret(text: str, ref: PinRef) -> tuple[str | None, PinFormatProblem | None]:
    """The secret in ASCII digits, or the reason it cannot be what the card holds."""
    pin = normalize_pin(text)
    try:
        encode_pin(pin, ref)
    except PinFormatError as exc:
        return None, exc.problem
    return pin, None


@dataclass
class SecretPrompt:
    """Asking for a current PIN or the PUK: tries left before asking, what went wrong."""

    ref: PinRef
    tries_left: int
    attempts: int | None = None  # wrong entries a face allows; None: until the card blocks
    last_wrong: bool = False
    problem: PinFormatProblem | None = None

    def typed(self, text: str) -> str | None:
        """The secret ready for the card, or None with ``problem`` saying why not."""
        secret, self.problem = typed_secret(text, self.ref)
        return secret

    def wrong(self, tries_left: int) -> bool:
        """Note a wrong entry; True when the face allows no more attempts."""
        self.tries_left = tries_left
        self.last_wrong = True
        if self.attempts is None:
            return False
        self.attempts -= 1
        return self.attempts <= 0

    def accepted(self) -> None:
        self.last_wrong = False


@dataclass
class NewPinRequest:
    """The state of asking for one new PIN: which, for whom, what went wrong so far."""

    ref: PinRef
    holder: Holder
    old: str | None = None
    attempts_left: int = POLICY_ATTEMPTS
    problem: PolicyReason | None = None

    @property
    def min_length(self) -> int:
        return PIN_RULES[self.ref].min_length

    @property
    def max_length(self) -> int:
        return PIN_RULES[self.ref].max_length

    def check(self, pin: str, again: str) -> str | None:
        """The accepted PIN, or None with ``problem`` set and one attempt spent."""
        try:
            accepted = check_new_pin(pin, self.ref, self.holder, confirmation=again, old=self.old)
        except PinPolicyError as exc:
            self.problem = exc.reason
            self.attempts_left -= 1
            return None
        self.problem = None
        return accepted

    def forget(self) -> None:
        self.old = None
