"""Persian text for the printed receipt: letters joined, runs in display order, per line.

``shape_line`` is the whole of it, on purpose: the project's shared Persian text module
will replace it (same contract: one already wrapped line in logical order in, the glyph
string to draw left to right out). Wrapping happens before, on the logical text, so a
paragraph's first line stays on top.
"""

from __future__ import annotations

import arabic_reshaper
from bidi.algorithm import get_display

LTR_EMBED, POP = "\u202a", "\u202c"
"""Left-to-right embedding: python-bidi's pure algorithm (which mirrors brackets) takes
LRE/PDF where it refuses the isolates LRI/PDI."""


def keep_order(text: str) -> str:
    """A code that reads left to right whatever surrounds it (national code, serials)."""
    return f"{LTR_EMBED}{text}{POP}"


def shape_line(text: str) -> str:
    """Joined Persian letters in visual order, for a renderer that draws left to right."""
    # ه + hamza above (the ezafe of «پایهٔ») as one letter, ۀ: the reshaper drops lone
    # marks. Vazirmatn has its final form but no isolated one: that stays a plain ه.
    shaped = arabic_reshaper.reshape(text.replace("\u0647\u0654", "\u06c0"))
    return get_display(shaped.replace("\ufba4", "\ufee9"), base_dir="R")
