"""The simulated module's state, and what its instruction handlers give back.

:class:`ModuleState` is RAM (image buffer, two character buffers, the password check,
the LED, a download under way) plus the :class:`Flash`. Handlers are plain functions
``(state, params) -> Answer`` grouped by instruction family in
``simulators.sensor.instructions``; :class:`simulators.sensor.module.SimulatedModule`
turns an :class:`Answer` into packets.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum

from biometric.sensor.constants import ConfirmationCode, LedColor, LedControl
from biometric.sensor.image import GrayImage
from biometric.sensor.packets import DEFAULT_PASSWORD
from simulators.sensor import charfile
from simulators.sensor.config import ModuleConfig
from simulators.sensor.flash import Flash
from simulators.sensor.glass import Glass


@dataclass(frozen=True)
class Answer:
    """A handler's result, before it becomes packets.

    ``results`` follow the confirmation code (zero-filled by the module to the
    instruction's fixed length when shorter, as the modules always send one format);
    ``data`` goes out in data packets after an OK acknowledgement; ``trailer`` is raw
    bytes after everything (SoftReset's ready byte); ``address`` is the address the
    acknowledgement carries when it is not the module's (SetAdder answers from the new
    one); ``compared`` is how many templates a search compared (for its timing).
    """

    code: int
    results: bytes = b""
    data: bytes | None = None
    trailer: bytes = b""
    address: int | None = None
    compared: int = 0


def refuse(code: int = ConfirmationCode.PACKET_ERROR) -> Answer:
    """An answer with nothing but a failing confirmation code."""
    return Answer(code)


@dataclass(frozen=True)
class LedState:
    """What the LED is doing, for status and tests."""

    on: bool = False
    control: int = LedControl.OFF
    color: int = LedColor.BLUE


class Target(Enum):
    """Where a download (host to module) goes."""

    CHAR_BUFFER = "char"
    IMAGE_BUFFER = "image"


@dataclass
class Download:
    """DownChar / DownImage under way: data packets are collected until end-of-data."""

    target: Target
    expected: int
    buffer_id: int = 1
    received: bytearray = field(default_factory=bytearray)


class CharBuffers:
    """CharBuffer1 and CharBuffer2.

    Img2Tz only checks the touch and keeps its image; the minutiae are extracted the
    first time the file is needed (RegModel, Match, Search, Store, UpChar), so a capture
    that uses Img2Tz only as a quality gate costs no extraction.
    """

    def __init__(self) -> None:
        self._files: dict[int, bytes] = {}
        self._images: dict[int, GrayImage] = {}

    @staticmethod
    def slot(buffer_id: int) -> int:
        """The manuals: buffer 1 is 1, "other values are processed as CharBuffer2"."""
        return 1 if buffer_id == 1 else 2

    def put(self, buffer_id: int, data: bytes) -> None:
        slot = self.slot(buffer_id)
        self._images.pop(slot, None)
        self._files[slot] = bytes(data)

    def put_image(self, buffer_id: int, image: GrayImage) -> None:
        slot = self.slot(buffer_id)
        self._files.pop(slot, None)
        self._images[slot] = image

    def get(self, buffer_id: int) -> bytes | None:
        """The buffer's 512 bytes (extracted now if Img2Tz left an image), or None."""
        slot = self.slot(buffer_id)
        if slot in self._images:
            self._files[slot] = charfile.from_image(self._images.pop(slot)).encode()
        return self._files.get(slot)

    def filled(self) -> list[int]:
        return sorted(set(self._files) | set(self._images))

    def clear(self) -> None:
        self._files.clear()
        self._images.clear()


class ModuleState:
    """Everything the instruction handlers read and change."""

    def __init__(
        self,
        glass: Glass,
        config: ModuleConfig,
        flash: Flash,
        quality: Callable[[GrayImage], int],
    ) -> None:
        self.glass = glass
        self.config = config
        self.flash = flash
        self.quality = quality
        self.image: GrayImage | None = None
        self.buffers = CharBuffers()
        self.led = LedState()
        self.download: Download | None = None
        self.matched = False  # the status register's Pass bit
        self.line_baud = flash.baud_rate  # a new baud rate applies from the next start
        self.verified = flash.password == DEFAULT_PASSWORD
        self.resets = 0

    def power_on(self) -> None:
        """What a reset leaves: empty buffers, LED off, the stored settings in force."""
        self.image = None
        self.buffers.clear()
        self.led = LedState()
        self.download = None
        self.matched = False
        self.line_baud = self.flash.baud_rate
        self.verified = self.flash.password == DEFAULT_PASSWORD
        self.resets += 1

    @property
    def threshold(self) -> int:
        """The score a match needs at the stored security level."""
        return charfile.threshold(self.flash.security_level)


Handler = Callable[[ModuleState, bytes], Answer]
"""An instruction handler: the module's state and the command's parameters in."""
