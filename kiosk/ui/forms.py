"""A form typed on the kiosk's own keys: fields, what each takes, what is wrong with it.

Kivy-free. TextInput cannot edit Persian (``shared/notes.md``), so every field is typed
on a keypad or keyboard the kiosk draws: digits, Persian letters, letters with digits,
a Solar Hijri date by year/month/day, or a choice. The values live here only; the
screen shows them through a :class:`~kiosk.ui.present.View` and sends keys back.
What is wrong with a field comes from the registry's own checks (``registry.forms``,
``registry.documents``), given as a ``check`` function: the form only says which
fields have been touched, so a problem shows once its field has been typed into.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum

import jdatetime

from citizen.birth_certificate import SERIES_LETTERS

DIGITS = "0123456789"
ZWNJ = "\u200c"
LETTERS = ("آ", "ا", *SERIES_LETTERS[1:], "ئ", "ء")
"""The Persian alphabet in its order (alef and alef madda first), with yeh hamza and hamza."""
PUNCTUATION = ("-", "/", "،", ".")


class Keys(Enum):
    """Which keys a field is typed with."""

    DIGITS = "digits"
    LETTERS = "letters"      # Persian letters, space, zero-width non-joiner
    TEXT = "text"            # letters, digits, space and a little punctuation
    DATE = "date"            # a Solar Hijri day by year, month and day
    CHOICE = "choice"        # one of ``choices``


ALLOWED: dict[Keys, frozenset[str]] = {
    Keys.DIGITS: frozenset(DIGITS),
    Keys.LETTERS: frozenset((*LETTERS, " ", ZWNJ)),
    Keys.TEXT: frozenset((*LETTERS, *DIGITS, *PUNCTUATION, " ", ZWNJ)),
}


@dataclass
class Field:
    """One field: its name (also its words key, ``field.<name>``), keys and value."""

    name: str
    keys: Keys
    max_length: int = 40
    choices: tuple[str, ...] = ()
    value: str = ""
    day: jdatetime.date | None = None
    earliest: jdatetime.date = field(default_factory=lambda: jdatetime.date(1300, 1, 1))
    latest: jdatetime.date = field(default_factory=lambda: jdatetime.date(1499, 12, 29))
    group: int = 0               # digits shown in groups of this many (a tracking code: 4)
    touched: bool = False

    @property
    def empty(self) -> bool:
        return self.day is None if self.keys is Keys.DATE else not self.value


Problem = Enum
Check = Callable[["Form"], Mapping[str, Problem]]


class Form:
    """Fields in order, the one being typed (``focus``), and the problems of each."""

    def __init__(self, fields: list[Field], check: Check | None = None) -> None:
        if not fields:
            raise ValueError("a form has at least one field")
        self.fields = fields
        self.focus = 0
        self._check = check
        self.extra: dict[str, Problem] = {}    # what the registry refused, by field

    # -- reading ------------------------------------------------------------------------
    @property
    def current(self) -> Field:
        return self.fields[self.focus]

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    def text(self, name: str) -> str:
        return self.field(name).value

    def day(self, name: str) -> jdatetime.date | None:
        return self.field(name).day

    def all_problems(self) -> dict[str, Problem]:
        """Every field's problem, touched or not (what a submit is refused for)."""
        found = dict(self._check(self)) if self._check else {}
        for name, problem in self.extra.items():
            found.setdefault(name, problem)
        return found

    def problems(self) -> dict[str, Problem]:
        """The problems of the fields typed into so far: what the screen shows."""
        touched = {f.name for f in self.fields if f.touched}
        return {name: p for name, p in self.all_problems().items() if name in touched}

    # -- typing -------------------------------------------------------------------------
    def type(self, key: str) -> None:
        f = self.current
        if f.keys not in ALLOWED or key not in ALLOWED[f.keys]:
            return
        if len(f.value) >= f.max_length:
            return
        if key in (" ", ZWNJ) and (not f.value or f.value[-1] in (" ", ZWNJ)):
            return               # no leading or doubled spaces
        f.value += key
        self._edited(f)

    def delete(self) -> None:
        f = self.current
        if f.keys is Keys.DATE:
            f.day = None
        else:
            f.value = f.value[:-1]
        self._edited(f)

    def clear(self) -> None:
        f = self.current
        f.value = ""
        if f.keys is Keys.DATE:
            f.day = None
        self._edited(f)

    def choose(self, value: str) -> None:
        f = self.current
        if f.keys is Keys.CHOICE and value in f.choices:
            f.value = value
            self._edited(f)

    def step_date(self, part: str, delta: int) -> None:
        """Move the focused date's ``part`` (year, month, day) by ``delta``, kept valid."""
        f = self.current
        if f.keys is not Keys.DATE:
            return
        day = f.day or _middle(f.earliest, f.latest)
        year, month, d = day.year, day.month, day.day
        if part == "year":
            year += delta
        elif part == "month":
            month = (month - 1 + delta) % 12 + 1
        elif part == "day":
            d = (d - 1 + delta) % days_in_month(year, month) + 1
        year = min(max(year, f.earliest.year), f.latest.year)
        d = min(d, days_in_month(year, month))
        f.day = min(max(jdatetime.date(year, month, d), f.earliest), f.latest)
        self._edited(f)

    def set_day(self, name: str, day: jdatetime.date | None) -> None:
        f = self.field(name)
        f.day = day

    def set_text(self, name: str, value: str) -> None:
        self.field(name).value = value

    def _edited(self, f: Field) -> None:
        f.touched = True
        self.extra.pop(f.name, None)

    # -- moving -------------------------------------------------------------------------
    def focus_on(self, name: str) -> None:
        self.current.touched = self.current.touched or not self.current.empty
        for i, f in enumerate(self.fields):
            if f.name == name:
                self.focus = i
                return
        raise KeyError(name)

    def next(self) -> bool:
        """Leave the current field (its problems show from now on); False at the last."""
        self.current.touched = True
        if self.focus + 1 < len(self.fields):
            self.focus += 1
            return True
        return False

    def touch_all(self) -> None:
        for f in self.fields:
            f.touched = True

    def refuse(self, problems: Mapping[str, Problem]) -> None:
        """Problems the registry found that the form's own check could not (a serial that
        is not the one registered); the first refused field gets the focus."""
        self.extra = dict(problems)
        names = [f.name for f in self.fields]
        first = min((names.index(n) for n in problems if n in names), default=None)
        if first is not None:
            self.focus = first
        self.touch_all()

    def first_problem(self) -> str | None:
        problems = self.all_problems()
        for f in self.fields:
            if f.name in problems:
                return f.name
        return None

    def wipe(self) -> None:
        """Forget every value (the session ended)."""
        for f in self.fields:
            f.value = ""
            f.day = None
            f.touched = False
        self.extra = {}
        self.focus = 0


def days_in_month(year: int, month: int) -> int:
    if month <= 6:
        return 31
    if month <= 11:
        return 30
    return 30 if jdatetime.date(year, 1, 1).isleap() else 29


def _middle(earliest: jdatetime.date, latest: jdatetime.date) -> jdatetime.date:
    year = (earliest.year + latest.year) // 2
    return jdatetime.date(year, 1, 1)
