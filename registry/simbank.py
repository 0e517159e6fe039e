"""SIMULATOR, not a bank: the simulated bank with its book in a database table, so that
every service process of a fleet talks to one bank.

:class:`registry.payments.SimulatedBank` keeps its payments in memory: right for one
process, wrong for a fleet, where a kiosk may start a payment through one service
process and read its outcome through another. :class:`StoredSimulatedBank` behaves the
same (same references, same behaviours, one charge per idempotency key) with its rows
in ``simulated_bank_payments``, a table of its own (not the registry's schema: a real
gateway is another company's system), created on first use in the database it is given.
Time comes from the injected clock. No money moves.
"""

from __future__ import annotations

import datetime as dt
import secrets
import threading
from collections import deque
from contextvars import ContextVar

from sqlalchemy import BigInteger, Column, Integer, MetaData, String, Table, func, select
from sqlalchemy.exc import IntegrityError

from registry.clock import Clock, SystemClock
from registry.payments import Behaviour, GatewayOutcome, GatewayStatus, PaymentGateway
from registry.refusals import GatewayUnavailable, IdempotencyConflict, NotFound
from registry.storage.database import Database
from registry.storage.types import UtcDateTime

#: Set for one request by a service started with --simulator-control: the client's clock,
#: and what the bank does with the request's new payment (tests and demos only).
REQUEST_CLOCK: ContextVar[Clock | None] = ContextVar("simbank_clock", default=None)
REQUEST_BEHAVIOUR: ContextVar[tuple[Behaviour, dt.timedelta] | None] = ContextVar(
    "simbank_behaviour", default=None)

_metadata = MetaData()
PAYMENTS = Table(
    "simulated_bank_payments", _metadata,
    Column("reference", String(64), primary_key=True),
    Column("idempotency_key", String(64), nullable=False, unique=True),
    Column("amount_rial", BigInteger, nullable=False),
    Column("behaviour", String(16), nullable=False),
    Column("started_at", UtcDateTime, nullable=False),
    Column("decides_at", UtcDateTime, nullable=False),
    Column("starts", Integer, nullable=False),
)


class StoredSimulatedBank(PaymentGateway):
    """SIMULATOR. ``script`` queues behaviours for this process's next new payments."""

    name = "simulated-bank"
    PREFIX = "SIMBANK-"

    def __init__(self, database: Database, clock: Clock | None = None, *,
                 timeout: dt.timedelta = dt.timedelta(minutes=15)) -> None:
        self._database = database
        self._clock = clock or SystemClock()
        self._timeout = timeout
        self._lock = threading.Lock()
        self._script: deque[tuple[Behaviour, dt.timedelta]] = deque()
        with database.write("create the simulated bank's table") as tx:
            tx.lock("simbank:create")          # processes starting together: one creates it
            _metadata.create_all(tx.session.connection(), checkfirst=True)

    def script(self, behaviour: Behaviour, *, delay: dt.timedelta = dt.timedelta(0),
               times: int = 1) -> StoredSimulatedBank:
        with self._lock:
            self._script.extend([(behaviour, delay)] * times)
        return self

    def _now(self) -> dt.datetime:
        return (REQUEST_CLOCK.get() or self._clock).now()

    def start(self, amount_rial: int, idempotency_key: str) -> str:
        now = self._now()
        with self._database.write("simulated bank: start") as tx:
            tx.lock(f"simbank:{idempotency_key}")
            row = tx.session.execute(select(PAYMENTS).where(
                PAYMENTS.c.idempotency_key == idempotency_key)).first()
            if row is not None:
                if row.amount_rial != amount_rial:
                    raise IdempotencyConflict()
                tx.session.execute(PAYMENTS.update().where(
                    PAYMENTS.c.reference == row.reference).values(starts=row.starts + 1))
                return str(row.reference)
            with self._lock:
                behaviour, delay = (REQUEST_BEHAVIOUR.get()
                                    or (self._script.popleft() if self._script
                                        else (Behaviour.SUCCEED, dt.timedelta(0))))
            if behaviour is Behaviour.UNREACHABLE:
                raise GatewayUnavailable(self.name, "simulated: no answer")
            reference = f"{self.PREFIX}{secrets.token_hex(6).upper()}"
            decides_at = now + (self._timeout if behaviour is Behaviour.TIME_OUT else delay)
            try:
                tx.session.execute(PAYMENTS.insert().values(
                    reference=reference, idempotency_key=idempotency_key,
                    amount_rial=amount_rial, behaviour=behaviour.value, started_at=now,
                    decides_at=decides_at, starts=1))
            except IntegrityError as exc:     # a reference collision: practically never
                raise GatewayUnavailable(self.name, "simulated: try again") from exc
            return reference

    def status(self, reference: str) -> GatewayStatus:
        with self._database.read("simulated bank: status") as session:
            row = session.execute(select(PAYMENTS).where(
                PAYMENTS.c.reference == reference)).first()
        if row is None:
            raise NotFound("payment")
        behaviour = Behaviour(row.behaviour)
        if self._now() < row.decides_at:
            return GatewayStatus(reference, GatewayOutcome.PENDING, row.amount_rial)
        if behaviour in (Behaviour.SUCCEED, Behaviour.PAY_LATE):
            trn = f"{self.PREFIX}TRN-{reference.removeprefix(self.PREFIX)}"
            return GatewayStatus(reference, GatewayOutcome.SUCCEEDED, row.amount_rial, trn)
        if behaviour is Behaviour.DECLINE:
            return GatewayStatus(reference, GatewayOutcome.DECLINED, row.amount_rial)
        return GatewayStatus(reference, GatewayOutcome.TIMED_OUT, row.amount_rial)

    def charges(self) -> dict[str, int]:
        """Idempotency key -> how many times the bank was asked to start it (audit aid)."""
        with self._database.read("simulated bank: charges") as session:
            return {str(k): int(n) for k, n in session.execute(
                select(PAYMENTS.c.idempotency_key, PAYMENTS.c.starts))}

    def payment_count(self) -> int:
        with self._database.read("simulated bank: count") as session:
            return int(session.scalar(select(func.count()).select_from(PAYMENTS)) or 0)
