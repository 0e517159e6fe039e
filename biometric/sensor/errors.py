"""The one exception tree of the fingerprint-sensor layer.

Everything `biometric.sensor` raises derives from :class:`SensorError`, so the kiosk can
catch one type and map each leaf to words. Errors carry data on attributes; their text
never contains image bytes or passwords.
"""

from __future__ import annotations

from biometric.sensor.constants import ConfirmationCode, Instruction, describe_code
from biometric.sensor.feedback import Feedback


class SensorError(Exception):
    """Base of every error raised by the sensor layer."""


class SensorIOError(SensorError):
    """The serial port could not be opened, read or written (unplugged, wrong path)."""


class SensorTimeout(SensorError):
    """The module did not answer within the deadline."""


class CaptureTimeout(SensorTimeout):
    """No usable finger arrived before the capture timeout; ``last_feedback`` says why."""

    def __init__(self, message: str, last_feedback: Feedback | None = None) -> None:
        super().__init__(message)
        self.last_feedback = last_feedback


class FramingError(SensorError):
    """Bytes that do not form the packet we expected (truncated, wrong type, wrong size)."""


class ChecksumError(FramingError):
    """A packet arrived whole but its checksum does not match its bytes."""

    def __init__(self, expected: int, received: int) -> None:
        super().__init__(f"packet checksum {received:04X}, computed {expected:04X}")
        self.expected = expected
        self.received = received


class SensorRejected(SensorError):
    """The module answered with a confirmation code other than OK."""

    def __init__(self, code: int, instruction: int | None = None) -> None:
        self.code = code
        self.instruction = instruction
        what = ""
        if instruction is not None:
            try:
                what = f"{Instruction(instruction).name}: "
            except ValueError:
                what = f"instruction {instruction:02X}: "
        super().__init__(f"{what}module answered {code:02X} ({describe_code(code)})")

    @property
    def confirmation(self) -> ConfirmationCode | None:
        """The code as an enum member, or None for a code outside the family's table."""
        try:
            return ConfirmationCode(self.code)
        except ValueError:
            return None


class CaptureCancelled(SensorError):
    """The caller set the cancel event while a capture was in progress."""
