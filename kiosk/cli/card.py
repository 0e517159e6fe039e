"""``nidkiosk readers`` and ``nidkiosk read``: the card's identity and whether it is genuine."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import jdatetime
from cryptography import x509

from apdu.authenticity import TrustAnchorError, load_trust_anchors
from apdu.client import IdentityReading
from apdu.problems import Problem
from citizen.jalali import jalali_numeric
from citizen.national_code import grouped
from kiosk import paths
from kiosk.cli.common import (
    EXIT_OK,
    UsageError,
    add_card_options,
    card_opener,
    exit_code,
    say_ending,
    words,
)
from kiosk.cli.files import write_private_file
from kiosk.flows.events import Start
from kiosk.flows.outcome import Ending
from kiosk.flows.read_card import ReadCardFlow
from kiosk.flows.runner import InlineRunner


def add_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    readers = commands.add_parser("readers", help="list PC/SC readers and cards")
    readers.set_defaults(func=cmd_readers)
    read = commands.add_parser("read", help="read the holder's identity and check it is genuine")
    add_card_options(read)
    read.add_argument("--json", action="store_true", help="machine-readable output")
    read.add_argument("--photo", metavar="FILE", help="save the holder's photo (JPEG)")
    read.add_argument("--no-photo", action="store_true", help="skip reading the photo")
    read.add_argument("--trust", metavar="PATH", help="CSCA certificate(s): PEM file or directory")
    read.set_defaults(func=cmd_read)


def cmd_readers(args: argparse.Namespace) -> int:
    from apdu.pcsc import list_readers

    readers = list_readers()
    if not readers:
        print(words().say("read.no_readers"))
    for index, (name, present) in enumerate(readers):
        print(f"{index}: {name}  [{'card' if present else 'empty'}]")
    return EXIT_OK


def trust_anchors(option: str | None) -> list[x509.Certificate]:
    """The CSCA certificates from ``--trust`` or the trust store; usage errors say why."""
    path = Path(option) if option else paths.trust_dir()
    if not path.exists():
        raise UsageError(
            f"no trust anchors at {path}: pass --trust, or create a card with "
            "'nidkiosk persona new' (it sets up the test issuer)")
    try:
        anchors = load_trust_anchors(path)
    except TrustAnchorError as exc:
        raise UsageError(words().say(f"trust.{exc.problem.value}", path=exc.path)) from exc
    if not anchors:
        raise UsageError(f"no CSCA certificate found in {path}")
    return anchors


def _day(day: jdatetime.date) -> dict[str, str]:
    return {"jalali": jalali_numeric(day), "gregorian": day.togregorian().isoformat()}


def problem_as_json(problem: Problem) -> dict[str, Any]:
    facts = {name: getattr(problem, name) for name in ("group", "field", "status_word",
                                                        "algorithm")}
    facts["part"] = problem.part.value if problem.part else None
    for name in ("until", "valid_from"):
        moment = getattr(problem, name)
        facts[name] = moment.isoformat() if moment else None
    return {"kind": problem.kind.value, "verdict": problem.verdict.value,
            **{k: v for k, v in facts.items() if v is not None}}


def reading_as_json(reading: IdentityReading, seconds: float) -> dict[str, Any]:
    report = reading.authenticity
    result: dict[str, Any] = {
        "authenticity": {
            "verdict": report.verdict.name.lower(), "genuine": report.genuine,
            "problems": [problem_as_json(p) for p in report.problems],
            "signer": report.signer, "chip_authenticated": report.chip_authenticated,
        },
        "identity": None, "address": None, "photo_bytes": 0, "lifecycle": None,
        "apdus": reading.apdu_count,
        "seconds": round(seconds, 4),
    }
    contents = reading.contents
    if contents is None:  # data that failed the checks is never given out as identity
        return result
    who = contents.identity
    address = contents.address
    result.update({
        "identity": {
            "given_name": who.given_name, "surname": who.surname,
            "father_name": who.father_name, "mother_name": who.mother_name or None,
            "national_code": who.national_code, "birth_date": _day(who.birth_date),
            "gender": who.gender.name.lower(),
            "birth_certificate_number": who.birth_certificate_number,
            "birth_certificate_serial": who.birth_certificate_serial,
            "card_serial": who.card_serial, "issue_date": _day(who.issue_date),
            "expiry_date": _day(who.expiry_date),
        },
        "address": {"postal_code": address.postal_code, "address": address.address}
        if address else None,
        "photo_bytes": len(contents.photo_jpeg or b""),
        "lifecycle": contents.lifecycle.name.lower(),
    })
    return result


def identity_lines(reading: IdentityReading) -> list[tuple[str, str]]:
    w = words()
    contents = reading.contents
    if contents is None:
        return []
    who = contents.identity
    birth = who.birth_date
    rows = [
        ("given_name", who.given_name),
        ("surname", who.surname),
        ("father_name", who.father_name),
        *([("mother_name", who.mother_name)] if who.mother_name else []),
        ("national_code", grouped(who.national_code)),
        ("birth_date", f"{jalali_numeric(birth)}  ({birth.togregorian().isoformat()})"),
        ("gender", w.say(f"gender.{who.gender.name}")),
        ("birth_certificate_number", who.birth_certificate_number),
        ("birth_certificate_serial", who.birth_certificate_serial),
        ("card_serial", who.card_serial),
        ("issue_date", jalali_numeric(who.issue_date)),
        ("expiry_date", jalali_numeric(who.expiry_date)),
    ]
    if contents.address is not None:
        rows += [("postal_code", contents.address.postal_code),
                 ("address", contents.address.address)]
    if contents.photo_jpeg is not None:
        rows.append(("photo", w.say("photo.size", size=len(contents.photo_jpeg))))
    rows.append(("lifecycle", w.say(contents.lifecycle)))
    return [(w.say(f"label.{key}"), value) for key, value in rows]


def authenticity_lines(reading: IdentityReading) -> list[str]:
    w = words()
    report = reading.authenticity
    lines = [w.say("read.authenticity", verdict=w.say(report.verdict))]
    if report.genuine:
        lines.append(w.say("read.signed_by", signer=report.signer))
        groups = ", ".join(f"DG{n}" for n in report.groups_checked)
        lines.append(w.say("read.groups_ok", groups=groups, hash=report.hash_algorithm))
    for problem in report.problems:
        lines.append(f"  - {problem_text(problem)}")
    return lines


def problem_text(problem: Problem) -> str:
    w = words()
    return w.say(problem.kind, group=problem.group or "?", part=problem.part.value
                 if problem.part else "?", algorithm=problem.algorithm or "?",
                 field=problem.field or "TLV", sw=f"{problem.status_word or 0:04X}",
                 until=str(problem.until), valid_from=str(problem.valid_from))


def cmd_read(args: argparse.Namespace) -> int:
    anchors = trust_anchors(args.trust)
    if args.photo and args.no_photo:
        raise UsageError("--photo and --no-photo contradict each other")
    photo_path = Path(args.photo) if args.photo else None
    if photo_path is not None and not photo_path.parent.is_dir():
        raise UsageError(f"cannot save the photo: no directory {photo_path.parent}")
    flow = ReadCardFlow(InlineRunner(), card_opener(args), anchors, photo=not args.no_photo)
    started = time.perf_counter()
    flow.send(Start())
    seconds = time.perf_counter() - started
    outcome = flow.outcome
    assert outcome is not None
    if outcome.ending not in (Ending.DONE, Ending.NOT_GENUINE):
        say_ending(outcome)
        return exit_code(outcome)
    reading = outcome.value
    assert isinstance(reading, IdentityReading)
    if photo_path is not None and reading.contents and reading.contents.photo_jpeg:
        write_private_file(photo_path, reading.contents.photo_jpeg)
    if args.json:
        json.dump(reading_as_json(reading, seconds), sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        w = words()
        print(w.say("read.header", reader=flow.reader_name or "?"))
        for label, value in identity_lines(reading):
            print(f"  {label:<19} {value}")
        for line in authenticity_lines(reading):
            print(line)
        print(w.say("read.stats", apdus=reading.apdu_count, ms=round(seconds * 1000)))
    return exit_code(outcome)
