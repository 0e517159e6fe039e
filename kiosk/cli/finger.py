"""``nidkiosk finger verify``, ``pin reset --by-finger``, ``sim sensor`` and ``sim finger``.

The finger is captured from a serial sensor (a real module, or ``nidkiosk sim sensor``
on a pseudo-terminal); the template goes to the card, whose matcher decides.
"""

from __future__ import annotations

import argparse

from apdu.biometric_profile import FingerPosition, reference_for
from biometric.capture import CaptureStep
from kiosk import paths
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
from kiosk.cli.pin import say_pin_ending, which
from kiosk.flows.base import Flow
from kiosk.flows.events import Event, NewPinEntered
from kiosk.flows.finger import FingerFlow, FingerStep, FingerVerifyFlow, SensorFingers
from kiosk.flows.forgot_pin import ForgotPinFlow
from kiosk.flows.outcome import Ending, Outcome
from kiosk.flows.runner import InlineRunner

FINGERS = {"right-index": reference_for(FingerPosition.RIGHT_INDEX),
           "left-index": reference_for(FingerPosition.LEFT_INDEX)}


def add_commands(commands: argparse._SubParsersAction,  # type: ignore[type-arg]
                 pin_commands: argparse._SubParsersAction,  # type: ignore[type-arg]
                 sim_commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    finger = commands.add_parser("finger", help="verify the holder's finger on the card")
    finger_commands = finger.add_subparsers(dest="finger_command", required=True)
    verify = finger_commands.add_parser("verify", help="capture a finger; the card matches it")
    add_card_options(verify)
    sensor_options(verify)
    verify.set_defaults(func=cmd_finger_verify)

    reset = pin_commands.add_parser(
        "reset", help='"forgot my PIN": set a new PIN after the card matches your finger')
    add_card_options(reset)
    reset.add_argument("--which", choices=["pin1", "pin2"], required=True)
    reset.add_argument("--by-finger", action="store_true", required=True,
                       help="prove who you are with your finger (the only way without a PUK)")
    sensor_options(reset)
    reset.set_defaults(func=cmd_pin_reset)

    sensor = sim_commands.add_parser("sensor", help="run a simulated fingerprint module on a pty")
    sensor.add_argument("--control", metavar="SOCKET", help="control socket path")
    sensor.add_argument("--link", metavar="PATH", help="also make a stable symlink to the pty")
    sensor.set_defaults(func=cmd_sim_sensor)
    place = sim_commands.add_parser("finger", help="what is on a simulated sensor's glass")
    place.add_argument("action", choices=["place", "poor", "lift", "status"])
    place.add_argument("--persona", type=int, help="persona seed whose finger to place")
    place.add_argument("--finger", type=int, default=2,
                       help="ISO finger position: " + ", ".join(
                           f"{p.value} {p.name.lower().replace('_', ' ')}"
                           for p in FingerPosition if p))
    place.add_argument("--impression", type=int, default=1,
                       help="which touch (each one differs; 0 is the enrolment touch)")
    place.add_argument("--control", metavar="SOCKET")
    place.set_defaults(func=cmd_sim_finger)


def sensor_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sensor", required=True, metavar="PORT",
                        help="serial port of the fingerprint module (e.g. /dev/ttyUSB0)")
    parser.add_argument("--finger", choices=sorted(FINGERS), default="right-index")
    parser.add_argument("--timeout", type=float, default=15.0,
                        help="seconds to wait for a finger")


def fingers_from(args: argparse.Namespace) -> SensorFingers:
    if args.timeout <= 0:
        raise UsageError("--timeout must be more than 0 seconds")
    return SensorFingers(args.sensor, timeout=args.timeout)


