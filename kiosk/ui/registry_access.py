"""How the kiosk reaches the registry: one :class:`RegistryService` per caller, opened on
first use, on the worker thread.

The kiosk's own services (eligibility to status) call as the kiosk; office mode calls as
the operator who entered their code, so the registry's audit names them and its four-eyes
rule can tell the clerk who completed a registration from the manager who decides on it.
Everything above this module sees the :class:`RegistryService` interface only: a
networked registry client can take :class:`LocalRegistry`'s place here without a change
anywhere else.

The URL comes from the settings: None means ``$NIDKIOSK_REGISTRY_URL``, else the SQLite
file in the data directory, migrated on first use exactly as the command line does it
(``kiosk.cli.registry_common.open_local_registry``). In simulator mode the registry gets
the SIMULATED card factory and SMS outbox, and the simulated bank is kept here so the
developer panel can make its next payment fail.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from registry.clock import Clock, SystemClock
from registry.contract import Caller, GeoPoint, NewOffice, OfficeQuery
from registry.payments import SimulatedBank
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
        self._base: LocalRegistry | None = None
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
                self._services[caller] = base if base.caller == caller \
                    else base.with_caller(caller)
            return self._services[caller]

    def _open(self) -> LocalRegistry:
        if self._base is not None:
            return self._base
        if self.url and "://" in self.url and self.url.split("://")[0] in ("http", "https"):
            # the networked registry's client plugs in here (it implements RegistryService)
            raise StorageUnavailable("open the registry", "no networked registry client")
        from kiosk.cli.registry_common import open_local_registry

        parts: dict[str, Any] = {"clock": self.clock, "lock_timeout": self._lock_timeout,
                                 **self._parts}
        self.bank = SimulatedBank(self.clock)
        parts["gateway"] = self.bank
        if self._simulator is not None:
            from kiosk import paths
            from simulators.card_factory import SimulatedCardFactory
            from simulators.sms import SimulatedSms

            parts["cards"] = SimulatedCardFactory(self._simulator.pki)
            parts["notifier"] = SimulatedSms(paths.run_dir() / "sms-outbox.jsonl")
        try:
            base = open_local_registry(self.url, self.caller(), **parts)
        except ValueError as exc:          # not a URL the registry can run on
            raise StorageUnavailable("open the registry", type(exc).__name__) from exc
        if self._simulator is not None:
            try:
                self.demo_office_id = ensure_demo_offices(base, self.clock)
            except BaseException:
                base.close()
                raise
        self._base = base
        logger.info("registry opened (%s)", "default" if self.url is None else "configured")
        return self._base

    def close(self) -> None:
        with self._lock:
            base, self._base = self._base, None
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
