"""Impressions: what the sensor sees when a master finger touches it once.

A touch draws its conditions from a difficulty profile (placement, skin drag, pressure,
moisture, lift-off, sensor blur and noise), samples the master's continuous ridge pattern
through the distorted grid, turns it into ink (thresholds move with pressure and
moisture, dry skin breaks ridges, wet skin merges them), and renders dark ridges on a
light platen quantized to the 16 grey levels the UART module uploads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from scipy import ndimage

from simulators.fingers.difficulty import Difficulty, ImpressionProfile
from simulators.fingers.distortion import (
    SENSOR_HEIGHT,
    SENSOR_WIDTH,
    Placement,
    sample_grid,
)
from simulators.fingers.orientation import smooth_noise

if TYPE_CHECKING:
    from simulators.fingers.master import Finger

_IMPRESSION_DOMAIN = 0x1A9E_5510
GREY_LEVELS = 16


@dataclass(frozen=True)
class Skin:
    """The state of the skin and the contact for one touch."""

    pressure: float  # 0 light .. 1 hard
    moisture: float  # -1 very dry .. +1 very wet
    lift: tuple[float, float, float] | None  # (nx, ny, offset): lifted half-plane, or None
    contact_scale: float  # scales the pad ellipse that touches the platen
    blur: float
    noise: float
    contrast: float
    background: float


def _impression_rng(finger: Finger, impression_seed: int, salt: int) -> np.random.Generator:
    return np.random.default_rng(
        [_IMPRESSION_DOMAIN, salt, finger.seed & (2**64 - 1), impression_seed & (2**64 - 1)]
    )


def _draw(rng: np.random.Generator, prof: ImpressionProfile) -> tuple[Placement, Skin]:
    rot = float(
        np.clip(
            rng.normal(0, prof.rotation_sigma_deg), -prof.rotation_max_deg, prof.rotation_max_deg
        )
    )
    shift = (
        float(rng.uniform(-prof.shift_max_px[0], prof.shift_max_px[0])),
        float(rng.uniform(-prof.shift_max_px[1], prof.shift_max_px[1])),
    )
    drag_mag = float(rng.uniform(*prof.drag_px))
    drag_dir = float(rng.uniform(0, 2 * np.pi))
    placement = Placement(
        rotation=np.deg2rad(rot),
        shift=shift,
        drag=(drag_mag * np.cos(drag_dir), drag_mag * np.sin(drag_dir)),
        twist=np.deg2rad(rng.uniform(-prof.twist_max_deg, prof.twist_max_deg)),
        core_radius=float(rng.uniform(25, 60)),
        rim_radius=float(rng.uniform(130, 170)),
        jitter_px=prof.jitter_px,
    )
    pressure = float(rng.uniform(*prof.pressure))
    lift = None
    if rng.random() < prof.lift_probability:
        ang = rng.uniform(0, 2 * np.pi)
        lift = (float(np.cos(ang)), float(np.sin(ang)), float(rng.uniform(40, 100)))
    skin = Skin(
        pressure=pressure,
        moisture=float(rng.uniform(*prof.moisture)),
        lift=lift,
        contact_scale=0.80 + 0.22 * pressure,
        blur=float(rng.uniform(*prof.blur_px)),
        noise=float(rng.uniform(*prof.noise_sigma)),
        contrast=float(rng.uniform(150, 200)),
        background=float(rng.uniform(205, 235)),
    )
    return placement, skin


def render_impression(finger: Finger, impression_seed: int, difficulty: Difficulty) -> np.ndarray:
    """Sensor image (288 x 256, uint8) of one touch; deterministic in (finger, seed, level)."""
    salt = list(Difficulty).index(difficulty)
    rng = _impression_rng(finger, impression_seed, salt)
    placement, skin = _draw(rng, difficulty.profile)
    return _render(finger, placement, skin, rng)


def _contact(
    finger: Finger, mx: np.ndarray, my: np.ndarray, skin: Skin, rng: np.random.Generator
) -> np.ndarray:
    """Soft 0..1 map of where the pad touches the platen."""
    ax, ay = finger.pad_axes
    ex = (mx - finger.pad_center[0]) / (ax * skin.contact_scale)
    # Below the pad centre the finger goes on: only the tip and sides are rounded.
    ey = np.minimum(my - finger.pad_center[1], 0) / (ay * skin.contact_scale)
    rim = np.hypot(ex, ey) + 0.06 * smooth_noise(rng, mx.shape, 60.0)
    contact = np.clip((1.0 - rim) / 0.06, 0, 1)
    if skin.lift is not None:
        nx, ny, off = skin.lift
        ax0, ay0 = finger.anchor
        d = (mx - ax0) * nx + (my - ay0) * ny - off
        contact *= np.clip(-d / 12.0, 0, 1)
    return contact


def _render(
    finger: Finger, placement: Placement, skin: Skin, rng: np.random.Generator
) -> np.ndarray:
    h, w = SENSOR_HEIGHT, SENSOR_WIDTH
    mx, my = sample_grid(placement, finger.anchor, rng)
    ridge = ndimage.map_coordinates(finger.ridges, [my, mx], order=1, mode="constant", cval=0.0)
    contact = _contact(finger, mx, my, skin, rng)
    crease = ndimage.map_coordinates(finger.creases, [my, mx], order=1, mode="constant", cval=0.0)

    dry = max(-skin.moisture, 0.0)
    wet = max(skin.moisture, 0.0)
    local_pressure = skin.pressure + 0.25 * smooth_noise(rng, (h, w), 80.0)
    # Ridge crests are +1: a higher threshold gives thinner ridges.
    thr = 0.35 * (0.55 - local_pressure) + 0.45 * dry - 0.5 * wet
    ink = np.clip((ridge - thr) / 0.5 + 0.5, 0.0, 1.0)
    if dry > 0:
        # Dry skin touches in spots: ridges break up and fade in patches.
        grain = ndimage.gaussian_filter(rng.standard_normal((h, w)), 1.6)
        grain /= grain.std() + 1e-9
        patches = smooth_noise(rng, (h, w), 40.0)
        cut = 1.6 - 1.7 * dry + 0.9 * patches
        ink *= np.clip((grain + cut) / 0.6, 0.0, 1.0)
        ink *= 1.0 - 0.35 * dry
    if wet > 0:
        # Wet skin: sweat fills valleys in blobs.
        blobs = smooth_noise(rng, (h, w), 25.0)
        fill = np.clip((blobs - (1.0 - 0.9 * wet)) / 0.15, 0.0, 1.0)
        ink = np.maximum(ink, 0.85 * fill)
    # Creases show as white lines; a hard press flattens them a little.
    ink *= 1.0 - crease * (0.95 - 0.35 * skin.pressure)
    ink *= contact
    shade = 1.0 + 0.05 * smooth_noise(rng, (h, w), 150.0)
    img = skin.background * shade - skin.contrast * ink
    img = ndimage.gaussian_filter(img, skin.blur + 0.6 * wet)
    img += rng.normal(0.0, skin.noise, size=(h, w))
    return quantize(img)


def quantize(img: np.ndarray) -> np.ndarray:
    """To the module's 4-bit grey levels, expanded to 0..255 (level * 17)."""
    levels = np.clip(np.rint(img / 255.0 * (GREY_LEVELS - 1)), 0, GREY_LEVELS - 1)
    return (levels * (255 // (GREY_LEVELS - 1))).astype(np.uint8)


def render_poor_impression(finger: Finger, impression_seed: int) -> np.ndarray:
    """A touch the quality gate must refuse: tip only, parched, smudged or smeared."""
    rng = _impression_rng(finger, impression_seed, 99)
    placement, skin = _draw(rng, Difficulty.EASY.profile)
    kind = int(rng.integers(0, 4))
    if kind == 0:  # only the very tip touches, at the window's edge
        skin = _replace(skin, lift=(0.0, 1.0, float(rng.uniform(-100.0, -80.0))))
    elif kind == 1:  # parched skin, light touch
        skin = _replace(skin, moisture=-1.0, pressure=0.0, contrast=55.0)
    elif kind == 2:  # soaked: sweat floods the valleys
        skin = _replace(skin, moisture=1.0, pressure=1.0, blur=3.2)
    else:  # finger moved while the module was scanning
        skin = _replace(skin, blur=4.0, noise=14.0)
    return _render(finger, placement, skin, rng)


def _replace(skin: Skin, **changes: object) -> Skin:
    from dataclasses import replace

    return replace(skin, **changes)  # type: ignore[arg-type]
