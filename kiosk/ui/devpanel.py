"""The developer panel (simulator mode only): insert and remove simulated cards, put a
finger on the simulated sensor. Everything it does goes through the simulators' own
controls, so the kiosk sees exactly what a real reader and sensor would show it."""

from __future__ import annotations

import threading
from typing import Any

from kivy.clock import Clock
from kivy.properties import ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.ui.backend import SimCard, SimFinger, SimulatorRig


class DevPanel(BoxLayout):
    rig = ObjectProperty(None)
    status = StringProperty("")

    def insert(self, kind: str) -> None:
        rig: SimulatorRig = self.rig
        self.status = f"personalizing {kind} card..." if not rig._images else ""

        def work() -> None:  # personalizing a card takes a second the first time
            rig.chip(SimCard(kind))
            Clock.schedule_once(lambda _dt: self._inserted(kind), 0)

        threading.Thread(target=work, daemon=True).start()

    def _inserted(self, kind: str) -> None:
        self.rig.insert(SimCard(kind))
        self.status = f"card in: {kind}"

    def remove(self) -> None:
        self.rig.remove()
        self.status = "reader empty"

    def finger(self, kind: str, *_args: Any) -> None:
        self.rig.place(SimFinger(kind))
        self.status = f"sensor: {kind}"
