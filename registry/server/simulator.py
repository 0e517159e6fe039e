"""Tests and demos only: a service whose clock and bank the client drives.

Started with ``--simulator-control``, the service lets a request carry the client's
clock (``X-Simulator-Now``: the registry decides as of that instant) and what the
simulated bank does with its new payment (``X-Simulator-Bank: behaviour;seconds``), and
accepts developer devices (every operation, no operator, no office scope;
``X-Simulator-Actor`` names who calls, for the audit and the four-eyes rule). So a test
that drives an in-process registry with a ``SettableClock`` and a scripted
``SimulatedBank`` drives the service the same way, through ``registry.connect``,
unchanged. A service without the flag ignores the headers and refuses developer
devices; it logs a warning when started with it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

from registry import api
from registry.clock import SettableClock
from registry.contract import Caller
from registry.payments import Behaviour
from registry.refusals import InvalidRequest
from registry.server.access import DeviceIdentity
from registry.service import LocalRegistry
from registry.simbank import REQUEST_BEHAVIOUR, REQUEST_CLOCK


def _instant(text: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise InvalidRequest(api.SIMULATOR_NOW_HEADER, "an ISO 8601 instant with offset")
    return moment


def _behaviour(text: str) -> tuple[Behaviour, dt.timedelta]:
    name, _, seconds = text.partition(";")
    try:
        return Behaviour(name), dt.timedelta(seconds=float(seconds or 0))
    except ValueError as exc:
        raise InvalidRequest(api.SIMULATOR_BANK_HEADER, "behaviour;seconds") from exc


def developer_caller(device: DeviceIdentity, caller: Caller,
                     headers: dict[str, str]) -> Caller:
    """A developer device calls as the actor it names (``X-Simulator-Actor``): a test's
    clerk and manager are two people to the four-eyes rule, as on the in-process
    registry. Any other device's caller stays what its certificate and session make it."""
    actor = headers.get(api.SIMULATOR_ACTOR_HEADER.lower())
    if device.role is not api.Role.DEVELOPER or not actor:
        return caller
    if len(actor) > 64 or not actor.isprintable():
        raise InvalidRequest(api.SIMULATOR_ACTOR_HEADER, "at most 64 printable characters")
    return replace(caller, actor=actor)


@contextmanager
def driven(registry: LocalRegistry, headers: dict[str, str]) -> Iterator[None]:
    """Run one request as of the client's clock, with the client's bank behaviour."""
    now = headers.get(api.SIMULATOR_NOW_HEADER.lower())
    bank = headers.get(api.SIMULATOR_BANK_HEADER.lower())
    clock = SettableClock(_instant(now)) if now else None
    if clock is not None:
        registry.clock = clock
    clock_token = REQUEST_CLOCK.set(clock)
    bank_token = REQUEST_BEHAVIOUR.set(_behaviour(bank) if bank else None)
    try:
        yield
    finally:
        REQUEST_CLOCK.reset(clock_token)
        REQUEST_BEHAVIOUR.reset(bank_token)
