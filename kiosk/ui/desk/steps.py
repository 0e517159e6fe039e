"""What the citizen's errands share: steps with Back, the registry form's field names,
the kiosk's own checks, the status timeline."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Any, cast

from kiosk.ui.desk.base import Desk, Errand
from kiosk.ui.desk.views import Button
from registry.forms import Field as FormField
from registry.lifecycle import Status

if TYPE_CHECKING:
    from kiosk.ui.desk.citizen import CitizenDesk

FIELD_NAMES = {FormField.MOBILE: "mobile", FormField.NATIONAL_CODE: "national_code",
               FormField.BIRTH_CERTIFICATE_SERIAL: "serial",
               FormField.BIRTH_DATE: "birth_date", FormField.MOTHER_NAME: "mother_name",
               FormField.GENDER: "gender", FormField.TRACKING_CODE: "tracking_code"}
"""The registry form's fields by the names the kiosk's form gives them."""

SITUATIONS = ("none", "lost", "changed", "old", "smart", "damaged", "abroad")
MAIN_PATH = (Status.AWAITING_PAYMENT, Status.REGISTERED, Status.BOOKED, Status.COMPLETED,
             Status.APPROVED, Status.ISSUED, Status.READY_FOR_COLLECTION, Status.DELIVERED)
"""The statuses an application passes on its way, in order: the status timeline."""


class Typed(Enum):
    """What the kiosk's own questions can find wrong before the registry sees anything."""

    YEAR = "year"                 # a year is four digits, not after this year
    MISSING = "missing"



class StepErrand(Errand):
    """An errand of steps, with Back to the step before (the first goes to the menu)."""

    def __init__(self, desk: Desk) -> None:
        super().__init__(desk)
        self.step = ""
        self._trail: list[str] = []

    @property
    def citizen(self) -> CitizenDesk:
        return cast("CitizenDesk", self.desk)     # the only desk these errands serve

    def goto(self, step: str, *, remember: bool = True) -> None:
        if remember and self.step and self.step != step:
            self._trail.append(self.step)
        self.step = step
        self.desk.render()

    def back(self) -> None:
        if self._trail:
            self.step = self._trail.pop()
            self.desk.render()
        else:
            self.citizen.menu()

    def act(self, action: str, arg: Any) -> bool:
        if action == "back":
            self.back()
            return True
        handler = getattr(self, f"on_{action}", None)
        if handler is None:
            return False
        handler(arg)
        return True

    def nav(self, *extra: Button) -> list[Button]:
        w = self.w
        return [*extra, Button("back", w.say("button.back"), "back", role="secondary")]


