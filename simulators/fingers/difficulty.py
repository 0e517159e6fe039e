"""How hard an impression is: the ranges each touch's conditions are drawn from.

STANDARD is the setting the accuracy benchmark reports on. It is meant to look like an
ordinary unattended kiosk, not a lab: per touch it draws

- placement: rotation ~ N(0, 9 deg) clipped to +-25 deg; shift up to +-30 px across and
  +-38 px along the finger (about +-1.5 / +-1.9 mm), so two touches of one finger often
  overlap on only 60-80 % of the window;
- plastic skin distortion (Cappelli's model: a stuck contact core, dragged periphery):
  2-9 px of drag at the contact rim with up to +-3 deg of twist, plus +-1.5 px jitter;
- pressure 0.25-0.95 (contact area and ridge width) with patchy pressure across the pad;
- skin from dry (broken, thin, faint ridges) to wet (thick ridges, merged blobs):
  moisture -0.7..+0.6;
- partial contact: in one touch of four one side or the tip of the pad is lifted;
- sensor: blur 0.5-1.1 px, noise sigma 5-11 grey levels, then 16 grey levels (4 bits).

At every level the fingers themselves are the same: a realistic minutiae density, and
creases (permanent white lines cutting ridges) on about 30 % of fingers.

EASY is a careful, centred, clean touch; HARD is FVC2004-like: large rotation and shift,
strong distortion, extreme skin.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


@dataclass(frozen=True)
class ImpressionProfile:
    """Ranges (lo, hi) or maxima for the conditions of one touch."""

    rotation_sigma_deg: float
    rotation_max_deg: float
    shift_max_px: tuple[float, float]  # (x, y)
    drag_px: tuple[float, float]
    twist_max_deg: float
    jitter_px: float
    pressure: tuple[float, float]
    moisture: tuple[float, float]  # < 0 dry, > 0 wet
    lift_probability: float
    blur_px: tuple[float, float]
    noise_sigma: tuple[float, float]


class Difficulty(enum.Enum):
    """Acquisition difficulty of synthetic impressions (see the module docstring)."""

    EASY = "easy"
    STANDARD = "standard"
    HARD = "hard"

    @classmethod
    def parse(cls, value: Difficulty | str) -> Difficulty:
        if isinstance(value, Difficulty):
            return value
        try:
            return cls(str(value).lower())
        except ValueError:
            raise ValueError(f"unknown difficulty {value!r}; use easy, standard or hard") from None

    @property
    def profile(self) -> ImpressionProfile:
        return _PROFILES[self]


_PROFILES: dict[Difficulty, ImpressionProfile] = {
    Difficulty.EASY: ImpressionProfile(
        rotation_sigma_deg=4.0,
        rotation_max_deg=10.0,
        shift_max_px=(12.0, 15.0),
        drag_px=(0.0, 3.0),
        twist_max_deg=1.0,
        jitter_px=0.5,
        pressure=(0.5, 0.8),
        moisture=(-0.2, 0.2),
        lift_probability=0.0,
        blur_px=(0.5, 0.8),
        noise_sigma=(3.0, 6.0),
    ),
    Difficulty.STANDARD: ImpressionProfile(
        rotation_sigma_deg=9.0,
        rotation_max_deg=25.0,
        shift_max_px=(30.0, 38.0),
        drag_px=(2.0, 9.0),
        twist_max_deg=3.0,
        jitter_px=1.5,
        pressure=(0.25, 0.95),
        moisture=(-0.7, 0.6),
        lift_probability=0.25,
        blur_px=(0.5, 1.1),
        noise_sigma=(5.0, 11.0),
    ),
    Difficulty.HARD: ImpressionProfile(
        rotation_sigma_deg=15.0,
        rotation_max_deg=35.0,
        shift_max_px=(45.0, 55.0),
        drag_px=(5.0, 15.0),
        twist_max_deg=5.0,
        jitter_px=2.5,
        pressure=(0.1, 1.0),
        moisture=(-1.0, 0.9),
        lift_probability=0.4,
        blur_px=(0.7, 1.5),
        noise_sigma=(8.0, 16.0),
    ),
}
