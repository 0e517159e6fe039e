"""Enrolment from several touches: a richer reference that still fits the card."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.spatial import ConvexHull

from biometric.compact import decode_compact
from biometric.enrol import MIN_ALIGNMENT_SCORE, consolidate
from biometric.matcher import match
from biometric.template import make_template
from simulators.fingers import Difficulty
from simulators.fingers.families import family_finger

SEEDS = [5_100_000 + k for k in range(6)]  # outside the benchmark's seed ranges


def _hull_area(ms: tuple) -> float:
    return float(ConvexHull(np.array([(m.x, m.y) for m in ms], float)).volume)


@pytest.fixture(scope="module")
def touches() -> dict[int, list[bytes]]:
    out = {}
    for seed in SEEDS:
        finger = family_finger("phase", seed)
        out[seed] = [make_template(finger.impression(k, Difficulty.STANDARD)).data
                     for k in range(5)]
    return out


def test_reference_is_richer_than_any_touch_and_fits_the_card(
    touches: dict[int, list[bytes]]
) -> None:
    for seed in SEEDS:
        ref = consolidate(touches[seed][:3], max_count=60)
        cards = decode_compact(ref.data, max_count=60)
        assert len(cards) == ref.minutiae
        # Wider than the best single touch (noise seen by one touch only is dropped,
        # so the count can be lower).
        assert _hull_area(cards) > _hull_area(decode_compact(touches[seed][0]))
        assert ref.touches_used >= 2
        assert "minutiae" in repr(ref) and ref.data.hex() not in repr(ref)
        assert consolidate(touches[seed][:3], max_count=20).minutiae == 20


def test_probes_score_higher_against_the_consolidated_reference(
    touches: dict[int, list[bytes]]
) -> None:
    single, joint = [], []
    for seed in SEEDS:
        ref = consolidate(touches[seed][:3]).data
        for probe in touches[seed][3:]:
            single.append(match(touches[seed][0], probe))
            joint.append(match(ref, probe))
    # The weak probes (off-centre, sparse) are what consolidation is for.
    assert np.percentile(joint, 25) > np.percentile(single, 25)
    assert min(joint) >= min(single)


def test_another_finger_does_not_join_the_reference(touches: dict[int, list[bytes]]) -> None:
    a, b = SEEDS[0], SEEDS[1]
    mixed = consolidate([touches[a][0], touches[b][0]])
    assert mixed.touches_used == 1
    assert match(touches[a][0], touches[b][0]) < MIN_ALIGNMENT_SCORE
