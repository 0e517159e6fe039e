from __future__ import annotations

from typing import Any

from kivy.properties import StringProperty

from kiosk.ui.present import View
from kiosk.ui.screens import KioskScreen
from kiosk.ui.widgets import masked


class OperatorScreen(KioskScreen):
    """The operator's code, on the same shuffled pad: office mode and leaving the kiosk."""

    dots = StringProperty("")

    def show(self, view: View) -> None:
        super().show(view)
        pad = self.ids.pad
        pad.clear()
        pad.max_length = 8
        pad.shuffle()
        pad.on_digits = lambda count: setattr(self, "dots", masked(count))
        self.dots = ""

    def submit(self) -> None:
        code = self.ids.pad.take()
        self.dots = ""
        self.session.operator_code(code)

    def cancel(self) -> None:
        self.leave()
        self.session.operator_cancel()

    def leave(self, *_args: Any) -> None:
        self.ids.pad.clear()
        self.dots = ""
