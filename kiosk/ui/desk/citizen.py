"""The citizen's registration services at the kiosk, no card needed: eligibility and
fees, pre-registration (form, captcha, review, payment, tracking code), booking an
appointment (offices, a held place counting down, payment), recovering a tracking code
and an application's status.

Every rule is the registry's: ``registry.eligibility`` decides, the dated fee book
prices, ``registry.forms`` checks the fields, the service registers, holds and takes
payments. These errands only keep what was typed and chosen, call, and show: the desk
and its menu here, the errands in ``register`` (eligibility, pre-registration),
``booking`` and ``lookup`` (recovery, status), their common steps in ``steps``.
"""

from __future__ import annotations

from typing import Any

from kiosk.ui.desk.base import Desk, DeskHost, Errand
from kiosk.ui.desk.booking import BookErrand
from kiosk.ui.desk.lookup import RecoverErrand, StatusErrand
from kiosk.ui.desk.register import EligibilityErrand
from kiosk.ui.desk.views import Button, Tile, choices_view
from kiosk.ui.present import View
from kiosk.ui.registry_access import RegistryAccess
from registry.captcha import Captcha
from registry.clock import Clock
from registry.contract import GeoPoint


class CitizenDesk(Desk):
    """The registration services a citizen reaches from the attract screen."""

    audit_prefix = "registry"

    def __init__(self, host: DeskHost, access: RegistryAccess, clock: Clock, *,
                 captcha: Captcha, city_prefix: str, location: GeoPoint | None) -> None:
        super().__init__(host, access, clock)
        self.captcha = captcha
        self.city_prefix = city_prefix
        self.location = location

    def menu(self) -> None:
        self.begin(MenuErrand(self))

    def start(self, service: str, **args: Any) -> None:
        errands = {"eligibility": EligibilityErrand, "register": EligibilityErrand,
                   "book": BookErrand, "recover": RecoverErrand, "status": StatusErrand}
        if service == "register":
            args.setdefault("then_register", True)
        self.begin(errands[service](self, **args))

    def act(self, action: str, arg: Any = None) -> None:
        if action == "home":
            self.host.go_home()
        elif action == "menu":
            self.menu()
        elif action == "service":
            self.start(str(arg))
        else:
            super().act(action, arg)


# --- the menu ---------------------------------------------------------------------------

class MenuErrand(Errand):
    name = "menu"

    def view(self) -> View:
        w = self.w
        tiles = [Tile(w.say(f"service.{name}"), w.say(f"service.{name}.hint"), "service", name)
                 for name in ("eligibility", "register", "book", "recover", "status")]
        return choices_view(w, w.say("registry.menu"), tiles,
                            [Button("home", w.say("button.home"), "home", role="secondary")],
                            body=w.say("registry.menu_body"))
