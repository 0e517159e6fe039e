"""``nidkiosk registry serve|device|operator|openapi``: the registry as a network service.

``serve`` runs one service process (HTTPS with device certificates, over the database
given by ``--db``); run several side by side over one PostgreSQL for a fleet. The device
CA issues each kiosk, office desk, console and service process its own credential
(``device init``, ``device issue``) and revokes it (``device revoke``: refused by every
service process from the next request on). ``operator add`` lets a person sign in at an
office's devices with their national card.

The service runs the SIMULATED bank (its book in the same database), and, with
``--simulators``, the SIMULATED card factory and SMS outbox for the office's steps.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from kiosk import paths
from kiosk.cli.common import EXIT_OK, UsageError, words
from kiosk.cli.registry_common import emit, registry_command
from registry.api import Role
from registry.devices import DeviceAuthority, devices, revoke
from registry.openapi import schema
from registry.operators import add_operator
from registry.storage.database import Database
from registry.storage.engine import registry_url

FAULT_VARIABLE = "NIDKIOSK_SERVICE_FAULT"      # tests only: see registry.server.app


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("serve", help="run one registry service process (HTTPS, mutual TLS)")
    p.add_argument("--db", metavar="URL", help="the registry database (PostgreSQL for a fleet)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8443, help="0: any free port")
    p.add_argument("--tls", metavar="DIR", required=True,
                   help="this process's credential: device.crt, device.key, ca.crt "
                        "(from 'registry device issue --role server')")
    p.add_argument("--name", default="registry", help="this process's name in its logs")
    p.add_argument("--national-ca", metavar="PEM",
                   help="the national signature CA certificate(s): operators sign in with "
                        "their card (without it, no sign-in)")
    p.add_argument("--national-crl", metavar="FILE", action="append", default=[],
                   help="its current CRL (re-read when the file changes)")
    p.add_argument("--simulators", action="store_true",
                   help="SIMULATED card factory and SMS outbox for the office's steps")
    p.add_argument("--lease", type=float, default=10.0,
                   help="seconds a request owns its idempotency key before a retry may "
                        "take it over")
    p.add_argument("--ready-file", metavar="FILE", help="write the port here once listening")
    p.add_argument("--simulator-control", action="store_true",
                   help="TESTS AND DEMOS ONLY: clients drive the clock and the simulated "
                        "bank, developer devices may do everything")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("device", help="the device CA: init, issue, revoke, list")
    dsub = p.add_subparsers(dest="device_command", required=True)
    d = dsub.add_parser("init", help="create the device CA (once)")
    d.add_argument("--ca", metavar="DIR", help="where (default: data dir device-ca/)")
    d.set_defaults(func=cmd_device_init)
    d = dsub.add_parser("issue", help="a key and certificate for one device")
    d.add_argument("name")
    d.add_argument("--role", required=True, choices=[r.value for r in Role])
    d.add_argument("--office", type=int, metavar="ID", help="an office device's office")
    d.add_argument("--host", action="append", default=[],
                   help="a service process's host name or address (repeat)")
    d.add_argument("--out", metavar="DIR", required=True,
                   help="where to write device.key (private), device.crt, ca.crt")
    d.add_argument("--ca", metavar="DIR")
    d.add_argument("--db", metavar="URL")
    d.add_argument("--json", action="store_true")
    d.set_defaults(func=cmd_device_issue)
    d = dsub.add_parser("revoke", help="revoke a device (by name or serial)")
    d.add_argument("name")
    d.add_argument("--reason", default="unspecified")
    d.add_argument("--db", metavar="URL")
    d.add_argument("--json", action="store_true")
    d.set_defaults(func=cmd_device_revoke)
    d = dsub.add_parser("list", help="every device and its state")
    d.add_argument("--db", metavar="URL")
    d.add_argument("--json", action="store_true")
    d.set_defaults(func=cmd_device_list)

    p = sub.add_parser("operator", help="who may sign in at an office's devices")
    osub = p.add_subparsers(dest="operator_command", required=True)
    o = osub.add_parser("add", help="a person (by national code) at an office")
    o.add_argument("--national-code", required=True)
    o.add_argument("--office", type=int, required=True, metavar="ID")
    o.add_argument("--role", choices=["operator", "manager"], default="operator")
    o.add_argument("--db", metavar="URL")
    o.add_argument("--json", action="store_true")
    o.set_defaults(func=cmd_operator_add)

    p = sub.add_parser("openapi", help="print the service's OpenAPI document")
    p.set_defaults(func=cmd_openapi)


def _ca_dir(args: argparse.Namespace) -> Path:
    return Path(args.ca) if getattr(args, "ca", None) else paths.home() / "device-ca"


def _database(args: argparse.Namespace) -> Database:
    url = getattr(args, "db", None)
    if url and url.startswith("https://"):
        raise UsageError("--db: the registry database (devices are recorded there)")
    return Database.open(registry_url(url), pool_size=1)


@registry_command
def cmd_serve(args: argparse.Namespace) -> int:
    from registry.server.run import NationalCa, Tls, configure_logging, open_service, serve

    tls_dir = Path(args.tls)
    tls = Tls(tls_dir / "device.crt", tls_dir / "device.key", tls_dir / "ca.crt")
    for path in (tls.certificate, tls.key, tls.device_ca):
        if not path.exists():
            raise UsageError(f"--tls: {path} is missing")
    national = None
    if args.national_ca:
        national = NationalCa(Path(args.national_ca),
                              tuple(Path(p) for p in args.national_crl))
    parts: dict[str, object] = {}
    if args.simulators:
        from kiosk.cli.sim import ensure_issuer
        from simulators.card_factory import SimulatedCardFactory
        from simulators.sms import SimulatedSms
        parts = {"cards": SimulatedCardFactory(ensure_issuer()),
                 "notifier": SimulatedSms(paths.run_dir() / "sms-outbox.jsonl")}
        paths.run_dir().mkdir(parents=True, exist_ok=True)
    configure_logging()
    if args.simulator_control and not args.simulators:
        raise UsageError("--simulator-control goes with --simulators")
    service = open_service(registry_url(args.db), national=national, name=args.name,
                           lease=args.lease, fault=os.environ.get(FAULT_VARIABLE),
                           simulator_control=args.simulator_control,
                           **parts)  # type: ignore[arg-type]
    serve(service, tls, args.host, args.port,
          ready_file=Path(args.ready_file) if args.ready_file else None)
    return EXIT_OK


@registry_command
def cmd_device_init(args: argparse.Namespace) -> int:
    directory = _ca_dir(args)
    try:
        DeviceAuthority.create(directory)
    except FileExistsError as exc:
        raise UsageError(f"a device CA exists in {directory}") from exc
    print(words().say("registry.device_ca", path=directory))
    return EXIT_OK


@registry_command
def cmd_device_issue(args: argparse.Namespace) -> int:
    try:
        authority = DeviceAuthority.open(_ca_dir(args))
    except OSError as exc:
        raise UsageError(f"no device CA in {_ca_dir(args)} (run 'registry device init')") \
            from exc
    database = _database(args)
    try:
        issued = authority.issue(database, args.name, Role(args.role), office_id=args.office,
                                 hosts=tuple(args.host))
    finally:
        database.close()
    out = Path(args.out)
    issued.write(out)
    emit(args, {"device": args.name, "role": args.role, "serial": issued.serial,
                "directory": str(out)},
         words().say("registry.device_issued", name=args.name, role=args.role, dir=out))
    return EXIT_OK


@registry_command
def cmd_device_revoke(args: argparse.Namespace) -> int:
    database = _database(args)
    try:
        device = revoke(database, args.name, args.reason)
    finally:
        database.close()
    emit(args, {"device": device.name, "revoked_at": device.revoked_at},
         words().say("registry.device_revoked", name=device.name))
    return EXIT_OK


@registry_command
def cmd_device_list(args: argparse.Namespace) -> int:
    database = _database(args)
    try:
        listed = devices(database)
    finally:
        database.close()
    rows = [{"name": d.name, "role": d.role, "office_id": d.office_id, "serial": d.serial,
             "not_after": d.not_after.isoformat(),
             "revoked_at": d.revoked_at.isoformat() if d.revoked_at else None}
            for d in listed]
    emit(args, {"devices": rows}, *(
        f"{r['name']:24} {r['role']:7} office={r['office_id'] or '-'} "
        f"{'REVOKED ' + str(r['revoked_at']) if r['revoked_at'] else 'valid'}" for r in rows))
    return EXIT_OK


@registry_command
def cmd_operator_add(args: argparse.Namespace) -> int:
    database = _database(args)
    try:
        operator_id = add_operator(database, args.national_code, args.office, args.role)
    finally:
        database.close()
    emit(args, {"operator_id": operator_id, "office_id": args.office, "role": args.role},
         words().say("registry.operator_added", id=operator_id, office=args.office,
                     role=args.role))
    return EXIT_OK


def cmd_openapi(args: argparse.Namespace) -> int:
    json.dump(schema(), sys.stdout, indent=2, ensure_ascii=False)
    print()
    return EXIT_OK
