"""What the kiosk's flows run against: a card reader with its insert/remove events, the
fingerprint sensor, the trust anchors and the certificate authority.

Two backends. :class:`PcscBackend` is the product: cards through pcscd
(``apdu.pcsc.open_card``), events from ``apdu.events.CardMonitor``, the sensor on a
serial port. :class:`SimulatorRig` is for tests, the developer panel and ``make run``:
the simulated chip in an in-process reader (its events raised as the developer inserts
and removes cards), and the simulated UART sensor on a real pseudo-terminal. Events are
delivered on whatever thread raises them; the app hands them to the Kivy clock.
"""

from __future__ import annotations

import logging
import shutil
import threading
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from cryptography import x509

from apdu.client import NidCard
from apdu.profile import Lifecycle
from kiosk import paths
from kiosk.flows.finger import FingerSource, SensorFingers

logger = logging.getLogger("nidkiosk.ui")

CardListener = Callable[[bool], None]  # True: a card came in; False: it left


@dataclass
class Backend:
    """Everything a flow of the kiosk needs, and the card events."""

    open_card: Callable[[], NidCard]
    fingers: FingerSource
    trust_anchors: list[x509.Certificate]
    ca_dir: Path
    journal_dir: Path

    def watch(self, listener: CardListener) -> None:
        raise NotImplementedError

    def card_present(self) -> bool:
        raise NotImplementedError

    def close(self) -> None:
        """Stop watching and release devices."""


class PcscBackend(Backend):
    """The product: PC/SC readers through pcscd, a UART fingerprint module."""

    def __init__(self, trust_anchors: list[x509.Certificate], sensor_port: str,
                 reader: str | None = None) -> None:
        from apdu.pcsc import open_card

        super().__init__(lambda: open_card(reader), SensorFingers(sensor_port), trust_anchors,
                         paths.ca_dir(), paths.run_dir() / "activations")
        self._reader = reader
        self._monitor: object | None = None
        self._present = False

    def watch(self, listener: CardListener) -> None:
        from apdu.events import CardEvent, CardEventKind, CardMonitor

        def on_event(event: CardEvent) -> None:
            if self._reader is not None and self._reader not in event.reader:
                return
            if event.kind is CardEventKind.INSERTED:
                self._present = True
                listener(True)
            elif event.kind in (CardEventKind.REMOVED, CardEventKind.READER_REMOVED):
                if self._present:
                    self._present = False
                    listener(False)

        self._monitor = CardMonitor(on_event).start()

    def card_present(self) -> bool:
        return self._present

    def close(self) -> None:
        if self._monitor is not None:
            self._monitor.stop()  # type: ignore[attr-defined]
            self._monitor = None


class SimCard(Enum):
    """The cards the developer panel can insert."""

    HOLDER = "holder"  # delivered and active: every citizen service
    NEW = "new"  # issued, waiting for its hand-over at the office
    FORGED = "forged"  # the holder's card with its data edited after signing
    CLONE = "clone"  # the holder's files copied onto another chip


class SimFinger(Enum):
    HOLDER = "holder"  # the holder's right index finger, a fresh touch each time
    STRANGER = "stranger"  # someone else's finger
    POOR = "poor"  # a touch the module cannot image well
    LIFT = "lift"  # nothing on the glass


HOLDER_SEED = 1402
NEW_SEED = 1403
STRANGER_SEED = 777
SIM_PIN1, SIM_PUK = "246810", "13579024"  # the simulated cards' PIN letter (docs/kiosk.md)


