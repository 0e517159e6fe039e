"""``nidkiosk ca export|crl|revoke``: what relying parties need from the local authority.

The authority is the kiosk's own (``$NIDKIOSK_HOME/ca``); these commands never create
one. The files go to ``--out`` (default ``$NIDKIOSK_HOME/ca/published``), PEM for people
and openssl, DER for an HTTP server at the URLs the certificates name.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from kiosk import paths
from kiosk.cli.common import EXIT_OK, UsageError, words
from signing.ca import LocalCertificateAuthority
from signing.ca_publish import (
    REVOCATION_REASONS,
    PublishedFiles,
    export_ca_certificate,
    parse_serial,
    publish_crl,
    revoke_and_publish,
)
from signing.errors import CaError, CaNotFoundError, PublishError, SigningError


def add_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    ca = commands.add_parser("ca", help="the local signature authority: export, CRL, revoke",
                             description=__doc__)
    sub = ca.add_subparsers(dest="ca_command", required=True)
    export = sub.add_parser("export", help="write the CA certificate (the trust anchor)")
    crl = sub.add_parser("crl", help="write a fresh CRL")
    revoke = sub.add_parser("revoke", help="revoke a certificate and write the new CRL")
    revoke.add_argument("serial", help="hex, as 'openssl x509 -noout -serial' prints it")
    revoke.add_argument("--reason", choices=sorted(REVOCATION_REASONS), default="unspecified")
    for parser, func in ((export, cmd_export), (crl, cmd_crl), (revoke, cmd_revoke)):
        parser.add_argument("--out", metavar="DIR", help="where to write the files")
        parser.set_defaults(func=func)


def _out(args: argparse.Namespace) -> Path:
    return Path(args.out) if args.out else paths.ca_dir() / "published"


def _authority() -> LocalCertificateAuthority:
    try:
        return LocalCertificateAuthority.open_existing(paths.ca_dir())
    except CaNotFoundError as exc:
        raise UsageError(f"no certificate authority at {paths.ca_dir()} (it is created by the "
                         "first 'nidkiosk sign activate')") from exc


def _publish(publish: Callable[[LocalCertificateAuthority, Path], PublishedFiles],
             args: argparse.Namespace, key: str) -> int:
    with _authority() as ca:
        try:
            files = publish(ca, _out(args))
        except PublishError as exc:
            raise UsageError(f"cannot write {exc.path}") from exc
    print(words().say(key, pem=files.pem, der=files.der))
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    return _publish(export_ca_certificate, args, "ca.exported")


def cmd_crl(args: argparse.Namespace) -> int:
    return _publish(publish_crl, args, "ca.crl")


def cmd_revoke(args: argparse.Namespace) -> int:
    try:
        serial = parse_serial(args.serial)
    except SigningError as exc:
        raise UsageError(f"not a certificate serial: {args.serial!r} (hex expected)") from exc
    with _authority() as ca:
        try:
            status, files = revoke_and_publish(ca, serial, REVOCATION_REASONS[args.reason],
                                               _out(args))
        except PublishError as exc:
            raise UsageError(f"cannot write {exc.path}") from exc
        except CaError as exc:
            raise UsageError(f"the authority refused: {exc}") from exc
    moment = f"{status.revoked_at:%Y-%m-%d %H:%M} UTC" if status.revoked_at else "?"
    reason = status.reason.value if status.reason else args.reason
    w = words()
    print(w.say("ca.revoked", serial=f"{serial:x}", reason=reason, moment=moment))
    print(w.say("ca.crl", pem=files.pem, der=files.der))
    return EXIT_OK
