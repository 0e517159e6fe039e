"""A page of facts: a tracking code shown big, rows of label and value, a countdown, a
timeline of steps, a photo, and what to do next. Everything comes worded in the view."""

from __future__ import annotations

import io
from typing import Any

from kivy.core.image import Image as CoreImage
from kivy.metrics import dp

from kiosk.ui.present import View
from kiosk.ui.screens import DeskScreen
from kiosk.ui.theme import COLOURS
from kiosk.ui.widgets import DirBox, Dot, Txt


class SheetScreen(DeskScreen):
    def show(self, view: View) -> None:
        same_page = (self.view.kind == view.kind and self.view.title == view.title
                     and self.view.data.get("rows") == view.data.get("rows"))
        super().show(view)
        data = view.data
        if not same_page:  # a countdown tick only changes the countdown
            self._rows(data.get("rows", []))
            self._steps(data.get("steps", []))
            self._photo(data.get("photo"))
        self.fill_buttons(self.ids.buttons, data.get("buttons", []))

    def _rows(self, rows: list[tuple[str, str]]) -> None:
        box = self.ids.rows
        box.clear_widgets()
        scale = self.app.font_scale
        rtl = self.app.lang == "fa"
        for label, value in rows:
            row = DirBox(rtl=rtl, size_hint_y=None, spacing=dp(16))
            name = Txt(text=label, color=COLOURS["muted"], size_hint_x=.36,
                       font_size=dp(19) * scale)
            shown = Txt(text=value, font_name="VazirmatnMedium", size_hint_x=.64,
                        font_size=dp(22) * scale, paragraph=True)
            row.add_widget(name)
            row.add_widget(shown)
            shown.bind(texture_size=lambda _w, size, r=row: setattr(
                r, "height", max(dp(40) * scale, size[1] + dp(6))))
            row.height = dp(40) * scale
            box.add_widget(row)

    def _steps(self, steps: list[dict[str, str]]) -> None:
        box = self.ids.steps
        box.clear_widgets()
        rtl = self.app.lang == "fa"
        for step in steps:
            row = DirBox(rtl=rtl, size_hint_y=None, height=dp(38), spacing=dp(12))
            row.add_widget(Dot(state=step["status"], pos_hint={"center_y": .5}))
            label = Txt(text=step["text"], font_size=dp(20) * self.app.font_scale,
                        font_name="VazirmatnMedium" if step["status"] in ("now", "bad")
                        else "Vazirmatn")
            if step["status"] == "todo":
                label.color = (0.45, 0.5, 0.55, 1)
            elif step["status"] == "bad":
                label.color = COLOURS["bad"]
            row.add_widget(label)
            label.bind(texture_size=lambda _w, size, r=row: setattr(
                r, "height", max(dp(38), size[1] + dp(6))))   # a step wrapped on two lines
            box.add_widget(row)

    def _photo(self, jpeg: bytes | None) -> None:
        self.ids.photo.texture = (CoreImage(io.BytesIO(jpeg), ext="jpg").texture
                                  if jpeg else None)

    def leave(self, *_args: Any) -> None:
        self.ids.rows.clear_widgets()
        self.ids.steps.clear_widgets()
        self.ids.photo.texture = None
        super().leave()
