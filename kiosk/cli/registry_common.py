"""What ``nidkiosk registry`` and ``nidkiosk office`` share: opening the registry, JSON
output, and turning every registry error into words and an exit code.

Exit codes of both groups: 0 done; 2 usage (arguments, or a form or document field that
breaks its rule of form); 3 a device or the storage is unavailable (database down, busy
or at another schema, payment gateway not answering, card, reader or sensor trouble);
4 refused by a rule (not eligible, a status that does not allow the step, a deadline,
no free place, too many attempts, no such application for that pair of codes, a card
that is not genuine or not the applicant's, a fee not paid); 1 anything else; 130
interrupted.

The registry URL: ``--db URL``, else ``$NIDKIOSK_REGISTRY_URL``, else the SQLite file
in the data directory. That default file is migrated automatically (it is this machine's
own and nothing else shares it); a URL given explicitly is not: a fleet's database
changes schema when its operator runs ``nidkiosk registry migrate``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import os
import socket
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import fields, is_dataclass
from enum import Enum, IntEnum
from typing import Any

import jdatetime

from citizen.digits import persian_digits
from citizen.errors import CitizenDataError
from citizen.jalali import jalali_numeric, parse_typed_jalali
from kiosk import paths
from kiosk.cli.common import EXIT_CARD, EXIT_USAGE, EXIT_VERIFICATION, Finished, err, words
from registry.clock import SystemClock
from registry.connect import is_remote
from registry.connect import open_registry as open_service
from registry.contract import Caller
from registry.documents import InvalidDocuments
from registry.errors import (
    BookingNotAllowed,
    FeeNotDefined,
    InvalidForm,
    InvalidTrackingCode,
    NotEligible,
    RegistryError,
    TransitionRefused,
)
from registry.office_refusals import OfficeRefusal, OfficeStepRefused
from registry.payments import SimulatedBank
from registry.refusals import (
    ApplicationExists,
    AppointmentNotMarkable,
    BookingRefused,
    GatewayUnavailable,
    IdempotencyConflict,
    InvalidRequest,
    NotFound,
    OfficeClosed,
    PaymentRefused,
    RateLimited,
    SlotGone,
)
from registry.service import RegistryService
from registry.service_errors import (
    AccessDenied,
    AlreadyApplied,
    RequestInProgress,
    ServiceUnavailable,
)
from registry.storage import migrate
from registry.storage.engine import URL_VARIABLE, make_engine, registry_url
from registry.storage.errors import (
    RegistryBusy,
    SchemaError,
    StorageConflict,
    StorageUnavailable,
)

EXIT_REFUSED = EXIT_VERIFICATION    # 4: refused by a rule
EXIT_UNAVAILABLE = EXIT_CARD        # 3: a device or the storage is unavailable


def add_registry_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", "--registry", dest="db", metavar="URL",
                        help=f"registry database, or the registry service's https:// "
                             f"address(es) (default: ${URL_VARIABLE}, else SQLite in the "
                             "data directory)")
    parser.add_argument("--json", action="store_true", help="machine-readable output")


def day_argument(text: str) -> jdatetime.date:
    """A Solar Hijri day as typed (``1405/09/09``, Persian digits too) for argparse."""
    try:
        return parse_typed_jalali(text)
    except CitizenDataError as exc:
        raise argparse.ArgumentTypeError(f"not a Solar Hijri date: {text!r}") from exc


def operator() -> str:
    return os.environ.get("NIDKIOSK_OPERATOR") or getpass.getuser()


def caller_for(role: str, name: str) -> Caller:
    """``role:name`` in the audit trail; this machine keys the rate limits."""
    return Caller(f"{role}:{name}"[:64], f"cli:{socket.gethostname()}"[:64])


def _default_database(url: str | None) -> bool:
    return not url and not os.environ.get(URL_VARIABLE)


def prepare_default_database(url: str | None) -> None:
    """When ``url`` and ``$NIDKIOSK_REGISTRY_URL`` name nothing: the data directory exists
    and its SQLite file is at the schema's head (that file is this machine's own)."""
    if _default_database(url):
        paths.home().mkdir(parents=True, exist_ok=True)
        _ensure_default_schema()


def _ensure_default_schema() -> None:
    engine = make_engine(registry_url(None), pool_size=1)
    try:
        at = migrate.current(engine)
    finally:
        engine.dispose()
    if at != migrate.head():
        migrate.upgrade(None)


def open_registry(args: argparse.Namespace, caller: Caller, **parts: Any) -> RegistryService:
    """The registry behind ``--db``: in process with the simulated bank (SIMULATOR: no
    money moves), or the registry service at an https:// address (``registry.connect``),
    with this machine's device credential and the operator's session if signed in."""
    url = getattr(args, "db", None)
    prepare_default_database(url)
    clock = SystemClock()
    if is_remote(url):
        return open_service(url, caller=caller, clock=clock,
                            operator_session=stored_session())
    return open_service(url, SimulatedBank(clock), caller=caller, clock=clock, **parts)


def session_file() -> Any:
    return paths.run_dir() / "operator-session"


def stored_session() -> str | None:
    """The operator's session token saved by ``nidkiosk office sign-in`` (a private file)."""
    try:
        return session_file().read_text(encoding="ascii").strip() or None
    except OSError:
        return None


