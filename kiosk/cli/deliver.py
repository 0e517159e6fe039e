"""``nidkiosk deliver``: the office hands a new card over to its holder.

The card must read genuine (and be the applicant's, with ``--national-code``); the
holder's finger is verified by the card; the card is activated; the holder chooses
PIN1 (typed hidden, twice; or two stdin lines without a terminal).
"""

from __future__ import annotations

import argparse

from citizen.errors import CitizenDataError
from citizen.national_code import grouped, validate_national_code
from kiosk.cli.card import authenticity_lines, trust_anchors
from kiosk.cli.common import (
    EXIT_OK,
    SecretInput,
    UsageError,
    add_card_options,
    ask_new_pin,
    card_opener,
    drive,
    err,
    exit_code,
    words,
)
from kiosk.cli.finger import FINGERS, Guidance, fingers_from, say_finger_ending, sensor_options
from kiosk.flows.base import Flow
from kiosk.flows.deliver import DeliverCardFlow, Delivery, Expected
from kiosk.flows.events import Event, NewPinEntered
from kiosk.flows.outcome import Ending
from kiosk.flows.runner import InlineRunner


def add_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    deliver = commands.add_parser("deliver", help="office: hand a new card over to its holder",
                                  description=__doc__)
    add_card_options(deliver)
    sensor_options(deliver)
    deliver.add_argument("--trust", metavar="PATH", help="CSCA certificate(s) (default: store)")
    deliver.add_argument("--national-code", metavar="CODE",
                         help="refuse any card but this applicant's")
    deliver.set_defaults(func=cmd_deliver)


def cmd_deliver(args: argparse.Namespace) -> int:
    anchors = trust_anchors(args.trust)
    expected = Expected()
    if args.national_code:
        try:
            expected = Expected(national_code=validate_national_code(args.national_code))
        except CitizenDataError as exc:
            raise UsageError(f"--national-code: {exc}") from exc
    flow = DeliverCardFlow(InlineRunner(), card_opener(args), fingers_from(args), anchors,
                           expected=expected, finger=FINGERS[args.finger], wrong_attempts=1,
                           on_change=Guidance())
    delivery = hand_over(flow)
    if isinstance(delivery, int):
        return delivery
    assert delivery.reading.contents is not None  # a delivery is only of a genuine card
    who = delivery.reading.contents.identity
    print(words().say("deliver.done", name=f"{who.given_name} {who.surname}",
                      code=grouped(who.national_code), serial=who.card_serial))
    return EXIT_OK


def hand_over(flow: DeliverCardFlow) -> Delivery | int:
    """Drive a delivery flow at the terminal (the holder types the new PIN1): the
    delivery, or the exit code of how it ended, its authenticity lines printed for a
    card that did not read genuine."""
    secrets = SecretInput()

    def answer(f: Flow) -> Event:
        assert isinstance(f, DeliverCardFlow) and f.new_pin is not None
        if f.new_pin.problem is None:
            err(words().say("deliver.choose_pin1"))
        return NewPinEntered(*ask_new_pin(secrets, f.new_pin))

    outcome = drive(flow, answer)
    if outcome.ending is Ending.NOT_GENUINE and flow.reading is not None:
        for line in authenticity_lines(flow.reading):
            print(line)
        return exit_code(outcome)
    if not outcome.ok:
        say_finger_ending(outcome)
        return exit_code(outcome)
    delivery = outcome.value
    assert isinstance(delivery, Delivery)
    return delivery
