"""A scripted tour of the kiosk's main paths, offscreen, with a screenshot of every screen.

What ``make run`` does where there is no display, and what ``docs/screens`` is made
from. It drives the real app on the simulators exactly as a person would (taps on the
app's own buttons and keys, cards and fingers through the developer panel's rig) and
saves each screen once it has been drawn (on ``Window.on_flip``): the card services,
then the registration services and office mode (``kiosk.ui.tour_registry``) on a
registry of the tour's own (SQLite, migrated, in a temporary directory).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

logger = logging.getLogger("nidkiosk.ui.tour")

NEW_PIN1 = "975310"
FORGOT_PIN1 = "864209"
NEW_PIN2 = "31415926"
OPERATOR = "1402"


@dataclass
class Step:
    until: Callable[[], bool]  # wait for this
    shot: str | None  # then save a screenshot by this name
    then: Callable[[], object] | None = None  # then do this


@dataclass
class _TourState:
    index: int = 0  # the step waited for
    pending: str | None = None  # a screenshot to take at the next frames
    settle: int = 0  # frames to let pass before it
    elapsed: float = 0.0
    waited: float = 0.0  # on the current step


def _press_button(widget: Any) -> None:
    widget.dispatch("on_release")


def type_pin(app: Any, screen: str, digits: str) -> None:
    pad = app.screen(screen).ids.pad
    for digit in digits:
        pad.press(digit)
    app.screen(screen).submit()


def build_steps(app: Any, rig: Any, lang_tour: bool = True,
                registry: bool = True) -> list[Step]:
    from kiosk.flows.situation import Service
    from kiosk.ui.backend import SIM_PIN1, SimCard, SimFinger

    def on(kind: str) -> Callable[[], bool]:
        return lambda: app.manager.current == kind and app.session.view.kind == kind

    def on_pin(mode: str, again: bool = False) -> Callable[[], bool]:
        def check() -> bool:
            if not on("pin")():
                return False
            screen = app.screen("pin")
            return bool(screen.view.data.get("mode") == mode and screen.again == again)
        return check

    def tap(kind: str, widget_id: str) -> Callable[[], None]:
        return lambda: _press_button(app.screen(kind).ids[widget_id])

    def tile(service: Service) -> Callable[[], None]:
        return lambda: _press_button(app.screen("menu").tile(service))

    def pin_digits(digits: str) -> Callable[[], None]:
        def typed() -> None:
            screen = app.screen("pin")
            for digit in digits:
                screen.ids.pad.press(digit)
        return typed

    def submit() -> None:
        app.screen("pin").submit()

    def enter(digits: str) -> Callable[[], None]:
        def typed_and_sent() -> None:
            pin_digits(digits)()
            submit()
        return typed_and_sent

    def matched_or_retry(then: Callable[[], bool]) -> Callable[[], bool]:
        """A synthetic touch the card does not recognise (it happens): another touch."""
        def check() -> bool:
            if on("finger")() and app.session.view.data.get("retry"):
                rig.place(SimFinger.HOLDER)
                app.session.retry()
                return False
            return then()
        return check

    steps = [
        Step(on("attract"), "attract", lambda: rig.insert(SimCard.HOLDER)),
        Step(on("identity"), "identity", tap("identity", "services")),
        Step(on("menu"), "menu", tile(Service.CHANGE_PIN1)),
        Step(on_pin("secret"), None, pin_digits(SIM_PIN1)),
        Step(lambda: app.screen("pin").dots != "", "pin-entry", submit),
        Step(on_pin("new"), "new-pin", enter(NEW_PIN1)),
        Step(on_pin("new", again=True), None, enter(NEW_PIN1)),
        Step(on("outcome"), "pin-changed", tap("outcome", "more")),
        Step(on("menu"), None, tile(Service.RESET_PIN1_BY_FINGER)),
        Step(on("finger"), "finger", lambda: rig.place(SimFinger.HOLDER)),
        Step(matched_or_retry(on_pin("new")), "forgot-new-pin",
             enter(FORGOT_PIN1)),
        Step(on_pin("new", again=True), None, enter(FORGOT_PIN1)),
        Step(on("outcome"), "pin-reset", tap("outcome", "more")),
        Step(on("menu"), None, tile(Service.ACTIVATE_SIGNATURE)),
        Step(on("confirm"), "activation-fee", tap("confirm", "confirm")),
        Step(on_pin("secret"), None, enter(FORGOT_PIN1)),
        Step(on_pin("new"), None, enter(NEW_PIN2)),
        Step(on_pin("new", again=True), None, enter(NEW_PIN2)),
        Step(lambda: on("working")() and bool(app.session.view.data.get("steps")),
             "activation-progress"),
        Step(on("outcome"), "signature-active", tap("outcome", "finish")),
        Step(on("outcome"), None, rig.remove),
        Step(on("attract"), None, lambda: rig.insert(SimCard.FORGED)),
        Step(on("identity"), "forged", tap("identity", "finish_bad")),
        Step(lambda: True, None, rig.remove),
        Step(on("attract"), None, lambda: rig.insert(SimCard.NEW)),
        Step(on("identity"), None, tap("identity", "services")),
        Step(on("menu"), "office-menu", tile(Service.DELIVER)),
        Step(on("operator"), "operator", lambda: type_pin(app, "operator", OPERATOR)),
        Step(on("finger"), None, lambda: rig.place(SimFinger.HOLDER)),
        Step(matched_or_retry(on_pin("new")), None, enter(NEW_PIN1)),
        Step(on_pin("new", again=True), None, enter(NEW_PIN1)),
        Step(on("outcome"), "delivered", rig.remove),
        Step(on("attract"), None),          # the card taken back: the session is over
    ]
    if registry:
        from kiosk.ui.tour_registry import registration_steps

        steps += registration_steps(app, rig, Step, on)
    if lang_tour:
        steps += [
            Step(on("attract"), None, app.toggle_language),
            Step(on("attract"), "en-attract", lambda: rig.insert(SimCard.HOLDER)),
            Step(on("identity"), "en-identity", tap("identity", "services")),
            Step(on("menu"), "en-menu", tile(Service.CHANGE_PIN1)),
            Step(on_pin("secret"), "en-pin", rig.remove),
            Step(on("outcome"), "en-card-removed", lambda: app.session.go_home()),
        ]
        if registry:
            from kiosk.ui.tour_registry import english_steps

            steps += english_steps(app, Step, on)
        steps.append(Step(on("attract"), None, app.toggle_language))
    return steps


def tour_registry(rig: Any) -> Any:
    """The tour's own registry: a fresh SQLite file, so every tour starts from nothing;
    or the registry service when ``$NIDKIOSK_REGISTRY_URL`` names one."""
    import tempfile

    from kiosk.ui.registry_access import RegistryAccess
    from registry.connect import is_remote
    from registry.storage import migrate

    if is_remote():
        return RegistryAccess(None, "tour", simulator=rig)
    folder = Path(tempfile.mkdtemp(prefix="nidkiosk-tour-registry-"))
    url = f"sqlite:///{folder / 'registry.sqlite3'}"
    migrate.upgrade(url)
    return RegistryAccess(url, "tour", simulator=rig)


def run_tour(directory: Path, *, lang: str = "fa", timeout: float = 600.0) -> list[Path]:
    """Run the tour offscreen (call ``kiosk.ui.main.prepare_kivy(offscreen=True)`` first):
    in Persian with a few screens in English at the end, or all of it in English."""
    from kivy.clock import Clock
    from kivy.core.window import Window

    from kiosk.ui.app import KioskApp
    from kiosk.ui.backend import SimulatorRig
    from kiosk.ui.controller import Settings
    from kiosk.ui.main import audit_path

    directory.mkdir(parents=True, exist_ok=True)
    rig = SimulatorRig()
    rig.prepare()
    app = KioskApp(backend=rig, settings=Settings(idle_seconds=600), audit_path=audit_path(),
                   transitions=False, dev_panel=False, registry=tour_registry(rig),
                   lang=lang)
    steps: list[Step] = []
    saved: list[Path] = []
    state = _TourState()

    def flipped(*_args: Any) -> None:
        name = state.pending
        if name is None:
            return
        if state.settle > 0:
            state.settle -= 1
            return
        target = directory / f"{len(saved) + 1:02d}-{name}.png"
        written = Path(Window.screenshot(name=str(target)))
        written.replace(target)
        saved.append(target)
        state.pending = None
        step = steps[state.index]
        state.index += 1
        if step.then is not None:
            step.then()

    def tick(dt: float) -> None:
        state.elapsed += dt
        if state.elapsed > timeout:
            logger.error("tour stopped: step %d never came", state.index)
            app.stop()
            return
        Window.canvas.ask_update()
        if state.pending is not None:
            return
        if state.index >= len(steps):
            app.stop()
            return
        step = steps[state.index]
        if not step.until():
            state.waited += dt
            if state.waited > 30 and state.waited - dt <= 30 and app.session is not None:
                view = app.session.view
                logger.warning("tour: step %d still waiting on %s (%r)", state.index,
                               view.kind, view.title)
            return
        state.waited = 0.0
        if step.shot is not None:
            state.pending = step.shot
            state.settle = 3
            return
        state.index += 1
        if step.then is not None:
            step.then()

    def started(*_args: Any) -> None:
        steps.extend(build_steps(app, rig, lang_tour=lang == "fa"))
        Window.bind(on_flip=flipped)
        Clock.schedule_interval(tick, 0.05)

    app.bind(on_start=started)
    try:
        app.run()
    finally:
        rig.close()
    if state.index < len(steps):
        view = app.session.view if app.session else None
        raise RuntimeError(f"the tour stopped at step {state.index} of {len(steps)} "
                           f"on {view.kind if view else None}: {view.title if view else ''}")
    return saved
