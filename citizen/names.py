"""Persian names as people type them, folded to one spelling.

Keyboards and old systems give Arabic ي (U+064A) and ك (U+0643) where Persian has
ی (U+06CC) and ک (U+06A9); the two look alike and compare unequal, so a name typed on
one machine would not match the record made on another. Names keep their zero-width
non-joiner (U+200C, as in حسن‌زاده); the tatweel and vowel marks are decoration and go.
"""

from __future__ import annotations

import re

from citizen.errors import CitizenDataError, DataProblem

ZWNJ = "\u200c"
MIN_NAME_LETTERS, MAX_NAME_LENGTH = 2, 50

_FOLD = str.maketrans({
    "\u064a": "\u06cc",  # ARABIC YEH -> FARSI YEH
    "\u0649": "\u06cc",  # ALEF MAKSURA -> FARSI YEH
    "\u0643": "\u06a9",  # ARABIC KAF -> KEHEH
    "\u0640": None,      # TATWEEL
})
_MARKS = re.compile("[\u064b-\u065f\u0670]")
_SPACES = re.compile(r"[ \t\u00a0]+")
_ZWNJ_RUNS = re.compile(f"(?: ?{ZWNJ} ?)+")
_LETTERS = (
    "\u0621-\u063a"          # hamza .. ghain
    "\u0641-\u0642\u0644-\u0648"  # feh, qaf, lam .. waw (kaf and yeh are folded)
    "\u067e\u0686\u0698\u06a9\u06af\u06cc"  # پ چ ژ ک گ ی
    "\u06c0\u0654"           # ۀ and the hamza above it is made of
)
_PERSIAN_NAME = re.compile(f"[{_LETTERS}]+(?:[ {ZWNJ}][{_LETTERS}]+)*")


def normalize_persian_name(text: str) -> str:
    """One spelling: Persian ی and ک, no tatweel or vowel marks, single spaces, ZWNJ kept."""
    folded = _MARKS.sub("", text.translate(_FOLD))
    folded = _SPACES.sub(" ", folded).strip(" " + ZWNJ)
    return _ZWNJ_RUNS.sub(ZWNJ, folded)


def validate_persian_name(text: str, field: str = "name") -> str:
    """The normalised name, or CitizenDataError(MISSING / NAME_NOT_PERSIAN / NAME_LENGTH)."""
    name = normalize_persian_name(text)
    if not name:
        raise CitizenDataError(DataProblem.MISSING, f"no {field}", field=field)
    if not _PERSIAN_NAME.fullmatch(name):
        raise CitizenDataError(DataProblem.NAME_NOT_PERSIAN,
                               f"a {field} is written in Persian letters", field=field)
    letters = sum(1 for c in name if c not in (" ", ZWNJ))
    if letters < MIN_NAME_LETTERS or len(name) > MAX_NAME_LENGTH:
        raise CitizenDataError(
            DataProblem.NAME_LENGTH,
            f"a {field} has {MIN_NAME_LETTERS} to {MAX_NAME_LENGTH} characters", field=field)
    return name
