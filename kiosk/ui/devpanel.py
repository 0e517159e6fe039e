"""The developer panel (simulator mode only): insert and remove simulated cards (the one
office mode had the simulated factory issue too), put a finger on the simulated sensor
(the applicant's, whichever the enrolment asks for), make the simulated bank decline
the next payment. Everything it does goes through the simulators' own controls, so the
kiosk sees exactly what a real reader, sensor and bank would show it."""

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
        if SimCard(kind) is SimCard.ISSUED and not rig.has_issued:
            self.status = "no card issued yet (office mode: issue the card)"
            return
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
        finger = SimFinger(kind)
        position = 2
        if finger is SimFinger.APPLICANT:  # the finger the office's enrolment asks for now
            from kivy.app import App

            from kiosk.flows.enrol_fingers import EnrolFingersFlow

            session = getattr(App.get_running_app(), "session", None)
            flow = getattr(session, "flow", None)
            if isinstance(flow, EnrolFingersFlow):
                position = int(flow.finger)
        self.status = f"sensor: {kind}..."

        def work() -> None:  # a synthetic finger image takes a moment to make
            self.rig.place(finger, position)
            Clock.schedule_once(lambda _dt: setattr(self, "status", f"sensor: {kind}"), 0)

        threading.Thread(target=work, daemon=True).start()

    def decline_next_payment(self) -> None:
        from kivy.app import App

        from registry.payments import Behaviour

        bank = getattr(App.get_running_app().registry, "bank", None)
        if bank is None:
            self.status = "the registry is not open yet"
            return
        bank.script(Behaviour.DECLINE)
        self.status = "the simulated bank declines the next payment"
