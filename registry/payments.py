"""The payment-gateway seam, and a simulated bank behind it for tests and demos.

A gateway starts a payment for an amount under an idempotency key and gives back its
reference; the outcome arrives later, pushed to subscribers (the bank's callback) or
read by polling. Starting again with the same key returns the same reference and never
charges twice. Real gateways (Shaparak PSPs) plug in behind the same two calls.
"""

from __future__ import annotations

import datetime as dt
import itertools
import secrets
import threading
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from registry.clock import Clock, SystemClock
from registry.refusals import GatewayUnavailable, IdempotencyConflict, NotFound


class GatewayOutcome(StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    DECLINED = "declined"
    TIMED_OUT = "timed-out"


@dataclass(frozen=True)
class GatewayStatus:
    """What the gateway says about one payment."""

    reference: str
    outcome: GatewayOutcome
    amount_rial: int
    bank_reference: str | None = None    # the bank's own tracking number, on success


Subscriber = Callable[[GatewayStatus], None]


class PaymentGateway(ABC):
    """Where money is taken. ``name`` is stored with every payment."""

    name: str

    @abstractmethod
    def start(self, amount_rial: int, idempotency_key: str) -> str:
        """Open a payment and return its reference; same key, same reference, one charge.

        Raises GatewayUnavailable when the gateway cannot be reached (retry with the same
        key), IdempotencyConflict when the key was used for another amount.
        """

    @abstractmethod
    def status(self, reference: str) -> GatewayStatus:
        """The payment's outcome so far (PENDING until the bank has decided)."""

    def subscribe(self, subscriber: Subscriber) -> None:
        """Have final outcomes pushed to ``subscriber`` (optional: polling always works)."""


class Behaviour(StrEnum):
    """What the simulated bank does with the next new payment."""

    SUCCEED = "succeed"          # pays at once
    DECLINE = "decline"          # refuses at once (insufficient funds, wrong PIN, ...)
    TIME_OUT = "time-out"        # stays pending, then the bank session expires unpaid
    PAY_LATE = "pay-late"        # stays pending, then pays (after a hold may have lapsed)
    UNREACHABLE = "unreachable"  # the gateway does not answer the start at all


@dataclass
class _SimPayment:
    reference: str
    key: str
    amount_rial: int
    behaviour: Behaviour
    started_at: dt.datetime
    decides_at: dt.datetime
    notified: bool = False


class SimulatedBank(PaymentGateway):
    """SIMULATOR, not a bank: no money moves. Every reference starts with ``SIMBANK-``.

    Driven by a script of behaviours, one consumed per new payment (idempotent retries
    consume none); an empty script means SUCCEED. Time comes from the injected clock, so
    "late" is whatever the test makes it. Callbacks are delivered when the test calls
    :meth:`deliver_due`, as a real bank's would arrive whenever it pleases.
    """

    name = "simulated-bank"
    PREFIX = "SIMBANK-"

    def __init__(self, clock: Clock | None = None, *,
                 timeout: dt.timedelta = dt.timedelta(minutes=15)) -> None:
        self._clock = clock or SystemClock()
        self._timeout = timeout
        self._lock = threading.Lock()
        self._script: deque[tuple[Behaviour, dt.timedelta]] = deque()
        self._by_key: dict[str, _SimPayment] = {}
        self._by_reference: dict[str, _SimPayment] = {}
        self._subscribers: list[Subscriber] = []
        self._numbers = itertools.count(1)
        self.starts = 0              # every start call, retries included

    # -- the test's controls ---------------------------------------------------------------

    def script(self, behaviour: Behaviour, *, delay: dt.timedelta = dt.timedelta(0),
               times: int = 1) -> SimulatedBank:
        """Queue what the next ``times`` new payments do; ``delay`` for PAY_LATE."""
        with self._lock:
            self._script.extend([(behaviour, delay)] * times)
        return self

    def take_scripted(self) -> tuple[Behaviour, dt.timedelta] | None:
        """The next scripted behaviour, taken off the script (None when it is empty): a
        networked registry's client hands it to the service's simulated bank."""
        with self._lock:
            return self._script.popleft() if self._script else None

    def charges(self, idempotency_key: str) -> int:
        """How many times money was taken under this key (never more than 1)."""
        with self._lock:
            payment = self._by_key.get(idempotency_key)
        if payment is None:
            return 0
        return 1 if self.status(payment.reference).outcome is GatewayOutcome.SUCCEEDED else 0

    def deliver_due(self) -> list[GatewayStatus]:
        """Push every outcome decided by now and not yet delivered; return those delivered.

        A subscriber that raises (its side was busy, or had not recorded the reference
        yet) leaves the outcome undelivered, to be pushed again on the next call, as a
        bank retries a callback that was not acknowledged.
        """
        with self._lock:
            candidates = [p for p in self._by_reference.values() if not p.notified]
        delivered: list[GatewayStatus] = []
        for payment in candidates:
            status = self.status(payment.reference)
            if status.outcome is GatewayOutcome.PENDING:
                continue
            with self._lock:
                if payment.notified:
                    continue          # another thread is delivering it
                payment.notified = True
            try:
                for subscriber in list(self._subscribers):
                    subscriber(status)
            except Exception:  # noqa: BLE001 - an unacknowledged callback is retried later
                with self._lock:
                    payment.notified = False
                continue
            delivered.append(status)
        return delivered

    def redeliver(self, reference: str) -> GatewayStatus:
        """Push one outcome again, as banks do when they did not hear an acknowledgement."""
        status = self.status(reference)
        for subscriber in list(self._subscribers):
            subscriber(status)
        return status

    # -- the gateway -------------------------------------------------------------------------

    def start(self, amount_rial: int, idempotency_key: str) -> str:
        now = self._clock.now()
        with self._lock:
            self.starts += 1
            existing = self._by_key.get(idempotency_key)
            if existing is not None:
                if existing.amount_rial != amount_rial:
                    raise IdempotencyConflict()
                return existing.reference
            behaviour, delay = self._script.popleft() if self._script else (Behaviour.SUCCEED,
                                                                            dt.timedelta(0))
            if behaviour is Behaviour.UNREACHABLE:
                raise GatewayUnavailable(self.name, "simulated: no answer")
            reference = f"{self.PREFIX}{next(self._numbers):08d}-{secrets.token_hex(4)}"
            decides_at = now + (self._timeout if behaviour is Behaviour.TIME_OUT else delay)
            payment = _SimPayment(reference, idempotency_key, amount_rial, behaviour, now,
                                  decides_at)
            self._by_key[idempotency_key] = payment
            self._by_reference[reference] = payment
            return reference

    def status(self, reference: str) -> GatewayStatus:
        with self._lock:
            payment = self._by_reference.get(reference)
        if payment is None:
            raise NotFound("payment")
        if self._clock.now() < payment.decides_at:
            return GatewayStatus(reference, GatewayOutcome.PENDING, payment.amount_rial)
        if payment.behaviour in (Behaviour.SUCCEED, Behaviour.PAY_LATE):
            trn = f"{self.PREFIX}TRN-{reference.removeprefix(self.PREFIX)}"
            return GatewayStatus(reference, GatewayOutcome.SUCCEEDED, payment.amount_rial, trn)
        if payment.behaviour is Behaviour.DECLINE:
            return GatewayStatus(reference, GatewayOutcome.DECLINED, payment.amount_rial)
        return GatewayStatus(reference, GatewayOutcome.TIMED_OUT, payment.amount_rial)

    def subscribe(self, subscriber: Subscriber) -> None:
        with self._lock:
            self._subscribers.append(subscriber)
