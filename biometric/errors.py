"""The biometric package's one exception tree: data on attributes, text for logs only.

Three branches a face tells apart by type, because each asks for a different answer:

- :class:`biometric.sensor.SensorError`: the device or its line failed, timed out or is
  absent (a technician's matter; the CLI's "device error");
- :class:`NoUsableTouch`: the device worked but no touch good enough came (ask the
  person again: :class:`biometric.sensor.CaptureTimeout`,
  :class:`biometric.capture.TooManyPoorTouches`);
- :class:`biometric.sensor.CaptureCancelled`: the caller cancelled.

The rest (:class:`ImageFormatError`, :class:`TemplateFormatError`, :class:`MatchError`)
are bad inputs to the pipeline. Faces word the types and their data, never ``str(error)``.
"""

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
    """Base of every error raised by :mod:`biometric`, the sensor layer included."""


class NoUsableTouch(BiometricError):
    """The sensor worked, but no touch good enough for a template came: ask the person."""


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
