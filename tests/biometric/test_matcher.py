"""The card matcher on geometric templates: invariances, separation, refusals."""

from __future__ import annotations

import math

import numpy as np
import pytest

from biometric.compact import CompactMinutia, decode_compact, pack
from biometric.errors import MatchError, TemplateFormatError
from biometric.matcher import MATCH_THRESHOLD, SCORE_SCALE, is_match, match
from biometric.minutia import MinutiaType


def _random_set(rng: np.random.Generator, n: int = 35) -> np.ndarray:
    """(n, 4) rows of x, y (0.1 mm), angle (radians), type, spread like a real print."""
    pts: list[tuple[float, float]] = []
    while len(pts) < n:
        x, y = rng.uniform(15, 115), rng.uniform(15, 130)
        if all(math.hypot(x - a, y - b) > 8 for a, b in pts):
            pts.append((x, y))
    xy = np.array(pts)
    ang = rng.uniform(0, 2 * math.pi, n)
    kind = rng.integers(1, 3, n)
    return np.column_stack((xy, ang, kind))


def _transform(
    rows: np.ndarray,
    rng: np.random.Generator,
    rot_deg: float,
    shift: tuple[float, float],
    jitter: float,
    drop: float,
    extra: int,
) -> np.ndarray:
    keep = rows[rng.random(len(rows)) >= drop]
    t = math.radians(rot_deg)
    c, s = math.cos(t), math.sin(t)
    cx, cy = 65.0, 72.0
    x, y = keep[:, 0] - cx, keep[:, 1] - cy
    # Image axes (y down): a counter-clockwise turn as seen adds t to the angle.
    nx = cx + c * x + s * y + shift[0] + rng.normal(0, jitter, len(keep))
    ny = cy - s * x + c * y + shift[1] + rng.normal(0, jitter, len(keep))
    ang = keep[:, 2] + t + rng.normal(0, math.radians(4), len(keep))
    out = np.column_stack((nx, ny, ang, keep[:, 3]))
    if extra:
        out = np.vstack((out, _random_set(rng, extra)))
    return out


def _template(rows: np.ndarray) -> bytes:
    ms = []
    for x, y, a, k in rows:
        if 0 <= x <= 255 and 0 <= y <= 255:
            step = int(round(a / (2 * math.pi) * 64)) % 64
            ms.append(CompactMinutia(int(round(x)), int(round(y)), MinutiaType(int(k)), step))
    return pack(ms)


def test_identical_templates_score_far_above_the_threshold() -> None:
    rng = np.random.default_rng(1)
    t = _template(_random_set(rng))
    assert 5 * MATCH_THRESHOLD <= match(t, t) <= SCORE_SCALE


def test_small_dense_chance_overlap_does_not_beat_a_real_sparse_match() -> None:
    # The old score (m^2 / (n_p n_r), floored at 12) gave 12 pairings among 15 and 19
    # minutiae in a small common area 505 points: more than a clean sparse genuine match.
    rng = np.random.default_rng(7)
    ref = _random_set(rng, 14)
    sparse_probe = _transform(ref, rng, rot_deg=8, shift=(4, -3), jitter=0.8, drop=0.3, extra=2)
    assert is_match(_template(ref), _template(sparse_probe))


@pytest.mark.parametrize("seed", range(5))
def test_rotated_shifted_distorted_copy_matches(seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    ref = _random_set(rng)
    probe = _transform(
        ref,
        rng,
        rot_deg=rng.uniform(-25, 25),
        shift=(rng.uniform(-15, 15), rng.uniform(-15, 15)),
        jitter=1.0,
        drop=0.2,
        extra=6,
    )
    assert is_match(_template(ref), _template(probe))


@pytest.mark.parametrize("seed", range(5))
def test_unrelated_templates_do_not_match(seed: int) -> None:
    rng = np.random.default_rng(200 + seed)
    a, b = _template(_random_set(rng)), _template(_random_set(rng))
    assert match(a, b) < MATCH_THRESHOLD
    assert match(b, a) < MATCH_THRESHOLD


def test_too_few_minutiae_is_an_error_not_a_score() -> None:
    rng = np.random.default_rng(3)
    small = _template(_random_set(rng, 3))
    with pytest.raises(MatchError):
        match(small, _template(_random_set(rng)))


def test_malformed_template_is_refused() -> None:
    good = _template(_random_set(np.random.default_rng(4)))
    with pytest.raises(TemplateFormatError):
        match(good, good[:-1])
    assert len(decode_compact(good)) == len(good) // 3
