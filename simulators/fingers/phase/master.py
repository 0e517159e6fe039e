"""Phase-model fingers (the second family): minutiae first, then the ridges through them.

Pipeline, per finger seed (its own seed domain, independent of the Gabor family):
class and singular points -> flow (zero-pole per core-delta pair + polynomial bend) ->
period map -> minutiae as a Poisson-disc point process at 0.10-0.18 per mm^2 -> ridge
phase psi = psi_c + psi_s (least squares + spirals, ``solve.py``) -> ridge height map.
The minutiae are known exactly (``truth``), so an extractor's recall and precision can be
measured against them. Compared with the Gabor family: no ridge grows from noise, no
minutia is a leftover defect; the density is set, not reached by stopping a growth.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import ndimage

from simulators.fingers.difficulty import Difficulty
from simulators.fingers.orientation import PatternClass
from simulators.fingers.phase import flow
from simulators.fingers.phase.minutiae import MM_PER_PIXEL, Spiral, place_spirals
from simulators.fingers.phase.solve import continuous_phase, one_spiral, spiral_phase

MASTER_HEIGHT = 400
MASTER_WIDTH = 352
GENERATOR_VERSION = 1
_SEED_DOMAIN = 0x3C71_D0A5


@dataclass(frozen=True)
class TrueMinutia:
    """A minutia of the master as placed: pixels, ISO angle (radians, counter-clockwise
    with y down), and kind as the ridge phase makes it (1 ending, 2 bifurcation)."""

    x: float
    y: float
    angle: float
    kind: int


@dataclass(frozen=True, eq=False)
class PhaseFinger:
    """One phase-model finger: ridge cosine, pad geometry and its true minutiae."""

    seed: int
    pattern: PatternClass
    ridge_period: float
    ridges: np.ndarray  # float32 (MASTER_HEIGHT, MASTER_WIDTH), cos(psi): crests at +1
    pad_center: tuple[float, float]
    pad_axes: tuple[float, float]
    cores: tuple[tuple[float, float], ...]
    truth: tuple[TrueMinutia, ...]
    density: float  # minutiae per mm^2 drawn for this finger

    family = "phase"

    @classmethod
    def generate(cls, finger_seed: int, cache_dir: Path | str | None = None) -> PhaseFinger:
        """The finger for ``finger_seed`` (cached in memory; on disk under ``cache_dir``)."""
        if cache_dir is None:
            env = os.environ.get("NIDKIOSK_FINGER_CACHE")
            cache_dir = Path(env) if env else None
        if cache_dir is None:
            return _cached(int(finger_seed))
        return _load_or_build(int(finger_seed), Path(cache_dir))

    @property
    def anchor(self) -> tuple[float, float]:
        """Master point under the window's centre for a square, centred touch."""
        if self.cores:
            cx = float(np.mean([c[0] for c in self.cores]))
            cy = float(np.mean([c[1] for c in self.cores]))
            return (0.5 * cx + 0.5 * self.pad_center[0], 0.5 * cy + 0.5 * self.pad_center[1])
        return self.pad_center

    def impression(
        self, impression_seed: int, difficulty: Difficulty | str = Difficulty.STANDARD
    ) -> np.ndarray:
        """A sensor image (288 x 256, uint8, 16 grey levels) of one touch."""
        from simulators.fingers.phase.touch import render_touch

        return render_touch(self, impression_seed, Difficulty.parse(difficulty))

    def poor_impression(self, impression_seed: int) -> np.ndarray:
        """A touch a kiosk must refuse (tip only, parched, soaked or smeared)."""
        from simulators.fingers.phase.touch import render_poor_touch

        return render_poor_touch(self, impression_seed)


