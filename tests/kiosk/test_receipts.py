"""The printable receipt: golden lines as drawn (the shared text module, marks placed for
Pillow's basic layout), the rows it prints, the files."""

from __future__ import annotations

import datetime as dt
import stat
from pathlib import Path

import jdatetime
import numpy as np
import pytest
from PIL import Image

from kiosk.receipts import (
    A5_PDF,
    ROLL_80MM,
    ReceiptFacts,
    drawn,
    receipt_rows,
    render,
    write_receipt,
)
from kiosk.text import ltr
from registry.eligibility import ApplicationKind
from registry.fee_schedules import FEE_BOOK
from registry.fees import Receipt

GOLDEN = [  # logical text -> the glyphs drawn left to right (checked by eye on the PNG)
    ("کد ملی: " + ltr("۰۰۵-۳۹۰۱۲۰-۷"),
     "\u06f0\u06f0\u06f5-\u06f3\u06f9\u06f0\u06f1\u06f2\u06f0-\u06f7 "
     ":\ufbfd\ufee0\ufee3 \ufeaa\ufb90"),
    ("جمع کل: ۷۲٬۰۷۹ ریال",
     "\ufedd\ufe8e\ufbfe\ufead \u06f7\u06f2\u066c\u06f0\u06f7\u06f9 :\ufede\ufb90 "
     "\ufeca\ufee4\ufe9f"),
    ("تحویل کارت (دفتر)",
     "(\ufeae\ufe98\ufed3\ufea9) \ufe95\ufead\ufe8e\ufb90 \ufede\ufbfe\ufeee\ufea4\ufe97"),
    ("سریال کارت: 0A1234567",
     "0A1234567 :\ufe95\ufead\ufe8e\ufb90 \ufedd\ufe8e\ufbfe\ufeae\ufeb3"),
    # the hamza of the ezafe stays a mark, drawn before its heh (the basic layout places it
    # by the font's right-to-left offsets); the old receipt-only shaper dropped it after
    # a non-joining letter («دورهٔ»), where Vazirmatn has no isolated ۀ
    ("بر پایهٔ تعرفهٔ ۱۴۰۵/۰۹/۰۹",
     "\u06f1\u06f4\u06f0\u06f5/\u06f0\u06f9/\u06f0\u06f9 \u0654\ufeea\ufed3\ufeae\ufecc\ufe97 "
     "\u0654\ufeea\ufbfe\ufe8e\ufb58 \ufeae\ufe91"),
    ("دورهٔ", "\u0654\ufee9\ufead\ufeed\ufea9"),
]


@pytest.mark.parametrize("text,glyphs", GOLDEN)
def test_drawn_line_golden(text: str, glyphs: str) -> None:
    assert drawn(text) == glyphs


def _facts(late: bool = False) -> ReceiptFacts:
    return ReceiptFacts("delivery", FEE_BOOK.delivery_receipt(jdatetime.date(1406, 1, 1),
                                                              late=late),
                        "48210937556120487735", "0053901207", "دفتر پیشخوان ۱۲۳۴",
                        dt.datetime(2027, 3, 21, 8, 30, tzinfo=dt.UTC), "0A1234567",
                        "POS-004211")


def test_the_rows_say_what_was_paid_in_persian_digits() -> None:
    rows = receipt_rows(_facts(late=True))
    by_label = {right: left for style, right, left in rows if left}
    assert by_label["جمع کل"] == "۱۴۴٬۱۵۸ ریال"
    assert by_label["تحویل کارت (دفتر)"] == "۷۲٬۰۷۹ ریال"
    assert by_label["تحویل دیرهنگام (کارت باطل‌شده)"] == "۷۲٬۰۷۹ ریال"
    assert by_label["کد ملی"] == ltr("۰۰۵-۳۹۰۱۲۰-۷")
    assert by_label["تاریخ"] == ltr("۱۴۰۶/۰۱/۰۱  ۱۲:۰۰")      # 08:30 UTC in Tehran
    assert by_label["کد رهگیری"] == ltr("۴۸۲۱-۰۹۳۷-۵۵۶۱-۲۰۴۸-۷۷۳۵")
    shares = [left for style, _right, left in rows if style == "share"]
    assert shares[:3] == ["۴۷٬۲۵۹ ریال", "۲۱٬۰۰۰ ریال", "۳٬۸۲۰ ریال"]


def test_a_card_fee_is_shown_in_toman_and_its_rial() -> None:
    on = jdatetime.date(1405, 9, 9)
    card = Receipt(on, (FEE_BOOK.card_fee_line(ApplicationKind.FIRST_CARD, on),))
    rows = receipt_rows(ReceiptFacts("registration", card, "1" * 20, "0053901207", "",
                                     None))
    lefts = [left for _s, _r, left in rows if left]
    assert "۶۰٬۰۰۰ تومان" in lefts and "۶۰۰٬۰۰۰ ریال" in lefts


def test_right_to_left_on_the_roll_and_nothing_cut_off(receipt_font: Path) -> None:
    image = render(_facts(late=True), ROLL_80MM)
    assert image.width == 576
    ink = np.asarray(image) < 128
    columns = np.flatnonzero(ink.any(axis=0))
    rows = np.flatnonzero(ink.any(axis=1))
    assert columns.min() >= ROLL_80MM.margin - 2            # nothing over the left edge
    assert columns.max() <= 576 - ROLL_80MM.margin + 2      # labels end at the right margin
    assert columns.max() >= 576 - ROLL_80MM.margin - 6      # ... and start there (RTL)
    assert rows.max() < image.height - ROLL_80MM.margin // 2


def test_the_files_are_a_pdf_page_and_a_png_strip_both_private(receipt_font: Path,
                                                               tmp_path: Path) -> None:
    pdf, png = tmp_path / "r.pdf", tmp_path / "r.png"
    write_receipt(pdf, _facts())
    write_receipt(png, _facts())
    assert pdf.read_bytes().startswith(b"%PDF")
    with Image.open(png) as strip:
        assert strip.width == ROLL_80MM.width
    for path in (pdf, png):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert A5_PDF.width / A5_PDF.dpi == pytest.approx(148 / 25.4, rel=0.01)
