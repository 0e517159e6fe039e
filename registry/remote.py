"""``RemoteRegistry``: the registry's service interface over HTTPS, for kiosks and offices.

The same :class:`registry.service.RegistryService` the faces already hold, so the kiosk,
the office app and the command line switch from the in-process registry to the
service by configuration alone (``registry.connect``). Each call is one ``POST`` of the
API table (``registry.api``) with its arguments as JSON (``registry.wire``); results
and refusals come back as the same types, refusals with their enums.

On the network:

- The device proves itself with its own key and certificate (mutual TLS) and checks the
  service's certificate against the registry's device CA; nothing else is trusted.
- Every write gets an idempotency key, made once per call and sent again on every retry:
  a timeout, a dropped connection or a service process that died mid-call is retried
  (on the next service address, if several are configured) and answered, never done
  twice. ``RequestInProgress`` (the first attempt still at work) is waited out.
- When no address answers, :class:`registry.service_errors.ServiceUnavailable` names the
  service, the operation and why (timeout, connection, tls, protocol, http-NNN); nothing
  was half-done on this side.

httpx is the HTTP client: a maintained, typed, synchronous client with connection
pooling and explicit timeouts, taking a standard ``ssl.SSLContext`` (our own CA, our
client certificate) instead of the system's trust store.
"""

from __future__ import annotations

import copy
import itertools
import json
import ssl
import threading
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx
import jdatetime

from registry import api, wire
from registry.clock import Clock, SystemClock
from registry.contract import (
    ApplicationRef,
    ApplicationView,
    AppointmentView,
    Caller,
    Hold,
    HoldRequest,
    NewApplication,
    NewOffice,
    OfficeAvailability,
    OfficeQuery,
    OfficeView,
    PaymentRequest,
    PaymentView,
    RecoveredApplication,
    RecoveryRequest,
    ScheduledAppointment,
)
from registry.devices import DEVICE_CA, DEVICE_CERT, DEVICE_KEY
from registry.errors import RegistryError
from registry.office_contract import (
    CollectionTicket,
    Completion,
    CompletionResult,
    Decision,
    DeliveryRecord,
    DeliveryResult,
    IssuedCard,
    OfficeRecord,
)
from registry.payments import SimulatedBank
from registry.service import RegistryService
from registry.service_errors import (
    AccessDenied,
    AccessRefusal,
    RequestInProgress,
    ServiceUnavailable,
)
from registry.signin import Challenge, OperatorSession, SignInProof, sign_challenge
from signing.signer import DigestSigner

SERVICE = "registry"


@dataclass(frozen=True)
class SimulatorHooks:
    """Tests and demos: send this clock's "now" with every call and this simulated bank's
    scripted behaviours with new payments, to a service run with --simulator-control."""

    clock: Clock
    bank: SimulatedBank | None = None
    actor: str | None = None       # a developer device calls as this actor (four eyes)


def client_context(certificate: Path, key: Path, ca: Path) -> ssl.SSLContext:
    """TLS for a device: trust only the registry's device CA, present our certificate."""
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=str(ca))
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(str(certificate), str(key))
    return context


