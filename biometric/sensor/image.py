"""The module's image format: 256 x 288 pixels, 4 bits each, two pixels a byte.

The modules upload the image buffer row by row, high nibble first (the left pixel of
each pair), 36,864 bytes in all. We hand out ``uint8`` arrays of 288 rows x 256 columns
with each nibble expanded to the full 0..255 range (``v * 17``), so 0x0 is black and
0xF is white, and packing an expanded image gives back the same bytes.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from biometric.errors import ImageFormatError

IMAGE_ROWS = 288
IMAGE_COLS = 256
IMAGE_SHAPE = (IMAGE_ROWS, IMAGE_COLS)
IMAGE_BYTES = IMAGE_ROWS * IMAGE_COLS // 2  # 36,864

GrayImage = npt.NDArray[np.uint8]


def check_image(image: npt.ArrayLike) -> GrayImage:
    """A 288 x 256 uint8 array, or ImageFormatError (a ValueError) saying what is wrong.

    Integer arrays in 0..255 are accepted and converted; floats are refused because
    their scale (0..1 or 0..255) would be a guess.
    """
    arr = np.asarray(image)
    if arr.shape != IMAGE_SHAPE:
        raise ImageFormatError(
            f"image must be {IMAGE_ROWS}x{IMAGE_COLS} (rows x cols), not {arr.shape}"
        )
    if arr.dtype == np.uint8:
        return arr
    if not np.issubdtype(arr.dtype, np.integer) and arr.dtype != np.bool_:
        raise ImageFormatError(f"image must be uint8 (got {arr.dtype})")
    if arr.size and (arr.min() < 0 or arr.max() > 255):
        raise ImageFormatError("image values must be in 0..255")
    return arr.astype(np.uint8)


def quantize(image: npt.ArrayLike) -> GrayImage:
    """Keep the 4 bits the module keeps: what a round trip over the wire preserves."""
    nibbles = check_image(image) >> 4
    return (nibbles * 17).astype(np.uint8)


def pack_image(image: npt.ArrayLike) -> bytes:
    """288 x 256 uint8 image to the 36,864 bytes the module uploads."""
    nibbles = check_image(image) >> 4
    return ((nibbles[:, 0::2] << 4) | nibbles[:, 1::2]).astype(np.uint8).tobytes()


def unpack_image(data: bytes) -> GrayImage:
    """The module's 36,864 bytes to a 288 x 256 uint8 image (nibbles expanded)."""
    if len(data) != IMAGE_BYTES:
        raise ImageFormatError(f"image data must be {IMAGE_BYTES} bytes, not {len(data)}")
    packed = np.frombuffer(data, dtype=np.uint8).reshape(IMAGE_ROWS, IMAGE_COLS // 2)
    out = np.empty(IMAGE_SHAPE, dtype=np.uint8)
    out[:, 0::2] = (packed >> 4) * 17
    out[:, 1::2] = (packed & 0x0F) * 17
    return out
