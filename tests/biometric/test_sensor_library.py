"""The driver's enrolment and library commands against the simulated module, over a pty.

Enrolment takes several touches (first touch into CharBuffer1, lift, second touch into
CharBuffer2, RegModel, Store); search, match, character files out and in, delete and
empty; the module's settings; and the same fault behaviour as the image path: one-shot
garbage is retried away, a module that stops answering ends in bounded time.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from biometric.matcher import MATCH_THRESHOLD
from biometric.sensor import (
    CaptureCancelled,
    ConfirmationCode,
    EnrolmentRefused,
    EnrolProblem,
    EnrolStep,
    FingerprintSensor,
    Instruction,
    SensorRejected,
    SensorTimeout,
    enrol_finger,
)
from simulators.enrolment import touch
from simulators.sensor import (
    Fault,
    FaultKind,
    ModuleConfig,
    NoFinger,
    SensorHandle,
    StaticImage,
    TouchSequence,
    run_sensor,
)

NO_HANG = 5.0
PERSON, STRANGER = 7, 8


@functools.cache
def impression(seed: int, number: int) -> np.ndarray:
    return touch(seed, 2, number)


def glass(seed: int, number: int) -> StaticImage:
    return StaticImage(impression(seed, number))


def two_touches(second_seed: int = PERSON) -> TouchSequence:
    """Place, lift, place again: what an enrolment's three GenImg polls see."""
    return TouchSequence([glass(PERSON, 1), NoFinger(), glass(second_seed, 2)])


@pytest.fixture
def sim(tmp_path: Path) -> Iterator[SensorHandle]:
    with run_sensor(flash_path=tmp_path / "flash.json") as handle:
        yield handle


@pytest.fixture
def sensor(sim: SensorHandle) -> Iterator[FingerprintSensor]:
    with FingerprintSensor(sim.port_path, response_timeout=0.5, poll_interval=0.01) as opened:
        yield opened


def test_enrol_search_match_delete(sim: SensorHandle, sensor: FingerprintSensor) -> None:
    sim.place(two_touches())
    steps: list[EnrolStep] = []
    enrolment = enrol_finger(sensor, on_step=steps.append, timeout=NO_HANG)
    assert enrolment.page == 0
    assert steps == [EnrolStep.FIRST_TOUCH, EnrolStep.LIFT, EnrolStep.SECOND_TOUCH,
                     EnrolStep.COMBINING, EnrolStep.STORED]
    assert sensor.template_count() == 1 and sensor.stored_pages() == {0}
    assert sensor.first_free_page() == 1

    sim.place(glass(PERSON, 3))
    sensor.capture_features(1, timeout=NO_HANG)
    hit = sensor.search()
    assert hit is not None and hit.page == 0 and hit.score >= MATCH_THRESHOLD
    assert sensor.search(high_speed=True) == hit
    assert sensor.search(start=1) is None  # the range excludes page 0
    assert sensor.load(0, 2)
    comparison = sensor.match()
    assert comparison.matched and comparison.score == hit.score

    sim.place(glass(STRANGER, 1))
    sensor.capture_features(1, timeout=NO_HANG)
    assert sensor.search() is None
    assert not sensor.match().matched

    sensor.delete(0)
    assert sensor.template_count() == 0 and not sensor.load(0)
    with pytest.raises(SensorRejected) as info:
        sensor.delete(199, 2)  # beyond the 200-template library
    assert info.value.code == ConfirmationCode.DELETE_FAIL


def test_library_survives_a_restart_of_the_simulator(tmp_path: Path) -> None:
    flash = tmp_path / "flash.json"
    with run_sensor(flash_path=flash) as handle:
        handle.place(two_touches())
        with FingerprintSensor(handle.port_path, poll_interval=0.01) as sensor:
            enrol_finger(sensor, 42, timeout=NO_HANG)
            sensor.set_security_level(4)
    assert flash.stat().st_mode & 0o777 == 0o600  # templates are biometric data
    with run_sensor(flash_path=flash) as handle:
        handle.place(glass(PERSON, 3))
        with FingerprintSensor(handle.port_path, poll_interval=0.01) as sensor:
            assert sensor.parameters is not None and sensor.parameters.security_level == 4
            assert sensor.stored_pages() == {42}
            sensor.capture_features(1, timeout=NO_HANG)
            assert (hit := sensor.search()) is not None and hit.page == 42


def test_enrolment_refusals_are_data(sim: SensorHandle, sensor: FingerprintSensor) -> None:
    sim.place(two_touches(second_seed=STRANGER))
    with pytest.raises(EnrolmentRefused) as info:
        enrol_finger(sensor, 3, timeout=NO_HANG)
    assert info.value.problem is EnrolProblem.TOUCHES_DIFFER
    assert sensor.template_count() == 0

    sim.place(two_touches())
    enrol_finger(sensor, 3, timeout=NO_HANG)
    sim.place(two_touches())
    with pytest.raises(EnrolmentRefused) as info:
        enrol_finger(sensor, timeout=NO_HANG)
    assert info.value.problem is EnrolProblem.ALREADY_ENROLLED and info.value.page == 3
    sim.place(two_touches())
    assert enrol_finger(sensor, 4, refuse_duplicates=False, timeout=NO_HANG).page == 4


def test_a_full_library_is_refused_before_any_touch() -> None:
    with run_sensor(config=ModuleConfig(library_size=1)) as handle:
        handle.place(two_touches())
        with FingerprintSensor(handle.port_path, poll_interval=0.01) as sensor:
            enrol_finger(sensor, timeout=NO_HANG)
            with pytest.raises(EnrolmentRefused) as info:
                enrol_finger(sensor, timeout=NO_HANG)
            assert info.value.problem is EnrolProblem.LIBRARY_FULL


