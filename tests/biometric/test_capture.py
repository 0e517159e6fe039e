"""capture_template over the simulated sensor: how a capture ends, told apart by type.

A face must tell "the device failed" (SensorError) from "no usable touch" (NoUsableTouch)
from "cancelled" (CaptureCancelled) without reading any text.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import numpy as np
import pytest

import biometric.template as template_module
from biometric.capture import (
    CaptureCancelled,
    CaptureStep,
    CaptureTimeout,
    NoUsableTouch,
    SensorError,
    TooManyPoorTouches,
    capture_template,
)
from biometric.compact import X_ASCENDING
from biometric.errors import BiometricError, CaptureFeedback, QualityError
from biometric.sensor import FingerprintSensor, Instruction, SensorTimeout
from biometric.template import CardTemplate, make_template
from simulators.fingers import Difficulty, Finger
from simulators.sensor import Fault, FaultKind, SensorHandle, noise_image, run_sensor

GOOD = Finger.generate(7_000_001).impression(1, Difficulty.EASY)


@pytest.fixture
def sim() -> Iterator[SensorHandle]:
    with run_sensor() as handle:
        yield handle


@pytest.fixture
def sensor(sim: SensorHandle) -> Iterator[FingerprintSensor]:
    # The module's own gate off, so a touch it would refuse reaches ours.
    with FingerprintSensor(sim.port_path, response_timeout=0.25, check_quality=False) as s:
        yield s


def run(sensor: FingerprintSensor, steps: list[CaptureStep], **options: object) -> CardTemplate:
    return capture_template(sensor, max_count=60, order=X_ASCENDING, on_step=steps.append,
                            **options)  # type: ignore[arg-type]


def test_a_good_touch_gives_a_template(sim: SensorHandle, sensor: FingerprintSensor) -> None:
    sim.place_image(GOOD)
    steps: list[CaptureStep] = []
    template = run(sensor, steps, timeout=5)
    assert template.data and steps == [CaptureStep.KEEP_STILL, CaptureStep.GOT_IT]


def test_only_poor_touches_is_no_usable_touch(sim: SensorHandle, sensor: FingerprintSensor) -> None:
    sim.place_image(noise_image(5))
    steps: list[CaptureStep] = []
    with pytest.raises(TooManyPoorTouches) as info:
        run(sensor, steps, attempts=2, timeout=5)
    error = info.value
    assert isinstance(error, NoUsableTouch) and isinstance(error, QualityError)
    assert not isinstance(error, SensorError)
    assert error.attempts == 2 and isinstance(error.feedback, CaptureFeedback)
    assert steps.count(CaptureStep.POOR_TOUCH) == 2


def test_no_finger_in_time_is_no_usable_touch(sensor: FingerprintSensor) -> None:
    steps: list[CaptureStep] = []
    with pytest.raises(CaptureTimeout) as info:
        run(sensor, steps, timeout=0.3)
    assert isinstance(info.value, NoUsableTouch) and not isinstance(info.value, SensorError)
    assert steps == [CaptureStep.PLACE_FINGER]


def test_a_silent_module_is_a_sensor_error(sim: SensorHandle, sensor: FingerprintSensor) -> None:
    sim.inject(Fault(FaultKind.SILENCE, count=None))
    with pytest.raises(SensorTimeout) as info:
        run(sensor, [], timeout=5)
    assert isinstance(info.value, SensorError) and isinstance(info.value, BiometricError)
    assert not isinstance(info.value, NoUsableTouch)
    assert info.value.instruction == Instruction.GEN_IMG


def test_cancel_during_extraction_drops_the_template(
    sim: SensorHandle, sensor: FingerprintSensor, monkeypatch: pytest.MonkeyPatch
) -> None:
    sim.place_image(GOOD)
    cancel = threading.Event()

    def extract_then_cancel(image: np.ndarray, **options: object) -> CardTemplate:
        template = make_template(image, **options)  # type: ignore[arg-type]
        cancel.set()  # the person walked away while we were extracting
        return template

    monkeypatch.setattr(template_module, "make_template", extract_then_cancel)
    steps: list[CaptureStep] = []
    with pytest.raises(CaptureCancelled) as info:
        run(sensor, steps, event=cancel, timeout=5)
    assert info.value.phase is None  # between touches, not in the sensor
    assert not isinstance(info.value, SensorError | NoUsableTouch)
    assert CaptureStep.GOT_IT not in steps


def test_cancel_after_a_poor_touch(sim: SensorHandle, sensor: FingerprintSensor) -> None:
    sim.place_image(noise_image(6))
    cancel = threading.Event()
    steps: list[CaptureStep] = []

    def on_step(step: CaptureStep) -> None:
        steps.append(step)
        if step is CaptureStep.POOR_TOUCH:
            cancel.set()

    with pytest.raises(CaptureCancelled):
        capture_template(sensor, max_count=60, order=X_ASCENDING, event=cancel,
                         on_step=on_step, attempts=3, timeout=5)
    assert steps.count(CaptureStep.POOR_TOUCH) == 1


def test_attempts_must_be_positive(sensor: FingerprintSensor) -> None:
    with pytest.raises(ValueError):
        run(sensor, [], attempts=0)