class SimulatorRig(Backend):
    """The simulated card in an in-process reader and the simulated sensor on a pty.

    Cards are personalized once (with enrolled fingers; about a second each, done in the
    background from :meth:`prepare`) and each kind keeps its chip, so a PIN changed in one
    session is the PIN of the next.
    """

    def __init__(self, home: Path | None = None) -> None:
        from simulators.enrolment import touch
        from simulators.inprocess import InProcessReader
        from simulators.issuer import CSCA_FILE, IssuerPki
        from simulators.sensor import run_sensor

        self.home = home or paths.home()
        self.pki = IssuerPki.load_or_create(paths.issuer_dir())
        trust = paths.trust_dir()
        trust.mkdir(parents=True, exist_ok=True)
        anchor = trust / "nidkiosk-test-csca.pem"
        if not anchor.exists():
            shutil.copyfile(paths.issuer_dir() / CSCA_FILE, anchor)
        self.reader = InProcessReader("Simulated reader")
        paths.run_dir().mkdir(parents=True, exist_ok=True)
        self.sensor = run_sensor(None, persona_provider=lambda seed, finger, impression: touch(
            seed, finger, impression))
        super().__init__(self.reader.open, SensorFingers(self.sensor.port_path, timeout=15.0),
                         [self.pki.csca], paths.ca_dir(), paths.run_dir() / "activations")
        self._listeners: list[CardListener] = []
        self._chips: dict[SimCard, object] = {}
        self._images: dict[int, str] = {}
        self._lock = threading.Lock()
        self._touches = 0
        self._preparing: threading.Thread | None = None
        self._closed = False
        self.inserted: SimCard | None = None

    # -- cards ----------------------------------------------------------------------
    def prepare(self) -> threading.Thread:
        """Personalize the simulated cards in the background (the first insert waits)."""
        thread = threading.Thread(target=self._prepare_images, name="sim-cards", daemon=True)
        self._preparing = thread
        thread.start()
        return thread

    def _prepare_images(self) -> None:
        for seed in (HOLDER_SEED, NEW_SEED):
            if self._closed:
                return
            self._image(seed)

    def _image(self, seed: int):  # noqa: ANN202 - a CardImage
        from simulators.card.image import CardImage
        from simulators.enrolment import enrol_persona
        from simulators.personalize import PinLetter, personalize
        from simulators.personas import generate_persona

        with self._lock:
            if seed not in self._images:
                persona = generate_persona(seed)
                image = personalize(persona.identity, persona.address, persona.photo_jpeg,
                                    self.pki, label=f"persona {seed}",
                                    pins=PinLetter(SIM_PIN1, SIM_PUK),
                                    fingers=enrol_persona(seed))
                self._images[seed] = image.to_json()
            return CardImage.from_json(self._images[seed])

    def chip(self, card: SimCard):  # noqa: ANN201 - a SimulatedChip
        from simulators.card import CardStore, SimulatedChip
        from simulators.forgery import Forgery, forge

        if card not in self._chips:
            if card is SimCard.NEW:
                image = self._image(NEW_SEED)
            else:
                image = self._image(HOLDER_SEED)
                image.lifecycle = Lifecycle.ACTIVE
                if card is SimCard.FORGED:
                    image = forge(image, Forgery.DATA_TAMPERED, self.pki)
                elif card is SimCard.CLONE:
                    image = forge(image, Forgery.CLONED_CHIP, self.pki)
            self._chips[card] = SimulatedChip(CardStore(image))
        return self._chips[card]

    def insert(self, card: SimCard) -> None:
        chip = self.chip(card)
        if self.reader.chip is not None:
            self.remove()
        self.reader.insert(chip)  # type: ignore[arg-type]
        self.inserted = card
        self._notify(True)

    def remove(self) -> None:
        if self.reader.chip is None:
            return
        self.reader.remove()
        self.inserted = None
        self._notify(False)

    def reset_card(self, card: SimCard) -> None:
        """Forget a kind's chip: the next insert is a card as issued."""
        self._chips.pop(card, None)

    def watch(self, listener: CardListener) -> None:
        self._listeners.append(listener)

    def card_present(self) -> bool:
        return self.reader.chip is not None

    def _notify(self, present: bool) -> None:
        for listener in list(self._listeners):
            listener(present)

    # -- fingers --------------------------------------------------------------------
    def place(self, finger: SimFinger) -> None:
        from simulators.enrolment import touch
        from simulators.sensor import ProvidedImage

        self._touches += 1
        if finger is SimFinger.HOLDER:  # the holder of the card in the reader
            seed = NEW_SEED if self.inserted is SimCard.NEW else HOLDER_SEED
            self.sensor.place(ProvidedImage(touch, seed, 2, self._touches))
        elif finger is SimFinger.STRANGER:
            self.sensor.place(ProvidedImage(touch, STRANGER_SEED, 2, self._touches))
        elif finger is SimFinger.POOR:
            self.sensor.poor()
        else:
            self.sensor.lift()

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._listeners.clear()
        if self._preparing is not None:
            self._preparing.join(timeout=30)  # it holds the rig until its card is made
        self.sensor.stop()
