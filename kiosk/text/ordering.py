"""Shaping and right-to-left ordering: logical text in, what a renderer draws out.

The order of work is what makes mixed Persian text come out right (``shared/notes.md``):

1. :func:`shape` turns Arabic-script letters into their joined presentation forms and
   keeps the text in *logical* order, so a renderer measures the real joined widths;
2. the renderer (Kivy's core label, or :func:`wrap` for Pillow) wraps that text into
   lines;
3. :func:`visual_line` reorders each wrapped line on its own with the Unicode
   bidirectional algorithm (brackets mirrored, left-to-right isolates honoured).

Reordering a whole paragraph before wrapping would put its last line on top. Numbers
whose order must survive (national codes, dates, phone numbers) are wrapped in a
left-to-right isolate by :func:`ltr`: plain bidi shows ۰۰۵-۳۹۰۱۲۰-۷ as ۷-۳۹۰۱۲۰-۰۰۵.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable
from typing import Literal

from arabic_reshaper import ArabicReshaper
from bidi.algorithm import get_display

Direction = Literal["rtl", "ltr", "auto"]
Marks = Literal["after", "before"]

LRI = "\u2066"  # left-to-right isolate
RLI = "\u2067"
FSI = "\u2068"
PDI = "\u2069"  # pop directional isolate
LRM = "\u200e"  # left-to-right mark
NBSP = "\u00a0"
ZWNJ = "\u200c"
_LRE, _RLE, _PDF = "\u202a", "\u202b", "\u202c"
# python-bidi's pure-Python algorithm (the one that mirrors brackets) refuses the
# isolates; the embeddings it knows give the same order for the runs we isolate.
_TO_EMBEDDINGS = str.maketrans({LRI: _LRE, RLI: _RLE, FSI: _LRE, PDI: _PDF})
_CONTROLS = {LRI, RLI, FSI, PDI, _LRE, _RLE, _PDF, "\u202d", "\u202e", LRM, "\u200f",
             ZWNJ, "\u200d"}
_STRIP_CONTROLS = str.maketrans({c: None for c in _CONTROLS})

_RESHAPER = ArabicReshaper(configuration={
    "delete_harakat": False,
    "support_ligatures": True,
    "support_zwj": True,
})


def ltr(text: str) -> str:
    """``text`` kept left to right inside any paragraph, and never broken across lines.

    For national codes, dates in digits, phone numbers, amounts and codes. Spaces
    inside become no-break spaces, so a wrapper keeps the run on one line.
    """
    return LRI + text.replace(" ", NBSP) + PDI


def is_rtl_char(char: str) -> bool:
    return unicodedata.bidirectional(char) in ("R", "AL")


def base_direction(text: str) -> Literal["rtl", "ltr"]:
    """The direction of the first strong character outside isolates (rules P2-P3)."""
    depth = 0
    for char in text:
        if char in (LRI, RLI, FSI):
            depth += 1
        elif char == PDI:
            depth = max(0, depth - 1)
        elif depth == 0:
            kind = unicodedata.bidirectional(char)
            if kind in ("R", "AL"):
                return "rtl"
            if kind == "L":
                return "ltr"
    return "ltr"


def shape(text: str) -> str:
    """Arabic-script letters in their joined forms, still in logical order.

    The isolates stay (the line's reordering needs them); the zero-width non-joiner has
    done its job once letters are shaped, and is kept too (it has no width).
    """
    if not any(is_rtl_char(c) for c in text):
        return text
    return _RESHAPER.reshape(text)


@functools.lru_cache(maxsize=4096)
def visual_line(line: str, base: Direction = "auto", marks: Marks = "after") -> str:
    """One line of shaped, logical text in the left-to-right order a renderer draws.

    ``base`` is the paragraph's direction ("auto": its first strong character). The
    result has no direction controls and no zero-width joiners left in it.

    ``marks`` says where a right-to-left run's combining marks (the hamza of «هٔ»,
    harakat) go: "after" their base for a renderer that attaches marks by the font's
    anchors (HarfBuzz: Kivy's SDL_ttf); "before" it for one that draws every glyph at
    the pen with its own offsets (Pillow's basic layout), where a mark drawn for
    right-to-left setting lands on the glyph to its left.
    """
    if not line:
        return line
    if base == "auto":
        base = base_direction(line)
    if base == "ltr" and not any(is_rtl_char(c) for c in line):
        return line.translate(_STRIP_CONTROLS)
    embedded = line.translate(_TO_EMBEDDINGS)
    shown = get_display(embedded, base_dir="R" if base == "rtl" else "L")
    assert isinstance(shown, str)
    shown = shown.translate(_STRIP_CONTROLS)
    return _marks_after_base(shown) if marks == "after" else shown


def _marks_after_base(shown: str) -> str:
    """Rule L3: reversed right-to-left runs leave combining marks (the hamza of هٔ,
    harakat) before their base; a renderer drawing left to right wants them after it."""
    out: list[str] = []
    marks: list[str] = []
    for char in shown:
        if unicodedata.category(char) == "Mn":
            marks.append(char)
            continue
        if marks and is_rtl_char(char):
            out.append(char)
            out.extend(marks)
        else:
            out.extend(marks)
            out.append(char)
        marks = []
    out.extend(marks)
    return "".join(out)


def display(text: str, base: Direction = "auto", marks: Marks = "after") -> str:
    """A single line, shaped and ordered (labels that never wrap, window titles, logs,
    the lines of a printed receipt with ``marks="before"``)."""
    return "\n".join(visual_line(shape(part), base, marks) for part in text.split("\n"))


Measure = Callable[[str], float]


def wrap(text: str, width: float, measure: Measure) -> list[str]:
    """Greedy word wrap of logical (shaped) text, as Kivy's label does it.

    Breaks at spaces and at explicit newlines; a word wider than ``width`` is split
    between characters. No-break spaces (see :func:`ltr`) never break.
    """
    lines: list[str] = []
    for paragraph in text.split("\n"):
        words = paragraph.split(" ")
        current = ""
        for word in words:
            candidate = word if not current else f"{current} {word}"
            if measure(candidate) <= width:
                current = candidate
                continue
            if current:
                lines.append(current)
            current = ""
            while measure(word) > width and len(word) > 1:
                cut = len(word) - 1
                while cut > 1 and measure(word[:cut]) > width:
                    cut -= 1
                lines.append(word[:cut])
                word = word[cut:]
            current = word
        lines.append(current)
    return lines


def layout(text: str, width: float, measure: Measure, base: Direction = "auto") -> list[str]:
    """A paragraph wrapped at ``width`` and each line ordered for drawing, top line first.

    ``base`` "auto" takes the direction of the paragraph as a whole, so every line of
    one paragraph is aligned and ordered alike.
    """
    if base == "auto":
        base = base_direction(text)
    return [visual_line(line, base) for line in wrap(shape(text), width, measure)]
