"""The printable receipt: a ``registry.fees.Receipt`` with the application's facts, drawn
in right-to-left Persian for a person to print and keep.

Two outputs from one layout: a PDF page (A5, 300 dpi, for the office's printer; the
default) and a PNG strip 72 mm wide at 203 dpi (the print width of an 80 mm kiosk
roll printer) when the file name ends in ``.png``. Amounts are shown in the unit the
source uses (card fees in toman, office tariffs in rial) with Persian digits and U+066C
separators; dates are Solar Hijri, in Iran's time. Text is wrapped on its logical form
and each line shaped and ordered by the shared text module (:func:`drawn`, i.e.
:func:`kiosk.text.display` with the marks placed for Pillow's basic layout); codes keep
their left-to-right order in an isolate (:func:`kiosk.text.ltr`). The font is Vazirmatn
(``tools/fetch_vazirmatn.py``).
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from apdu.atomic import write_private
from citizen.digits import persian_digits
from citizen.jalali import jalali_numeric
from citizen.national_code import grouped
from kiosk.cli.words import Words
from kiosk.text import display, ltr
from registry.clock import iran_date, iran_time
from registry.fees import FeeItem, Receipt, ReceiptLine, Rial, Unit, amount_digits
from registry.office_contract import Charge, OfficeRecord

_FA = Words("fa")
_REPO_FONTS = Path(__file__).resolve().parent / "ui" / "fonts"
_CACHE_FONTS = Path.home() / ".cache" / "nidkiosk" / "fonts"


class FontMissing(RuntimeError):
    """Vazirmatn is not installed: run ``make fonts`` (or tools/fetch_vazirmatn.py)."""


@dataclass(frozen=True)
class ReceiptFacts:
    """What the receipt says besides its lines: whose, where, when, for what."""

    purpose: str                       # payment purpose: registration, booking, delivery
    receipt: Receipt
    tracking_code: str = field(repr=False)
    national_code: str
    office_name: str
    paid_at: dt.datetime | None
    card_serial: str | None = None
    reference: str | None = None

    @classmethod
    def of(cls, record: OfficeRecord, charge: Charge) -> ReceiptFacts:
        return cls(charge.purpose, charge.receipt, record.tracking_code, record.national_code,
                   record.office_name, charge.paid_at, record.card_serial, charge.reference)


@dataclass(frozen=True)
class Page:
    width: int        # pixels
    dpi: int
    margin: int       # pixels
    height: int | None = None   # a fixed page; None: as long as the content (a roll)

    def px(self, points: float) -> int:
        return round(points * self.dpi / 72)


A5_PDF = Page(width=1748, dpi=300, margin=142, height=2480)
ROLL_80MM = Page(width=576, dpi=203, margin=16)


def font_dir() -> Path:
    for candidate in (os.environ.get("NIDKIOSK_FONT_DIR"), _REPO_FONTS, _CACHE_FONTS):
        if candidate and (Path(candidate) / "Vazirmatn-Regular.ttf").exists():
            return Path(candidate)
    raise FontMissing("Vazirmatn is not installed: run 'make fonts'")


def _font(bold: bool, size: int) -> ImageFont.FreeTypeFont:
    name = "Vazirmatn-Bold.ttf" if bold else "Vazirmatn-Regular.ttf"
    # BASIC layout: the text arrives shaped and ordered; no second shaping by raqm
    return ImageFont.truetype(str(font_dir() / name), size,
                              layout_engine=ImageFont.Layout.BASIC)


def drawn(line: str) -> str:
    """One wrapped line of logical Persian as Pillow's basic layout draws it, left to right:
    letters joined, runs in display order, each mark before its base (the layout puts a
    zero-width mark where the pen is, with the offsets the font gives it for RTL)."""
    return display(line, "rtl", marks="before")


# --- the words --------------------------------------------------------------------------

def _amount(amount: int, unit: Unit) -> str:
    return f"{amount_digits(Rial(amount), unit)} {_FA.say(f'unit.{unit.value}')}"


def _line_label(line: ReceiptLine) -> str:
    return _FA.say(line.item, n=line.number)


def _total_unit(receipt: Receipt) -> Unit:
    units = {line.item.source_unit for line in receipt.lines}
    return units.pop() if len(units) == 1 else Unit.RIAL


_PURPOSE = {"registration": "FeeItem.CARD_ISSUANCE", "booking": "FeeItem.OFFICE_REGISTRATION",
            "delivery": "FeeItem.OFFICE_DELIVERY"}


def _when(instant: dt.datetime | None) -> str:
    if instant is None:
        return "—"
    local = iran_time(instant)
    return persian_digits(f"{jalali_numeric(iran_date(instant))}  {local:%H:%M}")


def receipt_rows(facts: ReceiptFacts) -> list[tuple[str, str, str]]:
    """(style, right, left) rows in logical Persian: the content before any drawing.

    Styles: title, subtitle, fact, rule, item, share, total, note.
    """
    receipt = facts.receipt
    code = facts.tracking_code
    rows: list[tuple[str, str, str]] = [
        ("title", _FA.say("receipt.title"), ""),
        ("subtitle", _FA.say(_PURPOSE.get(facts.purpose, "receipt.title"), n=0), ""),
        ("fact", _FA.say("receipt.tracking_code"),
         ltr(persian_digits("-".join(code[i:i + 4] for i in range(0, len(code), 4))))),
        ("fact", _FA.say("receipt.national_code"),
         ltr(persian_digits(grouped(facts.national_code)))),
        *((("fact", _FA.say("receipt.office"), facts.office_name),) if facts.office_name
          else ()),
        ("fact", _FA.say("receipt.date"), ltr(_when(facts.paid_at))),
    ]
    if facts.card_serial:
        rows.append(("fact", _FA.say("receipt.card_serial"), ltr(facts.card_serial)))
    if facts.reference:
        rows.append(("fact", _FA.say("receipt.reference"), ltr(facts.reference)))
    rows.append(("rule", "", ""))
    for line in receipt.lines:
        unit = line.item.source_unit
        rows.append(("item", _line_label(line), _amount(line.amount, unit)))
        for share in ("office", "supply", "nix", "treasury"):
            value = getattr(line.shares, share)
            if value and value != line.amount:
                rows.append(("share", _FA.say(f"share.{share}"), _amount(value, unit)))
    rows.append(("rule", "", ""))
    total_unit = _total_unit(receipt)
    rows.append(("total", _FA.say("receipt.total"), _amount(receipt.total, total_unit)))
    if total_unit is Unit.TOMAN:
        rows.append(("share", "", _amount(receipt.total, Unit.RIAL)))
    rows.append(("note", _FA.say("receipt.priced_on", day=ltr(
        persian_digits(jalali_numeric(receipt.priced_on)))), ""))
    if any(line.item.office_service or line.item is FeeItem.LATE_COLLECTION
           for line in receipt.lines):
        rows.append(("note", _FA.say("receipt.vat_note"), ""))
    return rows


# --- the drawing ------------------------------------------------------------------------

_SIZES = {"title": (True, 16), "subtitle": (False, 11), "fact": (False, 9), "item": (True, 9),
          "share": (False, 8), "total": (True, 12), "note": (False, 7.5), "rule": (False, 9)}


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Logical lines no wider than ``width`` once shaped (words kept whole)."""
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if current and font.getlength(drawn(candidate)) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    return [*lines, current] if current else lines