def build_phase_finger(finger_seed: int) -> PhaseFinger:
    """Generate the master (about a second, most of it the sparse least squares)."""
    rng = np.random.default_rng([_SEED_DOMAIN, finger_seed & (2**64 - 1)])
    h, w = MASTER_HEIGHT, MASTER_WIDTH
    sing = flow.draw_singularities(rng, w, h)
    theta = flow.orientation(rng, sing, w, h)
    base, period = flow.period_map(rng, w, h)
    pad_center = (w * rng.uniform(0.46, 0.54), h * rng.uniform(0.47, 0.55))
    pad_axes = (w * rng.uniform(0.40, 0.46), h * rng.uniform(0.40, 0.46))
    yy, xx = np.mgrid[0:h, 0:w]
    region = (
        np.hypot((xx - pad_center[0]) / pad_axes[0], (yy - pad_center[1]) / pad_axes[1]) < 1.0
    )
    spirals, density = place_spirals(rng, region, theta, base, sing.cut, sing.points)
    psi_s = spiral_phase(spirals, h, w, sing.cut)
    psi_c = continuous_phase(theta, period, psi_s)
    ridges = np.cos(psi_c + psi_s)
    truth = _true_minutiae(spirals, psi_c, sing.cut)
    return PhaseFinger(
        seed=finger_seed,
        pattern=sing.pattern,
        ridge_period=base,
        ridges=(np.round(ridges * 127.0) / 127.0).astype(np.float32),
        pad_center=(float(pad_center[0]), float(pad_center[1])),
        pad_axes=(float(pad_axes[0]), float(pad_axes[1])),
        cores=tuple((float(c.real), float(c.imag)) for c in sing.cores),
        truth=truth,
        density=density,
    )


def _true_minutiae(
    spirals: list[Spiral], psi_c: np.ndarray, cut: tuple[complex, complex] | None
) -> tuple[TrueMinutia, ...]:
    """Kind and direction of each spiral from the phase around it.

    With psi0 the phase at the minutia without its own spiral and n its unit gradient, a
    spiral of polarity p is an ending when p * cos(psi0) > 0, a bifurcation otherwise,
    and points along p * (n_y, -n_x) in image axes: into the ridge that ends, or between
    the branches of the fork (the local model psi0 + k y' + p * atan2(y', x')).
    """
    h, w = psi_c.shape
    out = []
    for i, s in enumerate(spirals):
        # psi0 at the minutia and one pixel either way: psi_c interpolated plus the others.
        pts = np.array([s.x, s.x + 1, s.x - 1, s.x, s.x]) + 1j * np.array(
            [s.y, s.y, s.y, s.y + 1, s.y - 1]
        )
        vals = ndimage.map_coordinates(psi_c, [pts.imag, pts.real], order=1, mode="nearest")
        for j, other in enumerate(spirals):
            if j != i:
                vals = vals + one_spiral(pts, other, cut)
        psi0 = float(vals[0])
        nx = float(np.angle(np.exp(1j * (vals[1] - vals[2])))) / 2
        ny = float(np.angle(np.exp(1j * (vals[3] - vals[4])))) / 2
        dx, dy = s.polarity * ny, -s.polarity * nx
        kind = 1 if s.polarity * np.cos(psi0) > 0 else 2
        out.append(TrueMinutia(s.x, s.y, float(np.arctan2(-dy, dx) % (2 * np.pi)), kind))
    return tuple(out)


@functools.lru_cache(maxsize=32)
def _cached(finger_seed: int) -> PhaseFinger:
    return build_phase_finger(finger_seed)


def _load_or_build(finger_seed: int, cache_dir: Path) -> PhaseFinger:
    path = cache_dir / f"phase-v{GENERATOR_VERSION}" / f"{finger_seed & (2**64 - 1):020d}.npz"
    if path.exists():
        try:
            return _from_npz(finger_seed, path)
        except (OSError, ValueError, KeyError):
            pass  # torn or foreign: rebuild
    finger = _cached(finger_seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp.npz")
    np.savez(
        tmp,
        ridges=np.round(finger.ridges * 127).astype(np.int8),
        meta=np.array([finger.ridge_period, *finger.pad_center, *finger.pad_axes, finger.density]),
        cores=np.array(finger.cores, dtype=np.float64).reshape(-1, 2),
        truth=np.array([(t.x, t.y, t.angle, t.kind) for t in finger.truth]).reshape(-1, 4),
        pattern=np.array(finger.pattern.value),
    )
    os.replace(tmp, path)
    return finger


def _from_npz(finger_seed: int, path: Path) -> PhaseFinger:
    with np.load(path) as data:
        meta = data["meta"]
        return PhaseFinger(
            seed=finger_seed,
            pattern=PatternClass(str(data["pattern"])),
            ridge_period=float(meta[0]),
            ridges=data["ridges"].astype(np.float32) / 127.0,
            pad_center=(float(meta[1]), float(meta[2])),
            pad_axes=(float(meta[3]), float(meta[4])),
            cores=tuple((float(x), float(y)) for x, y in data["cores"]),
            truth=tuple(
                TrueMinutia(float(x), float(y), float(a), int(k)) for x, y, a, k in data["truth"]
            ),
            density=float(meta[5]),
        )


__all__ = ["MM_PER_PIXEL", "PhaseFinger", "TrueMinutia", "build_phase_finger"]
