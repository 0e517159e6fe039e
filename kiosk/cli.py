"""``nidkiosk``: the command line. Parses arguments, calls the library, words the results.

Exit codes: 0 success, 2 usage error, 3 card or reader error, 4 verification
failed (the card is not genuine, or a secret did not verify), 1 anything else.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence

from apdu.errors import CardError, PinFormatError
from apdu.trace import enable_traffic_log
from kiosk.cli_common import (
    EXIT_CARD,
    EXIT_FAILURE,
    EXIT_VERIFICATION,
    UsageError,
    VerificationFailed,
)


def add_card_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--reader", help="reader name, index or unique part of its name")
    parser.add_argument("--trace", action="store_true",
                        help="print every APDU to stderr (secrets are masked)")


def build_parser() -> argparse.ArgumentParser:
    from kiosk import cli_card, cli_finger, cli_pin, cli_sign, cli_sim

    parser = argparse.ArgumentParser(
        prog="nidkiosk", description="Iran national smart ID card: kiosk and reader tools"
    )
    parser.add_argument("-v", "--verbose", action="count", default=0)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    readers = commands.add_parser("readers", help="list PC/SC readers and cards")
    readers.set_defaults(func=cli_card.cmd_readers)

    read = commands.add_parser("read", help="read the holder's identity and check it is genuine")
    add_card_options(read)
    read.add_argument("--json", action="store_true", help="machine-readable output")
    read.add_argument("--photo", metavar="FILE", help="save the holder's photo (JPEG)")
    read.add_argument("--no-photo", action="store_true", help="skip reading the photo")
    read.add_argument("--trust", metavar="PATH", help="CSCA certificate(s): PEM file or directory")
    read.set_defaults(func=cli_card.cmd_read)

    cli_pin.add_commands(commands)
    sim_commands = cli_sim.add_commands(commands)
    cli_finger.add_commands(commands, sim_commands)
    cli_sign.add_commands(commands)
    return parser


def _configure_logging(verbose: int, trace: bool) -> None:
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s",
                        stream=sys.stderr)
    if trace:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        logging.getLogger("nidkiosk.apdu").propagate = False
        enable_traffic_log(handler)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    _configure_logging(args.verbose, getattr(args, "trace", False))
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except (UsageError, PinFormatError) as exc:
        parser.error(str(exc))  # exits with EXIT_USAGE
    except VerificationFailed as exc:
        print(f"nidkiosk: {exc}", file=sys.stderr)
        return EXIT_VERIFICATION
    except CardError as exc:
        print(f"nidkiosk: card error: {exc}", file=sys.stderr)
        return EXIT_CARD
    except KeyboardInterrupt:
        return 130
    return EXIT_FAILURE


