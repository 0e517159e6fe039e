"""Hand a new card over at the office: read it genuine, the holder's finger on the card,
activate it, and the holder chooses PIN1.

Nothing happens to a card that does not read genuine, and an office step that expects
a particular card (the applicant's) refuses any other. The finger match both opens
activation and lets the holder set PIN1 without the PIN letter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum, auto

from cryptography import x509

from apdu.client import IdentityReading, NidCard
from apdu.constants import PinRef
from apdu.profile import Lifecycle
from kiosk.flows.base import Flow, Handler
from kiosk.flows.card import CardOpener
from kiosk.flows.events import Event, NewPinEntered, Start
from kiosk.flows.finger import FingerFlow, FingerSource
from kiosk.flows.outcome import Ending, Outcome
from kiosk.flows.pin_entry import NewPinRequest
from kiosk.flows.runner import Runner
from kiosk.flows.situation import CardSituation, survey
from kiosk.pin_policy import Holder


class DeliverState(Enum):
    READY = auto()
    READING = auto()
    ACTIVATING = auto()
    ASKING_NEW_PIN = auto()
    SETTING_PIN = auto()


@dataclass(frozen=True)
class Expected:
    """The card the office step is for; None fields are not checked."""

    national_code: str | None = None
    card_serial: str | None = None


@dataclass(frozen=True)
class Delivery:
    """What the office records: the verified reading of the card handed over."""

    reading: IdentityReading
    finger_reference: int


class DeliverCardFlow(FingerFlow):
    """Ends DONE with a :class:`Delivery`; NOT_GENUINE, WRONG_CARD, ALREADY_DELIVERED..."""

    name = "deliver-card"

    def __init__(self, runner: Runner, open_card: CardOpener, fingers: FingerSource,
                 trust_anchors: list[x509.Certificate], *, expected: Expected | None = None,
                 finger: int | None = None, wrong_attempts: int | None = None,
                 now: dt.datetime | None = None,
                 on_change: Callable[[Flow], None] | None = None) -> None:
        self._anchors = trust_anchors
        self._expected = expected or Expected()
        self._now = now
        self.reading: IdentityReading | None = None
        self.new_pin: NewPinRequest | None = None
        super().__init__(runner, open_card, fingers, finger=finger,
                         wrong_attempts=wrong_attempts, on_change=on_change)

    def initial_state(self) -> Enum:
        return DeliverState.READY

    def handlers(self) -> dict[Enum, dict[type[Event], Handler]]:
        return {DeliverState.READY: {Start: self._read},
                DeliverState.ASKING_NEW_PIN: {NewPinEntered: self._new_pin_entered},
                **self._finger_handlers()}

    def _read(self, _event: Event) -> None:
        def work(card: NidCard) -> tuple[IdentityReading, CardSituation]:
            return card.read_identity(self._anchors, photo=True, now=self._now), survey(card)

        self._card_job(DeliverState.READING, work, self._read_done)

    def _read_done(self, found: tuple[IdentityReading, CardSituation]) -> None:
        reading, situation = found
        self.reading = reading
        if reading.contents is None:  # exactly when it did not read genuine
            self._finish(Outcome(Ending.NOT_GENUINE, value=reading, detail=reading.authenticity))
            return
        identity = reading.contents.identity
        expected = self._expected
        if (expected.national_code not in (None, identity.national_code)
                or expected.card_serial not in (None, identity.card_serial)):
            self._finish(Outcome(Ending.WRONG_CARD, value=reading))
            return
        if situation.lifecycle in (Lifecycle.ACTIVE, Lifecycle.SIGNATURE_ACTIVE):
            self._finish(Outcome(Ending.ALREADY_DELIVERED, value=reading))
            return
        if situation.lifecycle is not Lifecycle.PERSONALIZED:
            self._finish(Outcome(Ending.CARD_UNUSABLE, value=reading,
                                 detail=situation.lifecycle))
            return
        refusal = self._choose_finger(situation)
        if refusal is not None:
            self._finish(refusal)
            return
        self.new_pin = NewPinRequest(PinRef.PIN1, Holder(identity.birth_date,
                                                          identity.national_code))
        self._ask_finger()

    def _finger_matched(self) -> None:
        self._card_job(DeliverState.ACTIVATING, lambda card: card.activate_card(),
                       lambda _none: self._goto(DeliverState.ASKING_NEW_PIN))

    def _new_pin_entered(self, event: NewPinEntered) -> None:
        assert self.new_pin is not None

        def set_pin1(pin: str) -> None:
            self._card_job(DeliverState.SETTING_PIN,
                           lambda card: card.reset_pin_by_finger(PinRef.PIN1, pin),
                           self._delivered)

        self._take_new_pin(self.new_pin, event, DeliverState.ASKING_NEW_PIN, set_pin1)

    def _delivered(self, _none: None) -> None:
        assert self.reading is not None and self.finger is not None
        self._finish(Outcome(Ending.DONE, value=Delivery(self.reading,
                                                         self.finger.info.reference)))
