"""What the kiosk's flows run against: a card reader with its insert/remove events, the
fingerprint sensor, the trust anchors and the certificate authority; in office mode the
camera, and where an issued card goes.

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
from registry.cards import ProducedCard
from registry.photo import Camera

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
    camera: Camera | None = None  # the office's camera (office mode's photo)

    def watch(self, listener: CardListener) -> None:
        raise NotImplementedError

    def receive_card(self, card: ProducedCard) -> None:
        """The factory made a card for an applicant of this office. A real one ships
        plastic: nothing to do here. (The simulator keeps it to insert.)"""

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
    ISSUED = "issued"  # the card office mode had the simulated factory make


class SimFinger(Enum):
    HOLDER = "holder"  # the holder's right index finger, a fresh touch each time
    STRANGER = "stranger"  # someone else's finger
    POOR = "poor"  # a touch the module cannot image well
    LIFT = "lift"  # nothing on the glass
    APPLICANT = "applicant"  # the applicant at the office: the finger the sensor asks for


HOLDER_SEED = 1402
NEW_SEED = 1403
STRANGER_SEED = 777
APPLICANT_SEED = 1405  # the persona who registers at the kiosk and enrols at the office
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
        from simulators.camera import SimulatedCamera

        super().__init__(self.reader.open, SensorFingers(self.sensor.port_path, timeout=15.0),
                         [self.pki.csca], paths.ca_dir(), paths.run_dir() / "activations",
                         SimulatedCamera(APPLICANT_SEED))
        self._listeners: list[CardListener] = []
        self._issued: str | None = None  # the card image the simulated factory made last
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

        if card is SimCard.ISSUED:
            if self._issued is None:
                raise LookupError("no card was issued in office mode yet")
            if card not in self._chips:
                from simulators.card import CardStore, SimulatedChip
                from simulators.card.image import CardImage

                self._chips[card] = SimulatedChip(CardStore(CardImage.from_json(self._issued)))
            return self._chips[card]
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

    def receive_card(self, card: ProducedCard) -> None:
        """SIMULATOR: the factory's card image, ready for the developer panel to insert
        (its PIN letter is not kept: the holder chooses PIN1 at the hand-over)."""
        self._issued = card.card.decode("utf-8")
        self._chips.pop(SimCard.ISSUED, None)

    @property
    def has_issued(self) -> bool:
        return self._issued is not None

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
    def place(self, finger: SimFinger, position: int = 2) -> None:
        """Put a finger on the glass; ``position`` is the applicant's finger asked for."""
        from simulators.enrolment import touch
        from simulators.sensor import ProvidedImage

        self._touches += 1
        if finger is SimFinger.HOLDER:  # the holder of the card in the reader
            seed = {SimCard.NEW: NEW_SEED, SimCard.ISSUED: APPLICANT_SEED}.get(
                self.inserted, HOLDER_SEED) if self.inserted else HOLDER_SEED
            self.sensor.place(ProvidedImage(touch, seed, 2, self._touches))
        elif finger is SimFinger.APPLICANT:
            self.sensor.place(ProvidedImage(touch, APPLICANT_SEED, position, self._touches))
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
