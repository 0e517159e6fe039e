""""Forgot my PIN": the card recognises the holder's finger, then a new PIN, no PUK.

A match allows exactly one PIN reset (the chip forgets the match after it), and the
card is held exclusively from the match to the reset.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum, auto

from apdu.constants import PinRef, PinState
from kiosk.flows.base import Flow, Handler
from kiosk.flows.card import CardOpener
from kiosk.flows.events import Event, NewPinEntered, Start
from kiosk.flows.finger import FingerFlow, FingerSource
from kiosk.flows.holder import survey_with_holder
from kiosk.flows.outcome import Ending, Outcome
from kiosk.flows.pin_entry import NewPinRequest
from kiosk.flows.runner import Runner
from kiosk.flows.situation import CardSituation
from kiosk.pin_policy import Holder


class ForgotState(Enum):
    READY = auto()
    LOOKING = auto()
    ASKING_NEW_PIN = auto()
    RESETTING = auto()


class ForgotPinFlow(FingerFlow):
    """Reset PIN1 or PIN2 by finger. Ends DONE; ``situation.puk_used_up`` is worth a word."""

    name = "forgot-pin"

    def __init__(self, runner: Runner, open_card: CardOpener, fingers: FingerSource,
                 ref: PinRef, *, finger: int | None = None, wrong_attempts: int | None = None,
                 on_change: Callable[[Flow], None] | None = None) -> None:
        if ref not in (PinRef.PIN1, PinRef.PIN2):
            raise ValueError("only PIN1 and PIN2 are reset by finger")
        self.ref = ref
        self.new_pin: NewPinRequest | None = None
        super().__init__(runner, open_card, fingers, finger=finger,
                         wrong_attempts=wrong_attempts, on_change=on_change)

    def initial_state(self) -> Enum:
        return ForgotState.READY

    def handlers(self) -> dict[Enum, dict[type[Event], Handler]]:
        return {ForgotState.READY: {Start: self._look},
                ForgotState.ASKING_NEW_PIN: {NewPinEntered: self._new_pin_entered},
                **self._finger_handlers()}

    def _look(self, _event: Event) -> None:
        self._card_job(ForgotState.LOOKING, survey_with_holder, self._seen)

    def _seen(self, found: tuple[CardSituation, Holder]) -> None:
        situation, holder = found
        if situation.pin(self.ref).state is PinState.NOT_SET:
            self._finish(Outcome(Ending.PIN_NOT_SET, ref=self.ref, value=situation))
            return
        refusal = self._choose_finger(situation)
        if refusal is not None:
            self._finish(refusal)
            return
        self.new_pin = NewPinRequest(self.ref, holder)
        self._ask_finger()

    def _finger_matched(self) -> None:
        self._goto(ForgotState.ASKING_NEW_PIN)

    def _new_pin_entered(self, event: NewPinEntered) -> None:
        assert self.new_pin is not None

        def reset(pin: str) -> None:
            self._card_job(ForgotState.RESETTING,
                           lambda card: card.reset_pin_by_finger(self.ref, pin),
                           lambda _none: self._finish(
                               Outcome(Ending.DONE, ref=self.ref, value=self.situation)))

        self._take_new_pin(self.new_pin, event, ForgotState.ASKING_NEW_PIN, reset)
