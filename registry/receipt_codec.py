"""Receipts stored with their payments: ``registry.fees.Receipt`` to JSON and back.

Every charge keeps the receipt it was priced by, so a reprint years later shows the
lines, shares and date of that day's schedule, not today's.
"""

from __future__ import annotations

import json
from typing import Any

import jdatetime

from citizen.jalali import format_jalali, parse_jalali
from registry.fees import FeeItem, Receipt, ReceiptLine, Rial, Shares


def receipt_to_json(receipt: Receipt) -> str:
    return json.dumps({
        "priced_on": format_jalali(receipt.priced_on),
        "lines": [{"item": line.item.value, "number": line.number,
                   "office": line.shares.office, "supply": line.shares.supply,
                   "nix": line.shares.nix, "treasury": line.shares.treasury}
                  for line in receipt.lines],
        "total": receipt.total,
    }, sort_keys=True)


def receipt_from_json(text: str) -> Receipt:
    data: dict[str, Any] = json.loads(text)
    priced_on: jdatetime.date = parse_jalali(data["priced_on"])
    lines = tuple(ReceiptLine(FeeItem(line["item"]),
                              Shares(Rial(line["office"]), Rial(line["supply"]),
                                     Rial(line["nix"]), Rial(line["treasury"])),
                              int(line["number"]))
                  for line in data["lines"])
    receipt = Receipt(priced_on, lines)
    if receipt.total != data["total"]:
        raise ValueError("a stored receipt does not add up")
    return receipt
