"""Simulator commands of the CLI: ``persona new|forge`` and ``sim card|insert|remove|status``."""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import socket
import sys
import threading
import time
from pathlib import Path

from apdu.atomic import write_atomically
from apdu.pcsc import list_readers
from citizen.identity import Gender
from citizen.national_code import grouped as national_code_grouped
from kiosk import paths
from kiosk.cli.common import EXIT_OK, UsageError
from simulators.card import CardImageError, CardStore
from simulators.card.store import write_card_image
from simulators.forgery import Forgery, forge
from simulators.issuer import CSCA_FILE, IssuerPki
from simulators.pcscd import (
    PcscdError,
    PcscdProcess,
    enter_private_network,
    network_is_loopback_only,
    pcscd_running,
)
from simulators.personalize import PinLetter, personalize
from simulators.service import CardSimulator, ControlError, control_request
from simulators.vpcd import VPCD_BASE_PORT, VirtualReaders


def add_commands(commands: argparse._SubParsersAction) -> argparse._SubParsersAction:  # type: ignore[type-arg]
    persona = commands.add_parser("persona", help="synthetic citizens and their card images")
    persona_commands = persona.add_subparsers(dest="persona_command", required=True)
    new = persona_commands.add_parser("new", help="write a personalized card image")
    new.add_argument("--seed", type=int, help="persona seed (random when omitted)")
    new.add_argument("--out", metavar="FILE", help="where to write the card image")
    new.add_argument("--gender", choices=["male", "female"])
    new.add_argument("--age", type=int, help="age in full years")
    new.add_argument("--no-fingers", action="store_true",
                     help="skip enrolling fingerprints (faster; no match-on-card)")
    new.set_defaults(func=cmd_persona_new)
    forged = persona_commands.add_parser("forge", help="derive a forged or cloned card image")
    forged.add_argument("image", help="a genuine card image")
    forged.add_argument("--kind", required=True, choices=[f.value for f in Forgery])
    forged.add_argument("--out", metavar="FILE", required=True)
    forged.set_defaults(func=cmd_persona_forge)

    sim = commands.add_parser("sim", help="simulated card and readers")
    sim_commands = sim.add_subparsers(dest="sim_command", required=True)
    card = sim_commands.add_parser("card", help="run simulated cards in the virtual readers")
    card.add_argument("--image", action="append", default=[], metavar="FILE",
                      help="card image; give it twice for a card in each reader")
    card.add_argument("--control", metavar="SOCKET", help="control socket path")
    card.set_defaults(func=cmd_sim_card)
    insert = sim_commands.add_parser("insert", help="insert a card into a running simulator")
    insert.add_argument("image")
    insert.add_argument("--reader", type=int, default=0)
    insert.add_argument("--control", metavar="SOCKET")
    insert.set_defaults(func=cmd_sim_insert)
    remove = sim_commands.add_parser("remove", help="pull the card out of a virtual reader")
    remove.add_argument("--reader", type=int, default=0)
    remove.add_argument("--control", metavar="SOCKET")
    remove.set_defaults(func=cmd_sim_remove)
    status = sim_commands.add_parser("status", help="what a running simulator holds")
    status.add_argument("--control", metavar="SOCKET")
    status.set_defaults(func=cmd_sim_status)
    return sim_commands


def ensure_issuer() -> IssuerPki:
    """The test issuer PKI, created on first use, with its CSCA in the trust store."""
    pki = IssuerPki.load_or_create(paths.issuer_dir())
    trust = paths.trust_dir()
    trust.mkdir(parents=True, exist_ok=True)
    anchor = trust / "nidkiosk-test-csca.pem"
    if not anchor.exists():
        shutil.copyfile(paths.issuer_dir() / CSCA_FILE, anchor)
    return pki


def cmd_persona_new(args: argparse.Namespace) -> int:
    from simulators.enrolment import enrol_persona
    from simulators.personas import generate_persona

    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(10**9)
    gender = {"male": Gender.MALE, "female": Gender.FEMALE}.get(args.gender or "")
    if args.age is not None and not 15 <= args.age <= 120:
        raise UsageError("--age must be between 15 and 120 (cards are issued from age 15)")
    persona = generate_persona(seed, gender=gender, age=args.age)
    pki = ensure_issuer()
    who = persona.identity
    letter = PinLetter.random()
    fingers = None if args.no_fingers else enrol_persona(seed)
    image = personalize(who, persona.address, persona.photo_jpeg, pki, pins=letter,
                        fingers=fingers, label=f"persona {seed}: {who.given_name} {who.surname}")
    out = Path(args.out) if args.out else paths.cards_dir() / f"persona-{seed}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    write_card_image(out, image)
    letter_path = pin_letter_path(out)
    write_atomically(letter_path, letter.to_json().encode("ascii"))
    code = national_code_grouped(who.national_code)
    print(f"{who.given_name} {who.surname}, national code {code}")
    print(f"card image: {out}")
    print(f"PIN letter (initial PIN1 and PUK, readable by you only): {letter_path}")
    return EXIT_OK


