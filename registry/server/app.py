"""The ASGI application: every operation of the API table (``registry.api``) as a route.

One request, in order: the device from its TLS certificate (revocation looked up in the
database); for an office device, the operator's session; the role; the arguments
(``registry.wire``, nothing else); the office the step is about; for a guessable
look-up, the miss limits; for a write, the idempotency key; then the registry itself,
on behalf of a :class:`registry.contract.Caller` built from the device and operator.
Refusals leave as typed error bodies with a fitting status; nothing else does: an
unexpected failure is a bare 500 naming its class, its traceback only in the debug log.

Work is synchronous (SQLAlchemy) and runs in Starlette's thread pool, one request per
thread; the process keeps no state between requests beyond its connection pool.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from registry import api, wire
from registry.api import Operation, Role
from registry.applications import national_code as normalized_national_code
from registry.clock import Clock, SystemClock
from registry.documents import InvalidDocuments
from registry.errors import InvalidForm, InvalidTrackingCode, RegistryError
from registry.openapi import schema as openapi_schema
from registry.refusals import (
    GatewayUnavailable,
    IdempotencyConflict,
    InvalidRequest,
    NotFound,
    RateLimited,
)
from registry.server import access, idempotency, limits, signin, simulator
from registry.service import LocalRegistry
from registry.service_errors import (
    AccessDenied,
    AccessRefusal,
    AlreadyApplied,
    RequestInProgress,
    ServiceUnavailable,
)
from registry.signin import SignInProof
from registry.storage.database import COMMIT_GUARD
from registry.storage.errors import (
    RegistryBusy,
    SchemaError,
    StorageConflict,
    StorageUnavailable,
)
from registry.storage.migrate import require_current

access_log = logging.getLogger("nidkiosk.registry.access")
logger = logging.getLogger("nidkiosk.registry.service")

PEER_CERTIFICATE = "tls_peer_der"     # scope["state"] key the TLS protocol fills in
_KEY = re.compile(r"[A-Za-z0-9._:-]{8,64}", re.ASCII)
_TRANSIENT = (RegistryBusy, StorageUnavailable, SchemaError, GatewayUnavailable,
              ServiceUnavailable, RequestInProgress)


@dataclass
class ServiceParts:
    """What one service process serves with."""

    registry: LocalRegistry
    national: signin.NationalTrust | None = None
    lookup_limits: limits.LookupLimits = field(default_factory=limits.LookupLimits)
    lease: float = 10.0                   # seconds an attempt owns its idempotency key
    lease_clock: Clock = field(default_factory=SystemClock)   # leases are wall time
    name: str = "registry"
    fault: str | None = None              # tests only: "exit-after:<operation>"
    simulator_control: bool = False       # tests and demos: see registry.server.simulator


def status_of(exc: RegistryError) -> int:
    if isinstance(exc, AccessDenied):
        return 403
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, RateLimited):
        return 429
    if isinstance(exc, _TRANSIENT) and not isinstance(exc, RequestInProgress):
        return 503
    if isinstance(exc, (RequestInProgress, IdempotencyConflict, AlreadyApplied,
                        StorageConflict)):
        return 409
    if isinstance(exc, (InvalidRequest, InvalidForm, InvalidDocuments, InvalidTrackingCode)):
        return 400
    return 422


def _retry_after(exc: RegistryError, now: dt.datetime | None) -> dict[str, str]:
    seconds = getattr(exc, "retry_after", None)
    if isinstance(exc, RateLimited) and now is not None:
        seconds = max(1.0, (exc.retry_at - now).total_seconds())
    return {"Retry-After": str(max(1, round(seconds)))} if seconds is not None else {}


@dataclass
class Answer:
    status: int
    body: str
    headers: dict[str, str] = field(default_factory=dict)


def _error_answer(exc: RegistryError, now: dt.datetime | None = None) -> Answer:
    return Answer(status_of(exc), json.dumps(wire.error_to_json(exc), ensure_ascii=False),
                  _retry_after(exc, now))


class Handler:
    """The synchronous work of one request (runs in the thread pool)."""

    def __init__(self, parts: ServiceParts) -> None:
        self.parts = parts
        self.registry = parts.registry
        self.database = parts.registry.database

    def now(self) -> Any:
        return self.registry.clock.now()

    def device(self, peer: bytes | None, log: dict[str, Any]) -> access.DeviceIdentity:
        device = access.identify(self.database, peer, self.now())
        log["device"] = device.name
        return device

    def operation(self, op: Operation, body: bytes, headers: dict[str, str],
                  peer: bytes | None, log: dict[str, Any]) -> Answer:
        try:
            return self._operation(op, body, headers, peer, log)
        except RegistryError as exc:
            log["error"] = type(exc).__name__
            return _error_answer(exc, self.now())

    def _operation(self, op: Operation, body: bytes, headers: dict[str, str],
                   peer: bytes | None, log: dict[str, Any]) -> Answer:
        device = self.device(peer, log)
        person = None
        if op.role is Role.OFFICE and device.role is Role.OFFICE:
            person = access.operator(self.database, device, headers.get(
                api.SESSION_HEADER.lower()), self.now())
            log["operator"] = person.operator_id
        access.authorize(device, op, person, developers=self.parts.simulator_control)
        args = decode_arguments(op, body)
        if op.office_scoped:
            access.require_own_office(self.database, device, op, args)
        caller = access.caller(device, person)
        if self.parts.simulator_control:
            caller = simulator.developer_caller(device, caller, headers)
        if not op.write:
            return Answer(200, self._call(op, args, caller, None, headers))
        key = headers.get(api.IDEMPOTENCY_HEADER.lower(), "")
        if not _KEY.fullmatch(key):
            raise InvalidRequest(api.IDEMPOTENCY_HEADER, "8-64 characters of A-Z a-z 0-9 . _ : -")
        lease_now = self.parts.lease_clock.now()
        claim = idempotency.claim(self.database, device.device_id, key, op.name,
                                  idempotency.request_fingerprint(op.name, body), lease_now,
                                  _seconds(self.parts.lease))
        if claim.replay is not None:
            log["replayed"] = True
            if claim.replay.body is None:
                raise AlreadyApplied(op.name)
            return Answer(claim.replay.status, claim.replay.body)
        guard = None if op.replayable else idempotency.commit_guard(claim.record_id, op.name)
        try:
            payload = self._call(op, args, caller, guard, headers)
        except RegistryError as exc:
            if isinstance(exc, _TRANSIENT):
                idempotency.release(self.database, claim.record_id, lease_now)
            else:
                answer = _error_answer(exc)
                idempotency.finish(self.database, claim.record_id, answer.status, answer.body,
                                   self.parts.lease_clock.now())
            raise
        self._fault("exit-after", op)
        idempotency.finish(self.database, claim.record_id, 200,
                           payload if op.stores_answer else None,
                           self.parts.lease_clock.now())
        return Answer(200, payload)

    def _call(self, op: Operation, args: dict[str, Any], caller: Any,
              guard: Callable[..., None] | None, headers: dict[str, str]) -> str:
        registry = self.registry.with_caller(caller)
        if self.parts.simulator_control:
            with simulator.driven(registry, headers):
                return self._run(op, registry, args, caller, guard)
        return self._run(op, registry, args, caller, guard)

    def _run(self, op: Operation, registry: LocalRegistry, args: dict[str, Any],
             caller: Any, guard: Callable[..., None] | None) -> str:
        if op.guessable:
            ref = args["ref"]
            code = normalized_national_code(ref.national_code)
            limits.check(self.database, self.parts.lookup_limits, op.name, code,
                         caller.client, caller.actor, self.now())
        token = COMMIT_GUARD.set(guard)
        try:
            result = getattr(registry, op.name)(**args)
        except NotFound:
            if op.guessable:
                limits.count_miss(self.database, self.parts.lookup_limits, op.name, code,
                                  caller.client, self.now())
            raise
        finally:
            COMMIT_GUARD.reset(token)
        return json.dumps(wire.to_json(result), ensure_ascii=False)

    def _fault(self, point: str, op: Operation) -> None:
        if self.parts.fault == f"{point}:{op.name}":
            logger.warning("injected fault %s: this process exits now", self.parts.fault)
            os._exit(70)

    # -- the operator's session --------------------------------------------------------------

    def session(self, what: str, body: bytes, headers: dict[str, str],
                peer: bytes | None, log: dict[str, Any]) -> Answer:
        try:
            device = self.device(peer, log)
            if device.role is not Role.OFFICE:
                raise AccessDenied(AccessRefusal.WRONG_ROLE)
            now = self.now()
            if what == "challenge":
                result: Any = signin.new_challenge(self.database, device, now)
            elif what == "sign-in":
                proof = wire.from_json(SignInProof, _json(body), "proof")
                result = signin.sign_in(self.database, device, proof, self.parts.national,
                                        now)
            else:
                signin.sign_out(self.database, device,
                                headers.get(api.SESSION_HEADER.lower(), ""), now)
                result = {"signed_out": True}
            return Answer(200, json.dumps(wire.to_json(result)))
        except wire.WireError as exc:
            log["error"] = "InvalidRequest"
            return _error_answer(InvalidRequest(exc.where, exc.detail))
        except RegistryError as exc:
            log["error"] = type(exc).__name__
            return _error_answer(exc)

    def ready(self) -> Answer:
        try:
            require_current(self.database.engine)
        except Exception as exc:   # noqa: BLE001 - any failure means "not ready"
            return Answer(503, json.dumps({"status": "unavailable",
                                           "cause": type(exc).__name__}))
        return Answer(200, json.dumps({"status": "ready", "service": self.parts.name}))


def _seconds(value: float) -> dt.timedelta:
    return dt.timedelta(seconds=value)


def _json(body: bytes) -> Any:
    try:
        return json.loads(body or b"{}")
    except (ValueError, UnicodeDecodeError) as exc:
        raise wire.WireError("body", "not JSON") from exc


def decode_arguments(op: Operation, body: bytes) -> dict[str, Any]:
    """The method's arguments from a JSON object; InvalidRequest naming the field."""
    try:
        data = _json(body)
        if not isinstance(data, dict):
            raise wire.WireError("body", "expected an object")
        names = [name for name, _ in op.parameters]
        unknown = set(data) - set(names)
        if unknown:
            raise wire.WireError("body", f"unknown arguments {sorted(unknown)}")
        return {name: wire.from_json(tp, data.get(name), name) for name, tp in op.parameters}
    except wire.WireError as exc:
        raise InvalidRequest(exc.where, exc.detail) from exc


