"""Generated passport-style portraits for synthetic card holders.

The simulated chip must carry a photo (data group 2) that looks and weighs like a
real one: the kiosk shows it, and READ BINARY chaining is only exercised honestly
when the file has a real card photo's size (15–25 KB). Nothing here uses external
data or models: the portrait is painted from soft-edged shapes at half resolution
(speed), upscaled, blurred like a lens and sprinkled with sensor noise, then
JPEG-encoded at whatever quality lands the size in range. Everything derives from
the seed, so a persona's photo never changes.
"""

from __future__ import annotations

import functools
import io
import random
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageFilter

from citizen.identity import Gender

WIDTH, HEIGHT = 413, 531
"""35 × 45 mm at 300 dpi, the ICAO / Iranian ID photo format."""

MIN_JPEG_BYTES = 15 * 1024
MAX_JPEG_BYTES = 25 * 1024
_TARGET_BYTES = 20 * 1024
_START_QUALITY = 80
_NOISE_PAD = 97

Colour = tuple[float, float, float]

_SKIN_TONES: tuple[Colour, ...] = (
    (234, 196, 168), (224, 182, 150), (214, 170, 138), (200, 154, 120),
    (188, 140, 106), (172, 124, 92), (228, 190, 160), (206, 160, 128),
)
_HAIR: tuple[Colour, ...] = ((28, 22, 20), (44, 32, 26), (62, 44, 32), (86, 62, 44), (36, 34, 34))
_SCARVES: tuple[Colour, ...] = (
    (22, 22, 26), (28, 30, 48), (56, 42, 36), (44, 48, 54), (64, 28, 38),
)
_JACKETS: tuple[Colour, ...] = (
    (34, 36, 44), (52, 54, 60), (28, 34, 58), (74, 68, 62), (20, 20, 22),
)
_SHIRTS: tuple[Colour, ...] = ((236, 236, 232), (214, 226, 240), (226, 224, 216))
_IRISES: tuple[Colour, ...] = ((60, 38, 24), (82, 56, 34), (46, 32, 24), (96, 84, 52))
_BACKGROUNDS: tuple[Colour, ...] = ((236, 238, 240), (228, 232, 238), (240, 240, 236))

