from __future__ import annotations

from typing import Any

from kivy.metrics import dp
from kivy.properties import ObjectProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior

from kiosk.ui.present import View
from kiosk.ui.screens import KioskScreen
from kiosk.ui.widgets import Panel, Txt


class Tile(ButtonBehavior, Panel):  # type: ignore[misc]
    """One service: its name and what it needs (tries left, fee)."""

    title = StringProperty("")
    hint = StringProperty("")
    service = ObjectProperty(None)


class MenuScreen(KioskScreen):
    def show(self, view: View) -> None:
        super().show(view)
        grid = self.ids.tiles
        grid.clear_widgets()
        for tile in view.data.get("tiles", []):
            widget = Tile(title=tile["title"], hint=tile["hint"], service=tile["service"])
            widget.bind(on_release=self._chosen)
            grid.add_widget(widget)
        status = self.ids.status
        status.clear_widgets()
        for item in view.data.get("status", []):
            chip = Txt(text=item, align="center", font_size=18 * self.app.font_scale,
                       color=(0.03, 0.23, 0.27, 1))
            chip.bind(texture_size=self._fit_status)
            status.add_widget(chip)

    def _fit_status(self, *_args: Any) -> None:
        """The band of tries left as tall as its tallest entry (one wrapped on two lines)."""
        status = self.ids.status
        tallest = max((c.texture_size[1] for c in status.children), default=0)
        status.parent.height = max(dp(56) * self.app.font_scale, tallest + dp(16))

    def _chosen(self, tile: Any) -> None:
        self.session.choose(tile.service)

    def tile(self, service: Any) -> Tile:
        for widget in self.ids.tiles.children:
            if widget.service is service:
                return widget
        raise KeyError(service)