# --- the ASGI side ----------------------------------------------------------------------

def _headers(request: Request) -> dict[str, str]:
    return {k.lower(): v for k, v in request.headers.items()}


def _peer(request: Request) -> bytes | None:
    state = request.scope.get("state") or {}
    value = state.get(PEER_CERTIFICATE)
    return value if isinstance(value, bytes) else None


def _log(request: Request) -> dict[str, Any]:
    state = request.scope.setdefault("state", {})
    return state.setdefault("access", {})  # type: ignore[no-any-return]


def _respond(answer: Answer) -> Response:
    return Response(answer.body, answer.status, headers=answer.headers,
                    media_type="application/json")


def create_app(parts: ServiceParts) -> ASGIApp:
    handler = Handler(parts)
    document = openapi_schema()

    def operation_endpoint(op: Operation) -> Callable[[Request], Any]:
        async def endpoint(request: Request) -> Response:
            body = await request.body()
            log = _log(request)
            log["operation"] = op.name
            answer = await run_in_threadpool(handler.operation, op, body, _headers(request),
                                             _peer(request), log)
            return _respond(answer)
        return endpoint

    def session_endpoint(what: str) -> Callable[[Request], Any]:
        async def endpoint(request: Request) -> Response:
            body = await request.body()
            log = _log(request)
            log["operation"] = f"session.{what}"
            answer = await run_in_threadpool(handler.session, what, body, _headers(request),
                                             _peer(request), log)
            return _respond(answer)
        return endpoint

    async def live(_: Request) -> Response:
        return JSONResponse({"status": "live", "service": parts.name})

    async def ready(_: Request) -> Response:
        return _respond(await run_in_threadpool(handler.ready))

    async def openapi(_: Request) -> Response:
        return JSONResponse(document)

    routes = [Route(op.url, operation_endpoint(op), methods=["POST"]) for op in api.OPERATIONS]
    routes += [Route(api.SIGN_IN_CHALLENGE, session_endpoint("challenge"), methods=["POST"]),
               Route(api.SIGN_IN, session_endpoint("sign-in"), methods=["POST"]),
               Route(api.SIGN_OUT, session_endpoint("sign-out"), methods=["POST"]),
               Route(api.LIVE, live, methods=["GET"]),
               Route(api.READY, ready, methods=["GET"]),
               Route(api.OPENAPI, openapi, methods=["GET"])]
    return AccessLog(Starlette(routes=routes), parts.name)


