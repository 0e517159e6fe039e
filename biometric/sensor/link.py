"""The one seam to the module: command packet out, acknowledgement (and data) in.

:class:`SerialLink` owns the pyserial port and the stream reader. It gives every read a
deadline, re-issues a command a bounded number of times after a garbled, truncated or
missing answer, and drains the line after any failure so that a stale packet can never
pass for the answer to the next command. Everything above it sees packets and codes.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Collection

import serial

from biometric.sensor.errors import (
    CaptureCancelled,
    ChecksumError,
    FramingError,
    SensorError,
    SensorIOError,
    SensorRejected,
    SensorTimeout,
)
from biometric.sensor.packets import (
    ConfirmationCode,
    Instruction,
    Packet,
    PacketId,
    PacketReader,
    command_packet,
    describe_code,
)

logger = logging.getLogger("nidkiosk.sensor")

READ_SLICE = 0.05  # serial read timeout: how long one read may block
DRAIN_QUIET = 0.1  # the line counts as drained after this long without a byte
RESYNC_GRACE = 0.25  # after a bad checksum, listen this long for the real packet
RETRY_CODES = frozenset({ConfirmationCode.PACKET_ERROR})


class SerialLink:
    """Packets over one serial port, with deadlines, bounded retries and draining."""

    def __init__(
        self,
        port: str,
        *,
        baudrate: int,
        address: int,
        response_timeout: float,
        retries: int,
        drain_limit: float,
    ) -> None:
        if retries < 0:
            raise ValueError("retries must be 0 or more")
        self.port = port
        self.baudrate = baudrate
        self.address = address
        self.response_timeout = response_timeout
        self.retries = retries
        self.drain_limit = drain_limit
        self._serial: serial.Serial | None = None
        self._reader = PacketReader()
        self._lock = threading.RLock()
        self._stale = False

    @property
    def is_open(self) -> bool:
        return self._serial is not None

    def open(self) -> None:
        """Open the port (exclusively) and drop whatever was waiting on it."""
        try:
            self._serial = serial.Serial(
                self.port,
                self.baudrate,
                timeout=READ_SLICE,
                write_timeout=self.response_timeout,
                exclusive=True,
            )
            self._serial.reset_input_buffer()
        except (serial.SerialException, OSError, ValueError) as exc:
            self.close()
            raise SensorIOError(f"cannot open {self.port}: {exc}") from exc

    def close(self) -> None:
        """Close the port; safe to call twice."""
        if self._serial is not None:
            with contextlib.suppress(serial.SerialException, OSError):
                self._serial.close()
            self._serial = None
        self._reader.reset()
        self._stale = False

    def exchange(
        self,
        instruction: Instruction,
        params: bytes = b"",
        *,
        retry_codes: Collection[int] = RETRY_CODES,
        expect_data: int | None = None,
        data_event: threading.Event | None = None,
    ) -> tuple[Packet, bytes]:
        """Send a command, return its ack (and data), re-issuing it on transport trouble.

        ``retry_codes`` are confirmation codes that also call for a re-issue (by default
        the module's own "packet receive error"). With ``expect_data`` (a byte count),
        an OK acknowledgement must be followed by data packets carrying exactly that many
        bytes; ``data_event`` cancels between them (CaptureCancelled).

        After any failure other than a clean refusal, the line may still carry the rest
        of an answer; it is drained before the next command so that stale packets can
        never pass for the answer to a new one.
        """
        with self._lock:
            if self._stale:
                self._drain()
            try:
                return self._attempts(instruction, params, retry_codes, expect_data, data_event)
            except SensorRejected:
                raise
            except BaseException:
                self._stale = True
                raise

    def _attempts(
        self,
        instruction: Instruction,
        params: bytes,
        retry_codes: Collection[int],
        expect_data: int | None,
        data_event: threading.Event | None,
    ) -> tuple[Packet, bytes]:
        last: SensorError | None = None
        for attempt in range(1 + self.retries):
            if attempt:
                self._drain()
            self._write(command_packet(instruction, params, self.address))
            try:
                ack = self._read_packet((PacketId.ACK,), grace=True)
                logger.debug("%s -> %02X (%s)", instruction.name, ack.code, describe_code(ack.code))
                if ack.code in retry_codes:
                    last = SensorRejected(ack.code, instruction)
                    continue
                if expect_data is None or ack.code != ConfirmationCode.OK:
                    return ack, b""
                return ack, self._receive_data(expect_data, data_event)
            except (FramingError, SensorTimeout) as exc:
                logger.debug("%s attempt %d failed: %s", instruction.name, attempt + 1, exc)
                last = exc
        assert last is not None
        raise last

    def _receive_data(self, size: int, event: threading.Event | None) -> bytes:
        """Data packets up to the end-of-data packet: exactly ``size`` bytes."""
        chunks: list[bytes] = []
        total = 0
        while True:
            if event is not None and event.is_set():
                raise CaptureCancelled("capture cancelled during upload")
            packet = self._read_packet((PacketId.DATA, PacketId.END_OF_DATA), grace=False)
            total += len(packet.content)
            if total > size:
                raise FramingError(f"data longer than {size} bytes")
            chunks.append(packet.content)
            if packet.pid == PacketId.END_OF_DATA:
                break
        if total != size:
            raise FramingError(f"data ended after {total} of {size} bytes")
        return b"".join(chunks)

    def _read_packet(self, expect: Collection[int], *, grace: bool) -> Packet:
        """The next packet, within ``response_timeout``.

        With ``grace``, a bad checksum does not end the wait at once: noise can hold a
        false start code that swallowed the real packet, which the reader then finds.
        """
        deadline = time.monotonic() + self.response_timeout
        bad: ChecksumError | None = None
        while True:
            try:
                packet = self._reader.next_packet()
            except ChecksumError as exc:
                if not grace:
                    raise
                bad = exc
                deadline = min(deadline, time.monotonic() + RESYNC_GRACE)
                continue
            if packet is not None:
                if packet.address != self.address:
                    raise FramingError(f"packet from address {packet.address:08X}")
                if packet.pid not in expect:
                    raise FramingError(f"unexpected packet type {packet.pid:02X}")
                return packet
            if time.monotonic() >= deadline:
                if bad is not None:
                    raise bad
                if self._reader.pending:
                    raise FramingError(f"truncated packet ({self._reader.pending} bytes)")
                raise SensorTimeout(f"no answer from the module within {self.response_timeout:g} s")
            self._fill()

    def _port(self) -> serial.Serial:
        if self._serial is None:
            raise SensorIOError("the sensor is not open")
        return self._serial

    def _fill(self) -> None:
        """Read what has arrived, blocking at most one read slice."""
        port = self._port()
        try:
            data = port.read(port.in_waiting or 1)
        except (serial.SerialException, OSError) as exc:
            raise SensorIOError(f"read from {self.port} failed: {exc}") from exc
        if data:
            self._reader.feed(data)

    def _write(self, data: bytes) -> None:
        port = self._port()
        try:
            port.write(data)
        except serial.SerialTimeoutException as exc:
            raise SensorTimeout(f"write to {self.port} timed out") from exc
        except (serial.SerialException, OSError) as exc:
            raise SensorIOError(f"write to {self.port} failed: {exc}") from exc

    def _drain(self) -> None:
        """Discard input until the line has been quiet, so stale packets cannot mix in."""
        port = self._port()
        self._reader.reset()
        self._stale = False
        end = time.monotonic() + self.drain_limit
        try:
            port.reset_input_buffer()
            quiet_since = time.monotonic()
            while time.monotonic() < end:
                if port.read(port.in_waiting or 1):
                    quiet_since = time.monotonic()
                elif time.monotonic() - quiet_since >= DRAIN_QUIET:
                    break
        except (serial.SerialException, OSError) as exc:
            raise SensorIOError(f"read from {self.port} failed: {exc}") from exc
