"""Change a PIN with the current one, and unblock a PIN with the PUK.

Both ask the secret, then the new PIN twice, checked by the policy before the card sees
anything; then one command gives the card both (CHANGE REFERENCE DATA or RESET RETRY
COUNTER), held exclusively. A refused new PIN thus never spends or restores a try, and
a wrong secret sends the flow back to ask it again while tries are left. Tries left are
known before the first question.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum, auto

from apdu.client import NidCard
from apdu.constants import PinRef, PinState
from apdu.errors import PinServicesGoneError
from kiosk.flows.base import Flow, Handler
from kiosk.flows.card import CardFlow, CardOpener
from kiosk.flows.events import Event, NewPinEntered, PinEntered, Start
from kiosk.flows.holder import survey_with_holder
from kiosk.flows.outcome import Ending, Outcome
from kiosk.flows.pin_entry import NewPinRequest, SecretPrompt
from kiosk.flows.runner import Runner
from kiosk.flows.situation import CardSituation
from kiosk.pin_policy import Holder


class PinChangeState(Enum):
    READY = auto()
    LOOKING = auto()
    ASKING_SECRET = auto()  # the current PIN (change) or the PUK (unblock)
    ASKING_NEW_PIN = auto()
    CHANGING = auto()


class _SecretThenNewPin(CardFlow):
    """The shape both flows share; subclasses say which secret and which operation."""

    def __init__(self, runner: Runner, open_card: CardOpener, ref: PinRef, *,
                 wrong_attempts: int | None = None,
                 on_change: Callable[[Flow], None] | None = None) -> None:
        if ref not in (PinRef.PIN1, PinRef.PIN2):
            raise ValueError("only PIN1 and PIN2 are changed or unblocked")
        self.ref = ref
        self.situation: CardSituation | None = None
        self.prompt: SecretPrompt | None = None  # the current PIN, or the PUK
        self.new_pin: NewPinRequest | None = None
        self._wrong_attempts = wrong_attempts  # None: until the card blocks the secret
        self._secret: str | None = None
        super().__init__(runner, open_card, on_change)

    @property
    def secret_ref(self) -> PinRef:
        raise NotImplementedError

    def initial_state(self) -> Enum:
        return PinChangeState.READY

    def handlers(self) -> dict[Enum, dict[type[Event], Handler]]:
        return {
            PinChangeState.READY: {Start: self._look},
            PinChangeState.ASKING_SECRET: {PinEntered: self._secret_entered},
            PinChangeState.ASKING_NEW_PIN: {NewPinEntered: self._new_pin_entered},
        }

    def _look(self, _event: Event) -> None:
        self._card_job(PinChangeState.LOOKING, survey_with_holder, self._seen)

    def _refusal(self, situation: CardSituation) -> Outcome | None:
        raise NotImplementedError

    def _seen(self, found: tuple[CardSituation, Holder]) -> None:
        situation, holder = found
        self.situation = situation
        refusal = self._refusal(situation)
        if refusal is not None:
            self._finish(refusal)
            return
        self.new_pin = NewPinRequest(self.ref, holder)
        self.prompt = SecretPrompt(self.secret_ref, situation.pin(self.secret_ref).tries_left,
                                   self._wrong_attempts)
        self._goto(PinChangeState.ASKING_SECRET)

    def _secret_entered(self, event: PinEntered) -> None:
        assert self.prompt is not None and self.new_pin is not None
        secret = self.prompt.typed(event.pin)
        if secret is None:
            self._goto(PinChangeState.ASKING_SECRET)
            return
        self._secret = secret
        if self.secret_ref is self.ref:
            self.new_pin.old = secret  # the new PIN must differ from it
        self._goto(PinChangeState.ASKING_NEW_PIN)

    def _blocked_now(self) -> Outcome:
        return Outcome(Ending.SECRET_BLOCKED, ref=self.secret_ref, tries_left=0,
                       value=self.situation)

    def _new_pin_entered(self, event: NewPinEntered) -> None:
        assert self.new_pin is not None and self.prompt is not None
        secret = self._secret
        assert secret is not None

        def change(pin: str) -> None:
            def work(card: NidCard) -> None:
                self._hold_exclusively(card)
                self._operate(card, secret, pin)

            self._card_job(PinChangeState.CHANGING, work,
                           lambda _none: self._finish(Outcome(Ending.DONE, ref=self.ref)),
                           self._refused)

        self._take_new_pin(self.new_pin, event, PinChangeState.ASKING_NEW_PIN, change)

    def _refused(self, error: BaseException) -> Outcome | None:
        if isinstance(error, PinServicesGoneError):  # the last PUK try was just spent
            return Outcome(Ending.PIN_SERVICES_GONE, ref=PinRef.PUK, tries_left=0,
                           value=self.situation)
        outcome = self._secret_refused(self.prompt, error, PinChangeState.ASKING_SECRET,
                                       self._blocked_now)
        if outcome is None:
            self._secret = None  # asked again; the new PIN is asked again after it
        return outcome

    def _operate(self, card: NidCard, secret: str, new: str) -> None:
        raise NotImplementedError

    def _release(self) -> None:
        self._secret = None
        if self.new_pin is not None:
            self.new_pin.forget()
        super()._release()


class ChangePinFlow(_SecretThenNewPin):
    """Change PIN1 or PIN2: current PIN, new PIN twice. Ends DONE, or says why not."""

    name = "change-pin"

    @property
    def secret_ref(self) -> PinRef:
        return self.ref

    def _refusal(self, situation: CardSituation) -> Outcome | None:
        status = situation.pin(self.ref)
        if status.state is PinState.NOT_SET:
            return Outcome(Ending.PIN_NOT_SET, ref=self.ref, value=situation)
        if status.blocked:
            return Outcome(Ending.SECRET_BLOCKED, ref=self.ref, tries_left=0, value=situation)
        if situation.puk_used_up:
            return Outcome(Ending.PIN_SERVICES_GONE, ref=PinRef.PUK, value=situation)
        return None

    def _operate(self, card: NidCard, secret: str, new: str) -> None:
        card.change_pin(self.ref, secret, new)


class UnblockPinFlow(_SecretThenNewPin):
    """Set a new PIN1 or PIN2 with the PUK (whether the PIN is blocked or forgotten)."""

    name = "unblock-pin"

    @property
    def secret_ref(self) -> PinRef:
        return PinRef.PUK

    def _refusal(self, situation: CardSituation) -> Outcome | None:
        if situation.pin(self.ref).state is PinState.NOT_SET:
            return Outcome(Ending.PIN_NOT_SET, ref=self.ref, value=situation)
        if situation.puk_used_up:
            return Outcome(Ending.PIN_SERVICES_GONE, ref=PinRef.PUK, value=situation)
        return None

    def _blocked_now(self) -> Outcome:
        # the last PUK try went wrong: nothing can unblock a PIN on this card any more
        return Outcome(Ending.PIN_SERVICES_GONE, ref=PinRef.PUK, tries_left=0,
                       value=self.situation)

    def _operate(self, card: NidCard, secret: str, new: str) -> None:
        card.unblock_pin(self.ref, secret, new)
