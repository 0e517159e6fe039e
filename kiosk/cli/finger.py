"""``nidkiosk finger verify``, ``pin reset --by-finger``, ``sim sensor`` and ``sim finger``.

The finger is captured from a serial sensor (a real module, or ``nidkiosk sim sensor``
on a pseudo-terminal); the template goes to the card, whose matcher decides.
"""

from __future__ import annotations

import argparse
from pathlib import Path

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

    sensor = sim_commands.add_parser(
        "sensor", help="run a simulated fingerprint module on a pty",
        description="A module of the R30x / ZFM / AS608 / R503 family on a pseudo-terminal. "
                    "Its flash (template library, password, address, parameters) is kept "
                    "in --flash; options given here override what the flash holds.")
    sensor.add_argument("--control", metavar="SOCKET", help="control socket path")
    sensor.add_argument("--link", metavar="PATH", help="also make a stable symlink to the pty")
    sensor.add_argument("--model", choices=sorted(MODEL_NAMES), default="r503",
                        help="capacity, LED instructions and name of a family member")
    sensor.add_argument("--capacity", type=int, metavar="N", help="templates the library holds")
    sensor.add_argument("--led", choices=list(LED_KINDS),
                        help="LED instructions understood (default: the model's)")
    sensor.add_argument("--address", type=_hex32, metavar="HEX",
                        help="module address (default FFFFFFFF)")
    sensor.add_argument("--password-stdin", action="store_true",
                        help="read the module password (hex) from the first line of stdin")
    sensor.add_argument("--packet-size", type=int, choices=[32, 64, 128, 256])
    sensor.add_argument("--security-level", type=int, choices=range(1, 6), metavar="1..5")
    sensor.add_argument("--baud", type=int, metavar="BPS",
                        help="baud rate, 9600 x N (default 57600)")
    sensor.add_argument("--pace", action="store_true",
                        help="send at the baud rate's speed (an image takes ~7 s at 57600)")
    sensor.add_argument("--delays", choices=["none", "realistic"], default="none",
                        help="processing time of capture, conversion, search, flash writes")
    sensor.add_argument("--delay", action="append", default=[], metavar="INSTRUCTION=SECONDS",
                        help="one instruction's processing time, e.g. GEN_IMG=0.5 (repeatable)")
    sensor.add_argument("--wrong-address", choices=["ignore", "nak"], default="ignore",
                        help="a packet for another address: ignored as by a real module "
                             "(warned about here), or answered 0x20")
    sensor.add_argument("--flash", metavar="FILE",
                        help="the module's flash (default: sensor-flash.json in the home)")
    sensor.add_argument("--no-flash", action="store_true",
                        help="keep the flash in memory only")
    sensor.add_argument("--factory-reset", action="store_true",
                        help="start from an empty flash with factory settings")
    sensor.add_argument("--fault", action="append", default=[], metavar="SPEC",
                        help="queue a fault: KIND[:INSTRUCTION][,key=value...], e.g. "
                             "refuse:STORE,code=0x18 or silence:GEN_IMG,count=2 (repeatable)")
    sensor.set_defaults(func=cmd_sim_sensor)
    place = sim_commands.add_parser("finger", help="what is on a simulated sensor's glass")
    place.add_argument("action", choices=["place", "poor", "lift", "status", "fault",
                                          "clear-faults"])
    place.add_argument("--persona", type=int, help="persona seed whose finger to place")
    place.add_argument("--finger", type=int, default=2,
                       help="ISO finger position: " + ", ".join(
                           f"{p.value} {p.name.lower().replace('_', ' ')}"
                           for p in FingerPosition if p))
    place.add_argument("--impression", type=int, default=1,
                       help="which touch (each one differs; 0 is the enrolment touch)")
    place.add_argument("--fault", action="append", default=[], metavar="SPEC",
                       help="with fault: KIND[:INSTRUCTION][,key=value...] (repeatable)")
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


MODEL_NAMES = ("r503", "r307", "as608", "zfm20")
LED_KINDS = ("aura", "open_close", "both", "none")


def _hex32(text: str) -> int:
    try:
        value = int(text, 16)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not hexadecimal") from None
    if not 0 <= value <= 0xFFFFFFFF:
        raise argparse.ArgumentTypeError("must fit in 32 bits (8 hex digits)")
    return value


def parse_fault(spec: str) -> dict[str, object]:
    """``KIND[:INSTRUCTION][,key=value...]`` as the control channel's fault request."""
    head, *pairs = spec.split(",")
    kind, _, instruction = head.partition(":")
    request: dict[str, object] = {"op": "fault", "kind": kind.strip().lower()}
    if instruction:
        request["instruction"] = instruction.strip().upper()
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise UsageError(f"fault option {pair!r} is not key=value")
        key, value = key.strip(), value.strip()
        if key in ("data", "data_hex"):
            request["data_hex"] = value
        elif key == "interval":
            request[key] = _number(value, spec)
        elif key == "count" and value.lower() in ("none", "inf", "always"):
            request[key] = None
        elif key == "code" and not value[:1].isdigit():
            request[key] = value.upper()
        else:
            request[key] = int(_number(value, spec))
    return request


