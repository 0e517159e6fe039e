"""The kiosk's screens: one ``.kv`` file each for the look, a small ``.py`` for the logic.

A screen only shows a :class:`~kiosk.ui.present.View` and forwards taps to the session;
it knows nothing about cards.
"""

from __future__ import annotations

from typing import Any

from kivy.app import App
from kivy.properties import ObjectProperty
from kivy.uix.screenmanager import Screen

from kiosk.ui.present import View


class KioskScreen(Screen):  # type: ignore[misc]
    view = ObjectProperty(View("none"), rebind=True)

    @property
    def app(self) -> Any:
        return App.get_running_app()

    @property
    def session(self) -> Any:
        return self.app.session

    def show(self, view: View) -> None:
        self.view = view

    def leave(self) -> None:
        """The screen is replaced: drop anything it holds about the person."""


class DeskScreen(KioskScreen):
    """A screen of the registration desks: its buttons come with the view, each sending
    its action to the session; ``buttons`` finds them by id (tests, the tour)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.buttons: dict[str, Any] = {}

    def send(self, action: str, arg: Any = None) -> None:
        self.session.act(action, arg)

    def fill_buttons(self, row: Any, buttons: list[Any]) -> None:
        """Lay the view's buttons out in ``row`` (a DirBox), the first at the start."""
        from kiosk.ui.widgets import KButton

        if [getattr(b, "spec", None) for b in reversed(row.children)] == list(buttons) \
                and row.children:
            self.buttons = {b.spec.id: b for b in row.children}
            return  # the same buttons (a key typed, a countdown tick): keep them
        row.clear_widgets()
        self.buttons = {}
        for spec in buttons:
            button = KButton(text=spec.text, role=spec.role, disabled=not spec.enabled)
            if not spec.enabled:
                button.opacity = 0.45
            button.spec = spec
            button.bind(on_release=lambda b: self.send(b.spec.action, b.spec.arg))
            self.buttons[spec.id] = button
            row.add_widget(button)
            button.natural_min = button.min_height
            button.bind(texture_size=lambda *_a: _fit_height(row))
        _fit_height(row)

    def button(self, button_id: str) -> Any:
        return self.buttons[button_id]

    def leave(self) -> None:
        """Nothing the person typed or was shown stays in a widget."""
        self.buttons = {}
        self.view = View("none")


def _fit_height(row: Any) -> None:
    """A row of buttons as tall as its tallest (a label wrapped on two lines), each of
    them as tall as the row, never shorter than the height its screen gave it."""
    from kivy.metrics import dp

    if not hasattr(row, "base_height"):
        row.base_height = row.height
    natural = [max(dp(b.natural_min), b.texture_size[1] + dp(28)) for b in row.children]
    tallest = max(natural, default=0.0)
    row.height = max(row.base_height, tallest)
    for button in row.children:
        button.min_height = max(button.natural_min, tallest / dp(1))
