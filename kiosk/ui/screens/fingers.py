"""Ten fingers at the office: which are taken, skipped, asked for now, and the live
guidance of the sensor for the one on the glass; Retry or Skip (with a reason) when a
finger gave no usable touch."""

from __future__ import annotations

from typing import Any

from kivy.properties import StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.ui.present import View
from kiosk.ui.screens import DeskScreen


class FingerChip(BoxLayout):
    name = StringProperty("")
    state = StringProperty("todo")  # todo, now, done, skipped, bad


class FingersScreen(DeskScreen):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.chips: dict[int, FingerChip] = {}

    def show(self, view: View) -> None:
        super().show(view)
        hands = view.data.get("hands", [])
        if len(self.chips) != sum(len(h) for h in hands):
            self.chips = {}
            for box, hand in zip((self.ids.right, self.ids.left), hands, strict=False):
                box.clear_widgets()
                # thumb innermost: the right hand reads thumb..little from the middle out
                for finger in hand:
                    chip = FingerChip()
                    self.chips[finger["position"]] = chip
                    box.add_widget(chip)
        for hand in hands:
            for finger in hand:
                chip = self.chips[finger["position"]]
                chip.name, chip.state = finger["name"], finger["state"]
        self.fill_buttons(self.ids.buttons, view.data.get("buttons", []))

    def leave(self, *_args: Any) -> None:
        super().leave()
