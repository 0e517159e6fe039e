"""Synthetic fingers: deterministic, distinct, sensor-shaped impressions."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from simulators.fingers import (
    SENSOR_HEIGHT,
    SENSOR_WIDTH,
    Difficulty,
    Finger,
    PatternClass,
    persona_finger_seed,
)
from simulators.fingers.master import build_finger

SEED = 7_000_001


@pytest.fixture(scope="module")
def finger() -> Finger:
    return Finger.generate(SEED)


def test_master_is_deterministic(finger: Finger) -> None:
    again = build_finger(SEED)  # bypasses the in-process cache
    assert np.array_equal(finger.ridges, again.ridges)
    assert finger.pattern is again.pattern
    assert finger.singular_points == again.singular_points
    assert finger.ridges.shape[0] > SENSOR_HEIGHT and finger.ridges.shape[1] > SENSOR_WIDTH


def test_impression_is_deterministic_and_sensor_shaped(finger: Finger) -> None:
    a = finger.impression(3)
    b = finger.impression(3, Difficulty.STANDARD)
    assert a.shape == (SENSOR_HEIGHT, SENSOR_WIDTH) and a.dtype == np.uint8
    assert np.array_equal(a, b)
    assert set(np.unique(a)) <= {17 * k for k in range(16)}  # 4-bit module, 16 grey levels


def test_impressions_and_difficulties_differ(finger: Finger) -> None:
    a, b = finger.impression(0), finger.impression(1)
    assert not np.array_equal(a, b)
    assert not np.array_equal(finger.impression(0, "easy"), finger.impression(0, "hard"))
    with pytest.raises(ValueError):
        Difficulty.parse("impossible")


def test_different_seeds_make_different_fingers(finger: Finger) -> None:
    other = Finger.generate(SEED + 1)
    assert not np.array_equal(finger.ridges, other.ridges)
    # Not a shifted copy either: the ridge patterns are uncorrelated.
    corr = np.corrcoef(finger.ridges.ravel(), other.ridges.ravel())[0, 1]
    assert abs(corr) < 0.2


def test_ridges_have_fingerprint_texture(finger: Finger) -> None:
    assert finger.pattern in set(PatternClass)
    assert 7.5 <= finger.ridge_period <= 11.0
    img = finger.impression(0, Difficulty.EASY).astype(float)
    centre = img[100:190, 80:176]
    assert centre.std() > 30  # ridges and valleys, not a flat smear


def test_persona_finger_seeds() -> None:
    seeds = [persona_finger_seed(42, i) for i in range(1, 11)]
    assert len(set(seeds)) == 10
    assert seeds == [persona_finger_seed(42, i) for i in range(1, 11)]
    assert persona_finger_seed(43, 1) != seeds[0]
    assert all(0 <= s < 2**63 for s in seeds)
    for bad in (0, 11, -1):
        with pytest.raises(ValueError):
            persona_finger_seed(42, bad)


def test_disk_cache_returns_the_same_finger(tmp_path: Path, finger: Finger) -> None:
    cached = Finger.generate(SEED, cache_dir=tmp_path)
    assert np.array_equal(cached.ridges, finger.ridges)
    assert list(tmp_path.rglob("*.npz"))
    again = Finger.generate(SEED, cache_dir=tmp_path)  # now read from disk
    assert np.array_equal(again.ridges, finger.ridges)
    assert again.pad_axes == finger.pad_axes
    assert np.array_equal(again.impression(2), finger.impression(2))
