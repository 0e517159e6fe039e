"""Where each sensor pixel samples the master: placement plus plastic skin distortion.

The skin does not move rigidly: the part in firm contact sticks to the platen while the
rim is dragged by the finger's shear and torque (Cappelli, Maio, Maltoni 2001). We model
the drag as a small rigid motion (twist + shift) that fades in from the contact core to
the rim, plus a little smooth jitter, and compose it with the finger's rotation and shift.
The map is built sensor -> master (inverse warping), so every sensor pixel is sampled once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulators.fingers.orientation import smooth_noise

SENSOR_HEIGHT = 288
SENSOR_WIDTH = 256


@dataclass(frozen=True)
class Placement:
    """A touch's geometry: rigid placement and skin drag, all in pixels / radians."""

    rotation: float  # finger rotation on the platen (counter-clockwise as seen)
    shift: tuple[float, float]  # anchor offset from the sensor centre (x, y)
    drag: tuple[float, float]  # rim displacement (x, y)
    twist: float  # rim rotation about the contact core
    core_radius: float  # radius of the stuck contact core
    rim_radius: float  # radius where the drag is complete
    jitter_px: float


def sample_grid(
    placement: Placement,
    anchor: tuple[float, float],
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Master (x, y) coordinates for every sensor pixel, each (SENSOR_HEIGHT, SENSOR_WIDTH)."""
    h, w = SENSOR_HEIGHT, SENSOR_WIDTH
    v, u = np.mgrid[0:h, 0:w].astype(np.float64)
    cx = (w - 1) / 2 + placement.shift[0]
    cy = (h - 1) / 2 + placement.shift[1]
    # Plastic drag, evaluated at the observed (sensor) point: s_undistorted = s - D(s).
    dx, dy = u - cx, v - cy
    r = np.hypot(dx, dy)
    t = np.clip((r - placement.core_radius) / (placement.rim_radius - placement.core_radius), 0, 1)
    fade = t * t * (3 - 2 * t)
    ct, st = np.cos(placement.twist), np.sin(placement.twist)
    drag_x = (ct - 1) * dx + st * dy + placement.drag[0]
    drag_y = -st * dx + (ct - 1) * dy + placement.drag[1]
    if placement.jitter_px > 0:
        drag_x += placement.jitter_px * smooth_noise(rng, (h, w), 70.0)
        drag_y += placement.jitter_px * smooth_noise(rng, (h, w), 70.0)
    su = u - fade * drag_x
    sv = v - fade * drag_y
    # Rigid placement, inverted: master = anchor + R(-rotation) (s - centre).
    # "Counter-clockwise as seen" with y pointing down is a negative angle in image axes.
    ca, sa = np.cos(placement.rotation), np.sin(placement.rotation)
    ex, ey = su - cx, sv - cy
    mx = anchor[0] + ca * ex - sa * ey
    my = anchor[1] + sa * ex + ca * ey
    return mx, my