def pin_letter_path(image: Path) -> Path:
    return image.with_name(image.stem + ".pin-letter.json")


def cmd_persona_forge(args: argparse.Namespace) -> int:
    try:
        image = CardStore.open(Path(args.image)).image
    except (FileNotFoundError, CardImageError) as exc:
        raise UsageError(f"cannot read card image {args.image}: {exc}") from exc
    kind = Forgery(args.kind)
    pki = ensure_issuer() if kind is Forgery.EXPIRED_SIGNER else None
    write_card_image(Path(args.out), forge(image, kind, pki))
    print(f"forged card image ({kind.value}): {args.out}")
    return EXIT_OK


def _control_path(args: argparse.Namespace) -> Path:
    return Path(args.control) if args.control else paths.sim_control_socket()


def _vpcd_reachable(port: int = VPCD_BASE_PORT, timeout: float = 3.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.1)
    return False


def _wait_until_pcsc_sees(slot: int, timeout: float = 10.0) -> bool:
    """True once PC/SC reports a card in the slot's reader (pcscd polls every 0.4 s)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        readers = list_readers()
        if len(readers) > slot and readers[slot][1]:
            return True
        time.sleep(0.05)
    return False


def _start_or_join_pcscd() -> PcscdProcess | None:
    if pcscd_running():
        if not network_is_loopback_only():
            print("warning: using the pcscd already running; its vpcd reader (if configured "
                  "from /etc/reader.conf.d/vpcd) listens on every network interface. "
                  "Stop it to let nidkiosk run one reachable from this machine only.",
                  file=sys.stderr)
        if not _vpcd_reachable():
            raise UsageError("a pcscd is running but its virtual reader is not reachable from "
                             "here (another 'nidkiosk sim card' may own it: use "
                             "'nidkiosk sim insert'), or it has no vpcd reader")
        return None
    if os.geteuid() != 0:
        raise UsageError("pcscd is not running, and starting one needs root")
    enter_private_network()
    try:
        daemon = PcscdProcess.start()
    except PcscdError as exc:
        raise UsageError(str(exc)) from exc
    print(f"No pcscd was running: started one (pid {daemon.pid}) with two virtual readers, "
          "reachable from this machine only; it stops when this command stops.", flush=True)
    return daemon


def cmd_sim_card(args: argparse.Namespace) -> int:
    if len(args.image) > 2:
        raise UsageError("the virtual reader has two slots: give --image at most twice")
    images = [Path(p) for p in args.image]
    for image in images:
        if not image.exists():
            raise UsageError(f"no card image at {image} (make one with 'nidkiosk persona new')")
    daemon = _start_or_join_pcscd()
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    simulator = CardSimulator(VirtualReaders(), _control_path(args))
    try:
        for slot, image in enumerate(images):
            try:
                chip = simulator.insert(slot, image)
            except ControlError as exc:
                raise UsageError(str(exc)) from exc
            if not _wait_until_pcsc_sees(slot):
                raise UsageError("pcscd did not see the card within 10 s")
            print(f"card in Virtual PCD 00 {slot:02d}: {chip.image.label}")
        print(f"ready; control socket {simulator.control_path}; Ctrl-C stops", flush=True)
        stop.wait()
    finally:
        simulator.stop()
        if daemon is not None:
            daemon.stop()
    return EXIT_OK


def cmd_sim_insert(args: argparse.Namespace) -> int:
    try:
        control_request(_control_path(args), {"op": "insert", "reader": args.reader,
                                              "image": str(Path(args.image).resolve())})
    except ControlError as exc:
        raise UsageError(str(exc)) from exc
    print(f"inserted {args.image} into reader {args.reader}")
    return EXIT_OK


def cmd_sim_remove(args: argparse.Namespace) -> int:
    try:
        control_request(_control_path(args), {"op": "remove", "reader": args.reader})
    except ControlError as exc:
        raise UsageError(str(exc)) from exc
    print(f"removed the card from reader {args.reader}")
    return EXIT_OK


def cmd_sim_status(args: argparse.Namespace) -> int:
    try:
        reply = control_request(_control_path(args), {"op": "status"})
    except ControlError as exc:
        raise UsageError(str(exc)) from exc
    for index, slot in enumerate(reply["readers"]):
        state = f"card: {slot['label']}" if slot["inserted"] else "empty"
        print(f"reader {index} (port {slot['port']}): {state}, {slot['commands']} commands")
    return EXIT_OK
