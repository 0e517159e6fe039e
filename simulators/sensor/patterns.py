"""Simple test images and the simulated module's image-quality judgement.

``ridge_pattern`` draws a sinusoidal whorl-like ridge field inside an elliptical finger
outline: enough structure to exercise every grey level over the wire, not a fingerprint
anyone should extract minutiae from (that is the synthetic-finger generator's job).

``assess_quality`` is what the simulated Img2Tz answers. It is a heuristic standing in
for the module's feature extractor: too little ridge area gives 0x07, and ridges that
look like noise (neighbouring pixels as different as random ones) give 0x06.
"""

from __future__ import annotations

import numpy as np

from biometric.sensor.constants import ConfirmationCode
from biometric.sensor.image import IMAGE_COLS, IMAGE_ROWS, GrayImage, check_image

BLOCK = 16
MIN_COVERAGE = 0.2  # share of blocks that must show ridges
BLOCK_STD = 20.0  # grey-level spread of a block with ridges in it
MAX_ROUGHNESS = 0.8  # mean |horizontal step| / std: ~0.4 for ridges, ~1.1 for noise


def ridge_pattern(seed: int = 0, *, period: float = 9.0, coverage: float = 1.0) -> GrayImage:
    """A 288 x 256 uint8 ridge image; ``coverage`` < 1 shrinks the finger outline."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:IMAGE_ROWS, 0:IMAGE_COLS].astype(np.float64)
    cx = IMAGE_COLS / 2 + rng.uniform(-30, 30)
    cy = IMAGE_ROWS / 2 + rng.uniform(-30, 30)
    squash = rng.uniform(0.7, 1.3)
    radius = np.hypot(x - cx, (y - cy) * squash)
    warp = 3.0 * np.sin(x / rng.uniform(25, 45) + rng.uniform(0, 6.3))
    ridges = np.sin(2 * np.pi * (radius + warp) / period)
    image = 128 + 112 * ridges
    outline = ((x - IMAGE_COLS / 2) / (120 * coverage)) ** 2 + (
        (y - IMAGE_ROWS / 2) / (140 * coverage)
    ) ** 2
    image[outline > 1.0] = 255  # background outside the finger is white
    clipped: GrayImage = np.clip(image, 0, 255).astype(np.uint8)
    return clipped


def noise_image(seed: int = 0) -> GrayImage:
    """Random grey levels: what a smeared, moving finger looks like to the extractor."""
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, size=(IMAGE_ROWS, IMAGE_COLS), dtype=np.uint8)


def assess_quality(image: GrayImage) -> ConfirmationCode:
    """OK, TOO_FEW_FEATURES (0x07) or IMAGE_DISORDERLY (0x06) for an image buffer."""
    pixels = check_image(image).astype(np.float64)
    blocks = pixels.reshape(IMAGE_ROWS // BLOCK, BLOCK, IMAGE_COLS // BLOCK, BLOCK)
    stds = blocks.std(axis=(1, 3))
    ridged = stds > BLOCK_STD
    if ridged.mean() < MIN_COVERAGE:
        return ConfirmationCode.TOO_FEW_FEATURES
    steps = np.abs(np.diff(blocks, axis=3)).mean(axis=(1, 3))
    roughness = float((steps[ridged] / stds[ridged]).mean())
    if roughness > MAX_ROUGHNESS:
        return ConfirmationCode.IMAGE_DISORDERLY
    return ConfirmationCode.OK
