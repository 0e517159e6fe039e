"""The module's side of the protocol: a state machine from command packet to answer.

No I/O here: :meth:`SimulatedModule.handle` takes one decoded command packet and returns
the packets the module sends back, so it can be tested byte for byte without a pty.

Choices where the family differs or the manuals are silent (documented in one place):

- An instruction we do not implement, a command with the wrong parameter length, and a
  command packet whose checksum fails are all answered with 0x01 ("error receiving the
  packet"), the family's generic refusal.
- A packet addressed to another module, or one that is not a command packet, gets no
  answer at all, as on a shared bus.
- With a non-default password, every instruction except VfyPwd, HandShake and GetEcho
  is refused with 0x21 ("verify password first") until VfyPwd succeeds.
- A failed GenImg (no finger, poor touch) empties the image buffer, so a later UpImage
  or Img2Tz answers 0x15 as it does before any GenImg.
- GetEcho answers 0x55 (the family's "ready" byte); HandShake answers 0x00.
- LEDs: ``LedSupport`` picks R503 AuraLedConfig (0x35), AS608 OpenLED/CloseLED
  (0x50/0x51), both or none; an unsupported LED instruction is answered 0x01.
- SetSysPara accepts registers 4 (baud, N = 1..12), 5 (security level 1..5) and 6
  (packet size code 0..3); another register is 0x1A, a bad value 0x1B. The baud rate is
  only recorded: a pty has no line speed.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

import numpy as np

from biometric.sensor.constants import (
    PACKET_SIZES,
    ConfirmationCode,
    Instruction,
    LedColor,
    LedControl,
    PacketId,
    StatusFlags,
    SysParam,
    packet_size_code,
)
from biometric.sensor.image import GrayImage, pack_image, quantize
from biometric.sensor.packets import DEFAULT_ADDRESS, DEFAULT_PASSWORD, Packet, SystemParameters
from simulators.sensor.glass import Glass, TouchKind
from simulators.sensor.patterns import assess_quality

logger = logging.getLogger("nidkiosk.sim.sensor")

OK = ConfirmationCode.OK


class LedSupport(Enum):
    """Which LED instruction set the simulated module understands."""

    AURA = "aura"
    OPEN_CLOSE = "open_close"
    BOTH = "both"
    NONE = "none"


@dataclass(frozen=True)
class ModuleConfig:
    """Power-on settings of the simulated module."""

    address: int = DEFAULT_ADDRESS
    password: int = DEFAULT_PASSWORD
    packet_size: int = 128
    security_level: int = 3
    library_size: int = 300
    system_id: int = 0x0009
    baud_rate: int = 57600
    led: LedSupport = LedSupport.AURA

    def __post_init__(self) -> None:
        packet_size_code(self.packet_size)  # raises for a size the family cannot do
        if not 1 <= self.security_level <= 5:
            raise ValueError("security level must be 1..5")


@dataclass(frozen=True)
class LedState:
    """What the LED is doing, for status and tests."""

    on: bool = False
    control: int = LedControl.OFF
    color: int = LedColor.BLUE


class SimulatedModule:
    """One R30x-family module: image buffer, char buffers, system parameters, LED."""

    def __init__(
        self,
        glass: Glass | None = None,
        config: ModuleConfig | None = None,
        quality: Callable[[GrayImage], int] = assess_quality,
    ) -> None:
        self.glass = glass if glass is not None else Glass()
        self.config = config if config is not None else ModuleConfig()
        self._quality = quality
        self._lock = threading.Lock()
        self.verified = self.config.password == DEFAULT_PASSWORD
        self.image: GrayImage | None = None
        self.char_buffers: set[int] = set()
        self.packet_size = self.config.packet_size
        self.security_level = self.config.security_level
        self.baud_rate = self.config.baud_rate
        self.led = LedState()
        self.commands = 0
        self._handlers: dict[int, Callable[[bytes], list[Packet]]] = {
            Instruction.VFY_PWD: self._vfy_pwd,
            Instruction.HANDSHAKE: lambda p: self._plain(p, OK),
            Instruction.GET_ECHO: lambda p: self._plain(p, ConfirmationCode.ECHO_OK),
            Instruction.READ_SYS_PARA: self._read_sys_para,
            Instruction.SET_SYS_PARA: self._set_sys_para,
            Instruction.GEN_IMG: self._gen_img,
            Instruction.IMG_2_TZ: self._img_2_tz,
            Instruction.UP_IMAGE: self._up_image,
            Instruction.AURA_LED_CONFIG: self._aura_led,
            Instruction.OPEN_LED: lambda p: self._open_close_led(p, True),
            Instruction.CLOSE_LED: lambda p: self._open_close_led(p, False),
        }

    # -- entry points ---------------------------------------------------------------

    def handle(self, packet: Packet) -> list[Packet]:
        """The packets answering ``packet``; empty when the module stays silent."""
        if packet.address != self.config.address or packet.pid != PacketId.COMMAND:
            logger.debug("ignoring packet pid %02X for %08X", packet.pid, packet.address)
            return []
        with self._lock:
            self.commands += 1
            instruction, params = packet.code, packet.params
            handler = self._handlers.get(instruction)
            if handler is None:
                logger.debug("unsupported instruction %02X", instruction)
                return [self._ack(ConfirmationCode.PACKET_ERROR)]
            if not self.verified and instruction not in _NO_PASSWORD_NEEDED:
                return [self._ack(ConfirmationCode.PASSWORD_REQUIRED)]
            answer = handler(params)
        logger.debug("%s -> %02X", _name(instruction), answer[0].code)
        return answer

    def receive_error(self) -> list[Packet]:
        """The answer to a command packet that arrived with a bad checksum."""
        return [self._ack(ConfirmationCode.PACKET_ERROR)]

    def status(self) -> dict[str, object]:
        """A JSON-able snapshot for the control channel."""
        with self._lock:
            return {
                "verified": self.verified,
                "image_in_buffer": self.image is not None,
                "packet_size": self.packet_size,
                "security_level": self.security_level,
                "baud_rate": self.baud_rate,
                "led": {"on": self.led.on, "control": self.led.control, "color": self.led.color},
                "commands": self.commands,
            }

    def system_parameters(self) -> SystemParameters:
        """What ReadSysPara reports now."""
        status = StatusFlags(0)
        if self.verified:
            status |= StatusFlags.PWD
        if self.image is not None:
            status |= StatusFlags.IMG_BUF_STAT
        return SystemParameters(
            status=status,
            system_id=self.config.system_id,
            library_size=self.config.library_size,
            security_level=self.security_level,
            address=self.config.address,
            packet_size=self.packet_size,
            baud_rate=self.baud_rate,
        )

    # -- instructions -----------------------------------------------------------------

    def _ack(self, code: int, results: bytes = b"") -> Packet:
        return Packet(PacketId.ACK, bytes([code]) + results, self.config.address)

    def _plain(self, params: bytes, code: int) -> list[Packet]:
        if params:
            return [self._ack(ConfirmationCode.PACKET_ERROR)]
        return [self._ack(code)]

    def _vfy_pwd(self, params: bytes) -> list[Packet]:
        if len(params) != 4:
            return [self._ack(ConfirmationCode.PACKET_ERROR)]
        if int.from_bytes(params, "big") != self.config.password:
            return [self._ack(ConfirmationCode.WRONG_PASSWORD)]
        self.verified = True
        return [self._ack(OK)]

    def _read_sys_para(self, params: bytes) -> list[Packet]:
        if params:
            return [self._ack(ConfirmationCode.PACKET_ERROR)]
        return [self._ack(OK, self.system_parameters().to_bytes())]

    def _set_sys_para(self, params: bytes) -> list[Packet]:
        if len(params) != 2:
            return [self._ack(ConfirmationCode.PACKET_ERROR)]
        register, value = params
        if register == SysParam.BAUD_RATE and 1 <= value <= 12:
            self.baud_rate = 9600 * value
        elif register == SysParam.SECURITY_LEVEL and 1 <= value <= 5:
            self.security_level = value
        elif register == SysParam.PACKET_SIZE and value in PACKET_SIZES:
            self.packet_size = PACKET_SIZES[value]
        elif register in _SYS_PARAMS:
            return [self._ack(ConfirmationCode.BAD_REGISTER_VALUE)]
        else:
            return [self._ack(ConfirmationCode.INVALID_REGISTER)]
        return [self._ack(OK)]

    def _gen_img(self, params: bytes) -> list[Packet]:
        if params:
            return [self._ack(ConfirmationCode.PACKET_ERROR)]
        touch = self.glass.touch()
        self.char_buffers.clear()
        if touch.kind is TouchKind.IMAGE and touch.image is not None:
            self.image = quantize(touch.image)
            return [self._ack(OK)]
        self.image = None
        if touch.kind is TouchKind.POOR:
            return [self._ack(ConfirmationCode.IMAGE_FAIL)]
        return [self._ack(ConfirmationCode.NO_FINGER)]

    def _img_2_tz(self, params: bytes) -> list[Packet]:
        if len(params) != 1 or params[0] not in (1, 2):
            return [self._ack(ConfirmationCode.PACKET_ERROR)]
        if self.image is None:
            return [self._ack(ConfirmationCode.NO_VALID_IMAGE)]
        code = int(self._quality(self.image))
        if code == OK:
            self.char_buffers.add(params[0])
        return [self._ack(code)]

    def _up_image(self, params: bytes) -> list[Packet]:
        if params:
            return [self._ack(ConfirmationCode.PACKET_ERROR)]
        if self.image is None:
            return [self._ack(ConfirmationCode.NO_VALID_IMAGE)]
        data = pack_image(self.image)
        size = self.packet_size
        chunks = [data[i : i + size] for i in range(0, len(data), size)]
        packets = [self._ack(OK)]
        for index, chunk in enumerate(chunks):
            pid = PacketId.END_OF_DATA if index == len(chunks) - 1 else PacketId.DATA
            packets.append(Packet(pid, chunk, self.config.address))
        return packets

    def _aura_led(self, params: bytes) -> list[Packet]:
        if self.config.led not in (LedSupport.AURA, LedSupport.BOTH) or len(params) != 4:
            return [self._ack(ConfirmationCode.PACKET_ERROR)]
        control, _speed, color, _count = params
        if control not in _LED_CONTROLS or color not in _LED_COLORS:
            return [self._ack(ConfirmationCode.PACKET_ERROR)]
        on = control not in (LedControl.OFF, LedControl.GRADUAL_OFF)
        self.led = LedState(on=on, control=control, color=color)
        return [self._ack(OK)]

    def _open_close_led(self, params: bytes, on: bool) -> list[Packet]:
        if self.config.led not in (LedSupport.OPEN_CLOSE, LedSupport.BOTH) or params:
            return [self._ack(ConfirmationCode.PACKET_ERROR)]
        control = LedControl.ON if on else LedControl.OFF
        self.led = LedState(on=on, control=control, color=self.led.color)
        return [self._ack(OK)]


_SYS_PARAMS = frozenset(int(p) for p in SysParam)
_LED_CONTROLS = frozenset(int(c) for c in LedControl)
_LED_COLORS = frozenset(int(c) for c in LedColor)
_NO_PASSWORD_NEEDED = frozenset({Instruction.VFY_PWD, Instruction.HANDSHAKE, Instruction.GET_ECHO})


def _name(instruction: int) -> str:
    try:
        return Instruction(instruction).name
    except ValueError:
        return f"0x{instruction:02X}"


def image_from_module(module: SimulatedModule) -> GrayImage | None:
    """A copy of the module's image buffer (already 4-bit quantised), for tests."""
    return None if module.image is None else np.array(module.image, copy=True)
