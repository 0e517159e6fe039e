"""The simulated module's serial line: the master side of a pseudo-terminal.

The driver opens the slave's path with pyserial like any UART. We keep our own slave
descriptor open (in raw mode) so the path stays valid across the driver's opens and
closes, and do all master I/O non-blocking under ``select`` with a stop flag, so a
driver that stops reading can never wedge the simulator or its shutdown.

Time is spent here, not in the module: a reply's ``work`` (the module busy capturing or
searching) before it is written, and, when pacing, each frame's time on an 8N1 line at
the module's baud rate after it. Every wait ends at once when the simulator stops.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import select
import threading
import time
import tty

from biometric.sensor.errors import ChecksumError
from biometric.sensor.packets import Packet, PacketId, PacketReader
from simulators.sensor.faults import Fault, FaultKind, FaultPlan, apply_fault
from simulators.sensor.module import Reply, SimulatedModule

logger = logging.getLogger("nidkiosk.sim.sensor")

_POLL = 0.05  # how often the loop looks at the stop flag
_FLOOD_CHUNK = 4096  # bytes a flood offers the pty at a time


class PtyLink:
    """Serves one :class:`SimulatedModule` on a fresh pty, in a daemon thread."""

    def __init__(
        self,
        module: SimulatedModule,
        faults: FaultPlan | None = None,
        *,
        line_rate: bool = False,
    ) -> None:
        self.module = module
        self.faults = faults if faults is not None else FaultPlan()
        self.line_rate = line_rate
        self._master, self._slave = os.openpty()
        tty.setraw(self._slave)
        os.set_blocking(self._master, False)
        self.port_path = os.ttyname(self._slave)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sensor-sim-pty", daemon=True)
        self.bytes_in = 0
        self.bytes_out = 0

    def start(self) -> None:
        """Start answering."""
        self._thread.start()
        logger.debug("simulated sensor on %s", self.port_path)

    def stop(self, timeout: float = 2.0) -> None:
        """Stop the thread and close both ends of the pty."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)
        for fd in (self._master, self._slave):
            with contextlib.suppress(OSError):
                os.close(fd)
        self._master = self._slave = -1

    @property
    def running(self) -> bool:
        return self._thread.is_alive() and not self._stop.is_set()

    def _run(self) -> None:
        reader = PacketReader()
        while not self._stop.is_set():
            try:
                ready, _, _ = select.select([self._master], [], [], _POLL)
            except (OSError, ValueError):
                break
            if not ready:
                continue
            try:
                data = os.read(self._master, 4096)
            except BlockingIOError:
                continue
            except OSError as exc:
                if exc.errno == errno.EIO:  # no slave open right now; wait for one
                    time.sleep(_POLL)
                    continue
                logger.debug("pty read failed: %s", exc)
                break
            self.bytes_in += len(data)
            reader.feed(data)
            self._answer_all(reader)

    def _answer_all(self, reader: PacketReader) -> None:
        while not self._stop.is_set():
            try:
                packet = reader.next_packet()
            except ChecksumError as exc:
                logger.debug("packet with bad checksum: %s", exc)
                self._deliver(self.module.receive_error())
                continue
            if packet is None:
                return
            refusal = None
            if packet.pid == PacketId.COMMAND and packet.address == self.module.address:
                fault = self.faults.take_refusal(packet.code)
                refusal = fault.code if fault is not None else None
            self._deliver(self.module.respond(packet, refusal))

    def _deliver(self, reply: Reply) -> None:
        if not reply.packets:
            return
        if reply.work and self._stop.wait(reply.work):
            return
        self._send(reply.instruction, list(reply.packets))
        if reply.trailer:
            if reply.trailer_delay and self._stop.wait(reply.trailer_delay):
                return
            self._write_frames([reply.trailer])

    @property
    def pacing(self) -> bool:
        """Whether frames go out at the module's baud rate."""
        return self.line_rate or self.module.config.timing.pace

    def _send(self, instruction: int | None, packets: list[Packet]) -> None:
        if not packets:
            return
        frames = [p.encode() for p in packets]
        fault = self.faults.take(instruction, len(frames))
        if fault is None:
            self._write_frames(frames)
        elif fault.kind is FaultKind.DRIP:
            start = fault.start(len(frames))
            self._write_frames(frames[:start])
            self._drip(b"".join(frames[start:]), fault)
        elif fault.kind is FaultKind.FLOOD:
            self._write_frames(frames[: fault.start(len(frames))])
            self._flood(fault.payload)
        else:
            self._write_frames(apply_fault(fault, frames))

    def _write_frames(self, frames: list[bytes]) -> None:
        # Paced, a frame is written when its last byte would have crossed the line (8N1):
        # a reader never holds a whole frame before the wire could have carried it.
        for frame in frames:
            if self._stop.is_set():
                return
            if self.pacing and self._stop.wait(len(frame) * 10 / self.module.baud_rate):
                return
            self._write_all(frame)

    def _drip(self, data: bytes, fault: Fault) -> None:
        """``fault.length`` bytes every ``fault.interval`` s; the rest at once if cleared."""
        generation = self.faults.generation
        for offset in range(0, len(data), fault.length):
            if self._stop.is_set():
                return
            if self.faults.generation != generation:
                self._write_all(data[offset:])
                return
            if offset:
                self._stop.wait(fault.interval)
            self._write_all(data[offset : offset + fault.length])

    def _flood(self, pattern: bytes) -> None:
        """Garbage as fast as the line takes it, until the plan is cleared or we stop.

        Commands that arrive meanwhile are read and ignored, as a module gone mad would.
        """
        generation = self.faults.generation
        block = (pattern * (_FLOOD_CHUNK // len(pattern) + 1))[:_FLOOD_CHUNK]
        while not self._stop.is_set() and self.faults.generation == generation:
            try:
                readable, writable, _ = select.select([self._master], [self._master], [], _POLL)
                if readable:
                    self.bytes_in += len(os.read(self._master, 4096))
                if writable:
                    self.bytes_out += os.write(self._master, block)
            except BlockingIOError:
                continue
            except OSError as exc:
                if exc.errno == errno.EIO:  # no slave open right now
                    self._stop.wait(_POLL)
                    continue
                logger.debug("pty flood failed: %s", exc)
                return
            except ValueError:
                return

    def _write_all(self, data: bytes) -> None:
        view = memoryview(data)
        while view and not self._stop.is_set():
            try:
                _, ready, _ = select.select([], [self._master], [], _POLL)
                if not ready:
                    continue
                written = os.write(self._master, view)
            except BlockingIOError:
                continue
            except (OSError, ValueError) as exc:
                logger.debug("pty write failed: %s", exc)
                return
            self.bytes_out += written
            view = view[written:]
