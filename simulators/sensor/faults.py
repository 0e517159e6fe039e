"""Fault injection on the simulated module's answers.

A :class:`Fault` says what goes wrong (garbled byte, bad checksum, truncation, dropped
bytes, noise, silence), on which answer (optionally only answers to one instruction)
and on which packet of that answer (0 the acknowledgement, 1.. the data packets of an
upload, -1 the last). Faults queue in a :class:`FaultPlan`; the pty link applies the
first one that matches to the encoded packets just before they are written.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import Enum

from biometric.sensor.constants import Instruction

logger = logging.getLogger("nidkiosk.sim.sensor")

DEFAULT_NOISE = b"\x00\x55\xef\x13\xef\x01\xff\x07"  # includes a false start code


class FaultKind(Enum):
    """What happens to the chosen packet."""

    GARBLE = "garble"  # one byte inverted (default: the last content byte)
    BAD_CHECKSUM = "bad_checksum"  # checksum off by one
    TRUNCATE = "truncate"  # packet cut at ``offset`` (default half); the rest of the answer is lost
    DROP_BYTES = "drop_bytes"  # ``length`` bytes removed at ``offset`` (default the middle)
    NOISE = "noise"  # ``data`` sent before the packet
    SILENCE = "silence"  # no answer at all


@dataclass(frozen=True)
class Fault:
    """One fault; ``count`` answers are hit (None: until the plan is cleared)."""

    kind: FaultKind
    instruction: int | None = None
    packet: int = 0
    count: int | None = 1
    offset: int | None = None
    length: int = 1
    data: bytes = DEFAULT_NOISE

    def __post_init__(self) -> None:
        if self.count is not None and self.count < 1:
            raise ValueError("count must be at least 1 (or None for unlimited)")
        if self.length < 1:
            raise ValueError("length must be at least 1")

    def matches(self, instruction: int | None, packets: int) -> bool:
        """Whether this fault applies to an answer of ``packets`` packets."""
        if self.instruction is not None and instruction != self.instruction:
            return False
        if self.kind is FaultKind.SILENCE:
            return True
        index = self.packet if self.packet >= 0 else packets + self.packet
        return 0 <= index < packets

    @classmethod
    def from_json(cls, request: Mapping[str, object]) -> Fault:
        """Build a fault from a control-channel request (instruction by name or number)."""
        kind = FaultKind(str(request["kind"]))
        instruction = request.get("instruction")
        if isinstance(instruction, str):
            instruction = Instruction[instruction.upper()]
        count = _optional_int(request, "count", 1)
        data_hex = request.get("data_hex")
        return cls(
            kind=kind,
            instruction=_optional_int({"instruction": instruction}, "instruction", None),
            packet=_optional_int(request, "packet", 0) or 0,
            count=count,
            offset=_optional_int(request, "offset", None),
            length=_optional_int(request, "length", 1) or 1,
            data=bytes.fromhex(data_hex) if isinstance(data_hex, str) else DEFAULT_NOISE,
        )

    def describe(self) -> dict[str, object]:
        """JSON-able summary for status."""
        return {
            "kind": self.kind.value,
            "instruction": self.instruction,
            "packet": self.packet,
            "count": self.count,
        }


def _optional_int(request: Mapping[str, object], key: str, default: int | None) -> int | None:
    value = request.get(key, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{key} must be an integer")
    return value


def apply_fault(fault: Fault, frames: list[bytes]) -> list[bytes]:
    """The frames as they go out once ``fault`` hits them."""
    if fault.kind is FaultKind.SILENCE:
        return []
    index = fault.packet if fault.packet >= 0 else len(frames) + fault.packet
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
        frame[:0] = fault.data
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

    def add(self, fault: Fault) -> None:
        """Queue a fault behind those already queued."""
        with self._lock:
            self._faults.append(fault)

    def clear(self) -> None:
        """Drop every queued fault (also ends a SILENCE with count None)."""
        with self._lock:
            self._faults.clear()

    def pending(self) -> list[Fault]:
        """The queued faults, first to apply first."""
        with self._lock:
            return list(self._faults)

    def apply(self, instruction: int | None, frames: list[bytes]) -> list[bytes]:
        """Apply the first matching fault, if any, and count it down."""
        with self._lock:
            position = next(
                (i for i, f in enumerate(self._faults) if f.matches(instruction, len(frames))),
                None,
            )
            if position is None:
                return frames
            fault = self._faults[position]
            if fault.count is not None:
                if fault.count == 1:
                    del self._faults[position]
                else:
                    self._faults[position] = replace(fault, count=fault.count - 1)
            self.applied += 1
        logger.debug("fault %s applied to packet %d", fault.kind.value, fault.packet)
        return apply_fault(fault, frames)
