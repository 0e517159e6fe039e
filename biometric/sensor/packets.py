"""Packet codec of the R30x / ZFM-20 / AS608 UART fingerprint modules.

Every packet on the wire is::

    EF 01 | address (4, BE) | PID (1) | length (2, BE) | content | checksum (2, BE)

``length`` counts the content plus the two checksum bytes; the checksum is the sum of
the PID, both length bytes and every content byte, modulo 65536. The host sends command
packets (PID 0x01: instruction code then parameters); the module answers with an
acknowledge packet (PID 0x07: confirmation code then results) and, for uploads, data
packets (0x02) closed by an end-of-data packet (0x08).

The encoder and the stream reader are shared by the driver and the simulator, so both
sides read the same vocabulary next to the module manuals.
"""

from __future__ import annotations

import logging
import struct
from dataclasses import dataclass

from biometric.sensor.constants import (
    CODE_DESCRIPTIONS,
    PACKET_SIZES,
    ConfirmationCode,
    Instruction,
    LedColor,
    LedControl,
    PacketId,
    StatusFlags,
    SysParam,
    describe_code,
    packet_size_code,
)
from biometric.sensor.errors import ChecksumError, FramingError, FramingProblem

__all__ = [
    "CODE_DESCRIPTIONS",
    "DEFAULT_ADDRESS",
    "DEFAULT_PASSWORD",
    "HEADER",
    "MAX_CONTENT",
    "MAX_FRAME",
    "PACKET_SIZES",
    "ConfirmationCode",
    "Instruction",
    "LedColor",
    "LedControl",
    "Packet",
    "PacketId",
    "PacketReader",
    "StatusFlags",
    "SysParam",
    "SystemParameters",
    "ack_packet",
    "checksum",
    "command_packet",
    "decode_packet",
    "describe_code",
    "encode_packet",
    "packet_size_code",
]

logger = logging.getLogger("nidkiosk.sensor.packets")

HEADER = b"\xef\x01"
DEFAULT_ADDRESS = 0xFFFFFFFF
DEFAULT_PASSWORD = 0x00000000
HEADER_LEN = 9  # start code, address, PID, length
MAX_CONTENT = 256  # largest data packet the family supports
MIN_LENGTH = 3  # at least one content byte plus the checksum
MAX_FRAME = HEADER_LEN + MAX_CONTENT + 2  # 267: the longest packet on the wire


def checksum(pid: int, content: bytes) -> int:
    """Sum of PID, both length bytes and the content, modulo 65536."""
    length = len(content) + 2
    return (pid + (length >> 8) + (length & 0xFF) + sum(content)) & 0xFFFF


@dataclass(frozen=True)
class Packet:
    """One decoded packet. ``content`` excludes header, length and checksum."""

    pid: int
    content: bytes
    address: int = DEFAULT_ADDRESS

    def encode(self) -> bytes:
        """The packet's bytes on the wire."""
        return encode_packet(self.pid, self.content, self.address)

    @property
    def code(self) -> int:
        """First content byte: the instruction of a command, the confirmation of an ack."""
        if not self.content:
            raise ValueError("empty packet has no code byte")
        return self.content[0]

    @property
    def params(self) -> bytes:
        """Content after the code byte."""
        return self.content[1:]


def encode_packet(pid: int, content: bytes, address: int = DEFAULT_ADDRESS) -> bytes:
    """Frame ``content`` as one packet; ValueError for an impossible packet."""
    if not 1 <= len(content) <= MAX_CONTENT:
        raise ValueError(f"packet content must be 1..{MAX_CONTENT} bytes, not {len(content)}")
    if not 0 <= address <= 0xFFFFFFFF:
        raise ValueError("address must fit in 32 bits")
    length = len(content) + 2
    head = HEADER + struct.pack(">IBH", address, pid, length)
    return head + content + struct.pack(">H", checksum(pid, content))


def command_packet(instruction: int, params: bytes = b"", address: int = DEFAULT_ADDRESS) -> bytes:
    """A host command: instruction code then parameters."""
    return encode_packet(PacketId.COMMAND, bytes([instruction]) + params, address)


def ack_packet(code: int, results: bytes = b"", address: int = DEFAULT_ADDRESS) -> bytes:
    """A module acknowledgement: confirmation code then results."""
    return encode_packet(PacketId.ACK, bytes([code]) + results, address)


_VALID_PIDS = frozenset(int(p) for p in PacketId)


