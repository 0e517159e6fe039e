"""Flows against the in-process chip and the simulated sensor on a real pty (no root)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from apdu.constants import Ins
from apdu.profile import Lifecycle
from kiosk.flows.events import Event
from kiosk.flows.finger import SensorFingers
from kiosk.flows.runner import InlineRunner
from signing.ca import LocalCertificateAuthority
from simulators.card import CardStore, SimulatedChip
from simulators.card.image import CardImage
from simulators.enrolment import touch
from simulators.inprocess import InProcessReader
from simulators.sensor import ProvidedImage

HOLDER = 61  # the persona whose card and fingers the tests use
STRANGER = 62


@pytest.fixture
def reader() -> InProcessReader:
    return InProcessReader()


@dataclass
class Cards:
    """Cards for flow tests: personalized (as issued) or delivered, with the holder's fingers."""

    factory: object
    reader: InProcessReader

    def insert(self, seed: int = HOLDER, *, delivered: bool = True,
               image_hook: Callable[[object], None] | None = None) -> SimulatedChip:
        if seed not in _IMAGES:
            _IMAGES[seed] = self.factory.image(seed, fingers=True).to_json()  # type: ignore
        image = CardImage.from_json(_IMAGES[seed])
        if delivered:
            image.lifecycle = Lifecycle.ACTIVE
        if image_hook is not None:
            image_hook(image)
        chip = SimulatedChip(CardStore(image))
        self.reader.insert(chip)
        return chip


_IMAGES: dict[int, str] = {}  # personalizing with fingers takes a second: once per seed


@pytest.fixture
def card(cards, reader) -> Cards:
    return Cards(cards, reader)


@pytest.fixture
def anchors(issuer) -> list:
    return [issuer.csca]


@pytest.fixture
def runner() -> InlineRunner:
    return InlineRunner()


@pytest.fixture
def fingers(sensor) -> SensorFingers:
    return SensorFingers(sensor.port_path, timeout=3)


@pytest.fixture
def place(sensor) -> Callable[..., None]:
    def put(persona: int = HOLDER, finger: int = 2, impression: int = 1) -> None:
        sensor.place(ProvidedImage(touch, persona, finger, impression))

    return put


@pytest.fixture
def authority(tmp_path: Path) -> Iterator[LocalCertificateAuthority]:
    ca = LocalCertificateAuthority(tmp_path / "ca")
    yield ca
    ca.close()


@dataclass
class Step:
    """One step of a scripted path: something to do first (place a finger), then an event."""

    event: Event
    before: Callable[[], None] | None = None


@dataclass
class Recorder:
    """Which instructions a happy path sends to the card, in order."""

    seen: list[int] = field(default_factory=list)
    stopped: bool = False

    def attach(self, chip: SimulatedChip) -> None:
        def hook(command) -> None:  # noqa: ANN001
            if not self.stopped:
                self.seen.append(command.ins)

        chip.command_hook = hook

    def stop(self) -> None:
        """The flow ended: what the close sends is not part of the path."""
        self.stopped = True

    def occurrences(self) -> list[tuple[int, int]]:
        """(instruction, n-th occurrence) for every command sent, skipping SELECT."""
        counts: dict[int, int] = {}
        found = []
        for ins in self.seen:
            counts[ins] = counts.get(ins, 0) + 1
            if ins != Ins.SELECT:
                found.append((ins, counts[ins]))
        return found