class RemoteRegistry(RegistryService):
    """The registry behind one or more service addresses (tried in turn on failure)."""

    def __init__(self, urls: str | Sequence[str], *, certificate: Path, key: Path, ca: Path,
                 timeout: float = 10.0, attempts: int = 3, clock: Clock | None = None,
                 operator_session: str | None = None, in_progress_wait: float = 30.0,
                 service: str = SERVICE, simulator: SimulatorHooks | None = None) -> None:
        addresses = [u.strip().rstrip("/") for u in
                     (urls.split(",") if isinstance(urls, str) else urls) if u.strip()]
        if not addresses or not all(u.startswith("https://") for u in addresses):
            raise ValueError("a registry service address is https://host:port")
        context = client_context(certificate, key, ca)
        self.urls = addresses
        self.simulator = simulator
        self.clock = clock or (simulator.clock if simulator else SystemClock())
        self.operator_session = operator_session
        self.service = service
        self.attempts = max(attempts, len(addresses))
        self.in_progress_wait = in_progress_wait
        self._clients = [httpx.Client(base_url=u, verify=context,
                                      timeout=httpx.Timeout(timeout, connect=min(timeout, 5)))
                         for u in addresses]
        self._turn = itertools.count()
        self._lock = threading.Lock()

    @classmethod
    def from_directory(cls, urls: str | Sequence[str], directory: Path,
                       **options: Any) -> RemoteRegistry:
        """With the device credential in ``directory`` (device.crt, device.key, ca.crt)."""
        return cls(urls, certificate=directory / DEVICE_CERT, key=directory / DEVICE_KEY,
                   ca=directory / DEVICE_CA, **options)

    def with_caller(self, caller: Caller) -> RemoteRegistry:
        """Tests and demos: the same client calling as ``caller``'s actor (a developer
        device on a service with --simulator-control takes it, so the four-eyes rule sees
        two people); elsewhere the service names the caller from the device and the
        operator's session, and this is the same client. Shares the connections: close
        the original only."""
        twin = copy.copy(self)
        if self.simulator is not None:
            twin.simulator = replace(self.simulator, actor=caller.actor)
        return twin

    def close(self) -> None:
        for client in self._clients:
            client.close()

    def __repr__(self) -> str:
        return f"RemoteRegistry({self.urls!r})"

    # -- the wire ----------------------------------------------------------------------------

    def _call(self, name: str, **arguments: Any) -> Any:
        op = api.BY_NAME[name]
        body = json.dumps({k: wire.to_json(v) for k, v in arguments.items()},
                          ensure_ascii=False).encode("utf-8")
        headers = {api.REQUEST_ID_HEADER: uuid.uuid4().hex}
        if op.write:
            headers[api.IDEMPOTENCY_HEADER] = f"k-{uuid.uuid4().hex}"
        actor = self.simulator.actor if self.simulator is not None else None
        if op.role is api.Role.OFFICE and actor is None:
            if not self.operator_session:
                raise AccessDenied(AccessRefusal.OPERATOR_REQUIRED)
            headers[api.SESSION_HEADER] = self.operator_session
        if self.simulator is not None:
            headers[api.SIMULATOR_NOW_HEADER] = self.simulator.clock.now().isoformat()
            if actor is not None:
                headers[api.SIMULATOR_ACTOR_HEADER] = actor
            scripted = (self.simulator.bank.take_scripted()
                        if name == "start_payment" and self.simulator.bank else None)
            if scripted is not None:
                behaviour, delay = scripted
                headers[api.SIMULATOR_BANK_HEADER] = (f"{behaviour.value};"
                                                      f"{delay.total_seconds():g}")
        data = self._post(op.url, body, headers, name)
        return wire.from_json(op.result, data, "result")

    def _post(self, path: str, body: bytes, headers: dict[str, str], name: str) -> Any:
        with self._lock:
            start = next(self._turn)
        failure: ServiceUnavailable | None = None
        waited_until = time.monotonic() + self.in_progress_wait
        attempt = 0
        while attempt < self.attempts:
            client = self._clients[(start + attempt) % len(self._clients)]
            attempt += 1
            try:
                response = client.post(path, content=body, headers={
                    **headers, "Content-Type": "application/json"})
            except httpx.TimeoutException:
                failure = ServiceUnavailable(self.service, name, "timeout")
                continue
            except httpx.TransportError as exc:
                failure = ServiceUnavailable(self.service, name, _cause(exc))
                continue
            if response.status_code == 200:
                return _decode(response, self.service, name)
            error = _error(response, self.service, name)
            if isinstance(error, RequestInProgress) and time.monotonic() < waited_until:
                time.sleep(min(max(error.retry_after, 0.05), 1.0))
                attempt -= 1            # the same address again: it holds the answer soon
                continue
            if isinstance(error, ServiceUnavailable):
                failure = error
                continue
            raise error
        assert failure is not None
        raise failure

    # -- the operator's session --------------------------------------------------------------

    def challenge(self) -> Challenge:
        data = self._post(api.SIGN_IN_CHALLENGE, b"{}", {}, "sign-in challenge")
        return wire.from_json(Challenge, data, "challenge")   # type: ignore[no-any-return]

    def sign_in_with(self, proof: SignInProof) -> OperatorSession:
        data = self._post(api.SIGN_IN, json.dumps(wire.to_json(proof)).encode(), {}, "sign-in")
        session: OperatorSession = wire.from_json(OperatorSession, data, "session")
        self.operator_session = session.token
        return session

    def sign_in(self, signer: DigestSigner, certificate_der: bytes) -> OperatorSession:
        """Sign in the operator whose card (PIN2 verified) is ``signer``."""
        return self.sign_in_with(sign_challenge(self.challenge(), signer, certificate_der))

    def sign_out(self) -> None:
        if self.operator_session:
            self._post(api.SIGN_OUT, b"{}", {api.SESSION_HEADER: self.operator_session},
                       "sign-out")
            self.operator_session = None

    # -- RegistryService ---------------------------------------------------------------------

    def register(self, request: NewApplication) -> ApplicationView:
        return self._call("register", request=request)  # type: ignore[no-any-return]

    def application(self, ref: ApplicationRef) -> ApplicationView:
        return self._call("application", ref=ref)  # type: ignore[no-any-return]

    def recover_tracking_code(self, request: RecoveryRequest) -> RecoveredApplication:
        return self._call("recover_tracking_code",  # type: ignore[no-any-return]
                          request=request)

    def start_payment(self, request: PaymentRequest) -> PaymentView:
        return self._call("start_payment", request=request)  # type: ignore[no-any-return]

    def observe_payment(self, idempotency_key: str) -> PaymentView:
        return self._call("observe_payment",  # type: ignore[no-any-return]
                          idempotency_key=idempotency_key)

    def payment_notice(self, reference: str) -> PaymentView:
        return self._call("payment_notice", reference=reference)  # type: ignore[no-any-return]

    def list_offices(self, query: OfficeQuery) -> list[OfficeAvailability]:
        return self._call("list_offices", query=query)  # type: ignore[no-any-return]

    def hold_slot(self, request: HoldRequest) -> Hold:
        return self._call("hold_slot", request=request)  # type: ignore[no-any-return]

    def office_schedule(self, office_id: int,
                        day: jdatetime.date) -> list[ScheduledAppointment]:
        return self._call("office_schedule",  # type: ignore[no-any-return]
                          office_id=office_id, day=day)

    def mark_attended(self, appointment_id: int) -> AppointmentView:
        return self._call("mark_attended",  # type: ignore[no-any-return]
                          appointment_id=appointment_id)

    def mark_missed(self, appointment_id: int) -> AppointmentView:
        return self._call("mark_missed",  # type: ignore[no-any-return]
                          appointment_id=appointment_id)

    def complete_registration(self, completion: Completion) -> CompletionResult:
        return self._call("complete_registration",  # type: ignore[no-any-return]
                          completion=completion)

    def decide(self, decision: Decision) -> OfficeRecord:
        return self._call("decide", decision=decision)  # type: ignore[no-any-return]

    def issue_card(self, application_id: int) -> IssuedCard:
        return self._call("issue_card",  # type: ignore[no-any-return]
                          application_id=application_id)

    def card_arrived(self, application_id: int) -> OfficeRecord:
        return self._call("card_arrived",  # type: ignore[no-any-return]
                          application_id=application_id)

    def collection(self, office_id: int, national_code: str) -> CollectionTicket:
        return self._call("collection",  # type: ignore[no-any-return]
                          office_id=office_id, national_code=national_code)

    def record_delivery(self, delivery: DeliveryRecord) -> DeliveryResult:
        return self._call("record_delivery", delivery=delivery)  # type: ignore[no-any-return]

    def office_record(self, application_id: int) -> OfficeRecord:
        return self._call("office_record",  # type: ignore[no-any-return]
                          application_id=application_id)

    def void_uncollected(self) -> list[int]:
        return self._call("void_uncollected")  # type: ignore[no-any-return]

    def send_notifications(self) -> int:
        return self._call("send_notifications")  # type: ignore[no-any-return]

    def add_office(self, request: NewOffice) -> OfficeView:
        return self._call("add_office", request=request)  # type: ignore[no-any-return]


def _cause(exc: httpx.TransportError) -> str:
    text = f"{exc} {exc.__cause__ or ''} {exc.__context__ or ''}".lower()
    if "ssl" in text or "certificate" in text or "tls" in text:
        return "tls"
    if isinstance(exc, httpx.ConnectError | httpx.ReadError | httpx.WriteError
                  | httpx.RemoteProtocolError):
        return "connection"
    return "protocol"


def _decode(response: httpx.Response, service: str, name: str) -> Any:
    try:
        return response.json()
    except ValueError as exc:
        raise ServiceUnavailable(service, name, "protocol") from exc


def _error(response: httpx.Response, service: str, name: str) -> RegistryError:
    try:
        return wire.error_from_json(response.json())
    except (ValueError, wire.WireError):
        return ServiceUnavailable(service, name, f"http-{response.status_code}")
