"""Growing a ridge pattern from noise by iterated, space-variant Gabor filtering (SFinGe-like).

Each pass filters the current pattern with a bank of complex Gabor filters (a few
orientations x two frequencies, applied in the Fourier domain), picks per pixel the
response interpolated for the local orientation and frequency, and keeps only its phase.
Starting from random noise, the pattern settles into ridges that follow the field; the
defects that survive are the finger's minutiae, so different noise gives different
minutiae; the number of passes is chosen so that a finger keeps a realistic number of
them. Most passes run at half resolution (ridge periods of 4-5 samples are still well
sampled) and a couple of full-resolution passes finish the pattern: that keeps a master
finger well under a second.
"""

from __future__ import annotations

import numpy as np
import scipy.fft as sfft

N_ORIENT = 16


class _GaborStepper:
    """One space-variant Gabor pass over a fixed orientation/frequency field."""

    def __init__(self, theta: np.ndarray, period: np.ndarray, sigma: float) -> None:
        h, w = self.shape = theta.shape
        f_map = 1.0 / period
        f_lo, f_hi = float(f_map.min()), float(f_map.max())
        if f_hi - f_lo < 1e-3:
            f_hi = f_lo + 1e-3
        v = sfft.fftfreq(h)[:, None]
        u = sfft.fftfreq(w)[None, :]
        s_f = 1.0 / (2 * np.pi * sigma)
        self.bank = np.empty((2 * N_ORIENT, h, w), dtype=np.complex64)
        for i, f in enumerate((f_lo, f_hi)):
            for k in range(N_ORIENT):
                # Ridge direction theta_k; the filter passes the ridge normal theta_k + pi/2.
                phi = k * np.pi / N_ORIENT + np.pi / 2
                fu, fv = f * np.cos(phi), f * np.sin(phi)
                self.bank[i * N_ORIENT + k] = np.exp(
                    -((u - fu) ** 2 + (v - fv) ** 2) / (2 * s_f**2)
                )
        self.buf = np.empty_like(self.bank)
        wf = np.clip((f_map - f_lo) / (f_hi - f_lo), 0.0, 1.0).astype(np.float32)
        pos = np.mod(theta, np.pi) / (np.pi / N_ORIENT)
        k0 = np.floor(pos).astype(np.intp) % N_ORIENT
        k1 = (k0 + 1) % N_ORIENT
        wk = (pos - np.floor(pos)).astype(np.float32)
        pix = np.arange(h * w).reshape(h, w)
        npx = h * w
        # Flat indices into buf.reshape(-1) and the matching interpolation weights.
        self.index = [
            (k0 * npx + pix, (1 - wf) * (1 - wk)),
            (k1 * npx + pix, (1 - wf) * wk),
            ((k0 + N_ORIENT) * npx + pix, wf * (1 - wk)),
            ((k1 + N_ORIENT) * npx + pix, wf * wk),
        ]
        # Across theta = pi the one-sided filter flips to the other lobe: conjugate there.
        self.wrap = k1 == 0

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self.step(x)[0]

    def step(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Next pattern and the complex response it is the phase of."""
        spec = sfft.fft2(x.astype(np.float32))
        np.multiply(self.bank, spec[None], out=self.buf)
        resp = sfft.ifft2(self.buf, axes=(1, 2), overwrite_x=True).reshape(-1)
        mixed = np.zeros(self.shape, dtype=np.complex64)
        for n, (idx, wgt) in enumerate(self.index):
            r = np.take(resp, idx)
            if n in (1, 3):
                r = np.where(self.wrap, np.conj(r), r)
            mixed += wgt * r
        return (mixed.real / (np.abs(mixed) + 1e-12)).astype(np.float32), mixed


def _upsample2(x: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Band-limited 2x upsampling by zero-padding the spectrum."""
    h, w = x.shape
    spec = sfft.fftshift(sfft.fft2(x))
    big = np.zeros(shape, dtype=np.complex128)
    oy, ox = (shape[0] - h) // 2, (shape[1] - w) // 2
    big[oy : oy + h, ox : ox + w] = spec
    up = sfft.ifft2(sfft.ifftshift(big)).real * (shape[0] * shape[1] / (h * w))
    return up.astype(np.float32)


def grow_ridges(
    rng: np.random.Generator,
    theta: np.ndarray,
    period: np.ndarray,
    target_defects: int,
    region: np.ndarray,
    min_iterations: int = 8,
    max_iterations: int = 34,
    fine_iterations: int = 2,
    sigma: float = 5.0,
) -> np.ndarray:
    """Ridge pattern cos(phase) in [-1, 1] following ``theta`` (radians) and ``period`` (px).

    Coarse passes continue until at most ``target_defects`` minutiae remain inside
    ``region`` (a bool map of the pad): defects annihilate slowly as the pattern settles,
    fastest where the flow is plain (arches), so stopping on a count rather than after a
    fixed number of passes gives every finger a realistic minutiae density.
    ``theta``, ``period`` and ``region`` must have even dimensions.
    """
    shape = theta.shape
    coarse_theta = theta[::2, ::2]
    coarse_region = region[::2, ::2]
    coarse = _GaborStepper(coarse_theta, period[::2, ::2] / 2.0, sigma / 2.0)
    x = rng.standard_normal(coarse.shape).astype(np.float32)
    for it in range(max_iterations):
        x, field = coarse.step(x)
        if it + 1 >= min_iterations:
            found = phase_defects(field, coarse_theta)
            if int(coarse_region[found[:, 0], found[:, 1]].sum()) <= target_defects:
                break
    x = _upsample2(x, shape)
    fine = _GaborStepper(theta, period, sigma)
    for _ in range(fine_iterations):
        x = fine(x)
    return x


def phase_defects(field: np.ndarray, theta: np.ndarray) -> np.ndarray:
    """(row, col) of the phase singularities of a complex ridge field: its minutiae.

    Plaquettes that straddle the theta = 0/pi seam (where the one-sided filters flip
    sign) are skipped, so defects right on that seam are missed.
    """
    ph = np.angle(field)

    def d(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return (b - a + np.pi) % (2 * np.pi) - np.pi

    p00, p01, p11, p10 = ph[:-1, :-1], ph[:-1, 1:], ph[1:, 1:], ph[1:, :-1]
    winding = d(p00, p01) + d(p01, p11) + d(p11, p10) + d(p10, p00)
    t = np.stack([theta[:-1, :-1], theta[:-1, 1:], theta[1:, 1:], theta[1:, :-1]])
    clean = (t.max(axis=0) - t.min(axis=0)) < np.pi / 2
    rows, cols = np.nonzero((np.abs(winding) > np.pi) & clean)
    return np.column_stack((rows, cols))
