"""Driving the kiosk as a person would: taps on real widgets, waits on what is shown, and a
screenshot of every screen passed (taken on ``Window.on_flip``, once it is drawn)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kivy.core.window import Window
from kivy.tests.async_common import UnitKivyApp

from kiosk.ui.app import KioskApp
from kiosk.ui.backend import SimulatorRig
from kiosk.ui.controller import Settings

_IMAGES: dict[int, str] = {}  # personalized card images, shared by the tests (a second each)


def make_app(settings: Settings | None = None) -> Callable[[], KioskApp]:
    def factory() -> KioskApp:
        from kiosk import paths

        class TestKiosk(UnitKivyApp, KioskApp):
            pass

        rig = SimulatorRig()
        rig._images = _IMAGES
        return TestKiosk(backend=rig, settings=settings or Settings(idle_seconds=600,
                                                             message_seconds=600),
                         audit_path=paths.home() / "audit" / "ui-tests.jsonl",
                         transitions=False)

    return factory


class Screens:
    """Saves each screen the app shows, once, when it has been drawn."""

    def __init__(self, app: Any, directory: Path, prefix: str) -> None:
        self.app = app
        self.directory = directory
        self.prefix = prefix
        self.saved: list[Path] = []
        self._last: tuple[str, str] | None = None
        self._frames = 0
        Window.bind(on_flip=self._flipped)

    def _flipped(self, *_args: Any) -> None:
        view = self.app.session.view if self.app.session else None
        if view is None:
            return
        key = (view.kind, view.title)
        if key == self._last:
            return
        self._frames += 1
        if self._frames < 3:  # let the new screen be laid out and drawn
            return
        self._frames = 0
        self._last = key
        target = self.directory / f"{self.prefix}-{len(self.saved) + 1:02d}-{view.kind}.png"
        Path(Window.screenshot(name=str(target))).replace(target)
        self.saved.append(target)

    def close(self) -> None:
        Window.unbind(on_flip=self._flipped)


async def until(app: Any, condition: Callable[[], bool], timeout: float = 30.0,
                what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            view = app.session.view
            raise AssertionError(f"timed out waiting for {what}: on {view.kind} "
                                 f"({view.title!r})")
        Window.canvas.ask_update()
        await app.async_sleep(0.05)
    for _ in range(4):  # let it draw (and be saved) before the next tap
        Window.canvas.ask_update()
        await app.wait_clock_frames(1)


def on(app: Any, kind: str) -> Callable[[], bool]:
    return lambda: app.manager.current == kind and app.session.view.kind == kind


async def tap(app: Any, widget: Any) -> None:
    assert not widget.disabled and widget.opacity > 0, widget
    async for _ in app.do_touch_down_up(widget=widget, duration=0.02):
        pass


async def type_digits(app: Any, screen: str, digits: str) -> None:
    pad = app.screen(screen).ids.pad
    for digit in digits:
        await tap(app, pad.key_widget(digit))
