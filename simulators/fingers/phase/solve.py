"""The ridge phase of a phase-model finger: psi = psi_c + psi_s, ridges = cos(psi).

psi_s is the sum of the minutiae's spirals. Without a cut a spiral is p * arg(z - m). With
a cut from a to b the pattern lives on the double cover that w = sqrt((z - a)/(z - b))
unfolds (crossing the cut is w -> -w), and a spiral is p * (arg(w - w_m) - arg(w + w_m)):
odd under crossing, as the phase itself must be, so cos(psi) stays whole across the cut
and a minutia there needs no special care. psi_c, the
continuous phase, is the least-squares integral of the wave vector 2*pi/period * n(theta)
(n the ridge normal): Feng and Jain's reconstruction "from minutiae to phase", run
forwards. The normal flips sign across each core-delta cut; there the equations join the
two sides as psi(q) = -psi(p), so cos(psi) runs on unbroken across the cut, and the
spirals' phase on the cut enters their right-hand side, so it does not break it either.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spl
from scipy import ndimage

from simulators.fingers.phase.minutiae import Spiral


def _cover(z: np.ndarray | complex, cut: tuple[complex, complex]) -> np.ndarray:
    a, b = cut
    return np.sqrt((z - a) / (z - b))


def one_spiral(z: np.ndarray, s: Spiral, cut: tuple[complex, complex] | None) -> np.ndarray:
    """Phase of one spiral at points z (x + iy); odd across the cut when there is one."""
    m = complex(s.x, s.y)
    if cut is None:
        return s.polarity * np.angle(z - m)
    w, wm = _cover(z, cut), _cover(m, cut)
    return s.polarity * (np.angle(w - wm) - np.angle(w + wm))


def spiral_phase(
    spirals: list[Spiral], height: int, width: int, cut: tuple[complex, complex] | None
) -> np.ndarray:
    """Sum of the spirals' phases at every pixel (multi-valued by 2*pi: use through cos)."""
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float64)
    z = xx + 1j * yy
    out = np.zeros((height, width))
    for s in spirals:
        out += one_spiral(z, s, cut)
    return out


def continuous_phase(
    theta: np.ndarray, period: np.ndarray, spiral: np.ndarray, passes: int = 4
) -> np.ndarray:
    """psi_c on the master grid (radians), given the flow, the period and psi_s.

    A flow with curl has no exact phase, and least squares then shortens the gradient
    (ridges drift apart where the flow turns). Each further pass rescales the requested
    frequency by what the last one delivered, with the same factorised matrix, until the
    ridge spacing is close to the period asked for.
    """
    h, w = theta.shape
    n = h * w
    nx, ny = np.cos(theta + np.pi / 2), np.sin(theta + np.pi / 2)
    idx = np.arange(n).reshape(h, w)
    edges = []
    for axis in (1, 0):
        sl_p = (slice(None), slice(0, -1)) if axis == 1 else (slice(0, -1), slice(None))
        sl_q = (slice(None), slice(1, None)) if axis == 1 else (slice(1, None), slice(None))
        flipped = (nx[sl_p] * nx[sl_q] + ny[sl_p] * ny[sl_q]) < 0
        edges.append((axis, sl_p, sl_q, flipped))
    p_s = np.concatenate([idx[sp_][~f] for _, sp_, _, f in edges])
    q_s = np.concatenate([idx[sq][~f] for _, _, sq, f in edges])
    p_f = np.concatenate([idx[sp_][f] for _, sp_, _, f in edges])
    q_f = np.concatenate([idx[sq][f] for _, _, sq, f in edges])
    m_s, m_f = len(p_s), len(p_f)
    rows = np.concatenate(
        [np.arange(m_s), np.arange(m_s), m_s + np.arange(m_f), m_s + np.arange(m_f)]
    )
    cols = np.concatenate([p_s, q_s, p_f, q_f])
    vals = np.concatenate([-np.ones(m_s), np.ones(m_s), np.ones(m_f), np.ones(m_f)])
    d = sp.csr_matrix((vals, (rows, cols)), shape=(m_s + m_f, n))
    solve = spl.factorized((d.T @ d + 1e-6 * sp.eye(n)).tocsc())
    k = 2 * np.pi / period
    psi = np.zeros((h, w))
    for _ in range(passes):
        b_s, b_f = [], []
        for axis, sl_p, sl_q, flipped in edges:
            comp = nx if axis == 1 else ny
            vp, vq = (k * comp)[sl_p], (k * comp)[sl_q]
            b_s.append(0.5 * (vp + vq)[~flipped])
            # psi(q) + psi(p) = -(psi_s(p) + psi_s(q)) - 1/2 (v_p - v_q).(q - p)  (mod 2 pi)
            b_f.append(-(spiral[sl_p] + spiral[sl_q])[flipped] - 0.5 * (vp - vq)[flipped])
        rhs_f = _unwrap_along_cuts(np.concatenate(b_f), p_f, w) if m_f else np.empty(0)
        b = np.concatenate([np.concatenate(b_s), rhs_f])
        psi = np.asarray(solve(d.T @ b)).reshape(h, w)
        gy, gx = np.gradient(psi)
        got = ndimage.gaussian_filter(np.hypot(gx, gy), 6.0)
        k = k * np.clip(2 * np.pi / period / np.maximum(got, 1e-6), 0.7, 1.6)
    return psi


def _unwrap_along_cuts(rhs: np.ndarray, p: np.ndarray, width: int) -> np.ndarray:
    """Make the cut equations' right-hand sides continuous along each cut (they hold mod
    2*pi, and a jump of 2*pi in them would tear the pattern)."""
    if len(rhs) == 0:
        return rhs
    y, x = np.divmod(p, width)
    out = rhs.copy()
    # Edges of one cut form a chain of neighbouring pixels: walk it greedily.
    remaining = set(range(len(p)))
    while remaining:
        start = min(remaining, key=lambda i: (y[i], x[i]))
        chain = [start]
        remaining.discard(start)
        while True:
            last = chain[-1]
            near = [i for i in remaining if abs(y[i] - y[last]) <= 2 and abs(x[i] - x[last]) <= 2]
            if not near:
                break
            nxt = min(near, key=lambda i: (y[i] - y[last]) ** 2 + (x[i] - x[last]) ** 2)
            chain.append(nxt)
            remaining.discard(nxt)
        out[chain] = np.unwrap(rhs[chain])
    return out
