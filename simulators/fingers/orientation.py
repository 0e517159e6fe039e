"""Ridge orientation fields from singular points (Sherlock–Monro, Vizcaya–Gerhardt style).

A finger's ridge flow is fixed by its cores and deltas: around each, the orientation turns
by half a revolution. Summing half-angles of the singular points gives that topology; a
per-finger warp of each point's angular response and a smooth perturbation make the
fingers of one class look different from each other.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

import numpy as np
from scipy import ndimage


class PatternClass(enum.Enum):
    """Henry classes with their share of the population (SFinGe's figures)."""

    ARCH = "arch"
    TENTED_ARCH = "tented_arch"
    LEFT_LOOP = "left_loop"
    RIGHT_LOOP = "right_loop"
    WHORL = "whorl"


CLASS_WEIGHTS: dict[PatternClass, float] = {
    PatternClass.ARCH: 0.04,
    PatternClass.TENTED_ARCH: 0.04,
    PatternClass.LEFT_LOOP: 0.33,
    PatternClass.RIGHT_LOOP: 0.31,
    PatternClass.WHORL: 0.28,
}


@dataclass(frozen=True)
class SingularPoints:
    """Cores and deltas in master-image pixel coordinates (x, y)."""

    pattern: PatternClass
    cores: tuple[tuple[float, float], ...]
    deltas: tuple[tuple[float, float], ...]


def choose_singular_points(rng: np.random.Generator, width: int, height: int) -> SingularPoints:
    """Place cores and deltas for a randomly drawn class, around the pad's centre."""
    classes = list(CLASS_WEIGHTS)
    weights = np.array([CLASS_WEIGHTS[c] for c in classes])
    pattern = classes[rng.choice(len(classes), p=weights / weights.sum())]
    cx = width / 2 + rng.uniform(-20, 20)
    cy = height * 0.42 + rng.uniform(-25, 25)
    cores: list[tuple[float, float]] = []
    deltas: list[tuple[float, float]] = []
    if pattern is PatternClass.TENTED_ARCH:
        cores.append((cx, cy))
        deltas.append((cx + rng.uniform(-8, 8), cy + rng.uniform(45, 75)))
    elif pattern in (PatternClass.LEFT_LOOP, PatternClass.RIGHT_LOOP):
        side = 1.0 if pattern is PatternClass.LEFT_LOOP else -1.0
        cores.append((cx - side * rng.uniform(0, 25), cy))
        deltas.append((cx + side * rng.uniform(70, 120), cy + rng.uniform(80, 135)))
    elif pattern is PatternClass.WHORL:
        sep = rng.uniform(12, 40)
        tilt = rng.uniform(-0.9, 0.9) + np.pi / 2
        dx, dy = 0.5 * sep * np.cos(tilt), 0.5 * sep * np.sin(tilt)
        cores += [(cx - dx, cy - dy), (cx + dx, cy + dy)]
        drop = rng.uniform(95, 140)
        deltas += [
            (cx - rng.uniform(85, 125), cy + drop + rng.uniform(-15, 15)),
            (cx + rng.uniform(85, 125), cy + drop + rng.uniform(-15, 15)),
        ]
    return SingularPoints(pattern, tuple(cores), tuple(deltas))


def _angle_warp(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Random smooth, monotone warp g(a) = a + sum c_k sin(k a + p_k) of a polar angle."""
    amps = rng.uniform(-0.12, 0.12, size=3) / np.arange(1, 4)
    phases = rng.uniform(0, 2 * np.pi, size=3)
    return amps, phases


def _warped_arg(
    xx: np.ndarray, yy: np.ndarray, point: tuple[float, float], warp: tuple[np.ndarray, np.ndarray]
) -> np.ndarray:
    a = np.arctan2(yy - point[1], xx - point[0])
    amps, phases = warp
    for k, (c, p) in enumerate(zip(amps, phases), start=1):
        a = a + c * (np.sin(k * a + p) - np.sin(p))
    return a


def smooth_noise(rng: np.random.Generator, shape: tuple[int, int], scale: float) -> np.ndarray:
    """Zero-mean, unit-peak smooth random field with correlation length ``scale`` pixels."""
    step = max(int(scale // 4), 1)
    small = rng.standard_normal((shape[0] // step + 2, shape[1] // step + 2))
    small = ndimage.gaussian_filter(small, sigma=scale / step / 2, mode="wrap")
    field = ndimage.zoom(small, step, order=1)[: shape[0], : shape[1]]
    field = field - field.mean()
    peak = np.abs(field).max()
    return field / peak if peak > 0 else field


def orientation_field(
    rng: np.random.Generator, points: SingularPoints, width: int, height: int
) -> np.ndarray:
    """Ridge direction (radians, mod pi, image axes: x right, y down) at every pixel."""
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float64)
    theta = np.zeros((height, width))
    for core in points.cores:
        theta += 0.5 * _warped_arg(xx, yy, core, _angle_warp(rng))
    for delta in points.deltas:
        theta -= 0.5 * _warped_arg(xx, yy, delta, _angle_warp(rng))
    if points.pattern is PatternClass.ARCH:
        theta += _arch_field(rng, xx, yy, width, height)
    else:
        theta += _tip_arcs(xx, yy, points, width, height)
    theta += np.deg2rad(rng.uniform(4, 9)) * smooth_noise(rng, (height, width), 90.0)
    return np.mod(theta, np.pi)


def _arch_field(
    rng: np.random.Generator, xx: np.ndarray, yy: np.ndarray, width: int, height: int
) -> np.ndarray:
    """Plain arch: ridges are level lines of y + a * bump(x), rising towards the middle."""
    cx = width / 2 + rng.uniform(-25, 25)
    cy = height * 0.45 + rng.uniform(-30, 30)
    amp = rng.uniform(35, 70)
    sx = rng.uniform(55, 85)
    bump = np.exp(-((xx - cx) ** 2) / (2 * sx**2))
    decay = 1.0 / (1.0 + np.exp((yy - cy - 60) / 35.0))
    dfx = -amp * bump * (xx - cx) / sx**2 * decay
    # Level-set tangent of F = y - a*bump(x)*decay(y) is (1, -F_x/F_y) with F_y ~ 1.
    return np.arctan(-dfx)


def _tip_arcs(
    xx: np.ndarray, yy: np.ndarray, points: SingularPoints, width: int, height: int
) -> np.ndarray:
    """Above the highest core, bend ridges into arcs that follow the fingertip."""
    top = min(c[1] for c in points.cores)
    cx = float(np.mean([c[0] for c in points.cores]))
    # Tangent of circles centred well below the cores; zero along the vertical through cx.
    cy0 = top + 120.0
    ang = np.arctan((xx - cx) / np.maximum(cy0 - yy, 40.0))
    weight = np.clip((top - 30.0 - yy) / 90.0, 0.0, 1.0)
    return weight * ang * 0.8
