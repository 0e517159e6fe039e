"""A form typed on the kiosk's keys: the fields with what is wrong with each, and the
keys of the field being typed. The values come with the view; taps go back as actions."""

from __future__ import annotations

import secrets
from typing import Any

from kivy.clock import Clock
from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout

from kiosk.ui.keys import Keys, keys_for
from kiosk.ui.present import View
from kiosk.ui.screens import DeskScreen
from kiosk.ui.widgets import Txt


class FieldRow(ButtonBehavior, BoxLayout):  # type: ignore[misc]
    """One field: its name, what was typed, what is wrong with it. Tap to type into it."""

    name = StringProperty("")
    label = StringProperty("")
    value = StringProperty("")
    hint = StringProperty("")
    problem = StringProperty("")
    focused = BooleanProperty(False)
    ok = BooleanProperty(False)


class TiltedDigit(Txt):
    """A captcha digit, drawn a little askew (a face draws what the registry sent)."""

    angle = NumericProperty(0)


class FormScreen(DeskScreen):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rows: dict[str, FieldRow] = {}
        self.keys: Keys | None = None
        self._keys_kind: tuple[str, str] | None = None
        self._captcha = ""

    def show(self, view: View) -> None:
        super().show(view)
        data = view.data
        self._fields(data.get("fields", []))
        self._keyboard(data.get("keys", "digits"), data)
        self.fill_buttons(self.ids.buttons, data.get("buttons", []))
        self._captcha_digits(data.get("captcha", ""))

    def _fields(self, fields: list[dict[str, Any]]) -> None:
        box = self.ids.fields
        if [f["name"] for f in fields] != list(self.rows):
            box.clear_widgets()
            self.rows = {}
            self.ids.scroll.scroll_y = 1      # a new form starts at its top
            for f in fields:
                row = FieldRow(name=f["name"])
                row.bind(on_release=lambda r: self.send("focus", r.name))
                self.rows[f["name"]] = row
                box.add_widget(row)
        for f in fields:
            row = self.rows[f["name"]]
            row.label, row.value, row.hint = f["label"], f["value"], f["hint"]
            row.problem, row.focused, row.ok = f["problem"], f["focused"], f["ok"]
        self._show_focused()
        Clock.schedule_once(self._show_focused, 0.05)   # again once the rows have their size

    def _show_focused(self, *_args: Any) -> None:
        """The field being typed in is in sight (the form scrolls without bouncing, so
        where it is put is where it stays)."""
        focused = next((row for row in self.rows.values() if row.focused), None)
        if focused is not None and self.ids.fields.height > self.ids.scroll.height:
            self.ids.scroll.scroll_to(focused, padding=10, animate=False)

    def _keyboard(self, kind: str, data: dict[str, Any]) -> None:
        wanted = (kind, self.app.lang)
        if wanted != self._keys_kind:
            panel = self.ids.keys_panel
            panel.clear_widgets()
            self.keys = keys_for(kind, self.send, self.app.lang)
            panel.add_widget(self.keys)
            self._keys_kind = wanted
        assert self.keys is not None
        self.keys.update(data)

    def _captcha_digits(self, text: str) -> None:
        if text == self._captcha:
            return
        self._captcha = text
        box = self.ids.captcha
        box.clear_widgets()
        draw = secrets.SystemRandom()
        for char in text:
            box.add_widget(TiltedDigit(text=char, angle=draw.uniform(-18, 18)))

    def key(self, action: str, arg: Any = None) -> Any:
        """The key that sends ``action`` (with ``arg``): tests and the tour tap it."""
        assert self.keys is not None
        return self.keys.key(action, arg)

    def leave(self) -> None:
        self.ids.fields.clear_widgets()
        self.rows = {}
        self.ids.captcha.clear_widgets()
        self._captcha = ""
        super().leave()
