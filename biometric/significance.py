"""Match scores as chance: how likely an unrelated finger pairs this many minutiae.

After alignment, m minutiae of the probe were paired with the reference's. Only the
common area counts: the intersection of the two sets' convex hulls (plus a margin), with
n_p probe and n_r reference minutiae inside it. By chance, a probe minutia there finds a
reference minutia inside its tolerance box with probability

    q = 1 - exp(-rho * pi * r^2 * c * (rho / rho0)^d),   rho = n_r / A

(A the common area, r the pairing radius, c the chance that directions agree, which the
ridge flow makes far higher than the box's angular width alone: minutiae follow the flow;
the density term d lets dense, regular minutiae pair by chance more often than a Poisson
scatter would, as the alignment search exploits them. c and d were fitted on the tuning
seeds of both finger families so that their impostor tails line up).
The alignment itself was chosen to pair minutiae, so the first ``FREE_PAIRS`` pairings
come free, and it was the best of many tried, about one per pair of minutiae, so the
chance is multiplied by (n_probe * n_reference / ``SEARCH_BASE``), a Bonferroni bound
that keeps big templates from winning by sheer number of tries. What is left is a
binomial tail, P(X >= m - 2) with X ~ Bin(n_p - 2, q), the
probability of random correspondence of Pankanti, Prabhakar and Jain's individuality
model in its simplest form. The score is 20 * -log10(P): a dense, small overlap no longer
scores like a large one, and a sparse finger's few pairings score what they are worth.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

HULL_MARGIN = 6.0  # 0.1 mm around each hull: minutiae sit inside the print, not on its rim
PAIR_RADIUS = 4.5  # 0.1 mm, the pairing box's typical radius
DIRECTION_AGREE = 1.2  # effective: the flow aligns directions, the search picks its best
DENSITY_REFERENCE = 0.002  # per (0.1 mm)^2, i.e. 0.2 minutiae per mm^2
DENSITY_EXPONENT = 0.5
FREE_PAIRS = 2
SEARCH_BASE = 100.0
POINTS_PER_DECADE = 20
_GRID = 3.0  # 0.1 mm, cell of the area raster


@dataclass(frozen=True)
class Overlap:
    """The common area of two aligned minutiae sets and who is inside it."""

    area: float  # (0.1 mm)^2
    probe_inside: int
    reference_inside: int


def _cross(o: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> float:
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])


def halfplanes(xy: np.ndarray) -> np.ndarray | None:
    """(k, 3) rows a, b, c with a x + b y + c <= 0 inside the convex hull (unit normals);
    None for fewer than three points or a degenerate (collinear) set.

    Andrew's monotone chain: on the card's few dozen points it is several times quicker
    than calling Qhull.
    """
    pts = sorted({(float(x), float(y)) for x, y in xy})
    if len(pts) < 3:
        return None
    lower: list[tuple[float, float]] = []
    for p in pts:
        while len(lower) >= 2 and _cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    upper: list[tuple[float, float]] = []
    for p in reversed(pts):
        while len(upper) >= 2 and _cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    ring = np.array(lower[:-1] + upper[:-1])  # counter-clockwise
    if len(ring) < 3:
        return None
    edge = np.roll(ring, -1, axis=0) - ring
    normal = np.column_stack((edge[:, 1], -edge[:, 0]))  # outward for a CCW ring
    normal /= np.hypot(normal[:, 0], normal[:, 1])[:, None]
    return np.column_stack((normal, -(normal * ring).sum(axis=1)))


def moved(eq: np.ndarray | None, theta: float, shift: np.ndarray) -> np.ndarray | None:
    """Half-planes of a hull after its points are turned by theta and shifted: the hull
    of the moved points, without computing it again."""
    if eq is None:
        return None
    c, s = np.cos(theta), np.sin(theta)
    nx = c * eq[:, 0] - s * eq[:, 1]
    ny = s * eq[:, 0] + c * eq[:, 1]
    return np.column_stack((nx, ny, eq[:, 2] - nx * shift[0] - ny * shift[1]))


def inside(eq: np.ndarray, pts: np.ndarray, margin: float) -> np.ndarray:
    # Broadcast, not a matrix product: these arrays are small and BLAS calls are slow.
    value = pts[:, 0, None] * eq[None, :, 0] + pts[:, 1, None] * eq[None, :, 1] + eq[None, :, 2]
    return np.all(value <= margin, axis=1)


def overlap(
    probe_xy: np.ndarray,
    reference_xy: np.ndarray,
    probe_hull: np.ndarray | None = None,
    reference_hull: np.ndarray | None = None,
) -> Overlap:
    """Common area of two aligned sets (same frame, 0.1 mm) and the minutiae in it; the
    hulls' half-planes may be passed in when already known."""
    ep = probe_hull if probe_hull is not None else halfplanes(probe_xy)
    er = reference_hull if reference_hull is not None else halfplanes(reference_xy)
    if ep is None or er is None:
        return Overlap(0.0, 0, 0)
    lo = np.maximum(probe_xy.min(axis=0), reference_xy.min(axis=0)) - HULL_MARGIN
    hi = np.minimum(probe_xy.max(axis=0), reference_xy.max(axis=0)) + HULL_MARGIN
    if np.any(hi <= lo):
        return Overlap(0.0, 0, 0)
    gx = np.arange(lo[0], hi[0], _GRID) + _GRID / 2
    gy = np.arange(lo[1], hi[1], _GRID) + _GRID / 2
    cells = np.stack(np.meshgrid(gx, gy), axis=-1).reshape(-1, 2)
    in_p = cells[inside(ep, cells, HULL_MARGIN)]
    area = float(inside(er, in_p, HULL_MARGIN).sum()) * _GRID * _GRID

    def common(pts: np.ndarray) -> int:
        return int((inside(ep, pts, HULL_MARGIN) & inside(er, pts, HULL_MARGIN)).sum())

    n_p, n_r = common(probe_xy), common(reference_xy)
    return Overlap(area, n_p, n_r)


