"""Master fingers: the whole ridge pattern of one synthetic finger, from one seed.

A master is larger than the sensor window (the pad of a fingertip, about 17 x 20 mm at
500 dpi), so impressions can be shifted, rotated and cut by the window like real touches.
Everything is drawn from ``numpy.random.default_rng`` seeded with the finger seed, so a
seed is a finger: the same on every machine and every run.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from simulators.fingers.creases import crease_map
from simulators.fingers.difficulty import Difficulty
from simulators.fingers.orientation import (
    PatternClass,
    SingularPoints,
    choose_singular_points,
    orientation_field,
    smooth_noise,
)
from simulators.fingers.ridges import grow_ridges

MASTER_HEIGHT = 400
MASTER_WIDTH = 352
# Bump when the generator's output changes, so stale disk caches are ignored.
GENERATOR_VERSION = 3
MM_PER_PIXEL = 25.4 / 500
MINUTIAE_PER_MM2 = (0.19, 0.30)
_SEED_DOMAIN = 0x5F1A_6E12


@dataclass(frozen=True, eq=False)
class Finger:
    """One synthetic finger: ridge pattern cos(phase) and the pad outline, master pixels."""

    seed: int
    pattern: PatternClass
    singular_points: SingularPoints
    ridge_period: float
    ridges: np.ndarray  # float32 (MASTER_HEIGHT, MASTER_WIDTH), ridge crests at +1
    pad_center: tuple[float, float]  # (x, y) of the pad ellipse
    pad_axes: tuple[float, float]  # semi-axes (x, y) of the pad ellipse
    creases: np.ndarray  # float32 0..1, same shape as ridges: where the skin is folded

    @classmethod
    def generate(cls, finger_seed: int, cache_dir: Path | str | None = None) -> Finger:
        """The finger for ``finger_seed``; read from / written to ``cache_dir`` when given."""
        if cache_dir is None:
            env = os.environ.get("NIDKIOSK_FINGER_CACHE")
            cache_dir = Path(env) if env else None
        if cache_dir is None:
            return _generate_cached(int(finger_seed))
        return _load_or_generate(int(finger_seed), Path(cache_dir))

    @property
    def anchor(self) -> tuple[float, float]:
        """Master point that lands on the sensor's centre when a finger is placed squarely."""
        if self.singular_points.cores:
            xs = [c[0] for c in self.singular_points.cores]
            ys = [c[1] for c in self.singular_points.cores]
            cx, cy = float(np.mean(xs)), float(np.mean(ys))
            return (0.5 * cx + 0.5 * self.pad_center[0], 0.5 * cy + 0.5 * (MASTER_HEIGHT * 0.47))
        return (self.pad_center[0], MASTER_HEIGHT * 0.47)

    def impression(
        self, impression_seed: int, difficulty: Difficulty | str = Difficulty.STANDARD
    ) -> np.ndarray:
        """A sensor image (288 rows x 256 cols, uint8, 16 grey levels) of this finger."""
        from simulators.fingers.impression import render_impression

        return render_impression(self, impression_seed, Difficulty.parse(difficulty))

    def poor_impression(self, impression_seed: int) -> np.ndarray:
        """A touch a kiosk must refuse: too dry, too small or smudged (chosen by the seed)."""
        from simulators.fingers.impression import render_poor_impression

        return render_poor_impression(self, impression_seed)


def _rng(finger_seed: int) -> np.random.Generator:
    return np.random.default_rng([_SEED_DOMAIN, finger_seed & (2**64 - 1)])


def build_finger(finger_seed: int) -> Finger:
    """Generate the master (about half a second): class, flow, frequency, ridges, pad."""
    rng = _rng(finger_seed)
    h, w = MASTER_HEIGHT, MASTER_WIDTH
    points = choose_singular_points(rng, w, h)
    theta = orientation_field(rng, points, w, h)
    base_period = float(rng.uniform(8.0, 10.6))
    yy = np.arange(h, dtype=np.float64)[:, None] / h
    # Ridges run a little wider towards the finger's base and vary smoothly elsewhere.
    period = base_period * (
        1.0 + 0.06 * (yy - 0.45) + rng.uniform(0.04, 0.09) * smooth_noise(rng, (h, w), 110.0)
    )
    pad_center = (w / 2 + rng.uniform(-8, 8), h * 0.56 + rng.uniform(-10, 10))
    pad_axes = (w * rng.uniform(0.42, 0.48), h * rng.uniform(0.52, 0.58))
    yy, xx = np.mgrid[0:h, 0:w]
    pad = np.hypot((xx - pad_center[0]) / pad_axes[0], (yy - pad_center[1]) / pad_axes[1]) < 1
    area_mm2 = float(pad.sum()) * MM_PER_PIXEL**2
    # Minutiae density of real fingertips: roughly 0.2-0.3 per square millimetre.
    target = int(round(area_mm2 * rng.uniform(*MINUTIAE_PER_MM2)))
    ridges = grow_ridges(rng, theta, period, target_defects=target, region=pad)
    # Stored at 8 bits so a finger read back from the disk cache is bit-identical.
    ridges = (np.round(ridges * 127.0) / 127.0).astype(np.float32)
    creases = (np.round(crease_map(rng, h, w) * 255.0) / 255.0).astype(np.float32)
    return Finger(
        seed=finger_seed,
        pattern=points.pattern,
        singular_points=points,
        ridge_period=base_period,
        ridges=ridges,
        pad_center=pad_center,
        pad_axes=pad_axes,
        creases=creases,
    )


@functools.lru_cache(maxsize=32)
def _generate_cached(finger_seed: int) -> Finger:
    return build_finger(finger_seed)


def _load_or_generate(finger_seed: int, cache_dir: Path) -> Finger:
    path = cache_dir / f"v{GENERATOR_VERSION}" / f"{finger_seed & (2**64 - 1):020d}.npz"
    if path.exists():
        try:
            return _from_npz(finger_seed, path)
        except (OSError, ValueError, KeyError):
            pass  # a torn or foreign file: regenerate it
    finger = _generate_cached(finger_seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp.npz")
    np.savez(
        tmp,
        ridges=np.round(finger.ridges * 127).astype(np.int8),
        creases=np.round(finger.creases * 255).astype(np.uint8),
        meta=np.array(
            [finger.ridge_period, *finger.pad_center, *finger.pad_axes], dtype=np.float64
        ),
        cores=np.array(finger.singular_points.cores, dtype=np.float64).reshape(-1, 2),
        deltas=np.array(finger.singular_points.deltas, dtype=np.float64).reshape(-1, 2),
        pattern=np.array(finger.pattern.value),
    )
    os.replace(tmp, path)
    return finger


def _from_npz(finger_seed: int, path: Path) -> Finger:
    with np.load(path) as data:
        meta = data["meta"]
        points = SingularPoints(
            PatternClass(str(data["pattern"])),
            tuple((float(x), float(y)) for x, y in data["cores"]),
            tuple((float(x), float(y)) for x, y in data["deltas"]),
        )
        return Finger(
            seed=finger_seed,
            pattern=points.pattern,
            singular_points=points,
            ridge_period=float(meta[0]),
            ridges=data["ridges"].astype(np.float32) / 127.0,
            pad_center=(float(meta[1]), float(meta[2])),
            pad_axes=(float(meta[3]), float(meta[4])),
            creases=data["creases"].astype(np.float32) / 255.0,
        )