def _number(text: str, spec: str) -> float:
    try:
        return float(int(text, 0)) if text.lower().startswith("0x") else float(text)
    except ValueError:
        raise UsageError(f"fault {spec!r}: {text!r} is not a number") from None


def _module_config(args: argparse.Namespace):  # noqa: ANN202 - simulator types load lazily
    from biometric.sensor.constants import Instruction
    from simulators.sensor import LedSupport, ModuleConfig, Timing, WrongAddress

    timing = Timing.realistic(pace=args.pace) if args.delays == "realistic" else Timing(
        pace=args.pace)
    for item in args.delay:
        name, sep, seconds = item.partition("=")
        try:
            timing = timing.with_delay(Instruction[name.strip().upper()], float(seconds))
        except (KeyError, ValueError):
            raise UsageError(f"--delay {item!r}: want INSTRUCTION=SECONDS, e.g. "
                             "GEN_IMG=0.5") from None
        if not sep:
            raise UsageError(f"--delay {item!r}: want INSTRUCTION=SECONDS")
    factory: dict[str, object] = {"timing": timing,
                                  "wrong_address": WrongAddress(args.wrong_address)}
    if args.capacity is not None:
        factory["library_size"] = args.capacity
    if args.led is not None:
        factory["led"] = LedSupport(args.led)
    settings = {"address": args.address, "password": args.password,
                "packet_size": args.packet_size, "security_level": args.security_level,
                "baud_rate": args.baud}
    chosen = {k: v for k, v in settings.items() if v is not None}
    try:
        return ModuleConfig.for_model(args.model, **factory, **chosen), chosen
    except (ValueError, TypeError) as exc:
        raise UsageError(f"simulated sensor: {exc}") from None


def cmd_sim_sensor(args: argparse.Namespace) -> int:
    import sys

    from simulators.enrolment import touch
    from simulators.sensor import Fault, FaultPlan, Flash, FlashError, serve_forever

    args.password = None
    if args.password_stdin:
        line = sys.stdin.readline().strip()
        try:
            args.password = _hex32(line)
        except argparse.ArgumentTypeError as exc:
            raise UsageError(f"the password on stdin: {exc}") from None
    config, chosen = _module_config(args)
    faults = FaultPlan()
    for spec in args.fault:
        request = parse_fault(spec)
        try:
            faults.add(Fault.from_json(request))
        except (KeyError, ValueError) as exc:
            raise UsageError(f"--fault {spec!r}: {exc}") from None
    flash_path = None
    if not args.no_flash:
        flash_path = Path(args.flash) if args.flash else paths.home() / "sensor-flash.json"
        if args.factory_reset:
            flash_path.unlink(missing_ok=True)
        try:
            flash = Flash.open(flash_path, config)  # options given here override the flash
            if chosen:
                flash.set(**{k: int(v) for k, v in chosen.items()})
        except (FlashError, OSError) as exc:
            raise UsageError(f"sensor flash: {exc}") from None
    control = args.control or str(paths.sensor_control_socket())
    paths.run_dir().mkdir(parents=True, exist_ok=True)

    def ready(handle) -> None:  # noqa: ANN001
        module = handle.module
        print(f"sensor on {handle.port_path}; control socket {control}; Ctrl-C stops",
              flush=True)
        print(f"{config.model} at {module.address:08X}, {config.library_size} templates "
              f"({len(module.flash.library)} stored), packets of {module.packet_size}, "
              f"{module.baud_rate} baud{' paced' if config.timing.pace else ''}; "
              f"flash {flash_path or 'in memory'}", flush=True)

    serve_forever(control, link_path=args.link, on_ready=ready, config=config,
                  flash_path=flash_path, faults=faults,
                  persona_provider=lambda seed, finger, impression: touch(seed, finger,
                                                                          impression))
    return EXIT_OK


def cmd_sim_finger(args: argparse.Namespace) -> int:
    from simulators.sensor import ControlError, control_request, lift, place_persona, poor, status

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
        elif args.action == "fault":
            if not args.fault:
                raise UsageError("fault needs --fault KIND[:INSTRUCTION][,key=value...]")
            for spec in args.fault:
                print(control_request(control, parse_fault(spec))["fault"])
        elif args.action == "clear-faults":
            control_request(control, {"op": "clear_faults"})
            print("faults cleared")
        else:
            print(status(control))
    except (ControlError, OSError) as exc:
        raise UsageError(f"simulated sensor: {exc}") from exc
    return EXIT_OK
