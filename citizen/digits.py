"""Digits in the three scripts Iranians type: ASCII, Persian (۰-۹) and Arabic-Indic (٠-٩).

Python's ``int()`` and ``\\d`` accept all three while ``[0-9]`` does not, so input is
folded to ASCII once, at the edge, and everything inside works on ASCII.
"""

from __future__ import annotations

PERSIAN = "۰۱۲۳۴۵۶۷۸۹"
ARABIC_INDIC = "٠١٢٣٤٥٦٧٨٩"

_TO_ASCII = {ord(c): str(i) for i, c in enumerate(PERSIAN)}
_TO_ASCII.update({ord(c): str(i) for i, c in enumerate(ARABIC_INDIC)})
_TO_PERSIAN = str.maketrans("0123456789", PERSIAN)


def normalize_digits(text: str) -> str:
    """Fold Persian and Arabic-Indic digits to ASCII, leave everything else alone."""
    return text.translate(_TO_ASCII)


def persian_digits(text: str) -> str:
    """ASCII digits shown as Persian digits; everything else left alone."""
    return text.translate(_TO_PERSIAN)


def is_ascii_digits(text: str) -> bool:
    """Only 0-9 (``str.isdigit`` also accepts superscripts and other scripts)."""
    return bool(text) and text.isascii() and text.isdigit()


ARABIC_THOUSANDS_SEPARATOR = "\u066c"  # ٬ between groups of three: ۶۰٬۰۰۰
ARABIC_DECIMAL_SEPARATOR = "\u066b"    # ٫ before a fraction: ۲۵٬۹۹۶٫۳


def group_thousands(number: int, persian: bool = True) -> str:
    """An integer with its thousands grouped: ``۶۰٬۰۰۰`` (or ``60,000`` with ASCII digits).

    Digits and separators only, no unit: every face needs this and words the unit itself.
    """
    sign = "-" if number < 0 else ""
    grouped = f"{abs(number):,}"
    if persian:
        return sign + persian_digits(grouped.replace(",", ARABIC_THOUSANDS_SEPARATOR))
    return sign + grouped
