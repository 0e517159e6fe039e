"""Suite-wide set-up: the whole run lives in private namespaces with its own pcscd.

Entering the namespaces happens in ``pytest_configure``, in the main thread before
any other thread exists (``unshare`` of the mount namespace needs that). From then
on this process, and every subprocess it starts, sees an empty /run/pcscd and a
network with only loopback: nothing here touches a pcscd the machine runs, and no
reader port is reachable from outside.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from apdu.pcsc import list_readers
from simulators.card import CardStore, SimulatedChip
from simulators.enrolment import enrol_persona
from simulators.issuer import CSCA_FILE, IssuerPki
from simulators.pcscd import PcscdProcess, enter_private_namespaces
from simulators.personalize import PinLetter, personalize
from simulators.personas import generate_persona
from simulators.service import CardSimulator
from simulators.vpcd import VirtualReaders

REPO = Path(__file__).resolve().parent.parent
NIDKIOSK = [sys.executable, "-m", "kiosk"]
KNOWN_PINS = PinLetter("246810", "13579024")  # the PIN letter of every test card


def pytest_configure(config: pytest.Config) -> None:
    if os.geteuid() != 0:
        raise pytest.UsageError(
            "the suite runs its own pcscd in private namespaces and needs root "
            "(CI runs as root; locally: sudo make test)"
        )
    enter_private_namespaces()
    home = Path(tempfile.mkdtemp(prefix="nidkiosk-test-home-"))
    os.environ["NIDKIOSK_HOME"] = str(home)


@pytest.fixture(scope="session")
def home() -> Path:
    return Path(os.environ["NIDKIOSK_HOME"])


@pytest.fixture(scope="session")
def issuer(home: Path) -> IssuerPki:
    """The test issuer, saved where the CLI looks, with its CSCA as the trust anchor."""
    pki = IssuerPki.load_or_create(home / "issuer")
    trust = home / "trust"
    trust.mkdir(exist_ok=True)
    (trust / "csca.pem").write_bytes((home / "issuer" / CSCA_FILE).read_bytes())
    return pki


class CardFactory:
    """Personalized card images from persona seeds, as files and as live chips."""

    def __init__(self, issuer: IssuerPki, directory: Path) -> None:
        self.issuer = issuer
        self.directory = directory

    def image(self, seed: int = 1, pins: PinLetter | None = None,  # noqa: ANN201
              fingers: bool = False):
        persona = generate_persona(seed)
        return personalize(persona.identity, persona.address, persona.photo_jpeg, self.issuer,
                           label=f"persona {seed}", pins=pins or KNOWN_PINS,
                           fingers=enrol_persona(seed) if fingers else None)

    def file(self, seed: int = 1, image=None) -> Path:  # noqa: ANN001
        path = self.directory / f"card-{seed}-{time.monotonic_ns()}.json"
        path.write_text((image or self.image(seed)).to_json(), encoding="utf-8")
        return path

    def chip(self, seed: int = 1, image=None, persistent: bool = True,  # noqa: ANN001
             fingers: bool = False) -> SimulatedChip:
        image = image or self.image(seed, fingers=fingers)
        if persistent:
            return SimulatedChip(CardStore.open(self.file(seed, image)))
        return SimulatedChip(CardStore(image))


@pytest.fixture(scope="session")
def cards(issuer: IssuerPki, tmp_path_factory: pytest.TempPathFactory) -> CardFactory:
    return CardFactory(issuer, tmp_path_factory.mktemp("cards"))


@pytest.fixture(scope="session")
def pcscd() -> Iterator[PcscdProcess]:
    daemon = PcscdProcess.start()
    yield daemon
    daemon.stop()


@pytest.fixture(scope="session")
def simulator(pcscd: PcscdProcess, home: Path) -> Iterator[CardSimulator]:
    """Both virtual readers, driven in-process, with the control socket the CLI uses."""
    sim = CardSimulator(VirtualReaders(), home / "run" / "sim-card.sock")
    yield sim
    sim.stop()


def wait_for_card(reader_index: int, present: bool = True, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        readers = list_readers()
        if len(readers) > reader_index and readers[reader_index][1] == present:
            return
        time.sleep(0.02)
    raise AssertionError(f"reader {reader_index} did not become {'full' if present else 'empty'}")


@pytest.fixture
def reader0(simulator: CardSimulator) -> Iterator[CardSimulator]:
    """Slot 0 emptied after the test, whatever it inserted."""
    yield simulator
    for index in range(2):
        simulator.remove(index)
    for index in range(2):
        wait_for_card(index, present=False)


@pytest.fixture(scope="session")
def sensor(home: Path):
    """A simulated fingerprint module on a real pty; persona fingers come from the
    synthetic-finger generator."""
    from simulators.enrolment import touch
    from simulators.sensor import run_sensor

    handle = run_sensor(str(home / "run" / "sim-sensor.sock"),
                        persona_provider=lambda seed, finger, impression: touch(
                            seed, finger, impression))
    yield handle
    handle.stop()
