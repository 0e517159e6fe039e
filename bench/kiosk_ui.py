"""Kiosk UI benchmarks, offscreen, on the simulators.

1. start-up to the attract screen drawn (goal < 2 s), against an empty Kivy app started
   the same way in the same run (the baseline);
2. card insertion to the identity on screen (goal < 300 ms);
3. frame times while a flow works on the card (activation: key generation on the card and
   certification run on the worker; the UI must keep drawing).

Each start-up is a fresh process (Kivy starts once per process). Medians of N runs.

    python -m bench.kiosk_ui [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

CHILD_EMPTY = r"""
import time, os, json
t0 = float(os.environ["T0"])
from kiosk.ui.main import prepare_kivy
prepare_kivy(offscreen=True)
from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.uix.widget import Widget
class Empty(App):
    def build(self):
        Window.bind(on_flip=self.flipped)
        return Widget()
    def flipped(self, *a):
        Window.unbind(on_flip=self.flipped)  # stopping inside a flip would flip again
        print(json.dumps({"first_frame": time.time() - t0}), flush=True)
        Clock.schedule_once(lambda dt: self.stop(), 0)
Empty().run()
"""

CHILD_KIOSK = r"""
import time, os, json
t0 = float(os.environ["T0"])
from kiosk.ui.main import prepare_kivy, audit_path
prepare_kivy(offscreen=True)
from kivy.clock import Clock
from kivy.core.window import Window
from kiosk.ui.app import KioskApp
from kiosk.ui.backend import SimulatorRig, SimCard
from kiosk.ui.controller import Settings
rig = SimulatorRig()
prep_start = time.time()
rig._image(1402)  # the simulated card's personalization: not the kiosk's start-up
prep = time.time() - prep_start
out = {}
app = KioskApp(backend=rig, settings=Settings(idle_seconds=600), audit_path=audit_path(),
               transitions=False, dev_panel=False)
state = {"phase": "start", "frames": [], "last": None}
def flipped(*a):
    now = time.perf_counter()
    view = app.session.view.kind if app.session else None
    if state["phase"] == "start" and view == "attract":
        out["startup"] = time.time() - t0 - prep
        state["phase"] = "insert"
        Clock.schedule_once(insert, 0.3)
    elif state["phase"] == "wait-identity" and view == "identity":
        out["insert_to_identity"] = now - state["inserted"]
        state["phase"] = "done"
        Clock.schedule_once(lambda dt: app.stop(), 0)
def insert(dt):
    state["phase"] = "wait-identity"
    state["inserted"] = time.perf_counter()
    rig.insert(SimCard.HOLDER)
def redraw(dt):
    Window.canvas.ask_update()
Window.bind(on_flip=flipped)
Clock.schedule_interval(redraw, 0)
app.run()
rig.close()
print(json.dumps(out), flush=True)
"""

CHILD_FRAMES = r"""
import time, os, json, threading
from kiosk.ui.main import prepare_kivy, audit_path
prepare_kivy(offscreen=True)
from kivy.clock import Clock
from kivy.core.window import Window
from kiosk.flows.activate_signature import SignatureActivationFlow
from kiosk.flows.events import Confirm, NewPinEntered, PinEntered, Start
from kiosk.flows.situation import Service
from kiosk.ui.app import KioskApp
from kiosk.ui.backend import SIM_PIN1, SimulatorRig, SimCard
from kiosk.ui.controller import Settings
from signing.activation_errors import Step
rig = SimulatorRig()
rig._image(1402)
app = KioskApp(backend=rig, settings=Settings(idle_seconds=600), audit_path=audit_path(),
               transitions=False, dev_panel=False)
frames, idle, state = [], [], {"last": None, "busy": False}
def flipped(*a):
    now = time.perf_counter()
    if state["last"] is not None:
        (frames if state["busy"] else idle).append(now - state["last"])
    state["last"] = now
def begin(dt):
    rig.reader.insert(rig.chip(SimCard.HOLDER))
    s = app.session
    flow = SignatureActivationFlow(s.runner, rig.open_card, s.authority(), rig.journal_dir,
                                   rig.trust_anchors)
    s.service = Service.ACTIVATE_SIGNATURE
    def changed(f):
        state["busy"] = f.busy
        if f.finished:
            Clock.schedule_once(lambda dt: app.stop(), 0.2)
        elif not f.busy and f.state.name == "CONFIRMING":
            f.send(Confirm())
        elif not f.busy and f.state.name == "ASKING_PIN1":
            f.send(PinEntered(SIM_PIN1))
        elif not f.busy and f.state.name == "ASKING_NEW_PIN2":
            f.send(NewPinEntered("31415926", "31415926"))
    flow.subscribe(changed)
    flow.send(Start())
Window.bind(on_flip=flipped)
Clock.schedule_interval(lambda dt: Window.canvas.ask_update(), 0)
Clock.schedule_once(begin, 1.0)
app.run()
rig.close()
print(json.dumps({"busy": frames, "idle": idle}), flush=True)
"""


def child(code: str, home: str) -> dict:
    """Run ``code`` as a script in a fresh process (Kivy's App recurses without end when
    started from ``python -c``: it looks for its directory from ``sys.argv[0]``)."""
    script = os.path.join(home, "child.py")
    with open(script, "w", encoding="utf-8") as file:
        file.write(code)
    env = dict(os.environ, NIDKIOSK_HOME=home, T0=repr(time.time()))
    done = subprocess.run([sys.executable, script], env=env, capture_output=True,
                          text=True, timeout=300, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    home = tempfile.mkdtemp(prefix="nidkiosk-bench-ui-")
    empty = [child(CHILD_EMPTY, home)["first_frame"] for _ in range(args.runs)]
    kiosk = [child(CHILD_KIOSK, home) for _ in range(args.runs)]
    frames = child(CHILD_FRAMES, home)
    ms = lambda xs: round(statistics.median(xs) * 1000, 1)  # noqa: E731
    busy = sorted(frames["busy"])
    print(f"start-up, empty Kivy app to first frame (baseline): median {ms(empty)} ms")
    print(f"start-up, kiosk to attract screen drawn:            median "
          f"{ms([k['startup'] for k in kiosk])} ms (goal < 2000)")
    print(f"card inserted to identity on screen:                median "
          f"{ms([k['insert_to_identity'] for k in kiosk])} ms (goal < 300)")
    if busy:
        p95 = busy[int(len(busy) * 0.95) - 1] if len(busy) > 1 else busy[0]
        print(f"frame time while activation works on the card:     median {ms(busy)} ms, "
              f"p95 {round(p95 * 1000, 1)} ms, max {round(busy[-1] * 1000, 1)} ms "
              f"({len(busy)} frames)")
    if frames["idle"]:
        print(f"frame time with nothing running (same process):    median "
              f"{ms(frames['idle'])} ms")


if __name__ == "__main__":
    main()