def test_enrolment_cancelled_while_waiting_for_the_lift(
    sim: SensorHandle, sensor: FingerprintSensor
) -> None:
    sim.place(glass(PERSON, 1))  # the finger stays
    cancel = threading.Event()

    def on_step(step: EnrolStep) -> None:
        if step is EnrolStep.LIFT:
            threading.Timer(0.2, cancel.set).start()

    started = time.monotonic()
    with pytest.raises(CaptureCancelled):
        enrol_finger(sensor, 0, event=cancel, on_step=on_step, timeout=30)
    assert time.monotonic() - started < NO_HANG
    assert sensor.template_count() == 0  # the line is usable again


def test_characteristics_out_and_back_in(sim: SensorHandle, sensor: FingerprintSensor) -> None:
    sim.place(two_touches())
    enrol_finger(sensor, 9, timeout=NO_HANG)
    assert sensor.load(9, 1)
    template = sensor.upload_characteristics(1)
    assert len(template) == 512 and template == sim.module.flash.library[9]
    sensor.empty_library()
    assert sensor.template_count() == 0
    sensor.download_characteristics(template, 2)  # e.g. from a central database
    sensor.store(10, 2)
    assert sim.module.flash.library == {10: template}
    sensor.set_packet_size(32)
    assert sensor.upload_characteristics(2) == template  # 16 packets of 32 bytes
    with pytest.raises(SensorRejected) as info:
        sensor.store(200, 2)
    assert info.value.code == ConfirmationCode.BAD_LOCATION


@pytest.mark.parametrize(
    "fault",
    [
        Fault(FaultKind.GARBLE, instruction=Instruction.STORE),
        Fault(FaultKind.SILENCE, instruction=Instruction.REG_MODEL),
        Fault(FaultKind.NOISE, instruction=Instruction.SEARCH),
        Fault(FaultKind.BAD_CHECKSUM, instruction=Instruction.IMG_2_TZ),
        Fault(FaultKind.TRUNCATE, instruction=Instruction.READ_INDEX_TABLE),
        Fault(FaultKind.REFUSE, instruction=Instruction.STORE, code=0x01),  # "receive error"
    ],
    ids=lambda f: f"{f.kind.value}-{Instruction(f.instruction).name}",
)
def test_single_fault_in_an_enrolment_is_recovered(
    sim: SensorHandle, sensor: FingerprintSensor, fault: Fault
) -> None:
    sim.place(two_touches())
    sim.inject(fault)
    assert enrol_finger(sensor, timeout=NO_HANG).page == 0
    assert sim.faults.applied == 1 and sensor.template_count() == 1


def test_upload_faults_on_characteristics_are_recovered(
    sim: SensorHandle, sensor: FingerprintSensor
) -> None:
    sim.place(two_touches())
    enrol_finger(sensor, 0, timeout=NO_HANG)
    sensor.load(0, 1)
    expected = sim.module.flash.library[0]
    for fault in (Fault(FaultKind.TRUNCATE, Instruction.UP_CHAR, packet=2),
                  Fault(FaultKind.BAD_CHECKSUM, Instruction.UP_CHAR, packet=-1),
                  Fault(FaultKind.DROP_BYTES, Instruction.UP_CHAR, packet=1, length=3)):
        sim.inject(fault)
        assert sensor.upload_characteristics(1) == expected


def test_refusals_and_silence_end_in_bounded_time(
    sim: SensorHandle, sensor: FingerprintSensor
) -> None:
    sim.place(two_touches())
    sim.inject(Fault(FaultKind.REFUSE, instruction=Instruction.STORE, code=0x18))
    with pytest.raises(SensorRejected) as info:
        enrol_finger(sensor, 1, timeout=NO_HANG)
    assert info.value.code == ConfirmationCode.FLASH_ERROR
    assert sensor.template_count() == 0
    sim.inject(Fault(FaultKind.SILENCE, instruction=Instruction.SEARCH, count=None))
    started = time.monotonic()
    with pytest.raises(SensorTimeout):
        sensor.search()
    assert time.monotonic() - started < NO_HANG
    sim.clear_faults()
    sim.inject(Fault(FaultKind.REFUSE, instruction=Instruction.CHECK_SENSOR, code=0x29))
    assert sensor.check_sensor() is False
    assert sensor.check_sensor() is True


def test_settings_address_password_and_reset(sim: SensorHandle) -> None:
    with FingerprintSensor(sim.port_path, response_timeout=0.3) as sensor:
        assert 0 <= sensor.random_number() <= 0xFFFFFFFF
        sensor.write_notepad(3, bytes(range(32)))
        assert sensor.read_notepad(3) == bytes(range(32))
        assert sensor.read_notepad(4) == bytes(32)
        sensor.set_password(0xCAFE)
        sensor.set_address(0x12345678)
        assert sim.module.address == 0x12345678
        assert sensor.read_system_parameters().address == 0x12345678
        sensor.set_baud_rate(115200)
        assert sensor.read_system_parameters().baud_rate == 115200
        assert sim.module.baud_rate == 57600  # the line keeps its speed until a restart
        sensor.soft_reset()
        assert sim.module.baud_rate == 115200 and not sim.module.verified
        with pytest.raises(SensorRejected) as info:
            sensor.template_count()
        assert info.value.code == ConfirmationCode.PASSWORD_REQUIRED
        sensor.verify_password()
        assert sensor.template_count() == 0
    with pytest.raises(SensorTimeout):  # the default address meets silence now
        FingerprintSensor(sim.port_path, response_timeout=0.2, retries=0,
                          password=0xCAFE).open()
    assert sim.module.ignored == 1
    with FingerprintSensor(sim.port_path, address=0x12345678, password=0xCAFE) as sensor:
        assert sensor.check_sensor()
