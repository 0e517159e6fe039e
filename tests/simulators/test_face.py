"""Generated portraits: deterministic, real JPEGs, and the weight of a real card photo."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from citizen.identity import Gender
from simulators.face import HEIGHT, MAX_JPEG_BYTES, MIN_JPEG_BYTES, WIDTH, face_photo_jpeg


@pytest.mark.parametrize("seed", range(50))
def test_photo_is_a_passport_sized_jpeg_of_15_to_25_kb(seed: int) -> None:
    data = face_photo_jpeg(seed)
    assert data[:3] == b"\xff\xd8\xff" and data[-2:] == b"\xff\xd9"
    assert 15 * 1024 <= len(data) <= 25 * 1024
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG"
        assert image.mode == "RGB"
        assert image.size == (WIDTH, HEIGHT)
        image.load()


def test_size_band_constants_match_the_card_photo_budget() -> None:
    assert (MIN_JPEG_BYTES, MAX_JPEG_BYTES) == (15 * 1024, 25 * 1024)
    assert abs(WIDTH / HEIGHT - 35 / 45) < 0.01


def test_same_seed_gives_identical_bytes() -> None:
    assert face_photo_jpeg(7) == face_photo_jpeg(7)
    assert face_photo_jpeg(7, gender=Gender.FEMALE) == face_photo_jpeg(7, gender=Gender.FEMALE)


def test_different_seeds_and_genders_give_different_photos() -> None:
    photos = {face_photo_jpeg(seed) for seed in range(20)}
    assert len(photos) == 20
    assert face_photo_jpeg(3, gender=Gender.MALE) != face_photo_jpeg(3, gender=Gender.FEMALE)


def test_negative_and_huge_seeds_work() -> None:
    for seed in (-1, -(2**70), 2**70):
        assert MIN_JPEG_BYTES <= len(face_photo_jpeg(seed)) <= MAX_JPEG_BYTES


def _pixels(data: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(data)) as image:
        return np.asarray(image.convert("RGB"), dtype=np.float32)


@pytest.mark.parametrize("gender", [Gender.MALE, Gender.FEMALE])
def test_layout_reads_as_a_portrait(gender: Gender) -> None:
    """Light background in the top corners, a skin-toned face in the middle."""
    pixels = _pixels(face_photo_jpeg(11, gender=gender))
    for corner in (pixels[:40, :40], pixels[:40, -40:]):
        assert corner.mean() > 200
        assert corner.std() > 0.5  # sensor noise, not a flat fill
    cheek = pixels[HEIGHT // 2 - 20: HEIGHT // 2 + 20, WIDTH // 2 - 20: WIDTH // 2 + 20]
    red, green, blue = cheek.reshape(-1, 3).mean(axis=0)
    assert red > green > blue  # skin, not background grey
    assert 100 < red < 250
    assert pixels[-30:].mean() < 150  # dark clothing or headscarf at the bottom


def test_eyes_are_darker_than_the_forehead() -> None:
    pixels = _pixels(face_photo_jpeg(5, gender=Gender.MALE)).mean(axis=2)
    band = pixels[200:260, WIDTH // 2 - 80: WIDTH // 2 + 80]
    assert band.min() < 80
