"""Bookings per second through the registry service, 8 concurrent clients against 1.

Each client is what a kiosk does for one applicant after another: list the offices of
the city for the day, hold a place at the one with most free places, pay (the simulated
bank pays at once), read the outcome; on "slot gone", list again (up to 3 times). Demand
is 10 % above supply, so the last places are fought over. A booking counts when its
payment is APPLIED. In the same run, every office-day is counted from its rows: booked
must equal capacity exactly (no oversell, nothing unsold).

Both databases at their product durability: SQLite WAL with synchronous=FULL (a file on
local disk), PostgreSQL with fsync and synchronous_commit on (a private scratch server).
Clients are processes by default (kiosks are separate programs); ``--threads`` runs them
as threads of one process instead. ``--hold-only`` measures the contended write alone
(list, then hold; the live holds take the places). Medians over ``--runs`` fresh databases.

    python -m bench.registry_bookings [--runs 5] [--places 400] [--threads] [--hold-only]
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import statistics
import tempfile
import threading
import time
from functools import partial
from pathlib import Path
from typing import Any

import jdatetime
from sqlalchemy import func, insert, select

from citizen.national_code import national_code_check_digit
from registry.appointments import taken_places
from registry.clock import SystemClock
from registry.contract import ApplicationRef, Caller, HoldRequest, OfficeQuery, PaymentRequest
from registry.lifecycle import Status
from registry.payments import SimulatedBank
from registry.refusals import SlotGone
from registry.service import LocalRegistry
from registry.states import AppointmentState, Disposition, PaymentPurpose
from registry.storage import migrate
from registry.storage.database import Database
from registry.storage.errors import RegistryBusy
from registry.storage.models import Application, Appointment, Office
from registry.storage.scratch_postgres import ScratchPostgres
from registry.tracking import new_tracking_code

OFFICES = 8
CITY = "021"


def _day() -> jdatetime.date:
    """A week from today: open (every office opens every day), never in the past."""
    return SystemClock().today() + dt.timedelta(days=7)


def _national_code(i: int) -> str:
    first = f"{100_000_007 + i:09d}"
    return first + str(national_code_check_digit(first))


def _setup(url: str, places: int) -> list[ApplicationRef]:
    """Migrate, add offices with ``places`` in all, and registered applicants (untimed)."""
    migrate.upgrade(url)
    database = Database.open(url)
    now = SystemClock().now()
    per_office = places // OFFICES
    codes = [ApplicationRef(_national_code(i), new_tracking_code().digits)
             for i in range(int(places * 1.1))]
    with database.write("bench setup") as tx:
        tx.session.execute(insert(Office), [dict(
            code=f"B{i}", name=f"office {i}", city_prefix=CITY, address="-",
            latitude=35.7 + i / 100, longitude=51.4, daily_capacity=per_office,
            opening_days="0123456", active=True, created_at=now) for i in range(OFFICES)])
        tx.session.execute(insert(Application), [dict(
            national_code=ref.national_code, birth_date="13700101", mother_name="-",
            mobile="09120000000", birth_certificate_serial="-", gender="1", kind="first-card",
            duplicate_number=0, status=Status.REGISTERED.value,
            tracking_code=ref.tracking_code, fee_rial=600_000, created_at=now,
            registered_at=now, status_changed_at=now) for ref in codes])
    database.close()
    return codes


HOLD_ONLY = False    # set by --hold-only (module-level: spawned clients read it in args)


def _book_one(registry: LocalRegistry, code: ApplicationRef, day: jdatetime.date,
              key: str) -> bool:
    for _ in range(3):
        listed = [a for a in registry.list_offices(OfficeQuery(CITY, day)) if a.free_places]
        if not listed:
            return False
        request = HoldRequest(code, listed[0].office.office_id, day)
        try:
            _retry(partial(registry.hold_slot, request))
        except SlotGone:
            continue
        if HOLD_ONLY:
            return True
        _retry(lambda: registry.start_payment(PaymentRequest(code, PaymentPurpose.BOOKING,
                                                             key)))
        paid = _retry(lambda: registry.observe_payment(key))
        return paid.disposition is Disposition.APPLIED
    return False


def _retry(call: Any) -> Any:
    while True:
        try:
            return call()
        except RegistryBusy as busy:
            time.sleep(busy.retry_after / 10)


def _client_loop(registry: LocalRegistry, take: Any, day: jdatetime.date, name: str) -> int:
    booked = 0
    while (code := take()) is not None:
        booked += _book_one(registry, code, day, f"bench-{name}-{code.tracking_code}")
    return booked


def _client_process(url: str, index: int, codes: Any, day: jdatetime.date, ready: Any,
                    results: Any, hold_only: bool) -> None:
    global HOLD_ONLY
    HOLD_ONLY = hold_only
    registry = LocalRegistry.open(url, SimulatedBank(), caller=Caller(f"bench:{index}",
                                                                      f"bench-{index}"),
                                  pool_size=2)

    def take() -> ApplicationRef | None:
        code = codes.get()
        return code or None

    ready.wait()
    booked = _client_loop(registry, take, day, str(index))
    registry.close()
    results.put(booked)


def _run_processes(url: str, codes: list[ApplicationRef], clients: int,
                   day: jdatetime.date) -> tuple[int, float]:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    for code in codes:
        queue.put(code)
    for _ in range(clients):
        queue.put(None)                            # one stop mark per client
    ready, results = context.Barrier(clients + 1), context.Queue()
    workers = [context.Process(target=_client_process, args=(url, i, queue, day, ready,
                                                             results, HOLD_ONLY))
               for i in range(clients)]
    for worker in workers:
        worker.start()
    ready.wait()
    started = time.perf_counter()
    booked = sum(results.get() for _ in workers)
    elapsed = time.perf_counter() - started
    for worker in workers:
        worker.join()
    return booked, elapsed


def _run_threads(url: str, codes: list[ApplicationRef], clients: int,
                 day: jdatetime.date) -> tuple[int, float]:
    registry = LocalRegistry.open(url, SimulatedBank(), caller=Caller("bench", "bench"),
                                  pool_size=clients)
    pending, lock, counts = list(reversed(codes)), threading.Lock(), [0] * clients

    def take() -> ApplicationRef | None:
        with lock:
            return pending.pop() if pending else None

    def client(i: int) -> None:
        counts[i] = _client_loop(registry, take, day, str(i))

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    registry.close()
    return sum(counts), elapsed


def _check(url: str, jday: jdatetime.date) -> tuple[int, int, int]:
    """(oversold office-days, places taken, booked rows), counted from the rows themselves."""
    day = jday.togregorian()
    database = Database.open(url)
    with database.read("check") as session:
        offices = session.scalars(select(Office)).all()
        booked = dict(session.execute(
            select(Appointment.office_id, func.count()).where(
                Appointment.day == day, Appointment.state == AppointmentState.BOOKED.value)
            .group_by(Appointment.office_id)).all())
        taken = taken_places(session, [o.id for o in offices], day, SystemClock().now())
    database.close()
    oversold = sum(1 for o in offices if booked.get(o.id, 0) > o.daily_capacity
                   or taken.get(o.id, 0) > o.daily_capacity)
    return oversold, sum(taken.values()), sum(booked.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--places", type=int, default=400)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--threads", action="store_true", help="clients as threads")
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--hold-only", action="store_true", help="measure holds alone")
    args = parser.parse_args()
    global HOLD_ONLY
    HOLD_ONLY = args.hold_only
    places = args.places // OFFICES * OFFICES
    day = _day()
    run = _run_threads if args.threads else _run_processes
    work = Path(tempfile.mkdtemp(prefix="nidkiosk-bench-registry-"))
    print(f"{places} places at {OFFICES} offices, {int(places * 1.1)} applicants, "
          f"clients as {'threads' if args.threads else 'processes'}, {args.runs} runs each, "
          f"{'holds only' if args.hold_only else 'full bookings (list, hold, pay, confirm)'}")
    server = ScratchPostgres.start(durable=True) if args.only != "sqlite" else None
    backends = [b for b in ("sqlite", "postgresql") if args.only in (None, b)]
    try:
        for backend in backends:
            for clients in (1, args.clients):
                rates, total_oversold = [], 0
                for r in range(args.runs):
                    name = f"bench_{clients}_{r}"
                    url = (f"sqlite:///{work / name}.sqlite3" if backend == "sqlite"
                           else server.create_database(name))  # type: ignore[union-attr]
                    codes = _setup(url, places)
                    booked, elapsed = run(url, codes, clients, day)
                    oversold, taken, rows = _check(url, day)
                    assert taken == booked == places, (taken, booked, places)
                    assert rows == (0 if args.hold_only else places), rows
                    total_oversold += oversold
                    rates.append(booked / elapsed)
                print(f"{backend:10s} {clients} client{'s' if clients > 1 else ' '}: "
                      f"{statistics.median(rates):7.1f} bookings/s median "
                      f"(min {min(rates):.1f}, max {max(rates):.1f}); "
                      f"oversold office-days: {total_oversold}; "
                      f"every place sold in every run")
    finally:
        if server is not None:
            server.stop()


if __name__ == "__main__":
    main()
