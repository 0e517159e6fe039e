"""Every value the library hands the command line has words, in English and in Persian."""

import pytest

from apdu.biometric_profile import FingerPosition
from apdu.constants import PinRef
from apdu.errors import PinFormatProblem
from apdu.problems import ProblemKind, Verdict
from apdu.profile import Lifecycle, SignatureKeyState
from biometric.capture import CaptureStep
from kiosk.cli.words import CATALOG, Words
from kiosk.flows.outcome import Ending
from kiosk.pin_policy import PolicyReason
from signing.activation_errors import ActivationProblem, Step
from signing.verification import CertificateRole, ProblemCause, VerificationFailure

WORDED = [Verdict, ProblemKind, PolicyReason, PinFormatProblem, CaptureStep, FingerPosition,
          Lifecycle, SignatureKeyState, ActivationProblem, Step, VerificationFailure,
          ProblemCause, CertificateRole]
ENDINGS_WORDED_ELSEWHERE = {Ending.DONE, Ending.WRONG_SECRET, Ending.SECRET_BLOCKED,
                            Ending.PIN_SERVICES_GONE, Ending.POLICY_REFUSED,
                            Ending.FINGER_NOT_MATCHED, Ending.NOT_GENUINE,
                            Ending.ACTIVATION_STOPPED, Ending.SIGNATURE_INVALID}


@pytest.mark.parametrize("enum", WORDED, ids=lambda e: e.__name__)
def test_every_value_is_worded(enum):
    missing = [m for m in enum if f"{enum.__name__}.{m.name}" not in CATALOG]
    assert not missing


def test_every_ending_a_cli_prints():
    missing = [e for e in Ending
               if e not in ENDINGS_WORDED_ELSEWHERE and f"Ending.{e.name}" not in CATALOG]
    assert not missing


def test_both_languages_and_persian_digits():
    for key, (english, persian) in CATALOG.items():
        assert english and persian, key
        if persian.strip("{}").isidentifier():
            continue  # a bare field, such as a PIN's name
        assert any("\u0600" <= ch <= "\u06ff" for ch in persian), key  # written in Persian
        assert not any(ch in "0123456789" for ch in persian), key  # digits come Persian
    fa = Words("fa")
    assert fa.say("tries.left", pin=fa.pin(PinRef.PIN1), tries=fa.tries(3)) \
        == "رمز اول: ۳ بار فرصت مانده است."
    assert fa.number(40_000) == "۴۰٬۰۰۰"
