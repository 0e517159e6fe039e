"""The example programs that pyfingerprint and Adafruit's CircuitPython library ship,
as functions a test can call with the simulator's port.

Sources (read, not copied; same calls, same order, same branches, same results):

- pyfingerprint 1.5 (Bastian Raschke, Philipp Meisberger), ``src/files/examples/``:
  ``example_enroll.py``, ``example_search.py``, ``example_delete.py``,
  ``example_downloadimage.py``, ``example_index.py``, ``example_generaterandom.py``.
- Adafruit_CircuitPython_Fingerprint 2.2.x (ladyada, admiralmaggie; MIT),
  ``examples/fingerprint_simpletest_rpi.py`` (enroll_finger, get_fingerprint,
  get_fingerprint_detail, save_fingerprint_image and the menu's delete, reset library and
  listing) and ``examples/fingerprint_template_file_compare.py`` (enroll_save_to_file,
  fingerprint_check_file, sensor_reset).

What differs, and why it is not logic: the port is the simulator's pty instead of
``/dev/ttyUSB0``; ``input()`` answers (a position, a menu choice) are parameters; prints
become returned values or an event list; the pause the examples give a person to lift
the finger is a parameter (0 in the suite); a template "file" is bytes in memory; and
where an example ends the process (``exit``), the function returns what it would have
printed. The busy polling loops are kept as they are: the tests script the glass so each
ends, under a pytest timeout.
"""

from __future__ import annotations

import hashlib
import time

import adafruit_fingerprint
import serial
from PIL import Image
from pyfingerprint.pyfingerprint import (
    FINGERPRINT_CHARBUFFER1,
    FINGERPRINT_CHARBUFFER2,
    PyFingerprint,
)

# -- pyfingerprint ----------------------------------------------------------------------


def pyfingerprint_open(port: str, password: int = 0x00000000) -> PyFingerprint:
    """The examples' start: construct, then verifyPassword must be True."""
    f = PyFingerprint(port, 57600, 0xFFFFFFFF, password)
    if not f.verifyPassword():
        raise ValueError("The given fingerprint sensor password is wrong!")
    return f


def pyfingerprint_info(f: PyFingerprint) -> tuple[int, int]:
    """'Currently used templates: N/C', printed by every example first."""
    return f.getTemplateCount(), f.getStorageCapacity()


def pyfingerprint_enroll(f: PyFingerprint, pause: float = 0.0) -> tuple[str, int]:
    """example_enroll.py: ('exists', position) or ('enrolled', position)."""
    pyfingerprint_info(f)
    while not f.readImage():
        pass
    f.convertImage(FINGERPRINT_CHARBUFFER1)
    result = f.searchTemplate()
    position_number = result[0]
    if position_number >= 0:
        return "exists", position_number
    time.sleep(pause)  # 'Remove finger...' (2 s in the example)
    while not f.readImage():
        pass
    f.convertImage(FINGERPRINT_CHARBUFFER2)
    if f.compareCharacteristics() == 0:
        raise Exception("Fingers do not match")
    f.createTemplate()
    position_number = f.storeTemplate()
    return "enrolled", position_number


def pyfingerprint_search(f: PyFingerprint) -> tuple[int, int, str | None]:
    """example_search.py: (position, score, SHA-256 of the template) or (-1, -1, None)."""
    pyfingerprint_info(f)
    while not f.readImage():
        pass
    f.convertImage(FINGERPRINT_CHARBUFFER1)
    position_number, accuracy_score = f.searchTemplate()
    if position_number == -1:
        return -1, -1, None
    f.loadTemplate(position_number, FINGERPRINT_CHARBUFFER1)
    characterics = str(f.downloadCharacteristics(FINGERPRINT_CHARBUFFER1)).encode("utf-8")
    return position_number, accuracy_score, hashlib.sha256(characterics).hexdigest()


def pyfingerprint_delete(f: PyFingerprint, position_number: int) -> bool:
    """example_delete.py, with the position the example asks for."""
    pyfingerprint_info(f)
    return f.deleteTemplate(position_number) is True


