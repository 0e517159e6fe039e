"""Image -> minutiae: enhance, thin, find endings and bifurcations, drop the false ones.

False minutiae come from breaks, spurs, bridges, islands, lakes and the rim of the print.
Each candidate is traced along the skeleton for about a ridge period or two; what the
trace meets decides (another minutia too soon means a structure too small to be real).
Directions come from the smoothed orientation field, with the sense read off the trace.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from biometric.enhance import Enhanced, enhance
from biometric.errors import ImageFormatError
from biometric.minutia import Minutia, MinutiaType
from biometric.skeleton import (
    NEIGHBOUR_OFFSETS,
    branch_starts,
    crossing_numbers,
    neighbour_codes,
    thin,
)


@dataclass(frozen=True, eq=False)
class Extraction:
    """Minutiae of one image plus the maps the quality score is computed from."""

    minutiae: tuple[Minutia, ...]
    maps: Enhanced
    skeleton: np.ndarray


@dataclass
class _Candidate:
    y: int
    x: int
    kind: MinutiaType
    direction: float = 0.0  # image-axes angle atan2(dy, dx) of the minutia's direction
    alive: bool = True


def check_image(image: np.ndarray) -> np.ndarray:
    arr = np.asarray(image)
    if arr.ndim != 2 or arr.dtype != np.uint8:
        raise ImageFormatError(f"expected a 2-D uint8 grey image, got {arr.dtype} {arr.shape}")
    if min(arr.shape) < 64:
        raise ImageFormatError(f"image {arr.shape} is too small for minutiae extraction")
    return arr


def extract(image: np.ndarray) -> Extraction:
    """Minutiae of a sensor image (dark ridges on a light platen, about 500 dpi)."""
    maps = enhance(check_image(image))
    skeleton = thin(maps.ridges)
    inner = maps.depth
    cands = _find_candidates(skeleton, inner)
    _trace_and_filter(cands, skeleton, maps.period)
    _remove_breaks_and_clusters(cands, maps)
    minutiae = _finish(cands, maps, inner)
    return Extraction(tuple(minutiae), maps, skeleton)


def _find_candidates(skeleton: np.ndarray, inner: np.ndarray) -> list[_Candidate]:
    cn = crossing_numbers(skeleton)
    # Only well inside the foreground: the rim and the window edge make fake endings.
    ok = inner > 8
    cands = [
        _Candidate(int(y), int(x), MinutiaType.ENDING) for y, x in zip(*np.nonzero((cn == 1) & ok))
    ]
    cands += [
        _Candidate(int(y), int(x), MinutiaType.BIFURCATION)
        for y, x in zip(*np.nonzero((cn == 3) & ok))
    ]
    return cands


def _trace(
    codes: np.ndarray,
    start: tuple[int, int],
    first: tuple[int, int],
    max_len: int,
    stops: dict[tuple[int, int], int],
) -> tuple[list[tuple[int, int]], int | None]:
    """Follow a branch from ``start`` via ``first``; stop at a minutia (index) or a dead end.

    ``codes`` is the skeleton's neighbour byte per pixel (zero outside the image, so the
    offsets it names are always inside).
    """
    path = [start, first]
    if first in stops:
        return path, stops[first]
    prev, cur = start, first
    for _ in range(max_len):
        cy, cx = cur
        nxt = [
            p
            for p in [(cy + dy, cx + dx) for dy, dx in NEIGHBOUR_OFFSETS[codes[cy, cx]]]
            if p != prev
            and p not in path[-3:]
            and max(abs(p[0] - start[0]), abs(p[1] - start[1])) > 1
        ]
        if not nxt:
            return path, None
        for p in nxt:
            if p in stops:
                path.append(p)
                return path, stops[p]
        # Prefer the 4-connected step, as the thin skeleton's path does.
        nxt.sort(key=lambda p: abs(p[0] - cur[0]) + abs(p[1] - cur[1]))
        prev, cur = cur, nxt[0]
        path.append(cur)
    return path, None


def _direction(path: list[tuple[int, int]]) -> float:
    (y0, x0), (y1, x1) = path[0], path[-1]
    return math.atan2(y1 - y0, x1 - x0)


def _angle_gap(a: float, b: float) -> float:
    return abs((a - b + math.pi) % (2 * math.pi) - math.pi)


def _trace_and_filter(cands: list[_Candidate], skeleton: np.ndarray, period: float) -> None:
    stops = {(c.y, c.x): i for i, c in enumerate(cands)}
    reach = int(round(1.6 * period))
    codes = np.where(skeleton, neighbour_codes(skeleton), 0)
    for i, c in enumerate(cands):
        if not c.alive:
            continue
        branches = [
            _trace(codes, (c.y, c.x), n, reach, stops) for n in branch_starts(skeleton, c.y, c.x)
        ]
        short = [(p, j) for p, j in branches if j is not None and j != i]
        if c.kind is MinutiaType.ENDING:
            if len(branches) != 1:
                c.alive = False
                continue
            path, j = branches[0]
            if j is not None and len(path) < reach:
                # Spur (ending -> bifurcation) or short island (ending -> ending).
                c.alive = False
                cands[j].alive = False
                continue
            c.direction = _direction(path)  # into the ridge body
        else:
            if len(branches) != 3:
                c.alive = False
                continue
            if short:
                targets = [j for _, j in short]
                for j in targets:
                    if cands[j].kind is MinutiaType.BIFURCATION or len(targets) > 1:
                        # Bridge, lake, or tangle of bifurcations.
                        c.alive = False
                        cands[j].alive = False
                if not c.alive:
                    continue
            dirs = [_direction(p) for p, _ in branches]
            # The two branches of the fork are the closest pair; the stem is the odd one.
            pairs = [(0, 1), (0, 2), (1, 2)]
            a, b = min(pairs, key=lambda ab: _angle_gap(dirs[ab[0]], dirs[ab[1]]))
            mean = math.atan2(
                math.sin(dirs[a]) + math.sin(dirs[b]), math.cos(dirs[a]) + math.cos(dirs[b])
            )
            c.direction = mean  # between the branches, away from the stem


def _remove_breaks_and_clusters(cands: list[_Candidate], maps: Enhanced) -> None:
    alive = [c for c in cands if c.alive]
    if len(alive) < 2:
        return
    pts = np.array([(c.x, c.y) for c in alive], dtype=np.float64)
    d = np.hypot(pts[:, None, 0] - pts[None, :, 0], pts[:, None, 1] - pts[None, :, 1])
    np.fill_diagonal(d, np.inf)
    period = maps.period
    kill = np.zeros(len(alive), dtype=bool)
    # Broken ridge: two endings close together, facing each other along the flow.
    for i, j in zip(*np.nonzero(d < 1.8 * period)):
        if i >= j:
            continue
        ci, cj = alive[i], alive[j]
        if ci.kind is MinutiaType.ENDING and cj.kind is MinutiaType.ENDING:
            facing = _angle_gap(ci.direction, cj.direction + math.pi) < math.radians(50)
            link = math.atan2(cj.y - ci.y, cj.x - ci.x)
            along = _angle_gap(link, ci.direction + math.pi) < math.radians(50)
            if facing and along:
                kill[i] = kill[j] = True
        elif d[i, j] < 0.6 * period:
            kill[i] = kill[j] = True
    # Clusters: many candidates within a ridge period are noise, not detail.
    crowd = (d < 1.2 * period).sum(axis=1)
    kill |= crowd >= 3
    for c, k in zip(alive, kill):
        if k:
            c.alive = False


def _finish(cands: list[_Candidate], maps: Enhanced, inner: np.ndarray) -> list[Minutia]:
    out = []
    for c in cands:
        if not c.alive:
            continue
        # Snap the direction to the smooth flow; the trace only decides the sense.
        axis = float(maps.orientation[c.y, c.x])
        direction = axis if _angle_gap(axis, c.direction) <= math.pi / 2 else axis + math.pi
        angle = (-direction) % (2 * math.pi)  # image axes (y down) -> counter-clockwise
        coh = float(maps.coherence[c.y, c.x])
        rim = float(inner[c.y, c.x])
        q = min(1.0, coh / 0.7) * min(1.0, rim / (2.5 * maps.period))
        out.append(Minutia(float(c.x), float(c.y), angle, c.kind, int(round(100 * q))))
    return out