class PacketReader:
    """Incremental parser: feed bytes as they come, take packets out as they complete.

    Bytes before a start code are skipped (``discarded`` counts them), and so is a start
    code whose PID or length is impossible: that is how the reader resynchronises on
    garbage. A packet whose checksum fails raises :class:`ChecksumError` after dropping
    its start code, so the next call rescans from the byte after it. Every call either
    consumes bytes or returns None, so a caller loop cannot spin forever.
    """

    def __init__(self, max_content: int = MAX_CONTENT) -> None:
        self._buf = bytearray()
        self._max_length = max_content + 2
        self.discarded = 0

    def feed(self, data: bytes) -> None:
        """Append received bytes."""
        self._buf += data

    def reset(self) -> None:
        """Forget buffered bytes (after the line was drained)."""
        self._buf.clear()

    @property
    def pending(self) -> int:
        """Bytes buffered but not yet part of a complete packet."""
        return len(self._buf)

    @property
    def in_frame(self) -> bool:
        """True when the buffer starts with a start code: a packet is part-way in."""
        return self._buf[:2] == HEADER or self._buf == HEADER[:1]

    def take_raw(self, count: int) -> bytes:
        """Up to ``count`` buffered bytes taken as they are, not as a packet (the ready
        byte a module sends after a reset)."""
        taken = bytes(self._buf[:count])
        del self._buf[:count]
        return taken

    def _skip(self, count: int) -> None:
        del self._buf[:count]
        self.discarded += count

    def next_packet(self) -> Packet | None:
        """The next complete packet, or None until more bytes are fed."""
        while True:
            start = self._buf.find(HEADER)
            if start < 0:
                # Keep a trailing EF: it may be the first half of a start code.
                keep = 1 if self._buf[-1:] == HEADER[:1] else 0
                if len(self._buf) - keep:
                    self._skip(len(self._buf) - keep)
                return None
            if start:
                logger.debug("resync: skipped %d bytes before a start code", start)
                self._skip(start)
            if len(self._buf) < HEADER_LEN:
                return None
            address, pid, length = struct.unpack_from(">IBH", self._buf, 2)
            if pid not in _VALID_PIDS or not MIN_LENGTH <= length <= self._max_length:
                logger.debug("resync: false start code (pid %02X, length %d)", pid, length)
                self._skip(1)
                continue
            total = HEADER_LEN + length
            if len(self._buf) < total:
                return None
            content = bytes(self._buf[HEADER_LEN : total - 2])
            (received,) = struct.unpack_from(">H", self._buf, total - 2)
            expected = checksum(pid, content)
            if received != expected:
                self._skip(2)
                raise ChecksumError(expected, received)
            del self._buf[:total]
            return Packet(pid, content, address)


def decode_packet(data: bytes) -> Packet:
    """Decode exactly one packet; FramingError if ``data`` is not one whole packet."""
    reader = PacketReader()
    reader.feed(data)
    packet = reader.next_packet()
    if packet is None or reader.pending or reader.discarded:
        raise FramingError(FramingProblem.NOT_ONE_PACKET, received=len(data))
    return packet


_SYS_PARA = struct.Struct(">HHHHIHH")


@dataclass(frozen=True)
class SystemParameters:
    """The 16 bytes ReadSysPara returns after its confirmation code, decoded.

    ``packet_size`` is in bytes (32..256) and ``baud_rate`` in bits per second; the wire
    carries codes for both (see PACKET_SIZES, and N for 9600 * N).
    """

    status: StatusFlags
    system_id: int
    library_size: int
    security_level: int
    address: int
    packet_size: int
    baud_rate: int

    @classmethod
    def from_bytes(cls, data: bytes) -> SystemParameters:
        """Decode the result bytes; FramingError if they are not 16 or not valid."""
        if len(data) != _SYS_PARA.size:
            raise FramingError(FramingProblem.BAD_RESULT, received=len(data),
                               expected=_SYS_PARA.size)
        status, system_id, library, level, address, size_code, baud_n = _SYS_PARA.unpack(data)
        if size_code not in PACKET_SIZES:
            raise FramingError(FramingProblem.BAD_RESULT)  # an unknown packet size code
        return cls(
            StatusFlags(status),
            system_id,
            library,
            level,
            address,
            PACKET_SIZES[size_code],
            9600 * baud_n,
        )

    def to_bytes(self) -> bytes:
        """Encode as the module sends them (the simulator's side)."""
        return _SYS_PARA.pack(
            int(self.status),
            self.system_id,
            self.library_size,
            self.security_level,
            self.address,
            packet_size_code(self.packet_size),
            self.baud_rate // 9600,
        )
