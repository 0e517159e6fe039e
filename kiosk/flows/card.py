"""Flows that talk to a card: opening it on the worker, holding it, giving it back clean.

The card is opened by the first job and closed by a job submitted when the flow ends,
so the close waits for any job still using the card. Closing resets the card's
security state: a PIN or finger verified for this flow never outlives it. While a
secret is in play the card is held exclusively, so no other program can slip a
command in between a VERIFY and the operation it unlocks.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from enum import Enum
from typing import Any, TypeVar

from apdu.client import NidCard
from apdu.errors import (
    BiometricBlockedError,
    CardBusyError,
    CardError,
    CardRemovedError,
    CardTimeoutError,
    FingerNotMatchedError,
    NoCardError,
    PcscServiceError,
    PinBlockedError,
    PinNotSetError,
    PinServicesGoneError,
    ReaderNotFoundError,
    SignatureNotActiveError,
    WrongPinError,
)
from biometric.errors import BiometricError
from kiosk.flows.base import Flow
from kiosk.flows.events import NewPinEntered, PinEntered
from kiosk.flows.outcome import Ending, Outcome
from kiosk.flows.pin_entry import NewPinRequest, SecretPrompt
from kiosk.flows.runner import Runner

logger = logging.getLogger("nidkiosk.flows")

CardOpener = Callable[[], NidCard]
T = TypeVar("T")


def outcome_for_card_error(error: BaseException) -> Outcome | None:
    """The ending a card or sensor error means, or None for anything else (a bug)."""
    if isinstance(error, NoCardError):
        return Outcome(Ending.NO_CARD, detail=error)
    if isinstance(error, CardRemovedError):
        return Outcome(Ending.CARD_REMOVED, detail=error)
    if isinstance(error, PcscServiceError | ReaderNotFoundError):
        return Outcome(Ending.READER_UNAVAILABLE, detail=error)
    if isinstance(error, CardBusyError):
        return Outcome(Ending.CARD_BUSY, detail=error)
    if isinstance(error, CardTimeoutError):
        return Outcome(Ending.CARD_NOT_ANSWERING, detail=error)
    if isinstance(error, WrongPinError):
        return Outcome(Ending.WRONG_SECRET, ref=error.reference, tries_left=error.tries_left)
    if isinstance(error, PinServicesGoneError):
        return Outcome(Ending.PIN_SERVICES_GONE, ref=error.reference)
    if isinstance(error, PinBlockedError):
        return Outcome(Ending.SECRET_BLOCKED, ref=error.reference)
    if isinstance(error, PinNotSetError):
        return Outcome(Ending.PIN_NOT_SET, ref=error.reference)
    if isinstance(error, FingerNotMatchedError):
        return Outcome(Ending.FINGER_NOT_MATCHED, tries_left=error.tries_left)
    if isinstance(error, BiometricBlockedError):
        return Outcome(Ending.FINGER_BLOCKED)
    if isinstance(error, SignatureNotActiveError):
        return Outcome(Ending.SIGNATURE_NOT_ACTIVE, detail=error)
    if isinstance(error, CardError):
        return Outcome(Ending.CARD_ERROR, detail=error)
    if isinstance(error, BiometricError):
        from kiosk.flows.finger import outcome_for_biometric_error

        return outcome_for_biometric_error(error)
    return None


class CardFlow(Flow):
    """A flow with one card session: opened on first use, reset and closed at the end."""

    def __init__(self, runner: Runner, open_card: CardOpener,
                 on_change: Callable[[Flow], None] | None = None) -> None:
        self._open_card = open_card
        self._card: NidCard | None = None
        self._hold = contextlib.ExitStack()
        self._held = False
        self.reader_name: str | None = None  # the reader the card was found in
        super().__init__(runner, on_change)

    def _card_job(self, busy_state: Enum, work: Callable[[NidCard], T],
                  on_value: Callable[[T], None],
                  on_error: Callable[[BaseException], Outcome | None] | None = None) -> None:
        """Run ``work(card)`` on the runner, opening the card first if needed."""

        def job() -> T:
            if self._card is None:
                self._card = self._open_card()
                self.reader_name = self._card.transport.info.reader
            return work(self._card)

        self._run(busy_state, job, on_value, on_error)

    def _hold_exclusively(self, card: NidCard) -> None:
        """From now until the flow ends no other program reaches the card (call in a job)."""
        if not self._held:
            self._hold.enter_context(card.exclusive())
            self._held = True

    def outcome_for_error(self, error: BaseException) -> Outcome:
        return outcome_for_card_error(error) or super().outcome_for_error(error)

    def _check_secret(self, prompt: SecretPrompt, event: PinEntered, asking: Enum, busy: Enum,
                      work: Callable[[NidCard, str], T], on_value: Callable[[T], None],
                      blocked: Callable[[], Outcome]) -> None:
        """Give the typed secret to ``work`` on the card; a wrong one asks again (``asking``)
        until the face's attempts or the card's tries run out, then ``blocked``."""
        secret = prompt.typed(event.pin)
        if secret is None:
            self._goto(asking)
            return

        def accepted(value: T) -> None:
            prompt.accepted()
            on_value(value)

        def refused(error: BaseException) -> Outcome | None:
            return self._secret_refused(prompt, error, asking, blocked)

        self._card_job(busy, lambda card: work(card, secret), accepted, refused)

    def _secret_refused(self, prompt: SecretPrompt | None, error: BaseException, asking: Enum,
                        blocked: Callable[[], Outcome]) -> Outcome | None:
        """A wrong secret asks again (None) until attempts or tries run out."""
        if prompt is not None and isinstance(error, WrongPinError) \
                and error.reference is prompt.ref:
            if prompt.wrong(error.tries_left):
                return Outcome(Ending.WRONG_SECRET, ref=prompt.ref, tries_left=error.tries_left)
            self._goto(asking)
            return None
        if prompt is not None and isinstance(error, PinBlockedError) \
                and error.reference is prompt.ref:
            prompt.tries_left = 0
            return blocked()
        return self.outcome_for_error(error)

    def _take_new_pin(self, request: NewPinRequest, event: NewPinEntered, asking: Enum,
                      proceed: Callable[[str], None]) -> None:
        """Policy first: a refused PIN is asked again (``asking``) or, out of attempts,
        ends the flow; an accepted one goes to ``proceed``."""
        accepted = request.check(event.pin, event.again)
        if accepted is not None:
            proceed(accepted)
        elif request.attempts_left <= 0:
            self._finish(Outcome(Ending.POLICY_REFUSED, ref=request.ref, detail=request.problem))
        else:
            self._goto(asking)

    def _release(self) -> None:
        card, hold = self._card, self._hold
        self._card, self._hold, self._held = None, contextlib.ExitStack(), False
        if card is None:
            return

        def close() -> None:
            with contextlib.suppress(CardError):
                hold.close()
            card.close()  # resets the card: nothing verified survives the flow

        self._runner.submit(close, _log_close_failure)


def _log_close_failure(result: Any) -> None:
    if result.error is not None:
        logger.warning("closing the card failed: %s", type(result.error).__name__)