def pyfingerprint_download_image(f: PyFingerprint, destination: str) -> None:
    """example_downloadimage.py, saving where the test says."""
    pyfingerprint_info(f)
    while not f.readImage():
        pass
    f.downloadImage(destination)


def pyfingerprint_index(f: PyFingerprint, page: int) -> list[bool]:
    """example_index.py, with the page the example asks for."""
    pyfingerprint_info(f)
    return f.getTemplateIndex(page)


def pyfingerprint_random(f: PyFingerprint) -> int:
    """example_generaterandom.py."""
    return f.generateRandomNumber()


# -- Adafruit CircuitPython ---------------------------------------------------------------


def adafruit_open(port: str) -> adafruit_fingerprint.Adafruit_Fingerprint:
    """The examples' start: a pyserial UART at 57600 with a 1 s timeout."""
    uart = serial.Serial(port, baudrate=57600, timeout=1)
    return adafruit_fingerprint.Adafruit_Fingerprint(uart)


Sensor = adafruit_fingerprint.Adafruit_Fingerprint


def adafruit_listing(finger: Sensor) -> tuple[list[int], int, int]:
    """The top of the simpletest menu: templates, their count, the library size."""
    if finger.read_templates() != adafruit_fingerprint.OK:
        raise RuntimeError("Failed to read templates")
    if finger.count_templates() != adafruit_fingerprint.OK:
        raise RuntimeError("Failed to read templates")
    if finger.read_sysparam() != adafruit_fingerprint.OK:
        raise RuntimeError("Failed to get system parameters")
    return list(finger.templates), finger.template_count, finger.library_size


def _enroll_two_touches(finger: adafruit_fingerprint.Adafruit_Fingerprint, pause: float,
                        events: list[str]) -> bool:
    """The two touches of enroll_finger / enroll_save_to_file, up to create_model."""
    for fingerimg in range(1, 3):
        while True:
            i = finger.get_image()
            if i == adafruit_fingerprint.OK:
                events.append("Image taken")
                break
            if i == adafruit_fingerprint.NOFINGER:
                continue
            if i == adafruit_fingerprint.IMAGEFAIL:
                events.append("Imaging error")
                return False
            events.append("Other error")
            return False
        i = finger.image_2_tz(fingerimg)
        if i == adafruit_fingerprint.OK:
            events.append("Templated")
        else:
            events.append({adafruit_fingerprint.IMAGEMESS: "Image too messy",
                           adafruit_fingerprint.FEATUREFAIL: "Could not identify features",
                           adafruit_fingerprint.INVALIDIMAGE: "Image invalid"}.get(
                               i, "Other error"))
            return False
        if fingerimg == 1:
            events.append("Remove finger")
            time.sleep(pause)  # 1 s in the simpletest
            while i != adafruit_fingerprint.NOFINGER:
                i = finger.get_image()
    i = finger.create_model()
    if i == adafruit_fingerprint.OK:
        events.append("Created")
        return True
    events.append("Prints did not match" if i == adafruit_fingerprint.ENROLLMISMATCH
                  else "Other error")
    return False


def adafruit_enroll_finger(finger: adafruit_fingerprint.Adafruit_Fingerprint, location: int,
                           pause: float = 0.0) -> list[str]:
    """simpletest's enroll_finger(location): what it printed, 'Stored' last on success."""
    events: list[str] = []
    if not _enroll_two_touches(finger, pause, events):
        return events
    i = finger.store_model(location)
    if i == adafruit_fingerprint.OK:
        events.append("Stored")
    elif i == adafruit_fingerprint.BADLOCATION:
        events.append("Bad storage location")
    elif i == adafruit_fingerprint.FLASHERR:
        events.append("Flash storage error")
    else:
        events.append("Other error")
    return events


