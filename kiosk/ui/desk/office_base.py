"""What office mode's errands share: the session as office mode sees it, an errand that
calls the registry as the operator who entered their code, and a charge's receipt."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from kiosk.flows.base import Flow
from kiosk.flows.outcome import Outcome
from kiosk.flows.situation import Service
from kiosk.ui.desk.base import DeskHost, Errand
from kiosk.ui.desk.views import Button
from kiosk.ui.present import View
from registry.office_contract import Charge, OfficeRecord
from registry.service import RegistryService

if TYPE_CHECKING:
    from kiosk.ui.desk.office import OfficeDesk


class OfficeHost(DeskHost, Protocol):
    """What office mode needs of the session besides a desk's: flows and devices."""

    @property
    def backend(self) -> Any: ...

    def start(self, flow: Flow, service: Service | None, *,
              then: Callable[[Outcome], None] | None = None,
              view: Callable[[Flow], View] | None = None) -> None: ...

    def send(self, event: Any) -> None: ...

    def ask_manager(self, then: Callable[[], None], back: Callable[[], None],
                    error: str = "") -> None: ...

    @property
    def last_operator(self) -> str | None: ...


class OfficeErrand(Errand):
    def __init__(self, desk: OfficeDesk) -> None:
        super().__init__(desk)
        self.office = desk

    def call(self, job: Callable[[RegistryService], Any], done: Callable[[Any], None],
             **kwargs: Any) -> None:
        self.office.call_as_operator(job, done, **kwargs)

    def act(self, action: str, arg: Any) -> bool:
        handler = getattr(self, f"on_{action}", None)
        if handler is None:
            return False
        handler(arg)
        return True

    def home_button(self) -> Button:
        return Button("office_home", self.w.say("office.home"), "office_home", role="secondary")

def show_charge_receipt(desk: OfficeDesk, record: OfficeRecord, charge: Charge,
                        name: str) -> None:
    from kiosk.receipts import ReceiptFacts

    desk.show_receipt(ReceiptFacts.of(record, charge), name, desk.render)


