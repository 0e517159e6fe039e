"""Paying through the SIMULATED bank, and the receipt of what was paid: steps shared by
the errands that take money (the registration fee, the booking fee)."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kiosk.ui.desk.views import Button, sheet_view, toman_and_rial
from kiosk.ui.present import View
from registry.contract import ApplicationRef, PaymentRequest, PaymentView
from registry.refusals import PaymentRefusal, PaymentRefused
from registry.service import RegistryService
from registry.states import Disposition, PaymentPurpose, PaymentState

if TYPE_CHECKING:
    from kiosk.ui.desk.base import Errand

POLLS = 20             # the bank answers at once; a real one may take a few seconds
POLL_SECONDS = 0.25


def new_key(purpose: PaymentPurpose) -> str:
    """A fresh idempotency key: one per attempt, reused when the same attempt is retried."""
    return f"kiosk-{purpose.value}-{secrets.token_hex(10)}"


def pay_and_watch(service: RegistryService, ref: ApplicationRef, purpose: PaymentPurpose,
                  key: str) -> PaymentView:
    """Start the payment (idempotent per key) and watch it until the bank has decided."""
    seen = service.start_payment(PaymentRequest(ref, purpose, key))
    for _ in range(POLLS):
        seen = service.observe_payment(key)
        if seen.state is not PaymentState.STARTED:
            break
        time.sleep(POLL_SECONDS)
    return seen


@dataclass
class BankStep:
    """The bank's page for one fee, and what becomes of the payment.

    ``paid(view)`` is called when money was taken and applied; ``lapsed()`` when a
    booking payment found no live hold; the rest (declined, pending, refund due) is
    shown here with a way to try again.
    """

    errand: Errand
    ref: ApplicationRef
    purpose: PaymentPurpose
    amount_rial: int
    paid: Callable[[PaymentView], None]
    back: Callable[[], None]
    lapsed: Callable[[], None] | None = None
    key: str | None = None
    outcome: str = "asking"      # asking, declined, pending, refund
    countdown: Callable[[], str] | None = None

    def view(self) -> View:
        w = self.errand.w
        amount = toman_and_rial(w, self.amount_rial)
        what = w.say(f"bank.for.{self.purpose.name}")
        buttons = [Button("pay", w.say("bank.pay", amount=amount), "pay"),
                   Button("cancel", w.say("button.cancel"), "bank_back", role="secondary")]
        title, body, tone = w.say("bank.title"), w.say("bank.body", what=what), "info"
        if self.outcome == "declined":
            title, body, tone = w.say("bank.declined"), w.say("bank.declined_body"), "warn"
            buttons[0] = Button("pay", w.say("bank.again", amount=amount), "pay")
        elif self.outcome == "pending":
            title, body, tone = w.say("bank.pending"), w.say("bank.pending_body"), "warn"
            buttons[0] = Button("pay", w.say("bank.check"), "pay")
        elif self.outcome == "refund":
            title, body, tone = w.say("bank.refund"), w.say("bank.refund_body"), "warn"
            buttons = [Button("back", w.say("button.back"), "bank_back", role="secondary")]
        return sheet_view(w, title, body, tone=tone, banner=w.say("bank.simulated"),
                          rows=[(w.say("bank.amount"), amount), (w.say("bank.what"), what)],
                          countdown_text=self.countdown() if self.countdown else None,
                          buttons=buttons)

    def act(self, action: str) -> bool:
        if action == "pay":
            self.pay()
            return True
        if action == "bank_back":
            self.back()
            return True
        return False

    def pay(self) -> None:
        if self.outcome in ("declined", "refund") or self.key is None:
            self.key = new_key(self.purpose)       # a new attempt; a retry keeps its key
        self.outcome = "asking"
        key, ref, purpose = self.key, self.ref, self.purpose
        desk = self.errand.desk
        desk.audit("payment-start", purpose=purpose.value, amount_rial=self.amount_rial)
        desk.call(lambda s: pay_and_watch(s, ref, purpose, key), self._seen,
                  failed=self._refused)

    def _refused(self, error: BaseException) -> bool:
        if (isinstance(error, PaymentRefused) and error.reason is PaymentRefusal.NO_LIVE_HOLD
                and self.lapsed is not None):
            self.lapsed()
            return True
        return False

    def _seen(self, view: PaymentView) -> None:
        desk = self.errand.desk
        desk.audit("payment", purpose=self.purpose.value, state=view.state.value,
                   disposition=view.disposition.value if view.disposition else None)
        if view.state is PaymentState.SUCCEEDED and view.disposition is Disposition.APPLIED:
            self.paid(view)
            return
        if view.state is PaymentState.SUCCEEDED:
            self.outcome = "refund"
        elif view.state is PaymentState.STARTED:
            self.outcome = "pending"
        else:
            self.outcome = "declined"
        desk.render()
