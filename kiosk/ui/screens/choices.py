"""Choices as large tiles (services, situations, offices, a day's appointments): each
tile sends its action; a tile that cannot be chosen says why and does nothing."""

from __future__ import annotations

from typing import Any

from kivy.properties import BooleanProperty, ObjectProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout

from kiosk.ui.present import View
from kiosk.ui.screens import DeskScreen


class ChoiceTile(ButtonBehavior, BoxLayout):  # type: ignore[misc]
    title = StringProperty("")
    hint = StringProperty("")
    badge = StringProperty("")
    tone = StringProperty("info")
    enabled = BooleanProperty(True)
    selected = BooleanProperty(False)
    spec = ObjectProperty(None, allownone=True)


class ChoicesScreen(DeskScreen):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.tiles: list[ChoiceTile] = []

    def show(self, view: View) -> None:
        super().show(view)
        grid = self.ids.tiles
        grid.clear_widgets()
        self.tiles = []
        for spec in view.data.get("tiles", []):
            tile = ChoiceTile(title=spec.title, hint=spec.hint, badge=spec.badge,
                              tone=spec.tone, enabled=spec.enabled, selected=spec.selected,
                              spec=spec)
            tile.bind(on_release=self._chosen)
            self.tiles.append(tile)
            grid.add_widget(tile)
        self.fill_buttons(self.ids.buttons, view.data.get("buttons", []))

    def _chosen(self, tile: ChoiceTile) -> None:
        if tile.enabled and tile.spec is not None:
            self.send(tile.spec.action, tile.spec.arg)

    def tile(self, arg: Any) -> ChoiceTile:
        """The tile whose action carries ``arg`` (tests and the tour tap it)."""
        for tile in self.tiles:
            if tile.spec is not None and tile.spec.arg == arg:
                return tile
        raise KeyError(arg)

    def leave(self) -> None:
        self.ids.tiles.clear_widgets()
        self.tiles = []
        super().leave()
