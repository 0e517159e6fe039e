"""Scores as chance: a threshold that means the same false match rate everywhere."""

from __future__ import annotations

import math

import numpy as np
import pytest

from biometric.significance import (
    Overlap,
    chance_probability,
    chance_score,
    log10_binomial_tail,
    overlap,
)


def test_binomial_tail_matches_direct_sums() -> None:
    n, q = 12, 0.1
    for k in range(0, 13):
        direct = sum(math.comb(n, j) * q**j * (1 - q) ** (n - j) for j in range(k, n + 1))
        expected = 0.0 if k == 0 else math.log10(direct)
        assert log10_binomial_tail(k, n, q) == pytest.approx(expected, abs=1e-9)
    assert log10_binomial_tail(13, 12, q) == -math.inf


def test_more_pairings_in_the_same_area_score_higher() -> None:
    common = Overlap(area=9000.0, probe_inside=20, reference_inside=20)
    scores = [chance_score(m, common) for m in range(2, 21)]
    assert scores == sorted(scores) and scores[0] == 0 and scores[-1] > 100


def test_the_same_pairings_are_worth_less_in_a_small_dense_overlap() -> None:
    # The impostor: 12 paired of 15 / 19 in a small common area.
    small = Overlap(area=1500.0, probe_inside=15, reference_inside=19)
    large = Overlap(area=9000.0, probe_inside=15, reference_inside=19)
    assert chance_score(12, small) < chance_score(12, large)


def test_a_bigger_search_is_charged_for() -> None:
    common = Overlap(area=6000.0, probe_inside=18, reference_inside=18)
    assert chance_probability(9, common, tries=40 * 40) > chance_probability(9, common, 100)


def test_overlap_of_two_squares() -> None:
    a = np.array([(x, y) for x in range(0, 101, 10) for y in range(0, 101, 10)], float)
    b = a + (50.0, 0.0)
    common = overlap(a, b)
    # 50 x 100 plus the margins on both sides of the strip (6 each way)
    assert common.area == pytest.approx((50 + 12) * (100 + 12), rel=0.08)
    assert common.probe_inside == common.reference_inside == 6 * 11
    assert overlap(a, a + (500.0, 0.0)).area == 0.0
    assert overlap(a[:2], b).area == 0.0  # too few points for a hull
