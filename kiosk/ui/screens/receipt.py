"""The receipt as it prints (the roll printer's strip, drawn by ``kiosk.receipts``) and
a button that prints it."""

from __future__ import annotations

import io
from typing import Any

from kivy.core.image import Image as CoreImage
from kivy.properties import NumericProperty

from kiosk.ui.present import View
from kiosk.ui.screens import DeskScreen


class ReceiptScreen(DeskScreen):
    paper_ratio = NumericProperty(1.0)  # the strip's height over its width

    def show(self, view: View) -> None:
        super().show(view)
        png = view.data.get("png")
        paper = self.ids.paper
        if png:
            texture = CoreImage(io.BytesIO(png), ext="png", nocache=True).texture
            self.paper_ratio = texture.height / max(1, texture.width)
            paper.texture = texture
        self.fill_buttons(self.ids.buttons, view.data.get("buttons", []))

    def leave(self, *_args: Any) -> None:
        self.ids.paper.texture = None
        super().leave()
