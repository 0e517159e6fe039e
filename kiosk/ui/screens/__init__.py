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
