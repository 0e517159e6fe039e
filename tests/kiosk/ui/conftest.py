"""UI tests in a real Kivy window, offscreen (SDL's offscreen driver on Mesa: no X, no root).

Kivy's own fixtures drive the app (``kivy_app``, ``UnitKivyApp.do_touch_down_up``). The
window is created here first, at kiosk size; it is reused by every app of the session.
A test that cannot open a window fails: nothing here skips.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest_asyncio  # noqa: F401 - Kivy's fixtures would skip without it: fail instead

os.environ["KIVY_NO_ARGS"] = "1"
os.environ["KIVY_NO_CONSOLELOG"] = "1"
os.environ["KIVY_NO_FILELOG"] = "1"
os.environ["KIVY_EVENTLOOP"] = "asyncio"
os.environ.setdefault("KIVY_HOME", tempfile.mkdtemp(prefix="nidkiosk-kivy-"))
if not os.environ.get("DISPLAY"):
    os.environ["SDL_VIDEODRIVER"] = "offscreen"

from kivy.config import Config  # noqa: E402

Config.set("graphics", "width", "1280")
Config.set("graphics", "height", "800")
for _name, _value in Config.items("input"):
    Config.remove_option("input", _name)

from kivy.core.window import Window  # noqa: E402,F401 - created now, at kiosk size
from kivy.tests.fixtures import kivy_app  # noqa: E402,F401

if "kivy.core.window" not in sys.modules or Window is None:
    raise RuntimeError("Kivy could not open a window (offscreen SDL needs Mesa's EGL)")

import pytest  # noqa: E402

SCREENS = Path(__file__).resolve().parents[3] / "var" / "ui-screens"


@pytest.fixture()
def nursery():  # noqa: ANN201 - Kivy's fixture asks for it; only trio uses it
    return None


@pytest.fixture(scope="session")
def screens_dir() -> Path:
    SCREENS.mkdir(parents=True, exist_ok=True)
    return SCREENS


@pytest.fixture(scope="session", autouse=True)
def fleet_issuer() -> None:
    """Under ``tools/registry_fleet.py`` the cards office mode issues come from the
    service's simulated factory: the kiosk trusts that issuer (the developer panel's
    cards are personalized by it too), as a kiosk of that fleet would."""
    source = os.environ.get("NIDKIOSK_FLEET_ISSUER")
    if source:
        from kiosk import paths

        if not paths.issuer_dir().exists():
            shutil.copytree(source, paths.issuer_dir())
