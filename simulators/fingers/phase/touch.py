"""A touch of a phase-model finger, rendered from contact mechanics rather than thresholds.

The finger is a curved pad of skin whose surface carries the ridges as relief. Pressed
onto the platen by some depth, skin touches it wherever the pad's curvature, less the
ridge relief, stays within that depth: at the rim only ridge crests touch (thin, broken
lines); in the middle whole ridges; pressed hard, shallow valleys too. Moisture changes
what counts as contact: sweat bridges valleys near contact (wet) while dry skin touches
only at asperities, with its sweat pores open. The finger can be tilted (rolled or
pitched), so the contact patch sits off the pad's centre and often off the window.
Elastic distortion is a smooth random displacement field (a few Gaussian traction
patches), a torsion that fades from the contact centre, and the pad's flattening under
pressure: a model of its own, unlike the Gabor family's stuck-core drag. The optical
sensor then sees contact as dark on a vignetted light field, through a slight defocus,
with shot-like noise and row banding, at 16 grey levels.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
from scipy import ndimage

from simulators.fingers.difficulty import Difficulty
from simulators.fingers.distortion import SENSOR_HEIGHT, SENSOR_WIDTH
from simulators.fingers.impression import quantize

if TYPE_CHECKING:
    from simulators.fingers.phase.master import PhaseFinger

_TOUCH_DOMAIN = 0x6B02_77E1
_PORE_DOMAIN = 0x51D3_0C9F


@dataclass(frozen=True)
class TouchProfile:
    """Ranges of one touch's conditions for the phase family."""

    rotation_sigma_deg: float
    rotation_max_deg: float
    offset_mm: tuple[float, float]  # max contact-centre offset from the window centre
    tilt: float  # max slope of the pad's tilt (moves the patch off the pad centre)
    depth: tuple[float, float]  # pressing depth, in units of the pad's curvature scale
    moisture: tuple[float, float]
    traction_px: tuple[float, float]  # elastic displacement amplitude
    torsion_deg: float
    noise: tuple[float, float]
    defocus: tuple[float, float]


PROFILES: dict[Difficulty, TouchProfile] = {
    Difficulty.EASY: TouchProfile(5, 12, (0.8, 1.0), 0.05, (0.6, 0.85), (-0.3, 0.3),
                                  (0.5, 2.5), 1.0, (3, 6), (0.4, 0.8)),
    Difficulty.STANDARD: TouchProfile(10, 30, (2.0, 2.6), 0.25, (0.35, 0.95), (-0.8, 0.8),
                                      (2.0, 6.5), 4.0, (4, 10), (0.5, 1.1)),
    Difficulty.HARD: TouchProfile(16, 40, (3.0, 3.6), 0.40, (0.2, 1.0), (-1.0, 1.0),
                                  (4.5, 12.0), 7.0, (7, 15), (0.7, 1.5)),
}


@dataclass(frozen=True)
class Touch:
    rotation: float
    offset: tuple[float, float]  # contact centre on the sensor, px from the window centre
    tilt: tuple[float, float]
    depth: float
    moisture: float
    traction: tuple[tuple[float, float, float, float], ...]  # (x, y, dx, dy) patches, px
    torsion: float
    noise: float
    defocus: float
    brightness: float
    contrast: float


def _draw(rng: np.random.Generator, prof: TouchProfile) -> Touch:
    px_per_mm = 500 / 25.4
    rot = float(np.clip(rng.normal(0, prof.rotation_sigma_deg), -prof.rotation_max_deg,
                        prof.rotation_max_deg))
    offset = (float(rng.uniform(-1, 1) * prof.offset_mm[0] * px_per_mm),
              float(rng.uniform(-1, 1) * prof.offset_mm[1] * px_per_mm))
    amp = float(rng.uniform(*prof.traction_px))
    patches = tuple(
        (float(rng.uniform(-90, 90)), float(rng.uniform(-100, 100)),
         *(amp * rng.normal(0, 0.7, size=2)).tolist())
        for _ in range(3)
    )
    return Touch(
        rotation=np.deg2rad(rot),
        offset=offset,
        tilt=(float(rng.uniform(-1, 1) * prof.tilt), float(rng.uniform(-1, 1) * prof.tilt)),
        depth=float(rng.uniform(*prof.depth)),
        moisture=float(rng.uniform(*prof.moisture)),
        traction=patches,
        torsion=np.deg2rad(rng.uniform(-prof.torsion_deg, prof.torsion_deg)),
        noise=float(rng.uniform(*prof.noise)),
        defocus=float(rng.uniform(*prof.defocus)),
        brightness=float(rng.uniform(200, 240)),
        contrast=float(rng.uniform(140, 200)),
    )