def adafruit_get_fingerprint(finger: adafruit_fingerprint.Adafruit_Fingerprint) -> bool:
    """simpletest's get_fingerprint: image, template, Search (finger_id, confidence set)."""
    while finger.get_image() != adafruit_fingerprint.OK:
        pass
    if finger.image_2_tz(1) != adafruit_fingerprint.OK:
        return False
    return finger.finger_search() == adafruit_fingerprint.OK


def adafruit_get_fingerprint_detail(finger: adafruit_fingerprint.Adafruit_Fingerprint) -> str:
    """simpletest's get_fingerprint_detail (one GenImg, HighSpeedSearch): its last word."""
    i = finger.get_image()
    if i != adafruit_fingerprint.OK:
        return {adafruit_fingerprint.NOFINGER: "No finger detected",
                adafruit_fingerprint.IMAGEFAIL: "Imaging error"}.get(i, "Other error")
    i = finger.image_2_tz(1)
    if i != adafruit_fingerprint.OK:
        return {adafruit_fingerprint.IMAGEMESS: "Image too messy",
                adafruit_fingerprint.FEATUREFAIL: "Could not identify features",
                adafruit_fingerprint.INVALIDIMAGE: "Image invalid"}.get(i, "Other error")
    i = finger.finger_fast_search()
    if i == adafruit_fingerprint.OK:
        return "Found fingerprint!"
    return "No match found" if i == adafruit_fingerprint.NOTFOUND else "Other error"


def adafruit_delete(finger: adafruit_fingerprint.Adafruit_Fingerprint, location: int) -> bool:
    """The menu's 'd': delete_model(location) == OK ('Deleted!')."""
    return finger.delete_model(location) == adafruit_fingerprint.OK


def adafruit_reset_library(finger: adafruit_fingerprint.Adafruit_Fingerprint) -> bool:
    """The menu's 'r': empty_library() == OK ('Library empty!')."""
    return finger.empty_library() == adafruit_fingerprint.OK


def adafruit_save_fingerprint_image(finger: adafruit_fingerprint.Adafruit_Fingerprint,
                                    filename: str) -> bool:
    """simpletest's save_fingerprint_image: UpImage unpacked pixel by pixel into PIL."""
    while finger.get_image():
        pass
    img = Image.new("L", (256, 288), "white")
    pixeldata = img.load()
    mask = 0b00001111
    result = finger.get_fpdata(sensorbuffer="image")
    x = 0
    y = 0
    for i in range(len(result)):
        pixeldata[x, y] = (int(result[i]) >> 4) * 17
        x += 1
        pixeldata[x, y] = (int(result[i]) & mask) * 17
        if x == 255:
            x = 0
            y += 1
        else:
            x += 1
    return not img.save(filename)


def adafruit_enroll_save_to_file(finger: adafruit_fingerprint.Adafruit_Fingerprint,
                                 pause: float = 0.0) -> bytes | None:
    """template_file_compare's enroll_save_to_file: the template UpChar gives (the file)."""
    finger.set_led(color=3, mode=1)
    events: list[str] = []
    if not _enroll_two_touches(finger, pause, events):
        finger.set_led(color=1, mode=2, speed=20, cycles=10)
        return None
    data = finger.get_fpdata("char", 1)
    finger.set_led(color=2, speed=150, mode=6)
    return bytes(bytearray(data))


def adafruit_check_file(finger: adafruit_fingerprint.Adafruit_Fingerprint,
                        template: bytes) -> str:
    """template_file_compare's fingerprint_check_file, the template from the 'file'."""
    finger.set_led(color=3, mode=1)
    while finger.get_image() != adafruit_fingerprint.OK:
        pass
    if finger.image_2_tz(1) != adafruit_fingerprint.OK:
        return "Templating failed"
    finger.send_fpdata(list(template), "char", 2)
    i = finger.compare_templates()
    if i == adafruit_fingerprint.OK:
        finger.set_led(color=2, speed=150, mode=6)
        return "Fingerprint match template in file."
    if i == adafruit_fingerprint.NOMATCH:
        finger.set_led(color=1, mode=2, speed=20, cycles=10)
        return "Templates do not match!"
    return "Other error!"
