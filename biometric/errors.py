"""The biometric package's exceptions: one base class, data on attributes, no prompts."""

from __future__ import annotations

import enum


class CaptureFeedback(enum.IntEnum):
    """Why a touch was refused; the kiosk words the request for another touch."""

    GOOD = 0
    NO_FINGER = 1
    TOO_SMALL = 2  # too little of the finger touched the window
    TOO_DRY = 3
    TOO_WET = 4
    UNCLEAR = 5  # blurred, smeared or noisy: no clear ridge flow
    TOO_FEW_MINUTIAE = 6


class BiometricError(Exception):
    """Base of every error raised by :mod:`biometric`."""


class ImageFormatError(BiometricError, ValueError):
    """The image is not a 2-D 8-bit grey image of a usable size."""


class QualityError(BiometricError):
    """The touch is too poor to make a template from: ask for another touch."""

    def __init__(self, feedback: CaptureFeedback, score: int, message: str = "") -> None:
        self.feedback = feedback
        self.score = score
        super().__init__(message or f"{feedback.name.lower()} (quality {score})")


class TemplateFormatError(BiometricError, ValueError):
    """Malformed template bytes or out-of-range minutia values."""


class MatchError(BiometricError):
    """Templates that cannot be compared (e.g. too few minutiae)."""
