"""How the kiosk reaches the registry: one :class:`RegistryService` per caller, opened on
first use, on the worker thread.

The kiosk's own services (eligibility to status) call as the kiosk; office mode calls as
the operator who entered their code, so the registry's audit names them and its four-eyes
rule can tell the clerk who completed a registration from the manager who decides on it.
Everything above this module sees the :class:`RegistryService` interface only.

The registry is opened through :func:`registry.connect.open_registry`, so one setting
chooses: the URL from the settings, else ``$NIDKIOSK_REGISTRY_URL``, else the SQLite file
in the data directory (migrated on first use exactly as the command line does it). An
``https://`` address gives the registry service with this device's credential; its bank,
clock, factory and SMS sender are the service's, except that a service run with
``--simulator-control`` (tests, demos) takes this kiosk's clock, bank script and
operators from the client. In process, simulator mode gives the registry the SIMULATED
card factory and SMS outbox; the simulated bank is kept here either way, so the
developer panel can make its next payment fail.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from registry.clock import Clock, SystemClock
from registry.connect import is_remote, open_registry
from registry.contract import Caller, GeoPoint, NewOffice, OfficeQuery
from registry.payments import SimulatedBank
from registry.remote import RemoteRegistry
from registry.service import LocalRegistry, RegistryService
from registry.storage.errors import StorageUnavailable

logger = logging.getLogger("nidkiosk.ui")

DEMO_OFFICES = (  # SIMULATOR: the offices a demo registry starts with (Tehran, 021)
    ("DEMO-1", "دفتر پیشخوان خدمات دولت ۱۲۳۴", "تهران، میدان ولیعصر، پلاک ۱۲",
     GeoPoint(35.7153, 51.4045), 12),
    ("DEMO-2", "دفتر پیشخوان خدمات دولت ۲۰۷", "تهران، خیابان آزادی، پلاک ۴۸۰",
     GeoPoint(35.7000, 51.3380), 30),
    ("DEMO-3", "دفتر پیشخوان خدمات دولت ۵۵۱", "تهران، تجریش، خیابان شهرداری",
     GeoPoint(35.8040, 51.4330), 4),
)
DEMO_CITY = "021"


class RegistryAccess:
    """Opens the registry once and hands out a service per caller (call on the worker)."""

    def __init__(self, url: str | None, kiosk_id: str, *, clock: Clock | None = None,
                 simulator: Any = None, lock_timeout: float = 3.0, **parts: Any) -> None:
        """``parts`` go to the local registry as they are (rules, limits: tests, demos)."""
        self.url = url
        self.kiosk_id = kiosk_id
        self.clock: Clock = clock or SystemClock()
        self.bank: SimulatedBank | None = None
        self.demo_office_id: int | None = None   # simulator: the office this kiosk serves
        self._simulator = simulator          # a SimulatorRig: SIMULATED factory and SMS
        self._lock_timeout = lock_timeout
        self._parts = parts
        self._base: LocalRegistry | RemoteRegistry | None = None
        self._base_caller: Caller | None = None
        self._services: dict[Caller, RegistryService] = {}
        self._lock = threading.Lock()

    def caller(self, operator: str | None = None) -> Caller:
        client = f"kiosk:{self.kiosk_id}"[:64]
        actor = client if operator is None else f"office:{self.kiosk_id}:{operator}"
        return Caller(actor[:64], client)

    def service(self, operator: str | None = None) -> RegistryService:
        """The registry as the kiosk (``operator`` None) or as that operator; opened now
        if it is not yet (StorageUnavailable, SchemaError... when it cannot be)."""
        caller = self.caller(operator)
        with self._lock:
            if caller not in self._services:
                base = self._open()
                self._services[caller] = base if caller == self._base_caller \
                    else base.with_caller(caller)
            return self._services[caller]

    def _open(self) -> LocalRegistry | RemoteRegistry:
        if self._base is not None:
            return self._base
        parts: dict[str, Any] = {"lock_timeout": self._lock_timeout, **self._parts}
        self.bank = SimulatedBank(self.clock)
        if self._simulator is not None and not is_remote(self.url):
            from kiosk import paths
            from simulators.card_factory import SimulatedCardFactory
            from simulators.sms import SimulatedSms

            parts["cards"] = SimulatedCardFactory(self._simulator.pki)
            parts["notifier"] = SimulatedSms(paths.run_dir() / "sms-outbox.jsonl")
        caller = self.caller()
        try:
            if not is_remote(self.url):
                from kiosk.cli.registry_common import prepare_default_database

                prepare_default_database(self.url)
            base = open_registry(self.url, self.bank, caller=caller, clock=self.clock,
                                 **parts)
        except (ValueError, OSError) as exc:   # not a URL it can run on; no credential
            raise StorageUnavailable("open the registry", type(exc).__name__) from exc
        assert isinstance(base, (LocalRegistry, RemoteRegistry))
        if self._simulator is not None:
            try:
                self.demo_office_id = ensure_demo_offices(base, self.clock)
            except BaseException:
                base.close()
                raise
        self._base, self._base_caller = base, caller
        logger.info("registry opened (%s)", "default" if self.url is None else "configured")
        return self._base

    def close(self) -> None:
        with self._lock:
            base, self._base, self._base_caller = self._base, None, None
            self._services.clear()
        if base is not None:
            base.close()


def ensure_demo_offices(service: RegistryService, clock: Clock) -> int:
    """SIMULATOR: the demo offices exist (added on first use); the id of the first, which
    the kiosk belongs to in simulator mode."""
    listed = service.list_offices(OfficeQuery(DEMO_CITY, clock.today()))
    by_code = {a.office.code: a.office.office_id for a in listed}
    for code, name, address, location, capacity in DEMO_OFFICES:
        if code not in by_code:
            view = service.add_office(NewOffice(code, name, DEMO_CITY, address, location,
                                                capacity, frozenset(range(7))))
            by_code[code] = view.office_id
    return by_code[DEMO_OFFICES[0][0]]
