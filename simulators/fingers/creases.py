"""Creases: thin white lines across the ridges, a permanent feature of many fingers.

Flexion creases and wrinkles cut ridges into false endings in every touch of that finger
(more with age), so they belong to the master, not to an impression. About a third of
fingers get one to five, mostly running across the finger, with a slight bend.
"""

from __future__ import annotations

import numpy as np

from simulators.fingers.orientation import smooth_noise

CREASE_PROBABILITY = 0.35


def crease_map(rng: np.random.Generator, height: int, width: int) -> np.ndarray:
    """0..1 depth of creases at every master pixel (all zeros for most fingers)."""
    out = np.zeros((height, width), dtype=np.float32)
    if rng.random() >= CREASE_PROBABILITY:
        return out
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float64)
    wobble = smooth_noise(rng, (height, width), 60.0)
    for _ in range(int(rng.integers(1, 6))):
        cx, cy = rng.uniform(0.15, 0.85) * width, rng.uniform(0.2, 0.95) * height
        # Mostly across the finger (horizontal), sometimes oblique.
        angle = rng.normal(0.0, 0.45) if rng.random() < 0.7 else rng.uniform(0, np.pi)
        half = rng.uniform(20, 130)
        half_width = rng.uniform(1.3, 3.2)
        depth = rng.uniform(0.6, 1.0)
        ux, uy = np.cos(angle), np.sin(angle)
        along = (xx - cx) * ux + (yy - cy) * uy
        across = -(xx - cx) * uy + (yy - cy) * ux
        across = across - 0.002 * rng.uniform(-1, 1) * along**2 + 3.0 * wobble
        ends = np.clip(half - np.abs(along), 0, 15) / 15.0  # creases fade out at the ends
        line = depth * ends * np.exp(-((across / half_width) ** 2))
        np.maximum(out, line.astype(np.float32), out=out)
    return out