def log10_binomial_tail(k: int, n: int, q: float) -> float:
    """log10 P(X >= k) for X ~ Bin(n, q); 0.0 when k <= 0."""
    if k <= 0:
        return 0.0
    if k > n or q <= 0.0:
        return -math.inf
    if q >= 1.0:
        return 0.0
    lq, l1q = math.log(q), math.log1p(-q)
    terms = [
        math.lgamma(n + 1) - math.lgamma(j + 1) - math.lgamma(n - j + 1) + j * lq + (n - j) * l1q
        for j in range(k, n + 1)
    ]
    top = max(terms)
    return (top + math.log(sum(math.exp(t - top) for t in terms))) / math.log(10)


def chance_probability(paired: int, common: Overlap, tries: float = SEARCH_BASE) -> float:
    """log10 of the chance of ``paired`` pairings in ``common`` between unrelated fingers,
    found by the best of ``tries`` alignments (n_probe * n_reference)."""
    n_p = max(common.probe_inside, paired)
    n_r = max(common.reference_inside, paired)
    area = max(common.area, 1.0)
    rho = n_r / area
    crowding = (rho / DENSITY_REFERENCE) ** DENSITY_EXPONENT
    q = 1.0 - math.exp(-rho * math.pi * PAIR_RADIUS**2 * DIRECTION_AGREE * crowding)
    tail = log10_binomial_tail(paired - FREE_PAIRS, n_p - FREE_PAIRS, min(q, 0.999))
    return min(0.0, tail + math.log10(max(tries / SEARCH_BASE, 1.0)))


def chance_score(paired: int, common: Overlap, tries: float = SEARCH_BASE) -> int:
    """Integer score: POINTS_PER_DECADE points per factor of ten of improbability."""
    lp = chance_probability(paired, common, tries)
    if lp == -math.inf:
        return 1000
    return max(0, int(round(-POINTS_PER_DECADE * lp)))
