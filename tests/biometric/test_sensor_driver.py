"""The driver against the simulated module over a real pty and real pyserial.

No mocks: every test opens the pty slave's path with pyserial. Timing assertions are
only generous "it did not hang" bounds.
"""

from __future__ import annotations

import errno
import statistics
import threading
import time
from collections.abc import Iterator

import numpy as np
import pytest

from biometric.errors import BiometricError, NoUsableTouch
from biometric.sensor import (
    CaptureCancelled,
    CaptureTimeout,
    ChecksumError,
    ConfirmationCode,
    Feedback,
    FingerprintSensor,
    FramingError,
    FramingProblem,
    Instruction,
    LedMethod,
    SensorError,
    SensorPhase,
    SensorRejected,
    SensorTimeout,
    SensorUnavailable,
    quantize,
)
from biometric.sensor.timing import command_limit
from simulators.sensor import (
    Fault,
    FaultKind,
    LedSupport,
    ModuleConfig,
    SensorHandle,
    noise_image,
    ridge_pattern,
    run_sensor,
)

NO_HANG = 5.0  # seconds: any error must arrive well within this


@pytest.fixture
def sim() -> Iterator[SensorHandle]:
    with run_sensor() as handle:
        yield handle


def make_sensor(handle: SensorHandle, **options: object) -> FingerprintSensor:
    options.setdefault("response_timeout", 0.25)
    return FingerprintSensor(handle.port_path, **options)  # type: ignore[arg-type]


@pytest.fixture
def sensor(sim: SensorHandle) -> Iterator[FingerprintSensor]:
    with make_sensor(sim) as opened:
        yield opened


# -- the happy path ----------------------------------------------------------------------


@pytest.mark.parametrize("packet_size", [32, 64, 128, 256])
def test_capture_round_trip_exact_after_quantisation(packet_size: int) -> None:
    image = ridge_pattern(packet_size)
    with run_sensor(config=ModuleConfig(packet_size=packet_size)) as handle:
        handle.place_image(image)
        with make_sensor(handle) as sensor:
            assert sensor.parameters is not None
            assert sensor.parameters.packet_size == packet_size
            seen: list[Feedback] = []
            captured = sensor.capture(on_feedback=seen.append, timeout=5)
    assert captured.shape == (288, 256) and captured.dtype == np.uint8
    assert np.array_equal(captured, quantize(image))
    assert seen == [Feedback.GOOD]


def test_packet_size_set_through_setsyspara(sim: SensorHandle, sensor: FingerprintSensor) -> None:
    image = ridge_pattern(5)
    sim.place_image(image)
    for size in (32, 256):
        sensor.set_packet_size(size)
        assert sensor.parameters is not None and sensor.parameters.packet_size == size
        assert sim.module.packet_size == size
        assert np.array_equal(sensor.capture(timeout=5), quantize(image))


def test_system_parameters(sensor: FingerprintSensor) -> None:
    params = sensor.read_system_parameters()
    assert params.system_id == 0x0009
    assert params.address == 0xFFFFFFFF
    assert params.baud_rate == 57600
    assert params.security_level == 3
    assert params.packet_size == 128


def test_handshake_and_echo(sensor: FingerprintSensor) -> None:
    sensor.handshake()
    sensor.echo()


# -- feedback, timeout, cancel ---------------------------------------------------------------


def test_no_finger_reports_feedback_then_times_out(sensor: FingerprintSensor) -> None:
    seen: list[Feedback] = []
    started = time.monotonic()
    with pytest.raises(CaptureTimeout) as info:
        sensor.capture(on_feedback=seen.append, timeout=0.5)
    assert time.monotonic() - started < NO_HANG
    assert seen == [Feedback.NO_FINGER]  # reported once, when it changed
    assert info.value.last_feedback is Feedback.NO_FINGER
    assert info.value.timeout == 0.5
    # the module answered every poll: no usable touch, not a device error
    assert isinstance(info.value, NoUsableTouch) and not isinstance(info.value, SensorError)


def test_cancel_through_event(sensor: FingerprintSensor) -> None:
    cancel = threading.Event()

    def on_feedback(feedback: Feedback) -> None:
        if feedback is Feedback.NO_FINGER:
            threading.Timer(0.1, cancel.set).start()

    started = time.monotonic()
    with pytest.raises(CaptureCancelled) as info:
        sensor.capture(event=cancel, on_feedback=on_feedback, timeout=30)
    assert time.monotonic() - started < NO_HANG
    assert isinstance(info.value, BiometricError) and not isinstance(info.value, SensorError)


def test_cancel_before_start(sim: SensorHandle, sensor: FingerprintSensor) -> None:
    sim.place_image(ridge_pattern(1))
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(CaptureCancelled) as info:
        sensor.capture(event=cancel)
    assert info.value.phase is SensorPhase.WAIT_FINGER


