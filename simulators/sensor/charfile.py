"""The simulated module's character files: 512 bytes that UpChar sends and DownChar takes.

The real modules' format is proprietary, so this one is ours, built on the project's own
extractor and matcher (:mod:`biometric.extract`, :mod:`biometric.matcher`). Layout::

    0   2  magic b"NK"
    2   1  format version (1)
    3   1  kind: 1 character file (one impression, Img2Tz), 2 template (RegModel)
    4   1  minutiae of impression A (0..80)
    5   1  minutiae of impression B (0..80; 0 in a character file)
    6   1  quality of impression A (0..100)
    7   1  quality of impression B
    8 240  impression A: ISO/IEC 19794-2 compact minutiae, 3 bytes each, zero padded
  248 240  impression B, the same
  488  22  zero
  510   2  CRC-16/CCITT (binascii.crc_hqx, start 0) of bytes 0..509, big-endian

A template keeps both impressions rather than merging them: matching a probe against it
takes the better of the two scores, which is how a two-touch enrolment tolerates one
touch that caught less of the finger. Any 512 bytes go through DownChar and come back
through UpChar unchanged; bytes that do not decode as above are an invalid file, which
matches nothing (score 0) and which LoadChar / Store treat as the manual says.
"""

from __future__ import annotations

import binascii
from dataclasses import dataclass
from enum import IntEnum
from functools import lru_cache

import numpy as np

from biometric.compact import BYTES_PER_MINUTIA, CompactMinutia, decode_compact, pack, prune
from biometric.errors import BiometricError
from biometric.extract import extract
from biometric.matcher import MATCH_THRESHOLD, MIN_MINUTIAE, match_minutiae
from biometric.quality import assess
from biometric.sensor.constants import CHAR_FILE_BYTES
from biometric.significance import POINTS_PER_DECADE

MAGIC = b"NK"
VERSION = 1
MAX_MINUTIAE = 80  # per impression
_SECTION = MAX_MINUTIAE * BYTES_PER_MINUTIA  # 240
_A, _B = 8, 8 + _SECTION
_CRC = CHAR_FILE_BYTES - 2

# Security level (SetSysPara register 5) to the score a match needs. Level 3, the
# factory setting, is the project matcher's own threshold (false match rate <= 1e-4).
# Scores are chance scores (POINTS_PER_DECADE a decade of improbability); on the
# benchmark's impostor tails the false match rate falls about a decade every half of
# that, so the levels are half a decade of chance apart.
LEVEL_STEP = POINTS_PER_DECADE // 2
THRESHOLDS = {level: MATCH_THRESHOLD + (level - 3) * LEVEL_STEP for level in range(1, 6)}


class FileKind(IntEnum):
    """Byte 3 of a character file."""

    CHARACTER = 1
    TEMPLATE = 2


@dataclass(frozen=True)
class Impression:
    """The minutiae of one touch, as the file keeps them."""

    minutiae: tuple[CompactMinutia, ...]
    quality: int


@dataclass(frozen=True)
class CharFile:
    """A decoded character file or template."""

    kind: FileKind
    impressions: tuple[Impression, ...]

    def encode(self) -> bytes:
        """The 512 bytes of this file."""
        out = bytearray(CHAR_FILE_BYTES)
        out[0:2], out[2], out[3] = MAGIC, VERSION, self.kind
        for index, impression in enumerate(self.impressions[:2]):
            body = pack(impression.minutiae[:MAX_MINUTIAE])
            start = (_A, _B)[index]
            out[4 + index] = len(body) // BYTES_PER_MINUTIA
            out[6 + index] = max(0, min(100, impression.quality))
            out[start : start + len(body)] = body
        out[_CRC:] = binascii.crc_hqx(bytes(out[:_CRC]), 0).to_bytes(2, "big")
        return bytes(out)


def decode(data: bytes) -> CharFile | None:
    """The file in ``data``, or None when it is not one of ours (wrong size, magic, CRC)."""
    if len(data) != CHAR_FILE_BYTES or data[:2] != MAGIC or data[2] != VERSION:
        return None
    if binascii.crc_hqx(data[:_CRC], 0) != int.from_bytes(data[_CRC:], "big"):
        return None
    try:
        kind = FileKind(data[3])
        counts = (data[4], data[5]) if kind is FileKind.TEMPLATE else (data[4],)
        impressions = []
        for index, count in enumerate(counts):
            if count > MAX_MINUTIAE:
                return None
            start = (_A, _B)[index]
            body = data[start : start + count * BYTES_PER_MINUTIA]
            impressions.append(Impression(decode_compact(body), data[6 + index]))
    except (ValueError, BiometricError):
        return None
    if kind is FileKind.TEMPLATE and len(impressions) != 2:
        return None
    return CharFile(kind, tuple(impressions))


def from_image(image: np.ndarray) -> CharFile:
    """Img2Tz's work: the minutiae of a 288 x 256 image as a character file."""
    extraction = extract(image)
    quality = assess(image, extraction).score
    kept = prune(extraction.minutiae, MAX_MINUTIAE)
    minutiae = []
    for m in kept:
        try:
            minutiae.append(CompactMinutia.from_minutia(m))
        except BiometricError:  # beyond the compact format's 25.5 mm: cannot occur at 288 px
            continue
    return CharFile(FileKind.CHARACTER, (Impression(tuple(minutiae), quality),))


def merge(first: CharFile, second: CharFile) -> CharFile:
    """RegModel's work: a template of two character files' first impressions."""
    return CharFile(FileKind.TEMPLATE, (first.impressions[0], second.impressions[0]))


def score(a: bytes, b: bytes) -> int:
    """The module's match score of two files (0 when either is invalid or too sparse)."""
    return _score(a, b) if a <= b else _score(b, a)


@lru_cache(maxsize=4096)
def _score(a: bytes, b: bytes) -> int:
    first, second = decode(a), decode(b)
    if first is None or second is None:
        return 0
    best = 0
    for x in first.impressions:
        for y in second.impressions:
            if len(x.minutiae) < MIN_MINUTIAE or len(y.minutiae) < MIN_MINUTIAE:
                continue
            try:
                best = max(best, match_minutiae(x.minutiae, y.minutiae))
            except BiometricError:
                continue
    return best


def threshold(security_level: int) -> int:
    """The score a match needs at ``security_level`` (1..5)."""
    return THRESHOLDS[security_level]
