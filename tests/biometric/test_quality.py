"""The quality gate judges the image and its usable area, not how many minutiae a finger
has."""

from __future__ import annotations

import pytest

from biometric.errors import CaptureFeedback, QualityError
from biometric.extract import extract
from biometric.quality import CARD_MIN_MINUTIAE, assess
from biometric.template import make_template
from simulators.fingers import Difficulty
from simulators.fingers.phase import PhaseFinger


def test_clear_touches_of_sparse_fingers_pass_the_gate() -> None:
    passed, sparse = 0, 0
    for seed in range(5_200_000, 5_200_008):
        image = PhaseFinger.generate(seed).impression(0, Difficulty.EASY)
        ex = extract(image)
        report = assess(image, ex)
        sparse += report.minutiae < 12
        passed += report.feedback is CaptureFeedback.GOOD
        assert report.feedback is not CaptureFeedback.TOO_FEW_MINUTIAE or (
            report.minutiae < CARD_MIN_MINUTIAE
        )
    assert passed >= 7


@pytest.mark.parametrize("seed", range(6))
def test_poor_touches_of_the_phase_family_are_refused(seed: int) -> None:
    image = PhaseFinger.generate(5_200_100 + seed % 3).poor_impression(seed)
    with pytest.raises(QualityError) as info:
        make_template(image)
    assert info.value.feedback is not CaptureFeedback.GOOD