def test_poor_touch_then_finger(sim: SensorHandle, sensor: FingerprintSensor) -> None:
    image = ridge_pattern(9)
    sim.poor()
    seen: list[Feedback] = []

    def on_feedback(feedback: Feedback) -> None:
        seen.append(feedback)
        if feedback is Feedback.POOR_IMAGE:
            sim.place_image(image)

    captured = sensor.capture(on_feedback=on_feedback, timeout=5)
    assert seen == [Feedback.POOR_IMAGE, Feedback.GOOD]
    assert np.array_equal(captured, quantize(image))


@pytest.mark.parametrize(
    ("bad_image", "expected"),
    [
        (noise_image(3), Feedback.LIFT_AND_PLACE),
        (ridge_pattern(3, coverage=0.25), Feedback.PLACE_AGAIN),
    ],
)
def test_quality_gate_feedback(
    sim: SensorHandle, sensor: FingerprintSensor, bad_image: np.ndarray, expected: Feedback
) -> None:
    sim.place_image(bad_image)
    seen: list[Feedback] = []
    with pytest.raises(CaptureTimeout):
        sensor.capture(on_feedback=seen.append, timeout=0.4)
    assert seen == [expected]


def test_quality_gate_can_be_skipped(sim: SensorHandle) -> None:
    sim.place_image(noise_image(4))
    with make_sensor(sim, check_quality=False) as sensor:
        assert np.array_equal(sensor.capture(timeout=2), quantize(noise_image(4)))


# -- refusals -------------------------------------------------------------------------


def test_wrong_password_is_refused() -> None:
    with run_sensor(config=ModuleConfig(password=0x1234ABCD)) as handle:
        sensor = make_sensor(handle)
        with pytest.raises(SensorRejected) as info:
            sensor.open()
        assert info.value.code == ConfirmationCode.WRONG_PASSWORD
        assert info.value.instruction == Instruction.VFY_PWD
        with make_sensor(handle, password=0x1234ABCD) as good:
            assert good.read_system_parameters().status & 0x4  # PWD bit


def test_upimage_before_genimg_is_refused(sensor: FingerprintSensor) -> None:
    with pytest.raises(SensorRejected) as info:
        sensor.upload_image()
    assert info.value.code == ConfirmationCode.IMAGE_UPLOAD_FAIL  # the manual's code
    assert info.value.confirmation is ConfirmationCode.IMAGE_UPLOAD_FAIL
    assert info.value.instruction == Instruction.UP_IMAGE and info.value.phase is SensorPhase.ACK


def test_open_missing_port_is_unavailable_with_errno() -> None:
    with pytest.raises(SensorUnavailable) as info:
        FingerprintSensor("/dev/nonexistent-nidkiosk-sensor").open()
    assert info.value.errno == errno.ENOENT and info.value.phase is SensorPhase.OPEN
    assert isinstance(info.value, SensorError)


def test_port_held_by_another_sensor_is_unavailable(sim: SensorHandle) -> None:
    with make_sensor(sim), pytest.raises(SensorUnavailable) as info:
        make_sensor(sim).open()
    assert info.value.errno in (errno.EAGAIN, errno.EWOULDBLOCK, errno.EBUSY)


# -- faults: one-shot ones are retried away ---------------------------------------------


@pytest.mark.parametrize(
    "fault",
    [
        Fault(FaultKind.GARBLE, instruction=Instruction.GEN_IMG),
        Fault(FaultKind.BAD_CHECKSUM, instruction=Instruction.IMG_2_TZ),
        Fault(FaultKind.TRUNCATE, instruction=Instruction.GEN_IMG),
        Fault(FaultKind.SILENCE, instruction=Instruction.GEN_IMG),
        Fault(FaultKind.NOISE, instruction=Instruction.GEN_IMG),
        Fault(FaultKind.GARBLE, instruction=Instruction.UP_IMAGE, packet=17),
        Fault(FaultKind.BAD_CHECKSUM, instruction=Instruction.UP_IMAGE, packet=-1),
        Fault(FaultKind.TRUNCATE, instruction=Instruction.UP_IMAGE, packet=100),
        Fault(FaultKind.DROP_BYTES, instruction=Instruction.UP_IMAGE, packet=3, length=5),
        Fault(FaultKind.NOISE, instruction=Instruction.UP_IMAGE, packet=50),
    ],
    ids=lambda f: f"{f.kind.value}-{Instruction(f.instruction).name}-{f.packet}",
)
def test_single_fault_is_recovered(
    sim: SensorHandle, sensor: FingerprintSensor, fault: Fault
) -> None:
    image = ridge_pattern(11)
    sim.place_image(image)
    sim.inject(fault)
    started = time.monotonic()
    captured = sensor.capture(timeout=5)
    assert time.monotonic() - started < NO_HANG
    assert np.array_equal(captured, quantize(image))
    assert sim.faults.applied == 1 and not sim.faults.pending()


