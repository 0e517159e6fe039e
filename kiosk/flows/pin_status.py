"""PIN status and what the card allows: one look at the card, no try spent."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum, auto

from kiosk.flows.base import Flow, Handler
from kiosk.flows.card import CardFlow, CardOpener
from kiosk.flows.events import CardInserted, Event, Start
from kiosk.flows.outcome import Ending, Outcome
from kiosk.flows.runner import Runner
from kiosk.flows.situation import CardSituation, survey


class StatusState(Enum):
    READY = auto()
    LOOKING = auto()


class PinStatusFlow(CardFlow):
    """Ends DONE with the :class:`CardSituation` as its value."""

    name = "pin-status"

    def __init__(self, runner: Runner, open_card: CardOpener,
                 on_change: Callable[[Flow], None] | None = None) -> None:
        super().__init__(runner, open_card, on_change)

    def initial_state(self) -> Enum:
        return StatusState.READY

    def handlers(self) -> dict[Enum, dict[type[Event], Handler]]:
        return {StatusState.READY: {Start: self._look, CardInserted: self._look}}

    def _look(self, _event: Event) -> None:
        self._card_job(StatusState.LOOKING, survey, self._seen)

    def _seen(self, situation: CardSituation) -> None:
        self._finish(Outcome(Ending.DONE, value=situation))
