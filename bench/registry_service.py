"""Simulated kiosks booking, paying and recovering codes through the registry service.

In one run, over one PostgreSQL (a private scratch server, fsync on):

1. **in-process** (the baseline): ``--kiosks`` processes, each with its own
   ``LocalRegistry`` on the database, as kiosks holding database credentials would;
2. **service**: ``--services`` ``nidkiosk registry serve`` processes on loopback
   (mutual TLS, each kiosk its own device certificate), and the same number of kiosk
   processes, each with a ``RemoteRegistry`` over every service address.

Each kiosk serves one applicant after another, as bench/registry_bookings does: every
``--recover-every``-th applicant first recovers their tracking code (national code +
birth date), then list the city's offices for the day, hold a place at the one with
most free places, pay (the simulated bank, its book in the same database so every
process sees one bank), read the outcome; on "slot gone", list again (3 times at most).
Demand is 10 % above supply. Both phases use the same gateway (the stored simulated
bank), fresh databases, the same applicants.

Figures: bookings per second (applied booking payments over the wall time of the
phase) and the latency of one whole booking (list + hold + pay + observe), p50 and p99,
and of a recovery. Checked at the end of each phase, from the rows: no office-day
oversold, every place sold, no application charged twice for its booking, and every
bank charge belonging to exactly one registry payment.

    python -m bench.registry_service [--kiosks 8] [--services 2] [--places 400]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import queue as queue_module
import shutil
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path
from typing import Any

import jdatetime
from sqlalchemy import func, select

from bench.registry_bookings import CITY, OFFICES, _check, _day, _setup
from registry.api import Role
from registry.contract import (
    ApplicationRef,
    Caller,
    HoldRequest,
    OfficeQuery,
    PaymentRequest,
    RecoveryRequest,
)
from registry.devices import DeviceAuthority
from registry.recovery import RecoveryLimits
from registry.refusals import SlotGone
from registry.remote import RemoteRegistry
from registry.service import LocalRegistry, RegistryService
from registry.simbank import PAYMENTS, StoredSimulatedBank
from registry.states import Disposition, PaymentPurpose, PaymentState
from registry.storage.database import Database
from registry.storage.errors import RegistryBusy
from registry.storage.models import Payment
from registry.storage.scratch_postgres import ScratchPostgres

BIRTH_DATE = jdatetime.date(1370, 1, 1)       # bench.registry_bookings registers everyone so


def _retry(call: Any) -> Any:
    while True:
        try:
            return call()
        except RegistryBusy as busy:
            time.sleep(busy.retry_after / 10)


def _book(registry: RegistryService, code: ApplicationRef, day: jdatetime.date,
          key: str) -> bool:
    for _ in range(3):
        listed = [a for a in _retry(partial(registry.list_offices, OfficeQuery(CITY, day)))
                  if a.free_places]
        if not listed:
            return False
        try:
            _retry(partial(registry.hold_slot, HoldRequest(code, listed[0].office.office_id,
                                                           day)))
        except SlotGone:
            continue
        _retry(partial(registry.start_payment,
                       PaymentRequest(code, PaymentPurpose.BOOKING, key)))
        paid = _retry(partial(registry.observe_payment, key))
        return paid.disposition is Disposition.APPLIED
    return False


def _kiosk(registry: RegistryService, codes: Any, day: jdatetime.date, name: str,
           recover_every: int) -> dict[str, Any]:
    booked, bookings, recoveries, served = 0, [], [], 0
    while (code := codes.get()) is not None:
        served += 1
        if recover_every and served % recover_every == 0:
            started = time.perf_counter()
            found = _retry(partial(registry.recover_tracking_code,
                                   RecoveryRequest(code.national_code, BIRTH_DATE)))
            recoveries.append(time.perf_counter() - started)
            assert found.tracking_code == code.tracking_code
        started = time.perf_counter()
        ok = _book(registry, code, day, f"bench-{name}-{code.tracking_code}")
        if ok:
            bookings.append(time.perf_counter() - started)
        booked += ok
    return {"booked": booked, "bookings": bookings, "recoveries": recoveries}


def _local_kiosk(url: str, index: int, codes: Any, day: jdatetime.date, ready: Any,
                 results: Any, recover_every: int) -> None:
    bank = StoredSimulatedBank(Database.open(url, pool_size=1))
    registry = LocalRegistry.open(url, bank, caller=Caller(f"bench:{index}", f"bench-{index}"),
                                  pool_size=2)
    ready.wait()
    results.put(_kiosk(registry, codes, day, f"local{index}", recover_every))
    registry.close()


def _remote_kiosk(urls: list[str], device: str, index: int, codes: Any, day: jdatetime.date,
                  ready: Any, results: Any, recover_every: int) -> None:
    registry = RemoteRegistry.from_directory(urls, Path(device), timeout=30.0)
    ready.wait()
    results.put(_kiosk(registry, codes, day, f"remote{index}", recover_every))
    registry.close()


def _phase(target: Any, args_of: Any, codes: list[ApplicationRef], kiosks: int,
           day: jdatetime.date, recover_every: int) -> tuple[list[dict[str, Any]], float]:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    for code in codes:
        queue.put(code)
    for _ in range(kiosks):
        queue.put(None)                            # one stop mark per kiosk
    ready, results = context.Barrier(kiosks + 1), context.Queue()
    workers = [context.Process(target=target, args=(*args_of(i), i, queue, day, ready,
                                                    results, recover_every))
               for i in range(kiosks)]
    for worker in workers:
        worker.start()
    ready.wait()
    started = time.perf_counter()
    answers: list[dict[str, Any]] = []
    while len(answers) < len(workers):
        try:
            answers.append(results.get(timeout=1.0))
        except queue_module.Empty:
            failed = [w for w in workers if w.exitcode not in (None, 0)]
            if failed:
                for worker in workers:
                    worker.terminate()
                raise RuntimeError(f"{len(failed)} kiosk process(es) failed") from None
    elapsed = time.perf_counter() - started
    for worker in workers:
        worker.join()
    return answers, elapsed


def _double_charges(url: str) -> tuple[int, int]:
    """(applications charged more than once for their booking, bank charges without one
    registry payment), from the rows."""
    database = Database.open(url, pool_size=1)
    with database.read("check charges") as session:
        charged = session.execute(
            select(Payment.application_id, func.count()).join(
                PAYMENTS, PAYMENTS.c.idempotency_key == Payment.idempotency_key)
            .where(Payment.purpose == PaymentPurpose.BOOKING.value,
                   Payment.state == PaymentState.SUCCEEDED.value)
            .group_by(Payment.application_id)).all()
        twice = sum(1 for _, n in charged if n > 1)
        bank_keys = set(session.scalars(select(PAYMENTS.c.idempotency_key)))
        ours = set(session.scalars(select(Payment.idempotency_key)))
    database.close()
    return twice, len(bank_keys - ours)


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] * 1000


def _report(name: str, answers: list[dict[str, Any]], elapsed: float, url: str,
            places: int, day: jdatetime.date) -> dict[str, Any]:
    booked = sum(a["booked"] for a in answers)
    bookings = [t for a in answers for t in a["bookings"]]
    recoveries = [t for a in answers for t in a["recoveries"]]
    oversold, taken, rows = _check(url, day)
    twice, stray = _double_charges(url)
    assert taken == booked == rows == places, (name, taken, booked, rows, places)
    assert oversold == 0 and twice == 0 and stray == 0, (oversold, twice, stray)
    figures = {"phase": name, "rate": booked / elapsed, "p50": _percentile(bookings, 0.5),
               "p99": _percentile(bookings, 0.99), "recover_p50": _percentile(recoveries, 0.5),
               "recover_p99": _percentile(recoveries, 0.99), "recoveries": len(recoveries),
               "oversold": oversold, "double": twice}
    print(f"{name:28s} {figures['rate']:6.1f} bookings/s   booking p50 {figures['p50']:6.1f} ms"
          f"  p99 {figures['p99']:6.1f} ms   recovery p50 {figures['recover_p50']:5.1f} ms"
          f"  p99 {figures['recover_p99']:6.1f} ms ({len(recoveries)})   oversold office-days"
          f" {oversold}, double charges {twice}", flush=True)
    return figures


def _start_services(url: str, server_dir: Path, count: int, work: Path
                    ) -> list[tuple[subprocess.Popen[bytes], str]]:
    started = []
    for i in range(count):
        ready, log = work / f"svc{i}.port", work / f"svc{i}.log"
        with log.open("wb") as sink:
            process = subprocess.Popen(
                [sys.executable, "-m", "kiosk", "registry", "serve", "--db", url, "--tls",
                 str(server_dir), "--port", "0", "--ready-file", str(ready),
                 "--name", f"svc{i}"], stdout=sink, stderr=sink)
        deadline = time.monotonic() + 60
        while not ready.exists() or not ready.read_text().strip():
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(log.read_text(errors="replace")[-2000:])
            time.sleep(0.05)
        started.append((process, f"https://127.0.0.1:{ready.read_text().strip()}"))
    return started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kiosks", type=int, default=8)
    parser.add_argument("--services", type=int, default=2)
    parser.add_argument("--places", type=int, default=400)
    parser.add_argument("--recover-every", type=int, default=4)
    args = parser.parse_args()
    places = args.places // OFFICES * OFFICES
    per_kiosk = places * 1.1 / args.kiosks / max(args.recover_every, 1)
    if args.recover_every and per_kiosk > RecoveryLimits().per_client * 0.9:
        parser.error(f"about {per_kiosk:.0f} recoveries a kiosk: over the registry's limit "
                     f"per device ({RecoveryLimits().per_client} an hour); raise "
                     "--recover-every")
    day = _day()
    work = Path(tempfile.mkdtemp(prefix="nidkiosk-bench-service-"))
    os.environ.setdefault("NIDKIOSK_HOME", str(work / "home"))
    print(f"{places} places at {OFFICES} offices, {int(places * 1.1)} applicants, "
          f"{args.kiosks} kiosk processes, every {args.recover_every}th recovers a code; "
          f"PostgreSQL 15, fsync on; {os.cpu_count()} cores shared by everything", flush=True)
    server = ScratchPostgres.start(durable=True)
    services: list[tuple[subprocess.Popen[bytes], str]] = []
    try:
        url = server.create_database("baseline")
        codes = _setup(url, places)
        answers, elapsed = _phase(_local_kiosk, lambda i: (url,), codes, args.kiosks, day,
                                  args.recover_every)
        _report("in-process (LocalRegistry)", answers, elapsed, url, places, day)

        url = server.create_database("service")
        codes = _setup(url, places)
        authority = DeviceAuthority.create(work / "device-ca")
        database = Database.open(url, pool_size=1)
        server_dir = work / "service"
        authority.issue(database, "bench-service", Role.SERVER,
                        hosts=("127.0.0.1",)).write(server_dir)
        kiosks = []
        for i in range(args.kiosks):
            directory = work / f"kiosk{i}"
            authority.issue(database, f"bench-kiosk-{i}", Role.KIOSK).write(directory)
            kiosks.append(str(directory))
        database.close()
        services = _start_services(url, server_dir, args.services, work)
        urls = [u for _, u in services]
        answers, elapsed = _phase(_remote_kiosk, lambda i: (urls, kiosks[i]), codes,
                                  args.kiosks, day, args.recover_every)
        _report(f"service ({args.services} processes, TLS)", answers, elapsed, url, places,
                day)
    finally:
        for process, _ in services:
            process.terminate()
            process.wait(timeout=20)
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