def _rng(finger: PhaseFinger, seed: int, salt: int) -> np.random.Generator:
    return np.random.default_rng(
        [_TOUCH_DOMAIN, salt, finger.seed & (2**64 - 1), seed & (2**64 - 1)])


def render_touch(finger: PhaseFinger, impression_seed: int, difficulty: Difficulty) -> np.ndarray:
    """Sensor image (288 x 256 uint8, 16 grey levels); deterministic in its arguments."""
    rng = _rng(finger, impression_seed, list(Difficulty).index(difficulty))
    return _render(finger, _draw(rng, PROFILES[difficulty]), rng)


def _sensor_to_master(finger: PhaseFinger, t: Touch) -> tuple[np.ndarray, np.ndarray]:
    """Master coordinates (x, y) of every sensor pixel: elastic field, then placement."""
    h, w = SENSOR_HEIGHT, SENSOR_WIDTH
    v, u = np.mgrid[0:h, 0:w].astype(np.float64)
    cx, cy = (w - 1) / 2 + t.offset[0], (h - 1) / 2 + t.offset[1]
    dx, dy = u - cx, v - cy
    r2 = dx * dx + dy * dy
    # Torsion: the middle of the patch turns with the finger, the rim lags behind.
    ang = t.torsion * np.exp(-r2 / (2 * 70.0**2))
    ca, sa = np.cos(ang), np.sin(ang)
    ex, ey = ca * dx - sa * dy, sa * dx + ca * dy
    # Traction patches: smooth displacements where friction held the skin.
    for px, py, tx, ty in t.traction:
        g = np.exp(-((dx - px) ** 2 + (dy - py) ** 2) / (2 * 60.0**2))
        ex -= tx * g
        ey -= ty * g
    # The pad flattens under pressure: skin spreads out from the contact centre.
    spread = 1.0 + 0.04 * t.depth
    ex, ey = ex / spread, ey / spread
    cr, sr = np.cos(t.rotation), np.sin(t.rotation)
    ax, ay = finger.anchor
    return ax + cr * ex - sr * ey, ay + sr * ex + cr * ey


def _pores(finger: PhaseFinger) -> np.ndarray:
    """0..1 map of the finger's sweat pores on ridge crests (same in every touch)."""
    rng = np.random.default_rng([_PORE_DOMAIN, finger.seed & (2**64 - 1)])
    h, w = finger.ridges.shape
    out = np.zeros((h, w), dtype=np.float32)
    crest = np.argwhere(finger.ridges > 0.9)
    if len(crest) == 0:
        return out
    # About one pore per 0.45 mm of ridge: crest pixels are ~1/4 of the pad's pixels.
    n = int(len(crest) * 0.012)
    pick = crest[rng.choice(len(crest), size=n, replace=False)]
    out[pick[:, 0], pick[:, 1]] = 1.0
    return np.minimum(ndimage.gaussian_filter(out, 0.9) * 6.0, 1.0)


