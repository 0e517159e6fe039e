"""``nidkiosk pin status|change|unblock|reset``.

Secrets never come from the command line. With a terminal they are typed hidden,
new PINs twice. Without one (automation), they are read from standard input, one
per line, in the order the prompts would ask: for ``change`` the current PIN, the new
PIN, the new PIN again; for ``unblock`` the PUK, the new PIN, the new PIN again; for
``reset --by-finger`` the new PIN twice.
"""

from __future__ import annotations

import argparse
import json
import sys

from apdu.constants import PinRef, PinState
from apdu.pins import PinStatus
from kiosk.cli.common import (
    EXIT_OK,
    SecretInput,
    UsageError,
    add_card_options,
    advice_when_blocked,
    ask_new_pin,
    card_opener,
    drive,
    err,
    exit_code,
    pin_problem,
    say_ending,
    words,
)
from kiosk.flows.change_pin import ChangePinFlow, PinChangeState, UnblockPinFlow
from kiosk.flows.events import Event, NewPinEntered, PinEntered, Start
from kiosk.flows.outcome import Ending, Outcome
from kiosk.flows.pin_entry import SecretPrompt
from kiosk.flows.pin_status import PinStatusFlow
from kiosk.flows.runner import InlineRunner
from kiosk.flows.situation import CardSituation
from kiosk.pin_policy import PolicyReason


def add_commands(commands: argparse._SubParsersAction) -> argparse._SubParsersAction:  # type: ignore[type-arg]
    pin = commands.add_parser("pin", help="PIN status, change, unblock and reset by finger")
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
    return pin_commands


def which(args: argparse.Namespace) -> PinRef:
    return PinRef.PIN1 if args.which == "pin1" else PinRef.PIN2


def status_line(status: PinStatus) -> str:
    w = words()
    if status.state is PinState.NOT_SET:
        return w.say("pin.not_set")
    if status.state is PinState.BLOCKED:
        return w.say("pin.blocked")
    return w.say("tries.of", tries=w.tries(status.tries_left), max=status.max_tries)


def cmd_pin_status(args: argparse.Namespace) -> int:
    flow = PinStatusFlow(InlineRunner(), card_opener(args))
    flow.send(Start())
    outcome = flow.outcome
    assert outcome is not None
    if not outcome.ok:
        say_ending(outcome)
        return exit_code(outcome)
    situation = outcome.value
    assert isinstance(situation, CardSituation)
    signature_pin = situation.pin(PinRef.PIN2).state is not PinState.NOT_SET
    if args.json:
        json.dump({
            "pins": {ref.name.lower(): {"tries_left": s.tries_left, "max_tries": s.max_tries,
                                        "state": s.state.name.lower()}
                     for ref, s in situation.pins.items()},
            "signature_pin_active": signature_pin,
            "lifecycle": situation.lifecycle.name.lower(),
            "services": sorted(service.value for service in situation.allows()),
        }, sys.stdout, indent=2)
        print()
        return EXIT_OK
    w = words()
    for ref, status in situation.pins.items():
        print(f"{ref.name:<5} {status_line(status)}")
    print(w.say("pin.signature_active", yes_no=w.say("yes" if signature_pin else "no")))
    for ref, status in situation.pins.items():
        if status.blocked:
            print(advice_when_blocked(ref, situation.puk_used_up))
    return EXIT_OK


def ask_secret(secrets: SecretInput, prompt: SecretPrompt, label_key: str) -> Event:
    """Say the tries left, then ask; a secret that cannot be right is a usage error."""
    w = words()
    pin = w.pin(prompt.ref)
    if prompt.problem is not None:
        raise UsageError(pin_problem(prompt.problem, prompt.ref))
    if prompt.ref is PinRef.PUK:
        err(w.say("advice.puk_warning", tries=w.tries(prompt.tries_left)))
    else:
        err(w.say("tries.left", pin=pin, tries=w.tries(prompt.tries_left)))
    return PinEntered(secrets.ask(w.say(label_key, pin=pin)))


def say_pin_ending(outcome: Outcome, situation: CardSituation | None) -> None:
    """Word how a PIN flow ended when it did not succeed."""
    w = words()
    ref = outcome.ref or PinRef.PIN1
    puk_gone = situation.puk_used_up if situation else False
    if outcome.ending is Ending.WRONG_SECRET:
        err(w.say("pin.wrong", pin=w.pin(ref), tries=w.tries(outcome.tries_left or 0)))
    elif outcome.ending is Ending.SECRET_BLOCKED:
        prefix = w.say("pin.now_blocked", pin=w.pin(ref)) + " " if outcome.tries_left == 0 \
            and situation is not None and not situation.pin(ref).blocked else ""
        err(prefix + advice_when_blocked(ref, puk_gone))
    elif outcome.ending is Ending.PIN_SERVICES_GONE:
        err(advice_when_blocked(PinRef.PUK, True))
    elif outcome.ending is Ending.POLICY_REFUSED and isinstance(outcome.detail, PolicyReason):
        err(w.say("pin.refused", pin=w.pin(ref), why=pin_problem(outcome.detail, ref)))
    else:
        say_ending(outcome)


def _drive_change(flow: ChangePinFlow | UnblockPinFlow, label_key: str) -> int:
    secrets = SecretInput()

    def answer(f: object) -> Event:
        assert isinstance(f, ChangePinFlow | UnblockPinFlow)
        if f.state is PinChangeState.ASKING_SECRET:
            assert f.prompt is not None
            return ask_secret(secrets, f.prompt, label_key)
        assert f.new_pin is not None
        return NewPinEntered(*ask_new_pin(secrets, f.new_pin))

    outcome = drive(flow, answer)
    if outcome.ok:
        return EXIT_OK
    say_pin_ending(outcome, flow.situation)
    return exit_code(outcome)


def cmd_pin_change(args: argparse.Namespace) -> int:
    ref = which(args)
    flow = ChangePinFlow(InlineRunner(), card_opener(args), ref, wrong_attempts=1)
    code = _drive_change(flow, "pin.ask_current")
    if code == EXIT_OK:
        print(words().say("pin.changed", pin=words().pin(ref)))
    return code


def cmd_pin_unblock(args: argparse.Namespace) -> int:
    ref = which(args)
    flow = UnblockPinFlow(InlineRunner(), card_opener(args), ref, wrong_attempts=1)
    code = _drive_change(flow, "pin.ask")
    if code == EXIT_OK:
        print(words().say("pin.unblocked", pin=words().pin(ref)))
    return code
