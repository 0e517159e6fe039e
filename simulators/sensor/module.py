"""The module's side of the protocol: from one decoded packet to the answer it sends.

No I/O here: :meth:`SimulatedModule.respond` takes one packet and returns a
:class:`Reply` (packets, a trailer, the seconds of work before it), so every answer
can be tested byte for byte without a pty. The instructions live in
``simulators.sensor.instructions``; this class checks address and password, routes
downloads, and shapes every answer into the family's fixed packet formats.

Choices where the family differs or the manuals are silent (``docs/sensor-module.md``):

- An instruction we do not implement, a command with the wrong parameter length, and a
  command packet whose checksum fails are all answered with 0x01 ("error receiving the
  packet"), the family's generic refusal.
- A packet for another address gets no answer ("the module only responds to packets
  whose address is its own"); the simulator warns and counts it. ``WrongAddress.NAK``
  answers 0x20 instead. Packets that are neither commands nor a download's data get no
  answer.
- With a non-default password, every instruction except VfyPwd, HandShake and GetEcho
  is refused with 0x21 ("verify password first") until VfyPwd succeeds.
- Every acknowledgement of an instruction carries its full results, zero-filled when
  the code is a failure (hosts read a fixed number of bytes).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from biometric.sensor.constants import ConfirmationCode, Instruction, PacketId
from biometric.sensor.image import GrayImage, unpack_image
from biometric.sensor.packets import Packet, SystemParameters
from simulators.sensor.config import LedSupport, ModuleConfig, WrongAddress
from simulators.sensor.flash import Flash
from simulators.sensor.glass import Glass
from simulators.sensor.instructions import HANDLERS, RESULT_BYTES, system
from simulators.sensor.patterns import assess_quality
from simulators.sensor.state import Answer, Download, LedState, ModuleState, Target, refuse

__all__ = ["LedSupport", "ModuleConfig", "Reply", "SimulatedModule", "WrongAddress"]

logger = logging.getLogger("nidkiosk.sim.sensor")

OK = ConfirmationCode.OK
_NO_PASSWORD_NEEDED = frozenset({Instruction.VFY_PWD, Instruction.HANDSHAKE, Instruction.GET_ECHO})


@dataclass(frozen=True)
class Reply:
    """What goes on the line for one packet received.

    ``work`` seconds of processing come first, then ``packets``, then ``trailer`` (raw
    bytes, after ``trailer_delay`` more seconds). ``instruction`` is what was answered
    (for faults and logs); None for a packet that is no command.
    """

    packets: tuple[Packet, ...] = ()
    instruction: int | None = None
    work: float = 0.0
    trailer: bytes = b""
    trailer_delay: float = 0.0


SILENT = Reply()


class SimulatedModule:
    """One module of the family: its RAM, its flash, and the instruction dispatch."""

    def __init__(
        self,
        glass: Glass | None = None,
        config: ModuleConfig | None = None,
        quality: Callable[[GrayImage], int] = assess_quality,
        flash: Flash | None = None,
    ) -> None:
        self.glass = glass if glass is not None else Glass()
        self.config = config if config is not None else ModuleConfig()
        self.flash = flash if flash is not None else Flash.factory(self.config)
        self.state = ModuleState(self.glass, self.config, self.flash, quality)
        self._lock = threading.Lock()
        self.commands = 0
        self.ignored = 0  # command packets for another address
        self.last_foreign_address: int | None = None
        self._warned: set[int] = set()

    @classmethod
    def with_flash_file(
        cls, path: Path | None, glass: Glass | None = None, config: ModuleConfig | None = None,
        quality: Callable[[GrayImage], int] = assess_quality,
    ) -> SimulatedModule:
        """A module whose flash lives in ``path`` (created with factory settings if new)."""
        config = config if config is not None else ModuleConfig()
        return cls(glass, config, quality, Flash.open(path, config))

    # -- views for status and tests ---------------------------------------------------

    @property
    def image(self) -> GrayImage | None:
        return self.state.image

    @property
    def led(self) -> LedState:
        return self.state.led

    @property
    def verified(self) -> bool:
        return self.state.verified

    @property
    def packet_size(self) -> int:
        return self.flash.packet_size

    @property
    def security_level(self) -> int:
        return self.flash.security_level

    @property
    def baud_rate(self) -> int:
        """The line's speed now (a SetSysPara baud rate applies from the next reset)."""
        return self.state.line_baud

    @property
    def address(self) -> int:
        return self.flash.address

    # -- entry points ---------------------------------------------------------------

    def handle(self, packet: Packet) -> list[Packet]:
        """The packets answering ``packet`` (no trailer, no timing): for tests."""
        return list(self.respond(packet).packets)

    def respond(self, packet: Packet, refusal: int | None = None) -> Reply:
        """The reply to one packet. ``refusal`` (an injected fault) answers that code
        instead of carrying the instruction out."""
        with self._lock:
            if packet.address != self.flash.address:
                return self._foreign(packet)
            if packet.pid in (PacketId.DATA, PacketId.END_OF_DATA):
                self._receive(packet)
                return SILENT
            if packet.pid != PacketId.COMMAND:
                logger.debug("ignoring packet pid %02X", packet.pid)
                return SILENT
            self.commands += 1
            if self.state.download is not None:
                logger.debug("a command ends the download under way")
                self.state.download = None
            instruction, params = packet.code, packet.params
            answer = self._carry_out(instruction, params, refusal)
        logger.debug("%s -> %02X", _name(instruction), answer.code)
        return self._reply(instruction, answer)

    def receive_error(self) -> Reply:
        """The answer to a packet whose checksum failed (0x01), or silence mid-download,
        where the host expects no answer (the download is then abandoned)."""
        with self._lock:
            if self.state.download is not None:
                self.state.download = None
                return SILENT
        return self._reply(None, refuse())

    def status(self) -> dict[str, object]:
        """A JSON-able snapshot for the control channel."""
        with self._lock:
            s = self.state
            return {
                "model": self.config.model,
                "address": f"{self.flash.address:08X}",
                "verified": s.verified,
                "image_in_buffer": s.image is not None,
                "char_buffers": s.buffers.filled(),
                "templates": sorted(self.flash.library),
                "capacity": self.config.library_size,
                "packet_size": self.flash.packet_size,
                "security_level": self.flash.security_level,
                "baud_rate": self.flash.baud_rate,
                "line_baud": s.line_baud,
                "led": {"on": s.led.on, "control": s.led.control, "color": s.led.color},
                "commands": self.commands,
                "ignored_packets": self.ignored,
                "resets": s.resets,
            }

    def system_parameters(self) -> SystemParameters:
        """What ReadSysPara reports now."""
        with self._lock:
            return system.system_parameters(self.state)

    # -- internals --------------------------------------------------------------------

    def _carry_out(self, instruction: int, params: bytes, refusal: int | None) -> Answer:
        handler = HANDLERS.get(instruction)
        if handler is None:
            logger.debug("unsupported instruction %02X", instruction)
            return refuse()
        if not self.state.verified and instruction not in _NO_PASSWORD_NEEDED:
            return refuse(ConfirmationCode.PASSWORD_REQUIRED)
        if refusal is not None:
            logger.debug("%s refused by an injected fault", _name(instruction))
            return refuse(refusal)
        return handler(self.state, params)

    def _foreign(self, packet: Packet) -> Reply:
        if packet.pid != PacketId.COMMAND:
            return SILENT
        self.ignored += 1
        self.last_foreign_address = packet.address
        if packet.address not in self._warned:
            self._warned.add(packet.address)
            logger.warning(
                "a command for address %08X reached the module at %08X: %s",
                packet.address, self.flash.address,
                "answered 0x20" if self.config.wrong_address is WrongAddress.NAK
                else "ignored, as a real module does (the host will time out)",
            )
        if self.config.wrong_address is WrongAddress.NAK:
            code = packet.code if packet.content else None
            return self._reply(code, refuse(ConfirmationCode.ADDRESS_CODE))
        return SILENT

    def _receive(self, packet: Packet) -> None:
        download = self.state.download
        if download is None:
            logger.debug("data packet with no download under way: ignored")
            return
        download.received += packet.content
        if len(download.received) > download.expected:
            logger.debug("download longer than %d bytes: abandoned", download.expected)
            self.state.download = None
            return
        if packet.pid == PacketId.END_OF_DATA:
            self.state.download = None
            self._commit(download)

    def _commit(self, download: Download) -> None:
        data = bytes(download.received)
        if len(data) != download.expected:
            logger.debug("download of %d bytes, %d expected: dropped", len(data),
                         download.expected)
            return
        if download.target is Target.CHAR_BUFFER:
            self.state.buffers.put(download.buffer_id, data)
        else:
            self.state.image = unpack_image(data)

    def _reply(self, instruction: int | None, answer: Answer) -> Reply:
        address = answer.address if answer.address is not None else self.flash.address
        size = RESULT_BYTES.get(instruction, 0) if instruction is not None else 0
        results = answer.results.ljust(size, b"\x00")
        packets = [Packet(PacketId.ACK, bytes([answer.code]) + results, address)]
        if answer.code == OK and answer.data is not None:
            chunk = self.flash.packet_size
            pieces = [answer.data[i : i + chunk] for i in range(0, len(answer.data), chunk)]
            for index, piece in enumerate(pieces):
                last = index == len(pieces) - 1
                pid = PacketId.END_OF_DATA if last else PacketId.DATA
                packets.append(Packet(pid, piece, address))
        work = 0.0
        if instruction is not None:
            work = self.config.timing.delay(instruction, answer.compared)
        if answer.trailer:  # a reset: the work is the restart, after the acknowledgement
            return Reply(tuple(packets), instruction, 0.0, answer.trailer, work)
        return Reply(tuple(packets), instruction, work)


def _name(instruction: int) -> str:
    try:
        return Instruction(instruction).name
    except ValueError:
        return f"0x{instruction:02X}"


def image_from_module(module: SimulatedModule) -> GrayImage | None:
    """A copy of the module's image buffer (already 4-bit quantised), for tests."""
    return None if module.image is None else np.array(module.image, copy=True)
