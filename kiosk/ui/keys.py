"""The kiosk's own keys for forms: a digit pad, the Persian letters (with digits for
addresses and serials), a Solar Hijri date by year/month/day, and choices.

Each key sends an action to ``send(action, arg)``: ``key`` with the character,
``delete``, ``clear``, ``choose`` with a value, ``date`` with (part, delta). Keys show
Persian digits in Persian and send ASCII ones. Nothing typed is kept here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kivy.metrics import dp
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout

from kiosk.text import digits
from kiosk.ui.forms import DIGITS, LETTERS, PUNCTUATION, ZWNJ
from kiosk.ui.widgets import DirBox, KButton, Txt
from kiosk.ui.words import UiWords

Send = Callable[[str, Any], None]


class KeyButton(KButton):
    """A key: ``action`` and ``arg`` are what it sends."""

    def __init__(self, action: str, arg: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("role", "key")
        super().__init__(**kwargs)
        self.action = action
        self.arg = arg


class Keys(BoxLayout):
    """Base of the keyboards: every key is a :class:`KeyButton` found by :meth:`key`."""

    def __init__(self, send: Send, lang: str, **kwargs: Any) -> None:
        kwargs.setdefault("orientation", "vertical")
        super().__init__(**kwargs)
        self.send = send
        self.words = UiWords("fa" if lang == "fa" else "en")

    def make(self, action: str, arg: Any, text: str, **kwargs: Any) -> KeyButton:
        button = KeyButton(action, arg, text=text, **kwargs)
        button.bind(on_release=lambda b: self.send(b.action, b.arg))
        return button

    def key(self, action: str, arg: Any = None) -> KeyButton:
        for widget in self.walk(restrict=True):
            if isinstance(widget, KeyButton) and widget.action == action and (
                    arg is None or widget.arg == arg):
                return widget
        raise KeyError((action, arg))

    def update(self, data: dict[str, Any]) -> None:
        """A new view of the same field kind (the date's parts, the chosen value)."""


def _fixed(button: KButton, height: float) -> KButton:
    button.size_hint_y = None
    button.height = height
    return button


class DigitKeys(Keys):
    """1-9 and 0, Delete and Clear, in the telephone order."""

    def __init__(self, send: Send, lang: str, **kwargs: Any) -> None:
        super().__init__(send, lang, **kwargs)
        grid = GridLayout(cols=3, spacing=dp(12))
        w = self.words
        for d in "123456789":
            grid.add_widget(self.make("key", d, digits(d, w.lang), font_size=dp(34)))
        grid.add_widget(self.make("clear", None, w.say("button.clear"), role="secondary"))
        grid.add_widget(self.make("key", "0", digits("0", w.lang), font_size=dp(34)))
        grid.add_widget(self.make("delete", None, w.say("button.delete"), role="secondary"))
        for child in grid.children:
            child.size_hint_y = 1
        self.add_widget(grid)


class LetterKeys(Keys):
    """The Persian alphabet, right to left; space, half-space, Delete, Clear. With
    ``with_digits`` also the digits and a little punctuation (addresses, serials)."""

    def __init__(self, send: Send, lang: str, with_digits: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(send, lang, **kwargs)
        kwargs.pop("orientation", None)
        w = self.words
        self.spacing = dp(8)
        if with_digits:
            row = GridLayout(cols=len(DIGITS) + len(PUNCTUATION), spacing=dp(6),
                             orientation="rl-tb" if w.lang == "fa" else "lr-tb",
                             size_hint_y=None, height=dp(64))
            for d in "1234567890":
                row.add_widget(self.make("key", d, digits(d, w.lang), font_size=dp(24)))
            for p in PUNCTUATION:
                row.add_widget(self.make("key", p, p, font_size=dp(24)))
            self.add_widget(row)
        grid = GridLayout(cols=9, spacing=dp(6), orientation="rl-tb")
        for letter in LETTERS:
            grid.add_widget(self.make("key", letter, letter, font_size=dp(28)))
        grid.add_widget(self.make("key", ZWNJ, w.say("keys.half_space"), role="secondary",
                                  font_size=dp(16)))
        self.add_widget(grid)
        bottom = DirBox(rtl=w.lang == "fa", spacing=dp(8), size_hint_y=None, height=dp(68))
        bottom.add_widget(self.make("key", " ", w.say("keys.space"), size_hint_x=2))
        bottom.add_widget(self.make("delete", None, w.say("button.delete"), role="secondary"))
        bottom.add_widget(self.make("clear", None, w.say("button.clear"), role="secondary"))
        self.add_widget(bottom)


class DateKeys(Keys):
    """Year, month and day, each with its buttons up and down, and the year by ten below.
    In Persian the day stands on the right, as dates are read."""

    def __init__(self, send: Send, lang: str, **kwargs: Any) -> None:
        super().__init__(send, lang, **kwargs)
        w = self.words
        self.spacing = dp(14)
        row = DirBox(rtl=w.lang == "fa", spacing=dp(14))
        self.values: dict[str, Txt] = {}
        for part in ("day", "month", "year"):
            column = BoxLayout(orientation="vertical", spacing=dp(10))
            column.add_widget(Txt(text=w.say(f"keys.{part}"), align="center",
                                  size_hint_y=None, height=dp(34), font_size=dp(20)))
            column.add_widget(self.make("date", (part, 1), "+", font_size=dp(34)))
            value = Txt(text="", align="center", font_size=dp(30), bold=True,
                        size_hint_y=None, height=dp(70))
            self.values[part] = value
            column.add_widget(value)
            column.add_widget(self.make("date", (part, -1), "−", font_size=dp(34)))
            column.add_widget(BoxLayout())
            row.add_widget(column)
        self.add_widget(row)
        decade = DirBox(rtl=w.lang == "fa", spacing=dp(14), size_hint_y=None, height=dp(80))
        decade.add_widget(self.make("date", ("year", 10), w.say("keys.decade_up"),
                                    role="secondary"))
        decade.add_widget(self.make("date", ("year", -10), w.say("keys.decade_down"),
                                    role="secondary"))
        self.add_widget(decade)

    def update(self, data: dict[str, Any]) -> None:
        date = data.get("date") or {}
        for part, label in self.values.items():
            label.text = date.get(part, "—")


class ChoiceKeys(Keys):
    """One large button per choice; the chosen one stands out."""

    def __init__(self, send: Send, lang: str, **kwargs: Any) -> None:
        super().__init__(send, lang, **kwargs)
        self.spacing = dp(16)
        self._buttons: dict[str, KeyButton] = {}

    def update(self, data: dict[str, Any]) -> None:
        choices = data.get("choices") or []
        if [c["value"] for c in choices] != list(self._buttons):
            self.clear_widgets()
            self._buttons = {}
            for choice in choices:
                button = _fixed(self.make("choose", choice["value"], choice["text"]), dp(96))
                self._buttons[choice["value"]] = button
                self.add_widget(button)
            self.add_widget(BoxLayout())
        for choice in choices:
            button = self._buttons[choice["value"]]
            button.text = choice["text"]
            button.role = "primary" if choice["selected"] else "key"


def keys_for(kind: str, send: Send, lang: str) -> Keys:
    if kind == "digits":
        return DigitKeys(send, lang)
    if kind == "letters":
        return LetterKeys(send, lang)
    if kind == "text":
        return LetterKeys(send, lang, with_digits=True)
    if kind == "date":
        return DateKeys(send, lang)
    return ChoiceKeys(send, lang)