def _render(finger: PhaseFinger, t: Touch, rng: np.random.Generator) -> np.ndarray:
    h, w = SENSOR_HEIGHT, SENSOR_WIDTH
    mx, my = _sensor_to_master(finger, t)
    relief = ndimage.map_coordinates(finger.ridges, [my, mx], order=1, mode="constant",
                                     cval=-1.0)
    relief = 0.5 * (relief + 1.0)  # 0 valley floor .. 1 ridge crest
    pores = ndimage.map_coordinates(_pores(finger), [my, mx], order=1, mode="constant")
    # Pad surface above the platen (1 = the pad's rim), tilted as the finger was held.
    ax, ay = finger.pad_axes
    px = (mx - finger.pad_center[0]) / ax
    py = (my - finger.pad_center[1]) / ay
    pad = px * px + np.where(py < 0, py * py, 0.35 * py * py)
    pad += t.tilt[0] * px + t.tilt[1] * py
    # Pressed by ``depth``, the pad flattens onto the glass; in the flat patch ridge
    # crests touch, valleys stay open by their depth, which pressure squeezes.
    outside = np.maximum(pad - t.depth, 0.0)
    valley = 0.09 * (1.0 - 0.45 * min(t.depth, 1.0))
    gap = outside + valley * (1.0 - relief)
    wet = max(t.moisture, 0.0)
    dry = max(-t.moisture, 0.0)
    # What still counts as contact: sweat bridges wider gaps; dry skin only the closest.
    reach = 0.032 * (1.0 - 0.45 * dry) + 0.05 * wet
    ink = np.clip(1.0 - gap / reach, 0.0, 1.0) ** 0.7
    if wet > 0.4:
        # Pooled sweat fills valleys in patches where the skin is flat on the glass.
        pool = _noise(rng, (h, w), 7.0) > 1.05 - 0.45 * (wet - 0.4)
        ink = np.maximum(ink, 0.75 * pool * (outside < 0.02))
    if dry > 0:
        # Dry skin touches at asperities: speckled, broken ridges; pores stay open.
        speck = _noise(rng, (h, w), 1.3)
        ink *= np.clip((speck - (0.6 * dry - 0.42)) / 0.2, 0.0, 1.0)
        ink *= 1.0 - pores * min(1.0, 0.3 + 0.6 * dry)
        ink *= 1.0 - 0.3 * dry
    else:
        ink *= 1.0 - 0.3 * pores
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
    vignette = 1.0 - 0.12 * (((xx - w / 2) / w) ** 2 + ((yy - h / 2) / h) ** 2) * 4
    img = t.brightness * vignette - t.contrast * ink
    img = ndimage.uniform_filter(img, 3) * 0.3 + img * 0.7  # slight defocus ...
    img = ndimage.gaussian_filter(img, t.defocus)  # ... and the lens's blur
    img += rng.normal(0, 1, (h, w)) * t.noise * np.sqrt(np.clip(img, 1, 255) / 200.0)
    img += rng.normal(0, 0.35 * t.noise, (h, 1))  # row banding of the line sensor
    return quantize(img)


def _noise(rng: np.random.Generator, shape: tuple[int, int], sigma: float) -> np.ndarray:
    """0..1 correlated noise (Gaussian-filtered white noise, standardised, squashed)."""
    n = ndimage.gaussian_filter(rng.standard_normal(shape), sigma)
    n /= n.std() + 1e-9
    return 1.0 / (1.0 + np.exp(-1.5 * n))


def render_poor_touch(finger: PhaseFinger, impression_seed: int) -> np.ndarray:
    """A touch the quality gate must refuse: the tip only, parched, soaked or smeared."""
    rng = _rng(finger, impression_seed, 99)
    t = _draw(rng, PROFILES[Difficulty.EASY])
    kind = int(rng.integers(0, 4))
    if kind == 0:  # only the tip touches, at the window's edge
        t = replace(t, offset=(0.0, -150.0), depth=0.15)
    elif kind == 1:  # parched and barely pressed
        t = replace(t, moisture=-1.0, depth=0.2, contrast=60.0)
    elif kind == 2:  # soaked and pressed flat
        t = replace(t, moisture=1.0, depth=1.0, defocus=2.5)
    else:  # moved during the scan
        t = replace(t, defocus=3.5, noise=14.0)
    return _render(finger, t, rng)