_STEP = 2  # shapes are sampled every second pixel; the upscale and blur hide it
_BLUR = 0.5  # lens softness, in half-resolution pixels
_UPSCALE = Image.Resampling.BICUBIC
_ROWS, _COLS = -(-HEIGHT // _STEP), -(-WIDTH // _STEP)
_GRID_Y, _GRID_X = (np.mgrid[0:_ROWS, 0:_COLS].astype(np.float32) + 0.5) * _STEP - 0.5


@dataclass(frozen=True)
class _Win:
    """A clipped rectangle of the canvas; shapes are computed only inside it (speed)."""

    ys: slice
    xs: slice

    @classmethod
    def around(cls, x0: float, y0: float, x1: float, y1: float) -> _Win:
        top, left = max(int(y0) // _STEP - 2, 0), max(int(x0) // _STEP - 2, 0)
        bottom, right = min(int(y1) // _STEP + 3, _ROWS), min(int(x1) // _STEP + 3, _COLS)
        return cls(slice(top, max(bottom, top)), slice(left, max(right, left)))

    @property
    def x(self) -> np.ndarray:
        return _GRID_X[self.ys, self.xs]

    @property
    def y(self) -> np.ndarray:
        return _GRID_Y[self.ys, self.xs]


def _ellipse(w: _Win, cx: float, cy: float, rx: float, ry: float,
             soft: float = 1.2, taper: float = 0.0) -> np.ndarray:
    """Coverage (0..1) of an ellipse with an anti-aliased rim; ``taper`` narrows its lower half."""
    below = np.clip((w.y - cy) / ry, 0.0, 1.0)
    width = rx * (1.0 - taper * below * below)
    dist = np.sqrt(((w.x - cx) / width) ** 2 + ((w.y - cy) / ry) ** 2)
    return np.clip(0.5 - (dist - 1.0) * min(rx, ry) / max(soft, _STEP), 0.0, 1.0)


def _shade(w: _Win, base: Colour, cx: float, cy: float, rx: float, ry: float,
           light: float, depth: float = 0.22) -> np.ndarray:
    """A colour field lit from one side and darker towards the rim, so shapes look round."""
    dist = np.clip(np.sqrt(((w.x - cx) / rx) ** 2 + ((w.y - cy) / ry) ** 2), 0.0, 1.4)
    factor = 1.06 - depth * dist * dist - 0.08 * light * (w.x - cx) / rx
    return np.asarray(base, dtype=np.float32) * factor[..., None]


def _paint(canvas: np.ndarray, w: _Win, mask: np.ndarray, colour: Colour | np.ndarray) -> None:
    """Alpha-blend a colour (or a per-pixel colour field) into the window."""
    region = canvas[w.ys, w.xs]
    region += (np.asarray(colour, dtype=np.float32) - region) * mask[..., None]


def _clothes(canvas: np.ndarray, rng: random.Random, female: bool, head: tuple[float, ...],
             skin: Colour, light: float) -> None:
    """Shoulders, neck and (for men) an open-necked shirt under a jacket."""
    cx, cy, rx, ry = head
    w = _Win.around(0, cy + ry * 0.5, WIDTH, HEIGHT)
    neck_y = cy + ry * 0.85
    neck = _ellipse(w, cx, neck_y, rx * 0.52, ry * 0.5, soft=3)
    _paint(canvas, w, neck, _shade(w, skin, cx, neck_y, rx * 0.7, ry * 0.55, light) * 0.84)
    cloth = rng.choice(_SCARVES if female else _JACKETS)
    top = cy + ry + rng.uniform(36, 50)
    shoulders = _ellipse(w, cx, top + 150, WIDTH * 0.62, 150, soft=3)
    _paint(canvas, w, shoulders, _shade(w, cloth, cx, top + 110, 260, 210, light, 0.3))
    if female:
        return
    depth = rng.uniform(60, 95)
    v = np.clip((w.y - top) / depth, 0.0, 1.0)
    opening = np.clip((rx * 0.52 * (1.0 - v) - np.abs(w.x - cx)) / 1.5, 0.0, 1.0)
    opening *= shoulders * (w.y > top - 30)
    _paint(canvas, w, opening, _shade(w, rng.choice(_SHIRTS), cx, top, 120, 200, light, 0.1))
    for side in (-1, 1):  # collar points
        lx = cx + side * rx * 0.28
        collar = _ellipse(w, lx, top + 16, rx * 0.2, 22, soft=2) * (side * (w.x - cx) > 0)
        _paint(canvas, w, collar * opening, (248, 248, 246))
        edge = np.clip(1.0 - np.abs(collar - 0.5) * 2.0, 0.0, 1.0)
        _paint(canvas, w, edge * opening * 0.5, (150, 150, 150))


def _headscarf(canvas: np.ndarray, head: tuple[float, ...], hair: Colour,
               scarf: Colour, light: float, phase: float) -> None:
    """The maqna'e of Iranian ID photos: it frames the face and falls to the shoulders."""
    cx, cy, rx, ry = head
    w = _Win.around(0, cy - ry * 1.3, WIDTH, HEIGHT)
    drape = rx * 1.28 + np.clip(w.y - cy, 0.0, None) * 0.42 - np.abs(w.x - cx)
    outer = np.maximum(_ellipse(w, cx, cy - ry * 0.06, rx * 1.3, ry * 1.2, soft=3),
                       np.clip(drape / 3.0, 0.0, 1.0) * (w.y > cy - ry * 0.2))
    inner = _ellipse(w, cx, cy + ry * 0.1, rx * 0.9, ry * 0.94, soft=2.5, taper=0.2)
    fringe = np.clip(inner - _ellipse(w, cx, cy + ry * 0.16, rx * 0.94, ry * 0.92, soft=4), 0, 1)
    _paint(canvas, w, fringe * (w.y < cy - ry * 0.4) * 0.9, hair)
    fold = _shade(w, scarf, cx - rx * 0.3 * light, cy - ry * 0.2, rx * 1.6, ry * 1.6, light, 0.35)
    folds = 1.0 + 0.07 * np.sin((w.x - cx) / 11.0 + phase) * np.clip((w.y - cy) / ry, 0.0, 1.0)
    fold *= folds[..., None]
    _paint(canvas, w, np.clip(outer - inner, 0.0, 1.0), fold)


def _male_hair(canvas: np.ndarray, rng: random.Random, head: tuple[float, ...],
               hair: Colour) -> None:
    """Short hair with a curved hairline, and often a trimmed beard."""
    cx, cy, rx, ry = head
    w = _Win.around(cx - rx * 1.2, cy - ry * 1.2, cx + rx * 1.2, cy + ry * 1.1)
    face = _ellipse(w, cx, cy, rx, ry, soft=2, taper=0.22)
    crown = _ellipse(w, cx, cy - ry * 0.14, rx * 1.05, ry * rng.uniform(0.92, 0.98), soft=2)
    hairline = _ellipse(w, cx, cy + ry * rng.uniform(0.05, 0.15), rx * 0.9, ry * 0.68, soft=4)
    temples = np.clip((cy - ry * 0.12 - w.y) / 14.0, 0.0, 1.0)
    angle = np.arctan2(w.y - cy - ry * 0.8, w.x - cx)
    streaks = 1.0 + 0.05 * np.sin(angle * 130.0) + 0.05 * np.sin(angle * 47.0 + 1.3)
    strands = np.asarray(hair, np.float32) * streaks[..., None]
    _paint(canvas, w, np.clip(crown - hairline, 0, 1) * temples, strands)
    if rng.random() < 0.55:
        density = rng.uniform(0.3, 0.85)
        jaw = np.clip(face - _ellipse(w, cx, cy - ry * 0.05, rx * 0.84, ry * 0.62, soft=8), 0, 1)
        mouth = _ellipse(w, cx, cy + ry * 0.52, rx * 0.36, ry * 0.08, soft=3)
        beard = np.clip(jaw - mouth, 0, 1) * np.clip((w.y - cy - ry * 0.05) / 24.0, 0, 1)
        _paint(canvas, w, beard * density, hair)
        moustache = _ellipse(w, cx, cy + ry * 0.43, rx * 0.3, ry * 0.05, soft=3)
        _paint(canvas, w, moustache * density, hair)


def _features(canvas: np.ndarray, rng: random.Random, head: tuple[float, ...],
              skin: Colour, hair: Colour) -> None:
    """Eyes, brows, nose and mouth, placed by the usual facial proportions."""
    cx, cy, rx, ry = head
    eye_y = cy - ry * 0.06
    eye_dx = rx * rng.uniform(0.38, 0.44)
    iris = rng.choice(_IRISES)
    shadow: Colour = (skin[0] * 0.78, skin[1] * 0.76, skin[2] * 0.76)
    for side in (-1, 1):
        ex = cx + side * eye_dx
        w = _Win.around(ex - rx * 0.3, eye_y - ry * 0.3, ex + rx * 0.3, eye_y + ry * 0.12)
        _paint(canvas, w, _ellipse(w, ex, eye_y - 2, rx * 0.25, ry * 0.07, soft=4) * 0.6, shadow)
        white = _ellipse(w, ex, eye_y, rx * 0.19, ry * 0.045, soft=1.5)
        _paint(canvas, w, white, (232, 228, 222))
        _paint(canvas, w, _ellipse(w, ex, eye_y, rx * 0.085, rx * 0.085) * white, iris)
        _paint(canvas, w, _ellipse(w, ex, eye_y, rx * 0.038, rx * 0.038, 1.0) * white, (14, 10, 10))
        _paint(canvas, w, _ellipse(w, ex + 3, eye_y - 3, 2.2, 2.2, 1.0) * white, (250, 250, 250))
        lid = np.clip(_ellipse(w, ex, eye_y + 2, rx * 0.2, ry * 0.06)
                      - _ellipse(w, ex, eye_y + 5, rx * 0.2, ry * 0.06), 0, 1)
        _paint(canvas, w, lid * (w.y < eye_y), (40, 28, 24))
        brow_y = eye_y - ry * rng.uniform(0.15, 0.19)
        brow = np.clip(_ellipse(w, ex, brow_y + 8, rx * 0.25, ry * 0.08, 1.5)
                       - _ellipse(w, ex, brow_y + 14, rx * 0.25, ry * 0.08, 1.5), 0, 1)
        _paint(canvas, w, brow * 0.9, hair)

    nose_y = cy + ry * 0.27
    w = _Win.around(cx - rx * 0.5, eye_y, cx + rx * 0.5, cy + ry * 0.75)
    bridge_x = cx + rx * 0.1 * rng.choice((-1, 1))
    bridge = _ellipse(w, bridge_x, nose_y - ry * 0.17, 3, ry * 0.18, soft=4)
    _paint(canvas, w, bridge * 0.22, shadow)
    _paint(canvas, w, _ellipse(w, cx, nose_y, rx * 0.17, ry * 0.065, soft=4) * 0.55, shadow)
    tip = _ellipse(w, cx, nose_y - 5, rx * 0.06, ry * 0.03, soft=4)
    _paint(canvas, w, tip * 0.25, (255, 240, 230))
    for side in (-1, 1):
        nostril = _ellipse(w, cx + side * rx * 0.07, nose_y + 3, rx * 0.045, ry * 0.018, soft=1.5)
        _paint(canvas, w, nostril, (skin[0] * 0.5, skin[1] * 0.45, skin[2] * 0.45))

    mouth_y = cy + ry * rng.uniform(0.5, 0.55)
    mouth_w = rx * rng.uniform(0.3, 0.38)
    lip: Colour = (skin[0] * 0.84, skin[1] * 0.58, skin[2] * 0.58)
    _paint(canvas, w, _ellipse(w, cx, mouth_y, mouth_w, ry * 0.05, soft=2), lip)
    _paint(canvas, w, _ellipse(w, cx, mouth_y, mouth_w * 0.95, 1.3), (96, 54, 50))
    under_lip = _ellipse(w, cx, mouth_y + ry * 0.11, rx * 0.2, ry * 0.04, soft=6)
    _paint(canvas, w, under_lip * 0.3, shadow)


def _render(rng: random.Random, gender: Gender) -> np.ndarray:
    """Paint the portrait, back to front, as a float RGB array (0..255)."""
    female = gender is Gender.FEMALE
    bg = np.asarray(rng.choice(_BACKGROUNDS), dtype=np.float32)
    off_centre = ((_GRID_X - WIDTH / 2) / WIDTH) ** 2 + ((_GRID_Y - HEIGHT / 3) / HEIGHT) ** 2
    vignette = 1.0 - 0.08 * off_centre
    canvas = bg * vignette[..., None]

    skin = rng.choice(_SKIN_TONES)
    hair = rng.choice(_HAIR)
    light = rng.uniform(-0.6, 0.6)
    rx = rng.uniform(102, 114) * (0.95 if female else 1.0)
    ry = rx * rng.uniform(1.26, 1.34)
    head = (WIDTH / 2 + rng.uniform(-5, 5), 248 + rng.uniform(-8, 8), rx, ry)
    cx, cy = head[0], head[1]

    _clothes(canvas, rng, female, head, skin, light)
    w = _Win.around(cx - rx * 1.3, cy - ry * 1.1, cx + rx * 1.3, cy + ry * 1.1)
    if not female:
        for side in (-1, 1):
            ear = _ellipse(w, cx + side * rx * 0.97, cy + 6, rx * 0.15, ry * 0.19, soft=2)
            _paint(canvas, w, ear, _shade(w, skin, cx, cy, rx, ry, light) * 0.9)
    face = _ellipse(w, cx, cy, rx, ry, soft=2, taper=0.22)
    _paint(canvas, w, face, _shade(w, skin, cx, cy, rx, ry, light))
    if female:
        _headscarf(canvas, head, hair, rng.choice(_SCARVES), light, rng.uniform(0, 6.3))
    else:
        _male_hair(canvas, rng, head, hair)
    _features(canvas, rng, head, skin, hair)
    return canvas


def _encode(image: Image.Image) -> bytes:
    """JPEG at the quality whose size lands nearest the target, inside the 15–25 KB band."""
    cache: dict[int, bytes] = {}

    def at(quality: int) -> bytes:
        if quality not in cache:
            buffer = io.BytesIO()
            image.save(buffer, "JPEG", quality=quality, dpi=(300, 300))
            cache[quality] = buffer.getvalue()
        return cache[quality]

    quality = _START_QUALITY  # walk from where portraits usually land to the smallest
    while quality < 95 and len(at(quality)) < _TARGET_BYTES:  # quality reaching the target
        quality += 1
    while quality > 10 and len(at(quality - 1)) >= _TARGET_BYTES:
        quality -= 1
    nearest = (at(max(quality - 1, 10)), at(quality))
    best = min(nearest, key=lambda data: abs(len(data) - _TARGET_BYTES))
    if not MIN_JPEG_BYTES <= len(best) <= MAX_JPEG_BYTES:
        raise RuntimeError(f"portrait JPEG of {len(best)} bytes is outside the 15–25 KB band")
    return best


@functools.cache
def _noise_tile() -> np.ndarray:
    """One fixed field of sensor noise; each photo takes a seed-chosen window of it (speed).

    Luminance grain (σ≈2.7) shared by the channels plus weaker per-channel chroma noise,
    rounded to integers so adding it to 8-bit pixels stays cheap.
    """
    rng = np.random.default_rng(0x1D_CA4D)
    shape = (HEIGHT + _NOISE_PAD, WIDTH + _NOISE_PAD)
    grain = rng.standard_normal((*shape, 1), dtype=np.float32) * 2.7
    chroma = rng.standard_normal((*shape, 3), dtype=np.float32)
    return np.rint(grain + chroma).astype(np.int16)


def face_photo_jpeg(seed: int, *, gender: Gender | None = None) -> bytes:
    """A deterministic 413×531 passport-style portrait as JPEG bytes of 15–25 KB.

    ``gender`` picks a headscarf (female, as Iranian ID photos require) or short
    hair and often a beard (male); by default the seed decides.
    """
    rng = random.Random(f"nidkiosk-face:{seed}")
    if gender is None:
        gender = rng.choice((Gender.MALE, Gender.FEMALE))
    canvas = _render(rng, gender)
    lens = Image.fromarray(np.clip(canvas + 0.5, 0, 255).astype(np.uint8), "RGB")
    lens = lens.filter(ImageFilter.GaussianBlur(radius=_BLUR)).resize((WIDTH, HEIGHT), _UPSCALE)
    dy, dx = rng.randrange(_NOISE_PAD), rng.randrange(_NOISE_PAD)
    pixels = np.asarray(lens, dtype=np.int16) + _noise_tile()[dy:dy + HEIGHT, dx:dx + WIDTH]
    return _encode(Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB"))