# --- output -----------------------------------------------------------------------------

def as_json(value: Any) -> Any:
    """Dataclasses, enums, Solar Hijri days and instants as JSON; bytes never."""
    if isinstance(value, IntEnum):
        return value.name.lower().replace("_", "-")
    if isinstance(value, Enum):
        return value.value if isinstance(value.value, str) else value.name.lower()
    if isinstance(value, jdatetime.date):
        return {"jalali": jalali_numeric(value), "gregorian": value.togregorian().isoformat()}
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return None
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: as_json(getattr(value, f.name)) for f in fields(value)
                if not isinstance(getattr(value, f.name), bytes)}
    if isinstance(value, Mapping):
        return {str(as_json(k)): as_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [as_json(v) for v in value]
    return value


def emit(args: argparse.Namespace, data: Mapping[str, Any], *lines: str) -> None:
    """The result: JSON on stdout with ``--json``, else the worded lines."""
    if getattr(args, "json", False):
        json.dump(as_json({"ok": True, **data}), sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        for line in lines:
            print(line)


def day_text(day: jdatetime.date) -> str:
    """A Solar Hijri day as the language shows it (Persian digits in Persian)."""
    text = jalali_numeric(day)
    return persian_digits(text) if words().lang == "fa" else text


# --- errors -----------------------------------------------------------------------------

def _field_problem(field: Enum, problem: Enum) -> str:
    w = words()
    return f"{w.say(field)}: {w.say(problem)}"


def explain(exc: RegistryError) -> tuple[int, list[str]]:
    """The exit code and the sentences for a registry error."""
    w = words()
    if isinstance(exc, InvalidForm):
        return EXIT_USAGE, [w.say("form.invalid"),
                            *(f"  {_field_problem(p.field, p.problem)}" for p in exc.problems)]
    if isinstance(exc, InvalidDocuments):
        return EXIT_USAGE, [w.say("InvalidDocuments"),
                            *(f"  {_field_problem(p.field, p.problem)}" for p in exc.problems)]
    if isinstance(exc, InvalidTrackingCode):
        return EXIT_USAGE, [f"{w.say('Field.TRACKING_CODE')}: {w.say(exc.problem)}"]
    if isinstance(exc, InvalidRequest):
        return EXIT_USAGE, [f"{exc.field}: {exc.reason}"]
    if isinstance(exc, (RegistryBusy, StorageUnavailable, SchemaError, GatewayUnavailable,
                        StorageConflict, ServiceUnavailable, RequestInProgress)):
        return EXIT_UNAVAILABLE, [_unavailable(exc)]
    return EXIT_REFUSED, [_refusal(exc)]


def _unavailable(exc: RegistryError) -> str:
    w = words()
    if isinstance(exc, StorageUnavailable):
        return w.say("StorageUnavailable", cause=exc.cause)
    if isinstance(exc, StorageConflict):
        return w.say("StorageConflict", constraint=exc.constraint or "?")
    if isinstance(exc, ServiceUnavailable):
        return w.say("ServiceUnavailable", service=exc.service, cause=exc.cause)
    return w.say(type(exc).__name__)


def _refusal(exc: RegistryError) -> str:
    w = words()
    if isinstance(exc, NotEligible):
        why = w.say(exc.refusal, day=day_text(exc.eligible_from) if exc.eligible_from else "")
        return w.say("not_eligible", why=why)
    if isinstance(exc, NotFound):
        kind = f"kind.{exc.kind}"
        return w.say("NotFound", kind=w.say(kind) if w.has(kind) else exc.kind)
    if isinstance(exc, ApplicationExists):
        return w.say("ApplicationExists", status=w.say(exc.status))
    if isinstance(exc, TransitionRefused):
        return w.say("TransitionRefused", status=w.say(exc.from_status))
    if isinstance(exc, (SlotGone, OfficeClosed)):
        return w.say(type(exc).__name__, day=day_text(exc.day))
    if isinstance(exc, BookingNotAllowed):
        return w.say("BookingNotAllowed", why=w.say(exc.block, day=day_text(exc.until)
                                                    if exc.until else "?"))
    if isinstance(exc, BookingRefused):
        return w.say("BookingRefused", why=w.say(exc.reason, day=day_text(exc.day)
                                                 if exc.day else "?"))
    if isinstance(exc, AppointmentNotMarkable):
        return w.say("AppointmentNotMarkable", id=exc.appointment_id, why=w.say(exc.reason))
    if isinstance(exc, PaymentRefused):
        return w.say("PaymentRefused", why=w.say(exc.reason))
    if isinstance(exc, RateLimited):
        return w.say("RateLimited", scope=w.say(exc.scope), at=exc.retry_at.isoformat())
    if isinstance(exc, IdempotencyConflict):
        return w.say("IdempotencyConflict")
    if isinstance(exc, OfficeStepRefused):
        return w.say("OfficeStepRefused", why=office_refusal(exc))
    if isinstance(exc, AccessDenied):
        return w.say("AccessDenied", why=w.say(exc.reason))
    if isinstance(exc, AlreadyApplied):
        return w.say("AlreadyApplied")
    if isinstance(exc, FeeNotDefined):
        return str(exc)
    return str(exc)


def office_refusal(exc: OfficeStepRefused) -> str:
    w = words()
    detail = exc.detail or ""
    if exc.reason is OfficeRefusal.PHOTO and detail:
        detail = w.say(f"PhotoProblem.{detail.upper().replace('-', '_')}")
    elif exc.reason is OfficeRefusal.FINGERS and detail:
        detail = w.say(f"FingerProblem.{_member(detail)}")
    return w.say(exc.reason, detail=detail, day=day_text(exc.day) if exc.day else "",
                 amount=int(exc.receipt.total) if exc.receipt else 0)


def _member(value: str) -> str:
    return {"captured-and-skipped": "BOTH"}.get(value, value.upper().replace("-", "_"))


def error_json(exc: RegistryError) -> dict[str, Any]:
    data: dict[str, Any] = {"error": type(exc).__name__}
    for name, value in vars(exc).items():
        if name.startswith("_") or name in ("args",):
            continue
        data[name] = as_json(value)
    return data


@contextmanager
def worded_errors(args: argparse.Namespace) -> Iterator[None]:
    """Registry errors leave as sentences on stderr (and JSON with ``--json``) and an exit code."""
    try:
        yield
    except RegistryError as exc:
        code, lines = explain(exc)
        for line in lines:
            err(line)
        if getattr(args, "json", False):
            json.dump({"ok": False, **error_json(exc)}, sys.stdout, ensure_ascii=False,
                      indent=2)
            print()
        raise Finished(code) from exc


def registry_command(run: Callable[[argparse.Namespace], int]
                     ) -> Callable[[argparse.Namespace], int]:
    """A command whose registry errors are worded (see :func:`worded_errors`)."""
    def command(args: argparse.Namespace) -> int:
        with worded_errors(args):
            return run(args)
    command.__doc__ = run.__doc__
    return command
