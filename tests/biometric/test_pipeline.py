"""Image -> quality gate -> compact template -> card matcher, on synthetic fingers."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from biometric.compact import MinutiaeOrder, decode_compact
from biometric.errors import CaptureFeedback, ImageFormatError, QualityError
from biometric.extract import extract
from biometric.matcher import MATCH_THRESHOLD, match
from biometric.minutia import MinutiaType
from biometric.template import make_template
from simulators.fingers import Difficulty, Finger

# A seed range of its own: neither the benchmark's tuning nor its report range.
SEEDS = [5_000_000 + k for k in range(4)]


@pytest.fixture(scope="module")
def templates() -> dict[tuple[int, int], bytes]:
    out = {}
    for seed in SEEDS:
        finger = Finger.generate(seed)
        for k in range(2):
            out[(seed, k)] = make_template(finger.impression(k, Difficulty.STANDARD)).data
    return out


def test_same_finger_matches_above_threshold(templates: dict[tuple[int, int], bytes]) -> None:
    for seed in SEEDS:
        assert match(templates[(seed, 0)], templates[(seed, 1)]) >= MATCH_THRESHOLD


def test_different_fingers_stay_below_threshold(templates: dict[tuple[int, int], bytes]) -> None:
    for a, b in itertools.combinations(SEEDS, 2):
        for ka, kb in ((0, 0), (1, 0)):
            assert match(templates[(a, ka)], templates[(b, kb)]) < MATCH_THRESHOLD


def test_extracted_minutiae_are_plausible() -> None:
    image = Finger.generate(SEEDS[0]).impression(3, Difficulty.EASY)
    ex = extract(image)
    assert 15 <= len(ex.minutiae) <= 90
    for m in ex.minutiae:
        assert 0 <= m.x < image.shape[1] and 0 <= m.y < image.shape[0]
        assert 0 <= m.angle < 2 * math.pi
        assert m.type in (MinutiaType.ENDING, MinutiaType.BIFURCATION)
        assert 0 <= m.quality <= 100
        assert ex.maps.mask[int(m.y), int(m.x)]
    assert 7.0 < ex.maps.period < 12.0


def test_template_honours_count_and_order() -> None:
    image = Finger.generate(SEEDS[1]).impression(0, Difficulty.EASY)
    tpl = make_template(
        image, max_count=20, order=MinutiaeOrder.CARTESIAN_YX | MinutiaeOrder.ASCENDING
    )
    decoded = decode_compact(
        tpl.data, max_count=20, order=MinutiaeOrder.CARTESIAN_YX | MinutiaeOrder.ASCENDING
    )
    assert len(decoded) == 20 == len(tpl.minutiae)
    assert "bytes" in repr(tpl) and tpl.data.hex() not in repr(tpl)


@pytest.mark.parametrize("seed", range(6))
def test_quality_gate_refuses_poor_touches(seed: int) -> None:
    image = Finger.generate(SEEDS[seed % len(SEEDS)]).poor_impression(seed)
    with pytest.raises(QualityError) as info:
        make_template(image)
    assert info.value.feedback is not CaptureFeedback.GOOD
    assert 0 <= info.value.score <= 100


def test_blank_platen_is_no_finger() -> None:
    blank = np.full((288, 256), 221, dtype=np.uint8)
    with pytest.raises(QualityError) as info:
        make_template(blank)
    assert info.value.feedback is CaptureFeedback.NO_FINGER


@pytest.mark.parametrize(
    "bad",
    [
        np.zeros((288, 256), dtype=np.float32),
        np.zeros((288, 256, 3), dtype=np.uint8),
        np.zeros((20, 20), dtype=np.uint8),
    ],
)
def test_wrong_images_are_refused(bad: np.ndarray) -> None:
    with pytest.raises(ImageFormatError):
        extract(bad)
