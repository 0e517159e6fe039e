"""Fault injection on the simulated module's answers, for any instruction.

A :class:`Fault` says what goes wrong (garbled byte, bad checksum, truncation, dropped
bytes, noise, silence, a slow drip, an endless flood, or a refusal), on which answer
(optionally only answers to one instruction) and on which packet of that answer (0 the
acknowledgement, 1.. the data packets of an upload, -1 the last). Faults queue in a
:class:`FaultPlan`; the pty link applies the first one that matches to the encoded
packets just before they are written. DRIP and FLOOD are about time, so the link carries
them out: the packets are paced (DRIP) or replaced by garbage that never ends until the
plan is cleared (FLOOD). REFUSE is about the module, not the line: the instruction is not
carried out and its acknowledgement carries ``code`` instead (a flash write error 0x18 on
Store, a sensor fault 0x29 on CheckSensor, 0x01 on anything).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import Enum

from biometric.sensor.constants import ConfirmationCode, Instruction

logger = logging.getLogger("nidkiosk.sim.sensor")

DEFAULT_NOISE = b"\x00\x55\xef\x13\xef\x01\xff\x07"  # includes a false start code
FLOOD_PATTERN = bytes(b for b in range(256) if b != 0xEF)  # no start code: pure garbage


class FaultKind(Enum):
    """What happens to the chosen packet."""

    GARBLE = "garble"  # one byte inverted (default: the last content byte)
    BAD_CHECKSUM = "bad_checksum"  # checksum off by one
    TRUNCATE = "truncate"  # packet cut at ``offset`` (default half); the rest of the answer is lost
    DROP_BYTES = "drop_bytes"  # ``length`` bytes removed at ``offset`` (default the middle)
    NOISE = "noise"  # ``data`` sent before the packet
    SILENCE = "silence"  # no answer at all
    DRIP = "drip"  # from the packet on, ``length`` bytes every ``interval`` seconds
    FLOOD = "flood"  # from the packet on, ``data`` repeated endlessly instead of the answer
    REFUSE = "refuse"  # the module does not carry the instruction out and answers ``code``


@dataclass(frozen=True)
class Fault:
    """One fault; ``count`` answers are hit (None: until the plan is cleared)."""

    kind: FaultKind
    instruction: int | None = None
    packet: int = 0
    count: int | None = 1
    offset: int | None = None
    length: int = 1
    data: bytes | None = None  # NOISE: DEFAULT_NOISE; FLOOD: FLOOD_PATTERN
    interval: float = 0.5  # DRIP: seconds between chunks of ``length`` bytes
    code: int = 0x01  # REFUSE: the confirmation code answered

    def __post_init__(self) -> None:
        if self.count is not None and self.count < 1:
            raise ValueError("count must be at least 1 (or None for unlimited)")
        if self.length < 1:
            raise ValueError("length must be at least 1")
        if not 0 < self.interval <= 60:
            raise ValueError("interval must be more than 0 and at most 60 seconds")
        if self.data is not None and not self.data:
            raise ValueError("data must not be empty")
        if not 0 <= self.code <= 0xFF:
            raise ValueError("code must be a byte")

    @property
    def payload(self) -> bytes:
        """The bytes NOISE sends before the packet, or FLOOD sends over and over."""
        if self.data is not None:
            return self.data
        return FLOOD_PATTERN if self.kind is FaultKind.FLOOD else DEFAULT_NOISE

    def start(self, packets: int) -> int:
        """Index of the packet this fault hits in an answer of ``packets`` packets."""
        return self.packet if self.packet >= 0 else packets + self.packet

    def matches(self, instruction: int | None, packets: int) -> bool:
        """Whether this fault applies to an answer of ``packets`` packets."""
        if self.instruction is not None and instruction != self.instruction:
            return False
        if self.kind is FaultKind.REFUSE:
            return False  # taken before the instruction runs: FaultPlan.take_refusal
        if self.kind is FaultKind.SILENCE:
            return True
        return 0 <= self.start(packets) < packets

    @classmethod
    def from_json(cls, request: Mapping[str, object]) -> Fault:
        """Build a fault from a control-channel request (instruction by name or number)."""
        kind = FaultKind(str(request["kind"]))
        instruction = request.get("instruction")
        if isinstance(instruction, str):
            instruction = Instruction[instruction.upper()]
        count = _optional_int(request, "count", 1)
        data_hex = request.get("data_hex")
        interval = request.get("interval", 0.5)
        if isinstance(interval, bool) or not isinstance(interval, int | float):
            raise ValueError("interval must be a number")
        code = request.get("code", 0x01)
        if isinstance(code, str):
            code = ConfirmationCode[code.upper()] if not code.isdigit() else int(code)
        return cls(
            kind=kind,
            instruction=_optional_int({"instruction": instruction}, "instruction", None),
            packet=_optional_int(request, "packet", 0) or 0,
            count=count,
            offset=_optional_int(request, "offset", None),
            length=_optional_int(request, "length", 1) or 1,
            data=bytes.fromhex(data_hex) if isinstance(data_hex, str) else None,
            interval=float(interval),
            code=_optional_int({"code": code}, "code", 0x01) or 0,
        )

    def describe(self) -> dict[str, object]:
        """JSON-able summary for status."""
        return {
            "kind": self.kind.value,
            "instruction": self.instruction,
            "packet": self.packet,
            "count": self.count,
            **({"interval": self.interval, "length": self.length}
               if self.kind is FaultKind.DRIP else {}),
            **({"code": self.code} if self.kind is FaultKind.REFUSE else {}),
        }


def _optional_int(request: Mapping[str, object], key: str, default: int | None) -> int | None:
    value = request.get(key, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{key} must be an integer")
    return value


def apply_fault(fault: Fault, frames: list[bytes]) -> list[bytes]:
    """The frames as they go out once ``fault`` hits them.

    DRIP changes no byte (only the pace, which the link sets); FLOOD is shown as one
    repetition of its garbage in place of the packets from ``packet`` on (the link
    repeats it until the plan is cleared).
    """
    if fault.kind is FaultKind.SILENCE:
        return []
    if fault.kind in (FaultKind.DRIP, FaultKind.REFUSE):
        return list(frames)  # the pace, or the module's answer itself, is what changes
    index = fault.start(len(frames))
    if fault.kind is FaultKind.FLOOD:
        return [*frames[:index], fault.payload]
    frame = bytearray(frames[index])
    out = list(frames)
    if fault.kind is FaultKind.GARBLE:
        offset = fault.offset if fault.offset is not None else len(frame) - 3
        frame[offset] ^= 0xFF
    elif fault.kind is FaultKind.BAD_CHECKSUM:
        value = (int.from_bytes(frame[-2:], "big") + 1) & 0xFFFF
        frame[-2:] = value.to_bytes(2, "big")
    elif fault.kind is FaultKind.TRUNCATE:
        cut = fault.offset if fault.offset is not None else len(frame) // 2
        out = out[:index]
        frame = frame[:cut]
    elif fault.kind is FaultKind.DROP_BYTES:
        offset = fault.offset if fault.offset is not None else len(frame) // 2
        del frame[offset : offset + fault.length]
    elif fault.kind is FaultKind.NOISE:
        frame[:0] = fault.payload
    if fault.kind is FaultKind.TRUNCATE:
        out.append(bytes(frame))
    else:
        out[index] = bytes(frame)
    return out


class FaultPlan:
    """Thread-safe queue of faults, consumed by the pty link."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()
        self.applied = 0
        self.generation = 0  # grows on every clear(): ends a drip or a flood under way

    def add(self, fault: Fault) -> None:
        """Queue a fault behind those already queued."""
        with self._lock:
            self._faults.append(fault)

    def clear(self) -> None:
        """Drop every queued fault (also ends a SILENCE with count None)."""
        with self._lock:
            self._faults.clear()
            self.generation += 1

    def pending(self) -> list[Fault]:
        """The queued faults, first to apply first."""
        with self._lock:
            return list(self._faults)

    def apply(self, instruction: int | None, frames: list[bytes]) -> list[bytes]:
        """Apply the first matching fault, if any, and count it down."""
        fault = self.take(instruction, len(frames))
        return frames if fault is None else apply_fault(fault, frames)

    def take_refusal(self, instruction: int) -> Fault | None:
        """The first REFUSE fault for ``instruction``, counted down."""
        with self._lock:
            position = next(
                (i for i, f in enumerate(self._faults) if f.kind is FaultKind.REFUSE
                 and f.instruction in (None, instruction)),
                None,
            )
            if position is None:
                return None
            fault = self._count_down(position)
        logger.debug("fault refuse %02X applied", fault.code)
        return fault

    def _count_down(self, position: int) -> Fault:
        fault = self._faults[position]
        if fault.count is not None:
            if fault.count == 1:
                del self._faults[position]
            else:
                self._faults[position] = replace(fault, count=fault.count - 1)
        self.applied += 1
        return fault

    def take(self, instruction: int | None, packets: int) -> Fault | None:
        """The first fault matching an answer of ``packets`` packets, counted down."""
        with self._lock:
            position = next(
                (i for i, f in enumerate(self._faults) if f.matches(instruction, packets)),
                None,
            )
            if position is None:
                return None
            fault = self._count_down(position)
        logger.debug("fault %s applied to packet %d", fault.kind.value, fault.packet)
        return fault
