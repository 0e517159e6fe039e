"""Read the card and check it is genuine: passive and chip authentication, one verdict."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from enum import Enum, auto

from cryptography import x509

from apdu.client import IdentityReading, NidCard
from kiosk.flows.base import Flow, Handler
from kiosk.flows.card import CardFlow, CardOpener
from kiosk.flows.events import CardInserted, Event, Start
from kiosk.flows.outcome import Ending, Outcome
from kiosk.flows.runner import Runner


class ReadState(Enum):
    WAITING_FOR_CARD = auto()
    READING = auto()


class ReadCardFlow(CardFlow):
    """Ends DONE with the reading when genuine, NOT_GENUINE with the reading otherwise.

    Either way ``outcome.value`` is the :class:`IdentityReading`: a face shows data
    that failed the check only under the verdict that says why.
    """

    name = "read-card"

    def __init__(self, runner: Runner, open_card: CardOpener,
                 trust_anchors: list[x509.Certificate], *, photo: bool = True,
                 now: dt.datetime | None = None,
                 on_change: Callable[[Flow], None] | None = None) -> None:
        self._anchors = trust_anchors
        self._photo = photo
        self._now = now
        self.reader: str | None = None
        super().__init__(runner, open_card, on_change)

    def initial_state(self) -> Enum:
        return ReadState.WAITING_FOR_CARD

    def handlers(self) -> dict[Enum, dict[type[Event], Handler]]:
        return {ReadState.WAITING_FOR_CARD: {CardInserted: self._read, Start: self._read}}

    def _read(self, event: Event) -> None:
        if isinstance(event, CardInserted):
            self.reader = event.reader

        def work(card: NidCard) -> IdentityReading:
            return card.read_identity(self._anchors, photo=self._photo, now=self._now)

        self._card_job(ReadState.READING, work, self._read_done)

    def _read_done(self, reading: IdentityReading) -> None:
        ending = Ending.DONE if reading.authenticity.genuine else Ending.NOT_GENUINE
        self._finish(Outcome(ending, value=reading, detail=reading.authenticity))
