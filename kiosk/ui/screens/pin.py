from __future__ import annotations

from typing import Any

from kivy.properties import BooleanProperty, StringProperty

from kiosk.ui.present import View
from kiosk.ui.screens import KioskScreen
from kiosk.ui.widgets import masked


class PinScreen(KioskScreen):
    """Masked entry on a shuffled pad. For a new PIN it asks twice, then sends both."""

    dots = StringProperty("")
    again = BooleanProperty(False)  # the second entry of a new PIN
    prompt = StringProperty("")

    def show(self, view: View) -> None:
        super().show(view)
        self._first: str | None = None
        self.again = False
        self.prompt = view.title
        pad = self.ids.pad
        pad.clear()
        pad.max_length = view.data.get("max", 8)
        pad.shuffle()
        pad.on_digits = self._typed
        self.dots = ""

    def _typed(self, count: int) -> None:
        self.dots = masked(count)

    def submit(self) -> None:
        pad = self.ids.pad
        if pad.count < self.view.data.get("min", 4):
            return
        if self.view.data.get("mode") == "new":
            if self._first is None:
                self._first = pad.take()
                self.again = True
                self.prompt = self.view.data["again"]
                self.dots = ""
                pad.shuffle()
                return
            first, self._first = self._first, None
            self.session.new_pin(first, pad.take())
        else:
            self.session.pin(pad.take())
        self.dots = ""

    def cancel(self) -> None:
        self.leave()
        self.session.cancel()

    def leave(self, *_args: Any) -> None:
        self._first = None
        self.ids.pad.clear()
        self.dots = ""
