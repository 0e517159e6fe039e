"""``nidkiosk pin status|change|unblock``.

Secrets never come from the command line. With a terminal they are typed hidden,
new PINs twice. Without one (automation), they are read from standard input, one
per line, in the order the prompts would ask: for ``change`` the current PIN, the new
PIN, the new PIN again; for ``unblock`` the PUK, the new PIN, the new PIN again.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Callable

from apdu import datagroups
from apdu.client import NidCard
from apdu.errors import (
    PinBlockedError,
    PinNotSetError,
    PinServicesGoneError,
    WrongPinError,
)
from apdu.pins import PinRef, PinState, PinStatus
from apdu.profile import DATA_GROUP_FILES, DataGroup
from kiosk.cli_common import EXIT_CARD, EXIT_OK, EXIT_VERIFICATION, UsageError
from kiosk.pin_policy import Holder, PinPolicyError, check_new_pin, normalize_pin

MAX_POLICY_ATTEMPTS = 3
REISSUE = "have the card reissued at an office (card reissue service)"


class SecretInput:
    """Where secrets come from: hidden prompts on a terminal, else stdin lines."""

    def __init__(self, interactive: bool | None = None,
                 prompt: Callable[[str], str] = getpass.getpass) -> None:
        self.interactive = sys.stdin.isatty() if interactive is None else interactive
        self._prompt = prompt

    def ask(self, label: str) -> str:
        if self.interactive:
            return self._prompt(f"{label}: ")
        line = sys.stdin.readline()
        if not line:
            raise UsageError(f"expected {label} on standard input (one secret per line)")
        return line.rstrip("\r\n")


def add_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from kiosk.cli import add_card_options

    pin = commands.add_parser("pin", help="PIN status, change and unblock")
    pin_commands = pin.add_subparsers(dest="pin_command", required=True)
    status = pin_commands.add_parser("status", help="every PIN's tries left, spending none")
    add_card_options(status)
    status.add_argument("--json", action="store_true")
    status.set_defaults(func=cmd_pin_status)
    for name, func, text in (("change", cmd_pin_change, "change PIN1 or PIN2"),
                             ("unblock", cmd_pin_unblock, "set a new PIN with the PUK")):
        sub = pin_commands.add_parser(name, help=text, description=__doc__)
        add_card_options(sub)
        sub.add_argument("--which", choices=["pin1", "pin2"], required=True)
        sub.set_defaults(func=func)
    from kiosk.cli_finger import add_pin_reset

    add_pin_reset(pin_commands)


def _tries(count: int) -> str:
    return "1 try" if count == 1 else f"{count} tries"


def status_line(status: PinStatus) -> str:
    if status.state is PinState.NOT_SET:
        return "not set (chosen when the signature key is activated)"
    if status.state is PinState.BLOCKED:
        return "BLOCKED"
    return f"{_tries(status.tries_left)} left of {status.max_tries}"


def cmd_pin_status(args: argparse.Namespace) -> int:
    with NidCard.connect(args.reader) as card:
        statuses = card.pin_status()
        lifecycle = card.lifecycle()
    signature_active = statuses[PinRef.PIN2].state is not PinState.NOT_SET
    if args.json:
        json.dump({
            "pins": {ref.name.lower(): {"tries_left": s.tries_left, "max_tries": s.max_tries,
                                        "state": s.state.name.lower()}
                     for ref, s in statuses.items()},
            "signature_pin_active": signature_active,
            "lifecycle": lifecycle.name.lower(),
        }, sys.stdout, indent=2)
        print()
        return EXIT_OK
    for ref, status in statuses.items():
        print(f"{ref.name:<5} {status_line(status)}")
    print(f"Signature PIN (PIN2) active: {'yes' if signature_active else 'no'}")
    for ref, status in statuses.items():
        advice = _advice_when_blocked(ref, statuses)
        if status.blocked and advice:
            print(advice)
    return EXIT_OK


def _advice_when_blocked(ref: PinRef, statuses: dict[PinRef, PinStatus]) -> str:
    if ref is PinRef.PUK:
        return f"The PUK is used up: the card's PIN services are gone; {REISSUE}."
    if statuses[PinRef.PUK].blocked:
        return f"{ref.name} is blocked and the PUK is used up: {REISSUE}."
    return (f"{ref.name} is blocked: unblock it with your PUK "
            f"('nidkiosk pin unblock --which {ref.name.lower()}'), by fingerprint at a kiosk, "
            "or at an office.")


def holder_of(card: NidCard) -> Holder:
    identity = datagroups.decode_identity(card.read_file(DATA_GROUP_FILES[DataGroup.IDENTITY]))
    return Holder(identity.birth_date, identity.national_code)


def ask_new_pin(secrets: SecretInput, ref: PinRef, holder: Holder,
                old: str | None = None) -> str:
    for _attempt in range(MAX_POLICY_ATTEMPTS if secrets.interactive else 1):
        first = secrets.ask(f"New {ref.name}")
        again = secrets.ask(f"New {ref.name} again")
        try:
            return check_new_pin(first, ref, holder, confirmation=again, old=old)
        except PinPolicyError as exc:
            if not secrets.interactive:
                raise UsageError(f"new {ref.name} refused: {exc}") from exc
            print(f"Not accepted: {exc}. Try again.", file=sys.stderr)
    raise UsageError(f"no acceptable new {ref.name} after {MAX_POLICY_ATTEMPTS} attempts")


def _refuse(message: str, code: int = EXIT_VERIFICATION) -> int:
    print(message, file=sys.stderr)
    return code


def cmd_pin_change(args: argparse.Namespace) -> int:
    ref = PinRef.PIN1 if args.which == "pin1" else PinRef.PIN2
    secrets = SecretInput()
    with NidCard.connect(args.reader) as card:
        statuses = card.pin_status()
        status = statuses[ref]
        if status.state is PinState.NOT_SET:
            return _refuse("PIN2 is not set yet: it is chosen when the signature key is "
                           "activated ('nidkiosk sign activate').", EXIT_CARD)
        if status.blocked:
            return _refuse(_advice_when_blocked(ref, statuses))
        if statuses[PinRef.PUK].blocked:
            return _refuse(f"The PUK is used up: PINs can no longer be changed; {REISSUE}.",
                           EXIT_CARD)
        holder = holder_of(card)
        print(f"{ref.name}: {_tries(status.tries_left)} left.", file=sys.stderr)
        old = secrets.ask(f"Current {ref.name}")
        new = ask_new_pin(secrets, ref, holder, old=old)
        try:
            card.change_pin(ref, check_current(old), new)
        except WrongPinError as exc:
            return _refuse(f"Wrong {ref.name}: {_tries(exc.tries_left)} left. Nothing changed.")
        except PinBlockedError:
            return _refuse(f"Wrong {ref.name}, and it is now blocked. "
                           + _advice_when_blocked(ref, card.pin_status()))
        except PinServicesGoneError:
            return _refuse(f"The PUK is used up: PINs can no longer be changed; {REISSUE}.",
                           EXIT_CARD)
    print(f"{ref.name} changed.")
    return EXIT_OK


def check_current(text: str) -> str:
    """A current PIN as typed, digits folded to ASCII (it need not pass the new-PIN rules)."""
    pin = normalize_pin(text)
    if not pin.isascii() or not pin.isdigit():
        raise UsageError("a PIN is made of digits only")
    return pin


def cmd_pin_unblock(args: argparse.Namespace) -> int:
    ref = PinRef.PIN1 if args.which == "pin1" else PinRef.PIN2
    secrets = SecretInput()
    with NidCard.connect(args.reader) as card:
        statuses = card.pin_status()
        if statuses[ref].state is PinState.NOT_SET:
            return _refuse("PIN2 is not set yet: there is nothing to unblock.", EXIT_CARD)
        puk = statuses[PinRef.PUK]
        if puk.blocked:
            return _refuse(f"The PUK is used up: the card's PIN services are gone; {REISSUE}.",
                           EXIT_CARD)
        holder = holder_of(card)
        print(f"PUK: {_tries(puk.tries_left)} left. When it is used up, no PIN on this card "
              "can be unblocked any more.", file=sys.stderr)
        puk_text = secrets.ask("PUK")
        new = ask_new_pin(secrets, ref, holder)
        try:
            card.unblock_pin(ref, check_current(puk_text), new)
        except WrongPinError as exc:
            return _refuse(f"Wrong PUK: {_tries(exc.tries_left)} left. Nothing changed.")
        except PinServicesGoneError:
            return _refuse(f"Wrong PUK, and it is now used up: the card's PIN services are "
                           f"gone; {REISSUE}.")
        except PinNotSetError:
            return _refuse("PIN2 is not set yet: there is nothing to unblock.", EXIT_CARD)
    print(f"{ref.name} unblocked and set to the new PIN.")
    return EXIT_OK
