"""Fingerprint commands: ``finger verify``, ``pin reset --by-finger``, ``sim sensor|finger``.

The finger is captured from a serial sensor (a real module, or ``nidkiosk sim sensor``
on a pseudo-terminal); the template goes to the card, whose matcher decides.
"""

from __future__ import annotations

import argparse
import sys

from apdu.biometric_profile import BiometricInfo
from apdu.client import NidCard
from apdu.errors import BiometricBlockedError, FingerNotMatchedError
from apdu.pins import PinRef
from biometric.capture import CaptureStep, TooManyPoorTouches, capture_template
from biometric.compact import MinutiaeOrder
from biometric.errors import BiometricError
from biometric.sensor import FingerprintSensor, SensorError
from kiosk import paths
from kiosk.cli_common import EXIT_CARD, EXIT_OK, EXIT_VERIFICATION, UsageError

FINGERS = {"right-index": 0x91, "left-index": 0x92}
STEP_TEXT = {
    CaptureStep.PLACE_FINGER: "Place your finger on the sensor.",
    CaptureStep.KEEP_STILL: "Keep it still...",
    CaptureStep.POOR_TOUCH: "That touch was not clear enough: lift your finger and place it again.",
    CaptureStep.LIFT_AND_PLACE: "Lift your finger and place it again.",
    CaptureStep.GOT_IT: "Got it.",
}


def add_commands(commands: argparse._SubParsersAction,  # type: ignore[type-arg]
                 sim_commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from kiosk.cli import add_card_options

    finger = commands.add_parser("finger", help="verify the holder's finger on the card")
    finger_commands = finger.add_subparsers(dest="finger_command", required=True)
    verify = finger_commands.add_parser("verify", help="capture a finger; the card matches it")
    add_card_options(verify)
    _sensor_options(verify)
    verify.set_defaults(func=cmd_finger_verify)

    sensor = sim_commands.add_parser("sensor", help="run a simulated fingerprint module on a pty")
    sensor.add_argument("--control", metavar="SOCKET", help="control socket path")
    sensor.add_argument("--link", metavar="PATH", help="also make a stable symlink to the pty")
    sensor.set_defaults(func=cmd_sim_sensor)
    place = sim_commands.add_parser("finger", help="what is on a simulated sensor's glass")
    place.add_argument("action", choices=["place", "poor", "lift", "status"])
    place.add_argument("--persona", type=int, help="persona seed whose finger to place")
    place.add_argument("--finger", type=int, default=2,
                       help="ISO finger position 1-10 (2 right index, 7 left index)")
    place.add_argument("--impression", type=int, default=1,
                       help="which touch (each one differs; 0 is the enrolment touch)")
    place.add_argument("--control", metavar="SOCKET")
    place.set_defaults(func=cmd_sim_finger)


def _sensor_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sensor", required=True, metavar="PORT",
                        help="serial port of the fingerprint module (e.g. /dev/ttyUSB0)")
    parser.add_argument("--finger", choices=sorted(FINGERS), default="right-index")
    parser.add_argument("--timeout", type=float, default=15.0,
                        help="seconds to wait for a finger")


def _info_for(card: NidCard, reference: int) -> BiometricInfo:
    infos = {info.reference: info for info in card.biometric_info()}
    if reference not in infos:
        raise UsageError("that finger is not enrolled on this card")
    return infos[reference]


def verify_finger(card: NidCard, args: argparse.Namespace) -> bool:
    """Capture and let the card decide; prints what the holder should do. True on a match."""
    reference = FINGERS[args.finger]
    info = _info_for(card, reference)
    left = card.finger_tries_left(reference)
    if left == 0:
        print("Finger verification is blocked on this card; use your PIN or PUK, or visit "
              "an office.", file=sys.stderr)
        return False
    print(f"Verifying your {info.finger_name} ({left} tries left).", file=sys.stderr)
    last: list[CaptureStep] = []

    def tell(step: CaptureStep) -> None:
        if not last or last[-1] != step:
            print(STEP_TEXT[step], file=sys.stderr)
        last.append(step)

    try:
        with FingerprintSensor(args.sensor) as sensor:
            template = capture_template(sensor, max_count=info.max_minutiae,
                                        order=MinutiaeOrder(info.minutiae_order),
                                        timeout=args.timeout, on_step=tell)
    except TooManyPoorTouches as exc:
        raise UsageError(f"no clear touch: {exc}; clean the sensor and try again") from exc
    except SensorError as exc:
        raise UsageError(f"fingerprint sensor: {exc}") from exc
    except BiometricError as exc:
        raise UsageError(f"fingerprint: {exc}") from exc
    try:
        card.verify_finger(reference, template.data)
    except FingerNotMatchedError as exc:
        print(f"The card did not recognise this finger: {exc.tries_left} tries left.",
              file=sys.stderr)
        return False
    except BiometricBlockedError:
        print("The finger did not match, and finger verification is now blocked; "
              "your PIN and PUK still work.", file=sys.stderr)
        return False
    print("Finger verified by the card.")
    return True


def cmd_finger_verify(args: argparse.Namespace) -> int:
    with NidCard.connect(args.reader) as card:
        return EXIT_OK if verify_finger(card, args) else EXIT_VERIFICATION


def add_pin_reset(pin_commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from kiosk.cli import add_card_options

    reset = pin_commands.add_parser(
        "reset", help='"forgot my PIN": set a new PIN after the card matches your finger')
    add_card_options(reset)
    reset.add_argument("--which", choices=["pin1", "pin2"], required=True)
    reset.add_argument("--by-finger", action="store_true", required=True,
                       help="prove who you are with your finger (the only way without a PUK)")
    _sensor_options(reset)
    reset.set_defaults(func=cmd_pin_reset)


def cmd_pin_reset(args: argparse.Namespace) -> int:
    from kiosk.cli_pin import REISSUE, SecretInput, ask_new_pin, holder_of

    ref = PinRef.PIN1 if args.which == "pin1" else PinRef.PIN2
    with NidCard.connect(args.reader) as card:
        status = card.pin_status()
        if status[ref].state.name == "NOT_SET":
            print("PIN2 is not set yet: it is chosen when the signature key is activated.",
                  file=sys.stderr)
            return EXIT_CARD
        holder = holder_of(card)
        if not verify_finger(card, args):
            return EXIT_VERIFICATION
        new = ask_new_pin(SecretInput(), ref, holder)
        card.reset_pin_by_finger(ref, new)
    print(f"{ref.name} is set to the new PIN (its tries are full again).")
    if status[PinRef.PUK].blocked:
        print(f"Note: your PUK is used up; {REISSUE} when convenient.", file=sys.stderr)
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

