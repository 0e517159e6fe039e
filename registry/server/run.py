"""Serve the registry with uvicorn on mutual TLS: one process, any number side by side.

The TLS layer asks every client for a certificate and checks any it is given against
the device CA (``CERT_OPTIONAL``: the health endpoints and the schema answer without
one, everything under ``/v1`` refuses without one). Uvicorn does not pass the peer's
certificate to the application, so :class:`PeerCertificateProtocol` (its h11 protocol,
one method longer) puts the DER into every request's ``scope["state"]``.

Logs: the access log (``nidkiosk.registry.access``) is one JSON line per request on
stderr; uvicorn's own access log is off (it would print query strings).
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import sys
from dataclasses import dataclass
from pathlib import Path

import uvicorn
from cryptography import x509
from uvicorn.protocols.http.h11_impl import H11Protocol

from registry.cards import CardProducer
from registry.clock import Clock, SystemClock
from registry.contract import Caller  # replaced per request (with_caller)
from registry.notify import Notifier
from registry.payments import PaymentGateway
from registry.server.app import PEER_CERTIFICATE, ServiceParts, create_app
from registry.server.limits import LookupLimits
from registry.server.signin import NationalTrust
from registry.service import LocalRegistry
from registry.simbank import StoredSimulatedBank
from registry.storage.database import Database


class PeerCertificateProtocol(H11Protocol):
    """Uvicorn's h11 protocol, with the client's certificate in each request's state."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        ssl_object = transport.get_extra_info("ssl_object")
        peer = ssl_object.getpeercert(binary_form=True) if ssl_object is not None else None
        self.app_state = {**self.app_state, PEER_CERTIFICATE: peer}


@dataclass(frozen=True)
class Tls:
    certificate: Path          # this service's certificate (role server) ...
    key: Path                  # ... and its key
    device_ca: Path            # the device CA's certificate: whom to accept


@dataclass(frozen=True)
class NationalCa:
    anchors: Path              # PEM: the national signature CA certificate(s)
    crls: tuple[Path, ...]     # PEM or DER CRLs, re-read when their files change


class _CrlFiles:
    def __init__(self, paths: tuple[Path, ...]) -> None:
        self.paths = paths
        self._cache: dict[Path, tuple[float, x509.CertificateRevocationList]] = {}

    def __call__(self) -> list[x509.CertificateRevocationList]:
        found = []
        for path in self.paths:
            try:
                stamp = path.stat().st_mtime
            except OSError:
                continue
            cached = self._cache.get(path)
            if cached is None or cached[0] != stamp:
                data = path.read_bytes()
                crl = (x509.load_pem_x509_crl(data) if data.startswith(b"-----")
                       else x509.load_der_x509_crl(data))
                cached = (stamp, crl)
                self._cache[path] = cached
            found.append(cached[1])
        return found


def national_trust(national: NationalCa | None) -> NationalTrust | None:
    if national is None:
        return None
    anchors = x509.load_pem_x509_certificates(national.anchors.read_bytes())
    return NationalTrust(anchors, _CrlFiles(national.crls))


def open_service(url: str, *, national: NationalCa | None = None,
                 clock: Clock | None = None, gateway: PaymentGateway | None = None,
                 name: str = "registry", lease: float = 10.0, fault: str | None = None,
                 lookup_limits: LookupLimits | None = None, cards: CardProducer | None = None,
                 notifier: Notifier | None = None, pool_size: int = 10,
                 simulator_control: bool = False) -> ServiceParts:
    """The parts of one service process over the database at ``url`` (schema current).

    The payment gateway defaults to the SIMULATED bank with its book in the same
    database, shared by every process of the fleet.
    """
    clock = clock or SystemClock()
    if gateway is None:
        bank_database = Database.open(url, pool_size=2)
        gateway = StoredSimulatedBank(bank_database, clock)
    registry = LocalRegistry.open(url, gateway, caller=Caller("service", "service"), clock=clock,
                                  cards=cards, notifier=notifier, pool_size=pool_size)
    if simulator_control:
        logging.getLogger("nidkiosk.registry.service").warning(
            "SIMULATOR CONTROL: clients set this service's clock and bank, developer devices "
            "may do everything. Tests and demos only.")
    return ServiceParts(registry, national_trust(national),
                        lookup_limits or LookupLimits(), lease, name=name, fault=fault,
                        simulator_control=simulator_control)


def ssl_context(tls: Tls) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(str(tls.certificate), str(tls.key))
    context.load_verify_locations(str(tls.device_ca))
    context.verify_mode = ssl.CERT_OPTIONAL
    return context


def configure_logging(level: int = logging.INFO) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    for name in ("nidkiosk.registry.access", "nidkiosk.registry.service"):
        log = logging.getLogger(name)
        log.handlers[:] = [handler]
        log.setLevel(level)
        log.propagate = False


def serve(parts: ServiceParts, tls: Tls, host: str, port: int, *,
          ready_file: Path | None = None) -> None:
    """Serve until SIGINT/SIGTERM; writes ``ready_file`` (the port) once listening."""
    config = uvicorn.Config(
        create_app(parts), host=host, port=port, http=PeerCertificateProtocol,
        ssl_context_factory=lambda _config, _default: ssl_context(tls),
        access_log=False, log_level="warning", lifespan="off", server_header=False,
        timeout_keep_alive=30)
    server = uvicorn.Server(config)

    async def run() -> None:
        task = asyncio.create_task(server.serve())
        while not server.started:
            if task.done():
                await task
                return
            await asyncio.sleep(0.02)
        if ready_file is not None:
            sockets = [s for srv in server.servers for s in srv.sockets]
            ready_file.write_text(str(sockets[0].getsockname()[1]))
        await task

    try:
        asyncio.run(run())
    finally:
        parts.registry.close()
