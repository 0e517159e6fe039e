"""Numbers, codes, dates and amounts as people read them, in Persian or in English.

Everything returned is *logical* text for :mod:`kiosk.text.ordering`: runs whose order
must survive a right-to-left paragraph (national codes, digit dates, phone numbers,
amounts) come wrapped in a left-to-right isolate. Money is integer rial, as the
registry keeps it; 1 toman is 10 rial.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

import jdatetime

from citizen.digits import ARABIC_THOUSANDS_SEPARATOR, persian_digits
from citizen.jalali import as_jalali
from kiosk.text.ordering import LRM, is_rtl_char, ltr

Lang = Literal["fa", "en"]
Unit = Literal["toman", "rial"]

MONTHS_FA = ("فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور",
             "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند")
MONTHS_EN = ("Farvardin", "Ordibehesht", "Khordad", "Tir", "Mordad", "Shahrivar",
             "Mehr", "Aban", "Azar", "Dey", "Bahman", "Esfand")
RIAL_PER_TOMAN = 10


def digits(value: int | str, lang: Lang) -> str:
    """Digits in the script of ``lang`` (no grouping)."""
    text = str(value)
    return persian_digits(text) if lang == "fa" else text


def number(value: int, lang: Lang) -> str:
    """An integer grouped by thousands: ۱۲٬۳۴۵ in Persian, 12,345 in English."""
    grouped = f"{value:,}"
    if lang == "fa":
        return persian_digits(grouped.replace(",", ARABIC_THOUSANDS_SEPARATOR))
    return grouped


def national_code(code: str, lang: Lang) -> str:
    """As the card prints it, 3-6-1 (۰۰۵-۳۹۰۱۲۰-۷), kept in that order in any paragraph."""
    grouped = f"{code[:3]}-{code[3:9]}-{code[9:]}" if len(code) == 10 else code
    return ltr(digits(grouped, lang))


def plain_code(code: str, lang: Lang) -> str:
    """A serial, postal code or tracking code: its digits, in order, unbroken."""
    return ltr(digits(code, lang))


def certificate_serial(serial: str, lang: Lang) -> str:
    """A birth certificate's serial as the card stores it (``93-د-619869``): in Persian
    read from the right as the certificate prints it (۶۱۹۸۶۹-د-۹۳ on the page); in
    English left to right in the stored order, a left-to-right mark after the letter
    series so that the digits after it are not taken into its right-to-left run."""
    if lang == "fa":
        return digits(serial, lang)
    marked = [c + LRM if is_rtl_char(c) and (i + 1 == len(serial)
                                            or not is_rtl_char(serial[i + 1])) else c
              for i, c in enumerate(serial)]
    return ltr("".join(marked))


def mobile(number_text: str, lang: Lang) -> str:
    """0912 345 6789, kept left to right and on one line."""
    text = number_text
    if len(text) == 11 and text.isdigit():
        text = f"{text[:4]} {text[4:7]} {text[7:]}"
    return ltr(digits(text, lang))


def jalali_date(day: jdatetime.date | dt.date, lang: Lang, style: str = "long") -> str:
    """A Solar Hijri date: "۱۲ مرداد ۱۴۰۳" / "12 Mordad 1403" (long), or
    "۱۴۰۳/۰۵/۱۲" (numeric, isolated so the year stays on the left)."""
    day = as_jalali(day)
    if style == "numeric":
        return ltr(digits(f"{day.year:04d}/{day.month:02d}/{day.day:02d}", lang))
    months = MONTHS_FA if lang == "fa" else MONTHS_EN
    return f"{digits(day.day, lang)} {months[day.month - 1]} {digits(day.year, lang)}"


def amount(rial: int, lang: Lang, unit: Unit = "toman") -> str:
    """Money in toman (whole or with a rial fraction shown as rial) or in rial.

    ``rial`` is the integer amount; a toman figure that is not whole is given in rial,
    since an office tariff such as 259,963 rial has no exact toman value.
    """
    if unit == "toman" and rial % RIAL_PER_TOMAN == 0:
        figure, word = rial // RIAL_PER_TOMAN, ("تومان" if lang == "fa" else "toman")
    else:
        figure, word = rial, ("ریال" if lang == "fa" else "rial")
    return f"{ltr(number(figure, lang))} {word}"


def count(n: int, lang: Lang) -> str:
    """A small count in the script of ``lang``."""
    return digits(n, lang)


def tries_left(n: int, lang: Lang) -> str:
    """"۲ فرصت دیگر" / "2 tries left"; none left and one left have their own words."""
    if lang == "fa":
        if n <= 0:
            return "فرصتی نمانده است"
        return f"{digits(n, lang)} فرصت دیگر"
    if n <= 0:
        return "no tries left"
    return "1 try left" if n == 1 else f"{n} tries left"


def seconds(n: int, lang: Lang) -> str:
    return f"{digits(n, lang)} ثانیه" if lang == "fa" else f"{n} s"