def _columns(right: str, left: str, font: ImageFont.FreeTypeFont, inner: int,
             gap: int) -> list[tuple[str, str]]:
    """Label (right) and value (left) on shared lines: the wider of the two wraps."""
    if not left:
        return [(line, "") for line in _wrap(right, font, inner)] or [("", "")]
    right_width = font.getlength(drawn(right)) if right else 0
    left_width = font.getlength(drawn(left))
    if right_width + left_width + gap <= inner:
        return [(right, left)]
    if left_width >= right_width:
        room = int(inner - right_width - gap)
        values = _wrap(left, font, room)
        if all(font.getlength(drawn(v)) <= room for v in values):
            return [(right if i == 0 else "", v) for i, v in enumerate(values)]
        # a value that cannot break beside its label (a long reference): the line below
        return [(right, ""), *(("", v) for v in _wrap(left, font, inner))]
    labels = _wrap(right, font, int(inner - left_width - gap))
    return [(label, left if i == 0 else "") for i, label in enumerate(labels)]


def render(facts: ReceiptFacts, page: Page = A5_PDF) -> Image.Image:
    """The receipt as a white page with black text, right to left."""
    rows = receipt_rows(facts)
    inner = page.width - 2 * page.margin
    placed: list[tuple[int, str, ImageFont.FreeTypeFont, str, str]] = []  # y, style, ...
    y = page.margin
    for style, right, left in rows:
        bold, points = _SIZES[style]
        font = _font(bold, page.px(points))
        gap = page.px(points * 0.55)
        if style == "rule":
            placed.append((y + gap, style, font, "", ""))
            y += 2 * gap
            continue
        for right_text, left_text in _columns(right, left, font, inner, page.px(12)):
            placed.append((y, style, font, right_text, left_text))
            y += page.px(points * 1.6)
        y += page.px(points * 0.35) if style in ("title", "subtitle", "total") else 0
    height = page.height or y + page.margin
    image = Image.new("L", (page.width, max(height, y + page.margin)), 255)
    pen = ImageDraw.Draw(image)
    for top, style, font, right, left in placed:
        if style == "rule":
            pen.line([(page.margin, top), (page.width - page.margin, top)], fill=0,
                     width=max(1, page.px(0.8)))
            continue
        if style in ("title", "subtitle") and right:
            text = drawn(right)
            pen.text(((page.width - font.getlength(text)) / 2, top), text, font=font, fill=0)
            continue
        shade = 70 if style in ("share", "note") else 0
        if right:
            text = drawn(right)
            pen.text((page.width - page.margin - font.getlength(text), top), text, font=font,
                     fill=shade)
        if left:
            pen.text((page.margin, top), drawn(left), font=font, fill=shade)
    return image


def write_receipt(path: Path, facts: ReceiptFacts) -> None:
    """A PDF page, or a PNG roll strip for ``*.png``; private (it names the applicant)."""
    import io

    roll = path.suffix.lower() == ".png"
    image = render(facts, ROLL_80MM if roll else A5_PDF)
    out = io.BytesIO()
    if roll:
        image.save(out, format="PNG", dpi=(ROLL_80MM.dpi, ROLL_80MM.dpi))
    else:
        image.convert("RGB").save(out, format="PDF", resolution=A5_PDF.dpi,
                                  title="nidkiosk receipt")
    write_private(path, out.getvalue())
