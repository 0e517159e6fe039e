"""The one seam to the module: command packet out, acknowledgement (and data) in.

:class:`SerialLink` owns the pyserial port and the stream reader. Every wait has two
bounds: the packet's own (``response_timeout``, a module that went quiet) and the
operation's overall deadline (:mod:`biometric.sensor.timing`: a module that drips).
A garbled, truncated or missing answer is re-issued a bounded number of times; a flood
of garbage or a blown deadline is not, as a retry could not help. After any failure the
line is drained, so a stale packet can never pass for the answer to the next command.
An optional event cancels any wait within a read slice. Everything above sees packets.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Collection
from dataclasses import dataclass

import serial

from biometric.sensor.constants import READY_BYTE
from biometric.sensor.errors import (
    CaptureCancelled,
    ChecksumError,
    FramingError,
    FramingProblem,
    SensorDeadlineExceeded,
    SensorError,
    SensorFlood,
    SensorIOError,
    SensorPhase,
    SensorRejected,
    SensorTimeout,
    SensorUnavailable,
)
from biometric.sensor.packets import (
    ConfirmationCode,
    Instruction,
    Packet,
    PacketId,
    PacketReader,
    command_packet,
    encode_packet,
)
from biometric.sensor.timing import (
    FLOOD_LIMIT,
    MAX_ANSWER_BYTES,
    SMALLEST_PACKET,
    Deadline,
    command_limit,
    drain_limit,
    upload_limit,
    upload_wire_bytes,
)

logger = logging.getLogger("nidkiosk.sensor")

READ_SLICE = 0.05  # serial read timeout: how long one read may block (and cancel may lag)
DRAIN_QUIET = 0.1  # the line counts as drained after this long without a byte
RESYNC_GRACE = 0.25  # after a bad checksum, listen this long for the real packet
RETRY_CODES = frozenset({ConfirmationCode.PACKET_ERROR})


@dataclass(frozen=True)
class _Plan:
    """What one exchange carries besides the command and its acknowledgement."""

    expect_data: int | None
    packet_size: int | None
    send_data: bytes | None
    answer_address: int | None
    ready_byte: bool
    retries: int


class SerialLink:
    """Packets over one serial port, with deadlines, bounded retries and draining.

    ``drain_limit`` bounds a drain; None computes it from the baud rate (the time the
    longest answer takes, with margin).
    """

    def __init__(
        self,
        port: str,
        *,
        baudrate: int,
        address: int,
        response_timeout: float,
        retries: int,
        drain_limit: float | None = None,
    ) -> None:
        if retries < 0:
            raise ValueError("retries must be 0 or more")
        if response_timeout <= 0 or baudrate <= 0:
            raise ValueError("response_timeout and baudrate must be positive")
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
        self._received = 0  # bytes read since the current attempt's command was sent

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
            raise SensorUnavailable(self.port, SensorPhase.OPEN, errno=_errno(exc)) from exc

    def close(self) -> None:
        """Close the port; safe to call twice."""
        if self._serial is not None:
            with contextlib.suppress(serial.SerialException, OSError):
                self._serial.close()
            self._serial = None
        self._reader.reset()
        self._stale = False

    def upload_budget(self, data_bytes: int, packet_size: int | None) -> tuple[int, float]:
        """(bytes on the line, seconds allowed) for one attempt of an upload."""
        wire = upload_wire_bytes(data_bytes, packet_size or SMALLEST_PACKET)
        return wire, upload_limit(wire, self.baudrate, self.response_timeout)

    def exchange(
        self,
        instruction: Instruction,
        params: bytes = b"",
        *,
        retry_codes: Collection[int] = RETRY_CODES,
        expect_data: int | None = None,
        packet_size: int | None = None,
        event: threading.Event | None = None,
        send_data: bytes | None = None,
        answer_address: int | None = None,
        ready_byte: bool = False,
        retries: int | None = None,
    ) -> tuple[Packet, bytes]:
        """Send a command, return its ack (and data), re-issuing it on transport trouble.

        ``retry_codes`` are confirmation codes that also call for a re-issue (by default
        the module's own "packet receive error"). With ``expect_data`` (a byte count),
        an OK acknowledgement must be followed by data packets carrying exactly that many
        bytes, within the upload's deadline (from ``packet_size`` and the baud rate).
        With ``send_data``, an OK acknowledgement is followed by the host's data packets
        (DownChar, DownImage) in ``packet_size`` pieces. ``answer_address`` is the
        address the acknowledgement comes from when it is not ours (SetAdder answers from
        the new one); ``ready_byte`` waits, after an OK, for the 0x55 a module sends when
        it has restarted (SoftReset). ``retries`` overrides the link's count for this
        exchange (0 for a command that must not be sent twice). ``event`` cancels any
        wait (CaptureCancelled).

        The exchange as a whole, every attempt and drain included, has a deadline; so
        does each upload attempt. After any failure other than a clean refusal the line
        may still carry the rest of an answer; it is drained before the next command.
        """
        with self._lock:
            if self._stale:
                self._drain(Deadline(self._drain_limit()), instruction, event)
            try:
                plan = _Plan(expect_data, packet_size, send_data, answer_address, ready_byte,
                             self.retries if retries is None else retries)
                return self._attempts(instruction, params, retry_codes, plan, event)
            except SensorRejected:
                raise
            except BaseException:
                self._stale = True
                raise

    def _drain_limit(self) -> float:
        return self.drain_limit if self.drain_limit is not None else drain_limit(self.baudrate)

    def _attempts(
        self,
        instruction: Instruction,
        params: bytes,
        retry_codes: Collection[int],
        plan: _Plan,
        event: threading.Event | None,
    ) -> tuple[Packet, bytes]:
        expect_data, retries = plan.expect_data, plan.retries
        wire, attempt_limit = 0, 0.0
        if expect_data is not None:
            wire, attempt_limit = self.upload_budget(expect_data, plan.packet_size)
            total = Deadline((1 + retries) * (attempt_limit + self._drain_limit()))
        else:
            total = Deadline(command_limit(self.response_timeout, retries))
        last: SensorError | None = None
        for attempt in range(1 + retries):
            if attempt:
                if total.remaining() <= DRAIN_QUIET:
                    break  # no time left for another attempt: report the last failure
                self._drain(total.within(self._drain_limit()), instruction, event)
            self._check_cancel(event, SensorPhase.SEND, instruction)
            self._write(command_packet(instruction, params, self.address), instruction)
            self._received = 0
            limit = total if expect_data is None else total.within(attempt_limit)
            try:
                ack = self._read_packet((PacketId.ACK,), SensorPhase.ACK, instruction, limit,
                                        grace=True, event=event, address=plan.answer_address)
                logger.debug("%s -> %02X", instruction.name, ack.code)
                if ack.code in retry_codes:
                    last = SensorRejected(ack.code, instruction)
                    continue
                if ack.code != ConfirmationCode.OK:
                    return ack, b""
                if plan.send_data is not None:
                    self._send_data(plan.send_data, plan.packet_size, instruction, event)
                if plan.ready_byte:
                    self._read_ready(instruction, total, event)
                if expect_data is None:
                    return ack, b""
                data = self._receive_data(expect_data, wire, instruction, limit, event)
                return ack, data
            except (SensorFlood, SensorDeadlineExceeded):
                raise  # not a glitch: a second attempt could not do better
            except (FramingError, SensorTimeout) as exc:
                logger.debug("%s attempt %d failed: %s", instruction.name, attempt + 1, exc)
                last = exc
        assert last is not None  # every attempt made returns, raises or sets it
        raise last

    def _receive_data(
        self,
        size: int,
        wire: int,
        instruction: Instruction,
        limit: Deadline,
        event: threading.Event | None,
    ) -> bytes:
        """Data packets up to the end-of-data packet: exactly ``size`` bytes."""
        chunks: list[bytes] = []
        total = 0
        while True:
            packet = self._read_packet((PacketId.DATA, PacketId.END_OF_DATA), SensorPhase.DATA,
                                       instruction, limit, grace=False, event=event,
                                       expected=wire)
            total += len(packet.content)
            if total > size:
                raise FramingError(FramingProblem.DATA_TOO_LONG, SensorPhase.DATA, instruction,
                                   received=total, expected=size)
            chunks.append(packet.content)
            if packet.pid == PacketId.END_OF_DATA:
                break
        if total != size:
            raise FramingError(FramingProblem.DATA_TOO_SHORT, SensorPhase.DATA, instruction,
                               received=total, expected=size)
        return b"".join(chunks)

    def _read_packet(
        self,
        expect: Collection[int],
        phase: SensorPhase,
        instruction: Instruction,
        limit: Deadline,
        *,
        grace: bool,
        event: threading.Event | None,
        expected: int | None = None,
        address: int | None = None,
    ) -> Packet:
        """The next packet, within ``response_timeout`` and before ``limit`` expires.

        With ``grace``, a bad checksum does not end the wait at once: noise can hold a
        false start code that swallowed the real packet, which the reader then finds.
        More skipped bytes than FLOOD_LIMIT while waiting is a flood, raised at once.
        """
        started = time.monotonic()
        end = min(started + self.response_timeout, limit.at)
        skipped_before = self._reader.discarded
        bad: ChecksumError | None = None
        while True:
            self._check_cancel(event, phase, instruction)
            try:
                packet = self._reader.next_packet()
            except ChecksumError as exc:
                exc.phase, exc.instruction = phase, instruction
                if not grace:
                    raise
                bad = exc
                end = min(end, time.monotonic() + RESYNC_GRACE)
                continue
            if packet is not None:
                if packet.address != (self.address if address is None else address):
                    raise FramingError(FramingProblem.WRONG_ADDRESS, phase, instruction)
                if packet.pid not in expect:
                    raise FramingError(FramingProblem.WRONG_PACKET_TYPE, phase, instruction)
                return packet
            now = time.monotonic()
            skipped = self._reader.discarded - skipped_before
            if skipped > FLOOD_LIMIT:
                raise SensorFlood(phase, instruction, discarded=skipped, elapsed=now - started)
            if now >= end:
                if now >= limit.at and bad is None:
                    raise SensorDeadlineExceeded(phase, instruction, limit=limit.limit,
                                                 elapsed=limit.elapsed(),
                                                 received=self._received, expected=expected)
                if bad is not None:
                    raise bad
                if self._reader.pending:
                    raise FramingError(FramingProblem.TRUNCATED, phase, instruction,
                                       received=self._reader.pending)
                raise SensorTimeout(phase, instruction, limit=self.response_timeout,
                                    elapsed=now - started, received=self._received,
                                    expected=expected)
            self._fill(phase, instruction)

    def _send_data(
        self, data: bytes, packet_size: int | None, instruction: Instruction,
        event: threading.Event | None,
    ) -> None:
        """The host's data packets after an OK (DownChar, DownImage): end-of-data last."""
        size = packet_size or SMALLEST_PACKET
        pieces = [data[i : i + size] for i in range(0, len(data), size)] or [b"\x00"]
        for index, piece in enumerate(pieces):
            self._check_cancel(event, SensorPhase.SEND, instruction)
            pid = PacketId.END_OF_DATA if index == len(pieces) - 1 else PacketId.DATA
            self._write(encode_packet(pid, piece, self.address), instruction)

    def _read_ready(
        self, instruction: Instruction, total: Deadline, event: threading.Event | None
    ) -> None:
        """The 0x55 a module sends once restarted, within the packet timeout."""
        limit = total.within(self.response_timeout)
        while True:
            self._check_cancel(event, SensorPhase.ACK, instruction)
            byte = self._reader.take_raw(1)
            if byte:
                if byte[0] != READY_BYTE:
                    raise FramingError(FramingProblem.BAD_RESULT, SensorPhase.ACK, instruction,
                                       received=1)
                return
            if limit.expired:
                raise SensorTimeout(SensorPhase.ACK, instruction, limit=limit.limit,
                                    elapsed=limit.elapsed(), received=self._received)
            self._fill(SensorPhase.ACK, instruction)

    @staticmethod
    def _check_cancel(
        event: threading.Event | None, phase: SensorPhase, instruction: Instruction | None
    ) -> None:
        if event is not None and event.is_set():
            raise CaptureCancelled(phase, instruction)

    def _port(self, phase: SensorPhase, instruction: Instruction | None) -> serial.Serial:
        if self._serial is None:
            raise SensorUnavailable(self.port, phase, instruction)
        return self._serial

    def _fill(self, phase: SensorPhase, instruction: Instruction) -> None:
        """Read what has arrived, blocking at most one read slice."""
        port = self._port(phase, instruction)
        try:
            data = port.read(port.in_waiting or 1)
        except (serial.SerialException, OSError) as exc:
            raise SensorIOError(self.port, phase, instruction, _errno(exc)) from exc
        if data:
            self._received += len(data)
            self._reader.feed(data)

    def _write(self, data: bytes, instruction: Instruction) -> None:
        port = self._port(SensorPhase.SEND, instruction)
        started = time.monotonic()
        try:
            port.write(data)
        except serial.SerialTimeoutException as exc:
            raise SensorTimeout(SensorPhase.SEND, instruction, limit=self.response_timeout,
                                elapsed=time.monotonic() - started) from exc
        except (serial.SerialException, OSError) as exc:
            raise SensorIOError(self.port, SensorPhase.SEND, instruction, _errno(exc)) from exc

    def _drain(
        self, limit: Deadline, instruction: Instruction, event: threading.Event | None
    ) -> None:
        """Discard input until the line has been quiet, so stale packets cannot mix in.

        Bounded in time (``limit``) and in bytes (more than the longest answer is a
        flood); a line still talking when the time is up is a blown deadline.
        """
        phase = SensorPhase.DRAIN
        port = self._port(phase, instruction)
        self._reader.reset()
        self._stale = False
        drained = 0
        try:
            drained += port.in_waiting
            port.reset_input_buffer()
            quiet_since = time.monotonic()
            while time.monotonic() - quiet_since < DRAIN_QUIET:
                self._check_cancel(event, phase, instruction)
                if limit.expired:
                    self._stale = True
                    raise SensorDeadlineExceeded(phase, instruction, limit=limit.limit,
                                                 elapsed=limit.elapsed(), received=drained)
                if drained > MAX_ANSWER_BYTES + FLOOD_LIMIT:
                    self._stale = True
                    raise SensorFlood(phase, instruction, discarded=drained,
                                      elapsed=limit.elapsed())
                data = port.read(port.in_waiting or 1)
                if data:
                    drained += len(data)
                    quiet_since = time.monotonic()
        except (serial.SerialException, OSError) as exc:
            self._stale = True
            raise SensorIOError(self.port, phase, instruction, _errno(exc)) from exc
        except CaptureCancelled:
            self._stale = True
            raise
        if drained:
            logger.debug("drained %d stale bytes in %.2f s", drained, limit.elapsed())


def _errno(exc: BaseException) -> int | None:
    value = getattr(exc, "errno", None)
    return value if isinstance(value, int) else None
