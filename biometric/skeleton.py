"""Thinning ridges to one-pixel skeletons and reading minutiae off them.

Zhang–Suen thinning, vectorized: each pixel's 8 neighbours form a byte, and lookup tables
decide deletion for the two sub-iterations, so a pass is a convolution and a table look-up.
A final pass removes the staircase pixels Zhang–Suen leaves, so the crossing number is 1
exactly at ridge endings and 3 at bifurcations.
"""

from __future__ import annotations

import numpy as np

# Neighbour bits, clockwise from north: P2..P9 of Zhang–Suen.
_OFFSETS = ((-1, 0), (-1, 1), (0, 1), (1, 1), (1, 0), (1, -1), (0, -1), (-1, -1))


def _bits(code: int) -> list[int]:
    return [(code >> i) & 1 for i in range(8)]


def _transitions(p: list[int]) -> int:
    return sum(1 for i in range(8) if p[i] == 0 and p[(i + 1) % 8] == 1)


def _build_tables() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    first = np.zeros(256, dtype=bool)
    second = np.zeros(256, dtype=bool)
    crossing = np.zeros(256, dtype=np.uint8)
    stair = np.zeros(256, dtype=bool)
    for code in range(256):
        p = _bits(code)
        n, ne, e, se, s, sw, w, nw = p
        b = sum(p)
        a = _transitions(p)
        if 2 <= b <= 6 and a == 1:
            first[code] = (n * e * s == 0) and (e * s * w == 0)
            second[code] = (n * e * w == 0) and (n * s * w == 0)
        crossing[code] = sum(abs(p[i] - p[(i + 1) % 8]) for i in range(8)) // 2
        # Corner of a staircase: two 4-neighbours at a right angle and nothing opposite.
        for a4, b4, opp1, opp2, opp_diag in (
            (n, e, s, w, sw),
            (e, s, w, n, nw),
            (s, w, n, e, ne),
            (w, n, e, s, se),
        ):
            if a4 and b4 and not (opp1 or opp2 or opp_diag):
                stair[code] = True
    return first, second, crossing, stair


_FIRST, _SECOND, CROSSING, _STAIR = _build_tables()


def neighbour_codes(binary: np.ndarray) -> np.ndarray:
    """Byte of the 8 neighbours of every pixel (zero outside the image).

    Eight shifted views of a zero-padded copy OR-ed together (bit k = neighbour
    ``_OFFSETS[k]``): several times faster than a correlation on these small images.
    """
    h, w = binary.shape
    padded = np.zeros((h + 2, w + 2), dtype=np.uint8)
    padded[1:-1, 1:-1] = binary
    out = np.zeros((h, w), dtype=np.uint8)
    for bit, (dy, dx) in enumerate(_OFFSETS):
        out |= padded[1 + dy : 1 + dy + h, 1 + dx : 1 + dx + w] << np.uint8(bit)
    return out


def thin(ridges: np.ndarray, max_passes: int = 40) -> np.ndarray:
    """One-pixel-wide, 8-connected skeleton of a binary ridge map."""
    img = ridges.astype(bool).copy()
    for _ in range(max_passes):
        changed = False
        for table in (_FIRST, _SECOND):
            delete = img & table[neighbour_codes(img)]
            if delete.any():
                img &= ~delete
                changed = True
        if not changed:
            break
    # Staircases: delete corner pixels one orientation class at a time, so two
    # neighbouring corners are never removed together.
    for _ in range(2):
        codes = neighbour_codes(img)
        cand = img & _STAIR[codes]
        if not cand.any():
            break
        rows, cols = np.indices(img.shape)
        parities = (rows & 1) * 2 + (cols & 1)
        for parity in range(4):
            sel = cand & (parities == parity)
            if sel.any():
                codes = neighbour_codes(img)
                img &= ~(sel & _STAIR[codes])
    return img


def crossing_numbers(skeleton: np.ndarray) -> np.ndarray:
    """Crossing number at every skeleton pixel (0 elsewhere)."""
    return np.where(skeleton, CROSSING[neighbour_codes(skeleton)], 0)


# Offsets of the set neighbours, for every neighbour byte.
NEIGHBOUR_OFFSETS: tuple[tuple[tuple[int, int], ...], ...] = tuple(
    tuple(off for bit, off in enumerate(_OFFSETS) if code >> bit & 1) for code in range(256)
)


def neighbours(skeleton: np.ndarray, y: int, x: int) -> list[tuple[int, int]]:
    """Skeleton pixels 8-adjacent to (y, x)."""
    h, w = skeleton.shape
    out = []
    for dy, dx in _OFFSETS:
        yy, xx = y + dy, x + dx
        if 0 <= yy < h and 0 <= xx < w and skeleton[yy, xx]:
            out.append((yy, xx))
    return out


def branch_starts(skeleton: np.ndarray, y: int, x: int) -> list[tuple[int, int]]:
    """One pixel per skeleton branch leaving (y, x): runs of set neighbours around the ring."""
    h, w = skeleton.shape
    ring = []
    for dy, dx in _OFFSETS:
        yy, xx = y + dy, x + dx
        ring.append(bool(0 <= yy < h and 0 <= xx < w and skeleton[yy, xx]))
    if all(ring):
        return []
    start = ring.index(False)
    runs: list[list[int]] = []
    for k in range(1, 9):
        i = (start + k) % 8
        if ring[i]:
            if not ring[(i - 1) % 8] or not runs:
                runs.append([])
            runs[-1].append(i)
    out = []
    for run in runs:
        # Even ring positions are the 4-neighbours (N, E, S, W): the skeleton's own step.
        pick = next((i for i in run if i % 2 == 0), run[0])
        dy, dx = _OFFSETS[pick]
        out.append((y + dy, x + dx))
    return out
