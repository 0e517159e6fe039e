"""The captcha on the pre-registration form: an interface and a simple digit challenge.

The registry's own site puts a captcha before its review page, and the kiosk does the
same. It slows a script driving the form; it is **not a security boundary on its own**:
the digits travel to the face in the clear (the face draws them), a program that reads
the face's screen can read them too. Real protection against guessing comes from the
rate limits on recovery and lookups and from the unguessable tracking codes.

:class:`DigitCaptcha` gives a few digits to draw, each challenge good for one answer
within a short lifetime; answers are accepted in any digit script.
"""

from __future__ import annotations

import hmac
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import Protocol

from citizen.digits import normalize_digits
from registry.clock import Clock
from registry.errors import CaptchaFailed


class CaptchaResult(Enum):
    """How an answer to a challenge was taken."""

    PASSED = "passed"
    WRONG = "wrong"        # the answer did not match (the challenge is used up)
    EXPIRED = "expired"    # answered after its lifetime
    UNKNOWN = "unknown"    # no such challenge, or already answered


@dataclass(frozen=True)
class CaptchaChallenge:
    """What a face draws (``digits``) and the id it sends back with the answer."""

    id: str
    digits: str
    expires_at: datetime


class Captcha(Protocol):
    """Any captcha the form can use."""

    def challenge(self) -> CaptchaChallenge: ...

    def verify(self, challenge_id: str, answer: str) -> CaptchaResult: ...


class DigitCaptcha:
    """Digits to type back; one answer per challenge; time from the registry's clock."""

    def __init__(self, clock: Clock, length: int = 5,
                 lifetime: timedelta = timedelta(minutes=3), max_open: int = 10_000,
                 randbelow: Callable[[int], int] = secrets.randbelow) -> None:
        if length < 4:
            raise ValueError("a captcha of fewer than 4 digits is guessed too often")
        self._clock = clock
        self._length = length
        self._lifetime = lifetime
        self._max_open = max_open
        self._randbelow = randbelow
        self._open: OrderedDict[str, tuple[str, datetime]] = OrderedDict()
        self._lock = threading.Lock()

    def challenge(self) -> CaptchaChallenge:
        digits = "".join(str(self._randbelow(10)) for _ in range(self._length))
        expires = self._clock.now() + self._lifetime
        challenge = CaptchaChallenge(secrets.token_urlsafe(16), digits, expires)
        with self._lock:
            self._forget_expired()
            while len(self._open) >= self._max_open:
                self._open.popitem(last=False)  # the oldest goes first
            self._open[challenge.id] = (digits, expires)
        return challenge

    def verify(self, challenge_id: str, answer: str) -> CaptchaResult:
        with self._lock:
            entry = self._open.pop(challenge_id, None)
        if entry is None:
            return CaptchaResult.UNKNOWN
        digits, expires = entry
        if self._clock.now() > expires:
            return CaptchaResult.EXPIRED
        typed = normalize_digits(answer).strip().replace(" ", "")
        if hmac.compare_digest(typed.encode(), digits.encode()):
            return CaptchaResult.PASSED
        return CaptchaResult.WRONG

    def _forget_expired(self) -> None:
        now = self._clock.now()
        for key in [k for k, (_, expires) in self._open.items() if expires < now]:
            del self._open[key]


def require_passed(captcha: Captcha, challenge_id: str, answer: str) -> None:
    """Verify, raising CaptchaFailed(result) unless the answer passed."""
    result = captcha.verify(challenge_id, answer)
    if result is not CaptchaResult.PASSED:
        raise CaptchaFailed(result)