class AccessLog:
    """One JSON line per request: method, path, status, time, device, operation, error.

    Never a body, a query string or a header value: paths carry no personal data by the
    API's design (national and tracking codes travel in bodies only), so nothing here can
    name a citizen. Unexpected failures become a bare 500 here as well.
    """

    def __init__(self, app: ASGIApp, service: str) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = _request_id(scope)
        status = {"code": 500, "sent": False}

        async def sending(message: Any) -> None:
            if message["type"] == "http.response.start":
                status["code"], status["sent"] = message["status"], True
                headers = list(message.get("headers", []))
                headers.append((api.REQUEST_ID_HEADER.lower().encode(), request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception as exc:   # noqa: BLE001 - never a traceback to the client
            logger.error("request %s failed: %s", request_id, type(exc).__name__)
            logger.debug("request %s failed", request_id, exc_info=exc)
            if not status["sent"]:
                body = json.dumps({"error": "InternalError", "kind": type(exc).__name__})
                await Response(body, 500, media_type="application/json")(scope, receive,
                                                                         sending)
        info = (scope.get("state") or {}).get("access", {})
        access_log.info(json.dumps({
            "service": self.service, "request_id": request_id, "method": scope["method"],
            "path": scope["path"], "status": status["code"],
            "ms": round((time.perf_counter() - started) * 1000, 1), **info},
            ensure_ascii=False))


def _request_id(scope: Scope) -> str:
    for name, value in scope.get("headers", []):
        if name == api.REQUEST_ID_HEADER.lower().encode():
            text = value.decode("latin-1")
            if re.fullmatch(r"[A-Za-z0-9-]{8,64}", text):
                return text
    return uuid.uuid4().hex
