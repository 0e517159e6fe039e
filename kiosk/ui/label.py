"""The one label of the kiosk: Persian shaped and ordered right, at any width.

Kivy gets the *shaped* text still in logical order, so it wraps with the real joined
widths; each wrapped line is reordered with the bidi algorithm only when the core label
draws it (it draws one wrapped line at a time). ``base_direction`` is the paragraph's
direction ("rtl", "ltr", or None for its first strong character); the alignment follows
it unless ``halign`` says otherwise. No markup, no justify.
"""

from __future__ import annotations

from typing import Any

from kivy.core.text import Label as CoreLabel
from kivy.properties import BooleanProperty, OptionProperty
from kivy.uix.label import Label

from kiosk.text.ordering import Direction, base_direction, shape, visual_line


class ShapedCoreLabel(CoreLabel):  # type: ignore[misc, valid-type]
    """Kivy's core label (SDL2) that shapes on input and orders each line on output.

    SDL_ttf shapes with HarfBuzz; under the "Latn" script Kivy sets by default it maps
    the presentation forms back to unjoined letters, under "Arab" it draws them as
    shaped (checked in screenshots). Kivy sets the script on the font object (shared by
    every label of one font file and size) only when drawing, not when measuring: the
    first measure of each font is therefore preceded by one tiny draw, so wrapping
    measures what will be drawn. Every label of the kiosk is this one, so the shared
    state never flips.
    """

    _primed: set[str] = set()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["font_script_name"] = "Arab"
        kwargs["font_direction"] = "ltr"  # lines arrive already in visual order
        super().__init__(*args, **kwargs)
        # Kivy's constructor stores the first text as it is, past the ``text`` property:
        # a label made with its text (``Txt(text=...)``) must be shaped here, or HarfBuzz
        # joins the bare letters itself and runs words together across a non-joiner.
        first = getattr(self, "_text", None)
        if isinstance(first, str):
            self._text = shape(first)

    def get_extents(self, text: str) -> tuple[int, int]:
        font_id = self._get_font_id()
        if font_id not in self._primed:
            self._primed.add(font_id)
            from kivy.core.text._text_sdl2 import _SurfaceContainer

            _SurfaceContainer(2, 2).render(self, " ", 0, 0)
        # measured as drawn: HarfBuzz's joins and kerning depend on the drawn order
        extents: tuple[int, int] = super().get_extents(visual_line(text, self._direction()))
        return extents

    def _direction(self) -> Direction:
        direction: Direction = self.options.get("base_direction") or "auto"
        return direction

    def _set_text(self, text: str) -> None:
        super()._set_text(shape(text))

    text = property(CoreLabel._get_text, _set_text)
    label = property(CoreLabel._get_text, _set_text)

    def _render_text(self, text: str, x: int, y: int) -> None:  # one wrapped line
        super()._render_text(visual_line(text, self._direction()), x, y)


class KioskLabel(Label):  # type: ignore[misc]
    """A label for Persian and English alike. ``paragraph`` binds ``text_size`` to the
    width, so long text wraps inside the label."""

    paragraph = BooleanProperty(False)
    base_direction = OptionProperty(None, options=["ltr", "rtl", None], allownone=True)
    align = OptionProperty("start", options=["start", "end", "center"])
    """Where lines sit: at the start of the reading direction (right in Persian), the end,
    or the centre."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.fbind("paragraph", self._bind_paragraph)
        self.fbind("text", self._align)
        self.fbind("base_direction", self._align)
        self.fbind("align", self._align)
        self._bind_paragraph()
        self._align()

    def _create_label(self) -> None:
        if isinstance(self._label, ShapedCoreLabel):  # type: ignore[has-type]
            return
        dkw = {x: getattr(self, x) for x in self._font_properties}
        dkw["usersize"] = self.text_size
        self._label = ShapedCoreLabel(**dkw)
        self.font_script_name = "Arab"

    def _bind_paragraph(self, *_args: Any) -> None:
        if self.paragraph:
            self.fbind("width", self._fit_width)
            self._fit_width()
        else:
            self.funbind("width", self._fit_width)

    def _fit_width(self, *_args: Any) -> None:
        self.text_size = (self.width, None)

    def _align(self, *_args: Any) -> None:
        direction = self.base_direction or base_direction(self.text)
        if self.align == "center":
            self.halign = "center"
        else:
            start = self.align == "start"
            self.halign = "right" if (direction == "rtl") == start else "left"
        # the core label reads the paragraph direction from its options
        self._label.options["base_direction"] = direction
        self._trigger_texture()
