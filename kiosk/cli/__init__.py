"""``nidkiosk``: the command line. Each command drives a flow and words its outcome.

Exit codes: 0 success, 2 usage error, 3 card, reader, sensor or registry storage
unavailable, 4 verification failed (the card is not genuine, or a secret or finger did
not verify) or, for ``registry`` and ``office``, refused by a rule; 1 anything else,
130 interrupted.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from collections.abc import Callable, Sequence

from apdu.errors import CardError
from apdu.trace import enable_traffic_log
from kiosk.cli.common import (
    EXIT_CARD,
    EXIT_FAILURE,
    EXIT_INTERRUPTED,
    Finished,
    UsageError,
    set_language,
)

logger = logging.getLogger("nidkiosk.cli")


def build_parser() -> argparse.ArgumentParser:
    # imported here: ``kiosk.cli.words`` is shared with the kiosk, which must not pay for
    # every command's imports (the signature authority's SQLAlchemy among them)
    from kiosk.cli import ca, card, deliver, finger, kiosk_ui, office, pin, registry, sign, sim

    parser = argparse.ArgumentParser(
        prog="nidkiosk", description="Iran national smart ID card: kiosk and reader tools")
    parser.add_argument("-v", "--verbose", action="count", default=0)
    parser.add_argument("--lang", choices=["en", "fa"],
                        default=os.environ.get("NIDKIOSK_LANG", "en"),
                        help="language of messages (default: $NIDKIOSK_LANG or en)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    card.add_commands(commands)
    pin_commands = pin.add_commands(commands)
    sim_commands = sim.add_commands(commands)
    finger.add_commands(commands, pin_commands, sim_commands)
    sign.add_commands(commands)
    deliver.add_commands(commands)
    ca.add_commands(commands)
    kiosk_ui.add_commands(commands)
    registry.add_commands(commands)
    office.add_commands(commands)
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


def _terminated(signum: int, _frame: object) -> None:
    """SIGTERM unwinds like Ctrl-C, so every flow ends and the card is reset."""
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    signal.signal(signal.SIGTERM, _terminated)
    parser = build_parser()
    args = parser.parse_args(argv)
    set_language(args.lang)
    _configure_logging(args.verbose, getattr(args, "trace", False))
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except UsageError as exc:
        parser.error(str(exc))  # exits with EXIT_USAGE
    except Finished as exc:
        return exc.code
    except CardError as exc:  # outside any flow (sim, status): say what, not a traceback
        print(f"nidkiosk: card error: {exc}", file=sys.stderr)
        return EXIT_CARD
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except Exception as exc:  # a bug: one line for the person, the traceback in the log
        logger.debug("unexpected error", exc_info=exc)
        print(f"nidkiosk: internal error ({type(exc).__name__}); run with -vv for details",
              file=sys.stderr)
        return EXIT_FAILURE
    return EXIT_FAILURE
