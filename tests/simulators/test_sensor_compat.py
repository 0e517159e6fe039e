"""The two Python host libraries for these modules, unchanged, against the simulator.

pyfingerprint and Adafruit's CircuitPython library (on CPython through Adafruit-Blinka)
open the simulator's pty with pyserial as they would a USB adapter, and run their own
example programs (``tests/simulators/upstream_examples.py``, which says where each
comes from): enrol a finger into the module's library, search for it, delete it, download
the image, read the system parameters, plus the index, random numbers, template files,
LEDs and a soft reset. No mocks: real pty, real libraries, real matcher.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from biometric.matcher import MATCH_THRESHOLD
from biometric.sensor.image import quantize
from simulators.enrolment import touch
from simulators.sensor import (
    FaultKind,
    LedSupport,
    ModuleConfig,
    NoFinger,
    SensorHandle,
    StaticImage,
    TouchSequence,
    run_sensor,
)
from simulators.sensor.faults import Fault
from tests.simulators import upstream_examples as ex

pytestmark = pytest.mark.timeout(120)  # the examples poll GenImg without a bound

PERSON, STRANGER, FINGER = 7, 8, 2


@functools.cache
def impression(seed: int, number: int) -> np.ndarray:
    """One touch of the right index of persona ``seed`` (rendered once per session)."""
    return touch(seed, FINGER, number)


def finger(seed: int, number: int) -> StaticImage:
    return StaticImage(impression(seed, number), label=f"persona {seed} touch {number}")


@pytest.fixture
def sim(tmp_path: Path) -> Iterator[SensorHandle]:
    with run_sensor(config=ModuleConfig(led=LedSupport.AURA),
                    flash_path=tmp_path / "flash.json") as handle:
        yield handle


# -- pyfingerprint --------------------------------------------------------------------------


def test_pyfingerprint_examples_enrol_search_index_delete(sim: SensorHandle) -> None:
    f = ex.pyfingerprint_open(sim.port_path)
    assert ex.pyfingerprint_info(f) == (0, 200)

    sim.place(TouchSequence([finger(PERSON, 1), finger(PERSON, 2)]))
    assert ex.pyfingerprint_enroll(f) == ("enrolled", 0)
    assert ex.pyfingerprint_info(f) == (1, 200)
    assert sorted(sim.module.flash.library) == [0]

    sim.place(finger(PERSON, 1))  # enrolling the same finger again: the example refuses
    assert ex.pyfingerprint_enroll(f) == ("exists", 0)

    sim.place(finger(PERSON, 3))  # a later touch of the same finger
    position, score, digest = ex.pyfingerprint_search(f)
    assert position == 0 and score >= MATCH_THRESHOLD and digest is not None
    sim.place(finger(STRANGER, 1))
    assert ex.pyfingerprint_search(f) == (-1, -1, None)

    index = ex.pyfingerprint_index(f, 0)
    assert len(index) == 256 and index[0] and not any(index[1:])

    assert ex.pyfingerprint_delete(f, 0)
    assert ex.pyfingerprint_info(f) == (0, 200)
    sim.place(finger(PERSON, 3))
    assert ex.pyfingerprint_search(f)[0] == -1
    del f


def test_pyfingerprint_download_image_and_system_parameters(
    sim: SensorHandle, tmp_path: Path
) -> None:
    f = ex.pyfingerprint_open(sim.port_path)
    image = impression(PERSON, 1)
    sim.place(StaticImage(image))
    destination = tmp_path / "fingerprint.bmp"
    ex.pyfingerprint_download_image(f, str(destination))
    saved = np.asarray(Image.open(destination))
    assert np.array_equal(saved, quantize(image))  # bit-exact after the 4-bit upload

    status, system_id, capacity, level, address, size_code, baud_n = f.getSystemParameters()
    assert (system_id, capacity, level, address, size_code, baud_n) == (
        0x0009, 200, 3, 0xFFFFFFFF, 2, 6)
    assert status & 0x8  # ImgBufStat: the image is still in the buffer
    assert 0 <= ex.pyfingerprint_random(f) <= 0xFFFFFFFF
    f.setSecurityLevel(5)
    f.setMaxPacketSize(32)
    assert (f.getSecurityLevel(), f.getMaxPacketSize()) == (5, 32)
    ex.pyfingerprint_download_image(f, str(destination))  # now in 1,152 packets
    assert np.array_equal(np.asarray(Image.open(destination)), quantize(image))
    del f


def test_pyfingerprint_characteristics_round_trip_and_compare(sim: SensorHandle) -> None:
    f = ex.pyfingerprint_open(sim.port_path)
    sim.place(finger(PERSON, 1))
    assert f.readImage()
    f.convertImage(0x01)
    first = f.downloadCharacteristics(0x01)  # UpChar
    assert len(first) == 512
    # uploadCharacteristics (DownChar) reads the buffer back and compares, byte for byte
    assert f.uploadCharacteristics(0x02, first) is True
    assert f.compareCharacteristics() > 0
    sim.place(finger(STRANGER, 1))
    assert f.readImage()
    f.convertImage(0x02)
    assert f.compareCharacteristics() == 0
    garbage = list(range(256)) * 2  # any 512 bytes travel unchanged, and match nothing
    assert f.uploadCharacteristics(0x02, garbage) is True
    assert f.compareCharacteristics() == 0
    del f


def test_pyfingerprint_password_address_and_the_verify_first_error(sim: SensorHandle) -> None:
    f = ex.pyfingerprint_open(sim.port_path)
    assert f.setPassword(0x11223344)
    del f
    sim.module.state.power_on()  # a power cycle: the new password is in flash
    from pyfingerprint.pyfingerprint import PyFingerprint

    locked = PyFingerprint(sim.port_path, 57600, 0xFFFFFFFF, 0x11223344)
    with pytest.raises(Exception, match="0x21"):  # verify first
        locked.getTemplateCount()
    assert locked.verifyPassword()
    assert locked.getTemplateCount() == 0
    assert locked.setAddress(0x0000BEEF)  # the acknowledgement comes from the new address
    assert locked.getSystemParameters()[4] == 0x0000BEEF
    assert sim.module.address == 0x0000BEEF
    del locked
    wrong = PyFingerprint(sim.port_path, 57600, 0xFFFFFFFF, 0x11223344)
    wrong._PyFingerprint__serial.timeout = 0.05  # the silence of the real module, sooner
    with pytest.raises(Exception, match="header"):
        wrong.verifyPassword()
    assert sim.module.ignored >= 1  # counted, and warned about on the simulator's log
    del wrong


# -- Adafruit CircuitPython ---------------------------------------------------------------


def test_adafruit_simpletest_enrol_find_delete_reset(sim: SensorHandle) -> None:
    finger_ = ex.adafruit_open(sim.port_path)
    assert ex.adafruit_listing(finger_) == ([], 0, 200)
    sim.place(TouchSequence([finger(PERSON, 1), NoFinger(), finger(PERSON, 2)]))
    events = ex.adafruit_enroll_finger(finger_, 5)
    assert events == ["Image taken", "Templated", "Remove finger", "Image taken", "Templated",
                      "Created", "Stored"]
    assert ex.adafruit_listing(finger_) == ([5], 1, 200)

    sim.place(finger(PERSON, 3))
    assert ex.adafruit_get_fingerprint(finger_)
    assert finger_.finger_id == 5 and finger_.confidence >= MATCH_THRESHOLD
    assert ex.adafruit_get_fingerprint_detail(finger_) == "Found fingerprint!"
    sim.place(finger(STRANGER, 1))
    assert not ex.adafruit_get_fingerprint(finger_)
    assert ex.adafruit_get_fingerprint_detail(finger_) == "No match found"
    sim.lift()
    assert ex.adafruit_get_fingerprint_detail(finger_) == "No finger detected"

    assert ex.adafruit_delete(finger_, 5)
    assert ex.adafruit_listing(finger_) == ([], 0, 200)
    sim.place(TouchSequence([finger(PERSON, 1), NoFinger(), finger(PERSON, 2)]))
    assert ex.adafruit_enroll_finger(finger_, 7)[-1] == "Stored"
    sim.place(TouchSequence([finger(PERSON, 1), NoFinger(), finger(STRANGER, 1)]))
    assert ex.adafruit_enroll_finger(finger_, 8)[-1] == "Prints did not match"
    sim.place(TouchSequence([finger(PERSON, 1), NoFinger(), finger(PERSON, 2)]))
    assert ex.adafruit_enroll_finger(finger_, 200)[-1] == "Bad storage location"
    assert ex.adafruit_reset_library(finger_)
    assert ex.adafruit_listing(finger_) == ([], 0, 200)
    finger_.close_uart()


def test_adafruit_image_template_file_led_and_reset(sim: SensorHandle, tmp_path: Path) -> None:
    finger_ = ex.adafruit_open(sim.port_path)
    image = impression(PERSON, 2)
    sim.place(StaticImage(image))
    target = tmp_path / "fingerprint.png"
    assert ex.adafruit_save_fingerprint_image(finger_, str(target))
    assert np.array_equal(np.asarray(Image.open(target)), quantize(image))

    sim.place(TouchSequence([finger(PERSON, 1), NoFinger(), finger(PERSON, 2)]))
    template = ex.adafruit_enroll_save_to_file(finger_)
    assert template is not None and len(template) == 512
    assert (sim.module.led.control, sim.module.led.color) == (6, 2)  # blue, fading out
    sim.place(finger(PERSON, 3))
    assert ex.adafruit_check_file(finger_, template) == "Fingerprint match template in file."
    sim.place(finger(STRANGER, 1))
    assert ex.adafruit_check_file(finger_, template) == "Templates do not match!"
    assert sim.module.led.color == 1  # red, flashing

    assert finger_.check_module()  # GetEcho: 0x55
    finger_.soft_reset()  # reads the acknowledgement, then the 0x55 ready byte
    assert sim.module.state.resets == 1 and sim.module.led.on is False
    assert finger_.read_sysparam() == 0 and finger_.library_size == 200
    finger_.close_uart()


def test_adafruit_sees_injected_refusals_as_the_module_answers(sim: SensorHandle) -> None:
    finger_ = ex.adafruit_open(sim.port_path)
    sim.inject(Fault(FaultKind.REFUSE, instruction=0x06, code=0x18))  # Store: flash error
    sim.place(TouchSequence([finger(PERSON, 1), NoFinger(), finger(PERSON, 2)]))
    assert ex.adafruit_enroll_finger(finger_, 3)[-1] == "Flash storage error"
    assert sim.module.flash.library == {}
    sim.inject(Fault(FaultKind.REFUSE, instruction=0x1D, code=0x01))  # TemplateNum
    assert finger_.count_templates() == 0x01  # still 14 bytes: a fixed-format answer
    finger_.close_uart()
