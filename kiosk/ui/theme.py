"""Colours, sizes and the Persian font of the kiosk: the national-card look in one place."""

from __future__ import annotations

from pathlib import Path

FONT_DIR = Path(__file__).parent / "fonts"
FONT_FILES = {"regular": "Vazirmatn-Regular.ttf", "medium": "Vazirmatn-Medium.ttf",
              "bold": "Vazirmatn-Bold.ttf"}


def rgba(hex_colour: str, alpha: float = 1.0) -> tuple[float, float, float, float]:
    h = hex_colour.lstrip("#")
    return (int(h[0:2], 16) / 255, int(h[2:4], 16) / 255, int(h[4:6], 16) / 255, alpha)


COLOURS = {
    "primary": rgba("#0B5563"),  # deep teal of the card
    "primary_dark": rgba("#073B45"),
    "primary_soft": rgba("#D8EBEE"),
    "accent": rgba("#C9A227"),  # the chip's gold
    "background": rgba("#F3F6F7"),
    "surface": rgba("#FFFFFF"),
    "text": rgba("#16262E"),
    "muted": rgba("#5B6B73"),
    "line": rgba("#D5DEE2"),
    "ok": rgba("#1E7F4F"),
    "ok_soft": rgba("#DDF1E6"),
    "warn": rgba("#A86400"),
    "warn_soft": rgba("#FBEBD0"),
    "bad": rgba("#B3261E"),
    "bad_soft": rgba("#F9DEDC"),
    "info": rgba("#0B5563"),
    "info_soft": rgba("#D8EBEE"),
    "dev": rgba("#2B2F33"),
}


class FontMissing(RuntimeError):
    """The Persian font is not installed (``make fonts`` fetches it)."""


def register_fonts() -> None:
    from kivy.core.text import LabelBase

    missing = [name for name in FONT_FILES.values() if not (FONT_DIR / name).exists()]
    if missing:
        raise FontMissing(f"the kiosk font is missing ({', '.join(missing)} in {FONT_DIR}): "
                          "run 'make fonts'")
    LabelBase.register("Vazirmatn", str(FONT_DIR / FONT_FILES["regular"]),
                       fn_bold=str(FONT_DIR / FONT_FILES["bold"]))
    LabelBase.register("VazirmatnMedium", str(FONT_DIR / FONT_FILES["medium"]),
                       fn_bold=str(FONT_DIR / FONT_FILES["bold"]))
