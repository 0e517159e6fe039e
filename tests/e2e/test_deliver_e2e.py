"""Delivery at the office through pcscd: genuine card, the holder's finger on the card,
activation, the holder's own PIN1; and every refusal on the way."""

import subprocess

import pytest

from apdu.profile import Lifecycle
from simulators.enrolment import touch
from simulators.forgery import Forgery, forge
from simulators.sensor import ProvidedImage
from tests.conftest import NIDKIOSK, REPO
from tests.e2e.conftest import wait_for_card

pytestmark = pytest.mark.slow
SEED, STRANGER = 93, 94
PIN1 = "975310"


def cli(*args, stdin=""):
    return subprocess.run([*NIDKIOSK, *args], input=stdin, capture_output=True, text=True,
                          cwd=REPO, timeout=120)


def insert(reader0, chip):
    if reader0.readers[0].chip is not None:  # swap: let PC/SC see the card leave first
        reader0.readers[0].remove()
        wait_for_card(0, present=False)
    reader0.readers[0].insert(chip)
    wait_for_card(0)
    return chip


def test_deliver_then_the_holder_uses_the_new_pin(reader0, cards, sensor):
    chip = insert(reader0, cards.chip(SEED, fingers=True))
    sensor.place(ProvidedImage(touch, STRANGER, 2, 1))
    refused = cli("deliver", "--sensor", sensor.port_path, "--reader", "0",
                  stdin=f"{PIN1}\n{PIN1}\n")
    assert refused.returncode == 4 and "did not recognise" in refused.stderr
    assert chip.image.lifecycle is Lifecycle.PERSONALIZED
    sensor.place(ProvidedImage(touch, SEED, 2, 2))
    done = cli("deliver", "--sensor", sensor.port_path, "--reader", "0",
               stdin=f"{PIN1}\n{PIN1}\n")
    assert done.returncode == 0, done.stderr
    assert "delivered" in done.stdout and "Place your finger" in done.stderr
    assert chip.image.lifecycle is Lifecycle.ACTIVE
    again = cli("deliver", "--sensor", sensor.port_path, stdin=f"{PIN1}\n{PIN1}\n")
    assert again.returncode == 3 and "already been delivered" in again.stderr
    changed = cli("pin", "change", "--which", "pin1", stdin=f"{PIN1}\n864297\n864297\n")
    assert changed.returncode == 0, changed.stderr


def test_deliver_refuses_a_clone_and_another_applicants_card(reader0, cards, issuer, sensor):
    insert(reader0, cards.chip(image=forge(cards.image(SEED), Forgery.CLONED_CHIP, issuer)))
    clone = cli("deliver", "--sensor", sensor.port_path, stdin=f"{PIN1}\n{PIN1}\n")
    assert clone.returncode == 4 and "copy" in clone.stdout
    chip = insert(reader0, cards.chip(SEED, fingers=True))
    other = cli("deliver", "--sensor", sensor.port_path, "--national-code", "0499370899",
                stdin=f"{PIN1}\n{PIN1}\n")
    assert other.returncode == 4 and "not the card of this applicant" in other.stderr
    assert chip.image.lifecycle is Lifecycle.PERSONALIZED
    bad = cli("deliver", "--sensor", sensor.port_path, "--national-code", "1234567890")
    assert bad.returncode == 2 and "check digit" in bad.stderr