class Guidance:
    """Says, on stderr, what the holder should do while a finger flow captures."""

    def __init__(self) -> None:
        self._announced = False
        self._last: CaptureStep | None = None

    def __call__(self, flow: Flow) -> None:
        if not isinstance(flow, FingerFlow) or flow.finished:
            return
        w = words()
        if flow.state is FingerStep.CAPTURING and not self._announced and flow.finger:
            self._announced = True
            err(w.say("finger.verifying", finger=w.finger(flow.finger.info.finger_position),
                      tries=w.tries(flow.finger_tries_left or 0)))
        step = flow.capture_step
        if flow.state is FingerStep.CAPTURING and step is not None and step != self._last:
            self._last = step
            err(w.say(step))


def say_finger_ending(outcome: Outcome) -> None:
    w = words()
    if outcome.ending is Ending.FINGER_NOT_MATCHED:
        err(w.say("finger.not_recognised", tries=w.tries(outcome.tries_left or 0)))
    elif outcome.ending is Ending.FINGER_BLOCKED and outcome.value is not None:
        situation = outcome.value
        was_usable = getattr(situation, "finger_usable", False)
        err(w.say("finger.blocked_now" if was_usable else Ending.FINGER_BLOCKED))
    else:
        say_pin_ending(outcome, None)


def cmd_finger_verify(args: argparse.Namespace) -> int:
    flow = FingerVerifyFlow(InlineRunner(), card_opener(args), fingers_from(args),
                            finger=FINGERS[args.finger], wrong_attempts=1,
                            on_change=Guidance())
    outcome = drive(flow, lambda _f: _no_question())
    if outcome.ok:
        print(words().say("finger.verified"))
        return EXIT_OK
    say_finger_ending(outcome)
    return exit_code(outcome)


def _no_question() -> Event:
    raise AssertionError("finger verify asks nothing")


def cmd_pin_reset(args: argparse.Namespace) -> int:
    ref = which(args)
    secrets = SecretInput()
    flow = ForgotPinFlow(InlineRunner(), card_opener(args), fingers_from(args), ref,
                         finger=FINGERS[args.finger], wrong_attempts=1, on_change=Guidance())

    def answer(f: Flow) -> Event:
        assert isinstance(f, ForgotPinFlow) and f.new_pin is not None
        return NewPinEntered(*ask_new_pin(secrets, f.new_pin))

    outcome = drive(flow, answer)
    w = words()
    if not outcome.ok:
        say_finger_ending(outcome)
        return exit_code(outcome)
    print(w.say("pin.reset", pin=w.pin(ref)))
    if flow.situation is not None and flow.situation.puk_used_up:
        err(w.say("advice.puk_note"))
    return EXIT_OK


def cmd_sim_sensor(args: argparse.Namespace) -> int:
    from simulators.enrolment import touch
    from simulators.sensor import serve_forever

    control = args.control or str(paths.sensor_control_socket())
    paths.run_dir().mkdir(parents=True, exist_ok=True)

    def ready(handle) -> None:  # noqa: ANN001
        print(f"sensor on {handle.port_path}; control socket {control}; Ctrl-C stops",
              flush=True)

    serve_forever(control, link_path=args.link, on_ready=ready,
                  persona_provider=lambda seed, finger, impression: touch(seed, finger,
                                                                          impression))
    return EXIT_OK


def cmd_sim_finger(args: argparse.Namespace) -> int:
    from simulators.sensor import ControlError, lift, place_persona, poor, status

    control = args.control or str(paths.sensor_control_socket())
    try:
        if args.action == "place":
            if args.persona is None:
                raise UsageError("place needs --persona SEED (another seed is a stranger)")
            place_persona(control, args.persona, args.finger, args.impression)
            print(f"placed finger {args.finger} of persona {args.persona} "
                  f"(touch {args.impression})")
        elif args.action == "poor":
            poor(control)
            print("placed a poor touch")
        elif args.action == "lift":
            lift(control)
            print("lifted")
        else:
            print(status(control))
    except (ControlError, OSError) as exc:
        raise UsageError(f"simulated sensor: {exc}") from exc
    return EXIT_OK

