"""The phase-model finger family: deterministic, distinct, realistic density, true
minutiae that an extractor finds where they were put."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from biometric.extract import extract
from simulators.fingers import SENSOR_HEIGHT, SENSOR_WIDTH, Difficulty, Finger
from simulators.fingers.families import FAMILIES, family_finger
from simulators.fingers.phase import PhaseFinger, build_phase_finger
from simulators.fingers.phase import touch as touch_model
from simulators.fingers.phase.minutiae import DENSITY_PER_MM2, MM_PER_PIXEL

SEED = 7_100_001


@pytest.fixture(scope="module")
def finger() -> PhaseFinger:
    return PhaseFinger.generate(SEED)


def test_master_and_touches_are_deterministic(finger: PhaseFinger) -> None:
    again = build_phase_finger(SEED)  # bypasses the in-process cache
    assert np.array_equal(finger.ridges, again.ridges)
    assert finger.truth == again.truth and finger.pattern is again.pattern
    a, b = finger.impression(2), finger.impression(2, Difficulty.STANDARD)
    assert a.shape == (SENSOR_HEIGHT, SENSOR_WIDTH) and a.dtype == np.uint8
    assert np.array_equal(a, b)
    assert set(np.unique(a)) <= {17 * k for k in range(16)}
    assert not np.array_equal(finger.impression(0), finger.impression(1))
    assert not np.array_equal(finger.impression(0, "easy"), finger.impression(0, "hard"))


def test_own_seeds_distinct_from_the_gabor_family(finger: PhaseFinger) -> None:
    other = PhaseFinger.generate(SEED + 1)
    assert abs(np.corrcoef(finger.ridges.ravel(), other.ridges.ravel())[0, 1]) < 0.2
    gabor = Finger.generate(SEED)  # same number, other family: another finger
    assert abs(np.corrcoef(finger.ridges.ravel(), gabor.ridges.ravel())[0, 1]) < 0.2
    assert FAMILIES == ("gabor", "phase")
    assert isinstance(family_finger("phase", SEED), PhaseFinger)
    with pytest.raises(ValueError):
        family_finger("sfinge", SEED)


def test_minutiae_density_is_that_of_real_fingertips() -> None:
    for seed in range(SEED, SEED + 4):
        f = PhaseFinger.generate(seed)
        assert DENSITY_PER_MM2[0] <= f.density <= DENSITY_PER_MM2[1]
        yy, xx = np.mgrid[0 : f.ridges.shape[0], 0 : f.ridges.shape[1]]
        pad = np.hypot((xx - f.pad_center[0]) / f.pad_axes[0],
                       (yy - f.pad_center[1]) / f.pad_axes[1]) < 1
        placed = len(f.truth) / (pad.sum() * MM_PER_PIXEL**2)
        assert 0.07 <= placed <= 0.19  # keep-out zones around the cut can cost a few
        kinds = {m.kind for m in f.truth}
        assert kinds == {1, 2}


def test_extractor_finds_the_true_minutiae_with_their_directions(finger: PhaseFinger) -> None:
    found = total = agree = 0
    for k in range(3):
        rng = touch_model._rng(finger, k, list(Difficulty).index(Difficulty.EASY))
        t = touch_model._draw(rng, touch_model.PROFILES[Difficulty.EASY])
        mx, my = touch_model._sensor_to_master(finger, t)
        ex = extract(finger.impression(k, Difficulty.EASY))
        ours = np.array([(m.x, m.y, m.angle) for m in ex.minutiae]).reshape(-1, 3)
        for m in finger.truth:
            d = (mx - m.x) ** 2 + (my - m.y) ** 2
            iy, ix = np.unravel_index(np.argmin(d), d.shape)
            if d[iy, ix] > 2 or ex.maps.depth[iy, ix] <= 10:
                continue
            total += 1
            dist = np.hypot(ours[:, 0] - ix, ours[:, 1] - iy)
            if len(dist) and dist.min() <= 8:
                found += 1
                j = int(np.argmin(dist))
                gap = (ours[j, 2] - (m.angle + t.rotation) + np.pi) % (2 * np.pi) - np.pi
                agree += abs(gap) < np.radians(30)
    assert total >= 20
    assert found / total >= 0.75
    assert agree / found >= 0.9


def test_disk_cache_returns_the_same_finger(tmp_path: Path, finger: PhaseFinger) -> None:
    cached = PhaseFinger.generate(SEED, cache_dir=tmp_path)
    again = PhaseFinger.generate(SEED, cache_dir=tmp_path)  # read from disk
    assert np.array_equal(again.ridges, finger.ridges)
    assert again.truth == finger.truth and again.pad_axes == cached.pad_axes
    assert np.array_equal(again.impression(1), finger.impression(1))
