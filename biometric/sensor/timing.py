"""How long an exchange with the module may take, and how much garbage it may bring.

A per-packet timeout alone lets a module that drips its answer (each packet just in
time) hold the kiosk for minutes, and a line that floods garbage burn the timeout of
every retry and drain. So every operation also gets an overall :class:`Deadline`: an
upload's comes from the bytes it carries at the line's baud rate, with a margin and a
cap; and more skipped bytes than a packet can hold means a flood, not a glitch.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

from biometric.sensor.image import IMAGE_BYTES
from biometric.sensor.packets import HEADER_LEN, MAX_FRAME, PACKET_SIZES

BITS_PER_BYTE = 10  # 8N1: a start bit, eight data bits, a stop bit
FRAME_OVERHEAD = HEADER_LEN + 2  # start code, address, PID, length; then the checksum
ACK_BYTES = FRAME_OVERHEAD + 1  # an acknowledgement with its confirmation code only
UPLOAD_FACTOR = 1.5  # a module may pause between packets: half the line time again
UPLOAD_CAP = 90.0  # no upload is allowed longer (9600 baud, 32-byte packets needs ~79 s)
RETRY_ALLOWANCE = 0.5  # per retry of a command: the drain before it
FLOOD_LIMIT = 2 * MAX_FRAME  # skipped bytes without a packet that make a flood
SMALLEST_PACKET = min(PACKET_SIZES.values())
MAX_ANSWER_BYTES = ACK_BYTES + IMAGE_BYTES + FRAME_OVERHEAD * (IMAGE_BYTES // SMALLEST_PACKET)
"""The longest answer of the family: an image upload in 32-byte packets (49,548 bytes)."""


def upload_wire_bytes(data_bytes: int, packet_size: int) -> int:
    """Bytes on the line for an acknowledgement and ``data_bytes`` in packets of a size."""
    packets = math.ceil(data_bytes / packet_size)
    return ACK_BYTES + data_bytes + packets * FRAME_OVERHEAD


def line_seconds(wire_bytes: int, baudrate: int) -> float:
    """How long ``wire_bytes`` take on an 8N1 line at ``baudrate``."""
    return wire_bytes * BITS_PER_BYTE / baudrate


def upload_limit(wire_bytes: int, baudrate: int, response_timeout: float) -> float:
    """The overall bound of one upload attempt: line time with margin, plus first-byte wait."""
    return min(UPLOAD_CAP, line_seconds(wire_bytes, baudrate) * UPLOAD_FACTOR + response_timeout)


def command_limit(response_timeout: float, retries: int) -> float:
    """The overall bound of a command exchange, all its attempts and drains included."""
    return (1 + retries) * response_timeout + retries * RETRY_ALLOWANCE


def drain_limit(baudrate: int) -> float:
    """Long enough to let the longest answer pass at the line's speed, and no longer."""
    return min(UPLOAD_CAP, line_seconds(MAX_ANSWER_BYTES, baudrate) * UPLOAD_FACTOR + 0.5)


@dataclass
class Deadline:
    """A point in monotonic time ``limit`` seconds after creation."""

    limit: float
    started: float = field(default_factory=time.monotonic)

    @property
    def at(self) -> float:
        return self.started + self.limit

    def remaining(self) -> float:
        """Seconds left, never negative."""
        return max(0.0, self.at - time.monotonic())

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    @property
    def expired(self) -> bool:
        return time.monotonic() >= self.at

    def within(self, limit: float) -> Deadline:
        """A deadline ``limit`` seconds from now, but never later than this one."""
        return Deadline(min(limit, self.remaining()))