def test_resync_after_garbage_on_every_answer(sim: SensorHandle, sensor: FingerprintSensor) -> None:
    image = ridge_pattern(12)
    sim.place_image(image)
    sim.inject(Fault(FaultKind.NOISE, count=None))  # junk (with a false start code) before each ack
    assert np.array_equal(sensor.capture(timeout=5), quantize(image))
    assert sim.faults.applied >= 3


# -- faults: persistent ones end in the right error, in bounded time -----------------------


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        (Fault(FaultKind.GARBLE, count=None), ChecksumError),
        (Fault(FaultKind.BAD_CHECKSUM, count=None), ChecksumError),
        (Fault(FaultKind.TRUNCATE, count=None), FramingError),
        (Fault(FaultKind.SILENCE, count=None), SensorTimeout),
        (Fault(FaultKind.BAD_CHECKSUM, Instruction.UP_IMAGE, packet=7, count=None), ChecksumError),
        (Fault(FaultKind.TRUNCATE, Instruction.UP_IMAGE, packet=-1, count=None), FramingError),
        (Fault(FaultKind.SILENCE, Instruction.UP_IMAGE, count=None), SensorTimeout),
    ],
    ids=lambda v: f"{v.kind.value}-{v.packet}" if isinstance(v, Fault) else v.__name__,
)
def test_persistent_fault_gives_clear_error(
    sim: SensorHandle, sensor: FingerprintSensor, fault: Fault, error: type[SensorError]
) -> None:
    sim.place_image(ridge_pattern(13))
    sim.inject(fault)
    started = time.monotonic()
    with pytest.raises(error) as info:
        sensor.capture(timeout=30)
    if fault.instruction is None:  # GenImg failed: one command exchange, all retries in
        assert time.monotonic() - started < command_limit(0.25, 2) + 0.2
    assert time.monotonic() - started < NO_HANG
    assert not isinstance(info.value, CaptureTimeout)
    if error is FramingError:
        assert info.value.problem is FramingProblem.TRUNCATED
        assert info.value.received  # the bytes of the packet that began
    assert info.value.phase in (SensorPhase.ACK, SensorPhase.DATA)
    assert info.value.instruction is not None
    sim.clear_faults()
    sensor.read_system_parameters()  # the link is usable again


def test_sensor_that_stops_answering_mid_capture(sim: SensorHandle) -> None:
    with make_sensor(sim, retries=1) as sensor:

        def on_feedback(_feedback: Feedback) -> None:
            sim.inject(Fault(FaultKind.SILENCE, count=None))

        started = time.monotonic()
        with pytest.raises(SensorTimeout) as info:
            sensor.capture(on_feedback=on_feedback, timeout=60)
        assert not isinstance(info.value, CaptureTimeout)
        assert time.monotonic() - started < NO_HANG


def test_simulator_gone_gives_error_not_hang() -> None:
    handle = run_sensor()
    sensor = make_sensor(handle, retries=0)
    sensor.open()
    handle.stop()
    started = time.monotonic()
    with pytest.raises(SensorError):
        sensor.capture(timeout=30)
    assert time.monotonic() - started < NO_HANG
    sensor.close()


# -- LED -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("support", "method"),
    [
        (LedSupport.AURA, LedMethod.AURA),
        (LedSupport.OPEN_CLOSE, LedMethod.OPEN_CLOSE),
        (LedSupport.NONE, LedMethod.NONE),
    ],
)
def test_led_where_supported(support: LedSupport, method: LedMethod) -> None:
    with run_sensor(config=ModuleConfig(led=support)) as handle, make_sensor(handle) as sensor:
        supported = sensor.set_led(True)
        assert supported is (support is not LedSupport.NONE)
        assert handle.module.led.on is supported
        assert sensor.led_method is method
        assert sensor.set_led(False) is supported
        assert handle.module.led.on is False


# -- speed ---------------------------------------------------------------------------------


def test_capture_time_over_pty(sim: SensorHandle, sensor: FingerprintSensor) -> None:
    sim.place_image(ridge_pattern(21))
    times = []
    for _ in range(7):
        started = time.perf_counter()
        sensor.capture(timeout=5)
        times.append(time.perf_counter() - started)
    assert statistics.median(times) < NO_HANG  # measured ~15 ms; this only proves no hang


def test_cancel_during_a_line_rate_upload_returns_at_once() -> None:
    # At 57600 baud the upload takes seconds; cancelling must not wait for it to end.
    with run_sensor(config=ModuleConfig(packet_size=256), line_rate=True) as handle:
        handle.place_image(ridge_pattern(41))
        with make_sensor(handle) as sensor:
            cancel = threading.Event()

            def on_feedback(feedback: Feedback) -> None:
                if feedback is Feedback.GOOD:
                    threading.Timer(0.3, cancel.set).start()

            started = time.monotonic()
            with pytest.raises(CaptureCancelled):
                sensor.capture(event=cancel, on_feedback=on_feedback, timeout=30)
            assert time.monotonic() - started < NO_HANG
            assert handle.bytes_sent < 30_000  # the transfer was still under way
