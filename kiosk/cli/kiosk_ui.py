"""``nidkiosk kiosk``: the touchscreen kiosk (Kivy), on PC/SC or on the simulators.

``--simulator`` runs it on the simulated card (in an in-process reader) and the simulated
sensor (on a real pty), with the developer panel to insert cards and place fingers.
``--tour DIR`` runs it offscreen through the main paths and saves a screenshot of every
screen (what ``make run`` does on a machine without a display).
"""

from __future__ import annotations

import argparse
import hashlib
import os
from pathlib import Path

from kiosk.cli.common import EXIT_FAILURE, EXIT_OK, UsageError


def add_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    kiosk = commands.add_parser("kiosk", help="the touchscreen kiosk (Kivy)")
    kiosk.add_argument("--simulator", action="store_true",
                       help="simulated card and sensor, with the developer panel")
    kiosk.add_argument("--sensor", metavar="PORT", help="fingerprint module's serial port")
    kiosk.add_argument("--reader", help="PC/SC reader name (default: any)")
    kiosk.add_argument("--trust", metavar="PATH", help="CSCA certificate(s)")
    kiosk.add_argument("--lang", dest="ui_lang", choices=["fa", "en"], default="fa")
    kiosk.add_argument("--fullscreen", action="store_true", help="kiosk mode: full screen")
    kiosk.add_argument("--idle", type=float, default=60.0, help="seconds before a session ends")
    kiosk.add_argument("--tour", metavar="DIR",
                       help="offscreen scripted tour of the main paths; screenshots to DIR "
                            "(all in English with --lang en)")
    kiosk.set_defaults(func=cmd_kiosk)


def cmd_kiosk(args: argparse.Namespace) -> int:
    from kiosk.ui.main import audit_path, has_display, prepare_kivy

    if args.tour:
        from kiosk.ui.tour import run_tour

        prepare_kivy(offscreen=True)
        shots = run_tour(Path(args.tour), lang=args.ui_lang)
        for path in shots:
            print(path)
        print(f"{len(shots)} screenshots in {args.tour}")
        return EXIT_OK if shots else EXIT_FAILURE
    if not has_display():
        raise UsageError("no display (DISPLAY is not set): use --tour DIR to run offscreen")
    prepare_kivy()
    from kiosk.ui.app import KioskApp
    from kiosk.ui.backend import Backend, PcscBackend, SimulatorRig
    from kiosk.ui.controller import Settings

    settings = Settings(idle_seconds=args.idle)
    code = os.environ.get("NIDKIOSK_OPERATOR_CODE")
    if code:
        settings.operator_code_sha256 = hashlib.sha256(code.encode()).hexdigest()
    backend: Backend
    if args.simulator:
        rig = SimulatorRig()
        rig.prepare()
        backend = rig
    else:
        from kiosk.cli.card import trust_anchors

        if not args.sensor:
            raise UsageError("--sensor PORT is needed without --simulator")
        backend = PcscBackend(trust_anchors(args.trust), args.sensor, args.reader)
    try:
        KioskApp(backend=backend, settings=settings, audit_path=audit_path(), lang=args.ui_lang,
                 fullscreen=args.fullscreen).run()
    finally:
        backend.close()
    return EXIT_OK
