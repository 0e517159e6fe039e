"""The receipt as it prints (the roll printer's strip, drawn by ``kiosk.receipts``) and
a button that prints it."""

from __future__ import annotations

import io
from typing import Any

from kivy.core.image import Image as CoreImage
from kivy.factory import Factory
from kivy.properties import NumericProperty
from kivy.uix.image import Image

from kiosk.ui.present import View
from kiosk.ui.screens import DeskScreen


class Paper(Image):  # type: ignore[misc]
    """The printed strip, as wide as its column and as long as it is."""

    image_ratio_inverse = NumericProperty(1.0)


Factory.register("Paper", cls=Paper)


class ReceiptScreen(DeskScreen):
    def show(self, view: View) -> None:
        super().show(view)
        png = view.data.get("png")
        paper = self.ids.paper
        if png:
            texture = CoreImage(io.BytesIO(png), ext="png").texture
            paper.texture = texture
            paper.image_ratio_inverse = texture.height / max(1, texture.width)
        self.fill_buttons(self.ids.buttons, view.data.get("buttons", []))

    def leave(self, *_args: Any) -> None:
        self.ids.paper.texture = None
        super().leave()
