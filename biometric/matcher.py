"""The card's matcher: compare two compact card templates, return an integer score.

1. Local structures: every pair of minutiae 0.4-9 mm apart, described by its length and
   each minutia's direction relative to the line joining them: invariant to rotation and
   translation, and only locally affected by skin distortion.
2. Pairs of the probe are joined to similar pairs of the reference: the reference's
   pairs are sorted by (direction bins, length), so each probe pair reads nine short key
   ranges (angles are integers in 1/256 turns, so wrap-around is a bit mask). Each
   agreeing pair votes for a rotation; the strongest rotations, then translations (a
   2-D Hough grid), give a few alignment candidates.
3. Consensus: align the probe, pair minutiae one-to-one inside tolerance boxes that widen
   away from the alignment's support (skin stretches more there), refit, pair again.
4. Score: how unlikely the pairing is by chance (``biometric.significance``): the
   binomial tail of m pairings among the probe's minutiae inside the common area, each
   pairing by chance with a probability set by the reference's minutiae density there and
   the tolerance box. A score is 20 times -log10 of that chance, so one threshold means
   one false match rate whatever the overlap's size or the fingers' minutiae density
   (the old m^2 / (n_p n_r) with a floor of 12 favoured small, sparse overlaps).

Pure numpy: a few ms for templates of 30-40 minutiae, under 15 ms at the 60-minutia
maximum (2-core kiosk-class machine). ``MATCH_THRESHOLD`` is chosen on the benchmark's
tuning seed ranges of every finger family and difficulty (bench/fingerprint_accuracy.py)
and only read on the report ranges. Change the matcher or a generator and it must be
re-derived there.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from biometric.compact import ANGLE_STEPS, CompactMinutia, decode_compact
from biometric.errors import MatchError
from biometric.significance import Overlap, chance_score, halfplanes, moved, overlap

MATCH_THRESHOLD = 32
MIN_MINUTIAE = 6  # below this a template cannot be compared at all (the BIT's card minimum)
SCORE_SCALE = 1000

_PAIR_MIN, _PAIR_MAX = 4.0, 90.0  # pair length range, 0.1 mm
_TOL_D_ABS, _TOL_D_REL = 2.5, 0.06  # pair length tolerance: abs units + relative
_TOL_A = math.radians(20)  # relative direction tolerance of a pair
_ROT_BINS = 64
_SHIFT_BIN = 5.0  # translation Hough bin, 0.1 mm
_CANDIDATES = 3
_TOL_R0, _TOL_R_SLOPE = 3.5, 0.02  # pairing radius: base + per unit distance from support
_TOL_THETA = math.radians(17)


_TURN = 256  # pair angles are integers in 1/256 turns: wrap-around is a bit mask
_ABS_TURN = np.minimum(np.arange(_TURN), _TURN - np.arange(_TURN)).astype(np.int16)
_TOL_A_UNITS = _TOL_A / (2 * math.pi) * _TURN
_ROT_UNITS = _TURN // _ROT_BINS
_KEY_BINS = 16  # join bins of ai, aj: 22.5 degrees, wider than _TOL_A
_KEY_BIN = _TURN // _KEY_BINS
_KEY_SPAN = 1024.0  # larger than any pair length plus tolerance
_GRID = 128  # translation Hough grid, cells of _SHIFT_BIN


@dataclass(frozen=True, eq=False)
class _Prepared:
    xy: np.ndarray  # (n, 2) in 0.1 mm, y pointing up
    ang: np.ndarray  # (n,) radians, counter-clockwise
    pi: np.ndarray  # pair endpoints, sorted by pair length
    pj: np.ndarray
    d: np.ndarray  # pair length, 0.1 mm
    phi: np.ndarray  # direction i -> j, 1/256 turns
    ai: np.ndarray  # minutia i's direction relative to phi, 1/256 turns
    aj: np.ndarray
    mid: np.ndarray  # (pairs, 2) pair midpoints
    key: np.ndarray  # join key: direction bins of ai and aj, then length
    hull: np.ndarray | None  # half-planes of the minutiae's convex hull (None: degenerate)


def _wrap(a: np.ndarray) -> np.ndarray:
    """Angle difference folded into [-pi, pi)."""
    return (a + np.pi) % (2 * np.pi) - np.pi


def _prepare(minutiae: tuple[CompactMinutia, ...], both_orders: bool) -> _Prepared:
    n = len(minutiae)
    xy = np.array([(m.x, -m.y) for m in minutiae], dtype=np.float64).reshape(n, 2)
    steps = np.array([m.angle for m in minutiae], dtype=np.int16)
    ang = steps * (2 * np.pi / ANGLE_STEPS)
    ang_t = steps * (_TURN // ANGLE_STEPS)
    ii, jj = np.nonzero(~np.eye(n, dtype=bool)) if both_orders else np.triu_indices(n, 1)
    delta = xy[jj] - xy[ii]
    d = np.hypot(delta[:, 0], delta[:, 1])
    keep = (d >= _PAIR_MIN) & (d <= _PAIR_MAX)
    ii, jj, d, delta = ii[keep], jj[keep], d[keep], delta[keep]
    phi = np.rint(np.arctan2(delta[:, 1], delta[:, 0]) * (_TURN / (2 * np.pi))).astype(np.int16) & (
        _TURN - 1
    )
    ai = (ang_t[ii] - phi) & (_TURN - 1)
    aj = (ang_t[jj] - phi) & (_TURN - 1)
    # Sorted by (direction bins of both minutiae, length): the join reads short key ranges.
    key = ((ai // _KEY_BIN) * _KEY_BINS + aj // _KEY_BIN) * _KEY_SPAN + d
    order = np.argsort(key, kind="stable")
    mid = 0.5 * (xy[ii[order]] + xy[jj[order]])
    return _Prepared(
        xy, ang, ii[order], jj[order], d[order], phi[order], ai[order], aj[order], mid, key[order],
        halfplanes(xy),
    )


def _pair_votes(p: _Prepared, r: _Prepared) -> tuple[np.ndarray, ...]:
    """Agreeing (probe pair, reference pair) couples with their rotation and weight."""
    tol = _TOL_D_ABS + _TOL_D_REL * p.d
    # A reference pair within _TOL_A of the probe's ai and aj sits in their bins or the
    # neighbouring ones: nine short key ranges per probe pair.
    bi, bj = p.ai // _KEY_BIN, p.aj // _KEY_BIN
    los, his = [], []
    for oi in (-1, 0, 1):
        for oj in (-1, 0, 1):
            cell = ((bi + oi) % _KEY_BINS) * _KEY_BINS + (bj + oj) % _KEY_BINS
            base = cell * _KEY_SPAN
            los.append(np.searchsorted(r.key, base + p.d - tol, side="left"))
            his.append(np.searchsorted(r.key, base + p.d + tol, side="right"))
    lo = np.concatenate(los)
    hi = np.concatenate(his)
    counts = hi - lo
    total = int(counts.sum())
    if total == 0:
        return (np.empty(0, np.intp),) * 3 + (np.empty(0),)
    starts = np.repeat(lo - (np.cumsum(counts) - counts), counts)
    pk = np.repeat(np.tile(np.arange(len(p.d)), 9), counts)
    rk = starts + np.arange(total)
    da1 = _ABS_TURN[(p.ai[pk] - r.ai[rk]) & (_TURN - 1)]
    da2 = _ABS_TURN[(p.aj[pk] - r.aj[rk]) & (_TURN - 1)]
    ok = (da1 < _TOL_A_UNITS) & (da2 < _TOL_A_UNITS)
    pk, rk, da1, da2 = pk[ok], rk[ok], da1[ok], da2[ok]
    dd = np.abs(p.d[pk] - r.d[rk]) / (_TOL_D_ABS + _TOL_D_REL * p.d[pk])
    weight = (1 - dd) * (1 - da1 / _TOL_A_UNITS) * (1 - da2 / _TOL_A_UNITS) + 1e-6
    rot = (r.phi[rk] - p.phi[pk]) & (_TURN - 1)
    return pk, rk, rot, weight


def _rotate(xy: np.ndarray, theta: float) -> np.ndarray:
    c, s = math.cos(theta), math.sin(theta)
    return np.column_stack((c * xy[:, 0] - s * xy[:, 1], s * xy[:, 0] + c * xy[:, 1]))


def _alignments(p: _Prepared, r: _Prepared) -> list[tuple[float, np.ndarray, np.ndarray]]:
    """Up to a few (rotation, translation, support centre) candidates from the votes."""
    pk, rk, rot, weight = _pair_votes(p, r)
    if len(pk) == 0:
        return []
    bins = rot // _ROT_UNITS
    hist = np.bincount(bins, weights=weight, minlength=_ROT_BINS)
    hist = hist + 0.5 * (np.roll(hist, 1) + np.roll(hist, -1))
    out = []
    for b in np.argsort(hist)[::-1][:_CANDIDATES]:
        if hist[b] <= 0:
            break
        # Votes within a bin and a half of the peak bin's centre.
        off = _ABS_TURN[(rot - (b * _ROT_UNITS + _ROT_UNITS // 2)) & (_TURN - 1)]
        sel = off <= (3 * _ROT_UNITS) // 2
        if not sel.any():
            continue
        w = weight[sel]
        rad = rot[sel] * (2 * np.pi / _TURN)
        theta = math.atan2(float(np.sum(w * np.sin(rad))), float(np.sum(w * np.cos(rad))))
        # Each agreeing pair puts its midpoint onto the reference pair's midpoint.
        rm = r.mid[rk[sel]]
        shifts = rm - _rotate(p.mid[pk[sel]], theta)
        cells = np.clip(np.floor(shifts / _SHIFT_BIN).astype(np.intp) + _GRID // 2, 1, _GRID - 2)
        grid = np.bincount(
            cells[:, 0] * _GRID + cells[:, 1], weights=w, minlength=_GRID * _GRID
        ).reshape(_GRID, _GRID)
        # A shift near a cell edge splits its votes: score each cell with its 8 neighbours.
        box = np.zeros_like(grid)
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                box[1:-1, 1:-1] += grid[1 + dx : _GRID - 1 + dx, 1 + dy : _GRID - 1 + dy]
        bx, by = divmod(int(np.argmax(box)), _GRID)
        near = (np.abs(cells[:, 0] - bx) <= 1) & (np.abs(cells[:, 1] - by) <= 1)
        shift = np.average(shifts[near], axis=0, weights=w[near])
        support = np.average(rm[near], axis=0, weights=w[near])
        out.append((theta, shift, support))
    return out


def _pair_up(
    pxy: np.ndarray, pang: np.ndarray, r: _Prepared, support: np.ndarray
) -> list[tuple[int, int]]:
    """Greedy one-to-one pairing inside distance/direction tolerance boxes."""
    dist = np.hypot(pxy[:, None, 0] - r.xy[None, :, 0], pxy[:, None, 1] - r.xy[None, :, 1])
    dang = np.abs(_wrap(pang[:, None] - r.ang[None, :]))
    far = np.hypot(r.xy[:, 0] - support[0], r.xy[:, 1] - support[1])
    tol = _TOL_R0 + _TOL_R_SLOPE * far
    ok = (dist < tol[None, :]) & (dang < _TOL_THETA)
    ii, jj = np.nonzero(ok)
    if len(ii) == 0:
        return []
    cost = dist[ii, jj] / tol[jj] + dang[ii, jj] / _TOL_THETA
    used_p: set[int] = set()
    used_r: set[int] = set()
    pairs = []
    for k in np.argsort(cost, kind="stable"):
        a, b = int(ii[k]), int(jj[k])
        if a not in used_p and b not in used_r:
            used_p.add(a)
            used_r.add(b)
            pairs.append((a, b))
    return pairs


def _refit(pxy: np.ndarray, rxy: np.ndarray) -> tuple[float, np.ndarray]:
    """Least-squares rotation + translation taking pxy onto rxy."""
    pc, rc = pxy.mean(axis=0), rxy.mean(axis=0)
    a, b = pxy - pc, rxy - rc
    theta = math.atan2(
        float(np.sum(a[:, 0] * b[:, 1] - a[:, 1] * b[:, 0])),
        float(np.sum(a[:, 0] * b[:, 0] + a[:, 1] * b[:, 1])),
    )
    return theta, rc - _rotate(pc[None, :], theta)[0]


@dataclass(frozen=True)
class Alignment:
    """The best way found to lay the probe on the reference (matcher frame: 0.1 mm,
    y up) and what it paired: (probe index, reference index)."""

    score: int
    theta: float
    shift: tuple[float, float]
    pairs: tuple[tuple[int, int], ...]
    common: Overlap


def _consensus(
    p: _Prepared, r: _Prepared, theta: float, shift: np.ndarray, support: np.ndarray
) -> Alignment | None:
    pairs: list[tuple[int, int]] = []
    for _ in range(2):
        pxy = _rotate(p.xy, theta) + shift
        pang = p.ang + theta
        pairs = _pair_up(pxy, pang, r, support)
        if len(pairs) < 3:
            return None
        a = np.array([i for i, _ in pairs])
        b = np.array([j for _, j in pairs])
        theta, shift = _refit(p.xy[a], r.xy[b])
        support = r.xy[b].mean(axis=0)
    pxy = _rotate(p.xy, theta) + shift
    pairs = _pair_up(pxy, p.ang + theta, r, support)
    common = overlap(pxy, r.xy, moved(p.hull, theta, shift), r.hull)
    score = chance_score(len(pairs), common, tries=float(len(p.xy) * len(r.xy)))
    return Alignment(score, theta, (float(shift[0]), float(shift[1])), tuple(pairs), common)


def best_alignment(
    reference: tuple[CompactMinutia, ...], probe: tuple[CompactMinutia, ...]
) -> Alignment | None:
    """The highest-scoring alignment of two decoded templates, or None if none holds."""
    if len(reference) < MIN_MINUTIAE or len(probe) < MIN_MINUTIAE:
        raise MatchError(
            f"templates need at least {MIN_MINUTIAE} minutiae "
            f"(reference {len(reference)}, probe {len(probe)})"
        )
    r = _prepare(reference, both_orders=True)
    p = _prepare(probe, both_orders=False)
    best: Alignment | None = None
    for theta, shift, support in _alignments(p, r):
        found = _consensus(p, r, theta, shift, support)
        if found is not None and (best is None or found.score > best.score):
            best = found
    return best


def match_minutiae(reference: tuple[CompactMinutia, ...], probe: tuple[CompactMinutia, ...]) -> int:
    """Score two decoded templates (0 = nothing in common, up to SCORE_SCALE)."""
    found = best_alignment(reference, probe)
    return 0 if found is None else min(found.score, SCORE_SCALE)


def match(reference: bytes, probe: bytes) -> int:
    """Score of a probe against the enrolled reference, both compact card templates."""
    return match_minutiae(decode_compact(reference), decode_compact(probe))


def is_match(reference: bytes, probe: bytes, threshold: int = MATCH_THRESHOLD) -> bool:
    return match(reference, probe) >= threshold
