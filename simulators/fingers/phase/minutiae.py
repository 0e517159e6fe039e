"""Where a phase-model finger's minutiae are: a point process placed before any ridge exists.

Minutiae are thrown as darts into the pad with a minimum spacing (a Poisson-disc
process, as the spatial statistics of real minutiae are close to that: Chen and Jain's
models, Zhao et al.'s synthesis), at a density drawn per finger from what fingertips
show in a window of this size; about one in eight comes as a pair a short ridge or a
small lake apart. Each minutia is a phase spiral of polarity +1 or -1 (Larkin and
Fletcher; Feng and Jain): whether it shows as an ending or a bifurcation is decided
later by the ridge phase around it, as on real skin.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MM_PER_PIXEL = 25.4 / 500
DENSITY_PER_MM2 = (0.10, 0.18)
PAIR_SHARE = 0.12


@dataclass(frozen=True)
class Spiral:
    """One planned minutia: position (master pixels) and spiral polarity."""

    x: float
    y: float
    polarity: int


def _segment_distance(px: np.ndarray, py: np.ndarray, a: complex, b: complex) -> np.ndarray:
    ab = b - a
    t = ((px - a.real) * ab.real + (py - a.imag) * ab.imag) / max(abs(ab) ** 2, 1e-9)
    t = np.clip(t, 0.0, 1.0)
    return np.hypot(px - (a.real + t * ab.real), py - (a.imag + t * ab.imag))


def place_spirals(
    rng: np.random.Generator,
    region: np.ndarray,
    theta: np.ndarray,
    period: float,
    cut: tuple[complex, complex] | None,
    points: tuple[complex, ...],
) -> tuple[list[Spiral], float]:
    """Minutiae inside ``region`` (bool map); returns them and the density drawn (/mm^2).

    Nothing is placed within 1.5 periods of the cut or 2.5 of a singular point: there the
    ridge phase is pinned by the flow's topology, not free for a spiral.
    """
    density = float(rng.uniform(*DENSITY_PER_MM2))
    area_mm2 = float(region.sum()) * MM_PER_PIXEL**2
    target = int(round(density * area_mm2))
    ys, xs = np.nonzero(region)
    ok = np.ones(len(xs), dtype=bool)
    if cut is not None:
        ok &= _segment_distance(xs, ys, *cut) > 1.5 * period
    for p in points:
        ok &= np.hypot(xs - p.real, ys - p.imag) > 2.5 * period
    ys, xs = ys[ok], xs[ok]
    if len(xs) == 0:
        return [], density
    spacing = 1.7 * period
    placed: list[Spiral] = []
    pts = np.empty((0, 2))
    tries = 0
    while len(placed) < target and tries < 40 * target:
        tries += 1
        k = int(rng.integers(len(xs)))
        x, y = float(xs[k]) + rng.uniform(-0.5, 0.5), float(ys[k]) + rng.uniform(-0.5, 0.5)
        if len(pts) and np.min(np.hypot(pts[:, 0] - x, pts[:, 1] - y)) < spacing:
            continue
        pol = 1 if rng.random() < 0.5 else -1
        group = [Spiral(x, y, pol)]
        if rng.random() < PAIR_SHARE and len(placed) + 1 < target:
            # A short ridge or a lake: the partner sits along the flow, opposite polarity.
            t = float(theta[int(y), int(x)]) + (np.pi if rng.random() < 0.5 else 0.0)
            gap = rng.uniform(1.4, 3.2) * period
            x2, y2 = x + gap * np.cos(t), y + gap * np.sin(t)
            inside = 0 <= int(y2) < region.shape[0] and 0 <= int(x2) < region.shape[1]
            if inside and region[int(y2), int(x2)] and (
                not len(pts) or np.min(np.hypot(pts[:, 0] - x2, pts[:, 1] - y2)) >= spacing
            ):
                group.append(Spiral(x2, y2, -pol))
        placed += group
        pts = np.vstack([pts, [(s.x, s.y) for s in group]])
    return placed, density
