"""Starting the kiosk: Kivy's environment first (before Kivy is imported), then the app."""

from __future__ import annotations

import os
from pathlib import Path


def prepare_kivy(*, offscreen: bool = False, width: int = 1280, height: int = 800) -> None:
    """Kivy reads its environment on import: no argv parsing, logs under our home."""
    from kiosk import paths

    os.environ.setdefault("KIVY_NO_ARGS", "1")
    os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
    os.environ.setdefault("KIVY_NO_FILELOG", "1")
    kivy_home = paths.home() / "kivy"
    kivy_home.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("KIVY_HOME", str(kivy_home))
    if offscreen:
        os.environ["SDL_VIDEODRIVER"] = "offscreen"  # no X: EGL on Mesa (notes.md)
    import logging

    from kivy.config import Config

    logging.getLogger("nidkiosk").setLevel(logging.INFO)  # Kivy's logger shows everything

    Config.set("graphics", "width", str(width))
    Config.set("graphics", "height", str(height))
    Config.set("graphics", "resizable", "0")
    Config.set("kivy", "exit_on_escape", "0")
    Config.set("input", "mouse", "mouse,disable_multitouch")
    for name, _value in Config.items("input"):
        if name != "mouse":
            Config.remove_option("input", name)


def has_display() -> bool:
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def audit_path() -> Path:
    from kiosk import paths

    return paths.home() / "audit" / "kiosk.jsonl"
