"""Persian (and English) text for every face: shaping, right-to-left ordering, wrapping,
digits, Jalali dates, amounts. Kivy-free, so receipts drawn with Pillow use it too.

Ordering (:mod:`kiosk.text.ordering`): :func:`shape`, :func:`visual_line`, :func:`wrap`,
:func:`layout`, :func:`display`, :func:`ltr`, :func:`base_direction`.
Formatting (:mod:`kiosk.text.numbers`): :func:`digits`, :func:`number`,
:func:`national_code`, :func:`plain_code`, :func:`mobile`, :func:`jalali_date`,
:func:`amount`, :func:`tries_left`.
"""

from kiosk.text.numbers import (
    Lang,
    amount,
    certificate_serial,
    count,
    digits,
    jalali_date,
    mobile,
    national_code,
    number,
    plain_code,
    seconds,
    tries_left,
)
from kiosk.text.ordering import (
    LRI,
    LRM,
    NBSP,
    PDI,
    Direction,
    Marks,
    base_direction,
    display,
    layout,
    ltr,
    shape,
    visual_line,
    wrap,
)

__all__ = [
    "LRI", "LRM", "NBSP", "PDI", "Direction", "Lang", "Marks", "amount", "base_direction",
    "certificate_serial", "count", "digits", "display", "jalali_date", "layout", "ltr",
    "mobile", "national_code",
    "number", "plain_code", "seconds", "shape", "tries_left", "visual_line", "wrap",
]
