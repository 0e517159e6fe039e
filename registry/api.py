"""The registry's HTTP API, version 1: one table that the service, its client and the
published OpenAPI schema are all built from.

Every operation of :class:`registry.service.RegistryService` is one ``POST /v1/...``
whose JSON body holds the method's arguments by name and whose answer is the method's
result (``registry.wire``). POST for reads too: national codes and tracking codes never
appear in a URL, so no proxy or access log can keep them. A refusal is an HTTP 4xx/5xx
with ``{"error": ClassName, ...}``.

Who may call what is the operation's :class:`Role`; which writes may simply be run
again after a crash is ``replayable`` (the registry's own rules make the repeat
converge: a payment's key, a resubmitted form, a re-held place); the others are guarded
so that a second run of a write whose first run committed is refused (``AlreadyApplied``).
``stores_answer=False`` marks the one answer that is never stored: the issued card and
its PIN letter.

The version is in the path: a change that breaks a client is ``/v2``, served next to
``/v1`` until the fleet has moved.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Any, get_type_hints

from registry.service import RegistryService

VERSION = "v1"
PREFIX = f"/{VERSION}"


class Role(StrEnum):
    """What a device's certificate lets it do."""

    KIOSK = "kiosk"          # the citizen's services, in a public place
    OFFICE = "office"        # one office's steps, with an operator signed in
    ADMIN = "admin"          # the fleet: offices, sweeps, the payment gateway's notices
    SERVER = "server"        # a service process's own certificate (never a client)
    DEVELOPER = "developer"  # tests and demos: everything, only where the service runs
    #                          with --simulator-control (refused by any other service)


@dataclass(frozen=True)
class Operation:
    name: str                # the RegistryService method
    path: str
    role: Role
    write: bool
    replayable: bool = True  # a repeat after a crash converges by the registry's rules
    stores_answer: bool = True
    office_scoped: bool = False   # an office device may only touch its own office's work
    manager: bool = False    # only the office manager (four eyes)
    guessable: bool = False  # a look-up a guesser could sweep: rate-limited on misses

    @property
    def url(self) -> str:
        return f"{PREFIX}{self.path}"

    @property
    def parameters(self) -> list[tuple[str, Any]]:
        return _parameters(self.name)

    @property
    def result(self) -> Any:
        return _hints(self.name)["return"]


def _op(name: str, path: str, role: Role, write: bool, **flags: bool) -> Operation:
    return Operation(name, path, role, write, **flags)


K, OF, A = Role.KIOSK, Role.OFFICE, Role.ADMIN
OPERATIONS: tuple[Operation, ...] = (
    # the citizen, at a kiosk
    _op("register", "/applications/register", K, True),
    _op("application", "/applications/lookup", K, False, guessable=True),
    _op("recover_tracking_code", "/applications/recover", K, True),
    _op("start_payment", "/payments/start", K, True),
    _op("observe_payment", "/payments/observe", K, False),
    _op("list_offices", "/offices/list", K, False),
    _op("hold_slot", "/appointments/hold", K, True),
    # the office, with an operator signed in
    _op("office_schedule", "/office/schedule", OF, False, office_scoped=True),
    _op("mark_attended", "/office/attended", OF, True, replayable=False, office_scoped=True),
    _op("mark_missed", "/office/missed", OF, True, replayable=False, office_scoped=True),
    _op("complete_registration", "/office/complete", OF, True, replayable=False,
        office_scoped=True),
    _op("decide", "/office/decide", OF, True, replayable=False, office_scoped=True,
        manager=True),
    _op("issue_card", "/office/issue", OF, True, replayable=False, stores_answer=False,
        office_scoped=True),
    _op("card_arrived", "/office/arrived", OF, True, replayable=False, office_scoped=True),
    _op("collection", "/office/collection", OF, False, office_scoped=True),
    _op("record_delivery", "/office/delivery", OF, True, office_scoped=True),
    _op("office_record", "/office/record", OF, False, office_scoped=True),
    # the fleet
    _op("add_office", "/admin/offices", A, True, replayable=False),
    _op("void_uncollected", "/admin/void-uncollected", A, True),
    _op("send_notifications", "/admin/send-notifications", A, True),
    _op("payment_notice", "/admin/payment-notice", A, True),
)
BY_NAME = {op.name: op for op in OPERATIONS}

# the operator's session (office devices) and the service's own endpoints
SIGN_IN_CHALLENGE = f"{PREFIX}/session/challenge"
SIGN_IN = f"{PREFIX}/session/sign-in"
SIGN_OUT = f"{PREFIX}/session/sign-out"
OPENAPI = f"{PREFIX}/openapi.json"
LIVE = "/health/live"
READY = "/health/ready"

IDEMPOTENCY_HEADER = "Idempotency-Key"
SESSION_HEADER = "X-Operator-Session"
REQUEST_ID_HEADER = "X-Request-Id"
# honoured only by a service started with --simulator-control (tests and demos)
SIMULATOR_NOW_HEADER = "X-Simulator-Now"       # the client's clock drives the registry's
SIMULATOR_BANK_HEADER = "X-Simulator-Bank"     # behaviour;delay-seconds of a new payment
SIMULATOR_ACTOR_HEADER = "X-Simulator-Actor"   # a developer device's caller, as an actor


@cache
def _hints(name: str) -> dict[str, Any]:
    return get_type_hints(getattr(RegistryService, name))


@cache
def _parameters(name: str) -> list[tuple[str, Any]]:
    hints = _hints(name)
    signature = inspect.signature(getattr(RegistryService, name))
    return [(p, hints[p]) for p in signature.parameters if p != "self"]


def check_complete() -> None:
    """Every abstract method of RegistryService has exactly one operation (a test runs it)."""
    methods = {name for name in getattr(RegistryService, "__abstractmethods__", ())}
    missing, extra = methods - BY_NAME.keys(), BY_NAME.keys() - methods
    if missing or extra:
        raise AssertionError(f"API table out of step: missing {sorted(missing)}, "
                             f"extra {sorted(extra)}")
