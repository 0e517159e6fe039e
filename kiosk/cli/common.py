"""What every command shares: exit codes, card options, secrets, driving a flow to its end.

Exit codes: 0 success, 2 usage (including a new PIN the policy refuses, and no usable
touch), 3 card, reader or sensor error, 4 verification failed (not genuine, wrong PIN,
PUK or finger), 1 anything else, 130 interrupted.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from enum import Enum

from apdu.client import NidCard
from apdu.constants import PinRef
from apdu.pins import PIN_RULES
from kiosk.cli.words import Words
from kiosk.flows.base import Flow
from kiosk.flows.events import Event, Start
from kiosk.flows.outcome import Ending, Outcome
from kiosk.flows.pin_entry import NewPinRequest

EXIT_OK, EXIT_FAILURE, EXIT_USAGE, EXIT_CARD, EXIT_VERIFICATION = 0, 1, 2, 3, 4
EXIT_INTERRUPTED = 130


class UsageError(Exception):
    """Arguments that parse but make no sense together, or a missing prerequisite."""


class Finished(Exception):
    """A command stops here with this exit code (its message was already printed)."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


_WORDS: list[Words] = [Words("en")]


def words() -> Words:
    return _WORDS[0]


def set_language(lang: str) -> None:
    _WORDS[0] = Words(lang)


def err(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def add_card_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--reader", help="reader name, index or unique part of its name")
    parser.add_argument("--trace", action="store_true",
                        help="print every APDU to stderr (secrets are masked)")


def card_opener(args: argparse.Namespace) -> Callable[[], NidCard]:
    """The card in ``--reader`` (or the first reader with a card), through PC/SC."""
    reader = getattr(args, "reader", None)

    def open_card() -> NidCard:
        from apdu.pcsc import open_card as pcsc_open  # pyscard only where PC/SC is used

        return pcsc_open(reader)

    return open_card


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
            raise UsageError(words().say("pin.expected_stdin", what=label))
        return line.rstrip("\r\n")


def drive(flow: Flow, answer: Callable[[Flow], Event]) -> Outcome:
    """Start the flow and answer each question until it ends (the runner is inline)."""
    flow.send(Start())
    try:
        while not flow.finished:
            flow.send(answer(flow))
    except BaseException:
        if not flow.finished:
            from kiosk.flows.events import Cancel

            flow.send(Cancel())  # the card forgets what was verified, even on Ctrl-C
        raise
    assert flow.outcome is not None
    return flow.outcome


def pin_problem(problem: Enum, ref: PinRef) -> str:
    """A policy reason or a format problem of a PIN, worded (lengths from the PIN rules)."""
    w = words()
    rule = PIN_RULES[ref]
    return w.say(problem, pin=w.pin(ref), span=w.span(rule.min_length, rule.max_length))


def new_pin_problem(request: NewPinRequest) -> str:
    """The policy's last refusal, worded."""
    assert request.problem is not None
    return pin_problem(request.problem, request.ref)


def ask_new_pin(secrets: SecretInput, request: NewPinRequest) -> tuple[str, str]:
    """The new PIN twice; after a refusal, say why (or stop, without a terminal)."""
    w = words()
    if request.problem is not None:
        if not secrets.interactive:
            raise UsageError(w.say("pin.refused", pin=w.pin(request.ref),
                                   why=new_pin_problem(request)))
        err(w.say("pin.not_accepted", why=new_pin_problem(request)))
    pin = w.pin(request.ref)
    return secrets.ask(w.say("pin.ask_new", pin=pin)), secrets.ask(w.say("pin.ask_again", pin=pin))


def advice_when_blocked(ref: PinRef, puk_used_up: bool) -> str:
    w = words()
    if ref is PinRef.PUK:
        return w.say("advice.puk_gone")
    if puk_used_up:
        return w.say("advice.puk_gone_with", pin=w.pin(ref))
    return w.say("advice.blocked", pin=w.pin(ref), which=ref.name.lower())


EXIT_FOR: dict[Ending, int] = {
    Ending.DONE: EXIT_OK,
    Ending.CANCELLED: EXIT_INTERRUPTED,
    Ending.TIMED_OUT: EXIT_FAILURE,
    Ending.NOT_GENUINE: EXIT_VERIFICATION,
    Ending.WRONG_SECRET: EXIT_VERIFICATION,
    Ending.SECRET_BLOCKED: EXIT_VERIFICATION,
    Ending.FINGER_NOT_MATCHED: EXIT_VERIFICATION,
    Ending.FINGER_BLOCKED: EXIT_VERIFICATION,
    Ending.SIGNATURE_INVALID: EXIT_VERIFICATION,
    Ending.WRONG_CARD: EXIT_VERIFICATION,
    Ending.POLICY_REFUSED: EXIT_USAGE,
    Ending.NO_USABLE_TOUCH: EXIT_USAGE,
    Ending.NO_FINGER: EXIT_USAGE,
    Ending.FINGER_NOT_ENROLLED: EXIT_USAGE,
    Ending.INTERNAL_ERROR: EXIT_FAILURE,
}


def exit_code(outcome: Outcome) -> int:
    """Card, reader and sensor trouble is 3; a secret used up by this very run is 4."""
    if outcome.ending is Ending.PIN_SERVICES_GONE and outcome.tries_left == 0:
        return EXIT_VERIFICATION
    return EXIT_FOR.get(outcome.ending, EXIT_CARD)


def say_ending(outcome: Outcome) -> None:
    """Print what a flow's ending means, on stderr, when it is not a success."""
    w = words()
    ending = outcome.ending
    if ending is Ending.PIN_NOT_SET:
        err(w.say(ending, pin=w.pin(outcome.ref or PinRef.PIN2)))
    elif w.has(ending):
        err(w.say(ending))
    else:
        err(f"nidkiosk: {ending.value}")
    detail = outcome.detail
    if ending in (Ending.CARD_ERROR, Ending.SENSOR_ERROR, Ending.READER_UNAVAILABLE,
                  Ending.CARD_REMOVED) and detail is not None:
        err(f"  ({detail})")
