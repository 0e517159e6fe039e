"""Ridge flow of a phase-model finger: singular points in core-delta pairs, the flow they
imply, and the ridge frequency.

Loops and tented arches: the zero-pole model written for their core-delta pair,
theta = 1/2 Arg((z - c)/(z - d)), whose only discontinuity is a jump of pi on the straight
segment from the core c to the delta d. Whorls: concentric ridges about a centre z0
(index +1, which a phase can follow without any cut: psi = k |z - z0|) and two deltas
joined by one cut, theta = Arg(z - z0) - Arg(z - d2) - 1/2 Arg((z - d1)/(z - d2)) (the zero-pole
model with a double core, rewritten so that its jump lies on the delta-delta segment).
Every class thus has at most one cut: the segment the phase solver works around. A smooth global
term (a low-order polynomial, in the spirit of Gu, Zhou and Yang's combination model,
plus the arching of the fingertip) bends the flow without adding singularities.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulators.fingers.orientation import PatternClass

# Class shares of the population (roughly the FBI's figures; not the Gabor family's).
CLASS_SHARES: dict[PatternClass, float] = {
    PatternClass.ARCH: 0.05,
    PatternClass.TENTED_ARCH: 0.04,
    PatternClass.LEFT_LOOP: 0.32,
    PatternClass.RIGHT_LOOP: 0.30,
    PatternClass.WHORL: 0.29,
}


@dataclass(frozen=True)
class Singularities:
    """Singular points (x + iy, master pixels, y down) and the one cut, if any.

    ``cores`` holds a loop's core, or a whorl's centre; ``cut`` joins the two points the
    orientation's jump of pi runs between (core-delta, or delta-delta for a whorl).
    """

    pattern: PatternClass
    cores: tuple[complex, ...]
    deltas: tuple[complex, ...]
    cut: tuple[complex, complex] | None

    @property
    def points(self) -> tuple[complex, ...]:
        return self.cores + self.deltas


def draw_singularities(rng: np.random.Generator, width: int, height: int) -> Singularities:
    """A pattern class and its singular points, around the middle of the pad."""
    classes = list(CLASS_SHARES)
    shares = np.array([CLASS_SHARES[c] for c in classes])
    pattern = classes[int(rng.choice(len(classes), p=shares / shares.sum()))]
    cx = width * 0.5 + rng.normal(0, 14)
    cy = height * 0.40 + rng.normal(0, 16)
    if pattern is PatternClass.TENTED_ARCH:
        core = complex(cx, cy)
        delta = core + complex(rng.normal(0, 6), rng.uniform(40, 75))
        return Singularities(pattern, (core,), (delta,), (core, delta))
    if pattern in (PatternClass.LEFT_LOOP, PatternClass.RIGHT_LOOP):
        side = 1.0 if pattern is PatternClass.LEFT_LOOP else -1.0
        core = complex(cx - side * rng.uniform(0, 20), cy)
        length = rng.uniform(85, 150)
        angle = np.deg2rad(rng.uniform(35, 70))  # below the core, towards the delta's side
        delta = core + length * complex(side * np.cos(angle), np.sin(angle))
        return Singularities(pattern, (core,), (delta,), (core, delta))
    if pattern is PatternClass.WHORL:
        centre = complex(cx, cy + rng.normal(0, 8))
        drop = rng.uniform(90, 135)
        left = complex(cx - rng.uniform(80, 120), cy + drop + rng.normal(0, 12))
        right = complex(cx + rng.uniform(80, 120), cy + drop + rng.normal(0, 12))
        return Singularities(pattern, (centre,), (left, right), (left, right))
    return Singularities(pattern, (), (), None)


def _polynomial_bend(rng: np.random.Generator, xn: np.ndarray, yn: np.ndarray) -> np.ndarray:
    """A smooth random bend of the flow: low-order polynomial in normalised coordinates."""
    terms = [xn, yn, xn * yn, xn**2 - 0.3, yn**2 - 0.3, xn**2 * yn, xn * yn**2]
    coef = rng.normal(0, 0.07, size=len(terms)) / np.arange(1, len(terms) + 1) ** 0.3
    return np.asarray(sum(c * t for c, t in zip(coef, terms)))


def orientation(
    rng: np.random.Generator, sing: Singularities, width: int, height: int
) -> np.ndarray:
    """Ridge direction theta (radians, image axes, y down) with jumps of pi only on the
    core-delta segments; as a 2*pi-valued angle its normal theta + pi/2 is continuous
    elsewhere, which is what the phase solver needs."""
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float64)
    z = xx + 1j * yy
    theta = np.zeros((height, width))
    if sing.pattern is PatternClass.WHORL:
        (centre,), (d1, d2) = sing.cores, sing.deltas
        theta += np.angle(z - centre) - np.angle(z - d2)
        theta -= 0.5 * np.angle((z - d1) / (z - d2))
    elif sing.cut is not None:
        core, delta = sing.cut
        theta += 0.5 * np.angle((z - core) / (z - delta))
    xn = (xx - width / 2) / (width / 2)
    yn = (yy - height / 2) / (height / 2)
    theta += _polynomial_bend(rng, xn, yn)
    # Over the fingertip the ridges arc with the nail's curve; below they lie across.
    if sing.cores:
        top = min(c.imag for c in sing.cores) - rng.uniform(20, 45)
        xc = float(np.mean([c.real for c in sing.cores]))
    else:
        top = height * rng.uniform(0.28, 0.42)
        xc = width / 2 + rng.normal(0, 15)
    radius = rng.uniform(110, 170)
    arc = np.arctan((xx - xc) / np.maximum(top + radius - yy, 30.0))
    weight = 1.0 / (1.0 + np.exp((yy - top) / 18.0))
    theta += weight * arc * rng.uniform(0.7, 1.0)
    if not sing.cores:
        # Plain arch: ridges rise over a hump in the middle of the pad.
        hump = rng.uniform(0.35, 0.7)
        sx = rng.uniform(50, 80)
        cy = height * rng.uniform(0.45, 0.6)
        fade = 1.0 / (1.0 + np.exp((yy - cy) / 40.0)) * (1 - weight)
        theta += -np.arctan(hump * (xx - xc) / sx * np.exp(-((xx - xc) ** 2) / (2 * sx**2))) * fade
    return theta


def period_map(rng: np.random.Generator, width: int, height: int) -> tuple[float, np.ndarray]:
    """Mean ridge period (px at 500 dpi) and its smooth variation over the pad."""
    base = float(rng.uniform(8.4, 10.4))  # 0.43-0.53 mm: adult fingertips
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float64)
    wave = np.zeros((height, width))
    for _ in range(4):  # a few random long-wave modes, no grid artefacts
        kx, ky = rng.normal(0, 1.0 / 260, size=2)
        wave += np.cos(2 * np.pi * (kx * xx + ky * yy) + rng.uniform(0, 2 * np.pi))
    wave /= 2.0
    # Ridges run a little finer towards the tip, wider towards the crease.
    period = base * (1.0 + 0.05 * wave + 0.07 * (yy / height - 0.45))
    return base, period
