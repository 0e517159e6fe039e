"""The kiosk session: which flow runs, what the screen shows, when everything is wiped.

Runs on the Kivy thread only. Flows run their card, sensor and CA work on one
``ThreadRunner`` whose results come back through ``Clock.schedule_once``; card events
from the reader's watcher arrive the same way, and so do the registry's answers to the
registration desks (:mod:`kiosk.ui.desk`), which call it on the same worker. A card
pulled at any moment ends the running flow (``CardRemoved``); an idle session gets
``Timeout`` and is wiped, with whatever a desk's form held. Nothing secret is kept here:
typed digits live in the PIN pad until they are sent, and the session's reading,
situation, desks and operator are dropped when it ends.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kivy.clock import Clock

from apdu.client import IdentityReading
from apdu.constants import PinRef
from kiosk.flows.activate_signature import SignatureActivationFlow
from kiosk.flows.base import EventRefused, Flow
from kiosk.flows.change_pin import ChangePinFlow, UnblockPinFlow
from kiosk.flows.deliver import DeliverCardFlow
from kiosk.flows.events import (
    Cancel,
    CardRemoved,
    Confirm,
    Event,
    NewPinEntered,
    PinEntered,
    Retry,
    Start,
    Timeout,
)
from kiosk.flows.finger import FingerVerifyFlow
from kiosk.flows.forgot_pin import ForgotPinFlow
from kiosk.flows.outcome import Ending, Outcome
from kiosk.flows.pin_status import PinStatusFlow
from kiosk.flows.read_card import ReadCardFlow
from kiosk.flows.runner import ThreadRunner
from kiosk.flows.situation import CardSituation, Service
from kiosk.ui import present
from kiosk.ui.audit import AuditLog
from kiosk.ui.backend import Backend
from kiosk.ui.desk.base import Desk
from kiosk.ui.desk.citizen import CitizenDesk
from kiosk.ui.desk.office import OfficeDesk
from kiosk.ui.present import View
from kiosk.ui.registry_access import RegistryAccess
from kiosk.ui.words import UiWords
from registry.captcha import DigitCaptcha
from registry.clock import Clock as RegistryClock
from registry.clock import SystemClock
from registry.contract import GeoPoint
from signing.activation import ACTIVATION_FEE_TOMAN

if TYPE_CHECKING:
    from signing.ca import LocalCertificateAuthority

logger = logging.getLogger("nidkiosk.ui")


def code_digest(code: str) -> str:
    return hashlib.sha256(code.encode("ascii", "ignore")).hexdigest()


@dataclass
class Settings:
    idle_seconds: float = 60.0  # no touch and no progress for this long: the session ends
    message_seconds: float = 6.0  # how long "card removed" / "time is up" stay up
    operator_code_sha256: str = code_digest("1402")  # the office's operator; per office
    manager_code_sha256: str = code_digest("2468")  # the office manager (four eyes)
    finger_attempts: int | None = None  # wrong fingers a session allows (None: the card's)
    registry_url: str | None = None  # None: $NIDKIOSK_REGISTRY_URL, else SQLite in the home
    kiosk_id: str = "kiosk-1"  # the kiosk's name in the registry's audit and rate limits
    office_id: int | None = None  # the office this kiosk serves (simulator: the demo office)
    city_prefix: str = "021"  # offices are listed for this phone prefix first
    location: GeoPoint | None = field(default_factory=lambda: GeoPoint(35.6892, 51.3890))

    def operators(self) -> dict[str, str]:
        """Who may enter office mode, by name, with the digest of their code."""
        return {"operator": self.operator_code_sha256, "manager": self.manager_code_sha256}


def pin_ref_of(service: Service) -> PinRef:
    return PinRef.PIN2 if service.name.endswith("PIN2") else PinRef.PIN1


class KioskSession:
    """The kiosk's one running session; ``show`` puts a :class:`View` on screen."""

    def __init__(self, backend: Backend, show: Callable[[View], None], audit: AuditLog,
                 settings: Settings | None = None, lang: str = "fa", *,
                 access: RegistryAccess | None = None,
                 clock: RegistryClock | None = None) -> None:
        self.backend = backend
        self.show_view = show
        self.audit = audit
        self.settings = settings or Settings()
        self.words = UiWords("fa" if lang == "fa" else "en")
        self.runner = ThreadRunner(self._post, name="kiosk-worker")
        self.flow: Flow | None = None
        self.service: Service | None = None
        self._then: Callable[[Outcome], None] | None = None
        self._flow_view: Callable[[Flow], View] | None = None
        self.reading: IdentityReading | None = None
        self.situation: CardSituation | None = None
        self.view: View = View("attract")
        self._after_operator: Callable[[], None] | None = None
        self._operator_back: Callable[[], None] | None = None
        self.last_operator: str | None = None  # who entered the last accepted code
        self._idle = Clock.create_trigger(self._idle_timeout, self.settings.idle_seconds)
        self._home = Clock.create_trigger(lambda _dt: self.go_home(),
                                          self.settings.message_seconds)
        self._authority: LocalCertificateAuthority | None = None
        clock = clock or SystemClock()
        self.access = access or RegistryAccess(self.settings.registry_url,
                                               self.settings.kiosk_id, clock=clock)
        self.citizen = CitizenDesk(self, self.access, clock, captcha=DigitCaptcha(clock),
                                   city_prefix=self.settings.city_prefix,
                                   location=self.settings.location)
        self.office = OfficeDesk(self, self.access, clock, office_id=self.settings.office_id,
                                 finger_attempts=self.settings.finger_attempts)
        self.desk: Desk | None = None
        self._ticker = Clock.schedule_interval(self._tick, 1.0)
        backend.watch(lambda present: Clock.schedule_once(
            lambda _dt: self.card_event(present), 0))

    # -- threads ----------------------------------------------------------------------
    @staticmethod
    def _post(call: Callable[[], None]) -> None:
        Clock.schedule_once(lambda _dt: call(), 0)

    # -- what the screen shows ----------------------------------------------------------
    def _show(self, view: View) -> None:
        self.view = view
        self.show_view(view)

    def set_language(self, lang: str) -> None:
        self.words = UiWords("fa" if lang == "fa" else "en")
        self.refresh()

    def refresh(self) -> None:
        """Show the current state again (after a language change)."""
        if self.flow is not None:
            self._flow_changed(self.flow)
        elif self.desk is not None and self.view.kind not in ("operator", "outcome"):
            self.desk.refresh()
        elif self.view.kind == "menu" and self.situation is not None:
            self._show_menu()
        elif self.view.kind == "identity":
            self._show_identity()
        else:
            self._show(View(self.view.kind, data=dict(self.view.data)))

    def touched(self) -> None:
        """Any touch on the screen: the session is not idle."""
        if self.view.kind not in ("attract",):
            self._idle()

    # -- the registration desks ---------------------------------------------------------
    def registration(self) -> None:
        """The citizen's registration services (no card needed), from the attract screen."""
        self._home.cancel()
        self.wipe()
        self.desk = self.citizen
        self.citizen.menu()

    def office_mode(self) -> None:
        """The office's steps, behind an operator's code."""
        self._home.cancel()
        self.wipe()

        def enter() -> None:
            assert self.last_operator is not None
            self.desk = self.office
            self.office.open(self.last_operator)

        self.ask_operator(enter)

    def act(self, action: str, arg: Any = None) -> None:
        """A tap on a desk's button, tile or key."""
        if self.desk is not None:
            self.desk.act(action, arg)

    def show_desk_view(self, view: View) -> None:
        self._show(view)

    def keep_alive(self) -> None:
        self._idle()

    def _tick(self, _dt: float) -> None:
        if self.desk is not None and self.flow is None:
            self.desk.tick()

    # -- cards come and go --------------------------------------------------------------
    def card_event(self, present: bool) -> None:
        if present and self.desk is self.office and self.office.wants_card:
            self.office.card_inserted()
            return
        if present:
            if self.flow is None and self.view.kind in ("attract", "insert", "outcome"):
                self._home.cancel()
                self.read_card()
            return
        self._home.cancel()
        if self.flow is not None and not self.flow.finished:
            self.flow.send(CardRemoved())  # ends it; the outcome screen follows
            return
        if self.view.kind in ("attract", "insert"):
            return
        if self.desk is not None:
            return  # office mode: the card handed over is taken out; nothing to wipe
        if self.view.kind == "outcome":
            self.go_home()  # taken back once the service had ended: the session is over
            return
        self.wipe()
        self._show(View("outcome", self.words.say("removed.title"),
                        self.words.say("next.CARD_REMOVED"), tone="warn",
                        data={"final": True}))
        self._home()

    # -- services -----------------------------------------------------------------------
    def start(self, flow: Flow, service: Service | None, *,
              then: Callable[[Outcome], None] | None = None,
              view: Callable[[Flow], View] | None = None) -> None:
        """Run ``flow``; its screens from :func:`present.flow_view` (or ``view``). A desk
        passes ``then`` to take the outcome itself (a card pulled or a session gone idle
        still ends everything)."""
        self._home.cancel()
        self.flow = flow
        self.service = service
        self._then = then
        self._flow_view = view
        flow.subscribe(self._flow_changed)
        self._idle()
        flow.send(Start())
        if self.flow is flow and not flow.finished:
            self._flow_changed(flow)

    def read_card(self) -> None:
        b = self.backend
        self.start(ReadCardFlow(self.runner, b.open_card, b.trust_anchors), Service.READ)

    def look(self) -> None:
        """What the card allows now (the services menu)."""
        self.start(PinStatusFlow(self.runner, self.backend.open_card), Service.PIN_STATUS)

    def authority(self) -> LocalCertificateAuthority:
        if self._authority is None:
            from signing.ca import LocalCertificateAuthority  # SQLAlchemy: only when used

            self._authority = LocalCertificateAuthority(self.backend.ca_dir)
        return self._authority

    def choose(self, service: Service) -> None:
        """A tile of the services menu was tapped."""
        if service is Service.DELIVER:
            self.ask_operator(self._deliver)
            return
        b, r = self.backend, self.runner
        ref = pin_ref_of(service)
        flow: Flow
        if service in (Service.CHANGE_PIN1, Service.CHANGE_PIN2):
            flow = ChangePinFlow(r, b.open_card, ref)
        elif service in (Service.UNBLOCK_PIN1, Service.UNBLOCK_PIN2):
            flow = UnblockPinFlow(r, b.open_card, ref)
        elif service in (Service.RESET_PIN1_BY_FINGER, Service.RESET_PIN2_BY_FINGER):
            flow = ForgotPinFlow(r, b.open_card, b.fingers, ref,
                                 wrong_attempts=self.settings.finger_attempts)
        elif service is Service.VERIFY_FINGER:
            flow = FingerVerifyFlow(r, b.open_card, b.fingers,
                                    wrong_attempts=self.settings.finger_attempts)
        elif service is Service.ACTIVATE_SIGNATURE:
            flow = SignatureActivationFlow(r, b.open_card, self.authority(), b.journal_dir,
                                           b.trust_anchors)
        elif service is Service.READ:
            self.read_card()
            return
        else:
            return
        self.start(flow, service)

    def _deliver(self) -> None:
        b = self.backend
        self.start(DeliverCardFlow(self.runner, b.open_card, b.fingers, b.trust_anchors,
                                   wrong_attempts=self.settings.finger_attempts),
                   Service.DELIVER)

    # -- what the person sends ----------------------------------------------------------
    def send(self, event: Event) -> None:
        self._idle()
        flow = self.flow
        if flow is None or flow.finished:
            return
        try:
            flow.send(event)
        except EventRefused:
            logger.info("refused %s in %s", type(event).__name__, flow.state)

    def pin(self, digits: str) -> None:
        self.send(PinEntered(digits))

    def new_pin(self, pin: str, again: str) -> None:
        self.send(NewPinEntered(pin, again))

    def confirm(self) -> None:
        self.send(Confirm())

    def retry(self) -> None:
        self.send(Retry())

    def cancel(self) -> None:
        if self.flow is not None and not self.flow.finished:
            self.flow.send(Cancel())
        else:
            self.finish()

    def finish(self) -> None:
        """The person is done: wipe, and ask for the card back."""
        self.wipe()
        self._show(View("attract" if not self.backend.card_present() else "outcome",
                        self.words.say("button.finish"), self.words.say("take_card"),
                        data={"final": True}))
        if self.backend.card_present():
            self._home()

    def more(self) -> None:
        """Back to the services menu (a fresh look at what the card allows)."""
        if self.reading is not None and self.backend.card_present():
            self.look()
        else:
            self.go_home()

    # -- operator -----------------------------------------------------------------------
    def ask_operator(self, then: Callable[[], None]) -> None:
        self._after_operator = then
        self._idle()
        self._show(View("operator", self.words.say("pin.operator"), data={"error": ""}))

    def ask_manager(self, then: Callable[[], None], back: Callable[[], None],
                    error: str = "") -> None:
        """The code of someone else than the operator (the office manager's decision)."""
        self._after_operator = then
        self._operator_back = back
        self._idle()
        self._show(View("operator", self.words.say("pin.manager"), data={"error": error}))

    def operator_code(self, code: str) -> bool:
        digest = code_digest(code)
        who = next((name for name, wanted in self.settings.operators().items()
                    if hmac.compare_digest(digest, wanted)), None)
        if who is None:
            self.audit.record("operator", None, "operator-code-refused")
            self._show(View("operator", self.view.title or self.words.say("pin.operator"),
                            data={"error": self.words.say("pin.operator_wrong")}))
            return False
        then, self._after_operator = self._after_operator, None
        self._operator_back = None
        self.last_operator = who
        self.audit.record("operator", None, "operator-code-accepted", operator=who)
        if then is not None:
            then()
        return True

    def operator_cancel(self) -> None:
        self._after_operator = None
        back, self._operator_back = self._operator_back, None
        if back is not None:
            back()
        elif self.situation is not None and self.flow is None:
            self._show_menu()
        else:
            self.go_home()

    # -- the flow moves -----------------------------------------------------------------
    def _flow_changed(self, flow: Flow) -> None:
        if flow is not self.flow:
            return
        service = self.service or Service.READ
        if not flow.finished:
            self._idle()
            self._show(self._flow_view(flow) if self._flow_view is not None
                       else present.flow_view(self.words, flow, service))
            return
        outcome = flow.outcome
        assert outcome is not None
        self.flow = None
        self.audit.record(self.service.value if self.service else flow.name, outcome)
        then, self._then, self._flow_view = self._then, None, None
        if then is not None and outcome.ending not in (Ending.CARD_REMOVED, Ending.TIMED_OUT):
            then(outcome)
            return
        if outcome.ending in (Ending.CARD_REMOVED, Ending.TIMED_OUT):
            self.wipe()
            ended = (present.outcome_view(self.words, outcome, service, None)
                     if outcome.ending is Ending.CARD_REMOVED else
                     View("outcome", self.words.say("timeout.title"),
                          self.words.say("timeout.body"), tone="warn"))
            ended.data["final"] = True      # before it is shown: no "other services" left
            self._show(ended)
            self._home()
            return
        if service is Service.READ and outcome.ending in (Ending.DONE, Ending.NOT_GENUINE):
            assert isinstance(outcome.value, IdentityReading)
            self.reading = outcome.value
            self._show_identity()
            return
        if service is Service.PIN_STATUS and outcome.ok:
            assert isinstance(outcome.value, CardSituation)
            self.situation = outcome.value
            self._show_menu()
            return
        situation = getattr(flow, "situation", None) or self.situation
        view = present.outcome_view(self.words, outcome, service, situation)
        view.data["final"] = not self.backend.card_present() or self.reading is None
        self._show(view)

    def _show_identity(self) -> None:
        reading = self.reading
        if reading is None:
            self.go_home()
            return
        self._show(View("identity", data={"reading": reading}))

    def _show_menu(self) -> None:
        assert self.situation is not None
        self._show(present.menu_view(self.words, self.situation, ACTIVATION_FEE_TOMAN * 10))

    # -- endings ------------------------------------------------------------------------
    def _idle_timeout(self, _dt: float) -> None:
        if self.view.kind == "attract":
            return
        flow = self.flow
        if flow is not None and not flow.finished:
            flow.send(Timeout())  # its outcome screen wipes and goes home
            return
        self.audit.record("session", None, "idle-wiped")
        self.wipe()
        self._show(View("outcome", self.words.say("timeout.title"),
                        self.words.say("timeout.body"), tone="warn", data={"final": True}))
        self._home()

    def wipe(self) -> None:
        """Forget everything about the holder: reading, photo, situation, flow."""
        flow, self.flow = self.flow, None
        self._then = None
        self._flow_view = None
        if flow is not None and not flow.finished:
            flow.send(Cancel())
        self.reading = None
        self.situation = None
        self.service = None
        self._after_operator = None
        self._operator_back = None
        self.last_operator = None
        self.citizen.wipe()
        self.office.wipe()
        self.desk = None
        self._idle.cancel()

    def go_home(self) -> None:
        self.wipe()
        self._home.cancel()
        self._show(View("attract"))

    def close(self) -> None:
        self.wipe()
        self._home.cancel()
        self._ticker.cancel()
        self.runner.close()
        self.access.close()
        if self._authority is not None:
            self._authority.close()
