"""Enrolment from several touches: one richer reference within the card's limits.

A verification touch at a kiosk often lands off-centre and sees only part of the finger;
a reference made from one touch shares little with it, and a sparse finger then has too
few minutiae in common to be told from chance. At the office the finger is placed a few
times; each touch is laid onto the best one with the card's own alignment, minutiae seen
in several touches are averaged, and minutiae from area only one touch saw are added.
A minutia that one touch shows where another touch saw the same area without it is
noise and is dropped. What is kept is cut to the card's maximum (most supported first)
and to the format's 25.5 mm, and shifted so every coordinate fits.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from biometric.compact import (
    ANGLE_STEPS,
    CompactMinutia,
    MinutiaeOrder,
    decode_compact,
    pack,
    sort_minutiae,
)
from biometric.errors import BiometricError
from biometric.matcher import best_alignment
from biometric.minutia import MinutiaType
from biometric.significance import HULL_MARGIN, halfplanes, inside

MIN_ALIGNMENT_SCORE = 40  # a touch joins the reference only if it clearly is the same finger
SAME_RADIUS = 6.0  # 0.1 mm: two touches' minutiae this close (and agreeing) are one
SAME_ANGLE = math.radians(25)


@dataclass(frozen=True)
class Consolidated:
    """The reference and how it was made (counts only: no positions in logs)."""

    data: bytes
    touches_used: int
    minutiae: int

    def __repr__(self) -> str:
        return f"Consolidated({self.minutiae} minutiae from {self.touches_used} touches)"


@dataclass
class _Point:
    x: float  # matcher frame: 0.1 mm, y up
    y: float
    angle: float
    kind: MinutiaType
    seen: int
    touch: int


def _to_points(ms: tuple[CompactMinutia, ...], touch: int) -> list[_Point]:
    return [
        _Point(float(m.x), float(-m.y), m.angle * 2 * math.pi / ANGLE_STEPS, m.type, 1, touch)
        for m in ms
    ]


def _transform(ms: tuple[CompactMinutia, ...], theta: float, shift: tuple[float, float],
               touch: int) -> list[_Point]:
    c, s = math.cos(theta), math.sin(theta)
    out = []
    for p in _to_points(ms, touch):
        out.append(_Point(c * p.x - s * p.y + shift[0], s * p.x + c * p.y + shift[1],
                          (p.angle + theta) % (2 * math.pi), p.kind, 1, touch))
    return out


def consolidate(
    templates: list[bytes],
    max_count: int = 60,
    order: MinutiaeOrder = MinutiaeOrder.NONE,
) -> Consolidated:
    """One compact reference from the compact templates of several touches of a finger,
    at most ``max_count`` minutiae, arranged as ``order`` asks.

    The touch with most minutiae is the base; a touch that does not align with it well
    (another finger, or too little in common) is left out.
    """
    if not templates:
        raise ValueError("consolidate needs at least one template")
    decoded = [decode_compact(t) for t in templates]
    rank = sorted(range(len(decoded)), key=lambda i: -len(decoded[i]))
    base = decoded[rank[0]]
    points = _to_points(base, 0)
    hulls = [halfplanes(np.array([(p.x, p.y) for p in points]))]
    used = 1
    for touch, i in enumerate(rank[1:], start=1):
        try:
            al = best_alignment(base, decoded[i])
        except BiometricError:
            continue
        if al is None or al.score < MIN_ALIGNMENT_SCORE:
            continue
        used += 1
        moved = _transform(decoded[i], al.theta, al.shift, touch)
        hulls.append(halfplanes(np.array([(p.x, p.y) for p in moved])))
        for q in moved:
            near = [
                p for p in points
                if math.hypot(p.x - q.x, p.y - q.y) < SAME_RADIUS
                and abs((p.angle - q.angle + math.pi) % (2 * math.pi) - math.pi) < SAME_ANGLE
            ]
            if near:
                p = min(near, key=lambda p: math.hypot(p.x - q.x, p.y - q.y))
                w = p.seen
                p.x, p.y = (p.x * w + q.x) / (w + 1), (p.y * w + q.y) / (w + 1)
                da = (q.angle - p.angle + math.pi) % (2 * math.pi) - math.pi
                p.angle = (p.angle + da / (w + 1)) % (2 * math.pi)
                p.seen += 1
            else:
                points.append(q)
    # Seen once, inside area another touch also covered: that touch would have shown it.
    kept = []
    for p in points:
        covered = sum(
            1 for t, eq in enumerate(hulls)
            if eq is not None and t != p.touch
            and bool(inside(eq, np.array([[p.x, p.y]]), -HULL_MARGIN)[0])
        )
        if p.seen > 1 or covered == 0:
            kept.append(p)
    kept.sort(key=lambda p: -p.seen)
    kept = kept[:max_count]
    cards = sort_minutiae(_to_card(kept), order)
    return Consolidated(pack(cards), used, len(cards))


def _to_card(points: list[_Point]) -> list[CompactMinutia]:
    """Back to card units (y down), shifted into 0..255; what cannot fit is dropped."""
    if not points:
        return []
    xs = [p.x for p in points]
    ys = [-p.y for p in points]
    ox = max(0.0, -min(xs)) if min(xs) < 0 else 0.0
    oy = max(0.0, -min(ys)) if min(ys) < 0 else 0.0
    out = []
    for p, x, y in zip(points, xs, ys):
        cx, cy = int(round(x + ox)), int(round(y + oy))
        if 0 <= cx <= 255 and 0 <= cy <= 255:
            step = int(round(p.angle / (2 * math.pi) * ANGLE_STEPS)) % ANGLE_STEPS
            out.append(CompactMinutia(cx, cy, p.kind, step))
    return out
