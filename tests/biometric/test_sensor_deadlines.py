"""Overall deadlines, flood detection and cancellation, through the real pty and pyserial.

The review's defects: a module dripping its upload (each packet just within the packet
timeout) was accepted after about a minute, and a flood of garbage took 26 s to fail.
These tests use the driver's defaults (57600 baud, 2 s per packet) unless they say
otherwise, so the bounds they check are the ones a kiosk gets.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import numpy as np
import pytest

from biometric.sensor import (
    CaptureCancelled,
    Feedback,
    FingerprintSensor,
    Instruction,
    SensorDeadlineExceeded,
    SensorFlood,
    SensorPhase,
    SensorTimeout,
    quantize,
)
from biometric.sensor.image import IMAGE_BYTES
from biometric.sensor.timing import (
    FLOOD_LIMIT,
    MAX_ANSWER_BYTES,
    UPLOAD_CAP,
    command_limit,
    line_seconds,
    upload_limit,
    upload_wire_bytes,
)
from simulators.sensor import (
    Fault,
    FaultKind,
    ModuleConfig,
    SensorHandle,
    ridge_pattern,
    run_sensor,
)

PACKET = 128  # the simulated module's packet size
FRAME = PACKET + 11  # one data packet on the wire
# One data packet every 0.2 s: each arrives well within the 2 s packet timeout, the whole
# upload would take 288 x 0.2 = 58 s (the review saw 65 s with its own pacing).
PACKET_DRIP = Fault(FaultKind.DRIP, Instruction.UP_IMAGE, packet=1, count=None,
                    length=FRAME, interval=0.2)
# Four bytes every 20 ms: the line never falls quiet long enough for a drain to end.
STEADY_DRIP = Fault(FaultKind.DRIP, Instruction.UP_IMAGE, packet=1, count=None,
                    length=4, interval=0.02)


@pytest.fixture
def sim() -> Iterator[SensorHandle]:
    with run_sensor(config=ModuleConfig(packet_size=PACKET)) as handle:
        handle.place_image(ridge_pattern(3))
        yield handle


@pytest.fixture
def sensor(sim: SensorHandle) -> Iterator[FingerprintSensor]:
    with FingerprintSensor(sim.port_path) as opened:  # the defaults: 57600 baud, 2 s
        yield opened


def cancel_after(seconds: float) -> threading.Event:
    event = threading.Event()
    timer = threading.Timer(seconds, event.set)
    timer.daemon = True
    timer.start()
    return event


# -- the budgets themselves ----------------------------------------------------------------


def test_upload_budget_follows_the_line() -> None:
    wire = upload_wire_bytes(IMAGE_BYTES, 128)
    assert wire == 12 + 36_864 + 288 * 11 == 40_044
    assert line_seconds(wire, 57600) == pytest.approx(6.95, abs=0.01)
    assert upload_limit(wire, 57600, 2.0) == pytest.approx(12.43, abs=0.01)
    assert upload_wire_bytes(IMAGE_BYTES, 32) == MAX_ANSWER_BYTES == 49_548
    for n in range(1, 13):  # every baud rate the family offers, every packet size
        for size in (32, 64, 128, 256):
            wire = upload_wire_bytes(IMAGE_BYTES, size)
            assert line_seconds(wire, 9600 * n) * 1.2 < upload_limit(wire, 9600 * n, 2.0)
            assert upload_limit(wire, 9600 * n, 2.0) < UPLOAD_CAP  # the cap cuts no real line
    assert command_limit(2.0, 2) == 7.0


# -- the defects -------------------------------------------------------------------------


def test_dripping_upload_fails_at_its_deadline_not_after_a_minute(
    sim: SensorHandle, sensor: FingerprintSensor
) -> None:
    wire, limit = sensor.link.upload_budget(IMAGE_BYTES, PACKET)
    sim.inject(PACKET_DRIP)
    started = time.monotonic()
    with pytest.raises(SensorDeadlineExceeded) as info:
        sensor.capture(timeout=5)
    took = time.monotonic() - started
    error = info.value
    assert error.phase is SensorPhase.DATA and error.instruction == Instruction.UP_IMAGE
    assert error.limit == pytest.approx(limit) and limit == pytest.approx(12.43, abs=0.01)
    assert limit <= error.elapsed < limit + 0.5
    assert took < limit + 1.0  # measured 12.5 s (before: accepted after 58 s)
    assert 0 < error.received < wire and error.expected == wire
    assert isinstance(error, SensorTimeout)
    sim.clear_faults()  # the module sends the rest at once
    assert np.array_equal(sensor.capture(timeout=5), quantize(ridge_pattern(3)))


def test_flood_instead_of_an_answer_fails_at_once(
    sim: SensorHandle, sensor: FingerprintSensor
) -> None:
    sim.inject(Fault(FaultKind.FLOOD, Instruction.GEN_IMG, count=None))
    started = time.monotonic()
    with pytest.raises(SensorFlood) as info:
        sensor.capture(timeout=5)
    assert time.monotonic() - started < 1.0  # measured ~2 ms (before: 26 s)
    error = info.value
    assert error.phase is SensorPhase.ACK and error.instruction == Instruction.GEN_IMG
    assert error.discarded > FLOOD_LIMIT and error.elapsed < 1.0
    sim.clear_faults()
    assert np.array_equal(sensor.capture(timeout=5), quantize(ridge_pattern(3)))


def test_flood_in_the_middle_of_an_upload_fails_at_once(
    sim: SensorHandle, sensor: FingerprintSensor
) -> None:
    sim.inject(Fault(FaultKind.FLOOD, Instruction.UP_IMAGE, packet=50, count=None))
    started = time.monotonic()
    with pytest.raises(SensorFlood) as info:
        sensor.capture(timeout=5)
    assert time.monotonic() - started < 1.0
    assert info.value.phase is SensorPhase.DATA
    sim.clear_faults()
    sensor.read_system_parameters()  # the line is drained and usable again


def test_normal_capture_at_57600_baud_is_unaffected() -> None:
    # The simulator paces every packet as an 8N1 line at 57600 baud: ~7 s an image.
    with run_sensor(config=ModuleConfig(packet_size=PACKET), line_rate=True) as handle:
        image = ridge_pattern(4)
        handle.place_image(image)
        with FingerprintSensor(handle.port_path) as sensor:
            started = time.monotonic()
            captured = sensor.capture(timeout=5)
            took = time.monotonic() - started
            _, limit = sensor.link.upload_budget(IMAGE_BYTES, PACKET)
    assert np.array_equal(captured, quantize(image))
    assert 6.9 < took < limit  # measured ~7.0 s against a 12.4 s deadline


# -- cancellation at any point -------------------------------------------------------------


def test_cancel_while_the_module_is_silent(sim: SensorHandle, sensor: FingerprintSensor) -> None:
    sim.inject(Fault(FaultKind.SILENCE, Instruction.GEN_IMG, count=None))
    started = time.monotonic()
    with pytest.raises(CaptureCancelled) as info:
        sensor.capture(event=cancel_after(0.3), timeout=30)
    # before: the event was only read between polls, so this waited out 3 x 2 s of
    # retries and ended as a SensorTimeout
    assert time.monotonic() - started < 1.0  # measured 0.30 s
    assert info.value.phase is SensorPhase.ACK and info.value.instruction == Instruction.GEN_IMG
    sim.clear_faults()
    sensor.read_system_parameters()


def test_cancel_during_a_dripping_upload_and_then_during_the_drain(
    sim: SensorHandle, sensor: FingerprintSensor
) -> None:
    sim.inject(STEADY_DRIP)
    seen: list[Feedback] = []
    with pytest.raises(CaptureCancelled) as info:
        sensor.capture(event=cancel_after(0.5), on_feedback=seen.append, timeout=5)
    assert seen == [Feedback.GOOD] and info.value.phase is SensorPhase.DATA
    # The module is still dripping that upload: the next command drains the line first,
    # and that wait too gives way to the event.
    started = time.monotonic()
    with pytest.raises(CaptureCancelled) as info:
        sensor.capture(event=cancel_after(0.3), timeout=5)
    assert info.value.phase is SensorPhase.DRAIN
    assert time.monotonic() - started < 1.0  # measured 0.30 s
    sim.clear_faults()
    assert np.array_equal(sensor.capture(timeout=5), quantize(ridge_pattern(3)))


def test_a_line_that_never_falls_quiet_ends_the_drain_at_its_deadline(
    sim: SensorHandle,
) -> None:
    with FingerprintSensor(sim.port_path, drain_limit=0.5) as sensor:
        sim.inject(STEADY_DRIP)
        with pytest.raises(CaptureCancelled):
            sensor.capture(event=cancel_after(0.3), timeout=5)
        started = time.monotonic()
        with pytest.raises(SensorDeadlineExceeded) as info:
            sensor.read_system_parameters()
        assert info.value.phase is SensorPhase.DRAIN and info.value.limit == 0.5
        assert info.value.received > 0
        assert time.monotonic() - started < 1.0
        sim.clear_faults()
        sensor.read_system_parameters()
