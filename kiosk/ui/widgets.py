"""The kiosk's building blocks: text, buttons, panels, the shuffled PIN pad, icons."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from kivy.animation import Animation
from kivy.properties import (
    BooleanProperty,
    ListProperty,
    NumericProperty,
    ObjectProperty,
    StringProperty,
)
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.widget import Widget

from kiosk.text import digits
from kiosk.ui.label import KioskLabel


class Txt(KioskLabel):
    """Text in the kiosk's font, colour and reading direction."""


class KButton(ButtonBehavior, KioskLabel):  # type: ignore[misc]
    """A large touch target: at least 72 dp high, rounded, with a pressed state."""

    role = StringProperty("primary")  # primary, secondary, danger, key, tile, dev
    radius = NumericProperty(14)
    min_height = NumericProperty(76)  # dp; the developer panel's buttons are smaller


class Panel(BoxLayout):
    """A white rounded surface."""

    fill = ListProperty([1, 1, 1, 1])
    radius = NumericProperty(18)


class BusyRing(Widget):
    """A turning arc for steps that take time."""

    angle = NumericProperty(0)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._anim = Animation(angle=-360, duration=1.2)
        self._anim.repeat = True
        self.bind(parent=self._parent_changed)

    def _parent_changed(self, *_args: Any) -> None:
        if self.parent is None:
            self._anim.cancel(self)
        else:
            self.angle = 0
            self._anim.start(self)


class Dot(Widget):
    state = StringProperty("todo")  # todo, now, done


class CardArt(Widget):
    """The national card, drawn: a teal card with a gold chip."""


class FingerArt(Widget):
    """A fingerprint drawn as arcs; ``tone`` colours it."""

    tone = StringProperty("info")


class ToneIcon(Widget):
    tone = StringProperty("info")


class PinPad(GridLayout):
    """Ten digits in a new random order every time it is shown, Delete and Clear.

    The typed digits stay in this widget only (``_digits``); the display shows one dot
    per digit. :meth:`take` hands them over and forgets them; :meth:`clear` forgets.
    """

    max_length = NumericProperty(8)
    count = NumericProperty(0)
    on_digits = ObjectProperty(None, allownone=True)
    lang = StringProperty("fa")
    enabled = BooleanProperty(True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._digits: list[str] = []
        self.order: list[str] = []
        self.shuffle()

    def shuffle(self) -> None:
        order = list("0123456789")
        secrets.SystemRandom().shuffle(order)
        self.order = order
        self.clear_widgets()
        keys = order[:9] + ["delete", order[9], "clear"]
        for key in keys:
            button = KButton(role="key")
            button.key = key
            if key in ("delete", "clear"):
                button.role = "secondary"
            button.bind(on_release=self._pressed)
            self.add_widget(button)
        self._relabel()

    def on_lang(self, *_args: Any) -> None:
        self._relabel()

    def _relabel(self) -> None:
        from kiosk.ui.words import UiWords

        w = UiWords("fa" if self.lang == "fa" else "en")
        for button in self.children:
            key = button.key
            if key == "delete":
                button.text = w.say("button.delete")
            elif key == "clear":
                button.text = w.say("button.clear")
            else:
                button.text = digits(key, w.lang)

    def _pressed(self, button: KButton) -> None:
        if not self.enabled:
            return
        key = button.key
        if key == "delete":
            if self._digits:
                self._digits.pop()
        elif key == "clear":
            self._digits.clear()
        elif len(self._digits) < self.max_length:
            self._digits.append(key)
        self.count = len(self._digits)
        if self.on_digits is not None:
            self.on_digits(self.count)

    def press(self, digit: str) -> None:
        """Tap the key showing ``digit`` (tests and the scripted tour use this)."""
        for button in self.children:
            if button.key == digit:
                button.dispatch("on_release")
                return

    def key_widget(self, digit: str) -> KButton:
        for button in self.children:
            if button.key == digit:
                return button
        raise KeyError(digit)

    def take(self) -> str:
        typed = "".join(self._digits)
        self.clear()
        return typed

    def clear(self) -> None:
        for i in range(len(self._digits)):
            self._digits[i] = "\0"
        self._digits.clear()
        self.count = 0


def masked(count: int) -> str:
    """One dot per typed digit: the only trace of a PIN on screen."""
    return " ".join("•" * count) if count else ""


Callback = Callable[..., None]


class DirBox(BoxLayout):
    """A horizontal box that lays its children out right to left when ``rtl`` is set
    (Persian): the first child sits at the right edge."""

    rtl = BooleanProperty(False)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.fbind("rtl", self._trigger_layout)

    def do_layout(self, *args: Any) -> None:
        super().do_layout(*args)
        if self.rtl and self.orientation == "horizontal":
            for child in self.children:
                offset = child.x - self.x
                child.x = self.x + self.width - offset - child.width


class Layer(BoxLayout):
    """A layout that is either shown (drawn, touchable) or hidden (neither)."""

    shown = BooleanProperty(True)

    def on_shown(self, *_args: Any) -> None:
        self.opacity = 1 if self.shown else 0

    def on_touch_down(self, touch: Any) -> bool:
        return bool(self.shown and super().on_touch_down(touch))

    def on_touch_move(self, touch: Any) -> bool:
        return bool(self.shown and super().on_touch_move(touch))

    def on_touch_up(self, touch: Any) -> bool:
        return bool(self.shown and super().on_touch_up(touch))
