"""Card commands of the CLI: ``readers`` and ``read``."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from apdu.authenticity import load_trust_anchors
from apdu.client import IdentityReading, NidCard
from apdu.pcsc import list_readers
from kiosk import paths
from kiosk.cli_common import EXIT_OK, EXIT_VERIFICATION, UsageError
from kiosk.formatting import authenticity_lines, identity_lines, jalali_numeric


def cmd_readers(args: argparse.Namespace) -> int:
    readers = list_readers()
    if not readers:
        print("No readers. (Start a simulated card with 'nidkiosk sim card'.)")
    for index, (name, present) in enumerate(readers):
        print(f"{index}: {name}  [{'card' if present else 'empty'}]")
    return EXIT_OK


def _trust_anchors(option: str | None) -> list:
    path = Path(option) if option else paths.trust_dir()
    if not path.exists():
        raise UsageError(
            f"no trust anchors at {path}: pass --trust, or create a card with "
            "'nidkiosk persona new' (it sets up the test issuer)"
        )
    anchors = load_trust_anchors(path)
    if not anchors:
        raise UsageError(f"no CSCA certificate found in {path}")
    return anchors


def reading_as_json(reading: IdentityReading, seconds: float) -> dict:
    who = reading.contents.identity
    report = reading.authenticity

    def day(d):  # noqa: ANN001, ANN202
        return {"jalali": jalali_numeric(d), "gregorian": d.togregorian().isoformat()}

    address = reading.contents.address
    return {
        "identity": {
            "given_name": who.given_name, "surname": who.surname,
            "father_name": who.father_name, "national_code": who.national_code,
            "birth_date": day(who.birth_date), "gender": who.gender.name.lower(),
            "birth_certificate_number": who.birth_certificate_number,
            "birth_certificate_serial": who.birth_certificate_serial,
            "card_serial": who.card_serial, "issue_date": day(who.issue_date),
            "expiry_date": day(who.expiry_date),
        },
        "address": {"postal_code": address.postal_code, "address": address.address}
        if address else None,
        "photo_bytes": len(reading.contents.photo_jpeg or b""),
        "lifecycle": reading.contents.lifecycle.name.lower(),
        "authenticity": {
            "verdict": report.verdict.name.lower(), "genuine": report.genuine,
            "problems": report.problems, "signer": report.signer,
            "chip_authenticated": report.chip_authenticated,
        },
        "apdus": reading.apdu_count,
        "seconds": round(seconds, 4),
    }


def cmd_read(args: argparse.Namespace) -> int:
    anchors = _trust_anchors(args.trust)
    if args.photo and args.no_photo:
        raise UsageError("--photo and --no-photo contradict each other")
    with NidCard.connect(args.reader) as card:
        started = time.perf_counter()
        reading = card.read_identity(anchors, photo=not args.no_photo)
        seconds = time.perf_counter() - started
        reader = card.transport.info.reader
    if args.photo and reading.contents.photo_jpeg:
        Path(args.photo).write_bytes(reading.contents.photo_jpeg)
    if args.json:
        json.dump(reading_as_json(reading, seconds), sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        print(f"National ID card in {reader}")
        for label, value in identity_lines(reading.contents):
            print(f"  {label:<19} {value}")
        for line in authenticity_lines(reading.authenticity):
            print(line)
        print(f"({reading.apdu_count} APDUs, {seconds * 1000:.0f} ms)")
    return EXIT_OK if reading.authenticity.genuine else EXIT_VERIFICATION
