"""Golden tests of the text module: the exact visual strings a renderer draws, line by line.

Widths are counted in characters (direction controls have no width), so the goldens
do not depend on a font; the Kivy label wraps the same logical text by pixel widths
(tests/kiosk/ui check that in a real window).
"""

import jdatetime
import pytest

from kiosk.text import (
    LRI,
    PDI,
    amount,
    base_direction,
    display,
    jalali_date,
    layout,
    mobile,
    national_code,
    shape,
    visual_line,
    wrap,
)


def width(text: str) -> int:
    return sum(1 for c in text if c not in (LRI, PDI))


PARAGRAPH = ("کد ملی شما " + national_code("0053901207", "fa") + " است و کارت در "
             + jalali_date(jdatetime.date(1403, 5, 12), "fa", "numeric")
             + " صادر شد (هزینه: " + amount(400_000, "fa") + "). PIN1 را وارد کنید.")


def test_shaping_keeps_logical_order_and_isolates():
    assert shape("کد ملی " + national_code("0053901207", "fa")) == \
        "ﮐﺪ ﻣﻠﯽ \u2066۰۰۵-۳۹۰۱۲۰-۷\u2069"
    assert shape("PIN 1234") == "PIN 1234"  # nothing to shape: the same string


def test_single_line_national_code_stays_in_card_order():
    assert display("کد ملی: " + national_code("0053901207", "fa")) == "۰۰۵-۳۹۰۱۲۰-۷ :ﯽﻠﻣ ﺪﮐ"
    # without the isolate, bidi turns the groups around (what browsers do too)
    assert display("کد ملی: ۰۰۵-۳۹۰۱۲۰-۷") == "۷-۳۹۰۱۲۰-۰۰۵ :ﯽﻠﻣ ﺪﮐ"


@pytest.mark.parametrize("columns, lines", [
    (200, [".ﺪﯿﻨﮐ ﺩﺭﺍﻭ ﺍﺭ PIN1 .(ﻥﺎﻣﻮﺗ ۴۰٬۰۰۰ :ﻪﻨﯾﺰﻫ) ﺪﺷ ﺭﺩﺎﺻ ۱۴۰۳/۰۵/۱۲ ﺭﺩ ﺕﺭﺎﮐ ﻭ ﺖﺳﺍ "
           "۰۰۵-۳۹۰۱۲۰-۷ ﺎﻤﺷ ﯽﻠﻣ ﺪﮐ"]),
    (80, [".(ﻥﺎﻣﻮﺗ ۴۰٬۰۰۰ :ﻪﻨﯾﺰﻫ) ﺪﺷ ﺭﺩﺎﺻ ۱۴۰۳/۰۵/۱۲ ﺭﺩ ﺕﺭﺎﮐ ﻭ ﺖﺳﺍ ۰۰۵-۳۹۰۱۲۰-۷ ﺎﻤﺷ ﯽﻠﻣ ﺪﮐ",
          ".ﺪﯿﻨﮐ ﺩﺭﺍﻭ ﺍﺭ PIN1"]),
    (40, ["ﺭﺩ ﺕﺭﺎﮐ ﻭ ﺖﺳﺍ ۰۰۵-۳۹۰۱۲۰-۷ ﺎﻤﺷ ﯽﻠﻣ ﺪﮐ",
          "۴۰٬۰۰۰ :ﻪﻨﯾﺰﻫ) ﺪﺷ ﺭﺩﺎﺻ ۱۴۰۳/۰۵/۱۲",
          ".ﺪﯿﻨﮐ ﺩﺭﺍﻭ ﺍﺭ PIN1 .(ﻥﺎﻣﻮﺗ"]),
    (25, ["۰۰۵-۳۹۰۱۲۰-۷ ﺎﻤﺷ ﯽﻠﻣ ﺪﮐ",
          "۱۴۰۳/۰۵/۱۲ ﺭﺩ ﺕﺭﺎﮐ ﻭ ﺖﺳﺍ",
          "۴۰٬۰۰۰ :ﻪﻨﯾﺰﻫ) ﺪﺷ ﺭﺩﺎﺻ",
          "ﺩﺭﺍﻭ ﺍﺭ PIN1 .(ﻥﺎﻣﻮﺗ",
          ".ﺪﯿﻨﮐ"]),
    (14, ["ﺎﻤﺷ ﯽﻠﻣ ﺪﮐ",
          "۰۰۵-۳۹۰۱۲۰-۷",
          "ﺭﺩ ﺕﺭﺎﮐ ﻭ ﺖﺳﺍ",
          "۱۴۰۳/۰۵/۱۲",
          "ﺪﺷ ﺭﺩﺎﺻ",
          "۴۰٬۰۰۰ :ﻪﻨﯾﺰﻫ)",
          "PIN1 .(ﻥﺎﻣﻮﺗ",
          ".ﺪﯿﻨﮐ ﺩﺭﺍﻭ ﺍﺭ"]),
])
def test_wrapped_paragraph_line_by_line(columns, lines):
    """The first line read is the top line; in each, the national code, the date and the
    amount keep their order and the brackets open and close the right way."""
    assert layout(PARAGRAPH, columns, width, "rtl") == lines


