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

    Eight shifted views of a zero-padded copy, each times its bit's weight, summed in
    uint8 (bit k = neighbour ``_OFFSETS[k]``; the weights are distinct powers of two, so
    the sum never carries): several times faster than a correlation, and than shifts.
    """
    h, w = binary.shape
    padded = np.zeros((h + 2, w + 2), dtype=np.uint8)
    padded[1:-1, 1:-1] = binary
    (dy, dx), rest = _OFFSETS[0], _OFFSETS[1:]
    out = padded[1 + dy : 1 + dy + h, 1 + dx : 1 + dx + w].copy()
    for bit, (dy, dx) in enumerate(rest, 1):
        out += padded[1 + dy : 1 + dy + h, 1 + dx : 1 + dx + w] * np.uint8(1 << bit)
    return out


class _Padded:
    """A binary image with a one-pixel frame of zeros, read by flat index.

    Thinning deletes fewer and fewer pixels each pass; a pixel's fate depends on its own
    3 x 3 neighbourhood only, so once few pixels change, only those next to a change
    need their neighbour bytes again (a gather at a handful of flat indices instead of
    eight whole-image shifts).
    """

    def __init__(self, binary: np.ndarray) -> None:
        h, w = binary.shape
        self.shape = (h, w)
        self.stride = w + 2
        grid = np.zeros((h + 2, w + 2), dtype=np.uint8)
        grid[1:-1, 1:-1] = binary
        self.flat = grid.reshape(-1)
        s = self.stride
        self.offsets = np.array([dy * s + dx for dy, dx in _OFFSETS], dtype=np.intp)
        self.ring = np.concatenate([[0], self.offsets])

    def image(self) -> np.ndarray:
        h, w = self.shape
        return self.flat.reshape(h + 2, w + 2)[1:-1, 1:-1].astype(bool)

    def marked(self, table: np.ndarray) -> np.ndarray:
        """Flat indices of every set pixel whose neighbour byte ``table`` marks
        (whole-image shifts: cheaper than gathers while many pixels are in play)."""
        h, w = self.shape
        grid = self.flat.reshape(h + 2, w + 2)
        inner = grid[1:-1, 1:-1]
        hit = np.zeros(grid.shape, dtype=bool)
        hit[1:-1, 1:-1] = (inner != 0) & table[neighbour_codes(inner)]
        return np.flatnonzero(hit)

    def codes_at(self, idx: np.ndarray) -> np.ndarray:
        """Neighbour bytes at flat indices (of pixels inside the frame)."""
        out = np.zeros(len(idx), dtype=np.uint8)
        for bit, off in enumerate(self.offsets):
            out += self.flat[idx + off] * np.uint8(1 << bit)
        return out

    def around(self, idx: np.ndarray) -> np.ndarray:
        """Set pixels among ``idx`` and their 8 neighbours (sorted, unique)."""
        near = (idx[:, None] + self.ring[None, :]).reshape(-1)
        if len(near) < 512:
            near = np.unique(near)
            return near[self.flat[near] != 0]
        hit = np.zeros(self.flat.size, dtype=bool)
        hit[near] = True
        return np.flatnonzero(hit & (self.flat != 0))

    def parity(self, idx: np.ndarray) -> np.ndarray:
        """(row & 1) * 2 + (col & 1) of flat indices, in image coordinates."""
        y, x = np.divmod(idx, self.stride)
        return ((y - 1) & 1) * 2 + ((x - 1) & 1)


_SPARSE_SHARE = 0.02  # re-check only around changes once they touch under 2 % of the image


def thin(ridges: np.ndarray, max_passes: int = 40) -> np.ndarray:
    """One-pixel-wide, 8-connected skeleton of a binary ridge map.

    Zhang–Suen's two sub-iterations delete, together, the set pixels whose neighbour byte
    the sub-iteration's table marks. A pixel whose neighbourhood did not change since the
    same table last looked at it keeps its answer (no), so after the first passes only
    pixels next to the last deletions are looked at again: the same skeleton, bit for bit,
    without whole-image passes that each delete a pixel or two.
    """
    img = _Padded(ridges.astype(bool))
    limit = _SPARSE_SHARE * img.flat.size
    tables = (_FIRST, _SECOND)
    # Deletions since each table last looked (None: look everywhere).
    since: list[np.ndarray | None] = [None, None]
    for _ in range(max_passes):
        changed = False
        for t, table in enumerate(tables):
            pending = since[t]
            if pending is None or len(pending) > limit:
                gone = img.marked(table)
            else:
                idx = img.around(pending) if len(pending) else pending
                gone = idx[table[img.codes_at(idx)]] if len(idx) else idx
            img.flat[gone] = 0
            since[t] = gone
            other = since[1 - t]
            if other is not None:
                since[1 - t] = np.concatenate([other, gone])
            changed |= bool(len(gone))
        if not changed:
            break
    # Staircases: delete corner pixels one parity class at a time (pixels of one class
    # are never neighbours), so two neighbouring corners are never removed together.
    watch: np.ndarray | None = None  # None: every pixel
    for _ in range(2):
        if watch is None:
            cand = img.marked(_STAIR)
        else:
            cand = watch[_STAIR[img.codes_at(watch)]] if len(watch) else watch
        if not len(cand):
            break
        parities = img.parity(cand)
        removed = []
        for parity in range(4):
            sel = cand[parities == parity]
            if len(sel):
                gone = sel[_STAIR[img.codes_at(sel)]]
                img.flat[gone] = 0
                removed.append(gone)
        gone_all = np.concatenate(removed) if removed else cand[:0]
        # Next round: the corners left, and whatever sits next to a removed one.
        keep = cand[img.flat[cand] != 0]
        watch = np.union1d(keep, img.around(gone_all)) if len(gone_all) else keep
    return img.image()


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
