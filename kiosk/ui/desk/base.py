"""What every desk shares: the errand being served, registry calls on the worker, the
form keys, the idle and language hooks, and the words for whatever went wrong."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from kiosk.flows.runner import JobResult, Runner
from kiosk.ui.desk.views import Button, sheet_view, trouble, working_view
from kiosk.ui.forms import Form
from kiosk.ui.present import View
from kiosk.ui.words import UiWords
from registry.clock import Clock
from registry.service import RegistryService

if TYPE_CHECKING:
    from kiosk.receipts import ReceiptFacts
    from kiosk.ui.audit import AuditLog
    from kiosk.ui.registry_access import RegistryAccess

logger = logging.getLogger("nidkiosk.ui")
T = TypeVar("T")

FORM_ACTIONS = ("key", "delete", "clear", "choose", "date", "focus")


class DeskHost(Protocol):
    """What a desk needs from the kiosk session (:class:`kiosk.ui.controller.KioskSession`)."""

    @property
    def runner(self) -> Runner: ...

    @property
    def audit(self) -> AuditLog: ...

    @property
    def words(self) -> UiWords: ...

    def show_desk_view(self, view: View) -> None: ...

    def keep_alive(self) -> None: ...

    def go_home(self) -> None: ...


class Errand:
    """One service a desk serves: its steps, what each shows, what each action does."""

    name = "errand"

    @property
    def form(self) -> Form | None:
        """The form the current step types into, if any (the form keys go to it)."""
        return None

    @property
    def ticking(self) -> bool:
        """tick() every second: a countdown is on screen."""
        return False

    def __init__(self, desk: Desk) -> None:
        self.desk = desk

    @property
    def w(self) -> UiWords:
        return self.desk.host.words

    def start(self) -> None:
        self.desk.render()

    def view(self) -> View:
        raise NotImplementedError

    def act(self, action: str, arg: Any) -> bool:
        """Do what a tap asked; False if this step does not take ``action``."""
        return False

    def tick(self) -> None:
        """Once a second while ``ticking``: a countdown moves, a hold may lapse."""

    def wipe(self) -> None:
        if self.form is not None:
            self.form.wipe()


@dataclass
class _Call:
    job: Callable[[RegistryService], Any]
    done: Callable[[Any], None]
    failed: Callable[[BaseException], bool] | None
    operator: str | None


class Desk:
    """Serves one errand at a time; calls the registry on the worker and shows the result.

    A result that comes back after the errand changed or the session was wiped is
    dropped: every call and every wipe moves ``_token`` on.
    """

    audit_prefix = "registry"

    def __init__(self, host: DeskHost, access: RegistryAccess, clock: Clock) -> None:
        self.host = host
        self.access = access
        self.clock = clock
        self.errand: Errand | None = None
        self._token = 0
        self._last_call: _Call | None = None
        self._view: View | None = None
        self._receipt: _Receipt | None = None
        self.busy = False            # a registry call is on its way

    # -- errands ------------------------------------------------------------------------
    def begin(self, errand: Errand) -> None:
        if self.errand is not None and self.errand is not errand:
            self.errand.wipe()
        self._token += 1
        self.errand = errand
        self.host.keep_alive()
        errand.start()

    @property
    def ticking(self) -> bool:
        return self.errand is not None and self.errand.ticking

    def render(self) -> None:
        """Show the errand's current step (again: after a key, a tick, a language change)."""
        if self.errand is None:
            return
        self._view = self.errand.view()
        self.host.show_desk_view(self._view)

    def show(self, view: View) -> None:
        self._view = view
        self.host.show_desk_view(view)

    def refresh(self) -> None:
        self.render()

    def tick(self) -> None:
        if self.errand is not None and self.errand.ticking and not self.busy:
            self.errand.tick()

    def act(self, action: str, arg: Any = None) -> None:
        """A tap on a button, tile or key of the desk's screen."""
        self.host.keep_alive()
        errand = self.errand
        if errand is None:
            return
        if self._receipt is not None and action in ("print", "receipt_back"):
            self._receipt_action(action)
            return
        if action == "resume":
            self.render()
            return
        if action == "retry" and self._last_call is not None:
            call = self._last_call
            self.call(call.job, call.done, failed=call.failed, operator=call.operator)
            return
        if action in FORM_ACTIONS and errand.form is not None:
            form_action(errand.form, action, arg)
            self.render()
            return
        if not errand.act(action, arg):
            logger.info("%s: %s not taken here", errand.name, action)

    # -- the registry, on the worker ----------------------------------------------------
    def call(self, job: Callable[[RegistryService], T], done: Callable[[T], None], *,
             failed: Callable[[BaseException], bool] | None = None,
             operator: str | None = None, working: bool = True) -> None:
        """Run ``job(service)`` on the worker; ``done(value)`` back on the UI thread.

        ``failed(error)`` may take an error (True) before it is worded as trouble.
        """
        self._token += 1
        token = self._token
        self._last_call = _Call(job, done, failed, operator)
        self.busy = True
        access = self.access
        if working:
            self.show(working_view(self.host.words))

        def run() -> T:
            return job(access.service(operator))

        def back(result: JobResult[T]) -> None:
            if token != self._token:
                return            # the errand moved on, or the session was wiped
            self.busy = False
            self.host.keep_alive()
            if result.error is None:
                done(result.value)  # type: ignore[arg-type]
                return
            if failed is not None and failed(result.error):
                return
            self.trouble(result.error)

        self.host.runner.submit(run, back)

    def run(self, job: Callable[[], T], done: Callable[[T], None]) -> None:
        """Work that is not the registry's (a receipt drawn, a photo taken) on the worker."""
        self._token += 1
        token = self._token

        def back(result: JobResult[T]) -> None:
            if token != self._token:
                return
            if result.error is None:
                done(result.value)  # type: ignore[arg-type]
            else:
                self.trouble(result.error)

        self.host.runner.submit(job, back)

    def trouble(self, error: BaseException) -> None:
        """Whatever went wrong, worded; the call can be tried again from here."""
        w = self.host.words
        title, body, tone = trouble(w, error)
        if tone == "bad":
            logger.warning("registry call failed: %s", type(error).__name__,
                           exc_info=not hasattr(error, "cause"))
        self.audit("trouble", error=type(error).__name__)
        self.show(sheet_view(w, title, body, tone=tone, buttons=[
            Button("retry", w.say("button.retry"), "retry"),
            Button("back", w.say("button.back"), "resume", role="secondary"),
        ]))

    # -- receipts -----------------------------------------------------------------------
    def show_receipt(self, facts: ReceiptFacts, name: str, back: Callable[[], None]) -> None:
        """The receipt on screen (drawn on the worker), printable from there."""
        self._receipt = _Receipt(facts, name, back)

        def draw() -> bytes:
            import io

            from kiosk.receipts import ROLL_80MM, render

            out = io.BytesIO()
            render(facts, ROLL_80MM).save(out, format="PNG")
            return out.getvalue()

        self.run(draw, self._receipt_drawn)

    def _receipt_drawn(self, png: bytes) -> None:
        receipt = self._receipt
        if receipt is None:
            return
        receipt.png = png
        self._show_receipt()

    def _show_receipt(self) -> None:
        receipt = self._receipt
        assert receipt is not None
        w = self.host.words
        self.show(View("receipt", w.say("receipt.screen"), w.say("receipt.screen_body"),
                       note=w.say("receipt.printed") if receipt.printed else "",
                       tone="ok" if receipt.printed else "info", data={
                           "png": receipt.png, "buttons": [
                               Button("print", w.say("receipt.print"), "print"),
                               Button("back", w.say("button.back"), "receipt_back",
                                      role="secondary")]}))

    def _receipt_action(self, action: str) -> None:
        receipt = self._receipt
        assert receipt is not None
        if action == "receipt_back":
            self._receipt = None
            receipt.back()
            return

        def write() -> None:
            from kiosk import paths
            from kiosk.receipts import write_receipt

            folder = paths.home() / "receipts"
            folder.mkdir(parents=True, exist_ok=True)
            write_receipt(folder / f"{receipt.name}.pdf", receipt.facts)

        def printed(_none: None) -> None:
            receipt.printed = True
            self.audit("receipt-printed", purpose=receipt.facts.purpose)
            self._show_receipt()

        self.run(write, printed)

    # -- the audit ----------------------------------------------------------------------
    def audit(self, event: str, **details: str | int | bool | None) -> None:
        name = self.errand.name if self.errand is not None else "desk"
        self.host.audit.record(f"{self.audit_prefix}-{name}", None, event, **details)

    # -- endings ------------------------------------------------------------------------
    def wipe(self) -> None:
        """Forget the errand and everything typed into it; late results are dropped."""
        self._token += 1
        self._last_call = None
        self._view = None
        self._receipt = None
        self.busy = False
        errand, self.errand = self.errand, None
        if errand is not None:
            errand.wipe()


@dataclass
class _Receipt:
    facts: ReceiptFacts
    name: str                     # the printable file's name (no code, no national code)
    back: Callable[[], None]
    png: bytes = b""
    printed: bool = False


def form_action(form: Form, action: str, arg: Any) -> None:
    if action == "key":
        form.type(str(arg))
    elif action == "delete":
        form.delete()
    elif action == "clear":
        form.clear()
    elif action == "choose":
        form.choose(str(arg))
    elif action == "date":
        part, delta = arg
        form.step_date(str(part), int(delta))
    elif action == "focus":
        form.focus_on(str(arg))
