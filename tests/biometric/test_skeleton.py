"""Thinning: the incremental Zhang–Suen gives the plain whole-image algorithm's skeleton,
bit for bit, and that skeleton is thin, connected and ends where the ridge ends."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import ndimage

from biometric import skeleton as sk
from biometric.enhance import enhance
from simulators.fingers import Difficulty
from simulators.fingers.families import family_finger


def _plain_codes(binary: np.ndarray) -> np.ndarray:
    h, w = binary.shape
    padded = np.pad(binary.astype(np.uint8), 1)
    out = np.zeros((h, w), dtype=np.int64)
    for bit, (dy, dx) in enumerate(sk._OFFSETS):
        out += padded[1 + dy : 1 + dy + h, 1 + dx : 1 + dx + w].astype(np.int64) << bit
    return out


def _plain_thin(ridges: np.ndarray) -> np.ndarray:
    """Zhang–Suen with every pass over the whole image, then the staircase clean-up."""
    img = ridges.astype(bool).copy()
    for _ in range(40):
        changed = False
        for table in (sk._FIRST, sk._SECOND):
            delete = img & table[_plain_codes(img)]
            changed |= bool(delete.any())
            img &= ~delete
        if not changed:
            break
    rows, cols = np.indices(img.shape)
    parities = (rows & 1) * 2 + (cols & 1)
    for _ in range(2):
        cand = img & sk._STAIR[_plain_codes(img)]
        if not cand.any():
            break
        for parity in range(4):
            img &= ~(cand & (parities == parity) & sk._STAIR[_plain_codes(img)])
    return img


def test_neighbour_codes_name_each_neighbour() -> None:
    img = np.zeros((5, 5), dtype=bool)
    img[2, 2] = True
    codes = sk.neighbour_codes(img)
    for bit, (dy, dx) in enumerate(sk._OFFSETS):
        assert codes[2 - dy, 2 - dx] == 1 << bit  # the centre is this pixel's neighbour
    assert (codes == _plain_codes(img)).all()


@pytest.mark.parametrize("seed", range(6))
def test_incremental_thinning_equals_whole_image_passes_on_random_blobs(seed: int) -> None:
    rng = np.random.default_rng(seed)
    blobs = ndimage.gaussian_filter(rng.random((90, 110)), 2.5) > 0.5
    assert (sk.thin(blobs) == _plain_thin(blobs)).all()


@pytest.mark.parametrize("family", ["gabor", "phase"])
def test_incremental_thinning_equals_whole_image_passes_on_touches(family: str) -> None:
    finger = family_finger(family, 4242)
    for k, level in ((0, Difficulty.STANDARD), (1, Difficulty.HARD)):
        ridges = enhance(finger.impression(k, level)).ridges
        skeleton = sk.thin(ridges)
        assert (skeleton == _plain_thin(ridges)).all()
        assert skeleton.sum() < 0.6 * ridges.sum()


def test_a_thick_bar_thins_to_a_one_pixel_line_with_two_endings() -> None:
    img = np.zeros((20, 60), dtype=bool)
    img[7:13, 5:55] = True
    skeleton = sk.thin(img)
    assert ndimage.label(skeleton, structure=np.ones((3, 3)))[1] == 1
    assert not (skeleton[:-1, :-1] & skeleton[1:, :-1] & skeleton[:-1, 1:] & skeleton[1:, 1:]).any()
    cn = sk.crossing_numbers(skeleton)
    assert int((cn == 1).sum()) == 2
    assert int((cn == 3).sum()) == 0
