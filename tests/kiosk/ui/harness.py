"""Driving the kiosk as a person would: taps on real widgets, waits on what is shown, and a
screenshot of every screen passed (taken on ``Window.on_flip``, once it is drawn)."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from kivy.core.window import Window
from kivy.graphics.opengl import GL_RGB, GL_UNSIGNED_BYTE, glReadPixels
from kivy.tests.async_common import UnitKivyApp

from kiosk.ui.app import KioskApp
from kiosk.ui.backend import SimulatorRig
from kiosk.ui.controller import Settings
from kiosk.ui.registry_access import RegistryAccess
from registry.clock import SettableClock
from registry.connect import is_remote
from registry.storage import migrate

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
    """Saves each screen the app shows, once, when it has been drawn.

    The pixels are read on the frame (``Window.on_flip``); the PNG is written on a
    thread, so a test does not wait for the encoder on every new screen.
    """

    def __init__(self, app: Any, directory: Path, prefix: str) -> None:
        self.app = app
        self.directory = directory
        self.prefix = prefix
        self.saved: list[Path] = []
        self._last: tuple[str, str] | None = None
        self._frames = 0
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="screenshots")
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
        width, height = Window.size
        pixels = glReadPixels(0, 0, width, height, GL_RGB, GL_UNSIGNED_BYTE)
        self._writer.submit(_write_png, target, pixels, width, height)
        self.saved.append(target)

    def close(self) -> None:
        Window.unbind(on_flip=self._flipped)
        self._writer.shutdown(wait=True)


def _write_png(target: Path, pixels: bytes, width: int, height: int) -> None:
    from PIL import Image

    Image.frombytes("RGB", (width, height), pixels).transpose(
        Image.Transpose.FLIP_TOP_BOTTOM).save(target)


async def until(app: Any, condition: Callable[[], bool], timeout: float = 30.0,
                what: str = "") -> None:
    import os
    started = time.monotonic()
    try:
        await _until(app, condition, timeout, what)
    finally:
        if os.environ.get("UI_TIMING"):
            print(f"until {what}: {time.monotonic() - started:.2f}s", flush=True)


async def _until(app: Any, condition: Callable[[], bool], timeout: float = 30.0,
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
    import os
    started = time.monotonic()
    assert not widget.disabled and widget.opacity > 0, widget
    async for _ in app.do_touch_down_up(widget=widget, duration=0.02):
        pass
    if os.environ.get("UI_TIMING"):
        print(f"tap {getattr(widget, 'text', '')[:12]!r}: {time.monotonic() - started:.2f}s",
              flush=True)


async def type_digits(app: Any, screen: str, digits: str) -> None:
    pad = app.screen(screen).ids.pad
    for digit in digits:
        await tap(app, pad.key_widget(digit))


_TEMPLATE: list[Path] = []  # a migrated registry database, copied for each app


def fresh_registry(rig: SimulatorRig, clock: Any, **parts: Any) -> RegistryAccess:
    """A registry of its own for one app: SQLite, migrated, the simulator's factory; or,
    under ``tools/registry_fleet.py``, the fleet's registry service (shared by every
    test, which therefore uses applicants of its own)."""
    if is_remote():
        return RegistryAccess(None, "ui-test", clock=clock, simulator=rig, **parts)
    if not _TEMPLATE:
        template = Path(tempfile.mkdtemp(prefix="nidkiosk-ui-template-")) / "registry.sqlite3"
        migrate.upgrade(f"sqlite:///{template}")
        with sqlite3.connect(template) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        _TEMPLATE.append(template)
    path = Path(tempfile.mkdtemp(prefix="nidkiosk-ui-registry-")) / "registry.sqlite3"
    shutil.copyfile(_TEMPLATE[0], path)
    return RegistryAccess(f"sqlite:///{path}", "ui-test", clock=clock, simulator=rig, **parts)


def make_desk_app(settings: Settings | None = None, *, url: str | None = None,
                  lang: str = "fa", **parts: Any) -> Callable[[], KioskApp]:
    """An app on the simulators with its own registry and a clock the test moves."""
    def factory() -> KioskApp:
        from kiosk import paths

        class TestKiosk(UnitKivyApp, KioskApp):
            pass

        rig = SimulatorRig()
        rig._images = _IMAGES
        clock = SettableClock(dt.datetime.now(dt.UTC))
        access = (RegistryAccess(url, "ui-test", clock=clock, simulator=rig) if url
                  else fresh_registry(rig, clock, **parts))
        app = TestKiosk(backend=rig, settings=settings or Settings(idle_seconds=600,
                                                                   message_seconds=600),
                        audit_path=paths.home() / "audit" / "ui-tests.jsonl",
                        transitions=False, registry=access, dev_panel=False, lang=lang)
        return app

    return factory


async def press(app: Any, screen: str, action: str, arg: Any = None) -> None:
    """Tap a key of the form screen's keyboard."""
    await tap(app, app.screen(screen).key(action, arg))


async def type_text(app: Any, text: str) -> None:
    """Type on the form screen's keys: each key's own release, as a tap ends (quicker than
    a full touch for long codes; other tests tap keys with real touches)."""
    import os
    started = time.monotonic()
    screen = app.screen("form")
    for char in text:
        screen.key("key", char).dispatch("on_release")
    await app.wait_clock_frames(2)
    if os.environ.get("UI_TIMING"):
        print(f"type {len(text)}: {time.monotonic() - started:.2f}s", flush=True)


async def tap_button(app: Any, screen: str, button_id: str) -> None:
    await tap(app, app.screen(screen).button(button_id))


async def tap_tile(app: Any, arg: Any) -> None:
    await tap(app, app.screen("choices").tile(arg))


async def focus(app: Any, name: str) -> None:
    """Tap a field of the form (scrolled into sight first, as a finger would scroll)."""
    screen = app.screen("form")
    row = screen.rows[name]
    screen.ids.scroll.scroll_to(row, padding=10, animate=False)
    await app.wait_clock_frames(3)
    await tap(app, row)


def texts(widget: Any) -> list[str]:
    """Every text any label under ``widget`` holds right now."""
    found = [getattr(widget, "text", "")]
    for child in widget.walk(restrict=True):
        found.append(getattr(child, "text", ""))
    return [t for t in found if isinstance(t, str) and t]
