"""Open the registry a face should use: one setting chooses in-process or the service.

``open_registry`` takes what :meth:`registry.service.LocalRegistry.open` takes and
returns a :class:`registry.service.RegistryService`:

- a database URL (``sqlite:///...``, ``postgresql+psycopg://...``), or none at all (the
  SQLite file in the data directory, the default of ``make run``): the in-process
  :class:`LocalRegistry`, with the gateway, clock and parts given;
- an ``https://`` address (several, comma-separated, for a fleet of service processes):
  a :class:`registry.remote.RemoteRegistry` with this device's credential from
  ``$NIDKIOSK_DEVICE_DIR`` (default ``$NIDKIOSK_HOME/device``: ``device.crt``,
  ``device.key``, ``ca.crt``). The service has its own bank, clock, factory and SMS
  sender; the parts given here are for the in-process registry only.

Tests and demos: with ``$NIDKIOSK_REGISTRY_SIMULATOR=1`` and a service started with
``--simulator-control``, the clock given here drives the service's registry and a
``SimulatedBank`` given here scripts the service's bank (``registry.server.simulator``):
a test written against the in-process registry runs against the service unchanged, with
a developer device's credential in the device directory.

The address comes from the argument, else ``$NIDKIOSK_REGISTRY_URL``: the kiosk, the
office app and the command line change nothing else to move to the service.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from kiosk import paths
from registry.clock import Clock
from registry.contract import Caller
from registry.payments import PaymentGateway, SimulatedBank
from registry.remote import RemoteRegistry, SimulatorHooks
from registry.service import LocalRegistry, RegistryService
from registry.storage.engine import URL_VARIABLE

DEVICE_DIR_VARIABLE = "NIDKIOSK_DEVICE_DIR"
SESSION_VARIABLE = "NIDKIOSK_OPERATOR_SESSION"
SIMULATOR_VARIABLE = "NIDKIOSK_REGISTRY_SIMULATOR"   # "1": tests and demos, see below


def configured_url(url: str | None = None) -> str | None:
    return url or os.environ.get(URL_VARIABLE) or None


def is_remote(url: str | None = None) -> bool:
    target = configured_url(url)
    return bool(target) and str(target).startswith("https://")


def device_dir() -> Path:
    configured = os.environ.get(DEVICE_DIR_VARIABLE)
    return Path(configured) if configured else paths.home() / "device"


def open_registry(url: str | None = None, gateway: PaymentGateway | None = None, *,
                  caller: Caller, clock: Clock | None = None,
                  operator_session: str | None = None, **parts: Any) -> RegistryService:
    """The registry behind ``url`` (see the module's docstring)."""
    target = configured_url(url)
    if target and target.startswith("https://"):
        hooks = None
        if os.environ.get(SIMULATOR_VARIABLE) == "1" and clock is not None:
            hooks = SimulatorHooks(clock, gateway if isinstance(gateway, SimulatedBank)
                                   else None)
        return RemoteRegistry.from_directory(
            target, device_dir(), clock=clock, simulator=hooks,
            operator_session=operator_session or os.environ.get(SESSION_VARIABLE))
    return LocalRegistry.open(url, gateway or SimulatedBank(clock), caller=caller,
                              clock=clock, **parts)
