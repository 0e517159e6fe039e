"""The kiosk application: the window, the header, the screens (loaded when first shown),
the developer panel in simulator mode, and the guards of a public kiosk.

Full screen, no way out to the desktop without the operator's code: closing the window
and Escape are intercepted (Escape asks for the code). Every touch restarts the idle
timer of the session.
"""

from __future__ import annotations

import importlib
import logging
from pathlib import Path
from typing import Any

from kivy.app import App
from kivy.core.window import Window
from kivy.lang import Builder
from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.screenmanager import FadeTransition, NoTransition, ScreenManager

from kiosk.ui import widgets  # noqa: F401 - registers the kv classes with the Factory
from kiosk.ui.audit import AuditLog
from kiosk.ui.backend import Backend, SimulatorRig
from kiosk.ui.controller import KioskSession, Settings
from kiosk.ui.present import View
from kiosk.ui.registry_access import RegistryAccess
from kiosk.ui.theme import COLOURS, register_fonts
from kiosk.ui.words import UiWords
from registry.clock import Clock, SystemClock

logger = logging.getLogger("nidkiosk.ui")
HERE = Path(__file__).parent

SCREENS = {  # view kind -> module and class in kiosk.ui.screens, loaded when first shown
    "attract": ("attract", "AttractScreen"),
    "insert": ("insert", "InsertScreen"),
    "working": ("working", "WorkingScreen"),
    "identity": ("identity", "IdentityScreen"),
    "menu": ("menu", "MenuScreen"),
    "pin": ("pin", "PinScreen"),
    "operator": ("operator", "OperatorScreen"),
    "finger": ("finger", "FingerScreen"),
    "confirm": ("confirm", "ConfirmScreen"),
    "outcome": ("outcome", "OutcomeScreen"),
    "form": ("form", "FormScreen"),  # the registration desks' generic screens
    "choices": ("choices", "ChoicesScreen"),
    "sheet": ("sheet", "SheetScreen"),
    "fingers": ("fingers", "FingersScreen"),
    "receipt": ("receipt", "ReceiptScreen"),
}


class Root(BoxLayout):
    """Header, screens, developer panel."""

    def on_touch_down(self, touch: Any) -> bool:
        app = App.get_running_app()
        if app is not None and getattr(app, "session", None) is not None:
            app.session.touched()
        return bool(super().on_touch_down(touch))


class KioskApp(App):
    lang = StringProperty("fa")
    font_scale = NumericProperty(1.0)
    large_text = BooleanProperty(False)
    simulator = BooleanProperty(False)
    dev_panel = BooleanProperty(False)
    title = "nidkiosk"

    def __init__(self, *, backend: Backend, settings: Settings | None = None,
                 audit_path: Path, lang: str = "fa", fullscreen: bool = False,
                 dev_panel: bool = True, transitions: bool = True,
                 registry: RegistryAccess | None = None, clock: Clock | None = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.backend = backend
        self.settings = settings or Settings()
        self.clock = clock or (registry.clock if registry else SystemClock())
        self.registry = registry or RegistryAccess(
            self.settings.registry_url, self.settings.kiosk_id, clock=self.clock,
            simulator=backend if isinstance(backend, SimulatorRig) else None)
        self.audit = AuditLog(audit_path)
        self.session: KioskSession | None = None
        self.lang = lang                        # after the session: on_lang reads it
        self.simulator = isinstance(backend, SimulatorRig)
        self.dev_panel = self.simulator and dev_panel
        self.fullscreen = fullscreen
        self.transitions = transitions
        self._screens: dict[str, Any] = {}
        self.shown: list[str] = []  # every view kind shown, in order (tests, the tour)

    # -- kv helpers -------------------------------------------------------------------
    def say(self, key: str, *_bind: Any, **fields: Any) -> str:
        """Words in the current language; kv passes ``app.lang`` so it re-evaluates."""
        return UiWords("fa" if self.lang == "fa" else "en").say(key, **fields)

    @property
    def words(self) -> UiWords:
        return UiWords("fa" if self.lang == "fa" else "en")

    def colour(self, name: str) -> tuple[float, ...]:
        return COLOURS[name]

    # -- building ---------------------------------------------------------------------
    def build(self) -> Root:
        register_fonts()
        Window.clearcolor = COLOURS["background"]
        if self.fullscreen:
            Window.fullscreen = "auto"
        Window.bind(on_request_close=self._close_requested, on_keyboard=self._key)
        Builder.load_file(str(HERE / "widgets.kv"))
        Builder.load_file(str(HERE / "app.kv"))
        root = Root()
        self.manager: ScreenManager = root.ids.screens
        self.manager.transition = FadeTransition(duration=0.15) if self.transitions \
            else NoTransition()
        if self.dev_panel:
            from kiosk.ui.devpanel import DevPanel

            Builder.load_file(str(HERE / "devpanel.kv"))
            assert isinstance(self.backend, SimulatorRig)
            root.add_widget(DevPanel(rig=self.backend))
        self.session = KioskSession(self.backend, self.show, self.audit, self.settings,
                                    self.lang, access=self.registry, clock=self.clock)
        self.show(View("attract"))
        return root

    def on_lang(self, *_args: Any) -> None:
        if self.session is not None:
            self.session.set_language(self.lang)

    def on_large_text(self, *_args: Any) -> None:
        self.font_scale = 1.25 if self.large_text else 1.0

    def toggle_language(self) -> None:
        self.lang = "en" if self.lang == "fa" else "fa"

    def toggle_large_text(self) -> None:
        self.large_text = not self.large_text

    # -- screens ----------------------------------------------------------------------
    def screen(self, kind: str) -> Any:
        if kind not in self._screens:
            module_name, class_name = SCREENS[kind]
            Builder.load_file(str(HERE / "screens" / f"{module_name}.kv"))
            module = importlib.import_module(f"kiosk.ui.screens.{module_name}")
            screen = getattr(module, class_name)(name=kind)
            self._screens[kind] = screen
            self.manager.add_widget(screen)
        return self._screens[kind]

    def show(self, view: View) -> None:
        previous = self.manager.current_screen
        screen = self.screen(view.kind)
        screen.show(view)
        if previous is not None and previous is not screen and hasattr(previous, "leave"):
            previous.leave()
        self.manager.current = view.kind
        self.shown.append(view.kind)

    # -- a public kiosk ---------------------------------------------------------------
    def _close_requested(self, *_args: Any) -> bool:
        self._ask_exit()
        return True  # never closed from the window: the operator's code is needed

    def _key(self, _window: Any, key: int, *_args: Any) -> bool:
        if key == 27:  # Escape (and Android's back): ask for the operator's code
            self._ask_exit()
            return True
        return False

    def _ask_exit(self) -> None:
        if self.session is not None:
            self.session.ask_operator(self.stop)

    def on_stop(self) -> None:
        Window.unbind(on_request_close=self._close_requested, on_keyboard=self._key)
        for screen in self._screens.values():
            if hasattr(screen, "leave"):
                screen.leave()
        if self.session is not None:
            self.session.close()
        self.backend.close()  # the app owns its devices for its lifetime