def test_a_wrapped_line_never_splits_an_isolated_phone_number():
    text = "نام: علی رضایی، موبایل " + mobile("09123456789", "fa")
    assert display(text) == "۰۹۱۲\u00a0۳۴۵\u00a0۶۷۸۹ ﻞﯾﺎﺑﻮﻣ ،ﯽﯾﺎﺿﺭ ﯽﻠﻋ :ﻡﺎﻧ"
    assert layout(text, 16, width, "rtl") == ["،ﯽﯾﺎﺿﺭ ﯽﻠﻋ :ﻡﺎﻧ", "ﻞﯾﺎﺑﻮﻣ",
                                             "۰۹۱۲\u00a0۳۴۵\u00a0۶۷۸۹"]


def test_english_paragraph_with_a_persian_name():
    text = "Your national code is " + national_code("0053901207", "en") \
        + "; name: علی رضایی (holder)."
    assert base_direction(text) == "ltr"
    assert layout(text, 30, width) == ["Your national code is",
                                       "005-390120-7; name: ﯽﯾﺎﺿﺭ ﯽﻠﻋ",
                                       "(holder)."]
    assert layout(text, 50, width) == ["Your national code is 005-390120-7; name: ﯽﻠﻋ",
                                       "ﯽﯾﺎﺿﺭ (holder)."]


def test_brackets_mirror_and_latin_words_stay_left_to_right():
    assert display("[رمز] {PIN2}") == "{PIN2} [ﺰﻣﺭ]"
    assert display("رمز دوم (PIN2) برای امضا") == "ﺎﻀﻣﺍ ﯼﺍﺮﺑ (PIN2) ﻡﻭﺩ ﺰﻣﺭ"
    assert display("نسخه Kivy 2.3.1 روی Debian") == "Debian ﯼﻭﺭ Kivy 2.3.1 ﻪﺨﺴﻧ"


def test_amounts_in_toman_and_rial_and_a_non_joiner():
    text = "هزینهٔ تحویل کارت " + amount(72_079, "fa", "rial") + " و فعال‌سازی امضا " \
        + amount(400_000, "fa") + " است."
    assert display(text) == \
        ".ﺖﺳﺍ ﻥﺎﻣﻮﺗ ۴۰٬۰۰۰ ﺎﻀﻣﺍ ﯼﺯﺎﺳﻝﺎﻌﻓ ﻭ ﻝﺎﯾﺭ ۷۲٬۰۷۹ ﺕﺭﺎﮐ ﻞﯾﻮﺤﺗ ﻪٔﻨﯾﺰﻫ"


def test_marks_follow_their_base_after_reordering():
    assert visual_line(shape("هزینهٔ")) == "ﻪٔﻨﯾﺰﻫ"


def test_explicit_newlines_and_long_words():
    assert wrap("یک\nدو سه", 10, width) == ["یک", "دو سه"]
    assert wrap("abcdefghij", 4, width) == ["abcd", "efgh", "ij"]
    assert layout("", 10, width) == [""]
