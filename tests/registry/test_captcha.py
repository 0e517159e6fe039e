import random
from datetime import timedelta

import jdatetime
import pytest

from registry.captcha import Captcha, CaptchaResult, DigitCaptcha, require_passed
from registry.clock import SettableClock
from registry.errors import CaptchaFailed

PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


@pytest.fixture
def clock():
    return SettableClock.on(jdatetime.date(1403, 8, 1))


def test_digits_to_draw_typed_back_in_any_script(clock):
    captcha: Captcha = DigitCaptcha(clock, randbelow=random.Random(5).randrange)
    challenge = captcha.challenge()
    assert len(challenge.digits) == 5 and challenge.digits.isdigit()
    assert challenge.expires_at == clock.now() + timedelta(minutes=3)
    assert captcha.verify(challenge.id, challenge.digits.translate(PERSIAN)) is \
        CaptchaResult.PASSED


def test_one_answer_per_challenge(clock):
    captcha = DigitCaptcha(clock)
    challenge = captcha.challenge()
    wrong = str((int(challenge.digits) + 1) % 100_000).zfill(5)
    assert captcha.verify(challenge.id, wrong) is CaptchaResult.WRONG
    assert captcha.verify(challenge.id, challenge.digits) is CaptchaResult.UNKNOWN
    assert captcha.verify("no-such-id", "12345") is CaptchaResult.UNKNOWN


def test_challenges_expire_on_the_clock(clock):
    captcha = DigitCaptcha(clock, lifetime=timedelta(minutes=2))
    first, second = captcha.challenge(), captcha.challenge()
    clock.advance(timedelta(minutes=2))
    assert captcha.verify(first.id, first.digits) is CaptchaResult.PASSED  # the last instant
    clock.advance(timedelta(seconds=1))
    assert captcha.verify(second.id, second.digits) is CaptchaResult.EXPIRED


def test_open_challenges_are_bounded(clock):
    captcha = DigitCaptcha(clock, max_open=3)
    challenges = [captcha.challenge() for _ in range(4)]
    assert captcha.verify(challenges[0].id, challenges[0].digits) is CaptchaResult.UNKNOWN
    assert captcha.verify(challenges[3].id, challenges[3].digits) is CaptchaResult.PASSED


def test_require_passed_raises_with_the_result(clock):
    captcha = DigitCaptcha(clock)
    challenge = captcha.challenge()
    require_passed(captcha, challenge.id, challenge.digits)
    with pytest.raises(CaptchaFailed) as info:
        require_passed(captcha, challenge.id, challenge.digits)
    assert info.value.result is CaptchaResult.UNKNOWN
    with pytest.raises(ValueError):
        DigitCaptcha(clock, length=3)
