"""Write the example receipts in docs/receipts/ (a late delivery: the higher fee).

    python tools/receipt_example.py
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import jdatetime

from kiosk.receipts import ReceiptFacts, write_receipt
from registry.fee_schedules import FEE_BOOK

OUT = Path(__file__).resolve().parent.parent / "docs" / "receipts"

if __name__ == "__main__":
    facts = ReceiptFacts(
        "delivery", FEE_BOOK.delivery_receipt(jdatetime.date(1406, 1, 1), late=True),
        "48210937556120487735", "0053901207",
        "دفتر پیشخوان خدمات دولت ۱۲۳۴ (تهران، میدان ولیعصر)",
        dt.datetime(2027, 3, 21, 8, 30, tzinfo=dt.UTC), "0A1234567", "POS-004211")
    for name in ("late-delivery.pdf", "late-delivery-80mm.png"):
        write_receipt(OUT / name, facts)
        os.chmod(OUT / name, 0o644)       # an example of synthetic data: readable
        print(OUT / name)
