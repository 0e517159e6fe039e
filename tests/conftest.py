"""Suite-wide set-up that needs no privileges: a private home, the test issuer, cards.

Everything here runs as any user. The end-to-end tests through a real pcscd live in
``tests/e2e``, whose conftest enters private namespaces (that part needs root).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import pytest

from simulators.card import CardStore, SimulatedChip
from simulators.enrolment import enrol_persona
from simulators.issuer import CSCA_FILE, IssuerPki
from simulators.personalize import PinLetter, personalize
from simulators.personas import generate_persona

REPO = Path(__file__).resolve().parent.parent
NIDKIOSK = [sys.executable, "-m", "kiosk"]
KNOWN_PINS = PinLetter("246810", "13579024")  # the PIN letter of every test card


def pytest_configure(config: pytest.Config) -> None:
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
def sensor(home: Path):
    """A simulated fingerprint module on a real pty; persona fingers come from the
    synthetic-finger generator."""
    from simulators.enrolment import touch
    from simulators.sensor import run_sensor

    (home / "run").mkdir(parents=True, exist_ok=True)
    handle = run_sensor(str(home / "run" / "sim-sensor.sock"),
                        persona_provider=lambda seed, finger, impression: touch(
                            seed, finger, impression))
    yield handle
    handle.stop()


@pytest.fixture(scope="session")
def scratch_postgres():
    """A private PostgreSQL server for the session (initdb and pg_ctl as the postgres user,
    a Unix socket under /tmp, no TCP port), stopped at the end. If it cannot start, every
    test that needs it FAILS with the server's log: never a silent skip."""
    from registry.storage.scratch_postgres import ScratchPostgres, ScratchServerError

    try:
        server = ScratchPostgres.start()
    except ScratchServerError as exc:
        pytest.fail(f"the scratch PostgreSQL server did not start: {exc}", pytrace=False)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def receipt_font() -> Path:
    """Vazirmatn for the printed receipts, fetched pinned from npm if not yet here."""
    sys.path.insert(0, str(REPO / "tools"))
    try:
        import fetch_vazirmatn
    finally:
        sys.path.pop(0)
    return fetch_vazirmatn.fetch(fetch_vazirmatn.default_dir())
