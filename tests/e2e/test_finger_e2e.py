"""Match-on-card end to end: a pty sensor, the kiosk's extraction, pcscd, the card's matcher."""

import subprocess

import pytest

from apdu.biometric_profile import BIO_MAX_TRIES
from apdu.errors import (
    BiometricBlockedError,
    FingerNotMatchedError,
    NotVerifiedError,
    WrongPinError,
)
from apdu.pcsc import open_card
from apdu.pins import PinRef
from biometric.capture import capture_template
from biometric.compact import MinutiaeOrder
from biometric.sensor import FingerprintSensor
from simulators.enrolment import touch
from simulators.sensor import ProvidedImage
from tests.conftest import KNOWN_PINS, NIDKIOSK, REPO
from tests.e2e.conftest import wait_for_card

pytestmark = pytest.mark.slow
SEED = 90  # the holder
STRANGER = 91


def place(sensor, persona, finger=2, impression=1):
    sensor.place(ProvidedImage(touch, persona, finger, impression))


@pytest.fixture
def holder_card(reader0, cards):
    chip = cards.chip(SEED, fingers=True)
    reader0.readers[0].insert(chip)
    wait_for_card(0)
    with open_card(0) as card:
        yield card


def probe(sensor, card, reference=0x91):
    info = {i.reference: i for i in card.biometric_info()}[reference]
    with FingerprintSensor(sensor.port_path) as module:
        return capture_template(module, max_count=info.max_minutiae,
                                order=MinutiaeOrder(info.minutiae_order), timeout=5).data


def test_right_finger_opens_the_card_and_resets_a_forgotten_pin(holder_card, sensor):
    card = holder_card
    with pytest.raises(NotVerifiedError):
        card.reset_pin_by_finger(PinRef.PIN1, "975310")  # no match, no reset
    place(sensor, SEED, finger=2, impression=3)
    card.verify_finger(0x91, probe(sensor, card))
    card.reset_pin_by_finger(PinRef.PIN1, "975310")
    card.verify_pin(PinRef.PIN1, "975310")
    with pytest.raises(NotVerifiedError):
        card.reset_pin_by_finger(PinRef.PIN1, "864200")  # one reset per match


def test_wrong_fingers_spend_tries_then_block_but_pins_still_work(holder_card, sensor):
    card = holder_card
    assert card.finger_tries_left(0x91) == BIO_MAX_TRIES
    for attempt in range(BIO_MAX_TRIES):
        place(sensor, STRANGER, finger=2, impression=attempt + 1)
        template = probe(sensor, card)
        if attempt < BIO_MAX_TRIES - 1:
            with pytest.raises(FingerNotMatchedError) as wrong:
                card.verify_finger(0x91, template)
            assert wrong.value.tries_left == BIO_MAX_TRIES - 1 - attempt
        else:
            with pytest.raises(BiometricBlockedError):
                card.verify_finger(0x91, template)
    place(sensor, SEED, finger=2, impression=2)
    with pytest.raises(BiometricBlockedError):
        card.verify_finger(0x91, probe(sensor, card))  # even the right finger now
    with pytest.raises(NotVerifiedError):
        card.reset_pin_by_finger(PinRef.PIN1, "975310")
    card.verify_pin(PinRef.PIN1, KNOWN_PINS.pin1)  # PIN and PUK are untouched
    with pytest.raises(WrongPinError):
        card.verify_pin(PinRef.PIN1, "111222")
    card.unblock_pin(PinRef.PIN1, KNOWN_PINS.puk, "975310")


def test_the_other_enrolled_finger(holder_card, sensor):
    place(sensor, SEED, finger=7, impression=4)
    holder_card.verify_finger(0x92, probe(sensor, holder_card, 0x92))


def cli(*args, stdin=""):
    return subprocess.run([*NIDKIOSK, *args], input=stdin, capture_output=True, text=True,
                          cwd=REPO, timeout=120)


def test_cli_finger_verify_and_pin_reset_by_finger(holder_card, sensor):
    place(sensor, SEED, impression=5)
    ok = cli("finger", "verify", "--sensor", sensor.port_path, "--reader", "0")
    assert ok.returncode == 0, ok.stderr
    assert "Finger verified by the card." in ok.stdout and "5 tries left" in ok.stderr
    place(sensor, STRANGER, impression=5)
    no = cli("finger", "verify", "--sensor", sensor.port_path)
    assert no.returncode == 4 and "did not recognise" in no.stderr and "4 tries left" in no.stderr
    refused = cli("pin", "reset", "--which", "pin1", "--by-finger", "--sensor", sensor.port_path,
                  stdin="975310\n975310\n")
    assert refused.returncode == 4  # the stranger again: no match, no new PIN
    place(sensor, SEED, impression=6)
    reset = cli("pin", "reset", "--which", "pin1", "--by-finger", "--sensor", sensor.port_path,
                stdin="975310\n975310\n")
    assert reset.returncode == 0, reset.stderr
    holder_card.verify_pin(PinRef.PIN1, "975310")
    sensor.lift()
    nothing = cli("finger", "verify", "--sensor", sensor.port_path, "--timeout", "1")
    assert nothing.returncode == 2 and "Place your finger" in nothing.stderr


def test_cli_sim_sensor_and_place(tmp_path):
    control = tmp_path / "sensor.sock"
    server = subprocess.Popen([*NIDKIOSK, "sim", "sensor", "--control", str(control)],
                              cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline()
        assert line.startswith("sensor on /dev/pts/"), line
        port = line.split()[2].rstrip(";")
        placed = cli("sim", "finger", "place", "--persona", str(SEED), "--finger", "2",
                     "--control", str(control))
        assert placed.returncode == 0, placed.stderr
        with FingerprintSensor(port) as module:
            image = module.capture(timeout=5)
        assert image.shape == (288, 256)
        assert cli("sim", "finger", "lift", "--control", str(control)).returncode == 0
    finally:
        server.terminate()
        server.wait(timeout=10)
